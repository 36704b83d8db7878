//! `trivsel users import`: staff and guardian accounts with their roles and relationships.
//!
//! Columns: username, name, email, role, institution, classes. `role` is a role id (laerer,
//! trivselsperson, skoleleder, ppr, socialraadgiver, sundhedsplejerske, ssp, familieraadgiver, foraelder, elev,
//! analytiker, admin; at a daycare also dagleder and paedagog, the leader's and teacher's
//! access under the daycare's names); `institution` an institution code (may be empty); `classes` class names
//! at that institution separated by `|`. Optional column `pupil_id`: the pupil a pupil account
//! (`elev`) belongs to (required for `elev`, empty for every other role). Existing accounts (by
//! user name) are updated; passwords are never set here.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use trivsel_domain::model::Role;
use trivsel_domain::validate;
use trivsel_store::{AuditEntry, NewUser, Store};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

const COLUMNS: [&str; 6] = ["username", "name", "email", "role", "institution", "classes"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UsersSummary {
    pub rows: u64,
    pub created: usize,
    pub updated: usize,
}

impl fmt::Display for UsersSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rækker læst; oprettet: {} brugere; opdateret: {} brugere (nye brugere har ingen adgangskode: \
             sæt den med `trivsel users password BRUGERNAVN`, eller brug single sign-on)",
            self.rows, self.created, self.updated
        )
    }
}

/// Reads, validates and stores a user file; all or nothing. `audit` names who imports.
pub async fn import_users(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    audit: &AuditEntry,
    progress: &dyn Progress,
) -> Result<UsersSummary, ImportError> {
    let mut file = CsvFile::open(path, &COLUMNS, progress)?;
    let pupil_column = file.optional("pupil_id");
    let pupils = store.child_ids(municipality_id).await?;
    let institutions: HashMap<String, i64> = store
        .institutions(municipality_id)
        .await?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect();
    let mut classes: HashMap<i64, HashMap<String, i64>> = HashMap::new();
    for id in institutions.values() {
        let by_name = store
            .class_cards(&[], Some(*id))
            .await?
            .into_iter()
            .map(|c| (c.name, c.id))
            .collect();
        classes.insert(*id, by_name);
    }
    let existing: HashMap<String, trivsel_store::User> = store
        .users(municipality_id)
        .await?
        .into_iter()
        .map(|u| (u.username.clone(), u))
        .collect();

    let mut summary = UsersSummary::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::new();
    while let Some(line) = file.next_row()? {
        summary.rows += 1;
        progress.bytes_read(file.bytes_read());
        let at = At { file: &file.name, line };
        let username = file.get(0).to_lowercase();
        if username.is_empty() || username.len() > 64 || username.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(at.err("username", "skal være udfyldt, højst 64 tegn og uden mellemrum"));
        }
        if let Some(first) = seen.insert(username.clone(), line) {
            return Err(at.err("username", format!("«{username}» står også i linje {first}")));
        }
        if let Some(other) = store.user_by_username(&username).await?
            && other.municipality_id != municipality_id
        {
            return Err(at.err(
                "username",
                format!("«{username}» er allerede i brug i en anden kommune"),
            ));
        }
        let name = validate::name(file.get(1)).map_err(|m| at.err("name", m))?.to_string();
        let email = file.get(2);
        if !email.is_empty() && !email.contains('@') {
            return Err(at.err("email", format!("«{email}» er ikke en e-mailadresse")));
        }
        // A daycare's leader and pedagogues have the leader's and teacher's access.
        let role = match file.get(3) {
            "dagleder" => Some(Role::Leader),
            "paedagog" => Some(Role::Teacher),
            id => Role::from_id(id),
        };
        let role = role.ok_or_else(|| {
            let ids: Vec<&str> = Role::ALL.iter().map(|r| r.id()).collect();
            at.err(
                "role",
                format!(
                    "ukendt rolle «{}» (gyldige: {}, dagleder, paedagog)",
                    file.get(3),
                    ids.join(", ")
                ),
            )
        })?;
        let institution_id = match file.get(4) {
            "" => None,
            code => Some(
                *institutions
                    .get(code)
                    .ok_or_else(|| at.err("institution", format!("institutionen «{code}» findes ikke")))?,
            ),
        };
        let mut class_ids = Vec::new();
        for class in file.get(5).split('|').map(str::trim).filter(|c| !c.is_empty()) {
            let Some(inst) = institution_id else {
                return Err(at.err("classes", "klasser kræver en institution"));
            };
            let id = classes[&inst].get(class).ok_or_else(|| {
                at.err(
                    "classes",
                    format!("klassen «{class}» findes ikke på institution {}", file.get(4)),
                )
            })?;
            class_ids.push(*id);
        }
        class_ids.sort();
        class_ids.dedup();
        let pupil = file.get_optional(pupil_column);
        let child_id = match (role, pupil) {
            (Role::Pupil, "") => return Err(at.err("pupil_id", "en elevkonto skal have elevens pupil_id")),
            (Role::Pupil, id) => Some(*pupils.get(id).ok_or_else(|| {
                at.err(
                    "pupil_id",
                    format!("eleven «{id}» findes ikke; importér elevlisten først"),
                )
            })?),
            (_, "") => None,
            (_, _) => return Err(at.err("pupil_id", "kun elevkonti (rolle elev) har et pupil_id")),
        };
        let new = NewUser {
            municipality_id,
            username: username.clone(),
            name,
            email: Some(email.to_string()).filter(|e| !e.is_empty()),
            role,
            institution_id,
            child_id,
            password_hash: None,
            demo_only: false,
            class_ids,
        };
        match existing.get(&username) {
            None => {
                summary.created += 1;
                rows.push((None, new));
            }
            Some(old) => {
                let old_classes = store.user_class_ids(old.id).await?;
                let same = (
                    old.name.as_str(),
                    old.email.as_deref(),
                    old.role,
                    old.institution_id,
                    old.child_id,
                    old_classes.as_slice(),
                ) == (
                    new.name.as_str(),
                    new.email.as_deref(),
                    new.role,
                    new.institution_id,
                    new.child_id,
                    new.class_ids.as_slice(),
                );
                if !same {
                    summary.updated += 1;
                    rows.push((Some(old.id), new));
                }
            }
        }
    }
    if summary.rows == 0 {
        return Err(ImportError::File {
            file: file.name,
            message: "filen har ingen rækker under overskriften".into(),
        });
    }
    if !rows.is_empty() {
        store.import_users(&rows, audit).await?;
    }
    Ok(summary)
}
