//! Henvisning til PKU (the referral to the Pedagogical Coordination Committee) and PKU's
//! decision on it (`trivsel_domain::cases::pku`): an approved placement with its end and its
//! revisitation, which becomes a task for the leader in the decision's transaction.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::cases::TaskKind;
use trivsel_domain::cases::pku::{PkuDecision, placement_end};

use crate::audit::append_audit;
use crate::cases::CaseTarget;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A PKU referral to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPkuReferral {
    pub child_id: i64,
    pub date: NaiveDate,
    pub note: String,
    pub override_justification: Option<String>,
    /// The PPR psychologist who agreed to the referral, and when.
    pub psychologist: (i64, NaiveDate),
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A recorded referral to the Pedagogical Coordination Committee (PKU-henvisning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkuReferral {
    pub id: i64,
    pub child_id: i64,
    pub date: NaiveDate,
    pub note: String,
    pub override_justification: Option<String>,
    /// The psychologist's name and the date of the agreement (none on referrals made before
    /// it was recorded).
    pub psychologist: Option<(String, NaiveDate)>,
    pub referred_by: i64,
    pub referred_at: DateTime<Utc>,
    /// PKU's decision, once recorded.
    pub decision: Option<PkuOutcome>,
}

/// PKU's decision as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkuOutcome {
    pub decision: PkuDecision,
    pub reason: String,
    pub decided_on: NaiveDate,
    /// An approved placement: start, end (one year later) and revisitation date.
    pub placement: Option<(NaiveDate, NaiveDate, NaiveDate)>,
    pub decided_by_name: String,
}

/// PKU's decision to record (checked by `trivsel_domain::cases::pku::check_pku_decision`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPkuDecision {
    pub referral_id: i64,
    pub decision: PkuDecision,
    pub reason: String,
    pub decided_on: NaiveDate,
    /// An approved placement's start and revisitation date.
    pub placement: Option<(NaiveDate, NaiveDate)>,
    /// The institution the revisitation task belongs to (the child's school).
    pub institution_id: i64,
    pub by: i64,
    pub at: DateTime<Utc>,
}

type Row = (
    i64,
    i64,
    NaiveDate,
    String,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    i64,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<String>,
);

fn referral(row: Row) -> PkuReferral {
    let (
        id,
        child_id,
        date,
        note,
        override_justification,
        psychologist,
        agreed_on,
        referred_by,
        referred_at,
        decision,
        reason,
        decided_on,
        start,
        end,
        revisit,
        decided_by,
    ) = row;
    let placement = match (start, end, revisit) {
        (Some(s), Some(e), Some(r)) => Some((s, e, r)),
        _ => None,
    };
    let decision = match (decision.as_deref().and_then(PkuDecision::from_id), decided_on) {
        (Some(decision), Some(decided_on)) => Some(PkuOutcome {
            decision,
            reason: reason.unwrap_or_default(),
            decided_on,
            placement,
            decided_by_name: decided_by.unwrap_or_default(),
        }),
        _ => None,
    };
    PkuReferral {
        id,
        child_id,
        date,
        note,
        override_justification,
        psychologist: psychologist.zip(agreed_on),
        referred_by,
        referred_at,
        decision,
    }
}

/// The revisitation task's title (a task names no child).
pub const REVISIT_TITLE: &str = "Revisitation af PKU-placering";

impl Store {
    /// Registers a PKU referral, with its audit row. The caller has asked the escalation guard.
    pub async fn register_pku_referral(&self, referral: &NewPkuReferral, audit: &AuditEntry) -> Result<i64> {
        let m = self.target_municipality(CaseTarget::Child(referral.child_id)).await?;
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "INSERT INTO pku_referrals (municipality_id, child_id, referral_date, note, override_justification, \
                     psychologist_id, psychologist_agreed_on, referred_by, referred_at, institution_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, {}) RETURNING id",
                crate::cases::record_institution("NULL", "$8", "$2")
            )))
            .bind(m)
            .bind(referral.child_id)
            .bind(referral.date)
            .bind(&referral.note)
            .bind(referral.override_justification.as_deref())
            .bind(referral.psychologist.0)
            .bind(referral.psychologist.1)
            .bind(referral.by)
            .bind(referral.at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// The child's PKU referrals, newest first, with PKU's decisions.
    pub async fn pku_referrals(&self, child: ChildGrant) -> Result<Vec<PkuReferral>> {
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT r.id, r.child_id, r.referral_date, r.note, r.override_justification, u.name, \
                 r.psychologist_agreed_on, r.referred_by, r.referred_at, r.decision, r.decision_reason, \
                 r.decided_on, r.placement_start, r.placement_end, r.revisit_on, d.name FROM pku_referrals r \
                 LEFT JOIN users u ON u.id = r.psychologist_id LEFT JOIN users d ON d.id = r.decided_by \
                 WHERE r.child_id = $1 AND {} ORDER BY r.referral_date DESC, r.id DESC",
                crate::cases::in_scope(child.scope(), "r.institution_id")
            )))
            .bind(child.child_id())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(referral).collect())
    }

    /// Records PKU's decision with its audit row; an approval stores the placement's end and
    /// creates the revisitation task for the recording leader, in the same transaction.
    /// Refused, writing nothing, if the referral has a decision already.
    pub async fn record_pku_decision(&self, d: &NewPkuDecision, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let child: Option<i64> =
                sqlx::query_scalar("SELECT child_id FROM pku_referrals WHERE id = $1 AND decision IS NULL")
                    .bind(d.referral_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(child) = child else {
                tx.rollback().await?;
                return Err(StoreError::Config("PKU's afgørelse er allerede registreret.".into()));
            };
            let task: Option<i64> = match d.placement {
                Some((_, revisit)) => Some(
                    sqlx::query_scalar(
                        "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, \
                         child_id, created_at) SELECT municipality_id, id, $2, $3, $4, $5, $6, $7 FROM institutions \
                         WHERE id = $1 RETURNING id",
                    )
                    .bind(d.institution_id)
                    .bind(d.by)
                    .bind(TaskKind::FollowUp.id())
                    .bind(revisit)
                    .bind(REVISIT_TITLE)
                    .bind(child)
                    .bind(d.at)
                    .fetch_one(&mut *tx)
                    .await?,
                ),
                None => None,
            };
            sqlx::query(
                "UPDATE pku_referrals SET decision = $1, decision_reason = $2, decided_on = $3, \
                 placement_start = $4, placement_end = $5, revisit_on = $6, revisit_task_id = $7, decided_by = $8, \
                 decided_at = $9 WHERE id = $10",
            )
            .bind(d.decision.id())
            .bind(d.reason.trim())
            .bind(d.decided_on)
            .bind(d.placement.map(|p| p.0))
            .bind(d.placement.map(|p| placement_end(p.0)))
            .bind(d.placement.map(|p| p.1))
            .bind(task)
            .bind(d.by)
            .bind(d.at)
            .bind(d.referral_id)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
