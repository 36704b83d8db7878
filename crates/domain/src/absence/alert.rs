//! Fraværsadvarsel (absence alert): what raised it. The five rules raise alerts from the
//! registrations; a teacher raises one by marking a stated reason for absence as worrying
//! (seed 004), which the rules never withdraw.

use super::Rule;

/// What raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertCause {
    Rule(Rule),
    /// Bekymrende fraværsårsag: a stated reason marked as worrying in itself.
    WorryingReason,
}

impl AlertCause {
    const WORRYING_REASON: &'static str = "worrying_reason";

    /// Stored id (the rule's id for a rule).
    pub fn id(self) -> &'static str {
        match self {
            Self::Rule(r) => r.id(),
            Self::WorryingReason => Self::WORRYING_REASON,
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        if id == Self::WORRYING_REASON {
            Some(Self::WorryingReason)
        } else {
            Rule::from_id(id).map(Self::Rule)
        }
    }

    /// Danish name.
    pub fn navn(self) -> &'static str {
        match self {
            Self::Rule(r) => r.navn(),
            Self::WorryingReason => "Bekymrende fraværsårsag",
        }
    }

    /// How serious the cause is, for ordering the alert list (higher first): long unbroken or
    /// accumulated absence (fravær i træk, 15 af 60) and a reason worrying in itself weigh 3,
    /// the shorter patterns (7 af 20, 10 %) 2, late arrivals and early departures (kommer og
    /// går) 1.
    pub fn seriousness(self) -> u32 {
        match self {
            Self::Rule(Rule::Consecutive | Rule::Window15of60) | Self::WorryingReason => 3,
            Self::Rule(Rule::Window7of20 | Rule::Percent10) => 2,
            Self::Rule(Rule::ComesAndGoes) => 1,
        }
    }

    /// The rule, if a rule raised it.
    pub fn rule(self) -> Option<Rule> {
        match self {
            Self::Rule(r) => Some(r),
            Self::WorryingReason => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_round_trips_and_no_rule_is_named_like_a_reason() {
        for cause in Rule::ALL
            .into_iter()
            .map(AlertCause::Rule)
            .chain([AlertCause::WorryingReason])
        {
            assert_eq!(AlertCause::from_id(cause.id()), Some(cause));
        }
        assert!(Rule::from_id(AlertCause::WorryingReason.id()).is_none());
    }

    #[test]
    fn long_absence_and_a_worrying_reason_come_before_late_arrivals() {
        let worst = AlertCause::Rule(Rule::Consecutive).seriousness();
        assert_eq!(AlertCause::WorryingReason.seriousness(), worst);
        assert!(AlertCause::Rule(Rule::Window7of20).seriousness() < worst);
        assert!(AlertCause::Rule(Rule::ComesAndGoes).seriousness() < AlertCause::Rule(Rule::Percent10).seriousness());
    }
}
