//! Concerns (bekymringer), tiers (indsatstrin), PPV and PKU referrals, the facts behind the
//! escalation guard, and a child's chronology (kronologi). The store records; who may do what
//! and whether an escalation is allowed is decided by the caller with `trivsel_domain`.

use std::collections::HashMap;
use trivsel_domain::access::{ChildGrant, Scope};

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::absence::AlertCause;
use trivsel_domain::absence::contact::ContactStatus;
use trivsel_domain::cases::{
    ChronologyKind, ConcernCategory, EscalationFacts, PlanContent, PlanFacts, Severity, Tier, diff, format_date,
    plan_is_current,
};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// What a concern, tier or plan is about: one child, or one class (the learning community).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseTarget {
    Child(i64),
    Class(i64),
}

impl CaseTarget {
    pub fn child_id(self) -> Option<i64> {
        match self {
            Self::Child(id) => Some(id),
            Self::Class(_) => None,
        }
    }

    pub fn class_id(self) -> Option<i64> {
        match self {
            Self::Class(id) => Some(id),
            Self::Child(_) => None,
        }
    }

    pub(crate) fn from_columns(child_id: Option<i64>, class_id: Option<i64>) -> Option<Self> {
        match (child_id, class_id) {
            (Some(id), None) => Some(Self::Child(id)),
            (None, Some(id)) => Some(Self::Class(id)),
            _ => None,
        }
    }

    /// The column naming the target, and its id (for `WHERE {column} = $1`).
    pub(crate) fn column(self) -> (&'static str, i64) {
        match self {
            Self::Child(id) => ("child_id", id),
            Self::Class(id) => ("class_id", id),
        }
    }
}

/// A concern to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConcern {
    pub institution_id: i64,
    pub target: CaseTarget,
    pub date: NaiveDate,
    pub description: String,
    pub severity: Severity,
    pub categories: Vec<ConcernCategory>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A recorded concern (bekymring).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concern {
    pub id: i64,
    pub institution_id: i64,
    pub target: CaseTarget,
    pub date: NaiveDate,
    pub description: String,
    pub severity: Severity,
    /// Sorted by the order of [`ConcernCategory::ALL`].
    pub categories: Vec<ConcernCategory>,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// A change of tier to record; `override_justification` when a school leader overrode the
/// escalation guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTierChange {
    pub target: CaseTarget,
    pub tier: Tier,
    pub reason: String,
    pub override_justification: Option<String>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A recorded change of tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    pub id: i64,
    pub target: CaseTarget,
    pub tier: Tier,
    pub reason: String,
    pub override_justification: Option<String>,
    pub changed_by: i64,
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
}

/// A registered pedagogical-psychological assessment (PPV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PpvRegistration {
    pub id: i64,
    pub child_id: i64,
    pub date: NaiveDate,
    /// Where the assessment is (journal number, document name).
    pub reference: String,
    pub registered_by: i64,
    pub registered_at: DateTime<Utc>,
}

/// One entry of a child's chronology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChronologyItem {
    /// The date the entry is about (concern date, trigger date, evaluation date, …).
    pub date: NaiveDate,
    /// When it was recorded, where known (orders entries of the same date).
    pub recorded_at: Option<DateTime<Utc>>,
    pub kind: ChronologyKind,
    /// Concern categories; absence alerts carry [`ConcernCategory::Absence`].
    pub categories: Vec<ConcernCategory>,
    /// Danish one-line title.
    pub title: String,
    /// Danish text (description, note, changed fields).
    pub summary: String,
    /// The name of whoever recorded it.
    pub by: Option<String>,
    /// Id of the concern, alert, plan, evaluation, … (the plan's id for plan versions).
    pub ref_id: i64,
}

type ConcernTuple = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    NaiveDate,
    String,
    String,
    i64,
    String,
    DateTime<Utc>,
);
type TierTuple = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    Option<String>,
    i64,
    String,
    DateTime<Utc>,
);

fn decode<T>(what: &str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| StoreError::Db(sqlx::Error::Decode(format!("ukendt værdi i {what}").into())))
}

pub(crate) fn tier_of(id: &str) -> Result<Tier> {
    decode("indsatstrin", Tier::from_id(id))
}

pub(crate) fn content_of(json: &str) -> Result<PlanContent> {
    PlanContent::from_json(json).map_err(|e| StoreError::Db(sqlx::Error::Decode(e.into())))
}

/// SQL condition for the rows within a grant's scope (`access::Scope`), on the institution
/// column `column`; rows without an institution follow the child.
pub(crate) fn in_scope(scope: Scope, column: &str) -> String {
    match scope {
        Scope::All => "TRUE".into(),
        Scope::Institution(i) => format!("({column} = {i} OR {column} IS NULL)"),
    }
}

/// SQL for the institution a new case record belongs to (`access::Scope`): the class's
/// (`class`, an SQL expression), else the writer's (`by`), else the child's (`child`) latest
/// enrolment's. Migration 0025 filled in older rows by the same rule.
pub(crate) fn record_institution(class: &str, by: &str, child: &str) -> String {
    format!(
        "COALESCE((SELECT c.institution_id FROM classes c WHERE c.id = {class}), \
         (SELECT u.institution_id FROM users u WHERE u.id = {by}), \
         (SELECT c.institution_id FROM enrolments e JOIN classes c ON c.id = e.class_id \
          WHERE e.child_id = {child} ORDER BY e.enrolled_from DESC LIMIT 1))"
    )
}

impl Store {
    /// The municipality a child or class belongs to.
    pub(crate) async fn target_municipality(&self, target: CaseTarget) -> Result<i64> {
        let (table, id, name) = match target {
            CaseTarget::Child(id) => ("children", id, "Barnet"),
            CaseTarget::Class(id) => ("classes", id, "Klassen"),
        };
        let sql = format!("SELECT municipality_id FROM {table} WHERE id = $1");
        let m: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        m.ok_or_else(|| StoreError::Config(format!("{name} findes ikke.")))
    }

    /// Records a concern about a child or a class with its categories, and its audit row.
    pub async fn add_concern(&self, concern: &NewConcern, audit: &AuditEntry) -> Result<i64> {
        let m = self.target_municipality(concern.target).await?;
        let mut categories = concern.categories.clone();
        categories.sort();
        categories.dedup();
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO concerns (municipality_id, institution_id, child_id, class_id, concern_date, description, \
                 severity, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(m)
            .bind(concern.institution_id)
            .bind(concern.target.child_id())
            .bind(concern.target.class_id())
            .bind(concern.date)
            .bind(&concern.description)
            .bind(concern.severity.id())
            .bind(concern.by)
            .bind(concern.at)
            .fetch_one(&mut *tx)
            .await?;
            for c in &categories {
                sqlx::query(
                    "INSERT INTO concern_categories (municipality_id, concern_id, category) VALUES ($1, $2, $3)",
                )
                .bind(m)
                .bind(id)
                .bind(c.id())
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Concerns about the child (not its class), newest first.
    pub async fn concerns_of_child(&self, child: ChildGrant) -> Result<Vec<Concern>> {
        let child_id = child.child_id();
        self.concerns(CaseTarget::Child(child_id), child.scope()).await
    }

    /// Concerns about the class as a community, newest first.
    pub async fn concerns_of_class(&self, class_id: i64) -> Result<Vec<Concern>> {
        self.concerns(CaseTarget::Class(class_id), Scope::All).await
    }

    async fn concerns(&self, target: CaseTarget, scope: Scope) -> Result<Vec<Concern>> {
        let (column, id) = target.column();
        let sql = format!(
            "SELECT c.id, c.institution_id, c.child_id, c.class_id, c.concern_date, c.description, c.severity, \
             c.created_by, u.name, c.created_at FROM concerns c JOIN users u ON u.id = c.created_by \
             WHERE c.{column} = $1 AND {} ORDER BY c.concern_date DESC, c.created_at DESC, c.id DESC",
            in_scope(scope, "c.institution_id")
        );
        let cat_sql = format!(
            "SELECT k.concern_id, k.category FROM concern_categories k JOIN concerns c ON c.id = k.concern_id \
             WHERE c.{column} = $1"
        );
        let (rows, cats): (Vec<ConcernTuple>, Vec<(i64, String)>) = with_pool!(self, |pool| {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_all(pool)
                .await?;
            let cats = sqlx::query_as(sqlx::AssertSqlSafe(cat_sql))
                .bind(id)
                .fetch_all(pool)
                .await?;
            (rows, cats)
        });
        let mut by_concern: HashMap<i64, Vec<ConcernCategory>> = HashMap::new();
        for (concern_id, category) in cats {
            by_concern
                .entry(concern_id)
                .or_default()
                .push(decode("bekymringskategori", ConcernCategory::from_id(&category))?);
        }
        rows.into_iter()
            .map(
                |(
                    id,
                    institution_id,
                    child_id,
                    class_id,
                    date,
                    description,
                    severity,
                    created_by,
                    name,
                    created_at,
                )| {
                    let mut categories = by_concern.remove(&id).unwrap_or_default();
                    categories.sort();
                    Ok(Concern {
                        id,
                        institution_id,
                        target: decode("bekymring", CaseTarget::from_columns(child_id, class_id))?,
                        date,
                        description,
                        severity: decode("alvor", Severity::from_id(&severity))?,
                        categories,
                        created_by,
                        created_by_name: name,
                        created_at,
                    })
                },
            )
            .collect()
    }

    /// Records a change of tier, and its audit row. The caller has asked the escalation guard.
    pub async fn set_tier(&self, change: &NewTierChange, audit: &AuditEntry) -> Result<i64> {
        let m = self.target_municipality(change.target).await?;
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "INSERT INTO tier_changes (municipality_id, child_id, class_id, tier, reason, override_justification, \
                     changed_by, changed_at, institution_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {}) RETURNING id",
                record_institution("$3", "$7", "$2")
            )))
            .bind(m)
            .bind(change.target.child_id())
            .bind(change.target.class_id())
            .bind(change.tier.id())
            .bind(&change.reason)
            .bind(change.override_justification.as_deref())
            .bind(change.by)
            .bind(change.at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Changes of tier, newest first.
    /// Within `scope`: a child's tier as its institution set it (`access::Scope`).
    pub async fn tier_history(&self, target: CaseTarget, scope: Scope) -> Result<Vec<TierChange>> {
        let (column, id) = target.column();
        let sql = format!(
            "SELECT t.id, t.child_id, t.class_id, t.tier, t.reason, t.override_justification, t.changed_by, u.name, \
             t.changed_at FROM tier_changes t JOIN users u ON u.id = t.changed_by WHERE t.{column} = $1 AND {} \
             ORDER BY t.changed_at DESC, t.id DESC",
            in_scope(scope, "t.institution_id")
        );
        let rows: Vec<TierTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(
                |(id, child_id, class_id, tier, reason, override_justification, changed_by, name, changed_at)| {
                    Ok(TierChange {
                        id,
                        target: decode("indsatstrin", CaseTarget::from_columns(child_id, class_id))?,
                        tier: tier_of(&tier)?,
                        reason,
                        override_justification,
                        changed_by,
                        changed_by_name: name,
                        changed_at,
                    })
                },
            )
            .collect()
    }

    /// The tier of the latest change; `None` when none is recorded (the caller shows the
    /// preventive tier, which applies to all children).
    pub async fn current_tier(&self, target: CaseTarget) -> Result<Option<Tier>> {
        Ok(self.tier_history(target, Scope::All).await?.first().map(|t| t.tier))
    }

    /// Registers a PPV for the child, with its audit row.
    pub async fn register_ppv(
        &self,
        child_id: i64,
        date: NaiveDate,
        reference: &str,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<i64> {
        let m = self.target_municipality(CaseTarget::Child(child_id)).await?;
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "INSERT INTO ppv_registrations (municipality_id, child_id, ppv_date, reference, registered_by, \
                     registered_at, institution_id) VALUES ($1, $2, $3, $4, $5, $6, {}) RETURNING id",
                record_institution("NULL", "$5", "$2")
            )))
            .bind(m)
            .bind(child_id)
            .bind(date)
            .bind(reference)
            .bind(by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// The child's PPVs, newest first.
    pub async fn ppv_registrations(&self, child: ChildGrant) -> Result<Vec<PpvRegistration>> {
        let child_id = child.child_id();
        let rows: Vec<(i64, i64, NaiveDate, String, i64, DateTime<Utc>)> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, child_id, ppv_date, reference, registered_by, registered_at FROM ppv_registrations \
                     WHERE child_id = $1 AND {} ORDER BY ppv_date DESC, id DESC",
                in_scope(child.scope(), "institution_id")
            )))
            .bind(child_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, child_id, date, reference, registered_by, registered_at)| PpvRegistration {
                    id,
                    child_id,
                    date,
                    reference,
                    registered_by,
                    registered_at,
                },
            )
            .collect())
    }

    /// What the escalation guard (`trivsel_domain::cases::escalation_missing`) needs about the
    /// child on `today`: whether a PPV is registered, and the plans of the child and of the
    /// child's classes on `today` (seed 003: interventions are «altid rettes mod det
    /// fællesskab»), with their tier, number of evaluations and whether each is current.
    pub async fn escalation_facts(&self, child_id: i64, today: NaiveDate) -> Result<EscalationFacts> {
        let (ppvs, plans): (i64, Vec<(String, String, String, i64)>) = with_pool!(self, |pool| {
            let ppvs = sqlx::query_scalar("SELECT COUNT(*) FROM ppv_registrations WHERE child_id = $1")
                .bind(child_id)
                .fetch_one(pool)
                .await?;
            let plans = sqlx::query_as(
                "SELECT p.tier, p.status, v.content_json, \
                 (SELECT COUNT(*) FROM plan_evaluations e WHERE e.plan_id = p.id) \
                 FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.current_version \
                 WHERE p.child_id = $1 OR p.class_id IN (SELECT e.class_id FROM enrolments e WHERE e.child_id = $1 \
                 AND e.enrolled_from <= $2 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2)) ORDER BY p.id",
            )
            .bind(child_id)
            .bind(today)
            .fetch_all(pool)
            .await?;
            (ppvs, plans)
        });
        let plans = plans
            .into_iter()
            .map(|(tier, status, json, evaluations)| {
                let content = content_of(&json)?;
                Ok(PlanFacts {
                    tier: tier_of(&tier)?,
                    evaluations: evaluations.max(0) as usize,
                    current: plan_is_current(status == "closed", content.end_date, today),
                })
            })
            .collect::<Result<_>>()?;
        Ok(EscalationFacts {
            ppv_registered: ppvs > 0,
            plans,
        })
    }

    /// The child's chronology, newest first: concerns, absence alerts, plans and their later
    /// versions (with the fields that changed), evaluations, tier changes (with any override
    /// justification), PPVs, PKU referrals and class conferences where the child was discussed.
    pub async fn chronology(&self, child: ChildGrant) -> Result<Vec<ChronologyItem>> {
        let child_id = child.child_id();
        let mut items = Vec::new();
        let item =
            |date, recorded_at, kind, title: String, summary: String, by: Option<String>, ref_id| ChronologyItem {
                date,
                recorded_at,
                kind,
                categories: vec![],
                title,
                summary,
                by,
                ref_id,
            };

        for c in self.concerns_of_child(child).await? {
            items.push(ChronologyItem {
                categories: c.categories.clone(),
                ..item(
                    c.date,
                    Some(c.created_at),
                    ChronologyKind::Concern,
                    format!("Bekymring (alvor: {})", c.severity.navn()),
                    c.description,
                    Some(c.created_by_name),
                    c.id,
                )
            });
        }

        type AlertRow = (i64, String, NaiveDate, String, Option<String>, DateTime<Utc>);
        type PlanRow = (i64, String, String, i32, String, i64, String, DateTime<Utc>);
        type EvalRow = (i64, String, NaiveDate, String, String, String, String, DateTime<Utc>);
        type ConferenceRow = (i64, String, NaiveDate, bool, String, String, DateTime<Utc>);
        // Absence alerts and contacts follow the pupil; plans and conferences stay with their
        // institution (`access::Scope`).
        let plans_in_scope = in_scope(child.scope(), "p.institution_id");
        let (alerts, versions, evaluations, conferences): (
            Vec<AlertRow>,
            Vec<PlanRow>,
            Vec<EvalRow>,
            Vec<ConferenceRow>,
        ) = with_pool!(self, |pool| {
            let alerts = sqlx::query_as(
                "SELECT id, rule, trigger_date, status, note, created_at FROM absence_alerts \
                     WHERE child_id = $1 AND status <> 'withdrawn'",
            )
            .bind(child_id)
            .fetch_all(pool)
            .await?;
            let versions = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT p.id, p.title, p.tier, v.version, v.content_json, v.saved_by, u.name, v.saved_at \
                     FROM plans p JOIN plan_versions v ON v.plan_id = p.id JOIN users u ON u.id = v.saved_by \
                     WHERE p.child_id = $1 AND {plans_in_scope} ORDER BY p.id, v.version"
            )))
            .bind(child_id)
            .fetch_all(pool)
            .await?;
            let evaluations = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT e.id, p.title, e.evaluation_date, e.result, e.text, e.next_step, u.name, e.evaluated_at \
                     FROM plan_evaluations e JOIN plans p ON p.id = e.plan_id JOIN users u ON u.id = e.evaluated_by \
                     WHERE p.child_id = $1 AND {plans_in_scope}"
            )))
            .bind(child_id)
            .fetch_all(pool)
            .await?;
            let conferences = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT k.id, c.name, k.held_on, cp.focus, cp.note, u.name, k.created_at \
                     FROM class_conference_pupils cp JOIN class_conferences k ON k.id = cp.conference_id \
                     JOIN classes c ON c.id = k.class_id JOIN users u ON u.id = k.created_by \
                     WHERE cp.child_id = $1 AND {}",
                in_scope(child.scope(), "c.institution_id")
            )))
            .bind(child_id)
            .fetch_all(pool)
            .await?;
            (alerts, versions, evaluations, conferences)
        });

        // A joint yellow or red traffic light is a concern of the team's.
        for a in self.assessments_of_child(child).await? {
            if !a.joint || a.light == trivsel_domain::assessment::Light::Green {
                continue;
            }
            let mut summary = a.focus.join(", ");
            if !a.note.is_empty() {
                if !summary.is_empty() {
                    summary.push_str(". ");
                }
                summary.push_str(&a.note);
            }
            items.push(item(
                a.at.date_naive(),
                Some(a.at),
                ChronologyKind::Assessment,
                format!(
                    "Fælles trafiklysvurdering {}: {}",
                    a.round.label().to_lowercase(),
                    a.light.navn()
                ),
                summary,
                Some(a.by_name),
                a.id,
            ));
        }

        for (id, rule, date, status, note, created_at) in alerts {
            let rule = AlertCause::from_id(&rule).map_or(rule, |r| r.navn().to_string());
            let status = match status.as_str() {
                "open" => "åben",
                "closed" => "afsluttet",
                other => other,
            };
            let mut summary = format!("Status: {status}.");
            if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
                summary.push_str(&format!(" {note}"));
            }
            items.push(ChronologyItem {
                categories: vec![ConcernCategory::Absence],
                ..item(
                    date,
                    Some(created_at),
                    ChronologyKind::AbsenceAlert,
                    format!("Fraværsadvarsel: {rule}"),
                    summary,
                    None,
                    id,
                )
            });
        }

        for c in self.child_contacts(child_id).await? {
            let summary = match (c.status, c.method, c.contacted_on) {
                (ContactStatus::Done, Some(method), Some(on)) => {
                    let mut s = format!("Kontaktet {} ({}).", format_date(on), method.navn().to_lowercase());
                    if let Some(note) = c.note.as_deref() {
                        s.push_str(&format!(" {note}"));
                    }
                    s
                }
                (ContactStatus::Void, ..) => continue,
                _ => "Forældrene er endnu ikke kontaktet.".into(),
            };
            items.push(ChronologyItem {
                categories: vec![ConcernCategory::Absence],
                ..item(
                    c.absence_date,
                    Some(c.created_at),
                    ChronologyKind::ParentContact,
                    "Ulovligt fravær: forældrene kontaktes".into(),
                    summary,
                    c.done_by_name,
                    c.id,
                )
            });
        }

        let mut previous: Option<(i64, PlanContent)> = None;
        for (plan_id, title, tier, version, json, _, name, saved_at) in versions {
            let content = content_of(&json)?;
            let tier = tier_of(&tier)?;
            if version == 1 {
                items.push(item(
                    saved_at.date_naive(),
                    Some(saved_at),
                    ChronologyKind::Plan,
                    format!("Mål- og indsatsplan oprettet: {title}"),
                    format!("{} indsats. Mål: {}", tier.navn(), content.goals),
                    Some(name),
                    plan_id,
                ));
            } else {
                let changed = match &previous {
                    Some((id, before)) if *id == plan_id => diff(before, &content)
                        .into_iter()
                        .map(|c| c.field_label)
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => String::new(),
                };
                let summary = if changed.is_empty() {
                    "Ingen ændringer i indholdet.".to_string()
                } else {
                    format!("Ændret: {changed}.")
                };
                items.push(item(
                    saved_at.date_naive(),
                    Some(saved_at),
                    ChronologyKind::PlanVersion,
                    format!("{title}: version {version}"),
                    summary,
                    Some(name),
                    plan_id,
                ));
            }
            previous = Some((plan_id, content));
        }

        for (id, title, date, result, text, next_step, name, at) in evaluations {
            let result = trivsel_domain::cases::EvaluationResult::from_id(&result).map_or(result, |r| r.navn().into());
            let mut summary = text;
            if !next_step.trim().is_empty() {
                summary.push_str(&format!(" Næste skridt: {next_step}"));
            }
            items.push(item(
                date,
                Some(at),
                ChronologyKind::Evaluation,
                format!("Evaluering af «{title}»: {result}"),
                summary,
                Some(name),
                id,
            ));
        }

        for t in self.tier_history(CaseTarget::Child(child_id), child.scope()).await? {
            let mut summary = t.reason;
            if let Some(j) = t.override_justification {
                summary.push_str(&format!(" Skolelederen tilsidesatte kravene: {j}"));
            }
            items.push(item(
                t.changed_at.date_naive(),
                Some(t.changed_at),
                ChronologyKind::TierChange,
                format!("Indsatstrin: {}", t.tier.navn()),
                summary,
                Some(t.changed_by_name),
                t.id,
            ));
        }

        for p in self.ppv_registrations(child).await? {
            items.push(item(
                p.date,
                Some(p.registered_at),
                ChronologyKind::Ppv,
                "Pædagogisk-psykologisk vurdering (PPV) registreret".into(),
                p.reference,
                None,
                p.id,
            ));
        }

        for r in self.pku_referrals(child).await? {
            let mut summary = r.note;
            if let Some(j) = r.override_justification {
                summary.push_str(&format!(" Skolelederen tilsidesatte kravene: {j}"));
            }
            items.push(item(
                r.date,
                Some(r.referred_at),
                ChronologyKind::Pku,
                "Henvist til Pædagogisk Koordinationsudvalg (PKU)".into(),
                summary,
                None,
                r.id,
            ));
            if let Some(d) = r.decision {
                let mut summary = d.reason;
                if let Some((start, end, revisit)) = d.placement {
                    summary.push_str(&format!(
                        " Placering {}–{}, revisitation {}.",
                        format_date(start),
                        format_date(end),
                        format_date(revisit)
                    ));
                }
                items.push(item(
                    d.decided_on,
                    None,
                    ChronologyKind::Pku,
                    format!("PKU's afgørelse: {}", d.decision.navn().to_lowercase()),
                    summary,
                    Some(d.decided_by_name),
                    r.id,
                ));
            }
        }

        for (id, class, held_on, focus, note, name, at) in conferences {
            let focus = if focus { " – fokuselev" } else { "" };
            items.push(item(
                held_on,
                Some(at),
                ChronologyKind::Conference,
                format!("Klassekonference i {class}{focus}"),
                note,
                Some(name),
                id,
            ));
        }

        for c in self.consents_of_child(child).await? {
            let scope = c.consent.scope.navn();
            let guardian = format!("Forælder: {}.", c.guardian_name);
            items.push(item(
                c.consent.given_on,
                Some(c.recorded_at),
                ChronologyKind::Consent,
                format!("Samtykke givet: {scope}"),
                format!("{guardian} {}.", c.consent.method.navn()),
                Some(c.recorded_by_name.clone()),
                c.id,
            ));
            if let Some(revoked_on) = c.consent.revoked_on {
                items.push(item(
                    revoked_on,
                    c.revoked_at,
                    ChronologyKind::Consent,
                    format!("Samtykke trukket tilbage: {scope}"),
                    guardian.clone(),
                    None,
                    c.id,
                ));
            }
        }

        for a in self.child_assignments(child).await? {
            let mut summary = a.reason.clone();
            if let Some(last) = a.ends_on {
                summary.push_str(&format!(" Til og med {}.", format_date(last)));
            }
            items.push(item(
                a.assigned_at.date_naive(),
                Some(a.assigned_at),
                ChronologyKind::Assignment,
                format!("Rådgiver tilknyttet: {} ({})", a.adviser_name, a.role.navn()),
                summary,
                None,
                a.user_id,
            ));
            if let Some(ended) = a.ended_at {
                items.push(item(
                    ended.date_naive(),
                    Some(ended),
                    ChronologyKind::Assignment,
                    format!("Rådgiver afsluttet: {} ({})", a.adviser_name, a.role.navn()),
                    String::new(),
                    None,
                    a.user_id,
                ));
            }
        }

        for m in self.meetings_of_child(child).await? {
            let mut summary = format!("Indkaldt {}.", format_date(m.convened_on));
            if let Some(held) = m.held_on {
                summary.push_str(&format!(" Holdt {}.", format_date(held)));
            }
            if let Some(follow_up) = m.follow_up_on {
                summary.push_str(&format!(" Opfølgningsmøde {}.", format_date(follow_up)));
            }
            items.push(item(
                m.held_on.unwrap_or(m.starts_at.date()),
                Some(m.created_at),
                ChronologyKind::Meeting,
                format!("{}: {}", m.kind.navn(), m.status.navn().to_lowercase()),
                summary,
                None,
                m.id,
            ));
        }

        items.sort_by_key(|i| std::cmp::Reverse((i.date, i.recorded_at)));
        Ok(items)
    }
}
