//! Trivselshjul (`trivsel_domain::annual_wheel`): a school's activities, each with its
//! responsible person's task created in the same transaction; ticking an activity off also
//! completes its task (and a task completed on «Mine opgaver» counts as the activity done); a
//! school year copied to the next with the dates moved.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::annual_wheel::{Level, shift_year};
use trivsel_domain::cases::TaskKind;

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// An activity to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    pub institution_id: i64,
    pub school_year: i32,
    pub period: usize,
    pub title: String,
    pub level: Level,
    /// The year group or class it is for («5. årgang», «5.A»); empty at school level.
    pub level_name: String,
    pub responsible_user_id: Option<i64>,
    pub responsible_team: String,
    pub starts_on: NaiveDate,
    pub due_on: NaiveDate,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A stored activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: i64,
    pub school_year: i32,
    pub period: usize,
    pub title: String,
    pub level: Level,
    pub level_name: String,
    pub responsible_user_id: Option<i64>,
    pub responsible_name: Option<String>,
    pub responsible_team: String,
    pub starts_on: NaiveDate,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: Option<String>,
}

type Row = (
    i64,
    i32,
    i32,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    NaiveDate,
    NaiveDate,
    Option<DateTime<Utc>>,
    Option<String>,
);

macro_rules! insert_activity {
    ($tx:expr, $a:expr) => {{
        let a: &NewActivity = $a;
        let task: Option<i64> = match a.responsible_user_id {
            Some(owner) => Some(
                sqlx::query_scalar(
                    "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, created_at) \
                     SELECT municipality_id, id, $2, $3, $4, $5, $6 FROM institutions WHERE id = $1 RETURNING id",
                )
                .bind(a.institution_id)
                .bind(owner)
                .bind(TaskKind::FollowUp.id())
                .bind(a.due_on)
                .bind(format!("Trivselshjul: {}", a.title.trim()))
                .bind(a.at)
                .fetch_one(&mut *$tx)
                .await?,
            ),
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO wheel_activities (municipality_id, institution_id, school_year, period, title, level, level_name, \
             responsible_user_id, responsible_team, starts_on, due_on, task_id, created_by, created_at) \
             SELECT municipality_id, id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM institutions \
             WHERE id = $1 RETURNING id",
        )
        .bind(a.institution_id)
        .bind(a.school_year)
        .bind(a.period as i32)
        .bind(a.title.trim())
        .bind(a.level.id())
        .bind(a.level_name.trim())
        .bind(a.responsible_user_id)
        .bind(a.responsible_team.trim())
        .bind(a.starts_on)
        .bind(a.due_on)
        .bind(task)
        .bind(a.by)
        .bind(a.at)
        .fetch_one(&mut *$tx)
        .await?;
        id
    }};
}

impl Store {
    /// Adds activities (and their tasks) with the audit row, in one transaction.
    pub async fn add_activities(&self, activities: &[NewActivity], audit: &AuditEntry) -> Result<Vec<i64>> {
        if let Some(a) = activities.iter().find(|a| a.due_on < a.starts_on) {
            return Err(StoreError::Config(format!(
                "«{}»: slutdatoen ligger før startdatoen.",
                a.title
            )));
        }
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let mut ids = Vec::new();
            for a in activities {
                ids.push(insert_activity!(tx, a));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            ids
        }))
    }

    /// The school's activities of a school year, by period and date.
    pub async fn activities(&self, institution_id: i64, school_year: i32) -> Result<Vec<Activity>> {
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.school_year, a.period, a.title, a.level, a.level_name, a.responsible_user_id, u.name, \
                 a.responsible_team, a.starts_on, a.due_on, COALESCE(a.done_at, t.done_at), \
                 COALESCE(a.done_note, t.done_note) FROM wheel_activities a \
                 LEFT JOIN users u ON u.id = a.responsible_user_id LEFT JOIN tasks t ON t.id = a.task_id \
                 WHERE a.institution_id = $1 AND a.school_year = $2 ORDER BY a.period, a.starts_on, a.id",
            )
            .bind(institution_id)
            .bind(school_year)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, year, period, title, level, level_name, user, name, team, starts_on, due_on, done_at, note)| {
                    Ok(Activity {
                        id,
                        school_year: year,
                        period: period as usize,
                        title,
                        level: Level::from_id(&level).ok_or_else(|| {
                            StoreError::Db(sqlx::Error::Decode(format!("ukendt niveau «{level}»").into()))
                        })?,
                        level_name,
                        responsible_user_id: user,
                        responsible_name: name,
                        responsible_team: team,
                        starts_on,
                        due_on,
                        done_at,
                        done_note: note,
                    })
                },
            )
            .collect()
    }

    /// Ticks an activity of the school off with a note, completing its task too, with the audit
    /// row. Returns false, writing nothing, if it is not the school's or is done already.
    pub async fn complete_activity(
        &self,
        institution_id: i64,
        id: i64,
        note: &str,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let task: Option<(Option<i64>,)> = sqlx::query_as(
                "SELECT a.task_id FROM wheel_activities a LEFT JOIN tasks t ON t.id = a.task_id \
                 WHERE a.id = $1 AND a.institution_id = $2 AND a.done_at IS NULL AND t.done_at IS NULL",
            )
            .bind(id)
            .bind(institution_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((task,)) = task else {
                tx.rollback().await?;
                return Ok(false);
            };
            sqlx::query("UPDATE wheel_activities SET done_at = $2, done_by = $3, done_note = $4 WHERE id = $1")
                .bind(id)
                .bind(at)
                .bind(by)
                .bind(note.trim())
                .execute(&mut *tx)
                .await?;
            if let Some(task) = task {
                crate::tasks::complete_task_in!(tx, task, at, by, note.trim());
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// Copies a school year's activities to the next (not done, dates a year later, new tasks),
    /// unless the next year has activities already. Returns how many were copied.
    pub async fn copy_wheel(
        &self,
        institution_id: i64,
        from_year: i32,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<usize> {
        if !self.activities(institution_id, from_year + 1).await?.is_empty() {
            return Err(StoreError::Config(
                "Det næste skoleår har allerede et trivselshjul.".into(),
            ));
        }
        let copies: Vec<NewActivity> = self
            .activities(institution_id, from_year)
            .await?
            .into_iter()
            .map(|a| NewActivity {
                institution_id,
                school_year: from_year + 1,
                period: a.period,
                title: a.title,
                level: a.level,
                level_name: a.level_name,
                responsible_user_id: a.responsible_user_id,
                responsible_team: a.responsible_team,
                starts_on: shift_year(a.starts_on, 1),
                due_on: shift_year(a.due_on, 1),
                by,
                at,
            })
            .collect();
        if copies.is_empty() {
            return Err(StoreError::Config("Skoleåret har ingen aktiviteter at kopiere.".into()));
        }
        Ok(self.add_activities(&copies, audit).await?.len())
    }
}
