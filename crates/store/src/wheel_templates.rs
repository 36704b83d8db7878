//! The municipality's template for the schools' trivselshjul: activities per period that a
//! school starts an empty school year from (`Store::add_activities` with the period's dates).

use chrono::{DateTime, Utc};
use trivsel_domain::annual_wheel::Level;

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, WriteTx, with_pool};

/// An activity of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateActivity {
    pub id: i64,
    pub period: usize,
    pub title: String,
    pub level: Level,
    pub level_name: String,
    pub responsible_team: String,
}

impl Store {
    /// The municipality's template, by period and title.
    pub async fn wheel_template(&self, municipality_id: i64) -> Result<Vec<TemplateActivity>> {
        let rows: Vec<(i64, i32, String, String, String, String)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, period, title, level, level_name, responsible_team FROM wheel_templates \
                 WHERE municipality_id = $1 ORDER BY period, id",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, period, title, level, level_name, responsible_team)| TemplateActivity {
                    id,
                    period: period as usize,
                    title,
                    level: Level::from_id(&level).unwrap_or(Level::School),
                    level_name,
                    responsible_team,
                },
            )
            .collect())
    }

    /// Adds an activity (its `id` is ignored) with the audit row; returns its id.
    pub async fn add_template_activity(
        &self,
        municipality_id: i64,
        a: &TemplateActivity,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO wheel_templates (municipality_id, period, title, level, level_name, responsible_team, \
                 created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(municipality_id)
            .bind(a.period as i32)
            .bind(&a.title)
            .bind(a.level.id())
            .bind(&a.level_name)
            .bind(&a.responsible_team)
            .bind(by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Removes an activity of the municipality's template; false if there is none.
    pub async fn remove_template_activity(&self, municipality_id: i64, id: i64, audit: &AuditEntry) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let removed = sqlx::query("DELETE FROM wheel_templates WHERE id = $1 AND municipality_id = $2")
                .bind(id)
                .bind(municipality_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if removed == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }
}
