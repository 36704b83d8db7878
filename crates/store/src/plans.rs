//! Goal-and-intervention plans (mål- og indsatsplaner): every save is a new version, checked
//! against the version the writer started from (optimistic versioning), so two people editing
//! at once cannot overwrite each other. Saving a plan keeps its tasks in step with its
//! evaluation dates and actions.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::{ChildGrant, Scope};
use trivsel_domain::cases::{EvaluationResult, PlanContent, Tier, plan_tasks};

use crate::audit::append_audit;
use crate::cases::{CaseTarget, content_of, tier_of};
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A plan to create (version 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub institution_id: i64,
    pub target: CaseTarget,
    pub tier: Tier,
    pub title: String,
    pub content: PlanContent,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A plan with the content of its current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: i64,
    pub municipality_id: i64,
    pub institution_id: i64,
    pub target: CaseTarget,
    pub tier: Tier,
    pub title: String,
    pub closed: bool,
    pub current_version: i32,
    pub content: PlanContent,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    /// When the current version was saved.
    pub saved_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A plan in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub id: i64,
    pub target: CaseTarget,
    pub tier: Tier,
    pub title: String,
    pub closed: bool,
    pub current_version: i32,
    pub created_at: DateTime<Utc>,
    pub saved_at: DateTime<Utc>,
    pub evaluations: i64,
}

/// A plan text written outside the staff's form, saved by [`Store::save_plan_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanText {
    /// Forældrenes perspektiv, by a guardian.
    ParentsPerspective,
    /// Elevens egne ord («Min stemme»), by the pupil.
    PupilVoice,
}

/// One saved version of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub version: i32,
    pub content: PlanContent,
    pub saved_by: i64,
    pub saved_by_name: String,
    pub saved_at: DateTime<Utc>,
}

/// An evaluation to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvaluation {
    pub date: NaiveDate,
    pub result: EvaluationResult,
    pub text: String,
    /// Næste skridt (next step).
    pub next_step: String,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A recorded evaluation (evaluering) of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub id: i64,
    pub plan_id: i64,
    pub date: NaiveDate,
    pub result: EvaluationResult,
    pub text: String,
    pub next_step: String,
    pub evaluated_by: i64,
    pub evaluated_by_name: String,
    pub evaluated_at: DateTime<Utc>,
}

/// A save refused because someone else saved the plan since the writer opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionConflict {
    /// The version now stored.
    pub current_version: i32,
}

impl std::fmt::Display for VersionConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Planen er gemt af en anden, siden du åbnede den (den er nu version {}). Dine ændringer er ikke gemt: \
             åbn planen igen, sammenlign versionerne, og indfør dine ændringer på ny.",
            self.current_version
        )
    }
}

impl std::error::Error for VersionConflict {}

type PlanTuple = (
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    i32,
    String,
    i64,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

type SummaryTuple = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    i32,
    DateTime<Utc>,
    DateTime<Utc>,
    i64,
);

fn target_of(child_id: Option<i64>, class_id: Option<i64>) -> Result<CaseTarget> {
    CaseTarget::from_columns(child_id, class_id)
        .ok_or_else(|| StoreError::Db(sqlx::Error::Decode("en plan uden barn eller klasse".into())))
}

/// Inserts version `$version` of plan `$plan` and brings the plan's evaluation and action tasks
/// in step with `$tasks` (from `plan_tasks`): open tasks no longer wanted are deleted, wanted
/// ones that do not exist yet are added, and done tasks are kept and not given again. Tasks
/// that stay keep their ids (and so their calendar entries).
macro_rules! write_version {
    ($tx:expr, $m:expr, $plan:expr, $version:expr, $content:expr, $by:expr, $at:expr, $target:expr, $tasks:expr) => {{
        sqlx::query(
            "INSERT INTO plan_versions (municipality_id, plan_id, version, content_json, saved_by, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($m)
        .bind($plan)
        .bind($version)
        .bind($content.to_json())
        .bind($by)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
        let (institution_id, child_id): (i64, Option<i64>) = $target;
        let wanted: Vec<trivsel_domain::cases::PlannedTask> = $tasks;
        let existing: Vec<(i64, String, i64, chrono::NaiveDate, String, bool)> = sqlx::query_as(
            "SELECT id, kind, owner_user_id, due_date, title, done_at IS NOT NULL FROM tasks WHERE plan_id = $1 \
             AND kind IN ('evaluering', 'tiltag')",
        )
        .bind($plan)
        .fetch_all(&mut *$tx)
        .await?;
        let same =
            |t: &trivsel_domain::cases::PlannedTask,
             (_, kind, owner, due, title, _): &(i64, String, i64, chrono::NaiveDate, String, bool)| {
                kind == t.kind.id() && *owner == t.owner_user_id && *due == t.due && *title == t.title
            };
        for e in existing.iter().filter(|e| !e.5 && !wanted.iter().any(|t| same(t, e))) {
            sqlx::query("DELETE FROM tasks WHERE id = $1")
                .bind(e.0)
                .execute(&mut *$tx)
                .await?;
        }
        for t in wanted.iter().filter(|t| !existing.iter().any(|e| same(t, e))) {
            sqlx::query(
                "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, child_id, \
                 plan_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind($m)
            .bind(institution_id)
            .bind(t.owner_user_id)
            .bind(t.kind.id())
            .bind(t.due)
            .bind(&t.title)
            .bind(child_id)
            .bind($plan)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Inside the write transaction `$tx`: inserts `$plan` (a [`NewPlan`] of municipality `$m`) as
/// version 1 with its tasks (evaluations for the creator, actions for their responsible users);
/// evaluates to the plan's id. Used by [`Store::create_plan`] and by writes that make a plan as
/// part of something else (a bullying report's action plan).
macro_rules! insert_plan {
    ($tx:expr, $m:expr, $plan:expr) => {{
        let plan: &$crate::NewPlan = $plan;
        let content = plan.content.clone().normalised();
        let tasks = trivsel_domain::cases::plan_tasks(&content, plan.by);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plans (municipality_id, institution_id, child_id, class_id, tier, title, status, \
             current_version, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', 1, $7, $8) \
             RETURNING id",
        )
        .bind($m)
        .bind(plan.institution_id)
        .bind(plan.target.child_id())
        .bind(plan.target.class_id())
        .bind(plan.tier.id())
        .bind(&plan.title)
        .bind(plan.by)
        .bind(plan.at)
        .fetch_one(&mut *$tx)
        .await?;
        $crate::plans::write_version!(
            $tx,
            $m,
            id,
            1i32,
            content,
            plan.by,
            plan.at,
            (plan.institution_id, plan.target.child_id()),
            tasks
        );
        id
    }};
}
pub(crate) use {insert_plan, write_version};

impl Store {
    /// Creates a plan as version 1 with its tasks (evaluations for the creator, actions for
    /// their responsible users), and its audit row. Returns (plan id, version).
    pub async fn create_plan(&self, plan: &NewPlan, audit: &AuditEntry) -> Result<(i64, i32)> {
        let m = self.target_municipality(plan.target).await?;
        let id = with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id = insert_plan!(tx, m, plan);
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        });
        Ok((id, 1))
    }

    /// Saves `content` as the next version if the plan is still at `expected_version`; otherwise
    /// nothing is written and the conflict names the version now stored. The check and the
    /// bump happen in one statement of the write transaction. The plan's open tasks are
    /// replaced by the new content's (done ones are kept).
    pub async fn save_plan(
        &self,
        plan_id: i64,
        expected_version: i32,
        content: &PlanContent,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<Result<i32, VersionConflict>> {
        let content = content.clone().normalised();
        // The pupil's own words are the pupil's: a staff save keeps them.
        self.save_version(plan_id, expected_version, by, at, audit, move |before: PlanContent| {
            Ok(PlanContent {
                pupil_voice: before.pupil_voice,
                ..content
            })
        })
        .await
    }

    /// Saves a new version that changes only one text written outside the staff's form (`which`:
    /// the parents' perspective by a guardian, the pupil's own words by the pupil), with the same
    /// version check as [`Store::save_plan`]. The plan's tasks stay as they are.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_plan_text(
        &self,
        plan_id: i64,
        expected_version: i32,
        which: PlanText,
        text: &str,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<Result<i32, VersionConflict>> {
        let text = text.to_string();
        self.save_version(
            plan_id,
            expected_version,
            by,
            at,
            audit,
            move |mut content: PlanContent| {
                *match which {
                    PlanText::ParentsPerspective => &mut content.parents_perspective,
                    PlanText::PupilVoice => &mut content.pupil_voice,
                } = text;
                Ok(content)
            },
        )
        .await
    }

    /// Checks and bumps the version, then writes `change(content of expected_version)` as it.
    async fn save_version(
        &self,
        plan_id: i64,
        expected_version: i32,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
        change: impl FnOnce(PlanContent) -> Result<PlanContent> + Send,
    ) -> Result<Result<i32, VersionConflict>> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let bumped: Option<(i32, i64, i64, Option<i64>, i64)> = sqlx::query_as(
                "UPDATE plans SET current_version = current_version + 1 WHERE id = $1 AND current_version = $2 \
                 RETURNING current_version, municipality_id, institution_id, child_id, created_by",
            )
            .bind(plan_id)
            .bind(expected_version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((version, m, institution_id, child_id, created_by)) = bumped else {
                let current: Option<i32> = sqlx::query_scalar("SELECT current_version FROM plans WHERE id = $1")
                    .bind(plan_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.rollback().await?;
                return match current {
                    Some(current_version) => Ok(Err(VersionConflict { current_version })),
                    None => Err(StoreError::Config("Planen findes ikke.".into())),
                };
            };
            let before: String =
                sqlx::query_scalar("SELECT content_json FROM plan_versions WHERE plan_id = $1 AND version = $2")
                    .bind(plan_id)
                    .bind(expected_version)
                    .fetch_one(&mut *tx)
                    .await?;
            let content = change(content_of(&before)?)?;
            let tasks = plan_tasks(&content, created_by);
            write_version!(
                tx,
                m,
                plan_id,
                version,
                content,
                by,
                at,
                (institution_id, child_id),
                tasks
            );
            append_audit!(tx, audit);
            tx.commit().await?;
            Ok(version)
        }))
    }

    /// The plan with its current content.
    pub async fn plan(&self, plan_id: i64) -> Result<Option<Plan>> {
        let row: Option<PlanTuple> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT p.id, p.municipality_id, p.institution_id, p.child_id, p.class_id, p.tier, p.title, p.status, \
                 p.current_version, v.content_json, p.created_by, p.created_at, v.saved_at, p.closed_at FROM plans p \
                 JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.current_version WHERE p.id = $1",
            )
            .bind(plan_id)
            .fetch_optional(pool)
            .await?
        });
        let Some((
            id,
            municipality_id,
            institution_id,
            child_id,
            class_id,
            tier,
            title,
            status,
            current_version,
            json,
            created_by,
            created_at,
            saved_at,
            closed_at,
        )) = row
        else {
            return Ok(None);
        };
        Ok(Some(Plan {
            id,
            municipality_id,
            institution_id,
            target: target_of(child_id, class_id)?,
            tier: tier_of(&tier)?,
            title,
            closed: status == "closed",
            current_version,
            content: content_of(&json)?,
            created_by,
            created_at,
            saved_at,
            closed_at,
        }))
    }

    /// Every version of the plan, oldest first.
    pub async fn plan_versions(&self, plan_id: i64) -> Result<Vec<PlanVersion>> {
        self.versions(plan_id, None).await
    }

    /// Version `version` of the plan.
    pub async fn plan_version(&self, plan_id: i64, version: i32) -> Result<Option<PlanVersion>> {
        Ok(self.versions(plan_id, Some(version)).await?.pop())
    }

    async fn versions(&self, plan_id: i64, version: Option<i32>) -> Result<Vec<PlanVersion>> {
        let rows: Vec<(i32, String, i64, String, DateTime<Utc>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT v.version, v.content_json, v.saved_by, u.name, v.saved_at FROM plan_versions v \
                 JOIN users u ON u.id = v.saved_by WHERE v.plan_id = $1 AND ($2 IS NULL OR v.version = $2) \
                 ORDER BY v.version",
            )
            .bind(plan_id)
            .bind(version)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(version, json, saved_by, saved_by_name, saved_at)| {
                Ok(PlanVersion {
                    version,
                    content: content_of(&json)?,
                    saved_by,
                    saved_by_name,
                    saved_at,
                })
            })
            .collect()
    }

    /// Records an evaluation of the plan, with its audit row.
    pub async fn add_evaluation(&self, plan_id: i64, evaluation: &NewEvaluation, audit: &AuditEntry) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO plan_evaluations (municipality_id, plan_id, evaluation_date, result, text, next_step, \
                 evaluated_by, evaluated_at) SELECT municipality_id, id, $2, $3, $4, $5, $6, $7 FROM plans \
                 WHERE id = $1 RETURNING id",
            )
            .bind(plan_id)
            .bind(evaluation.date)
            .bind(evaluation.result.id())
            .bind(&evaluation.text)
            .bind(&evaluation.next_step)
            .bind(evaluation.by)
            .bind(evaluation.at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                tx.rollback().await?;
                return Err(StoreError::Config("Planen findes ikke.".into()));
            };
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// The plan's evaluations, by date.
    pub async fn evaluations(&self, plan_id: i64) -> Result<Vec<Evaluation>> {
        type Row = (i64, i64, NaiveDate, String, String, String, i64, String, DateTime<Utc>);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT e.id, e.plan_id, e.evaluation_date, e.result, e.text, e.next_step, e.evaluated_by, u.name, \
                 e.evaluated_at FROM plan_evaluations e JOIN users u ON u.id = e.evaluated_by WHERE e.plan_id = $1 \
                 ORDER BY e.evaluation_date, e.id",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, plan_id, date, result, text, next_step, evaluated_by, evaluated_by_name, evaluated_at)| {
                    Ok(Evaluation {
                        id,
                        plan_id,
                        date,
                        result: EvaluationResult::from_id(&result)
                            .ok_or_else(|| StoreError::Db(sqlx::Error::Decode("ukendt evalueringsresultat".into())))?,
                        text,
                        next_step,
                        evaluated_by,
                        evaluated_by_name,
                        evaluated_at,
                    })
                },
            )
            .collect()
    }

    /// Closes the plan (afslutter) and removes its open evaluation and action tasks, with its
    /// audit row. Returns false, writing nothing, if the plan is closed already or not found.
    pub async fn close_plan(&self, plan_id: i64, by: i64, at: DateTime<Utc>, audit: &AuditEntry) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let closed = sqlx::query(
                "UPDATE plans SET status = 'closed', closed_by = $2, closed_at = $3 WHERE id = $1 AND status = 'open'",
            )
            .bind(plan_id)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if closed == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(
                "DELETE FROM tasks WHERE plan_id = $1 AND done_at IS NULL AND kind IN ('evaluering', 'tiltag')",
            )
            .bind(plan_id)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// The child's own plans (not its class's), open first, newest first.
    pub async fn plans_of_child(&self, child: ChildGrant) -> Result<Vec<PlanSummary>> {
        let child_id = child.child_id();
        self.plans_of(CaseTarget::Child(child_id), child.scope()).await
    }

    /// The class's plans for the learning community, open first, newest first.
    pub async fn plans_of_class(&self, class_id: i64) -> Result<Vec<PlanSummary>> {
        self.plans_of(CaseTarget::Class(class_id), Scope::All).await
    }

    async fn plans_of(&self, target: CaseTarget, scope: Scope) -> Result<Vec<PlanSummary>> {
        let (column, id) = target.column();
        let sql = format!(
            "SELECT p.id, p.child_id, p.class_id, p.tier, p.title, p.status, p.current_version, p.created_at, \
             v.saved_at, (SELECT COUNT(*) FROM plan_evaluations e WHERE e.plan_id = p.id) FROM plans p \
             JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.current_version WHERE p.{column} = $1 \
             AND {} ORDER BY CASE p.status WHEN 'open' THEN 0 ELSE 1 END, p.created_at DESC, p.id DESC",
            crate::cases::in_scope(scope, "p.institution_id")
        );
        let rows: Vec<SummaryTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(
                |(id, child_id, class_id, tier, title, status, current_version, created_at, saved_at, evaluations)| {
                    Ok(PlanSummary {
                        id,
                        target: target_of(child_id, class_id)?,
                        tier: tier_of(&tier)?,
                        title,
                        closed: status == "closed",
                        current_version,
                        created_at,
                        saved_at,
                        evaluations,
                    })
                },
            )
            .collect()
    }
}
