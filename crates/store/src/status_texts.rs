//! Den halvårlige status: the leadership's text per section of a school's or the
//! municipality's half-yearly status report. Saving replaces the section's text; the audit
//! row is written in the same transaction.

use chrono::{DateTime, Utc};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, WriteTx, with_pool};

/// A section's text as saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusText {
    pub section: String,
    pub text: String,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}

/// The report a text belongs to: a school's (`Some(institution)`) or the municipality's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusReport<'a> {
    pub municipality_id: i64,
    pub institution_id: Option<i64>,
    pub half_year: &'a str,
}

impl Store {
    /// The report's texts by section.
    pub async fn status_texts(&self, report: StatusReport<'_>) -> Result<Vec<StatusText>> {
        let rows: Vec<(String, String, String, DateTime<Utc>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT s.section, s.text, u.name, s.written_at FROM status_texts s JOIN users u ON u.id = s.written_by \
                 WHERE s.municipality_id = $1 AND s.half_year = $2 AND \
                 ((s.institution_id IS NULL AND $3 IS NULL) OR s.institution_id = $3) ORDER BY s.section",
            )
            .bind(report.municipality_id)
            .bind(report.half_year)
            .bind(report.institution_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(section, text, written_by, written_at)| StatusText {
                section,
                text,
                written_by,
                written_at,
            })
            .collect())
    }

    /// Replaces the texts of the given sections (an empty text removes the section's text),
    /// with the audit row, in one transaction.
    pub async fn save_status_texts(
        &self,
        report: StatusReport<'_>,
        texts: &[(&str, &str)],
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            for (section, text) in texts {
                sqlx::query(
                    "DELETE FROM status_texts WHERE municipality_id = $1 AND half_year = $2 AND section = $3 AND \
                     ((institution_id IS NULL AND $4 IS NULL) OR institution_id = $4)",
                )
                .bind(report.municipality_id)
                .bind(report.half_year)
                .bind(section)
                .bind(report.institution_id)
                .execute(&mut *tx)
                .await?;
                if !text.trim().is_empty() {
                    sqlx::query(
                        "INSERT INTO status_texts (municipality_id, institution_id, half_year, section, text, written_by, \
                         written_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(report.municipality_id)
                    .bind(report.institution_id)
                    .bind(report.half_year)
                    .bind(section)
                    .bind(text.trim())
                    .bind(by)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
