//! Trivsel's storage: one repository (`Store`) over SQLite (embedded default) and PostgreSQL.
//!
//! Every query is written once. `with_pool!` expands the same code for each backend, so the
//! SQL must be valid in both dialects (`$1` placeholders, `ON CONFLICT`, `RETURNING`); the
//! two migration folders are the only place the dialects differ.

mod absence;
mod absence_batch;
mod absence_notices;
mod absence_reports;
mod absence_summaries;
mod absence_years;
mod alerts;
mod annual_wheel;
mod assessments;
mod assignments;
mod audit;
mod backup;
mod bullying;
mod calendar;
mod cases;
mod children;
mod class_surveys;
mod conferences;
mod connect;
mod consents;
mod guardians;
mod handovers;
mod learning_groups;
mod meeting_duties;
mod meetings;
mod municipal_facts;
mod national_survey;
mod oidc;
mod org;
mod parent_contacts;
mod parent_warnings;
mod pku;
mod plans;
mod reviews;
mod roster;
mod status_texts;
mod tasks;
pub mod testing;
mod transition_forms;
mod underretninger;
mod users;
mod wheel_templates;
mod writer;
mod year_groups;

pub use absence::{AbsenceData, AbsenceEvent, PupilAbsence, QuarterLine, Registration};
pub use absence_notices::{AbsenceNotice, NewAbsenceNotice};
pub use absence_reports::{AbsenceReport, NewAbsenceReport, ReportPupil, ReportPupilUpdate};
pub use absence_summaries::{OverviewData, PupilOverview};
pub use absence_years::MigrationProgress;
pub use alerts::{Alert, AlertFilter};
pub use annual_wheel::{Activity, NewActivity};
pub use assessments::{Assessment, NewAssessment};
pub use assignments::{Assignment, NewAssignment};
pub use audit::{AuditEntry, AuditHead, AuditReport, DenialSummary};
pub use backup::BackupCheck;
pub use bullying::{BullyingReport, NewBullyingReport};
pub use calendar::HolidayChanges;
pub use cases::{CaseTarget, ChronologyItem, Concern, NewConcern, NewTierChange, PpvRegistration, TierChange};
pub use children::{ChildCard, ClassCard, Placement, PupilRow};
pub use class_surveys::{ClassSurvey, FocusPupil, NewClassSurvey, NewResponse, Response as SurveyResponse, Via};
pub use conferences::{CaseCounts, Conference, ConferencePupil, ConferenceTask, NewConference};
pub use connect::{Backend, DEFAULT_DATABASE_URL, MIGRATION_COUNT};
pub use consents::{ConsentRecord, NewConsent};
pub use guardians::{ChildGuardians, GuardianChanges, GuardianLink, GuardianRecord};
pub use handovers::{CONVERSATION_TASK_TITLE, Handover, NewHandover};
pub use learning_groups::{InstitutionGoal, LearningGroup, NewLearningGroup, NewSession, WheelNote};
pub use meetings::{
    ALERT_TAKEN, AgendaItem, AnonymousConsultation, AnonymousSave, ForumMember, Meeting, MeetingAction, NewAgendaItem,
    NewAnonymousConsultation, NewMeeting, NewMeetingAction, NewParticipant, Notification, Participant,
};
pub use municipal_facts::{AlertFact, MunicipalFacts, PlanFact};
pub use national_survey::{PupilScore, SurveyResult};
pub use oidc::{OidcLogin, OidcProvider};
pub use org::{Class, Institution, Municipality, Overview};
pub use parent_contacts::{AbsenceReason, ParentContact};
pub use parent_warnings::{NewParentWarning, ParentWarning};
pub use pku::{NewPkuDecision, NewPkuReferral, PkuOutcome, PkuReferral, REVISIT_TITLE};
pub use plans::{Evaluation, NewEvaluation, NewPlan, Plan, PlanSummary, PlanText, PlanVersion, VersionConflict};
pub use reviews::Review;
pub use roster::{ChildRow, EnrolmentRow, RosterChanges, RosterSnapshot};
pub use status_texts::{StatusReport, StatusText};
pub use tasks::{NewTask, Task};
pub use transition_forms::{FormAnswer, FormConfirmation, NewTransitionForm, START_TASK_TITLE, TransitionForm};
pub use underretninger::{NewUnderretning, RECEIPT_TASK_TITLE, Underretning, UnderretningStatus};
pub use users::{NewGuardian, NewUser, SessionInfo, User, UserUpdate};
pub use wheel_templates::TemplateActivity;
pub use year_groups::{NewPreventivePlan, PreventivePlan, YearGroup};

use sqlx::{PgPool, SqlitePool};
pub(crate) use writer::WriteTx;

/// Errors from storage. `Config` carries a Danish message meant for the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Config(String),
    #[error("databasefejl: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migrering mislykkedes: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The repository. Cheap to clone (it holds a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// SQLite: the process's writer gate and WAL group sync (see `writer`).
    writer: Option<std::sync::Arc<writer::SqliteWriter>>,
    /// Roll calls waiting to be written together (see `absence_batch`).
    absence_queue: std::sync::Arc<absence_batch::AbsenceQueue>,
    /// The overviews' per-pupil sums (see `absence_summaries`).
    overviews: std::sync::Arc<absence_summaries::OverviewCache>,
    /// The municipalities' quarterly reports (see `absence_summaries`).
    quarter_reports: std::sync::Arc<absence_summaries::QuarterCache>,
}

/// Runs `$body` with `$pool` bound to the backend's pool; the body is compiled once per backend.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Rows written per multi-row INSERT: well under both backends' bind-parameter limits.
pub(crate) const BATCH: usize = 1000;
