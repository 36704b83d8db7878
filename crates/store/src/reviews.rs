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
            let mut tx = pool.begin_write().await?;
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
