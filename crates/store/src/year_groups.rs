//! Årgange with their coordinators, and the preventive plans for the whole school or one year
//! group (`trivsel_domain::year_group`). A plan's evaluation is a task for its responsible
//! person, created with the plan and done when the plan is closed with its evaluation.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::cases::TaskKind;
use trivsel_domain::year_group::PlanLevel;

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, WriteTx, with_pool};

/// A year group's coordinator, by grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearGroup {
    pub grade: u32,
    pub coordinator_user_id: Option<i64>,
    pub coordinator_name: Option<String>,
}

/// A preventive plan to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPreventivePlan {
    pub institution_id: i64,
    pub level: PlanLevel,
    pub title: String,
    pub context: String,
    pub goals: String,
    pub signs: String,
    pub actions: String,
    pub evaluation_on: NaiveDate,
    pub responsible_user_id: i64,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A stored preventive plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreventivePlan {
    pub id: i64,
    pub level: PlanLevel,
    pub title: String,
    pub context: String,
    pub goals: String,
    pub signs: String,
    pub actions: String,
    pub evaluation_on: NaiveDate,
    pub responsible_name: String,
    pub evaluation: Option<String>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

type PlanRow = (
    i64,
    Option<i32>,
    String,
    String,
    String,
    String,
    String,
    NaiveDate,
    String,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

const PLAN_COLUMNS: &str = "p.id, p.grade, p.title, p.context, p.goals, p.signs, p.actions, p.evaluation_on, u.name, \
     p.evaluation, p.created_at, p.closed_at FROM preventive_plans p JOIN users u ON u.id = p.responsible_user_id";

fn plan(r: PlanRow) -> PreventivePlan {
    PreventivePlan {
        id: r.0,
        level: PlanLevel::from_grade(r.1.map(|g| g as u32)),
        title: r.2,
        context: r.3,
        goals: r.4,
        signs: r.5,
        actions: r.6,
        evaluation_on: r.7,
        responsible_name: r.8,
        evaluation: r.9,
        created_at: r.10,
        closed_at: r.11,
    }
}

impl Store {
    /// The school's year groups that have a row (a coordinator set once), by grade.
    pub async fn year_groups(&self, institution_id: i64) -> Result<Vec<YearGroup>> {
        let rows: Vec<(i32, Option<i64>, Option<String>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT y.grade, y.coordinator_user_id, u.name FROM year_groups y \
                 LEFT JOIN users u ON u.id = y.coordinator_user_id WHERE y.institution_id = $1 ORDER BY y.grade",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(grade, coordinator_user_id, coordinator_name)| YearGroup {
                grade: grade as u32,
                coordinator_user_id,
                coordinator_name,
            })
            .collect())
    }

    /// Sets the coordinators (`None` removes one) of the given grades, with the audit row, in
    /// one transaction.
    pub async fn set_coordinators(
        &self,
        institution_id: i64,
        coordinators: &[(u32, Option<i64>)],
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            for (grade, user) in coordinators {
                sqlx::query(
                    "INSERT INTO year_groups (municipality_id, institution_id, grade, coordinator_user_id) \
                     SELECT municipality_id, id, $2, $3 FROM institutions WHERE id = $1 \
                     ON CONFLICT (institution_id, grade) DO UPDATE SET coordinator_user_id = excluded.coordinator_user_id",
                )
                .bind(institution_id)
                .bind(*grade as i32)
                .bind(*user)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The school's preventive plans, open first, newest first.
    pub async fn preventive_plans(&self, institution_id: i64) -> Result<Vec<PreventivePlan>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {PLAN_COLUMNS} WHERE p.institution_id = $1 ORDER BY p.closed_at IS NOT NULL, p.created_at DESC, p.id DESC"
        ));
        let rows: Vec<PlanRow> = with_pool!(self, |pool| sqlx::query_as(sql)
            .bind(institution_id)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(plan).collect())
    }

    /// One of the school's preventive plans.
    pub async fn preventive_plan(&self, institution_id: i64, id: i64) -> Result<Option<PreventivePlan>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {PLAN_COLUMNS} WHERE p.id = $1 AND p.institution_id = $2"
        ));
        let row: Option<PlanRow> = with_pool!(self, |pool| {
            sqlx::query_as(sql)
                .bind(id)
                .bind(institution_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(plan))
    }

    /// Makes a plan and its evaluation task, with the audit row, in one transaction.
    pub async fn create_preventive_plan(&self, p: &NewPreventivePlan, audit: &AuditEntry) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let task: i64 = sqlx::query_scalar(
                "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, created_at) \
                 SELECT municipality_id, id, $2, $3, $4, $5, $6 FROM institutions WHERE id = $1 RETURNING id",
            )
            .bind(p.institution_id)
            .bind(p.responsible_user_id)
            .bind(TaskKind::Evaluation.id())
            .bind(p.evaluation_on)
            .bind(format!(
                "Evaluering af forebyggende plan ({}): {}",
                p.level.navn(),
                p.title.trim()
            ))
            .bind(p.at)
            .fetch_one(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO preventive_plans (municipality_id, institution_id, grade, title, context, goals, signs, actions, \
                 evaluation_on, responsible_user_id, task_id, created_by, created_at) \
                 SELECT municipality_id, id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM institutions WHERE id = $1 \
                 RETURNING id",
            )
            .bind(p.institution_id)
            .bind(p.level.grade().map(|g| g as i32))
            .bind(p.title.trim())
            .bind(p.context.trim())
            .bind(p.goals.trim())
            .bind(p.signs.trim())
            .bind(p.actions.trim())
            .bind(p.evaluation_on)
            .bind(p.responsible_user_id)
            .bind(task)
            .bind(p.by)
            .bind(p.at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Closes an open plan with its evaluation and completes the evaluation task; false if the
    /// school has no such open plan.
    pub async fn close_preventive_plan(
        &self,
        institution_id: i64,
        id: i64,
        evaluation: &str,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let task: Option<Option<i64>> = sqlx::query_scalar(
                "UPDATE preventive_plans SET evaluation = $3, closed_at = $4 WHERE id = $1 AND institution_id = $2 \
                 AND closed_at IS NULL RETURNING task_id",
            )
            .bind(id)
            .bind(institution_id)
            .bind(evaluation.trim())
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(task) = task else {
                tx.rollback().await?;
                return Ok(false);
            };
            if let Some(task) = task {
                crate::tasks::complete_task_in!(tx, task, at, by, "Planen er evalueret og lukket.");
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }
}
