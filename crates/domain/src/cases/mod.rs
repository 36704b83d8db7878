//! Bekymringer, indsatstrin og mål- og indsatsplaner (concerns, tiers and goal-and-intervention
//! plans). Pure; no I/O, no clock: callers pass «today».
//!
//! Where to find what:
//! * [`ConcernCategory`], [`Severity`] — bekymringskategori og alvor (concern category, severity);
//! * [`Tier`] — indsatstrin: forebyggende, foregribende, indgribende (preventive, anticipatory,
//!   intervening);
//! * [`escalation_missing`], [`decide_escalation`] — betingelser for indgribende indsats og
//!   PKU-henvisning (escalation guard), with the school leader's written override;
//! * [`pku`] — PKU's afgørelse (decision), the placement's end and its revisitation;
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
pub mod pku;
mod task;
mod tier;

pub use crate::ical::{escape_text, fold_line};
pub use category::{ConcernCategory, Severity};
pub use chronology::ChronologyKind;
pub use content::{
    ContentError, EvaluationResult, FieldChange, MAX_TEXT_CHARS, PlanAction, PlanContent, diff, format_date, label,
};
pub use escalation::{
    EscalationDecision, EscalationFacts, EscalationRefusal, MIN_JUSTIFICATION_CHARS, Missing, PlanFacts,
    decide_escalation, escalation_missing, may_refer_to_pku, plan_is_current,
};
pub use ical::{FeedEntry, ical_feed};
pub use task::{PlannedTask, TaskKind, is_overdue, owns_tasks, plan_tasks};
pub use tier::Tier;

use crate::stored::stored_enum;
