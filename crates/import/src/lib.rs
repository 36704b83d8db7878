//! CSV imports into Trivsel. Each import reads and validates the whole file first, then
//! writes every change in one transaction, so a bad file changes nothing.

mod absence;
mod assignments;
mod calendar;
mod csvfile;
pub mod export;
mod guardians;
mod roster;
mod survey;
mod transition_questions;
mod users;

pub use absence::{AbsenceSummary, import_absence};
pub use assignments::{AssignmentsSummary, import_assignments};
pub use calendar::{CalendarSummary, import_calendar};
pub use csvfile::{ImportError, Progress};
pub use guardians::{GuardiansSummary, import_guardians};
pub use roster::{RosterSummary, import_roster};
pub use survey::{SurveySummary, import_survey_answers, import_survey_results, read_mapping};
pub use transition_questions::{QuestionsSummary, import_transition_questions};
pub use users::{UsersSummary, import_users};
