//! Overgangsskema (transition form): what the health visitor (sundhedsplejerske) writes with
//! the parents at a home visit before the child starts in daycare. Using it is voluntary; for
//! each answer the parents choose whether it is passed on (deles med dagtilbuddet), and they
//! confirm the form — in the parent view, or recorded by the health visitor. The confirmation
//! is the parents' consent [`ConsentScope::TransitionForm`](crate::meetings::ConsentScope); the
//! receiving daycare reads the shared answers only while that consent is in force and only from
//! the child's start date ([`daycare_view`]), and gets a task for the start conversation.
//!
//! The questions are the municipality's (a default set ships, [`DEFAULT_QUESTIONS`]); each
//! form keeps the wording it was filled in with. An optional ADBB screening ([`Adbb`]: 8 items
//! scored 0–4) marks concern at or above the municipality's cut-off ([`ADBB_DEFAULT_CUTOFF`]).

use chrono::NaiveDate;

/// The shipped questions (nøgle, spørgsmål), used until a municipality sets its own.
pub const DEFAULT_QUESTIONS: [(&str, &str); 5] = [
    (
        "trivsel",
        "Barnets trivsel: hvordan har barnet det, og hvad glæder det sig over?",
    ),
    ("udvikling", "Barnets udvikling: sprog, motorik, leg og søvn"),
    ("sociale", "Sociale kompetencer: samspil med andre børn og voksne"),
    ("familie", "Familiens situation og ønsker til dagtilbuddet"),
    (
        "hensyn",
        "Særlige hensyn, fx helbred, allergi, spisning eller tryghed ved aflevering",
    ),
];

/// A municipality's set holds at most this many questions.
pub const MAX_QUESTIONS: usize = 30;
/// A question's wording is at most this many characters.
pub const MAX_QUESTION_CHARS: usize = 300;

/// The ADBB items (Alarm Distress Baby Scale), in the scale's order.
pub const ADBB_ITEMS: [&str; 8] = [
    "Ansigtsudtryk",
    "Øjenkontakt",
    "Generelt aktivitetsniveau",
    "Selvstimulerende bevægelser",
    "Vokalisering",
    "Reaktion på stimulation",
    "Relation",
    "Evne til at tiltrække sig opmærksomhed",
];
/// Each item is scored 0 (no unusual behaviour) to 4 (marked withdrawal).
pub const ADBB_MAX_SCORE: u8 = 4;
/// A total at or above this marks concern: the cut-off of the published validation. A
/// municipality may set another (`trivsel transition-form adbb-cutoff`).
pub const ADBB_DEFAULT_CUTOFF: u32 = 5;

/// One question of the municipality's set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub key: String,
    pub text: String,
}

/// The default set as [`Question`]s.
pub fn default_questions() -> Vec<Question> {
    DEFAULT_QUESTIONS
        .iter()
        .map(|(key, text)| Question {
            key: (*key).into(),
            text: (*text).into(),
        })
        .collect()
}

/// Checks a municipality's set: 1–[`MAX_QUESTIONS`] questions, each key of lower-case letters,
/// digits and `_` and used once, each wording non-empty and at most [`MAX_QUESTION_CHARS`].
/// The error names the question by its number (1-based) and says what is wrong, in Danish.
pub fn check_questions(questions: &[Question]) -> Result<(), (usize, String)> {
    if questions.is_empty() {
        return Err((0, "sættet har ingen spørgsmål".into()));
    }
    if questions.len() > MAX_QUESTIONS {
        return Err((MAX_QUESTIONS + 1, format!("højst {MAX_QUESTIONS} spørgsmål")));
    }
    for (i, q) in questions.iter().enumerate() {
        let n = i + 1;
        let key_ok = !q.key.is_empty()
            && q.key.len() <= 40
            && q.key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            return Err((n, format!("nøglen «{}» må kun have små bogstaver a–z, tal og _", q.key)));
        }
        if questions[..i].iter().any(|p| p.key == q.key) {
            return Err((n, format!("nøglen «{}» er brugt før", q.key)));
        }
        let chars = q.text.trim().chars().count();
        if chars == 0 {
            return Err((n, "spørgsmålet er tomt".into()));
        }
        if chars > MAX_QUESTION_CHARS {
            return Err((n, format!("spørgsmålet er længere end {MAX_QUESTION_CHARS} tegn")));
        }
    }
    Ok(())
}

/// An ADBB screening: the eight item scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adbb([u8; 8]);

impl Adbb {
    /// From the eight scores; refuses a score above [`ADBB_MAX_SCORE`].
    pub fn new(scores: [u8; 8]) -> Result<Self, String> {
        match scores.iter().position(|s| *s > ADBB_MAX_SCORE) {
            Some(i) => Err(format!("{}: scoren skal være 0–{ADBB_MAX_SCORE}", ADBB_ITEMS[i])),
            None => Ok(Adbb(scores)),
        }
    }

    /// From the stored form, `"1,0,2,0,0,1,0,0"`.
    pub fn parse(stored: &str) -> Result<Self, String> {
        let scores: Vec<u8> = stored
            .split(',')
            .map(|s| s.trim().parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("ADBB: «{stored}» er ikke otte tal"))?;
        let scores: [u8; 8] = scores
            .try_into()
            .map_err(|_| format!("ADBB: «{stored}» er ikke otte tal"))?;
        Adbb::new(scores)
    }

    pub fn scores(self) -> [u8; 8] {
        self.0
    }

    /// The stored form.
    pub fn stored(self) -> String {
        self.0.map(|s| s.to_string()).join(",")
    }

    /// The total, 0–32.
    pub fn total(self) -> u32 {
        self.0.iter().map(|s| u32::from(*s)).sum()
    }

    /// Whether the total is at or above the cut-off (opmærksomhed).
    pub fn marks_concern(self, cutoff: u32) -> bool {
        self.total() >= cutoff
    }
}

/// Checks a municipality's ADBB cut-off: 1 to the highest possible total.
pub fn check_cutoff(cutoff: u32) -> Result<(), String> {
    let max = ADBB_ITEMS.len() as u32 * u32::from(ADBB_MAX_SCORE);
    if (1..=max).contains(&cutoff) {
        Ok(())
    } else {
        Err(format!("ADBB-grænsen skal være 1–{max}"))
    }
}

/// What the receiving daycare sees of a form on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaycareView {
    /// The shared answers.
    Shared,
    /// Nothing yet: the child starts on this date.
    FromStart(NaiveDate),
    /// Nothing: the parents have not confirmed the form, or their consent is no longer in force.
    NotPassed,
}

/// The rule for the receiving daycare: nothing unless the parents confirmed and their consent
/// is in force on `today`, and nothing before the start date; then only the shared answers.
pub fn daycare_view(consent_in_force: bool, starts_on: NaiveDate, today: NaiveDate) -> DaycareView {
    if !consent_in_force {
        DaycareView::NotPassed
    } else if today < starts_on {
        DaycareView::FromStart(starts_on)
    } else {
        DaycareView::Shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_daycare_sees_nothing_before_the_start_nor_without_the_parents() {
        let start = d("2027-01-04");
        assert_eq!(
            daycare_view(true, start, d("2027-01-03")),
            DaycareView::FromStart(start)
        );
        assert_eq!(daycare_view(true, start, start), DaycareView::Shared);
        assert_eq!(daycare_view(false, start, d("2027-02-01")), DaycareView::NotPassed);
    }

    #[test]
    fn adbb_marks_concern_at_the_cutoff() {
        let a = Adbb::new([1, 0, 2, 0, 0, 1, 0, 0]).unwrap();
        assert_eq!(a.total(), 4);
        assert!(!a.marks_concern(ADBB_DEFAULT_CUTOFF));
        let b = Adbb::new([1, 0, 2, 0, 0, 1, 1, 0]).unwrap();
        assert!(b.marks_concern(ADBB_DEFAULT_CUTOFF));
        assert!(b.marks_concern(5) && !b.marks_concern(6));
        assert_eq!(Adbb::parse(&b.stored()), Ok(b));
        assert!(
            Adbb::new([0, 0, 0, 5, 0, 0, 0, 0])
                .unwrap_err()
                .starts_with("Selvstimulerende")
        );
        assert!(Adbb::parse("1,2,3").is_err());
        assert!(check_cutoff(0).is_err() && check_cutoff(33).is_err() && check_cutoff(32).is_ok());
    }

    #[test]
    fn a_question_set_needs_unique_keys_and_wording() {
        assert!(check_questions(&default_questions()).is_ok());
        let q = |k: &str, t: &str| Question {
            key: k.into(),
            text: t.into(),
        };
        assert_eq!(check_questions(&[]).unwrap_err().0, 0);
        assert_eq!(check_questions(&[q("a", "x"), q("a", "y")]).unwrap_err().0, 2);
        assert_eq!(check_questions(&[q("Søvn", "x")]).unwrap_err().0, 1);
        assert_eq!(check_questions(&[q("a", "x"), q("b", " ")]).unwrap_err().0, 2);
    }
}
