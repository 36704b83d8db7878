//! School holidays (skoleferie) per institution.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use crate::{BATCH, Result, Store, WriteTx, with_pool};

/// Holiday dates to add and to remove, by institution code.
#[derive(Debug, Default)]
pub struct HolidayChanges {
    pub add: Vec<(String, NaiveDate)>,
    pub remove: Vec<(String, NaiveDate)>,
}

impl Store {
    /// Every institution's school holidays, by institution code.
    pub async fn school_holidays(&self, municipality_id: i64) -> Result<HashMap<String, BTreeSet<NaiveDate>>> {
        let rows: Vec<(String, NaiveDate)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT i.code, h.holiday_date FROM school_holidays h JOIN institutions i ON i.id = h.institution_id \
                 WHERE h.municipality_id = $1",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?
        });
        let mut out: HashMap<String, BTreeSet<NaiveDate>> = HashMap::new();
        for (code, date) in rows {
            out.entry(code).or_default().insert(date);
        }
        Ok(out)
    }

    /// One institution's calendar.
    pub async fn school_calendar(&self, institution_id: i64) -> Result<trivsel_domain::calendar::SchoolCalendar> {
        let dates: Vec<NaiveDate> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT holiday_date FROM school_holidays WHERE institution_id = $1")
                .bind(institution_id)
                .fetch_all(pool)
                .await?
        });
        Ok(trivsel_domain::calendar::SchoolCalendar {
            holidays: dates.into_iter().collect(),
        })
    }

    /// Adds and removes holidays in one transaction. Institution codes must exist.
    pub async fn apply_holidays(&self, municipality_id: i64, changes: &HolidayChanges) -> Result<()> {
        if changes.add.is_empty() && changes.remove.is_empty() {
            return Ok(());
        }
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            // First, so that this and a roll call (which takes the versions' row before the
            // alerts and the audit) lock in the same order on PostgreSQL.
            crate::absence_summaries::raise_version_in!(tx, municipality_id, "structure");
            let ids: HashMap<String, i64> =
                sqlx::query_as("SELECT code, id FROM institutions WHERE municipality_id = $1")
                    .bind(municipality_id)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .collect();
            for (code, date) in &changes.remove {
                sqlx::query("DELETE FROM school_holidays WHERE institution_id = $1 AND holiday_date = $2")
                    .bind(ids[code])
                    .bind(*date)
                    .execute(&mut *tx)
                    .await?;
            }
            for chunk in changes.add.chunks(BATCH) {
                let mut q =
                    QueryBuilder::new("INSERT INTO school_holidays (municipality_id, institution_id, holiday_date) ");
                q.push_values(chunk, |mut row, (code, date)| {
                    row.push_bind(municipality_id).push_bind(ids[code]).push_bind(*date);
                });
                q.push(" ON CONFLICT (institution_id, holiday_date) DO NOTHING");
                q.build().execute(&mut *tx).await?;
            }
            crate::alerts::forget_evaluations!(tx, municipality_id);
            tx.commit().await?;
        });
        Ok(())
    }
}
