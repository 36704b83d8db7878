//! Udviklingshjul for små læringsgrupper (Frederiksberg's development wheel, seed 004): a
//! daycare forms learning groups of [`GROUP_SIZE`] children with one fixed pedagogue; after each
//! session the pedagogue rates each child on the group's dimensions ([`DEFAULT_DIMENSIONS`]) on
//! the [`SCALE`] with a note. The wheel per child shows the latest rating and the one before;
//! the institution's goals (e.g. «95 % af børnene kan koncentrere sig i 15 minutter») show the
//! share of rated children who reach the goal's level today ([`goal_progress`]).

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// The seed's five competences.
pub const DEFAULT_DIMENSIONS: [&str; 5] = [
    "Koncentrere sig 15 minutter om en ikke selvvalgt aktivitet",
    "Vise nysgerrighed og lyst til at lære nyt",
    "Give udtryk for egne følelser",
    "Udsætte egne behov og ønsker",
    "Rumme andre børn",
];

/// A learning group has 3 or 4 children.
pub const GROUP_SIZE: RangeInclusive<usize> = 3..=4;

/// The ratings, 1 to 4.
pub const SCALE: [&str; 4] = ["Endnu ikke", "Med hjælp", "For det meste", "Sikkert"];

/// Checks a group's size and dimensions (1–8, none empty, none twice).
pub fn check_group(children: usize, dimensions: &[String]) -> Result<(), String> {
    if !GROUP_SIZE.contains(&children) {
        return Err(format!(
            "en læringsgruppe har {}–{} børn (valgt: {children})",
            GROUP_SIZE.start(),
            GROUP_SIZE.end()
        ));
    }
    if dimensions.is_empty() || dimensions.len() > 8 {
        return Err("gruppen skal have 1–8 kompetencer".into());
    }
    for (i, d) in dimensions.iter().enumerate() {
        if d.trim().is_empty() || d.chars().count() > 120 {
            return Err(format!("kompetence {}: skriv højst 120 tegn", i + 1));
        }
        if dimensions[..i].contains(d) {
            return Err(format!("kompetence {}: «{d}» står to gange", i + 1));
        }
    }
    Ok(())
}

/// One rating: a session's date, a child, a dimension (by position from 0) and the value 1–4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating {
    pub date: chrono::NaiveDate,
    pub child_id: i64,
    pub dimension: usize,
    pub value: u8,
}

/// Per dimension, the child's latest value and the one before it (if any).
pub fn wheel(ratings: &[Rating], child_id: i64) -> BTreeMap<usize, (u8, Option<u8>)> {
    let mut own: Vec<&Rating> = ratings.iter().filter(|r| r.child_id == child_id).collect();
    own.sort_by_key(|r| r.date);
    let mut out: BTreeMap<usize, (u8, Option<u8>)> = BTreeMap::new();
    for r in own {
        let before = out.get(&r.dimension).map(|(latest, _)| *latest);
        out.insert(r.dimension, (r.value, before));
    }
    out
}

/// A goal's progress: of the children rated on `dimension`, how many have a latest rating of at
/// least `level`, and how many were rated.
pub fn goal_progress(ratings: &[Rating], dimension: usize, level: u8) -> (usize, usize) {
    let mut latest: BTreeMap<i64, (chrono::NaiveDate, u8)> = BTreeMap::new();
    for r in ratings.iter().filter(|r| r.dimension == dimension) {
        let e = latest.entry(r.child_id).or_insert((r.date, r.value));
        if r.date >= e.0 {
            *e = (r.date, r.value);
        }
    }
    let reached = latest.values().filter(|(_, v)| *v >= level).count();
    (reached, latest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(date: &str, child_id: i64, dimension: usize, value: u8) -> Rating {
        Rating {
            date: date.parse().unwrap(),
            child_id,
            dimension,
            value,
        }
    }

    #[test]
    fn the_wheel_shows_the_latest_and_the_one_before() {
        let ratings = [
            r("2026-11-02", 1, 0, 1),
            r("2026-11-16", 1, 0, 3),
            r("2026-11-09", 1, 0, 2),
            r("2026-11-16", 1, 1, 4),
            r("2026-11-16", 2, 0, 4),
        ];
        let w = wheel(&ratings, 1);
        assert_eq!(w[&0], (3, Some(2)));
        assert_eq!(w[&1], (4, None));
        // Concentration at level 3 or more: child 1 (3) and child 2 (4) of two rated.
        assert_eq!(goal_progress(&ratings, 0, 3), (2, 2));
        assert_eq!(goal_progress(&ratings, 0, 4), (1, 2));
    }

    #[test]
    fn a_group_has_three_or_four_children() {
        let dims: Vec<String> = DEFAULT_DIMENSIONS.iter().map(|d| d.to_string()).collect();
        assert!(check_group(3, &dims).is_ok() && check_group(4, &dims).is_ok());
        assert!(check_group(2, &dims).is_err() && check_group(5, &dims).is_err());
        assert!(check_group(3, &["a".into(), "a".into()]).is_err());
    }
}
