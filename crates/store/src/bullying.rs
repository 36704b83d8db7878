//! Bullying reports (mobning, `trivsel_domain::bullying`): the report with its children and
//! roles, the temporary measures, the action plan (a goal-and-intervention plan made in the
//! same transaction that links it) and the information of pupils and parents. A report belongs
//! to its institution; callers show each child only to those the policy lets see it.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::bullying::{InvolvedRole, LearnedHow, plan_deadline, plans_in_time};
use trivsel_domain::meetings::InTimeShare;

use crate::audit::append_audits;
use crate::plans::insert_plan;
use crate::{AuditEntry, NewPlan, Result, Store, StoreError, WriteTx, with_pool};

/// A report to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBullyingReport {
    pub institution_id: i64,
    pub created_by: i64,
    pub description: String,
    pub digital: bool,
    pub learned_on: NaiveDate,
    pub learned_how: LearnedHow,
    /// Who learned of it first (a name, e.g. «Klasselæreren»).
    pub learned_by: String,
    pub children: Vec<(i64, InvolvedRole)>,
    pub at: DateTime<Utc>,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BullyingReport {
    pub id: i64,
    pub municipality_id: i64,
    pub institution_id: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub description: String,
    pub digital: bool,
    pub learned_on: NaiveDate,
    pub learned_how: LearnedHow,
    pub learned_by: String,
    pub plan_due: NaiveDate,
    /// The temporary measures and the day they started.
    pub measures: Option<(String, NaiveDate)>,
    /// The action plan and the day it was made.
    pub plan: Option<(i64, NaiveDate)>,
    /// When pupils and parents were informed of the plan's content, and how.
    pub informed: Option<(NaiveDate, Option<String>)>,
    /// The children and their roles, by role.
    pub children: Vec<(i64, InvolvedRole)>,
}

const COLUMNS: &str = "r.id, r.municipality_id, r.institution_id, u.name, r.created_at, r.description, r.digital, \
                       r.learned_on, r.learned_how, r.learned_by, r.plan_due, r.measures, r.measures_on, r.plan_id, \
                       r.plan_on, r.informed_on FROM bullying_reports r JOIN users u ON u.id = r.created_by";

type Row = (
    i64,
    i64,
    i64,
    String,
    DateTime<Utc>,
    String,
    bool,
    NaiveDate,
    String,
    String,
    NaiveDate,
    Option<String>,
    Option<NaiveDate>,
    Option<i64>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn report(r: Row, informed_note: Option<String>, children: Vec<(i64, InvolvedRole)>) -> BullyingReport {
    let (
        id,
        municipality_id,
        institution_id,
        created_by_name,
        created_at,
        description,
        digital,
        learned_on,
        learned_how,
        learned_by,
        plan_due,
        measures,
        measures_on,
        plan_id,
        plan_on,
        informed_on,
    ) = r;
    BullyingReport {
        id,
        municipality_id,
        institution_id,
        created_by_name,
        created_at,
        description,
        digital,
        learned_on,
        learned_how: LearnedHow::from_id(&learned_how).unwrap_or(LearnedHow::Oral),
        learned_by,
        plan_due,
        measures: measures.zip(measures_on),
        plan: plan_id.zip(plan_on),
        informed: informed_on.map(|on| (on, informed_note)),
        children,
    }
}

impl Store {
    /// Stores a report with its children and one audit row per child (so it shows in each
    /// child's access log), in one transaction. Returns its id.
    pub async fn create_bullying_report(&self, new: &NewBullyingReport, audits: &[AuditEntry]) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO bullying_reports (municipality_id, institution_id, created_by, created_at, description, \
                 digital, learned_on, learned_how, learned_by, plan_due) \
                 SELECT municipality_id, id, $2, $3, $4, $5, $6, $7, $8, $9 FROM institutions WHERE id = $1 RETURNING id",
            )
            .bind(new.institution_id)
            .bind(new.created_by)
            .bind(new.at)
            .bind(new.description.trim())
            .bind(new.digital)
            .bind(new.learned_on)
            .bind(new.learned_how.id())
            .bind(new.learned_by.trim())
            .bind(plan_deadline(new.learned_on))
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                tx.rollback().await?;
                return Err(StoreError::Config("Institutionen findes ikke.".into()));
            };
            for (child, role) in &new.children {
                sqlx::query("INSERT INTO bullying_children (report_id, child_id, role) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(child)
                    .bind(role.id())
                    .execute(&mut *tx)
                    .await?;
            }
            append_audits!(tx, audits);
            tx.commit().await?;
            id
        }))
    }

    async fn bullying_children(&self, ids: &[i64]) -> Result<Vec<(i64, i64, InvolvedRole)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT report_id, child_id, role FROM bullying_children WHERE report_id IN ({list}) \
             ORDER BY report_id, child_id"
        );
        let rows: Vec<(i64, i64, String)> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?
        });
        let mut out: Vec<_> = rows
            .into_iter()
            .filter_map(|(r, c, role)| Some((r, c, InvolvedRole::from_id(&role)?)))
            .collect();
        out.sort_by_key(|(r, c, role)| (*r, *role, *c));
        Ok(out)
    }

    async fn bullying_reports_where(&self, condition: &str, id: i64) -> Result<Vec<BullyingReport>> {
        let sql = format!("SELECT {COLUMNS} WHERE {condition} ORDER BY r.learned_on DESC, r.id DESC");
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_all(pool)
                .await?
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let children = self.bullying_children(&ids).await?;
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let notes: Vec<(i64, Option<String>)> = if ids.is_empty() {
            Vec::new()
        } else {
            let sql = format!("SELECT id, informed_note FROM bullying_reports WHERE id IN ({list})");
            with_pool!(self, |pool| {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?
            })
        };
        Ok(rows
            .into_iter()
            .map(|r| {
                let id = r.0;
                let note = notes.iter().find(|(n, _)| *n == id).and_then(|(_, note)| note.clone());
                let kids = children
                    .iter()
                    .filter(|(rid, _, _)| *rid == id)
                    .map(|(_, c, role)| (*c, *role))
                    .collect();
                report(r, note, kids)
            })
            .collect())
    }

    /// One report; the caller shows each child only to those who may see it.
    pub async fn bullying_report(&self, id: i64) -> Result<Option<BullyingReport>> {
        Ok(self.bullying_reports_where("r.id = $1", id).await?.pop())
    }

    /// The institution's reports, newest first.
    pub async fn institution_bullying_reports(&self, institution_id: i64) -> Result<Vec<BullyingReport>> {
        self.bullying_reports_where("r.institution_id = $1", institution_id)
            .await
    }

    /// The reports the granted child is involved in, newest first.
    pub async fn child_bullying_reports(&self, child: ChildGrant) -> Result<Vec<BullyingReport>> {
        self.bullying_reports_where(
            "r.id IN (SELECT report_id FROM bullying_children WHERE child_id = $1)",
            child.child_id(),
        )
        .await
    }

    /// The share of the institution's action plans made within 10 working days
    /// (`bullying::plans_in_time`).
    pub async fn bullying_plans_in_time(&self, institution_id: i64, today: NaiveDate) -> Result<InTimeShare> {
        let rows: Vec<(NaiveDate, Option<NaiveDate>)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT learned_on, plan_on FROM bullying_reports WHERE institution_id = $1")
                .bind(institution_id)
                .fetch_all(pool)
                .await?
        });
        Ok(plans_in_time(&rows, today))
    }

    /// Records the temporary measures started (the latest text stands; the audit keeps the
    /// earlier ones).
    pub async fn record_bullying_measures(
        &self,
        id: i64,
        measures: &str,
        on: NaiveDate,
        audits: &[AuditEntry],
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let changed = sqlx::query(
                "UPDATE bullying_reports SET measures = $2, measures_on = $3 WHERE id = $1 AND learned_on <= $3",
            )
            .bind(id)
            .bind(measures.trim())
            .bind(on)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Midlertidige tiltag: datoen ligger før skolen fik kendskab til mobningen.".into(),
                ));
            }
            append_audits!(tx, audits);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Makes the report's written action plan: creates `plan` (with its tasks) and links it as
    /// made on `on`, in one transaction. Refused (nothing written) if the report has a plan.
    /// Returns the plan's id.
    pub async fn create_bullying_plan(
        &self,
        id: i64,
        plan: &NewPlan,
        on: NaiveDate,
        audits: &[AuditEntry],
    ) -> Result<i64> {
        let Some(report) = self.bullying_report(id).await? else {
            return Err(StoreError::Config("Mobningssagen findes ikke.".into()));
        };
        let m = report.municipality_id;
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let open: Option<i64> =
                sqlx::query_scalar("SELECT id FROM bullying_reports WHERE id = $1 AND plan_id IS NULL")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if open.is_none() {
                tx.rollback().await?;
                return Err(StoreError::Config("Sagen har allerede en handlingsplan.".into()));
            }
            let plan_id = insert_plan!(tx, m, plan);
            sqlx::query("UPDATE bullying_reports SET plan_id = $2, plan_on = $3 WHERE id = $1")
                .bind(id)
                .bind(plan_id)
                .bind(on)
                .execute(&mut *tx)
                .await?;
            append_audits!(tx, audits);
            tx.commit().await?;
            plan_id
        }))
    }

    /// Records when pupils and parents were informed of the plan's content. Refused if there
    /// is no plan yet or the date is before it.
    pub async fn record_bullying_informed(
        &self,
        id: i64,
        on: NaiveDate,
        note: &str,
        audits: &[AuditEntry],
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let changed = sqlx::query(
                "UPDATE bullying_reports SET informed_on = $2, informed_note = $3 \
                 WHERE id = $1 AND plan_on IS NOT NULL AND plan_on <= $2",
            )
            .bind(id)
            .bind(on)
            .bind(Some(note.trim()).filter(|n| !n.is_empty()))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Orientering: lav handlingsplanen først; datoen kan ikke ligge før planen.".into(),
                ));
            }
            append_audits!(tx, audits);
            tx.commit().await?;
        });
        Ok(())
    }
}
