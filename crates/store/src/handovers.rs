//! Overlevering (`trivsel_domain::transition`): the hand-over note at a move, with the receiving
//! institution's task for the transfer conversation, in one transaction. Whether the parents'
//! consent is in force is read inside that transaction, so a note's content is never stored
//! for the receiving institution without it.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::{ChildGrant, Scope};
use trivsel_domain::meetings::ConsentScope;
use trivsel_domain::transition::{check_note, conversation_due};

use crate::audit::append_audit;
use crate::consents::in_force_sql;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// The title of the receiving trivselsperson's task; it names no child.
pub const CONVERSATION_TASK_TITLE: &str = "Indskrivningssamtale ved skifte";

/// A hand-over to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHandover {
    pub child_id: i64,
    pub from_institution_id: i64,
    pub to_institution_id: i64,
    /// The child's first day at the receiving institution.
    pub starts_on: NaiveDate,
    /// The note; must be empty without the parents' consent.
    pub note: String,
    pub written_by: i64,
    pub at: DateTime<Utc>,
}

/// A stored hand-over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub id: i64,
    pub child_id: i64,
    pub from_institution_id: i64,
    pub from_name: String,
    pub to_institution_id: i64,
    pub to_name: String,
    pub starts_on: NaiveDate,
    /// The note's content: `None` when the parents had not consented (only the wish for a
    /// conversation passed).
    pub note: Option<String>,
    pub consented: bool,
    pub written_by_name: String,
    pub written_at: DateTime<Utc>,
    pub task_id: Option<i64>,
}

type Row = (
    i64,
    i64,
    i64,
    String,
    i64,
    String,
    NaiveDate,
    Option<String>,
    bool,
    String,
    DateTime<Utc>,
    Option<i64>,
);

/// Gives the receiving institution's trivselsperson (or, without one, its leader) a follow-up
/// task about the child inside the caller's transaction: the task's id, or `None` when the
/// institution has neither.
macro_rules! receiving_task {
    ($tx:expr, $institution:expr, $child:expr, $due:expr, $title:expr, $at:expr) => {{
        let owner: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE institution_id = $1 AND role IN ($2, $3) AND NOT disabled \
             ORDER BY CASE role WHEN $2 THEN 0 ELSE 1 END, id LIMIT 1",
        )
        .bind($institution)
        .bind(trivsel_domain::model::Role::WellbeingPerson.id())
        .bind(trivsel_domain::model::Role::Leader.id())
        .fetch_optional(&mut *$tx)
        .await?;
        let task: Option<i64> = match owner {
            Some(owner) => {
                sqlx::query_scalar(
                    "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, \
                     child_id, created_at) SELECT municipality_id, id, $2, $3, $4, $5, $6, $7 FROM institutions \
                     WHERE id = $1 RETURNING id",
                )
                .bind($institution)
                .bind(owner)
                .bind(trivsel_domain::cases::TaskKind::FollowUp.id())
                .bind($due)
                .bind($title)
                .bind($child)
                .bind($at)
                .fetch_optional(&mut *$tx)
                .await?
            }
            None => None,
        };
        task
    }};
}
pub(crate) use receiving_task;

impl Store {
    /// Stores the hand-over and gives the receiving institution's trivselsperson (or, without
    /// one, its leader) the task for the transfer conversation, with the audit row, in one
    /// transaction. A note with content is refused (nothing written) unless a guardian's consent
    /// to hand-over is in force today (`at`'s date). Returns its id.
    pub async fn create_handover(&self, new: &NewHandover, audit: &AuditEntry) -> Result<i64> {
        let today = new.at.date_naive();
        let consent_sql = format!(
            "SELECT COUNT(*) FROM consents c WHERE c.child_id = $1 AND {}",
            in_force_sql("c", "$2", "$3")
        );
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let consents: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(consent_sql))
                .bind(new.child_id)
                .bind(ConsentScope::Handover.id())
                .bind(today)
                .fetch_one(&mut *tx)
                .await?;
            let consented = consents > 0;
            if let Err(message) = check_note(&new.note, consented) {
                tx.rollback().await?;
                return Err(StoreError::Config(message.into()));
            }
            let task = receiving_task!(
                tx,
                new.to_institution_id,
                new.child_id,
                conversation_due(today, new.starts_on),
                CONVERSATION_TASK_TITLE,
                new.at
            );
            let note = Some(new.note.trim()).filter(|n| !n.is_empty() && consented);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO handovers (municipality_id, child_id, from_institution_id, to_institution_id, starts_on, \
                 note, consented, written_by, written_at, task_id) \
                 SELECT municipality_id, $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM children WHERE id = $1 RETURNING id",
            )
            .bind(new.child_id)
            .bind(new.from_institution_id)
            .bind(new.to_institution_id)
            .bind(new.starts_on)
            .bind(note)
            .bind(consented)
            .bind(new.written_by)
            .bind(new.at)
            .bind(task)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// The child's hand-overs within the grant's scope: an institution sees those it sent or
    /// received; guardians and advisers all. Newest first.
    pub async fn handovers_of_child(&self, child: ChildGrant) -> Result<Vec<Handover>> {
        let scope = match child.scope() {
            Scope::All => "TRUE".to_string(),
            Scope::Institution(i) => format!("(h.from_institution_id = {i} OR h.to_institution_id = {i})"),
        };
        let sql = format!(
            "SELECT h.id, h.child_id, h.from_institution_id, f.name, h.to_institution_id, t.name, h.starts_on, h.note, \
             h.consented, u.name, h.written_at, h.task_id FROM handovers h \
             JOIN institutions f ON f.id = h.from_institution_id JOIN institutions t ON t.id = h.to_institution_id \
             JOIN users u ON u.id = h.written_by WHERE h.child_id = $1 AND {scope} ORDER BY h.written_at DESC, h.id DESC"
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child.child_id())
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, child_id, from, from_name, to, to_name, starts_on, note, consented, by, at, task)| Handover {
                    id,
                    child_id,
                    from_institution_id: from,
                    from_name,
                    to_institution_id: to,
                    to_name,
                    starts_on,
                    note,
                    consented,
                    written_by_name: by,
                    written_at: at,
                    task_id: task,
                },
            )
            .collect())
    }
}
