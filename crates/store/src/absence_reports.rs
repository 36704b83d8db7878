//! Indberetninger: the schools' 15 % lists submitted to the municipality, acknowledged by its
//! absence caseworker, with the hearing and the decision per pupil. Every change carries its
//! audit row in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::absence::Quarter;
use trivsel_domain::absence::report::BenefitDecision;

use crate::audit::{append_audit, append_audits};
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A list to submit: the school's pupils at or above 15 % in the quarter, with their shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAbsenceReport {
    pub municipality_id: i64,
    pub institution_id: i64,
    pub quarter: Quarter,
    /// (child id, share as stored text, e.g. `0.1750`)
    pub pupils: Vec<(i64, String)>,
    pub submitted_by: i64,
    pub at: DateTime<Utc>,
}

/// A submitted list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceReport {
    pub id: i64,
    pub institution_id: i64,
    pub institution_name: String,
    pub quarter: Quarter,
    pub submitted_by_name: String,
    pub submitted_at: DateTime<Utc>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub pupils: Vec<ReportPupil>,
}

/// A pupil on a list, with the hearing and the decision so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPupil {
    pub child_id: i64,
    pub name: String,
    pub birth_date: NaiveDate,
    pub share: String,
    pub parents_heard_on: Option<NaiveDate>,
    pub child_heard_on: Option<NaiveDate>,
    pub decision: Option<BenefitDecision>,
    pub decision_reason: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by_name: Option<String>,
}

/// What the caseworker records for a pupil: the hearing dates and, once they allow it, the
/// decision (checked by `trivsel_domain::absence::report::check_decision` before this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPupilUpdate {
    pub report_id: i64,
    pub child_id: i64,
    pub parents_heard_on: Option<NaiveDate>,
    pub child_heard_on: Option<NaiveDate>,
    /// (decision, reason, date)
    pub decision: Option<(BenefitDecision, String, NaiveDate)>,
    pub by: i64,
}

type ReportRow = (
    i64,
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<String>,
    Option<DateTime<Utc>>,
);
type PupilRow = (
    i64,
    i64,
    String,
    String,
    NaiveDate,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
);

const REPORT_SQL: &str = "SELECT r.id, r.institution_id, i.name, r.quarter, s.name, r.submitted_at, a.name, \
     r.acknowledged_at FROM absence_reports r JOIN institutions i ON i.id = r.institution_id \
     JOIN users s ON s.id = r.submitted_by LEFT JOIN users a ON a.id = r.acknowledged_by";

const PUPIL_SQL: &str = "SELECT p.report_id, p.child_id, c.given_name, c.family_name, c.birth_date, p.share, \
     p.parents_heard_on, p.child_heard_on, p.decision, p.decision_reason, p.decided_on, d.name \
     FROM absence_report_pupils p JOIN children c ON c.id = p.child_id LEFT JOIN users d ON d.id = p.decided_by";

impl Store {
    /// Submits the school's list with its audit rows (the list's and each pupil's). Refused
    /// (nothing written) if the school has submitted the quarter already. Returns the list's id.
    pub async fn submit_absence_report(&self, r: &NewAbsenceReport, audits: &[AuditEntry]) -> Result<i64> {
        let id = with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO absence_reports (municipality_id, institution_id, quarter, submitted_by, submitted_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (institution_id, quarter) DO NOTHING RETURNING id",
            )
            .bind(r.municipality_id)
            .bind(r.institution_id)
            .bind(r.quarter.to_string())
            .bind(r.submitted_by)
            .bind(r.at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Skolens liste for kvartalet er allerede indberettet.".into(),
                ));
            };
            for (child_id, share) in &r.pupils {
                sqlx::query("INSERT INTO absence_report_pupils (report_id, child_id, share) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(child_id)
                    .bind(share)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audits!(tx, audits);
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// The lists submitted in the municipality for `quarter` (all quarters if `None`), of one
    /// school if `institution_id` is given, with their pupils; by school name.
    pub async fn absence_reports(
        &self,
        municipality_id: i64,
        quarter: Option<Quarter>,
        institution_id: Option<i64>,
    ) -> Result<Vec<AbsenceReport>> {
        let filter =
            " WHERE r.municipality_id = $1 AND ($2 = '' OR r.quarter = $2) AND ($3 = 0 OR r.institution_id = $3)";
        let q = quarter.map(|q| q.to_string()).unwrap_or_default();
        let inst = institution_id.unwrap_or(0);
        let (reports, pupils): (Vec<ReportRow>, Vec<PupilRow>) = with_pool!(self, |pool| {
            let reports = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{REPORT_SQL}{filter} ORDER BY r.quarter DESC, i.name"
            )))
            .bind(municipality_id)
            .bind(&q)
            .bind(inst)
            .fetch_all(pool)
            .await?;
            let pupils = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{PUPIL_SQL} JOIN absence_reports r ON r.id = p.report_id{filter} \
                 ORDER BY c.family_name, c.given_name, p.child_id"
            )))
            .bind(municipality_id)
            .bind(&q)
            .bind(inst)
            .fetch_all(pool)
            .await?;
            (reports, pupils)
        });
        Ok(assemble(reports, pupils))
    }

    /// One list of the municipality, if it exists.
    pub async fn absence_report(&self, municipality_id: i64, id: i64) -> Result<Option<AbsenceReport>> {
        let (reports, pupils): (Vec<ReportRow>, Vec<PupilRow>) = with_pool!(self, |pool| {
            let reports = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{REPORT_SQL} WHERE r.municipality_id = $1 AND r.id = $2"
            )))
            .bind(municipality_id)
            .bind(id)
            .fetch_all(pool)
            .await?;
            let pupils = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{PUPIL_SQL} WHERE p.report_id = $1 ORDER BY c.family_name, c.given_name, p.child_id"
            )))
            .bind(id)
            .fetch_all(pool)
            .await?;
            (reports, pupils)
        });
        Ok(assemble(reports, pupils).pop())
    }

    /// Records that the municipality received the list. Refused if it was acknowledged before.
    pub async fn acknowledge_absence_report(
        &self,
        id: i64,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let changed = sqlx::query(
                "UPDATE absence_reports SET acknowledged_by = $1, acknowledged_at = $2 \
                 WHERE id = $3 AND acknowledged_at IS NULL",
            )
            .bind(by)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config("Listen er allerede kvitteret for.".into()));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records the hearing and, if given, the decision for a pupil of an acknowledged list. A
    /// decision is final: refused (nothing written) once one is recorded.
    pub async fn update_report_pupil(&self, u: &ReportPupilUpdate, audit: &AuditEntry) -> Result<()> {
        let (decision, reason, decided_on) = match &u.decision {
            Some((d, r, on)) => (Some(d.id()), Some(r.as_str()), Some(*on)),
            None => (None, None, None),
        };
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let changed = sqlx::query(
                "UPDATE absence_report_pupils SET parents_heard_on = $1, child_heard_on = $2, decision = $3, \
                 decision_reason = $4, decided_on = $5, decided_by = CASE WHEN $3 IS NULL THEN NULL ELSE $6 END \
                 WHERE report_id = $7 AND child_id = $8 AND decision IS NULL \
                 AND EXISTS (SELECT 1 FROM absence_reports r WHERE r.id = $7 AND r.acknowledged_at IS NOT NULL)",
            )
            .bind(u.parents_heard_on)
            .bind(u.child_heard_on)
            .bind(decision)
            .bind(reason)
            .bind(decided_on)
            .bind(u.by)
            .bind(u.report_id)
            .bind(u.child_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Afgørelsen er allerede truffet, eller listen er ikke kvitteret for.".into(),
                ));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}

fn assemble(reports: Vec<ReportRow>, pupils: Vec<PupilRow>) -> Vec<AbsenceReport> {
    let mut out: Vec<AbsenceReport> = reports
        .into_iter()
        .filter_map(|(id, institution_id, institution_name, q, by, at, ack_by, ack_at)| {
            Some(AbsenceReport {
                id,
                institution_id,
                institution_name,
                quarter: Quarter::parse(&q).ok()?,
                submitted_by_name: by,
                submitted_at: at,
                acknowledged_by_name: ack_by,
                acknowledged_at: ack_at,
                pupils: Vec::new(),
            })
        })
        .collect();
    for (report_id, child_id, given, family, birth_date, share, parents, child, decision, reason, on, by) in pupils {
        if let Some(r) = out.iter_mut().find(|r| r.id == report_id) {
            r.pupils.push(ReportPupil {
                child_id,
                name: format!("{given} {family}"),
                birth_date,
                share,
                parents_heard_on: parents,
                child_heard_on: child,
                decision: decision.as_deref().and_then(BenefitDecision::from_id),
                decision_reason: reason,
                decided_on: on,
                decided_by_name: by,
            });
        }
    }
    out
}
