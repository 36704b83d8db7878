//! Sociogram (klassetrivsel): each pupil chooses up to a few classmates per question (positive
//! choices only, e.g. «hvem kan du fortælle en hemmelighed?»). What teachers look for: how often
//! each pupil is chosen, mutual choices (gensidige valg), triangles (tre elever, der alle vælger
//! hinanden), isolated pupils (valgt af ingen) and pupils who used fewer choices than they had.
//! The drawing's layout ([`layout`]) is computed here, so the SVG is the same every time.

use std::collections::{BTreeMap, BTreeSet};

/// One pupil's figures for one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilMeasure {
    pub child_id: i64,
    /// How many classmates chose the pupil.
    pub chosen_by: usize,
    /// How many classmates the pupil chose.
    pub chose: usize,
    /// How many of those choices were returned.
    pub mutual: usize,
    /// Whether the pupil answered the question at all.
    pub answered: bool,
}

/// The analysis of one sociogram question over a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sociogram {
    /// Per pupil of the class, in the order given.
    pub pupils: Vec<PupilMeasure>,
    /// Mutual pairs (lower id first), sorted.
    pub mutual_pairs: Vec<(i64, i64)>,
    /// Triangles of mutual choices (ids ascending), sorted.
    pub triangles: Vec<[i64; 3]>,
    /// Pupils nobody chose, in class order.
    pub isolated: Vec<i64>,
    /// Pupils who answered but used fewer than `max_choices`, in class order.
    pub fewer_choices: Vec<i64>,
}

/// Analyses the choices `(chooser, chosen)` of one question among `class` (the pupils asked).
/// Choices of or for pupils outside the class, self-choices and repeats are ignored; the form
/// refuses them before they are stored (`class_survey::check_choices`).
pub fn analyse(class: &[i64], choices: &[(i64, i64)], answered: &BTreeSet<i64>, max_choices: usize) -> Sociogram {
    let members: BTreeSet<i64> = class.iter().copied().collect();
    let edges: BTreeSet<(i64, i64)> = choices
        .iter()
        .copied()
        .filter(|(a, b)| a != b && members.contains(a) && members.contains(b))
        .collect();
    let mut out: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (a, b) in &edges {
        out.entry(*a).or_default().insert(*b);
    }
    let chose = |a: i64, b: i64| edges.contains(&(a, b));
    let mutual_pairs: Vec<(i64, i64)> = edges.iter().filter(|(a, b)| a < b && chose(*b, *a)).copied().collect();
    let mut triangles = Vec::new();
    for (a, b) in &mutual_pairs {
        for c in members.range(b + 1..) {
            if chose(*a, *c) && chose(*c, *a) && chose(*b, *c) && chose(*c, *b) {
                triangles.push([*a, *b, *c]);
            }
        }
    }
    let pupils: Vec<PupilMeasure> = class
        .iter()
        .map(|&id| {
            let mine = out.get(&id);
            PupilMeasure {
                child_id: id,
                chosen_by: edges.iter().filter(|(_, b)| *b == id).count(),
                chose: mine.map_or(0, BTreeSet::len),
                mutual: mine.map_or(0, |m| m.iter().filter(|b| chose(**b, id)).count()),
                answered: answered.contains(&id),
            }
        })
        .collect();
    Sociogram {
        isolated: pupils.iter().filter(|p| p.chosen_by == 0).map(|p| p.child_id).collect(),
        fewer_choices: pupils
            .iter()
            .filter(|p| p.answered && p.chose < max_choices)
            .map(|p| p.child_id)
            .collect(),
        pupils,
        mutual_pairs,
        triangles,
    }
}

/// Positions in the unit square (0–1) for drawing: a force-directed layout (Fruchterman–Reingold)
/// from a circle, with a fixed number of steps, so the same class always looks the same. Pupils
/// who choose each other are drawn together; pupils nobody chose drift to the edge.
pub fn layout(class: &[i64], choices: &[(i64, i64)]) -> Vec<(i64, f64, f64)> {
    let n = class.len();
    if n == 0 {
        return Vec::new();
    }
    let index: BTreeMap<i64, usize> = class.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let edges: BTreeSet<(usize, usize)> = choices
        .iter()
        .filter_map(|(a, b)| Some((*index.get(a)?, *index.get(b)?)))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / n as f64;
            (0.5 + 0.4 * angle.cos(), 0.5 + 0.4 * angle.sin())
        })
        .collect();
    let k = (1.0 / n as f64).sqrt() * 0.6;
    let mut temperature = 0.1;
    for _ in 0..200 {
        let mut shift = vec![(0.0f64, 0.0f64); n];
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let d = (dx * dx + dy * dy).sqrt().max(1e-3);
                let push = k * k / d;
                shift[i].0 += dx / d * push;
                shift[i].1 += dy / d * push;
            }
        }
        // A pull towards the middle keeps separate groups on the page instead of at its edges.
        for (p, s) in pos.iter().zip(shift.iter_mut()) {
            s.0 += (0.5 - p.0) * 1.5;
            s.1 += (0.5 - p.1) * 1.5;
        }
        for (a, b) in &edges {
            let (dx, dy) = (pos[*a].0 - pos[*b].0, pos[*a].1 - pos[*b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-3);
            let pull = d * d / k;
            shift[*a].0 -= dx / d * pull;
            shift[*a].1 -= dy / d * pull;
            shift[*b].0 += dx / d * pull;
            shift[*b].1 += dy / d * pull;
        }
        for (p, s) in pos.iter_mut().zip(&shift) {
            let len = (s.0 * s.0 + s.1 * s.1).sqrt().max(1e-9);
            let step = len.min(temperature);
            p.0 = (p.0 + s.0 / len * step).clamp(0.05, 0.95);
            p.1 = (p.1 + s.1 / len * step).clamp(0.05, 0.95);
        }
        temperature *= 0.98;
    }
    class.iter().zip(pos).map(|(id, (x, y))| (*id, x, y)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-made class of seven: 1, 2 and 3 all choose each other (a triangle); 4 and 5 choose
    /// each other; 6 chooses 1 and is chosen by nobody; 7 did not answer and nobody chose 7.
    fn class() -> (Vec<i64>, Vec<(i64, i64)>, BTreeSet<i64>) {
        let choices = vec![
            (1, 2),
            (1, 3),
            (2, 1),
            (2, 3),
            (3, 1),
            (3, 2),
            (4, 5),
            (5, 4),
            (5, 1),
            (6, 1),
            (6, 6),  // a self-choice is ignored
            (6, 99), // not in the class
        ];
        let answered = [1, 2, 3, 4, 5, 6].into_iter().collect();
        (vec![1, 2, 3, 4, 5, 6, 7], choices, answered)
    }

    #[test]
    fn isolated_pupils_mutual_choices_and_triangles() {
        let (class, choices, answered) = class();
        let s = analyse(&class, &choices, &answered, 3);
        assert_eq!(s.isolated, [6, 7]);
        assert_eq!(s.mutual_pairs, [(1, 2), (1, 3), (2, 3), (4, 5)]);
        assert_eq!(s.triangles, [[1, 2, 3]]);
        let one = &s.pupils[0];
        assert_eq!(
            (one.chosen_by, one.chose, one.mutual),
            (4, 2, 2),
            "chosen by 2, 3, 5 and 6"
        );
        // Everyone who answered used fewer than three; 7 did not answer.
        assert_eq!(s.fewer_choices, [1, 2, 3, 4, 5, 6]);
        assert_eq!(analyse(&class, &choices, &answered, 2).fewer_choices, [4, 6]);
        assert!(!s.pupils[6].answered);
    }

    #[test]
    fn the_layout_is_the_same_every_time_and_keeps_friends_together() {
        let (class, choices, _) = class();
        let a = layout(&class, &choices);
        assert_eq!(a, layout(&class, &choices));
        assert!(
            a.iter()
                .all(|(_, x, y)| (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y))
        );
        let dist = |i: usize, j: usize| ((a[i].1 - a[j].1).powi(2) + (a[i].2 - a[j].2).powi(2)).sqrt();
        assert!(
            dist(0, 1) < dist(0, 6),
            "the triangle is closer together than to the pupil nobody chose"
        );
    }
}
