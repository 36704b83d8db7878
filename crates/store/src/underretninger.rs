//! Underretninger (the duty to notify, `trivsel_domain::underretning`): stored with the
//! follow-up task for the municipality's receipt in one transaction; recording the receipt
//! marks that task done. Reads take the policy's `ChildGrant`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::cases::TaskKind;
use trivsel_domain::underretning::{Feedback, receipt_deadline};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// The title of the receipt's follow-up task; it names no child.
pub const RECEIPT_TASK_TITLE: &str = "Følg op: kommunens kvittering for underretning";

/// An underretning to store, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnderretning {
    pub institution_id: i64,
    pub child_id: i64,
    pub author_user_id: i64,
    pub observations: String,
    pub statements: String,
    pub observed_on: Option<NaiveDate>,
    pub tried: String,
    pub parents_informed: bool,
    pub not_informed_reason: String,
    pub acute: bool,
    pub phoned_at: Option<NaiveDateTime>,
    pub phoned_to: String,
    pub recipient: String,
    pub sent_on: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Where an underretning stands: enough for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnderretningStatus {
    pub id: i64,
    pub child_id: i64,
    pub institution_id: i64,
    pub author_user_id: i64,
    pub author_name: String,
    pub acute: bool,
    pub recipient: String,
    pub sent_on: NaiveDate,
    pub receipt_due: NaiveDate,
    pub receipt_on: Option<NaiveDate>,
    pub feedback: Option<Feedback>,
    pub feedback_on: Option<NaiveDate>,
    pub feedback_note: Option<String>,
}

/// The whole underretning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Underretning {
    pub status: UnderretningStatus,
    pub created_at: DateTime<Utc>,
    pub observations: String,
    pub statements: Option<String>,
    pub observed_on: Option<NaiveDate>,
    pub tried: String,
    pub parents_informed: bool,
    pub not_informed_reason: Option<String>,
    pub phoned_at: Option<NaiveDateTime>,
    pub phoned_to: Option<String>,
}

const STATUS_COLUMNS: &str = "n.id, n.child_id, n.institution_id, n.author_user_id, u.name, n.acute, n.recipient, \
                              n.sent_on, n.receipt_due, n.receipt_on, n.feedback, n.feedback_on, n.feedback_note \
                              FROM underretninger n JOIN users u ON u.id = n.author_user_id";

type StatusRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    bool,
    String,
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
);

fn status(r: StatusRow) -> UnderretningStatus {
    let (
        id,
        child_id,
        institution_id,
        author_user_id,
        author_name,
        acute,
        recipient,
        sent_on,
        receipt_due,
        receipt_on,
        feedback,
        feedback_on,
        feedback_note,
    ) = r;
    UnderretningStatus {
        id,
        child_id,
        institution_id,
        author_user_id,
        author_name,
        acute,
        recipient,
        sent_on,
        receipt_due,
        receipt_on,
        feedback: feedback.as_deref().and_then(Feedback::from_id),
        feedback_on,
        feedback_note,
    }
}

type ContentRow = (
    DateTime<Utc>,
    String,
    Option<String>,
    Option<NaiveDate>,
    String,
    bool,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
);

fn non_empty(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

impl Store {
    /// Stores a sent underretning with the follow-up task for its receipt (owned by the author,
    /// due on the receipt deadline) and its audit row, in one transaction. Returns its id.
    pub async fn create_underretning(&self, new: &NewUnderretning, audit: &AuditEntry) -> Result<i64> {
        let due = receipt_deadline(new.sent_on);
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let task: Option<i64> = sqlx::query_scalar(
                "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, child_id, \
                 created_at) SELECT municipality_id, id, $2, $3, $4, $5, $6, $7 FROM institutions WHERE id = $1 \
                 RETURNING id",
            )
            .bind(new.institution_id)
            .bind(new.author_user_id)
            .bind(TaskKind::FollowUp.id())
            .bind(due)
            .bind(RECEIPT_TASK_TITLE)
            .bind(new.child_id)
            .bind(new.at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(task) = task else {
                tx.rollback().await?;
                return Err(StoreError::Config("Institutionen findes ikke.".into()));
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO underretninger (municipality_id, institution_id, child_id, author_user_id, created_at, \
                 observations, statements, observed_on, tried, parents_informed, not_informed_reason, acute, phoned_at, \
                 phoned_to, recipient, sent_on, receipt_due, receipt_task_id) \
                 SELECT municipality_id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17 \
                 FROM children WHERE id = $2 RETURNING id",
            )
            .bind(new.institution_id)
            .bind(new.child_id)
            .bind(new.author_user_id)
            .bind(new.at)
            .bind(new.observations.trim())
            .bind(non_empty(&new.statements))
            .bind(new.observed_on)
            .bind(new.tried.trim())
            .bind(new.parents_informed)
            .bind(non_empty(&new.not_informed_reason).filter(|_| !new.parents_informed))
            .bind(new.acute)
            .bind(new.phoned_at.filter(|_| new.acute))
            .bind(non_empty(&new.phoned_to).filter(|_| new.acute))
            .bind(new.recipient.trim())
            .bind(new.sent_on)
            .bind(due)
            .bind(task)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Who an underretning is about and who wrote it, for the access check before it is read:
    /// (child, author).
    pub async fn underretning_parties(&self, id: i64) -> Result<Option<(i64, i64)>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as("SELECT child_id, author_user_id FROM underretninger WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// One underretning of the granted child.
    pub async fn underretning(&self, child: ChildGrant, id: i64) -> Result<Option<Underretning>> {
        let sql = format!("SELECT {STATUS_COLUMNS} WHERE n.id = $1 AND n.child_id = $2");
        let row: Option<StatusRow> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(child.child_id())
                .fetch_optional(pool)
                .await?
        });
        let Some(row) = row else { return Ok(None) };
        let content: ContentRow = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT created_at, observations, statements, observed_on, tried, parents_informed, \
                 not_informed_reason, phoned_at, phoned_to FROM underretninger WHERE id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await?
        });
        let (created_at, observations, statements, observed_on, tried, parents_informed, reason, phoned_at, phoned_to) =
            content;
        Ok(Some(Underretning {
            status: status(row),
            created_at,
            observations,
            statements,
            observed_on,
            tried,
            parents_informed,
            not_informed_reason: reason,
            phoned_at,
            phoned_to,
        }))
    }

    /// The granted child's underretninger, newest first; the caller shows each only to those
    /// `underretning::may_read` allows.
    pub async fn child_underretninger(&self, child: ChildGrant) -> Result<Vec<UnderretningStatus>> {
        let sql = format!("SELECT {STATUS_COLUMNS} WHERE n.child_id = $1 ORDER BY n.sent_on DESC, n.id DESC");
        let rows: Vec<StatusRow> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child.child_id())
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(status).collect())
    }

    /// The institution's underretninger, those still waiting for a receipt first (oldest
    /// deadline first), then the rest, newest first. For its leadership's list.
    pub async fn institution_underretninger(&self, institution_id: i64) -> Result<Vec<UnderretningStatus>> {
        let sql = format!(
            "SELECT {STATUS_COLUMNS} WHERE n.institution_id = $1 \
             ORDER BY CASE WHEN n.receipt_on IS NULL THEN 0 ELSE 1 END, \
             CASE WHEN n.receipt_on IS NULL THEN n.receipt_due END, n.sent_on DESC, n.id DESC"
        );
        let rows: Vec<StatusRow> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(institution_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(status).collect())
    }

    /// Records the municipality's receipt and marks the follow-up task done, with the audit
    /// row, in one transaction. Refused (nothing written) if a receipt is recorded already or
    /// the date is before the day it was sent.
    pub async fn record_underretning_receipt(
        &self,
        child: ChildGrant,
        id: i64,
        on: NaiveDate,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let task: Option<Option<i64>> = sqlx::query_scalar(
                "UPDATE underretninger SET receipt_on = $3, receipt_by = $4 \
                 WHERE id = $1 AND child_id = $2 AND receipt_on IS NULL AND sent_on <= $3 RETURNING receipt_task_id",
            )
            .bind(id)
            .bind(child.child_id())
            .bind(on)
            .bind(by)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(task) = task else {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Kvittering: der er allerede registreret en kvittering, eller datoen ligger før underretningen blev sendt."
                        .into(),
                ));
            };
            if let Some(task) = task {
                let note = format!("Kvittering modtaget {}", trivsel_domain::cases::format_date(on));
                crate::tasks::complete_task_in!(tx, task, at, by, note);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records the municipality's feedback (what it did), with the audit row. It may be
    /// recorded again when the municipality sends more (the latest stands; the audit keeps the
    /// earlier ones). Refused if the date is before the day it was sent.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_underretning_feedback(
        &self,
        child: ChildGrant,
        id: i64,
        feedback: Feedback,
        on: NaiveDate,
        note: &str,
        by: i64,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let changed = sqlx::query(
                "UPDATE underretninger SET feedback = $3, feedback_on = $4, feedback_note = $5, feedback_by = $6 \
                 WHERE id = $1 AND child_id = $2 AND sent_on <= $4",
            )
            .bind(id)
            .bind(child.child_id())
            .bind(feedback.id())
            .bind(on)
            .bind(non_empty(note))
            .bind(by)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Tilbagemelding: datoen ligger før underretningen blev sendt.".into(),
                ));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
