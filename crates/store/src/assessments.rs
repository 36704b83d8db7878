//! Trafiklysvurderinger (`trivsel_domain::assessment`): a professional's own assessment of a
//! child in a round replaces his or her earlier one of that round, the team's joint one replaces
//! the earlier joint one; each with its audit row in one transaction. Reads follow the grant's
//! scope: an institution reads what it assessed.

use chrono::{DateTime, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::assessment::{Light, Round};

use crate::audit::append_audit;
use crate::cases::in_scope;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// An assessment to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment {
    pub institution_id: i64,
    pub child_id: i64,
    pub round: Round,
    /// The team's joint assessment, not one professional's.
    pub joint: bool,
    pub light: Light,
    pub focus: Vec<String>,
    pub note: String,
    /// Who took part in the joint assessment (free text); empty for one's own.
    pub participants: String,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// A stored assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub id: i64,
    pub institution_id: i64,
    pub child_id: i64,
    pub round: Round,
    pub joint: bool,
    pub light: Light,
    pub focus: Vec<String>,
    pub note: String,
    pub participants: String,
    pub by: i64,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

type Row = (
    i64,
    i64,
    i64,
    String,
    bool,
    String,
    String,
    String,
    String,
    i64,
    String,
    DateTime<Utc>,
);

fn assessment(row: Row) -> Result<Assessment> {
    let (id, institution_id, child_id, round, joint, light, focus, note, participants, by, by_name, at) = row;
    let bad = |what: &str, v: &str| StoreError::Db(sqlx::Error::Decode(format!("ukendt {what} «{v}»").into()));
    Ok(Assessment {
        id,
        institution_id,
        child_id,
        round: Round::parse(&round).ok_or_else(|| bad("runde", &round))?,
        joint,
        light: Light::from_id(&light).ok_or_else(|| bad("trafiklys", &light))?,
        focus: focus.split('|').filter(|f| !f.is_empty()).map(str::to_string).collect(),
        note,
        participants,
        by,
        by_name,
        at,
    })
}

const COLUMNS: &str = "a.id, a.institution_id, a.child_id, a.round, a.joint, a.light, a.focus, a.note, a.participants, \
                       a.assessed_by, u.name, a.assessed_at FROM assessments a JOIN users u ON u.id = a.assessed_by";

impl Store {
    /// Stores the assessment, replacing the assessor's own of the round (or, for a joint one,
    /// the joint one of the round at the institution), with its audit row.
    pub async fn save_assessment(&self, new: &NewAssessment, audit: &AuditEntry) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "DELETE FROM assessments WHERE child_id = $1 AND round = $2 AND joint = $3 \
                 AND (($3 AND institution_id = $4) OR (NOT $3 AND assessed_by = $5))",
            )
            .bind(new.child_id)
            .bind(new.round.id())
            .bind(new.joint)
            .bind(new.institution_id)
            .bind(new.by)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO assessments (municipality_id, institution_id, child_id, round, joint, light, focus, note, \
                 participants, assessed_by, assessed_at) SELECT municipality_id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
                 FROM institutions WHERE id = $1 RETURNING id",
            )
            .bind(new.institution_id)
            .bind(new.child_id)
            .bind(new.round.id())
            .bind(new.joint)
            .bind(new.light.id())
            .bind(new.focus.join("|"))
            .bind(new.note.trim())
            .bind(new.participants.trim())
            .bind(new.by)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// The child's assessments within the grant's scope, newest round first.
    pub async fn assessments_of_child(&self, child: ChildGrant) -> Result<Vec<Assessment>> {
        let sql = format!(
            "SELECT {COLUMNS} WHERE a.child_id = $1 AND {} ORDER BY a.round DESC, a.joint DESC, a.assessed_at",
            in_scope(child.scope(), "a.institution_id")
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child.child_id())
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(assessment).collect()
    }

    /// The joint assessments of the children of a class (by their enrolment today) made at
    /// the class's institution, every round.
    pub async fn joint_assessments_of_class(&self, class_id: i64, today: chrono::NaiveDate) -> Result<Vec<Assessment>> {
        let sql = format!(
            "SELECT {COLUMNS} JOIN classes c ON c.id = $1 WHERE a.joint AND a.institution_id = c.institution_id \
             AND a.child_id IN (SELECT e.child_id FROM enrolments e WHERE e.class_id = $1 AND e.enrolled_from <= $2 \
             AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2)) ORDER BY a.round"
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(class_id)
                .bind(today)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(assessment).collect()
    }
}
