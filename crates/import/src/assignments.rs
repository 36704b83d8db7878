//! `trivsel import assignments`: advisers' initial caseloads.
//!
//! Columns: pupil_id, username, reason, ends_on (may be empty; the last day the assignment
//! gives access, `ÅÅÅÅ-MM-DD`). `username` must be an adviser (ppr, socialraadgiver,
//! sundhedsplejerske, ssp, familieraadgiver) of the municipality. Importing an assignment again renews it with
//! the file's reason and end; assignments the file does not name are left as they are.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use trivsel_domain::NaiveDate;
use trivsel_store::{AuditEntry, NewAssignment, Store};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

const COLUMNS: [&str; 4] = ["pupil_id", "username", "reason", "ends_on"];
const MAX_REASON: usize = 500;

/// What an assignment import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AssignmentsSummary {
    pub rows: u64,
    pub stored: usize,
}

impl fmt::Display for AssignmentsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rækker læst; gemt: {} tilknytninger af rådgivere",
            self.rows, self.stored
        )
    }
}

/// Reads, validates and stores an assignment file; all or nothing. `audit` names who imports.
pub async fn import_assignments(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    audit: &AuditEntry,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<AssignmentsSummary, ImportError> {
    let mut file = CsvFile::open(path, &COLUMNS, progress)?;
    let pupils = store.child_ids(municipality_id).await?;
    let advisers: HashMap<String, i64> = store
        .users(municipality_id)
        .await?
        .into_iter()
        .filter(|u| u.role.is_adviser())
        .map(|u| (u.username, u.id))
        .collect();
    let mut summary = AssignmentsSummary::default();
    let mut seen: HashMap<(i64, i64), u64> = HashMap::new();
    let mut rows = Vec::new();
    let now = chrono::Utc::now();
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
        let username = file.get(1).to_lowercase();
        let user_id = *advisers.get(&username).ok_or_else(|| {
            at.err(
                "username",
                format!("«{username}» er ikke en rådgiver i kommunen (ppr, socialraadgiver, sundhedsplejerske, ssp, familieraadgiver)"),
            )
        })?;
        let reason = file.get(2).trim().to_string();
        if reason.is_empty() || reason.chars().count() > MAX_REASON {
            return Err(at.err("reason", format!("skal udfyldes, højst {MAX_REASON} tegn")));
        }
        let ends_on = match file.get(3) {
            "" => None,
            text => {
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|_| at.err("ends_on", format!("ugyldig dato «{text}» (ÅÅÅÅ-MM-DD)")))?;
                if date < today {
                    return Err(at.err("ends_on", format!("{text} er allerede passeret")));
                }
                Some(date)
            }
        };
        if let Some(first) = seen.insert((user_id, child_id), line) {
            return Err(at.err(
                "username",
                format!("«{username}» er allerede tilknyttet «{pupil}» i linje {first}"),
            ));
        }
        rows.push(NewAssignment {
            user_id,
            child_id,
            reason,
            ends_on,
            assigned_by: None,
            at: now,
        });
    }
    if summary.rows == 0 {
        return Err(ImportError::File {
            file: file.name,
            message: "filen har ingen rækker under overskriften".into(),
        });
    }
    store.assign_advisers(&rows, audit).await?;
    summary.stored = rows.len();
    Ok(summary)
}
