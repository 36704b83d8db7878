//! The roster (elevliste): children, their enrolments, and the institutions and classes they
//! belong to. Imports read a snapshot, compute what changes, and apply it in one transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::QueryBuilder;
use trivsel_domain::model::InstitutionKind;

use crate::{BATCH, Result, Store, WriteTx, with_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildRow {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentRow {
    pub institution_code: String,
    pub class_name: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// What a municipality's roster holds now, keyed by the source system's identifiers.
#[derive(Debug, Default)]
pub struct RosterSnapshot {
    /// Institution code → (name, kind).
    pub institutions: HashMap<String, (String, InstitutionKind)>,
    /// (institution code, class name) of every class.
    pub classes: std::collections::HashSet<(String, String)>,
    /// Child source id → child.
    pub children: HashMap<String, ChildRow>,
    /// Child source id → enrolments.
    pub enrolments: HashMap<String, Vec<EnrolmentRow>>,
}

/// Rows to create or update. Institutions and children are upserted by code/source id,
/// classes created if missing, enrolments upserted by (child, enrolled_from).
#[derive(Debug, Default)]
pub struct RosterChanges {
    /// (code, name, kind)
    pub institutions: Vec<(String, String, InstitutionKind)>,
    /// (institution code, class name)
    pub classes: Vec<(String, String)>,
    /// (source id, given name, family name, birth date)
    pub children: Vec<(String, String, String, NaiveDate)>,
    /// (child source id, enrolment)
    pub enrolments: Vec<(String, EnrolmentRow)>,
    /// (child source id, login identity): a pupil account (role elev) to create, for a pupil
    /// who has none, logging in through the municipality's OpenID Connect provider.
    pub pupil_logins: Vec<(String, String)>,
}

impl RosterChanges {
    pub fn is_empty(&self) -> bool {
        self.institutions.is_empty()
            && self.classes.is_empty()
            && self.children.is_empty()
            && self.enrolments.is_empty()
            && self.pupil_logins.is_empty()
    }
}

impl Store {
    pub async fn roster_snapshot(&self, municipality_id: i64) -> Result<RosterSnapshot> {
        let mut snap = RosterSnapshot::default();
        let (institutions, classes, children, enrolments) = with_pool!(self, |pool| {
            let institutions: Vec<(String, String, String)> =
                sqlx::query_as("SELECT code, name, kind FROM institutions WHERE municipality_id = $1")
                    .bind(municipality_id)
                    .fetch_all(pool)
                    .await?;
            let classes: Vec<(String, String)> = sqlx::query_as(
                "SELECT i.code, c.name FROM classes c JOIN institutions i ON i.id = c.institution_id \
                 WHERE c.municipality_id = $1",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?;
            let children: Vec<(i64, String, String, String, NaiveDate)> = sqlx::query_as(
                "SELECT id, source_id, given_name, family_name, birth_date FROM children WHERE municipality_id = $1",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?;
            let enrolments: Vec<(String, String, String, NaiveDate, Option<NaiveDate>)> = sqlx::query_as(
                "SELECT ch.source_id, i.code, c.name, e.enrolled_from, e.enrolled_to FROM enrolments e \
                 JOIN children ch ON ch.id = e.child_id JOIN classes c ON c.id = e.class_id \
                 JOIN institutions i ON i.id = c.institution_id WHERE e.municipality_id = $1",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?;
            (institutions, classes, children, enrolments)
        });
        for (code, name, kind) in institutions {
            let kind = InstitutionKind::from_id(&kind).unwrap_or(InstitutionKind::School);
            snap.institutions.insert(code, (name, kind));
        }
        snap.classes = classes.into_iter().collect();
        for (id, source_id, given_name, family_name, birth_date) in children {
            snap.children.insert(
                source_id,
                ChildRow {
                    id,
                    given_name,
                    family_name,
                    birth_date,
                },
            );
        }
        for (source_id, institution_code, class_name, from, to) in enrolments {
            snap.enrolments.entry(source_id).or_default().push(EnrolmentRow {
                institution_code,
                class_name,
                from,
                to,
            });
        }
        Ok(snap)
    }

    /// Applies roster changes in one transaction: all of them or none.
    pub async fn apply_roster(&self, municipality_id: i64, changes: &RosterChanges) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            // First, so that this and a roll call (which takes the versions' row before the
            // alerts and the audit) lock in the same order on PostgreSQL.
            crate::absence_summaries::raise_version_in!(tx, municipality_id, "structure");
            for (code, name, kind) in &changes.institutions {
                sqlx::query(
                    "INSERT INTO institutions (municipality_id, code, name, kind) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (municipality_id, code) DO UPDATE SET name = excluded.name, kind = excluded.kind",
                )
                .bind(municipality_id)
                .bind(code)
                .bind(name)
                .bind(kind.id())
                .execute(&mut *tx)
                .await?;
            }
            let institution_ids: HashMap<String, i64> =
                sqlx::query_as("SELECT code, id FROM institutions WHERE municipality_id = $1")
                    .bind(municipality_id)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .collect();
            for chunk in changes.classes.chunks(BATCH) {
                let mut q = QueryBuilder::new("INSERT INTO classes (municipality_id, institution_id, name) ");
                q.push_values(chunk, |mut row, (code, name)| {
                    row.push_bind(municipality_id)
                        .push_bind(institution_ids[code])
                        .push_bind(name.clone());
                });
                q.push(" ON CONFLICT (institution_id, name) DO NOTHING");
                q.build().execute(&mut *tx).await?;
            }
            let class_ids: HashMap<(i64, String), i64> = sqlx::query_as::<_, (i64, String, i64)>(
                "SELECT institution_id, name, id FROM classes WHERE municipality_id = $1",
            )
            .bind(municipality_id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(inst, name, id)| ((inst, name), id))
            .collect();
            for chunk in changes.children.chunks(BATCH) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO children (municipality_id, source_id, given_name, family_name, birth_date) ",
                );
                q.push_values(chunk, |mut row, (source_id, given, family, birth)| {
                    row.push_bind(municipality_id)
                        .push_bind(source_id.clone())
                        .push_bind(given.clone())
                        .push_bind(family.clone())
                        .push_bind(*birth);
                });
                q.push(
                    " ON CONFLICT (municipality_id, source_id) DO UPDATE SET given_name = excluded.given_name, \
                     family_name = excluded.family_name, birth_date = excluded.birth_date",
                );
                q.build().execute(&mut *tx).await?;
            }
            if !changes.enrolments.is_empty() {
                let child_ids: HashMap<String, i64> =
                    sqlx::query_as("SELECT source_id, id FROM children WHERE municipality_id = $1")
                        .bind(municipality_id)
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .collect();
                for chunk in changes.enrolments.chunks(BATCH) {
                    let mut q = QueryBuilder::new(
                        "INSERT INTO enrolments (municipality_id, child_id, class_id, enrolled_from, enrolled_to) ",
                    );
                    q.push_values(chunk, |mut row, (source_id, e)| {
                        let institution_id = institution_ids[&e.institution_code];
                        row.push_bind(municipality_id)
                            .push_bind(child_ids[source_id])
                            .push_bind(class_ids[&(institution_id, e.class_name.clone())])
                            .push_bind(e.from)
                            .push_bind(e.to);
                    });
                    q.push(
                        " ON CONFLICT (child_id, enrolled_from) DO UPDATE SET class_id = excluded.class_id, \
                         enrolled_to = excluded.enrolled_to",
                    );
                    q.build().execute(&mut *tx).await?;
                }
            }
            for (source_id, login) in &changes.pupil_logins {
                let child_id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (municipality_id, username, name, role, child_id) \
                     SELECT municipality_id, $1, given_name || ' ' || family_name, 'elev', id FROM children \
                     WHERE municipality_id = $2 AND source_id = $3 RETURNING child_id",
                )
                .bind(login)
                .bind(municipality_id)
                .bind(source_id)
                .fetch_one(&mut *tx)
                .await?;
                let entry = crate::AuditEntry {
                    municipality_id,
                    user_id: None,
                    username: "import".into(),
                    role: "system".into(),
                    action: "user.create".into(),
                    child_id: Some(child_id),
                    criterion: Some(format!("elevlogin {login} fra elevlisten")),
                    allowed: true,
                    address: None,
                };
                crate::audit::append_audit!(tx, &entry);
            }
            crate::alerts::forget_evaluations!(tx, municipality_id);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The children of the municipality who have never been enrolled at a school (in daycare,
    /// or not yet at any institution): they have no school days, so no absence.
    pub async fn children_without_school(&self, municipality_id: i64) -> Result<std::collections::HashSet<i64>> {
        let ids: Vec<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT ch.id FROM children ch WHERE ch.municipality_id = $1 AND NOT EXISTS ( \
                 SELECT 1 FROM enrolments e JOIN classes c ON c.id = e.class_id \
                 JOIN institutions i ON i.id = c.institution_id WHERE e.child_id = ch.id AND i.kind = 'school')",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?
        });
        Ok(ids.into_iter().collect())
    }

    /// Every child of the municipality: source-system id → id.
    pub async fn child_ids(&self, municipality_id: i64) -> Result<HashMap<String, i64>> {
        let rows: Vec<(String, i64)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT source_id, id FROM children WHERE municipality_id = $1")
                .bind(municipality_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// The id of the child with `source_id` in the municipality.
    pub async fn child_id(&self, municipality_id: i64, source_id: &str) -> Result<Option<i64>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM children WHERE municipality_id = $1 AND source_id = $2")
                .bind(municipality_id)
                .bind(source_id)
                .fetch_optional(pool)
                .await?
        }))
    }
}
