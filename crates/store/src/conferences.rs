//! Class conferences (klassekonferencer): the team reviews a class and its focus pupils
//! (fokuselever), notes what was agreed, and sets follow-up tasks.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::cases::{TaskKind, Tier};

use crate::audit::append_audits;
use crate::cases::tier_of;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A pupil discussed at a conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferencePupil {
    pub child_id: i64,
    /// Fokuselev (focus pupil).
    pub focus: bool,
    pub note: String,
}

/// A follow-up task agreed at a conference (kind `opfoelgning`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferenceTask {
    pub owner_user_id: i64,
    pub due: NaiveDate,
    /// Names no child; the task links to the child by id.
    pub title: String,
    pub child_id: Option<i64>,
}

/// A conference to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConference {
    pub class_id: i64,
    pub held_on: NaiveDate,
    pub notes: String,
    pub pupils: Vec<ConferencePupil>,
    pub tasks: Vec<ConferenceTask>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A recorded conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conference {
    pub id: i64,
    pub class_id: i64,
    pub held_on: NaiveDate,
    pub notes: String,
    pub pupils: Vec<ConferencePupil>,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// What the conference form shows beside a pupil: concerns since a date and open plans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseCounts {
    /// Concerns (bekymringer) about the child dated on or after the date asked for.
    pub concerns: i64,
    /// Tiers of the child's open plans, lowest first.
    pub open_plans: Vec<Tier>,
}

type ConferenceTuple = (i64, i64, NaiveDate, String, i64, String, DateTime<Utc>);
type PupilTuple = (i64, i64, bool, String);
/// (child id, tier id)
type TierRow = (i64, String);

impl Store {
    /// Records a class conference with its pupils and follow-up tasks, and its audit rows (one
    /// per pupil discussed, typically), all in one transaction.
    pub async fn save_class_conference(&self, conference: &NewConference, audits: &[AuditEntry]) -> Result<i64> {
        let class: Option<(i64, i64)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT municipality_id, institution_id FROM classes WHERE id = $1")
                .bind(conference.class_id)
                .fetch_optional(pool)
                .await?
        });
        let Some((m, institution_id)) = class else {
            return Err(StoreError::Config("Klassen findes ikke.".into()));
        };
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO class_conferences (municipality_id, class_id, held_on, notes, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(m)
            .bind(conference.class_id)
            .bind(conference.held_on)
            .bind(&conference.notes)
            .bind(conference.by)
            .bind(conference.at)
            .fetch_one(&mut *tx)
            .await?;
            for p in &conference.pupils {
                sqlx::query(
                    "INSERT INTO class_conference_pupils (municipality_id, conference_id, child_id, focus, note) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(m)
                .bind(id)
                .bind(p.child_id)
                .bind(p.focus)
                .bind(&p.note)
                .execute(&mut *tx)
                .await?;
            }
            for t in &conference.tasks {
                sqlx::query(
                    "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, child_id, \
                     conference_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(m)
                .bind(institution_id)
                .bind(t.owner_user_id)
                .bind(TaskKind::FollowUp.id())
                .bind(t.due)
                .bind(&t.title)
                .bind(t.child_id)
                .bind(id)
                .bind(conference.at)
                .execute(&mut *tx)
                .await?;
            }
            append_audits!(tx, audits);
            tx.commit().await?;
            id
        }))
    }

    /// The class's conferences with their pupils, newest first.
    pub async fn class_conferences(&self, class_id: i64) -> Result<Vec<Conference>> {
        self.conferences("k.class_id", class_id).await
    }

    pub async fn class_conference(&self, id: i64) -> Result<Option<Conference>> {
        Ok(self.conferences("k.id", id).await?.pop())
    }

    async fn conferences(&self, column: &'static str, id: i64) -> Result<Vec<Conference>> {
        let sql = format!(
            "SELECT k.id, k.class_id, k.held_on, k.notes, k.created_by, u.name, k.created_at FROM class_conferences k \
             JOIN users u ON u.id = k.created_by WHERE {column} = $1 ORDER BY k.held_on DESC, k.id DESC"
        );
        let pupil_sql = format!(
            "SELECT p.conference_id, p.child_id, p.focus, p.note FROM class_conference_pupils p \
             JOIN class_conferences k ON k.id = p.conference_id WHERE {column} = $1 ORDER BY p.child_id"
        );
        let (rows, pupils): (Vec<ConferenceTuple>, Vec<PupilTuple>) = with_pool!(self, |pool| {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_all(pool)
                .await?;
            let pupils = sqlx::query_as(sqlx::AssertSqlSafe(pupil_sql))
                .bind(id)
                .fetch_all(pool)
                .await?;
            (rows, pupils)
        });
        let mut by_conference: HashMap<i64, Vec<ConferencePupil>> = HashMap::new();
        for (conference_id, child_id, focus, note) in pupils {
            by_conference
                .entry(conference_id)
                .or_default()
                .push(ConferencePupil { child_id, focus, note });
        }
        Ok(rows
            .into_iter()
            .map(
                |(id, class_id, held_on, notes, created_by, created_by_name, created_at)| Conference {
                    id,
                    class_id,
                    held_on,
                    notes,
                    pupils: by_conference.remove(&id).unwrap_or_default(),
                    created_by,
                    created_by_name,
                    created_at,
                },
            )
            .collect())
    }

    /// Concerns dated `since` or later and open plans of each child, for the conference form.
    /// Children with neither are left out.
    pub async fn case_counts(&self, child_ids: &[i64], since: NaiveDate) -> Result<HashMap<i64, CaseCounts>> {
        let mut counts: HashMap<i64, CaseCounts> = HashMap::new();
        for chunk in child_ids.chunks(crate::BATCH) {
            if chunk.is_empty() {
                continue;
            }
            let (concerns, plans): (Vec<(i64, i64)>, Vec<TierRow>) = with_pool!(self, |pool| {
                let mut q = sqlx::QueryBuilder::new("SELECT child_id, COUNT(*) FROM concerns WHERE concern_date >= ");
                q.push_bind(since).push(" AND child_id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                list.push_unseparated(") GROUP BY child_id");
                let concerns = q.build_query_as().fetch_all(pool).await?;
                let mut q =
                    sqlx::QueryBuilder::new("SELECT child_id, tier FROM plans WHERE status = 'open' AND child_id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                list.push_unseparated(")");
                let plans = q.build_query_as().fetch_all(pool).await?;
                (concerns, plans)
            });
            for (child, n) in concerns {
                counts.entry(child).or_default().concerns = n;
            }
            for (child, tier) in plans {
                counts.entry(child).or_default().open_plans.push(tier_of(&tier)?);
            }
        }
        for c in counts.values_mut() {
            c.open_plans.sort();
        }
        Ok(counts)
    }

    /// Records several audit rows in one transaction: a page that shows many children writes
    /// one row per child.
    pub async fn audit_all(&self, entries: &[AuditEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            append_audits!(tx, entries);
            tx.commit().await?;
        });
        Ok(())
    }
}
