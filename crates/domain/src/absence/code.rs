//! Fraværskoder (absence codes): what one registration says about a pupil.

use std::fmt;

/// Fraværskode (absence code) of one registration.
///
/// `S`, `L` and `U` are absence (fravær); `P`, `F` and `T` are presence. Late (`F`) and left
/// early (`T`) are local practice, counted by the rule «kommer og går» (comes and goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// `P` — til stede (present).
    Present,
    /// `S` — sygdom (sickness).
    Sickness,
    /// `L` — lovligt fravær (lawful, approved absence).
    Lawful,
    /// `U` — ulovligt fravær (unlawful absence).
    Unlawful,
    /// `F` — for sent (late; present).
    Late,
    /// `T` — gået tidligt (left early; present).
    LeftEarly,
}

impl Code {
    pub const ALL: [Self; 6] = [
        Self::Present,
        Self::Sickness,
        Self::Lawful,
        Self::Unlawful,
        Self::Late,
        Self::LeftEarly,
    ];

    /// The code's letter: `P`, `S`, `L`, `U`, `F` or `T`.
    pub fn as_char(self) -> char {
        match self {
            Self::Present => 'P',
            Self::Sickness => 'S',
            Self::Lawful => 'L',
            Self::Unlawful => 'U',
            Self::Late => 'F',
            Self::LeftEarly => 'T',
        }
    }

    /// The code for an uppercase letter; `None` for anything else (lowercase included).
    pub fn from_char(c: char) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_char() == c)
    }

    /// Parses a stored or imported code: exactly one of `P S L U F T`, uppercase, nothing else.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut chars = value.chars();
        match (chars.next().and_then(Self::from_char), chars.next()) {
            (Some(code), None) => Ok(code),
            _ => Err(format!("ukendt fraværskode «{value}» (gyldige: P, S, L, U, F, T)")),
        }
    }

    /// Danish display name.
    pub fn navn(self) -> &'static str {
        match self {
            Self::Present => "Til stede",
            Self::Sickness => "Sygdom",
            Self::Lawful => "Lovligt fravær",
            Self::Unlawful => "Ulovligt fravær",
            Self::Late => "For sent",
            Self::LeftEarly => "Gået tidligt",
        }
    }

    /// Fravær (absence): `S`, `L` or `U`. Counts towards the day value.
    pub fn is_absence(self) -> bool {
        matches!(self, Self::Sickness | Self::Lawful | Self::Unlawful)
    }

    /// Ulovligt fravær (unlawful absence): `U`. Counts towards the unlawful day value.
    pub fn is_unlawful(self) -> bool {
        self == Self::Unlawful
    }

    /// For sent eller gået tidligt (late or left early): `F` or `T`. Present, but counted by
    /// «kommer og går» (comes and goes).
    pub fn is_late_or_left(self) -> bool {
        matches!(self, Self::Late | Self::LeftEarly)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_round_trip() {
        for code in Code::ALL {
            assert_eq!(Code::from_char(code.as_char()), Some(code));
            assert_eq!(Code::parse(&code.to_string()), Ok(code));
        }
        let letters: String = Code::ALL.map(Code::as_char).iter().collect();
        assert_eq!(letters, "PSLUFT");
    }

    #[test]
    fn parse_refuses_anything_else() {
        for bad in ["", "p", "X", "PP", " P", "P ", "Ø", "SU"] {
            assert_eq!(
                Code::parse(bad),
                Err(format!("ukendt fraværskode «{bad}» (gyldige: P, S, L, U, F, T)")),
            );
        }
        assert_eq!(Code::from_char('u'), None);
    }

    #[test]
    fn classes_of_codes() {
        let absent: Vec<_> = Code::ALL.into_iter().filter(|c| c.is_absence()).collect();
        assert_eq!(absent, [Code::Sickness, Code::Lawful, Code::Unlawful]);
        let late: Vec<_> = Code::ALL.into_iter().filter(|c| c.is_late_or_left()).collect();
        assert_eq!(late, [Code::Late, Code::LeftEarly]);
        assert!(Code::Unlawful.is_unlawful() && !Code::Sickness.is_unlawful());
    }
}
