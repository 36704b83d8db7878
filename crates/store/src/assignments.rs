//! Advisers' assignments to children (tilknytning af rådgivere: PPR, social worker, health
//! visitor, SSP/UU): made and ended by the school's leader or trivselsperson, or imported for
//! the initial caseloads. An assignment gives access from the next request until it is ended
//! or its last day has passed (see `Store::actor`); the consent rule still applies on top.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::model::Role;

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// An assignment to make (or renew, if the adviser had one that ended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    pub user_id: i64,
    pub child_id: i64,
    pub reason: String,
    /// The last day the assignment gives access, if it has one.
    pub ends_on: Option<NaiveDate>,
    pub assigned_by: Option<i64>,
    pub at: DateTime<Utc>,
}

/// An adviser's assignment to a child, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub user_id: i64,
    pub child_id: i64,
    pub adviser_name: String,
    pub role: Role,
    pub reason: String,
    pub assigned_at: DateTime<Utc>,
    pub ends_on: Option<NaiveDate>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Assignment {
    /// Whether it gives access on `today`.
    pub fn active(&self, today: NaiveDate) -> bool {
        self.ended_at.is_none() && self.ends_on.is_none_or(|last| last >= today)
    }
}

type AssignmentRow = (
    i64,
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<NaiveDate>,
    Option<DateTime<Utc>>,
);

fn assignment(row: AssignmentRow) -> Assignment {
    let (user_id, child_id, adviser_name, role, reason, assigned_at, ends_on, ended_at) = row;
    Assignment {
        user_id,
        child_id,
        adviser_name,
        role: Role::from_id(&role).unwrap_or(Role::Psychologist),
        reason,
        assigned_at,
        ends_on,
        ended_at,
    }
}

const COLUMNS: &str = "a.user_id, a.child_id, u.name, u.role, a.reason, a.assigned_at, a.ends_on, a.ended_at";

impl Store {
    /// Makes the assignments (renewing ended ones) in one transaction, each with its audit row
    /// on the child (`audit` with the child filled in). Only advisers may be assigned.
    pub async fn assign_advisers(&self, assignments: &[NewAssignment], audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            for a in assignments {
                let role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
                    .bind(a.user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if !role.as_deref().and_then(Role::from_id).is_some_and(Role::is_adviser) {
                    return Err(StoreError::Config("kun rådgivere kan tilknyttes et barn".into()));
                }
                sqlx::query(
                    "INSERT INTO case_assignments \
                     (municipality_id, user_id, child_id, assigned_at, reason, ends_on, ended_at, assigned_by) \
                     SELECT municipality_id, $1, $2, $3, $4, $5, NULL, $6 FROM users WHERE id = $1 \
                     ON CONFLICT (user_id, child_id) DO UPDATE SET assigned_at = excluded.assigned_at, \
                     reason = excluded.reason, ends_on = excluded.ends_on, ended_at = NULL, \
                     assigned_by = excluded.assigned_by",
                )
                .bind(a.user_id)
                .bind(a.child_id)
                .bind(a.at)
                .bind(&a.reason)
                .bind(a.ends_on)
                .bind(a.assigned_by)
                .execute(&mut *tx)
                .await?;
                let entry = AuditEntry {
                    child_id: Some(a.child_id),
                    criterion: Some(format!("rådgiver {} tilknyttet: {}", a.user_id, a.reason)),
                    ..audit.clone()
                };
                append_audit!(tx, &entry);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends an adviser's assignment to a child at `at`, with its audit row; false if there was
    /// no active one.
    pub async fn end_assignment(
        &self,
        user_id: i64,
        child_id: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let ended = sqlx::query(
                "UPDATE case_assignments SET ended_at = $1 WHERE user_id = $2 AND child_id = $3 AND ended_at IS NULL",
            )
            .bind(at)
            .bind(user_id)
            .bind(child_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if ended {
                append_audit!(tx, audit);
            }
            tx.commit().await?;
            ended
        }))
    }

    /// The child's assignments, active and ended, newest first.
    pub async fn child_assignments(&self, child: ChildGrant) -> Result<Vec<Assignment>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM case_assignments a JOIN users u ON u.id = a.user_id \
             WHERE a.child_id = $1 ORDER BY a.assigned_at DESC, u.name"
        );
        let rows: Vec<AssignmentRow> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child.child_id())
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(assignment).collect())
    }

    /// An adviser's own assignments («Mine børn»), active on `today`, by assignment date.
    pub async fn adviser_assignments(&self, user_id: i64, today: NaiveDate) -> Result<Vec<Assignment>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM case_assignments a JOIN users u ON u.id = a.user_id \
             WHERE a.user_id = $1 AND a.ended_at IS NULL AND (a.ends_on IS NULL OR a.ends_on >= $2) \
             ORDER BY a.assigned_at DESC"
        );
        let rows: Vec<AssignmentRow> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(today)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(assignment).collect())
    }
}
