//! Fraværsmeldinger: the parents' reports of sickness and applications for leave, and the
//! school's answer. Every change carries its audit row in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::absence::notice::{NoticeKind, NoticeStatus};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A report to store (checked by `trivsel_domain::absence::notice::check_notice` before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAbsenceNotice {
    pub municipality_id: i64,
    pub child_id: i64,
    pub kind: NoticeKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub reported_by: i64,
    pub at: DateTime<Utc>,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceNotice {
    pub id: i64,
    pub child_id: i64,
    pub kind: NoticeKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
    pub status: NoticeStatus,
    pub reported_by_name: String,
    pub reported_at: DateTime<Utc>,
    pub decided_by_name: Option<String>,
    pub decision_note: Option<String>,
}

type Row = (
    i64,
    i64,
    String,
    NaiveDate,
    NaiveDate,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
);

const COLUMNS: &str = "n.id, n.child_id, n.kind, n.from_date, n.to_date, n.reason, n.status, r.name, \
     n.reported_at, d.name, n.decision_note FROM absence_notices n JOIN users r ON r.id = n.reported_by \
     LEFT JOIN users d ON d.id = n.decided_by";

fn notice(row: Row) -> Option<AbsenceNotice> {
    let (id, child_id, kind, from, to, reason, status, by, at, decided_by, note) = row;
    Some(AbsenceNotice {
        id,
        child_id,
        kind: NoticeKind::from_id(&kind)?,
        from,
        to,
        reason,
        status: NoticeStatus::from_id(&status)?,
        reported_by_name: by,
        reported_at: at,
        decided_by_name: decided_by,
        decision_note: note,
    })
}

impl Store {
    /// Stores the report with its audit row; returns its id.
    pub async fn add_absence_notice(&self, n: &NewAbsenceNotice, audit: &AuditEntry) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO absence_notices (municipality_id, child_id, kind, from_date, to_date, reason, status, \
                 reported_by, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(n.municipality_id)
            .bind(n.child_id)
            .bind(n.kind.id())
            .bind(n.from)
            .bind(n.to)
            .bind(&n.reason)
            .bind(n.kind.initial_status().id())
            .bind(n.reported_by)
            .bind(n.at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// A child's reports, newest period first.
    pub async fn child_absence_notices(&self, child_id: i64) -> Result<Vec<AbsenceNotice>> {
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} WHERE n.child_id = $1 ORDER BY n.from_date DESC, n.id DESC"
            )))
            .bind(child_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().filter_map(notice).collect())
    }

    /// The reports of a class's pupils that cover `date`, by child (the newest one per child).
    pub async fn class_notices_on(&self, class_id: i64, date: NaiveDate) -> Result<HashMap<i64, AbsenceNotice>> {
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} WHERE n.from_date <= $2 AND n.to_date >= $2 AND n.child_id IN \
                 (SELECT e.child_id FROM enrolments e WHERE e.class_id = $1 AND e.enrolled_from <= $2 \
                 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2)) ORDER BY n.id"
            )))
            .bind(class_id)
            .bind(date)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().filter_map(notice).map(|n| (n.child_id, n)).collect())
    }

    /// Leave applications of the institution's pupils (enrolled on `today`) still waiting for
    /// an answer, oldest first, and those answered in the last 30 days.
    pub async fn institution_leave(&self, institution_id: i64, today: NaiveDate) -> Result<Vec<AbsenceNotice>> {
        let since = today - chrono::Days::new(30);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} WHERE n.kind = 'frihed' AND (n.status = 'afventer' OR n.decided_at >= $3) \
                 AND n.child_id IN (SELECT e.child_id FROM enrolments e JOIN classes c ON c.id = e.class_id \
                 WHERE c.institution_id = $1 AND e.enrolled_from <= $2 \
                 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2)) ORDER BY n.status <> 'afventer', n.reported_at"
            )))
            .bind(institution_id)
            .bind(today)
            .bind(since.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().filter_map(notice).collect())
    }

    /// One report.
    pub async fn absence_notice(&self, id: i64) -> Result<Option<AbsenceNotice>> {
        let row: Option<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} WHERE n.id = $1")))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(notice))
    }

    /// The school's answer to a leave application. Refused (nothing written) unless it waits.
    pub async fn decide_leave(
        &self,
        id: i64,
        approved: bool,
        note: &str,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<()> {
        let status = if approved {
            NoticeStatus::Approved
        } else {
            NoticeStatus::Refused
        };
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let changed = sqlx::query(
                "UPDATE absence_notices SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                 WHERE id = $5 AND status = 'afventer'",
            )
            .bind(status.id())
            .bind(by)
            .bind(at)
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config("Ansøgningen er allerede besvaret.".into()));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
