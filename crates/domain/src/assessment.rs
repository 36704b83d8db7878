//! Trafiklysvurdering (traffic-light assessment, TOPI-style: tidlig opsporing og indsats).
//! Twice a year ([`Round`]) each professional around a child assesses alone — green (trives),
//! yellow (bekymring, ekstra opmærksomhed) or red (stor bekymring), with focus points and a
//! note — and then the team records a joint assessment. A professional sees the others'
//! assessments of the round only once his or her own is given or the joint one is recorded
//! ([`others_visible`]), so nobody is anchored by the first. A yellow or red joint assessment
//! shows in the chronology and suggests a plan at the tier that fits ([`Light::suggested_tier`]).

use chrono::{Datelike, NaiveDate};

use crate::cases::Tier;
use crate::stored::stored_enum;

stored_enum! {
    /// The light (trafiklys).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Light {
        /// Grøn: barnet trives.
        Green = ("groen", "Grøn: trives"),
        /// Gul: bekymring eller ekstra opmærksomhed.
        Yellow = ("gul", "Gul: bekymring, ekstra opmærksomhed"),
        /// Rød: stor bekymring.
        Red = ("roed", "Rød: stor bekymring"),
    }
}

impl Light {
    /// The tier of a plan the light suggests: none for green, foregribende for yellow,
    /// indgribende for red.
    pub fn suggested_tier(self) -> Option<Tier> {
        match self {
            Light::Green => None,
            Light::Yellow => Some(Tier::Anticipatory),
            Light::Red => Some(Tier::Intervening),
        }
    }

    /// The colour it is drawn in.
    pub fn colour(self) -> &'static str {
        match self {
            Light::Green => "#1e6b34",
            Light::Yellow => "#e0a100",
            Light::Red => "#b3261e",
        }
    }
}

/// The focus points one can tick (fokuspunkter); the note says the rest.
pub const FOCUS_POINTS: [&str; 8] = [
    "Trivsel og glæde",
    "Venskaber og fællesskab",
    "Sprog og kommunikation",
    "Motorik og sanser",
    "Koncentration og læring",
    "Følelser og selvregulering",
    "Fremmøde",
    "Familie og hjem",
];

/// An assessment round: the spring (January–June) or autumn (July–December) of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Round {
    pub year: i32,
    /// 1: forår, 2: efterår.
    pub half: u8,
}

impl Round {
    pub fn of(date: NaiveDate) -> Self {
        Round {
            year: date.year(),
            half: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    /// Stored as «2026-2».
    pub fn id(self) -> String {
        format!("{}-{}", self.year, self.half)
    }

    pub fn parse(id: &str) -> Option<Self> {
        let (year, half) = id.split_once('-')?;
        let half: u8 = half.parse().ok().filter(|h| (1..=2).contains(h))?;
        Some(Round {
            year: year.parse().ok()?,
            half,
        })
    }

    /// «Efterår 2026».
    pub fn label(self) -> String {
        format!("{} {}", if self.half == 1 { "Forår" } else { "Efterår" }, self.year)
    }

    pub fn previous(self) -> Self {
        if self.half == 2 {
            Round { half: 1, ..self }
        } else {
            Round {
                year: self.year - 1,
                half: 2,
            }
        }
    }
}

/// Whether a professional may see the others' assessments of the round.
pub fn others_visible(own_given: bool, joint_recorded: bool) -> bool {
    own_given || joint_recorded
}

/// How many green, yellow and red.
pub fn distribution(lights: impl IntoIterator<Item = Light>) -> [usize; 3] {
    let mut d = [0; 3];
    for l in lights {
        d[l as usize] += 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_are_half_years() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(Round::of(d("2026-12-01")).label(), "Efterår 2026");
        assert_eq!(Round::of(d("2027-03-01")).id(), "2027-1");
        assert_eq!(Round::of(d("2027-03-01")).previous(), Round::of(d("2026-12-01")));
        assert_eq!(Round::parse("2026-2"), Some(Round::of(d("2026-07-01"))));
        assert_eq!(Round::parse("2026-3"), None);
    }

    #[test]
    fn yellow_and_red_suggest_a_plan_and_nobody_is_anchored() {
        assert_eq!(Light::Green.suggested_tier(), None);
        assert_eq!(Light::Yellow.suggested_tier(), Some(Tier::Anticipatory));
        assert_eq!(Light::Red.suggested_tier(), Some(Tier::Intervening));
        assert!(!others_visible(false, false));
        assert!(others_visible(true, false) && others_visible(false, true));
        assert_eq!(distribution([Light::Green, Light::Red, Light::Green]), [2, 0, 1]);
    }
}
