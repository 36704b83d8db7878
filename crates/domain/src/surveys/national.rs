//! Den nationale trivselsmåling (folkeskoleloven § 56 b): grades 4–9 answer 40 questions, of
//! which 29 form four indicators — social trivsel, faglig trivsel, støtte og inspiration, ro og
//! orden. Answers are 1 (worst) to 5 (best) after reversing the questions asked the other way
//! round; «ønsker ikke at svare» is missing.
//!
//! * A pupil's indicator score ([`pupil_scores`]) is the mean of the answered items of that
//!   indicator, counted only if at least half of its items are answered ([`counts`]).
//! * Generel trivsel is the mean over all 29 indicator items under the same rule — not the mean
//!   of the four indicators.
//! * Which question belongs to which indicator, and which are reversed, is data: the shipped
//!   default (`data/national_survey_items.csv`, [`default_mapping`]) or a corrected file.
//! * Published results use Danish numbers (`3,9`, `2.351`); a suppressed cell (`..`, `-`, `*`,
//!   empty) is missing, never 0 ([`parse_number`]).
//! * Groups under [`MIN_GROUP`] pupils are not shown; a mean comes with its 95 % margin
//!   ([`estimate`]), and a change between years is called a change only when its margin
//!   excludes 0 ([`change`]) — in small groups most year-to-year differences are noise.

use std::collections::BTreeMap;

/// An indicator of the national survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Indicator {
    General,
    Social,
    Academic,
    Support,
    Order,
}

impl Indicator {
    pub const ALL: [Indicator; 5] = [
        Indicator::General,
        Indicator::Social,
        Indicator::Academic,
        Indicator::Support,
        Indicator::Order,
    ];

    /// The id in files and the database.
    pub fn id(self) -> &'static str {
        match self {
            Self::General => "generel",
            Self::Social => "social",
            Self::Academic => "faglig",
            Self::Support => "stoette",
            Self::Order => "ro",
        }
    }

    /// The name the Ministry publishes it under.
    pub fn navn(self) -> &'static str {
        match self {
            Self::General => "Generel trivsel",
            Self::Social => "Social trivsel",
            Self::Academic => "Faglig trivsel",
            Self::Support => "Støtte og inspiration",
            Self::Order => "Ro og orden",
        }
    }

    /// From an id or the published name (case and the «ø» spelled «oe» do not matter).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase().replace("oe", "ø");
        Self::ALL
            .into_iter()
            .find(|i| s == i.id().replace("oe", "ø") || s == i.navn().to_lowercase())
    }
}

/// One question of the mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub question: u16,
    /// One of the four (never [`Indicator::General`], which is all of them).
    pub indicator: Indicator,
    /// Asked the other way round: an answer `v` counts as `6 - v`.
    pub reversed: bool,
}

/// The shipped mapping of questions to indicators; check it against the year's questionnaire
/// and import a corrected one where it differs.
pub fn default_mapping() -> Vec<Item> {
    parse_mapping(include_str!("../../data/national_survey_items.csv")).expect("the shipped mapping is valid")
}

/// Reads a mapping: `question,indicator,reversed` (`ja`/`nej`), one row per item. The error is
/// (line, field, message) in Danish, the header being line 1.
pub fn parse_mapping(text: &str) -> Result<Vec<Item>, (usize, &'static str, String)> {
    let mut items: Vec<Item> = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split([',', ';']).map(str::trim).collect();
        let [question, indicator, reversed] = fields[..] else {
            return Err((
                n,
                "question",
                "skal have tre felter: question,indicator,reversed".into(),
            ));
        };
        let question: u16 = question.parse().ok().filter(|q| (1..=200).contains(q)).ok_or((
            n,
            "question",
            format!("«{question}» er ikke et spørgsmålsnummer"),
        ))?;
        let indicator = Indicator::parse(indicator)
            .filter(|i| *i != Indicator::General)
            .ok_or((
                n,
                "indicator",
                format!("«{indicator}» er ikke social, faglig, stoette eller ro"),
            ))?;
        let reversed = match reversed {
            "ja" => true,
            "nej" => false,
            other => return Err((n, "reversed", format!("«{other}» skal være ja eller nej"))),
        };
        if items.iter().any(|it| it.question == question) {
            return Err((n, "question", format!("spørgsmål {question} står to gange")));
        }
        items.push(Item {
            question,
            indicator,
            reversed,
        });
    }
    if items.is_empty() {
        return Err((1, "question", "filen har ingen spørgsmål".into()));
    }
    Ok(items)
}

/// Reads one answer: 1–5, or missing for «ønsker ikke at svare», «ved ikke» and empty cells.
pub fn parse_answer(s: &str) -> Result<Option<u8>, String> {
    let t = s.trim().to_lowercase();
    if t.is_empty() || t.starts_with("ønsker ikke") || t == "ved ikke" || t == "-" {
        return Ok(None);
    }
    match t.parse::<u8>() {
        Ok(v @ 1..=5) => Ok(Some(v)),
        _ => Err(format!("«{s}» er ikke et svar 1–5 eller «ønsker ikke at svare»")),
    }
}

/// Whether `answered` of `items` items is enough for a score: at least half.
pub fn counts(answered: usize, items: usize) -> bool {
    items > 0 && answered * 2 >= items
}

/// A pupil's scores: per indicator, `None` where too few items were answered.
pub fn pupil_scores(answers: &BTreeMap<u16, Option<u8>>, mapping: &[Item]) -> BTreeMap<Indicator, Option<f64>> {
    let value = |item: &Item| {
        answers
            .get(&item.question)
            .copied()
            .flatten()
            .map(|v| if item.reversed { 6 - v } else { v })
    };
    let score = |items: Vec<&Item>| {
        let values: Vec<f64> = items.iter().filter_map(|i| value(i)).map(f64::from).collect();
        counts(values.len(), items.len()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    Indicator::ALL
        .into_iter()
        .map(|ind| {
            let items: Vec<&Item> = mapping
                .iter()
                .filter(|i| ind == Indicator::General || i.indicator == ind)
                .collect();
            (ind, score(items))
        })
        .collect()
}

/// Reads a published figure: `3,9` → 3.9, `2.351` → 2351, `1.234,5` → 1234.5; a suppressed
/// or empty cell (`..`, `-`, `*`, `x`) → `None`.
pub fn parse_number(s: &str) -> Result<Option<f64>, String> {
    let t = s.trim();
    if t.is_empty() || matches!(t, ".." | "-" | "*" | "x" | "X" | "–") {
        return Ok(None);
    }
    let plain = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else if t.matches('.').count() == 1 && t.split('.').nth(1).is_some_and(|d| d.len() == 3) {
        // «2.351»: a thousands separator, never a decimal point in Danish.
        t.replace('.', "")
    } else {
        t.to_string()
    };
    plain
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| format!("«{s}» er ikke et tal (skriv fx 3,9)"))
}

/// Groups under this many pupils are not shown.
pub const MIN_GROUP: usize = 5;

/// A group's mean with its 95 % margin (± `margin`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub n: usize,
    pub mean: f64,
    pub margin: f64,
}

/// The mean of the pupils' scores, or `None` for a group under [`MIN_GROUP`].
pub fn estimate(scores: &[f64]) -> Option<Estimate> {
    let n = scores.len();
    if n < MIN_GROUP {
        return None;
    }
    let mean = scores.iter().sum::<f64>() / n as f64;
    let variance = scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some(Estimate {
        n,
        mean,
        margin: 1.96 * (variance / n as f64).sqrt(),
    })
}

/// A change from one year to the next, with its 95 % margin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub diff: f64,
    pub margin: f64,
}

impl Change {
    /// Whether the change is larger than its margin (else: no certain change).
    pub fn certain(self) -> bool {
        self.diff.abs() > self.margin
    }
}

pub fn change(before: Estimate, after: Estimate) -> Change {
    Change {
        diff: after.mean - before.mean,
        margin: (before.margin.powi(2) + after.margin.powi(2)).sqrt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(question: u16, indicator: Indicator, reversed: bool) -> Item {
        Item {
            question,
            indicator,
            reversed,
        }
    }

    #[test]
    fn half_the_items_must_be_answered_and_reversed_items_turn() {
        // Social: questions 1–4 (4 reversed); ro og orden: 5–6.
        let mapping = [
            item(1, Indicator::Social, false),
            item(2, Indicator::Social, false),
            item(3, Indicator::Social, false),
            item(4, Indicator::Social, true),
            item(5, Indicator::Order, false),
            item(6, Indicator::Order, false),
        ];
        let answers: BTreeMap<u16, Option<u8>> = [
            (1, Some(5)),
            (2, None),
            (3, None),
            (4, Some(1)),
            (5, Some(2)),
            (6, None),
        ]
        .into();
        let s = pupil_scores(&answers, &mapping);
        // Social: 2 of 4 answered (half counts): 5 and 6 − 1 = 5.
        assert_eq!(s[&Indicator::Social], Some(5.0));
        // Ro og orden: 1 of 2 is half: 2.
        assert_eq!(s[&Indicator::Order], Some(2.0));
        // Generel trivsel: the mean of the three answered items (5, 5, 2) = 4, not the mean of
        // the two indicators (3.5).
        assert_eq!(s[&Indicator::General], Some(4.0));
        assert_eq!(s[&Indicator::Academic], None, "no items, no score");

        let fewer: BTreeMap<u16, Option<u8>> = [(1, Some(4)), (5, Some(3)), (6, Some(3))].into();
        let s = pupil_scores(&fewer, &mapping);
        assert_eq!(s[&Indicator::Social], None, "1 of 4 answered is under half");
        assert_eq!(s[&Indicator::General], Some(10.0 / 3.0), "3 of 6 answered is half");
    }

    #[test]
    fn the_shipped_mapping_has_29_items_in_four_indicators() {
        let m = default_mapping();
        assert_eq!(m.len(), 29);
        for ind in [
            Indicator::Social,
            Indicator::Academic,
            Indicator::Support,
            Indicator::Order,
        ] {
            assert!(m.iter().any(|i| i.indicator == ind));
        }
        assert_eq!(
            parse_mapping("question,indicator,reversed\n1,social,ja\n1,ro,nej\n")
                .unwrap_err()
                .0,
            3
        );
        assert_eq!(
            parse_mapping("question,indicator,reversed\n1,glad,ja\n").unwrap_err().1,
            "indicator"
        );
    }

    #[test]
    fn danish_numbers_and_suppressed_cells() {
        assert_eq!(parse_number("3,9"), Ok(Some(3.9)));
        assert_eq!(parse_number("2.351"), Ok(Some(2351.0)));
        assert_eq!(parse_number("1.234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("4"), Ok(Some(4.0)));
        for suppressed in ["..", "-", "*", "", " "] {
            assert_eq!(parse_number(suppressed), Ok(None), "{suppressed:?} is missing, not 0");
        }
        assert!(parse_number("tre").is_err());
        assert_eq!(parse_answer("Ønsker ikke at svare"), Ok(None));
        assert_eq!(parse_answer("4"), Ok(Some(4)));
        assert!(parse_answer("6").is_err());
        assert_eq!(Indicator::parse("Støtte og inspiration"), Some(Indicator::Support));
        assert_eq!(Indicator::parse("stoette"), Some(Indicator::Support));
    }

    #[test]
    fn small_groups_are_suppressed_and_changes_come_with_their_margin() {
        assert_eq!(estimate(&[4.0, 4.0, 4.0, 4.0]), None);
        let a = estimate(&[3.0, 4.0, 5.0, 4.0, 4.0]).unwrap();
        assert_eq!((a.n, a.mean), (5, 4.0));
        assert!((a.margin - 1.96 * (0.5f64 / 5.0).sqrt()).abs() < 1e-9);
        let b = estimate(&[3.5, 4.5, 5.0, 4.0, 4.5]).unwrap();
        assert!(!change(a, b).certain(), "a small class's change of 0.3 is noise");
        let big_a = estimate(&vec![3.0; 50].into_iter().chain(vec![4.0; 50]).collect::<Vec<_>>()).unwrap();
        let big_b = estimate(&vec![4.0; 50].into_iter().chain(vec![5.0; 50]).collect::<Vec<_>>()).unwrap();
        assert!(change(big_a, big_b).certain());
    }
}
