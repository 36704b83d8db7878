//! `trivsel import absence`: absence registrations from a school system.
//!
//! Columns: pupil_id, date, slot, code (P, S, L, U, F or T). For the same (pupil, date, slot)
//! the later row in the file wins, and a stored registration is replaced (its old value kept
//! in the history). Afterwards the affected pupils' alerts for the current school year are
//! brought up to date.

use std::fmt;
use std::path::Path;

use trivsel_domain::NaiveDate;
use trivsel_domain::absence::Code;
use trivsel_domain::validate;
use trivsel_store::{AuditEntry, Registration, Store};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

const COLUMNS: [&str; 4] = ["pupil_id", "date", "slot", "code"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AbsenceSummary {
    pub rows: u64,
    pub pupils: usize,
    pub created: u64,
    pub replaced: u64,
    pub unchanged: u64,
    pub alerts_opened: u64,
}

impl fmt::Display for AbsenceSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rækker læst for {} elever; oprettet: {} registreringer; erstattet: {}; uændret: {}; nye advarsler: {}",
            self.rows, self.pupils, self.created, self.replaced, self.unchanged, self.alerts_opened
        )
    }
}

/// Reads, validates and stores an absence file; all or nothing. `audit` names who imports;
/// `today` decides the school year whose alerts are refreshed.
pub async fn import_absence(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    audit: &AuditEntry,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<AbsenceSummary, ImportError> {
    let mut file = CsvFile::open(path, &COLUMNS, progress)?;
    let children = store.child_ids(municipality_id).await?;
    let no_school = store.children_without_school(municipality_id).await?;
    let mut rows: Vec<Registration> = Vec::new();
    let mut summary = AbsenceSummary::default();
    // Dates repeat: parse each distinct text once.
    let mut last_date: (String, Option<NaiveDate>) = (String::new(), None);
    while let Some(line) = file.next_row()? {
        summary.rows += 1;
        if summary.rows % 100_000 == 0 {
            progress.bytes_read(file.bytes_read());
        }
        let at = At { file: &file.name, line };
        let pupil = file.get(0);
        let child_id = *children.get(pupil).ok_or_else(|| {
            at.err(
                "pupil_id",
                format!("eleven «{pupil}» findes ikke; importér elevlisten først"),
            )
        })?;
        if no_school.contains(&child_id) {
            return Err(at.err(
                "pupil_id",
                format!("«{pupil}» går ikke i skole (dagtilbud eller ingen indskrivning); der registreres ikke fravær"),
            ));
        }
        let date_text = file.get(1);
        let date = match last_date {
            (ref text, Some(d)) if text == date_text => d,
            _ => {
                let d = validate::parse_date(date_text)
                    .and_then(|d| validate::absence_date(d, today))
                    .map_err(|m| at.err("date", m))?;
                last_date = (date_text.to_string(), Some(d));
                d
            }
        };
        let slot = file
            .get(2)
            .parse::<u8>()
            .ok()
            .filter(|s| (1..=12).contains(s))
            .ok_or_else(|| {
                at.err(
                    "slot",
                    format!("«{}» er ikke et registreringsnummer fra 1 til 12", file.get(2)),
                )
            })?;
        let code = Code::parse(file.get(3)).map_err(|m| at.err("code", m))?;
        rows.push(Registration {
            child_id,
            date,
            slot,
            code,
        });
    }
    progress.bytes_read(file.bytes_read());
    if summary.rows == 0 {
        return Err(ImportError::File {
            file: file.name,
            message: "filen har ingen rækker under overskriften".into(),
        });
    }
    // The later row for the same key wins: a stable sort keeps file order within a key.
    rows.sort_by_key(|r| (r.child_id, r.date, r.slot));
    let mut unique: Vec<Registration> = Vec::with_capacity(rows.len());
    for r in rows {
        match unique.last_mut() {
            Some(last) if (last.child_id, last.date, last.slot) == (r.child_id, r.date, r.slot) => *last = r,
            _ => unique.push(r),
        }
    }
    let mut pupils: Vec<i64> = unique.iter().map(|r| r.child_id).collect();
    pupils.dedup();
    summary.pupils = pupils.len();
    let audits: Vec<AuditEntry> = pupils
        .iter()
        .map(|id| AuditEntry {
            child_id: Some(*id),
            action: "absence.import".into(),
            criterion: Some(file.name.clone()),
            ..audit.clone()
        })
        .collect();
    progress.stage("Gemmer");
    let history_before = store.absence_history_count(municipality_id).await?;
    let changed = store
        .save_registrations(municipality_id, &unique, None, chrono::Utc::now(), &audits)
        .await?;
    summary.replaced = (store.absence_history_count(municipality_id).await? - history_before) as u64;
    summary.created = changed - summary.replaced;
    summary.unchanged = unique.len() as u64 - changed;
    progress.stage("Opdaterer advarsler");
    summary.alerts_opened = store.refresh_alerts(municipality_id, &pupils, today).await?.0;
    Ok(summary)
}
