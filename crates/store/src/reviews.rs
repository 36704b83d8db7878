//! The leadership's monthly absence reviews per class.

use chrono::{DateTime, Utc};
use trivsel_domain::deadlines::Month;

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, WriteTx, with_pool};

/// A recorded review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub class_id: i64,
    pub month: Month,
    pub reviewed_by: String,
    pub reviewed_at: DateTime<Utc>,
    pub comment: Option<String>,
}

type ReviewTuple = (i64, String, String, DateTime<Utc>, Option<String>);

impl Store {
    /// Records (or updates) the review of a class's month, with its audit row.
    pub async fn record_review(
        &self,
        class_id: i64,
        month: Month,
        by: i64,
        at: DateTime<Utc>,
        comment: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "INSERT INTO absence_reviews (class_id, month, municipality_id, reviewed_by, reviewed_at, comment) \
                 SELECT id, $2, municipality_id, $3, $4, $5 FROM classes WHERE id = $1 \
                 ON CONFLICT (class_id, month) DO UPDATE SET reviewed_by = excluded.reviewed_by, \
                 reviewed_at = excluded.reviewed_at, comment = excluded.comment",
            )
            .bind(class_id)
            .bind(month.id())
            .bind(by)
            .bind(at)
            .bind(comment)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Reviews of an institution's classes.
    pub async fn reviews(&self, institution_id: i64) -> Result<Vec<Review>> {
        let rows: Vec<ReviewTuple> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT r.class_id, r.month, u.name, r.reviewed_at, r.comment FROM absence_reviews r \
                 JOIN classes c ON c.id = r.class_id JOIN users u ON u.id = r.reviewed_by \
                 WHERE c.institution_id = $1 ORDER BY r.month DESC",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(class_id, month, reviewed_by, reviewed_at, comment)| {
                Some(Review {
                    class_id,
                    month: Month::parse(&month)?,
                    reviewed_by,
                    reviewed_at,
                    comment,
                })
            })
            .collect())
    }
}

type ThresholdTuple = (i32, i32, i32, i32, i32, i32, i32, i32, i32);

pub(crate) const THRESHOLDS_SQL: &str = "SELECT consecutive_days, short_window_days, short_window_halves, \
     long_window_days, long_window_halves, comes_and_goes_days, comes_and_goes_count, percent_min_days, \
     percent_permille FROM absence_thresholds WHERE municipality_id = $1";

/// The stored thresholds, or the defaults without a row.
pub(crate) fn thresholds_from(row: Option<ThresholdTuple>) -> trivsel_domain::absence::Thresholds {
    let u = |v: i32| v.max(0) as u32;
    row.map_or_else(
        trivsel_domain::absence::Thresholds::default,
        |(a, b, c, d, e, f, g, h, i)| trivsel_domain::absence::Thresholds {
            consecutive_days: u(a),
            short_window_days: u(b),
            short_window_halves: u(c),
            long_window_days: u(d),
            long_window_halves: u(e),
            comes_and_goes_days: u(f),
            comes_and_goes_count: u(g),
            percent_min_days: u(h),
            percent_permille: u(i),
        },
    )
}

impl Store {
    /// The municipality's absence-rule thresholds (the defaults unless set).
    pub async fn thresholds(&self, municipality_id: i64) -> Result<trivsel_domain::absence::Thresholds> {
        let row: Option<ThresholdTuple> = with_pool!(self, |pool| {
            sqlx::query_as(THRESHOLDS_SQL)
                .bind(municipality_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(thresholds_from(row))
    }

    /// Sets the municipality's thresholds, with its audit row.
    pub async fn set_thresholds(
        &self,
        municipality_id: i64,
        t: &trivsel_domain::absence::Thresholds,
        audit: &AuditEntry,
    ) -> Result<()> {
        let v = |x: u32| i32::try_from(x).unwrap_or(i32::MAX);
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "INSERT INTO absence_thresholds (municipality_id, consecutive_days, short_window_days, \
                 short_window_halves, long_window_days, long_window_halves, comes_and_goes_days, comes_and_goes_count, \
                 percent_min_days, percent_permille) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (municipality_id) DO UPDATE SET consecutive_days = excluded.consecutive_days, \
                 short_window_days = excluded.short_window_days, short_window_halves = excluded.short_window_halves, \
                 long_window_days = excluded.long_window_days, long_window_halves = excluded.long_window_halves, \
                 comes_and_goes_days = excluded.comes_and_goes_days, comes_and_goes_count = excluded.comes_and_goes_count, \
                 percent_min_days = excluded.percent_min_days, percent_permille = excluded.percent_permille",
            )
            .bind(municipality_id)
            .bind(v(t.consecutive_days))
            .bind(v(t.short_window_days))
            .bind(v(t.short_window_halves))
            .bind(v(t.long_window_days))
            .bind(v(t.long_window_halves))
            .bind(v(t.comes_and_goes_days))
            .bind(v(t.comes_and_goes_count))
            .bind(v(t.percent_min_days))
            .bind(v(t.percent_permille))
            .execute(&mut *tx)
            .await?;
            crate::alerts::forget_evaluations!(tx, municipality_id);
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
