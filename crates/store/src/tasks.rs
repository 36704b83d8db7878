//! Tasks (opgaver) with deadlines, and each user's calendar feed (kalenderabonnement). A feed
//! is reached by a secret token in its address; only the token's SHA-256 is stored.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use trivsel_domain::cases::{TaskKind, is_overdue};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: i64,
    pub municipality_id: i64,
    pub institution_id: i64,
    pub owner_user_id: i64,
    pub kind: TaskKind,
    pub due: NaiveDate,
    /// Names no child.
    pub title: String,
    pub child_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub conference_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<i64>,
    pub done_note: Option<String>,
}

impl Task {
    pub fn is_done(&self) -> bool {
        self.done_at.is_some()
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        is_overdue(self.due, self.is_done(), today)
    }
}

/// A task to create by hand (e.g. a follow-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub institution_id: i64,
    pub owner_user_id: i64,
    pub kind: TaskKind,
    pub due: NaiveDate,
    pub title: String,
    pub child_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub at: DateTime<Utc>,
}

pub(crate) const TASK_COLUMNS: &str = "id, municipality_id, institution_id, owner_user_id, kind, due_date, title, \
                                       child_id, plan_id, conference_id, created_at, done_at, done_by, done_note";

pub(crate) type TaskTuple = (
    i64,
    i64,
    i64,
    i64,
    String,
    NaiveDate,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<i64>,
    Option<String>,
);

pub(crate) fn task(t: TaskTuple) -> Result<Task> {
    let (
        id,
        municipality_id,
        institution_id,
        owner_user_id,
        kind,
        due,
        title,
        child_id,
        plan_id,
        conference_id,
        created_at,
        done_at,
        done_by,
        done_note,
    ) = t;
    Ok(Task {
        id,
        municipality_id,
        institution_id,
        owner_user_id,
        kind: TaskKind::from_id(&kind)
            .ok_or_else(|| StoreError::Db(sqlx::Error::Decode(format!("ukendt opgavetype «{kind}»").into())))?,
        due,
        title,
        child_id,
        plan_id,
        conference_id,
        created_at,
        done_at,
        done_by,
        done_note,
    })
}

/// The stored form of a feed token.
fn feed_token_hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Marks task `$task` done at `$at` by `$by` with `$note` inside the write transaction `$tx`,
/// if it is not done already; evaluates to the rows changed (0 or 1).
macro_rules! complete_task_in {
    ($tx:expr, $task:expr, $at:expr, $by:expr, $note:expr) => {
        sqlx::query("UPDATE tasks SET done_at = $2, done_by = $3, done_note = $4 WHERE id = $1 AND done_at IS NULL")
            .bind($task)
            .bind($at)
            .bind($by)
            .bind($note)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
    };
}
pub(crate) use complete_task_in;

impl Store {
    /// Creates a task, with its audit row.
    pub async fn add_task(&self, new: &NewTask, audit: &AuditEntry) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, child_id, \
                 plan_id, created_at) SELECT municipality_id, id, $2, $3, $4, $5, $6, $7, $8 FROM institutions \
                 WHERE id = $1 RETURNING id",
            )
            .bind(new.institution_id)
            .bind(new.owner_user_id)
            .bind(new.kind.id())
            .bind(new.due)
            .bind(&new.title)
            .bind(new.child_id)
            .bind(new.plan_id)
            .bind(new.at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                tx.rollback().await?;
                return Err(StoreError::Config("Institutionen findes ikke.".into()));
            };
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    pub async fn task(&self, id: i64) -> Result<Option<Task>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1");
        let row: Option<TaskTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.map(task).transpose()
    }

    /// The user's tasks, open first, by due date.
    pub async fn tasks_of_user(&self, user_id: i64, include_done: bool) -> Result<Vec<Task>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE owner_user_id = $1 AND ($2 OR done_at IS NULL) \
             ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, due_date, id"
        );
        let rows: Vec<TaskTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(include_done)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(task).collect()
    }

    /// The institution's open tasks whose due date is before `today`, oldest first.
    pub async fn overdue_tasks_of_institution(&self, institution_id: i64, today: NaiveDate) -> Result<Vec<Task>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE institution_id = $1 AND done_at IS NULL AND due_date < $2 \
             ORDER BY due_date, id"
        );
        let rows: Vec<TaskTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(institution_id)
                .bind(today)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(task).collect()
    }

    /// Marks the task done, with its audit row. Returns false, writing nothing, if it is done
    /// already or not found.
    pub async fn complete_task(
        &self,
        id: i64,
        by: i64,
        at: DateTime<Utc>,
        note: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let done = complete_task_in!(tx, id, at, by, note);
            if done == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// Creates the user's calendar feed token, replacing any earlier one, with its audit row.
    /// Returns the token (128 random bits, hex); it is shown once and only its hash is kept.
    pub async fn create_feed_token(&self, user_id: i64, at: DateTime<Utc>, audit: &AuditEntry) -> Result<String> {
        let token = format!("{:032x}", rand::random::<u128>());
        let hash = feed_token_hash(&token);
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let stored = sqlx::query(
                "INSERT INTO calendar_feeds (user_id, municipality_id, token_hash, created_at) \
                 SELECT id, municipality_id, $2, $3 FROM users WHERE id = $1 \
                 ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
            )
            .bind(user_id)
            .bind(&hash)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if stored == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config("Brugeren findes ikke.".into()));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(token)
    }

    /// Ends the user's calendar feed, with its audit row. Returns false if there was none.
    pub async fn revoke_feed(&self, user_id: i64, audit: &AuditEntry) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let gone = sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if gone == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// The user a feed token belongs to (not a disabled one).
    pub async fn user_by_feed_token(&self, token: &str) -> Result<Option<i64>> {
        let hash = feed_token_hash(token);
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
                 WHERE f.token_hash = $1 AND NOT u.disabled",
            )
            .bind(&hash)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// When the user's calendar feed was created, if the user has one.
    pub async fn feed_created_at(&self, user_id: i64) -> Result<Option<DateTime<Utc>>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT created_at FROM calendar_feeds WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The follow-up tasks agreed at a class conference, by due date.
    pub async fn conference_tasks(&self, conference_id: i64) -> Result<Vec<Task>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE conference_id = $1 ORDER BY due_date, id");
        let rows: Vec<TaskTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(conference_id)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(task).collect()
    }

    /// Names (given and family name) of the children with these ids, for task and conference
    /// lists; the caller shows only those the viewer may see.
    pub async fn child_names(&self, ids: &[i64]) -> Result<HashMap<i64, String>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut names = HashMap::new();
        for chunk in ids.chunks(crate::BATCH) {
            let rows: Vec<(i64, String, String)> = with_pool!(self, |pool| {
                let mut q = sqlx::QueryBuilder::new("SELECT id, given_name, family_name FROM children WHERE id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                list.push_unseparated(")");
                q.build_query_as().fetch_all(pool).await?
            });
            names.extend(
                rows.into_iter()
                    .map(|(id, given, family)| (id, format!("{given} {family}"))),
            );
        }
        Ok(names)
    }
}
