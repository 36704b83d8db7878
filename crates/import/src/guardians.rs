//! `trivsel import guardians`: guardians (forældre) and custody (forældremyndighed) from the
//! municipality's own data.
//!
//! Columns: pupil_id, name, email, phone, custody, login. One row per guardian and child: a
//! guardian with several children has several rows (with the same name and contact), a child
//! with several guardians too. `custody` is `ja` or `nej`. `login` is the guardian's login
//! identity: the value of the municipality's OpenID Connect claim for citizens (e.g. MitID's
//! subject); it becomes the guardian's user name, and the guardian logs in through the
//! provider, never with a password. A guardian without `login` is recorded (for consents
//! given on paper) but cannot log in. A guardian is known from one import to the next by the
//! login, else the e-mail, else the phone. The guardians of each pupil the file names become
//! exactly those in the file: a guardian left out, or with custody `nej`, loses what custody
//! gives on the next request.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use trivsel_domain::model::Role;
use trivsel_domain::validate;
use trivsel_store::{AuditEntry, ChildGuardians, GuardianChanges, GuardianRecord, Store};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

const COLUMNS: [&str; 6] = ["pupil_id", "name", "email", "phone", "custody", "login"];

/// What a guardian import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GuardiansSummary {
    pub rows: u64,
    pub pupils: usize,
    pub changes: GuardianChanges,
}

impl fmt::Display for GuardiansSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.changes;
        write!(
            f,
            "{} rækker læst for {} elever; oprettet: {} forældre, {} logins, {} tilknytninger; \
             opdateret: {} forældre, {} ændringer af forældremyndighed; fjernet: {} tilknytninger",
            self.rows,
            self.pupils,
            c.guardians_created,
            c.accounts_created,
            c.links_added,
            c.guardians_updated,
            c.custody_changed,
            c.links_removed
        )
    }
}

/// Reads, validates and stores a guardian file; all or nothing. `audit` names who imports.
pub async fn import_guardians(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    audit: &AuditEntry,
    progress: &dyn Progress,
) -> Result<GuardiansSummary, ImportError> {
    let mut file = CsvFile::open(path, &COLUMNS, progress)?;
    let pupils = store.child_ids(municipality_id).await?;
    let mut summary = GuardiansSummary::default();
    let mut guardians: Vec<GuardianRecord> = Vec::new();
    // Guardian key → (index, first line); child → its guardians, with the line of each.
    let mut by_key: HashMap<String, (usize, u64)> = HashMap::new();
    let mut children: Vec<ChildGuardians> = Vec::new();
    let mut child_index: HashMap<i64, usize> = HashMap::new();
    let mut logins_checked: HashSet<String> = HashSet::new();
    while let Some(line) = file.next_row()? {
        summary.rows += 1;
        progress.bytes_read(file.bytes_read());
        let at = At { file: &file.name, line };
        let pupil = file.get(0);
        let child_id = *pupils.get(pupil).ok_or_else(|| {
            at.err(
                "pupil_id",
                format!("eleven «{pupil}» findes ikke; importér elevlisten først"),
            )
        })?;
        let name = validate::name(file.get(1)).map_err(|m| at.err("name", m))?.to_string();
        let email = Some(file.get(2).to_lowercase()).filter(|e| !e.is_empty());
        if let Some(e) = &email
            && (!e.contains('@') || e.len() > 254 || e.chars().any(char::is_whitespace))
        {
            return Err(at.err("email", format!("«{e}» er ikke en e-mailadresse")));
        }
        let phone = phone(file.get(3)).map_err(|m| at.err("phone", m))?;
        let custody = match file.get(4).to_lowercase().as_str() {
            "ja" | "j" | "yes" | "1" | "true" => true,
            "nej" | "n" | "no" | "0" | "false" => false,
            other => {
                return Err(at.err(
                    "custody",
                    format!("skriv «ja» eller «nej» (forældremyndighed), ikke «{other}»"),
                ));
            }
        };
        let login = Some(file.get(5).to_lowercase()).filter(|l| !l.is_empty());
        if let Some(l) = &login {
            if l.len() > 64 || l.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(at.err("login", "skal være højst 64 tegn og uden mellemrum"));
            }
            if logins_checked.insert(l.clone())
                && let Some(user) = store.user_by_username(l).await?
                && (user.role != Role::Guardian || user.municipality_id != municipality_id)
            {
                return Err(at.err(
                    "login",
                    format!("«{l}» er allerede brugernavn for en anden slags bruger"),
                ));
            }
        }
        let key = match (&login, &email, &phone) {
            (Some(l), _, _) => format!("login:{l}"),
            (None, Some(e), _) => format!("email:{e}"),
            (None, None, Some(p)) => format!("telefon:{p}"),
            (None, None, None) => {
                return Err(at.err(
                    "email",
                    "angiv mindst én af e-mail, telefon eller login, så forælderen kan genkendes",
                ));
            }
        };
        let record = GuardianRecord {
            key: key.clone(),
            name,
            email,
            phone,
            login,
        };
        let index = match by_key.get(&key) {
            Some((index, first)) => {
                let earlier = &guardians[*index];
                if (earlier.name.as_str(), &earlier.email, &earlier.phone)
                    != (record.name.as_str(), &record.email, &record.phone)
                {
                    return Err(at.err(
                        "name",
                        format!("samme forælder står med et andet navn eller en anden kontakt i linje {first}"),
                    ));
                }
                *index
            }
            None => {
                by_key.insert(key, (guardians.len(), line));
                guardians.push(record);
                guardians.len() - 1
            }
        };
        let c = *child_index.entry(child_id).or_insert_with(|| {
            children.push(ChildGuardians {
                child_id,
                guardians: Vec::new(),
            });
            children.len() - 1
        });
        if children[c].guardians.iter().any(|(g, _)| *g == index) {
            return Err(at.err("pupil_id", format!("forælderen står allerede for eleven «{pupil}»")));
        }
        children[c].guardians.push((index, custody));
    }
    if summary.rows == 0 {
        return Err(ImportError::File {
            file: file.name,
            message: "filen har ingen rækker under overskriften".into(),
        });
    }
    summary.pupils = children.len();
    summary.changes = store
        .import_guardians(municipality_id, &guardians, &children, audit)
        .await?;
    Ok(summary)
}

/// A Danish phone number as digits (a leading + kept), or none.
fn phone(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let plus = value.starts_with('+');
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'));
    if !allowed || !(8..=15).contains(&digits.len()) {
        return Err(format!("«{value}» er ikke et telefonnummer (8 cifre, evt. med +45)"));
    }
    Ok(Some(if plus { format!("+{digits}") } else { digits }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_kept_as_digits() {
        assert_eq!(phone("12 34 56 78"), Ok(Some("12345678".into())));
        assert_eq!(phone("+45 1234-5678"), Ok(Some("+4512345678".into())));
        assert_eq!(phone(""), Ok(None));
        assert!(phone("1234").is_err());
        assert!(phone("ring til mor").is_err());
    }
}
