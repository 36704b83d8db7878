//! Consents (samtykker): given and revoked by guardians in the parent view or recorded by
//! staff. The store records them and answers whether one is in force; which actions need which
//! consent is decided by `trivsel_domain::meetings::check_consent`.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::meetings::{Consent, ConsentMethod, ConsentScope, check_consent_dates};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A consent to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    pub child_id: i64,
    /// The guardian giving it; must have custody of the child.
    pub guardian_id: i64,
    pub scope: ConsentScope,
    pub given_on: NaiveDate,
    /// Last day it applies (til og med), if limited.
    pub expires_on: Option<NaiveDate>,
    pub method: ConsentMethod,
    /// Who entered it: the guardian's own account for [`ConsentMethod::ParentView`], else the
    /// staff member who recorded it.
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

/// A recorded consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub id: i64,
    pub child_id: i64,
    pub guardian_id: i64,
    pub guardian_name: String,
    /// Whether the guardian has custody today; consents of guardians without are not in force.
    pub custody: bool,
    pub consent: Consent,
    pub recorded_by: i64,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
    pub revoked_by: Option<i64>,
    pub revoked_at: Option<DateTime<Utc>>,
}

type ConsentTuple = (
    i64,
    i64,
    i64,
    String,
    bool,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    i64,
    String,
    DateTime<Utc>,
    Option<i64>,
    Option<DateTime<Utc>>,
);

const CONSENT_SELECT: &str = "SELECT c.id, c.child_id, c.guardian_id, g.name, COALESCE(gs.custody, FALSE), c.scope, \
     c.given_on, c.expires_on, c.revoked_on, c.method, c.recorded_by, u.name, c.recorded_at, c.revoked_by, \
     c.revoked_at FROM consents c JOIN guardians g ON g.id = c.guardian_id JOIN users u ON u.id = c.recorded_by \
     LEFT JOIN guardianships gs ON gs.guardian_id = c.guardian_id AND gs.child_id = c.child_id";

/// SQL condition: consent `c` of scope `$scope` is in force on `$on` and its guardian has
/// custody. The same rule as `Consent::in_force`, plus custody.
pub(crate) fn in_force_sql(alias: &str, scope: &str, on: &str) -> String {
    format!(
        "{alias}.scope = {scope} AND {alias}.given_on <= {on} AND ({alias}.expires_on IS NULL OR {alias}.expires_on >= \
         {on}) AND ({alias}.revoked_on IS NULL OR {alias}.revoked_on > {on}) AND EXISTS (SELECT 1 FROM guardianships \
         cg WHERE cg.guardian_id = {alias}.guardian_id AND cg.child_id = {alias}.child_id AND cg.custody)"
    )
}

fn decode_err(what: &str, value: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(format!("ukendt {what} «{value}»").into()))
}

fn consent_record(t: ConsentTuple) -> Result<ConsentRecord> {
    let (
        id,
        child_id,
        guardian_id,
        guardian_name,
        custody,
        scope,
        given_on,
        expires_on,
        revoked_on,
        method,
        recorded_by,
        recorded_by_name,
        recorded_at,
        revoked_by,
        revoked_at,
    ) = t;
    Ok(ConsentRecord {
        id,
        child_id,
        guardian_id,
        guardian_name,
        custody,
        consent: Consent {
            scope: ConsentScope::from_id(&scope).ok_or_else(|| decode_err("samtykkeomfang", &scope))?,
            given_on,
            expires_on,
            revoked_on,
            method: ConsentMethod::from_id(&method).ok_or_else(|| decode_err("samtykkeform", &method))?,
        },
        recorded_by,
        recorded_by_name,
        recorded_at,
        revoked_by,
        revoked_at,
    })
}

/// Inserts a consent inside the caller's write transaction: `Some(id)`, or `None` (nothing
/// written) unless the guardian has custody and — in the parent view — gives it from his or
/// her own account.
macro_rules! insert_consent {
    ($tx:expr, $consent:expr) => {{
        let consent: &$crate::NewConsent = $consent;
        let parent_view = consent.method == trivsel_domain::meetings::ConsentMethod::ParentView;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO consents (municipality_id, child_id, guardian_id, scope, given_on, expires_on, method, \
             recorded_by, recorded_at) SELECT gs.municipality_id, gs.child_id, gs.guardian_id, $3, $4, $5, $6, $7, \
             $8 FROM guardianships gs JOIN guardians g ON g.id = gs.guardian_id \
             WHERE gs.guardian_id = $1 AND gs.child_id = $2 AND gs.custody \
             AND (NOT $9 OR g.user_id = $7) RETURNING id",
        )
        .bind(consent.guardian_id)
        .bind(consent.child_id)
        .bind(consent.scope.id())
        .bind(consent.given_on)
        .bind(consent.expires_on)
        .bind(consent.method.id())
        .bind(consent.recorded_by)
        .bind(consent.at)
        .bind(parent_view)
        .fetch_optional(&mut *$tx)
        .await?;
        id
    }};
}
pub(crate) use insert_consent;

/// The refusal when [`insert_consent!`] wrote nothing.
pub(crate) fn refused(method: ConsentMethod) -> StoreError {
    StoreError::Config(if method == ConsentMethod::ParentView {
        "Samtykket kan kun gives i forældrevisningen af en forælder med forældremyndighed over barnet.".into()
    } else {
        "Forælderen har ikke forældremyndighed over barnet og kan ikke give samtykke.".into()
    })
}

impl Store {
    /// Records a consent with its audit row. Refused (nothing written) unless the guardian has
    /// custody of the child, the dates are in order, and — in the parent view — the guardian
    /// gives it from his or her own account.
    pub async fn give_consent(&self, consent: &NewConsent, audit: &AuditEntry) -> Result<i64> {
        check_consent_dates(consent.given_on, consent.expires_on).map_err(StoreError::Config)?;
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id = insert_consent!(tx, consent);
            let Some(id) = id else {
                tx.rollback().await?;
                return Err(refused(consent.method));
            };
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Revokes a consent from `revoked_on` (it no longer applies that day), with its audit
    /// row. Returns false, writing nothing, if it is unknown or revoked already. A revocation
    /// dated before the consent was given is refused.
    pub async fn revoke_consent(
        &self,
        consent_id: i64,
        revoked_on: NaiveDate,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let given: Option<NaiveDate> =
                sqlx::query_scalar("SELECT given_on FROM consents WHERE id = $1 AND revoked_on IS NULL")
                    .bind(consent_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(given) = given else {
                tx.rollback().await?;
                return Ok(false);
            };
            if revoked_on < given {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Et samtykke kan ikke trækkes tilbage fra en dato før det blev givet.".into(),
                ));
            }
            let done = sqlx::query(
                "UPDATE consents SET revoked_on = $2, revoked_by = $3, revoked_at = $4 \
                 WHERE id = $1 AND revoked_on IS NULL",
            )
            .bind(consent_id)
            .bind(revoked_on)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    pub async fn consent(&self, id: i64) -> Result<Option<ConsentRecord>> {
        let sql = format!("{CONSENT_SELECT} WHERE c.id = $1");
        let row: Option<ConsentTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.map(consent_record).transpose()
    }

    /// All consents about the child, revoked ones too, newest first.
    pub async fn consents_of_child(&self, child: ChildGrant) -> Result<Vec<ConsentRecord>> {
        self.consents_of(child.child_id()).await
    }

    async fn consents_of(&self, child_id: i64) -> Result<Vec<ConsentRecord>> {
        let sql = format!("{CONSENT_SELECT} WHERE c.child_id = $1 ORDER BY c.given_on DESC, c.id DESC");
        let rows: Vec<ConsentTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child_id)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(consent_record).collect()
    }

    /// What the consent rule needs for a child: its consents from guardians who have custody
    /// today (revoked and expired ones too, so a refusal can say why). Pass them to
    /// `trivsel_domain::meetings::check_consent`.
    pub async fn consent_facts(&self, child_id: i64) -> Result<Vec<Consent>> {
        Ok(self
            .consents_of(child_id)
            .await?
            .into_iter()
            .filter(|r| r.custody)
            .map(|r| r.consent)
            .collect())
    }

    /// Whether a consent of `scope` from a guardian with custody is in force on `on`.
    pub async fn consent_in_force(&self, child_id: i64, scope: ConsentScope, on: NaiveDate) -> Result<bool> {
        let sql = format!(
            "SELECT COUNT(*) FROM consents c WHERE c.child_id = $1 AND {}",
            in_force_sql("c", "$2", "$3")
        );
        let n: i64 = with_pool!(self, |pool| {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(child_id)
                .bind(scope.id())
                .bind(on)
                .fetch_one(pool)
                .await?
        });
        Ok(n > 0)
    }

    /// The guardian record of a user's account (for the parent view), if any.
    pub async fn guardian_of_user(&self, user_id: i64) -> Result<Option<i64>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM guardians WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The child's guardians with custody: (guardian id, name, user account if any), by name.
    pub async fn guardians_of_child(&self, child: ChildGrant) -> Result<Vec<(i64, String, Option<i64>)>> {
        let child_id = child.child_id();
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT g.id, g.name, g.user_id FROM guardianships gs JOIN guardians g ON g.id = gs.guardian_id \
                 WHERE gs.child_id = $1 AND gs.custody ORDER BY g.name, g.id",
            )
            .bind(child_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
