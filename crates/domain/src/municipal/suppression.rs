//! Diskretionering (small-group suppression): the municipality sees no figure about fewer
//! than [`MIN_CHILDREN`] children. A cell about 1–4 children is shown as «<5» (primary
//! suppression); and where a table has a total row, a column with exactly one hidden cell
//! also hides its next smallest cell, so that the hidden figure cannot be found by
//! subtracting the shown ones from the total (secondary suppression). Tables have no row
//! totals, so columns are the only lines a figure can be derived along.
//!
//! Every page, CSV and XLSX of the overview is written from [`Table::publish`], so no path
//! reaches an unsuppressed figure.

use crate::meetings::InTimeShare;

/// Smallest number of children a published figure may be about.
pub const MIN_CHILDREN: u64 = 5;

/// A figure before publication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A number of children, or of cases each about one child.
    Children(u64),
    /// A number not about children (classes, activities): never suppressed.
    Count(u64),
    /// A rate in per cent over a group of `group` children (the absence share).
    Rate { percent: f64, group: u64 },
    /// A compliance share of cases each about one child.
    Share(InTimeShare),
    /// A compliance share of things that are not children (a class's monthly review).
    ShareOfCount(InTimeShare),
}

/// A published figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Published {
    Number(u64),
    Percent(f64),
    Share(InTimeShare),
    /// About fewer than 5 children, or derivable from such a figure: «<5».
    Small,
    /// Nothing to show (a rate of no children, a share of no cases): «–».
    Blank,
}

impl Cell {
    /// Hidden on its own: about 1–4 children.
    fn primary(self) -> bool {
        let small = |n: u64| (1..MIN_CHILDREN).contains(&n);
        match self {
            Cell::Children(n) => small(n),
            Cell::Rate { group, .. } => small(group),
            Cell::Share(s) => {
                let (in_time, counted) = (s.in_time as u64, s.counted as u64);
                small(counted) || small(in_time) || small(counted - in_time)
            }
            Cell::Count(_) | Cell::ShareOfCount(_) => false,
        }
    }

    /// The children the figure is about, if it is suppressible at all.
    fn weight(self) -> Option<u64> {
        match self {
            Cell::Children(n) => Some(n),
            Cell::Rate { group, .. } => Some(group),
            Cell::Share(s) => Some(s.counted as u64),
            Cell::Count(_) | Cell::ShareOfCount(_) => None,
        }
    }

    fn shown(self) -> Published {
        match self {
            Cell::Children(n) | Cell::Count(n) => Published::Number(n),
            Cell::Rate { group: 0, .. } => Published::Blank,
            Cell::Rate { percent, .. } => Published::Percent(percent),
            Cell::Share(s) | Cell::ShareOfCount(s) if s.counted == 0 => Published::Blank,
            Cell::Share(s) | Cell::ShareOfCount(s) => Published::Share(s),
        }
    }
}

/// A table of figures: rows (schools, months, rules) and, optionally, a total row that is the
/// sum of the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table<R = String> {
    pub columns: Vec<&'static str>,
    pub rows: Vec<(R, Vec<Cell>)>,
    pub total: Option<(R, Vec<Cell>)>,
}

/// The same table as it may be shown.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedTable<R = String> {
    pub columns: Vec<&'static str>,
    pub rows: Vec<(R, Vec<Published>)>,
    pub total: Option<(R, Vec<Published>)>,
}

impl<R: Clone> Table<R> {
    pub fn publish(&self) -> PublishedTable<R> {
        let mut hidden: Vec<Vec<bool>> = self
            .rows
            .iter()
            .map(|(_, cells)| cells.iter().map(|c| c.primary()).collect())
            .collect();
        let mut total_hidden: Vec<bool> = self
            .total
            .as_ref()
            .map(|(_, cells)| cells.iter().map(|c| c.primary()).collect())
            .unwrap_or_default();
        if let Some((_, totals)) = &self.total {
            for (col, total) in totals.iter().enumerate() {
                if total.weight().is_none() {
                    continue;
                }
                let count = hidden.iter().filter(|h| h[col]).count() + usize::from(total_hidden[col]);
                if count != 1 {
                    continue;
                }
                // The smallest shown cell of the column that is about some children.
                let next = self
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(r, _)| !hidden[*r][col])
                    .filter_map(|(r, (_, cells))| cells[col].weight().filter(|w| *w > 0).map(|w| (w, r)))
                    .min();
                match next {
                    Some((_, r)) => hidden[r][col] = true,
                    None => total_hidden[col] = true,
                }
            }
        }
        let show = |cells: &[Cell], hidden: &[bool]| -> Vec<Published> {
            cells
                .iter()
                .zip(hidden)
                .map(|(c, h)| if *h { Published::Small } else { c.shown() })
                .collect()
        };
        PublishedTable {
            columns: self.columns.clone(),
            rows: self
                .rows
                .iter()
                .zip(&hidden)
                .map(|((label, cells), h)| (label.clone(), show(cells, h)))
                .collect(),
            total: self
                .total
                .as_ref()
                .map(|(label, cells)| (label.clone(), show(cells, &total_hidden))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn children(rows: &[&[u64]], total: bool) -> Table<&'static str> {
        let rows: Vec<(&str, Vec<Cell>)> = rows
            .iter()
            .map(|r| ("", r.iter().map(|n| Cell::Children(*n)).collect()))
            .collect();
        let sums: Vec<Cell> = (0..rows[0].1.len())
            .map(|c| {
                Cell::Children(
                    rows.iter()
                        .map(|(_, r)| match r[c] {
                            Cell::Children(n) => n,
                            _ => 0,
                        })
                        .sum(),
                )
            })
            .collect();
        Table {
            columns: vec![""; sums.len()],
            rows,
            total: total.then_some(("I alt", sums)),
        }
    }

    fn column(t: &PublishedTable<&str>, col: usize) -> Vec<Published> {
        let mut out: Vec<Published> = t.rows.iter().map(|(_, r)| r[col]).collect();
        out.extend(t.total.iter().map(|(_, r)| r[col]));
        out
    }

    use Published::{Number as N, Small};

    #[test]
    fn one_to_four_children_are_hidden_and_zero_is_shown() {
        let t = children(&[&[0, 1, 4, 5, 12]], false).publish();
        assert_eq!(t.rows[0].1, [N(0), Small, Small, N(5), N(12)]);
    }

    #[test]
    fn a_single_hidden_cell_cannot_be_found_by_subtraction() {
        // 10 + 3 + 8 = 21: with 3 hidden and the total shown, 3 = 21 − 10 − 8. The smallest
        // other school (8) is hidden too, so only 3 + 8 = 11 can be found.
        let t = children(&[&[10], &[3], &[8]], true).publish();
        assert_eq!(column(&t, 0), [N(10), Small, Small, N(21)]);
        // Two hidden already: nothing more to hide.
        let t = children(&[&[10], &[3], &[2]], true).publish();
        assert_eq!(column(&t, 0), [N(10), Small, Small, N(15)]);
        // Without a total there is nothing to subtract from.
        let t = children(&[&[10], &[3], &[8]], false).publish();
        assert_eq!(column(&t, 0), [N(10), Small, N(8)]);
        // The zero rows tell nothing; with no other figure the total itself is hidden.
        let t = children(&[&[0], &[3], &[0]], true).publish();
        assert_eq!(column(&t, 0), [N(0), Small, N(0), Small]);
        // Columns are suppressed each on its own.
        let t = children(&[&[10, 6], &[3, 7], &[8, 9]], true).publish();
        assert_eq!(column(&t, 1), [N(6), N(7), N(9), N(22)]);
    }

    #[test]
    fn shares_rates_and_counts() {
        let share = |in_time, counted| Cell::Share(InTimeShare { in_time, counted });
        let t = Table {
            columns: vec!["a", "b", "c", "d"],
            rows: vec![
                (
                    "x",
                    vec![
                        share(4, 5),
                        share(10, 10),
                        Cell::Rate { percent: 7.5, group: 4 },
                        Cell::Count(2),
                    ],
                ),
                (
                    "y",
                    vec![
                        share(9, 15),
                        share(0, 0),
                        Cell::Rate { percent: 6.0, group: 0 },
                        Cell::Count(1),
                    ],
                ),
            ],
            total: None,
        }
        .publish();
        // 4 of 5 in time tells that one child's case was late.
        assert_eq!(
            t.rows[0].1[..3],
            [
                Small,
                Published::Share(InTimeShare {
                    in_time: 10,
                    counted: 10
                }),
                Small
            ]
        );
        assert_eq!(t.rows[0].1[3], N(2));
        assert_eq!(
            t.rows[1].1,
            [
                Published::Share(InTimeShare {
                    in_time: 9,
                    counted: 15
                }),
                Published::Blank,
                Published::Blank,
                N(1)
            ]
        );
    }
}
