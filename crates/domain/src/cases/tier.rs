//! Indsatstrin (tiers of intervention).

use super::stored_enum;

stored_enum! {
    /// Tier of intervention (indsatstrin), ordered from preventive to intervening. Moving a
    /// child to [`Tier::Intervening`] is guarded by [`escalation_missing`](super::escalation_missing).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Tier {
        /// Forebyggende (preventive): for all children, in the community.
        Preventive = ("forebyggende", "Forebyggende"),
        /// Foregribende (anticipatory): with advisers, when prevention is not enough.
        Anticipatory = ("foregribende", "Foregribende"),
        /// Indgribende (intervening): PKU referral and measures beyond the school.
        Intervening = ("indgribende", "Indgribende"),
    }
}

impl Tier {
    /// What the tier means, in plain Danish for parents (forklaring).
    pub fn forklaring(self) -> &'static str {
        match self {
            Self::Preventive => "Det, skolen gør for alle børn, så de trives – i klassen og i fællesskabet.",
            Self::Anticipatory => {
                "Der er en bekymring, og skolen sætter ekstra ind sammen med jer, ofte med råd fra \
                 PPR eller andre fagfolk."
            }
            Self::Intervening => {
                "Barnet har brug for mere hjælp, end skolen selv kan give, fx fra PPR, \
                 socialrådgiveren eller et andet tilbud. I bliver altid inddraget."
            }
        }
    }

    /// Whether moving to this tier needs the escalation prerequisites (or a leader's override).
    pub fn needs_escalation_check(self) -> bool {
        self == Self::Intervening
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_ordered_and_round_trip() {
        assert!(Tier::Preventive < Tier::Anticipatory && Tier::Anticipatory < Tier::Intervening);
        for t in Tier::ALL {
            assert_eq!(Tier::from_id(t.id()), Some(*t));
        }
        assert_eq!(Tier::Anticipatory.id(), "foregribende");
        assert!(Tier::Intervening.needs_escalation_check());
        assert!(!Tier::Anticipatory.needs_escalation_check());
    }
}
