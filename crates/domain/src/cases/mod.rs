//! Bekymringer, indsatstrin og mål- og indsatsplaner (concerns, tiers and goal-and-intervention
//! plans). Pure; no I/O, no clock: callers pass «today».
//!
//! Where to find what:
//! * [`ConcernCategory`], [`Severity`] — bekymringskategori og alvor (concern category, severity);
//! * [`Tier`] — indsatstrin: forebyggende, foregribende, indgribende (preventive, anticipatory,
//!   intervening);
//! * [`escalation_missing`], [`decide_escalation`] — betingelser for indgribende indsats og
//!   PKU-henvisning (escalation guard), with the school leader's written override;
//! * [`PlanContent`] — planens indhold efter SMTTE (sammenhæng, mål, tegn, tiltag, evaluering),
//!   barnets stemme og forældrenes perspektiv; validation and [`diff`] between versions;
//! * [`EvaluationResult`] — evalueringens resultat (opnået / delvist / ikke opnået);
//! * [`TaskKind`], [`is_overdue`], [`plan_tasks`] — opgaver (tasks) with deadlines;
//! * [`ical_feed`] — kalenderabonnement (iCalendar feed) of a user's tasks, without child names;
//! * [`ChronologyKind`] — kronologi (a child's case history) entry kinds.

mod category;
mod chronology;
mod content;
mod escalation;
mod ical;
mod task;
mod tier;

pub use category::{ConcernCategory, Severity};
pub use chronology::ChronologyKind;
pub use content::{
    ContentError, EvaluationResult, FieldChange, MAX_TEXT_CHARS, PlanAction, PlanContent, diff, format_date, label,
};
pub use escalation::{
    EscalationDecision, EscalationFacts, EscalationRefusal, MIN_JUSTIFICATION_CHARS, Missing, PlanFacts,
    decide_escalation, escalation_missing, plan_is_current,
};
pub use ical::{FeedEntry, escape_text, fold_line, ical_feed};
pub use task::{PlannedTask, TaskKind, is_overdue, plan_tasks};
pub use tier::Tier;

/// An enum stored by an ASCII id and shown by a Danish name: `ALL`, `id()`, `from_id()`,
/// `navn()`, like [`crate::model::InstitutionKind`].
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($id:literal, $navn:literal), )+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Stored value (ASCII).
            pub fn id(self) -> &'static str {
                match self {
                    $(Self::$variant => $id,)+
                }
            }

            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.id() == id)
            }

            /// Danish display name.
            pub fn navn(self) -> &'static str {
                match self {
                    $(Self::$variant => $navn,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.navn())
            }
        }
    };
}
pub(crate) use stored_enum;
