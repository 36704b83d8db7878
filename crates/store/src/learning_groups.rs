//! Små læringsgrupper (`trivsel_domain::development_wheel`): the groups with their children,
//! each session's ratings and notes (one transaction with the audit rows), and the
//! institution's goals.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::development_wheel::{Rating, check_group};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A group to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLearningGroup {
    pub institution_id: i64,
    pub name: String,
    pub pedagogue_id: i64,
    pub children: Vec<i64>,
    pub dimensions: Vec<String>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A stored group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningGroup {
    pub id: i64,
    pub institution_id: i64,
    pub name: String,
    pub pedagogue_id: i64,
    pub pedagogue_name: String,
    pub dimensions: Vec<String>,
    pub children: Vec<i64>,
}

/// A session to record: per child the ratings by dimension (from 0) and a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub group_id: i64,
    pub held_on: NaiveDate,
    pub activity: String,
    pub ratings: Vec<(i64, usize, u8)>,
    pub notes: Vec<(i64, String)>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A goal of the institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstitutionGoal {
    pub id: i64,
    pub dimension: String,
    pub level: u8,
    pub target_percent: u8,
}

/// A note from a session about a child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelNote {
    pub held_on: NaiveDate,
    pub activity: String,
    pub child_id: i64,
    pub note: String,
}

/// (id, institution, name, pedagogue, pedagogue's name, dimensions)
type GroupRow = (i64, i64, String, i64, String, String);

impl Store {
    /// Creates the group (3–4 children of the institution, a pedagogue there) with its audit
    /// row; refused, writing nothing, otherwise.
    pub async fn create_learning_group(&self, new: &NewLearningGroup, audit: &AuditEntry) -> Result<i64> {
        check_group(new.children.len(), &new.dimensions).map_err(StoreError::Config)?;
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO learning_groups (municipality_id, institution_id, name, pedagogue_id, dimensions, \
                 created_by, created_at) SELECT municipality_id, $1, $2, $3, $4, $5, $6 FROM institutions WHERE id = $1 \
                 RETURNING id",
            )
            .bind(new.institution_id)
            .bind(new.name.trim())
            .bind(new.pedagogue_id)
            .bind(new.dimensions.join("|"))
            .bind(new.by)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            for c in &new.children {
                sqlx::query("INSERT INTO learning_group_children (group_id, child_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*c)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// The institution's groups.
    pub async fn learning_groups(&self, institution_id: i64) -> Result<Vec<LearningGroup>> {
        let (groups, children): (Vec<GroupRow>, Vec<(i64, i64)>) = with_pool!(self, |pool| {
            let groups = sqlx::query_as(
                "SELECT g.id, g.institution_id, g.name, g.pedagogue_id, u.name, g.dimensions FROM learning_groups g \
                     JOIN users u ON u.id = g.pedagogue_id WHERE g.institution_id = $1 ORDER BY g.name, g.id",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?;
            let children = sqlx::query_as(
                "SELECT c.group_id, c.child_id FROM learning_group_children c \
                     JOIN learning_groups g ON g.id = c.group_id WHERE g.institution_id = $1",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?;
            (groups, children)
        });
        Ok(groups
            .into_iter()
            .map(
                |(id, institution_id, name, pedagogue_id, pedagogue_name, dims)| LearningGroup {
                    id,
                    institution_id,
                    name,
                    pedagogue_id,
                    pedagogue_name,
                    dimensions: dims.split('|').map(str::to_string).collect(),
                    children: children.iter().filter(|c| c.0 == id).map(|c| c.1).collect(),
                },
            )
            .collect())
    }

    /// The group with its institution.
    pub async fn learning_group(&self, id: i64) -> Result<Option<LearningGroup>> {
        let institution: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT institution_id FROM learning_groups WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        let Some(institution) = institution else {
            return Ok(None);
        };
        Ok(self
            .learning_groups(institution)
            .await?
            .into_iter()
            .find(|g| g.id == id))
    }

    /// The groups a child is in.
    pub async fn learning_groups_of_child(&self, child_id: i64) -> Result<Vec<LearningGroup>> {
        let ids: Vec<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT group_id FROM learning_group_children WHERE child_id = $1")
                .bind(child_id)
                .fetch_all(pool)
                .await?
        });
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.learning_group(id).await?);
        }
        Ok(out)
    }

    /// Records a session's ratings and notes with the audit rows (one per child).
    pub async fn record_wheel_session(&self, s: &NewSession, audits: &[AuditEntry]) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO wheel_sessions (group_id, held_on, activity, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(s.group_id)
            .bind(s.held_on)
            .bind(s.activity.trim())
            .bind(s.by)
            .bind(s.at)
            .fetch_one(&mut *tx)
            .await?;
            for (child, dimension, value) in &s.ratings {
                sqlx::query(
                    "INSERT INTO wheel_ratings (session_id, child_id, dimension, value) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(*child)
                .bind(*dimension as i32)
                .bind(i32::from(*value))
                .execute(&mut *tx)
                .await?;
            }
            for (child, note) in s.notes.iter().filter(|n| !n.1.trim().is_empty()) {
                sqlx::query("INSERT INTO wheel_notes (session_id, child_id, note) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(*child)
                    .bind(note.trim())
                    .execute(&mut *tx)
                    .await?;
            }
            for audit in audits {
                append_audit!(tx, audit);
            }
            tx.commit().await?;
            id
        }))
    }

    /// Every rating of the group's sessions.
    pub async fn wheel_ratings(&self, group_id: i64) -> Result<Vec<Rating>> {
        let rows: Vec<(NaiveDate, i64, i32, i32)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT s.held_on, r.child_id, r.dimension, r.value FROM wheel_ratings r \
                 JOIN wheel_sessions s ON s.id = r.session_id WHERE s.group_id = $1",
            )
            .bind(group_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(date, child_id, dimension, value)| Rating {
                date,
                child_id,
                dimension: dimension as usize,
                value: value as u8,
            })
            .collect())
    }

    /// The group's notes about a child, newest first.
    pub async fn wheel_notes(&self, group_id: i64, child_id: i64) -> Result<Vec<WheelNote>> {
        let rows: Vec<(NaiveDate, String, i64, String)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT s.held_on, s.activity, n.child_id, n.note FROM wheel_notes n \
                 JOIN wheel_sessions s ON s.id = n.session_id WHERE s.group_id = $1 AND n.child_id = $2 \
                 ORDER BY s.held_on DESC, s.id DESC",
            )
            .bind(group_id)
            .bind(child_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(held_on, activity, child_id, note)| WheelNote {
                held_on,
                activity,
                child_id,
                note,
            })
            .collect())
    }

    /// Adds a goal of the institution with its audit row.
    pub async fn add_institution_goal(
        &self,
        institution_id: i64,
        goal: &InstitutionGoal,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<i64> {
        let (dimension, level, target_percent) = (goal.dimension.as_str(), goal.level, goal.target_percent);
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO institution_goals (municipality_id, institution_id, dimension, level, target_percent, \
                 created_by, created_at) SELECT municipality_id, id, $2, $3, $4, $5, $6 FROM institutions WHERE id = $1 \
                 RETURNING id",
            )
            .bind(institution_id)
            .bind(dimension.trim())
            .bind(i32::from(level))
            .bind(i32::from(target_percent))
            .bind(by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    pub async fn institution_goals(&self, institution_id: i64) -> Result<Vec<InstitutionGoal>> {
        let rows: Vec<(i64, String, i32, i32)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, dimension, level, target_percent FROM institution_goals WHERE institution_id = $1 ORDER BY id",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, dimension, level, target)| InstitutionGoal {
                id,
                dimension,
                level: level as u8,
                target_percent: target as u8,
            })
            .collect())
    }
}
