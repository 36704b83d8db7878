//! Varsling: the school's warning to the parents of a pupil at 10 % unlawful absence in the
//! running quarter, recorded once per pupil and quarter.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::absence::{Quarter, WarningMethod, running_quarter_share};

use crate::absence::{AbsenceData, QuarterLine};
use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A warning to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParentWarning {
    pub municipality_id: i64,
    pub child_id: i64,
    pub quarter: Quarter,
    /// The unlawful share then, e.g. `0.1250`.
    pub share: String,
    pub warned_on: NaiveDate,
    pub method: WarningMethod,
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

/// A recorded warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentWarning {
    pub child_id: i64,
    pub quarter: Quarter,
    pub share: String,
    pub warned_on: NaiveDate,
    pub method: WarningMethod,
    pub recorded_by_name: String,
}

impl AbsenceData {
    /// Pupils at or above 10 % unlawful absence in the quarter running on `today`, whose
    /// parents are to be warned.
    pub fn warnings_due(&self, today: NaiveDate) -> Vec<QuarterLine> {
        self.pupils
            .iter()
            .filter_map(|(child_id, p)| {
                let share = running_quarter_share(&p.enrolments, |s| self.calendar(s), &p.registrations, today)?;
                share.needs_warning().then(|| QuarterLine {
                    child_id: *child_id,
                    institution_id: share.school,
                    share: share.share_text(),
                })
            })
            .collect()
    }
}

impl Store {
    /// Records the warning with its audit row. Refused (nothing written) if the pupil's
    /// parents were already warned in the quarter.
    pub async fn record_parent_warning(&self, w: &NewParentWarning, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let inserted = sqlx::query(
                "INSERT INTO parent_warnings (municipality_id, child_id, quarter, share, warned_on, method, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (child_id, quarter) DO NOTHING",
            )
            .bind(w.municipality_id)
            .bind(w.child_id)
            .bind(w.quarter.to_string())
            .bind(&w.share)
            .bind(w.warned_on)
            .bind(w.method.id())
            .bind(w.recorded_by)
            .bind(w.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Forældrene er allerede varslet i dette kvartal.".into(),
                ));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A child's warnings, newest quarter first.
    pub async fn child_parent_warnings(&self, child_id: i64) -> Result<Vec<ParentWarning>> {
        let rows: Vec<WarningRow> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT w.child_id, w.quarter, w.share, w.warned_on, w.method, u.name FROM parent_warnings w \
                 JOIN users u ON u.id = w.recorded_by WHERE w.child_id = $1 ORDER BY w.warned_on DESC",
            )
            .bind(child_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().filter_map(warning).collect())
    }

    /// The warnings given in the municipality in `quarter`, by child.
    pub async fn parent_warnings(&self, municipality_id: i64, quarter: Quarter) -> Result<HashMap<i64, ParentWarning>> {
        let rows: Vec<WarningRow> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT w.child_id, w.quarter, w.share, w.warned_on, w.method, u.name FROM parent_warnings w \
                 JOIN users u ON u.id = w.recorded_by WHERE w.municipality_id = $1 AND w.quarter = $2",
            )
            .bind(municipality_id)
            .bind(quarter.to_string())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().filter_map(warning).map(|w| (w.child_id, w)).collect())
    }
}

type WarningRow = (i64, String, String, NaiveDate, String, String);

fn warning((child_id, q, share, warned_on, method, name): WarningRow) -> Option<ParentWarning> {
    Some(ParentWarning {
        child_id,
        quarter: Quarter::parse(&q).ok()?,
        share,
        warned_on,
        method: WarningMethod::from_id(&method)?,
        recorded_by_name: name,
    })
}
