//! Kronologi (a child's case history): the kinds of entries.

use super::stored_enum;

stored_enum! {
    /// Kind of an entry in a child's chronology (kronologi).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum ChronologyKind {
        /// Bekymring (concern).
        Concern = ("bekymring", "Bekymring"),
        /// Fraværsadvarsel (absence alert).
        AbsenceAlert = ("fravaersadvarsel", "Fraværsadvarsel"),
        /// Forældrekontakt om ulovligt fravær (the parents contacted about a day's U).
        ParentContact = ("foraeldrekontakt", "Forældrekontakt"),
        /// Plan oprettet (plan created).
        Plan = ("plan", "Plan oprettet"),
        /// Ny version af en plan (plan revised).
        PlanVersion = ("planversion", "Plan revideret"),
        /// Evaluering af en plan (evaluation).
        Evaluation = ("evaluering", "Evaluering"),
        /// Skift af indsatstrin (tier change).
        TierChange = ("indsatstrin", "Indsatstrin"),
        /// Pædagogisk-psykologisk vurdering (PPV).
        Ppv = ("ppv", "PPV registreret"),
        /// Henvisning til PKU (PKU referral).
        Pku = ("pku", "PKU-henvisning"),
        /// Fælles trafiklysvurdering, gul eller rød (a joint traffic-light assessment of concern).
        Assessment = ("trafiklys", "Trafiklysvurdering"),
        /// Klassekonference (class conference) where the child was discussed.
        Conference = ("klassekonference", "Klassekonference"),
        /// Samtykke givet eller trukket tilbage (consent given or revoked).
        Consent = ("samtykke", "Samtykke"),
        /// Møde om barnet (fraværssamråd, netværksmøde, arbejdsmøde, Trivselsforum-punkt).
        Meeting = ("moede", "Møde"),
        /// Rådgiver tilknyttet eller afsluttet (adviser assigned or ended).
        Assignment = ("raadgiver", "Rådgiver"),
    }
}
