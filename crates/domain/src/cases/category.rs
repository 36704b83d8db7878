//! Bekymringskategorier og alvor (concern categories and severity).

use super::stored_enum;

stored_enum! {
    /// Category of a concern (bekymringskategori). A concern may have several.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum ConcernCategory {
        /// Faglig (academic).
        Academic = ("faglig", "Faglig"),
        /// Social.
        Social = ("social", "Social"),
        /// Emotionel (emotional).
        Emotional = ("emotionel", "Emotionel"),
        /// Adfærd (behaviour).
        Behaviour = ("adfaerd", "Adfærd"),
        /// Fysisk/sundhed (physical health).
        PhysicalHealth = ("fysisk_sundhed", "Fysisk/sundhed"),
        /// Familie (family).
        Family = ("familie", "Familie"),
        /// Mobning (bullying).
        Bullying = ("mobning", "Mobning"),
        /// Digital mobning (digital bullying).
        DigitalBullying = ("digital_mobning", "Digital mobning"),
        /// Fravær (absence).
        Absence = ("fravaer", "Fravær"),
        /// Selvskade (self-harm).
        SelfHarm = ("selvskade", "Selvskade"),
        /// Angst (anxiety).
        Anxiety = ("angst", "Angst"),
        /// Skolevægring (school refusal).
        SchoolRefusal = ("skolevaegring", "Skolevægring"),
        /// Sorg/skilsmisse (grief, divorce).
        GriefDivorce = ("sorg_skilsmisse", "Sorg/skilsmisse"),
        /// Andet (other).
        Other = ("andet", "Andet"),
    }
}

stored_enum! {
    /// How serious a concern is (alvor).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Severity {
        /// Lav (low).
        Low = ("lav", "Lav"),
        /// Middel (medium).
        Medium = ("middel", "Middel"),
        /// Høj (high).
        High = ("hoej", "Høj"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_are_ascii_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ConcernCategory::ALL {
            assert_eq!(ConcernCategory::from_id(c.id()), Some(*c));
            assert!(c.id().is_ascii(), "{}", c.id());
            assert!(seen.insert(c.id()));
        }
        assert_eq!(ConcernCategory::ALL.len(), 14);
        assert_eq!(ConcernCategory::Behaviour.navn(), "Adfærd");
        assert_eq!(
            ConcernCategory::from_id("skolevaegring").unwrap().navn(),
            "Skolevægring"
        );
        assert_eq!(ConcernCategory::from_id("Faglig"), None);
        for s in Severity::ALL {
            assert_eq!(Severity::from_id(s.id()), Some(*s));
        }
        assert_eq!(Severity::High.to_string(), "Høj");
        assert!(Severity::Low < Severity::High);
    }
}
