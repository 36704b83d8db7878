//! Referat (minutes): a fraværssamråd follows three interview rounds; other meetings have
//! free-text notes. Stored as JSON.

use serde::{Deserialize, Serialize};

/// One participant's answer in a round.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Who said it, as written in the minutes (a role or a name).
    pub speaker: String,
    pub text: String,
}

/// The three interview rounds of a fraværssamråd (de tre interviewrunder).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamraadMinutes {
    /// Runde 1: hvad håber hver deltager, at mødet fører til?
    pub hopes: Vec<Statement>,
    /// Runde 2: hvad forhindrer eleven i at komme i skole …
    pub obstacles: Vec<Statement>,
    /// … og hvad hjælper?
    pub helps: Vec<Statement>,
    /// Runde 3: hvad kan hver deltager bidrage med?
    pub contributions: Vec<Statement>,
}

impl SamraadMinutes {
    /// The rounds' Danish questions, in order.
    pub const QUESTIONS: [&'static str; 3] = [
        "Hvad håber du, at mødet fører til?",
        "Hvad forhindrer eleven i at komme i skole, og hvad hjælper?",
        "Hvad kan du bidrage med?",
    ];

    /// The rounds with no statement at all (1-based), for a warning before closing.
    pub fn empty_rounds(&self) -> Vec<usize> {
        let filled = |s: &[Statement]| s.iter().any(|s| !s.text.trim().is_empty());
        [
            filled(&self.hopes),
            filled(&self.obstacles) || filled(&self.helps),
            filled(&self.contributions),
        ]
        .iter()
        .enumerate()
        .filter(|(_, f)| !**f)
        .map(|(i, _)| i + 1)
        .collect()
    }
}

/// A meeting's minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Minutes {
    /// Fraværssamråd: the three rounds.
    Rounds(SamraadMinutes),
    /// Other meetings: free text.
    Notes { text: String },
}

impl Minutes {
    /// The stored form (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("minutes serialise")
    }

    pub fn from_json(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("referatet kan ikke læses: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(speaker: &str, text: &str) -> Vec<Statement> {
        vec![Statement {
            speaker: speaker.into(),
            text: text.into(),
        }]
    }

    #[test]
    fn round_trips_as_json() {
        let rounds = Minutes::Rounds(SamraadMinutes {
            hopes: said("Mor", "At han kommer i skole igen."),
            obstacles: said("Eleven", "Ondt i maven om morgenen."),
            helps: vec![],
            contributions: said("Skoleleder", "Fast morgenmodtagelse."),
        });
        let json = rounds.to_json();
        assert!(json.starts_with(r#"{"type":"rounds""#), "{json}");
        assert_eq!(Minutes::from_json(&json), Ok(rounds));
        let notes = Minutes::Notes {
            text: "Aftalt: ny plan.".into(),
        };
        assert_eq!(Minutes::from_json(&notes.to_json()), Ok(notes));
        assert!(Minutes::from_json("{}").is_err());
    }

    #[test]
    fn empty_rounds_are_named() {
        let mut m = SamraadMinutes::default();
        assert_eq!(m.empty_rounds(), vec![1, 2, 3]);
        m.helps = said("Lærer", "Makkerordning.");
        m.hopes = said("Far", "  ");
        assert_eq!(m.empty_rounds(), vec![1, 3]);
    }
}
