//! Guardians (forældre) and custody (forældremyndighed) from the municipality's own file: the
//! guardians of every child the file names become exactly those in the file, in one
//! transaction, each change audited on the child. A custody removed takes effect on the
//! guardian's next request (the actor is read fresh).

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, WriteTx, with_pool};

/// A guardian as the file describes him or her. `key` identifies the guardian from one import
/// to the next (the login identity, else the e-mail, else the phone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianRecord {
    pub key: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The login identity (the OpenID Connect claim's value): the guardian's user name.
    pub login: Option<String>,
}

/// The guardians of one child: (index into the guardians, custody).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildGuardians {
    pub child_id: i64,
    pub guardians: Vec<(usize, bool)>,
}

/// What an import changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GuardianChanges {
    pub guardians_created: usize,
    pub guardians_updated: usize,
    pub accounts_created: usize,
    pub links_added: usize,
    pub custody_changed: usize,
    pub links_removed: usize,
}

/// One guardian of one child, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianLink {
    /// The child's id in the school system.
    pub pupil_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub custody: bool,
    /// The guardian's user name, if he or she can log in.
    pub login: Option<String>,
}

impl Store {
    /// Every guardian of every child of the municipality, by pupil and name.
    pub async fn guardian_links(&self, municipality_id: i64) -> Result<Vec<GuardianLink>> {
        type Row = (String, String, Option<String>, Option<String>, bool, Option<String>);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT c.source_id, g.name, g.email, g.phone, gs.custody, u.username FROM guardianships gs \
                 JOIN guardians g ON g.id = gs.guardian_id JOIN children c ON c.id = gs.child_id \
                 LEFT JOIN users u ON u.id = g.user_id WHERE gs.municipality_id = $1 \
                 ORDER BY c.source_id, g.name, g.id",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(pupil_id, name, email, phone, custody, login)| GuardianLink {
                pupil_id,
                name,
                email,
                phone,
                custody,
                login,
            })
            .collect())
    }

    /// Stores the guardians and makes each named child's guardians exactly `children`'s; all or
    /// nothing. `audit` names who imports; each change gets a row on its child.
    pub async fn import_guardians(
        &self,
        municipality_id: i64,
        guardians: &[GuardianRecord],
        children: &[ChildGuardians],
        audit: &AuditEntry,
    ) -> Result<GuardianChanges> {
        let mut changes = GuardianChanges::default();
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let mut ids = Vec::with_capacity(guardians.len());
            for g in guardians {
                let user_id: Option<i64> = match &g.login {
                    None => None,
                    Some(login) => {
                        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                            .bind(login)
                            .fetch_optional(&mut *tx)
                            .await?;
                        match found {
                            Some(id) => Some(id),
                            None => {
                                changes.accounts_created += 1;
                                let id: i64 = sqlx::query_scalar(
                                    "INSERT INTO users (municipality_id, username, name, email, role) \
                                     VALUES ($1, $2, $3, $4, 'foraelder') RETURNING id",
                                )
                                .bind(municipality_id)
                                .bind(login)
                                .bind(&g.name)
                                .bind(&g.email)
                                .fetch_one(&mut *tx)
                                .await?;
                                let entry = AuditEntry {
                                    action: "user.create".into(),
                                    criterion: Some(login.clone()),
                                    ..audit.clone()
                                };
                                append_audit!(tx, &entry);
                                Some(id)
                            }
                        }
                    }
                };
                let existing: Option<StoredGuardian> = sqlx::query_as(
                    "SELECT id, name, email, phone, user_id FROM guardians WHERE municipality_id = $1 AND import_key = $2",
                )
                .bind(municipality_id)
                .bind(&g.key)
                .fetch_optional(&mut *tx)
                .await?;
                let id = match existing {
                    None => {
                        changes.guardians_created += 1;
                        sqlx::query_scalar(
                            "INSERT INTO guardians (municipality_id, name, email, phone, user_id, import_key) \
                             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        )
                        .bind(municipality_id)
                        .bind(&g.name)
                        .bind(&g.email)
                        .bind(&g.phone)
                        .bind(user_id)
                        .bind(&g.key)
                        .fetch_one(&mut *tx)
                        .await?
                    }
                    Some((id, name, email, phone, user)) => {
                        if (name.as_str(), email.as_deref(), phone.as_deref(), user)
                            != (g.name.as_str(), g.email.as_deref(), g.phone.as_deref(), user_id)
                        {
                            changes.guardians_updated += 1;
                            sqlx::query(
                                "UPDATE guardians SET name = $1, email = $2, phone = $3, user_id = $4 WHERE id = $5",
                            )
                            .bind(&g.name)
                            .bind(&g.email)
                            .bind(&g.phone)
                            .bind(user_id)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        }
                        id
                    }
                };
                ids.push(id);
            }
            for child in children {
                let before: Vec<(i64, bool)> =
                    sqlx::query_as("SELECT guardian_id, custody FROM guardianships WHERE child_id = $1")
                        .bind(child.child_id)
                        .fetch_all(&mut *tx)
                        .await?;
                let wanted: Vec<(i64, bool)> = child.guardians.iter().map(|(i, c)| (ids[*i], *c)).collect();
                let mut rows = Vec::new();
                for (guardian, custody) in &wanted {
                    match before.iter().find(|(g, _)| g == guardian) {
                        None => {
                            changes.links_added += 1;
                            sqlx::query(
                                "INSERT INTO guardianships (municipality_id, guardian_id, child_id, custody) \
                                 VALUES ($1, $2, $3, $4)",
                            )
                            .bind(municipality_id)
                            .bind(guardian)
                            .bind(child.child_id)
                            .bind(custody)
                            .execute(&mut *tx)
                            .await?;
                            rows.push(format!(
                                "forælder {guardian} tilknyttet, forældremyndighed: {}",
                                yes_no(*custody)
                            ));
                        }
                        Some((_, was)) if was != custody => {
                            changes.custody_changed += 1;
                            sqlx::query(
                                "UPDATE guardianships SET custody = $1 WHERE guardian_id = $2 AND child_id = $3",
                            )
                            .bind(custody)
                            .bind(guardian)
                            .bind(child.child_id)
                            .execute(&mut *tx)
                            .await?;
                            rows.push(format!("forælder {guardian}: forældremyndighed {}", yes_no(*custody)));
                        }
                        Some(_) => {}
                    }
                }
                for (guardian, _) in before.iter().filter(|(g, _)| !wanted.iter().any(|(w, _)| w == g)) {
                    changes.links_removed += 1;
                    sqlx::query("DELETE FROM guardianships WHERE guardian_id = $1 AND child_id = $2")
                        .bind(guardian)
                        .bind(child.child_id)
                        .execute(&mut *tx)
                        .await?;
                    rows.push(format!("forælder {guardian} ikke længere tilknyttet"));
                }
                for criterion in rows {
                    let entry = AuditEntry {
                        action: "guardian.import".into(),
                        child_id: Some(child.child_id),
                        criterion: Some(criterion),
                        ..audit.clone()
                    };
                    append_audit!(tx, &entry);
                }
            }
            tx.commit().await?;
        });
        Ok(changes)
    }
}

/// id, name, email, phone, user id.
type StoredGuardian = (i64, String, Option<String>, Option<String>, Option<i64>);

fn yes_no(value: bool) -> &'static str {
    if value { "ja" } else { "nej" }
}
