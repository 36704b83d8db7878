//! `trivsel import calendar`: school holidays per school.
//!
//! Columns: school, date, kind (`holiday`). The file is the full list of holidays for every
//! (school, school year) it mentions: dates stored for those and missing from the file are
//! removed, so a corrected file can be imported again.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use trivsel_domain::NaiveDate;
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::validate;
use trivsel_store::{HolidayChanges, Store};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

const COLUMNS: [&str; 3] = ["school", "date", "kind"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CalendarSummary {
    pub rows: u64,
    pub holidays_created: usize,
    pub holidays_removed: usize,
}

impl fmt::Display for CalendarSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rækker læst; oprettet: {} feriedage; fjernet: {} feriedage",
            self.rows, self.holidays_created, self.holidays_removed
        )
    }
}

pub async fn import_calendar(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    progress: &dyn Progress,
) -> Result<CalendarSummary, ImportError> {
    let mut file = CsvFile::open(path, &COLUMNS, progress)?;
    let schools: BTreeSet<String> = store
        .institutions(municipality_id)
        .await?
        .into_iter()
        .map(|i| i.code)
        .collect();
    let mut summary = CalendarSummary::default();
    let mut wanted: HashMap<(String, SchoolYear), BTreeSet<NaiveDate>> = HashMap::new();
    while let Some(line) = file.next_row()? {
        summary.rows += 1;
        if summary.rows % 10_000 == 0 {
            progress.bytes_read(file.bytes_read());
        }
        let at = At { file: &file.name, line };
        let school = validate::source_id(file.get(0)).map_err(|m| at.err("school", m))?;
        if !schools.contains(school) {
            return Err(at.err(
                "school",
                format!("skolen «{school}» findes ikke; importér elevlisten først"),
            ));
        }
        let date = validate::parse_date(file.get(1)).map_err(|m| at.err("date", m))?;
        if file.get(2) != "holiday" {
            return Err(at.err(
                "kind",
                format!("ukendt type «{}»; den eneste gyldige er «holiday»", file.get(2)),
            ));
        }
        wanted
            .entry((school.to_string(), SchoolYear::of(date)))
            .or_default()
            .insert(date);
    }
    progress.bytes_read(file.bytes_read());
    if summary.rows == 0 {
        return Err(ImportError::File {
            file: file.name,
            message: "filen har ingen rækker under overskriften".into(),
        });
    }

    let stored = store.school_holidays(municipality_id).await?;
    let mut changes = HolidayChanges::default();
    for ((school, year), dates) in &wanted {
        let empty = BTreeSet::new();
        let have: BTreeSet<NaiveDate> = stored
            .get(school)
            .unwrap_or(&empty)
            .iter()
            .copied()
            .filter(|d| SchoolYear::of(*d) == *year)
            .collect();
        changes
            .add
            .extend(dates.difference(&have).map(|d| (school.clone(), *d)));
        changes
            .remove
            .extend(have.difference(dates).map(|d| (school.clone(), *d)));
    }
    summary.holidays_created = changes.add.len();
    summary.holidays_removed = changes.remove.len();
    store.apply_holidays(municipality_id, &changes).await?;
    Ok(summary)
}
