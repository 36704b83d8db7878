//! Fraværsregistreringer lagret pr. elev og skoleår (registrations stored per pupil and school
//! year): one row holds a pupil's whole school year as bytes, day × slot, in the order the
//! rule engine reads them. Byte `0` is «not registered», any other byte the code's letter
//! (`P S L U F T`). The row is as wide as the highest slot registered that year and as long as
//! the last day registered; it grows when a later day or a higher slot is written.
//!
//! Every write reads the rows it changes, applies the registrations in order, writes a history
//! row for each replaced code (who, when, old and new) and stores the changed rows, all in the
//! caller's transaction; on PostgreSQL the rows are locked (`FOR UPDATE`) first, so two
//! servers cannot lose each other's changes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::absence::Code;
use trivsel_domain::calendar::SchoolYear;

use crate::Registration;

/// Days in the longest school year (1 August to 31 July in a leap year).
const YEAR_DAYS: usize = 366;

/// One pupil's codes in one school year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YearCodes {
    slots: u8,
    codes: Vec<u8>,
}

impl YearCodes {
    /// An empty year with room for `slots` registrations a day.
    pub(crate) fn new(slots: u8) -> Self {
        YearCodes {
            slots: slots.max(1),
            codes: Vec::new(),
        }
    }

    /// A stored row; an unreadable width or length yields what can be read.
    pub(crate) fn from_stored(slots: i32, codes: Vec<u8>) -> Self {
        let slots = u8::try_from(slots).unwrap_or(1).clamp(1, 12);
        YearCodes { slots, codes }
    }

    pub(crate) fn slots(&self) -> i32 {
        i32::from(self.slots)
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.codes
    }

    fn index(&self, day: usize, slot: u8) -> usize {
        day * usize::from(self.slots) + usize::from(slot - 1)
    }

    /// The code of `slot` (1-based) on the `day`th day of the school year.
    pub(crate) fn get(&self, day: usize, slot: u8) -> Option<Code> {
        if slot == 0 || slot > self.slots {
            return None;
        }
        let b = *self.codes.get(self.index(day, slot))?;
        (b != 0).then(|| Code::from_char(char::from(b))).flatten()
    }

    /// Sets a code, widening the row for a higher slot; returns the code it replaced.
    pub(crate) fn set(&mut self, day: usize, slot: u8, code: Code) -> Option<Code> {
        debug_assert!(day < YEAR_DAYS && (1..=12).contains(&slot));
        if slot > self.slots {
            let mut wider = YearCodes::new(slot);
            for (d, s, c) in self.entries() {
                wider.set(d, s, c);
            }
            *self = wider;
        }
        let old = self.get(day, slot);
        let i = self.index(day, slot);
        if self.codes.len() <= i {
            self.codes.resize((day + 1) * usize::from(self.slots), 0);
        }
        self.codes[i] = code.as_char() as u8;
        old
    }

    /// Every registration: (day of the school year, slot, code), by day and slot.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (usize, u8, Code)> + '_ {
        let slots = usize::from(self.slots);
        self.codes.iter().enumerate().filter_map(move |(i, b)| {
            let code = (*b != 0).then(|| Code::from_char(char::from(*b))).flatten()?;
            Some((i / slots, (i % slots) as u8 + 1, code))
        })
    }

    /// The registrations of one day: (slot, code).
    pub(crate) fn day(&self, day: usize) -> impl Iterator<Item = (u8, Code)> + '_ {
        (1..=self.slots).filter_map(move |slot| Some((slot, self.get(day, slot)?)))
    }
}

/// The school year of a date and the date's day within it.
pub(crate) fn year_day(date: NaiveDate) -> (SchoolYear, usize) {
    let year = SchoolYear::of(date);
    (year, (date - year.first_day()).num_days() as usize)
}

/// A school year's row key.
pub(crate) type YearKey = (i64, i32);

/// A code replaced by a write, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Replaced {
    pub child_id: i64,
    pub date: NaiveDate,
    pub slot: u8,
    pub old: Code,
    pub new: Code,
    pub by: Option<i64>,
    pub at: DateTime<Utc>,
}

/// The effect of applying registrations to the stored years.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// The rows that changed.
    pub changed_years: BTreeSet<YearKey>,
    /// Per batch of registrations (a roll call): how many were new or changed, and the pupils
    /// they were for.
    pub per_batch: Vec<(u64, BTreeSet<i64>)>,
    pub replaced: Vec<Replaced>,
}

/// Applies each batch's registrations in order to `years` (the stored rows of every pupil and
/// school year they touch; missing rows are created): a later registration of the same pupil,
/// date and slot wins, and the same code again changes nothing.
pub(crate) fn apply(
    years: &mut BTreeMap<YearKey, YearCodes>,
    batches: &[(&[Registration], Option<i64>, DateTime<Utc>)],
) -> Applied {
    let mut applied = Applied::default();
    for (registrations, by, at) in batches {
        let mut count = 0;
        let mut pupils = BTreeSet::new();
        for r in registrations.iter() {
            let (year, day) = year_day(r.date);
            let key = (r.child_id, year.0);
            let row = years.entry(key).or_insert_with(|| YearCodes::new(r.slot));
            let old = row.get(day, r.slot);
            if old == Some(r.code) {
                continue;
            }
            row.set(day, r.slot, r.code);
            count += 1;
            pupils.insert(r.child_id);
            applied.changed_years.insert(key);
            if let Some(old) = old {
                applied.replaced.push(Replaced {
                    child_id: r.child_id,
                    date: r.date,
                    slot: r.slot,
                    old,
                    new: r.code,
                    by: *by,
                    at: *at,
                });
            }
        }
        applied.per_batch.push((count, pupils));
    }
    applied
}

/// The rows `registrations` touch.
pub(crate) fn keys<'r>(registrations: impl Iterator<Item = &'r Registration>) -> BTreeSet<YearKey> {
    registrations.map(|r| (r.child_id, year_day(r.date).0.0)).collect()
}

/// The multi-row insert of school-year rows (key, municipality, codes) written at `version` of
/// the municipality's registrations (see `absence_summaries`): a row already stored is replaced
/// when `replace`, else left as it is.
pub(crate) fn insert_years<'y, DB: sqlx::Database>(
    rows: impl IntoIterator<Item = (YearKey, i64, &'y YearCodes)>,
    version: i64,
    replace: bool,
) -> sqlx::QueryBuilder<DB>
where
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> i32: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Vec<u8>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut q = sqlx::QueryBuilder::new(
        "INSERT INTO absence_years (child_id, school_year, municipality_id, slots, codes, version) ",
    );
    q.push_values(rows, |mut row, ((child, year), municipality_id, y)| {
        row.push_bind(child)
            .push_bind(year)
            .push_bind(municipality_id)
            .push_bind(y.slots())
            .push_bind(y.bytes().to_vec())
            .push_bind(version);
    });
    q.push(if replace {
        " ON CONFLICT (child_id, school_year) DO UPDATE SET slots = excluded.slots, codes = excluded.codes, \
         version = excluded.version"
    } else {
        " ON CONFLICT (child_id, school_year) DO NOTHING"
    });
    q
}

/// Inside the write transaction `$tx`: applies `$batches` (each a roll call or a file's
/// registrations with who and when) to the rows of municipality `$municipality`, stores the
/// changed rows and the history of every replaced code, and evaluates to the [`Applied`] with
/// the rows as they now are. On PostgreSQL the rows are created empty if missing and locked
/// before they are read.
macro_rules! write_registrations_in {
    ($tx:expr, $backend:expr, $municipality:expr, $batches:expr) => {{
        let (municipality_id, batches): (
            i64,
            &[(&[$crate::Registration], Option<i64>, chrono::DateTime<chrono::Utc>)],
        ) = ($municipality, $batches);
        let keys: Vec<$crate::absence_years::YearKey> =
            $crate::absence_years::keys(batches.iter().flat_map(|b| b.0.iter()))
                .into_iter()
                .collect();
        let mut years = std::collections::BTreeMap::new();
        for chunk in keys.chunks($crate::BATCH) {
            if $backend == $crate::Backend::Postgres {
                let empty = $crate::absence_years::YearCodes::new(1);
                $crate::absence_years::insert_years(chunk.iter().map(|k| (*k, municipality_id, &empty)), 0, false)
                    .build()
                    .execute(&mut *$tx)
                    .await?;
            }
            let children: Vec<i64> = chunk
                .iter()
                .map(|k| k.0)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let school_years: Vec<i32> = chunk
                .iter()
                .map(|k| k.1)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut q =
                sqlx::QueryBuilder::new("SELECT child_id, school_year, slots, codes FROM absence_years WHERE 1 = 1");
            $crate::absence::push_in(&mut q, "child_id", Some(&children));
            $crate::absence::push_in(&mut q, "school_year", Some(&school_years));
            if $backend == $crate::Backend::Postgres {
                q.push(" FOR UPDATE");
            }
            let rows: Vec<(i64, i32, i32, Vec<u8>)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            for (child, year, slots, codes) in rows {
                years.insert(
                    (child, year),
                    $crate::absence_years::YearCodes::from_stored(slots, codes),
                );
            }
        }
        let applied = $crate::absence_years::apply(&mut years, batches);
        let changed: Vec<_> = applied.changed_years.iter().collect();
        let version = if changed.is_empty() {
            0
        } else {
            $crate::absence_summaries::raise_version_in!($tx, municipality_id, "registrations")
        };
        for chunk in changed.chunks($crate::BATCH) {
            $crate::absence_years::insert_years(
                chunk.iter().map(|k| (**k, municipality_id, &years[*k])),
                version,
                true,
            )
            .build()
            .execute(&mut *$tx)
            .await?;
        }
        for chunk in applied.replaced.chunks($crate::BATCH) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO absence_history (municipality_id, child_id, reg_date, slot, old_code, new_code, \
                 changed_by, changed_at) ",
            );
            q.push_values(chunk, |mut row, r| {
                row.push_bind(municipality_id)
                    .push_bind(r.child_id)
                    .push_bind(r.date)
                    .push_bind(i32::from(r.slot))
                    .push_bind(r.old.as_char().to_string())
                    .push_bind(r.new.as_char().to_string())
                    .push_bind(r.by)
                    .push_bind(r.at);
            });
            q.build().execute(&mut *$tx).await?;
        }
        (applied, years)
    }};
}
pub(crate) use write_registrations_in;

/// Whether the pupil has a U on `date` in `years`.
pub(crate) fn has_unlawful(years: &BTreeMap<YearKey, YearCodes>, child_id: i64, date: NaiveDate) -> bool {
    let (year, day) = year_day(date);
    years
        .get(&(child_id, year.0))
        .is_some_and(|y| y.day(day).any(|(_, c)| c == Code::Unlawful))
}

/// Appends a stored row's registrations from `from` to `to` to `out`, by date and slot.
pub(crate) fn decode_into(
    year: i32,
    slots: i32,
    codes: Vec<u8>,
    from: NaiveDate,
    to: NaiveDate,
    out: &mut Vec<(NaiveDate, u8, Code)>,
) {
    let first = SchoolYear(year).first_day();
    let y = YearCodes::from_stored(slots, codes);
    let mut day_date = (usize::MAX, first);
    for (day, slot, code) in y.entries() {
        if day != day_date.0 {
            day_date = (day, first + chrono::Days::new(day as u64));
        }
        let date = day_date.1;
        if date >= from && date <= to {
            out.push((date, slot, code));
        }
    }
}

/// Progress of a long conversion: (done, total).
pub type MigrationProgress<'a> = &'a (dyn Fn(u64, u64) + Sync);

impl crate::Store {
    /// Converts the registrations of the row-per-registration table (before migration 21) into
    /// school-year rows and drops the old table, in one transaction, so an interrupted
    /// conversion leaves the database as it was and runs again at the next start. Reports
    /// progress in registrations. Returns how many were converted (none once done).
    pub(crate) async fn convert_registration_rows(&self, progress: MigrationProgress<'_>) -> crate::Result<u64> {
        let backend = self.backend();
        let exists_sql = match backend {
            crate::Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'absence_registrations'"
            }
            crate::Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'absence_registrations' \
                 AND table_schema = current_schema()"
            }
        };
        Ok(crate::with_pool!(self, |pool| {
            let exists: i64 = sqlx::query_scalar(exists_sql).fetch_one(pool).await?;
            if exists == 0 {
                return Ok(0);
            }
            let mut tx = crate::WriteTx::begin_write(pool, self).await?;
            let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM absence_registrations")
                .fetch_one(&mut *tx)
                .await?;
            let total = total as u64;
            progress(0, total);
            let children: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT child_id, MIN(municipality_id) FROM absence_registrations GROUP BY child_id ORDER BY child_id",
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut done = 0;
            for chunk in children.chunks(crate::BATCH) {
                let ids: Vec<i64> = chunk.iter().map(|c| c.0).collect();
                let municipality: std::collections::HashMap<i64, i64> = chunk.iter().copied().collect();
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT child_id, reg_date, slot, code FROM absence_registrations WHERE 1 = 1",
                );
                crate::absence::push_in(&mut q, "child_id", Some(&ids));
                let rows: Vec<(i64, NaiveDate, i32, String)> = q.build_query_as().fetch_all(&mut *tx).await?;
                done += rows.len() as u64;
                let registrations: Vec<Registration> = rows
                    .into_iter()
                    .filter_map(|(child_id, date, slot, code)| {
                        Some(Registration {
                            child_id,
                            date,
                            slot: u8::try_from(slot).ok()?,
                            code: code.chars().next().and_then(Code::from_char)?,
                        })
                    })
                    .collect();
                let mut years = BTreeMap::new();
                apply(&mut years, &[(&registrations, None, chrono::Utc::now())]);
                let rows: Vec<_> = years.iter().collect();
                for part in rows.chunks(crate::BATCH) {
                    insert_years(part.iter().map(|(key, y)| (**key, municipality[&key.0], *y)), 0, true)
                        .build()
                        .execute(&mut *tx)
                        .await?;
                }
                progress(done, total);
            }
            sqlx::query("DROP TABLE absence_registrations")
                .execute(&mut *tx)
                .await?;
            if backend == crate::Backend::Postgres {
                sqlx::query("DROP FUNCTION IF EXISTS absence_history_on_replace()")
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            total
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn reg(child_id: i64, date: &str, slot: u8, code: Code) -> Registration {
        Registration {
            child_id,
            date: d(date),
            slot,
            code,
        }
    }

    #[test]
    fn a_year_holds_its_codes_by_day_and_slot_and_widens_for_a_higher_slot() {
        let mut y = YearCodes::new(2);
        assert_eq!(y.set(3, 2, Code::Sickness), None);
        assert_eq!(y.bytes().len(), 8, "as long as the last day written");
        assert_eq!(
            (y.get(3, 2), y.get(3, 1), y.get(200, 1)),
            (Some(Code::Sickness), None, None)
        );
        assert_eq!(y.set(3, 2, Code::Present), Some(Code::Sickness));
        y.set(0, 1, Code::Unlawful);
        y.set(5, 4, Code::Late);
        assert_eq!(y.slots(), 4);
        assert_eq!(
            y.entries().collect::<Vec<_>>(),
            [(0, 1, Code::Unlawful), (3, 2, Code::Present), (5, 4, Code::Late)]
        );
        assert_eq!(y.day(3).collect::<Vec<_>>(), [(2, Code::Present)]);
        let stored = YearCodes::from_stored(y.slots(), y.bytes().to_vec());
        assert_eq!(stored, y);
    }

    #[test]
    fn days_count_from_the_first_of_august_and_the_last_of_july_is_day_364_or_365() {
        assert_eq!(year_day(d("2024-08-01")), (SchoolYear(2024), 0));
        assert_eq!(year_day(d("2025-07-31")), (SchoolYear(2024), 364));
        assert_eq!(
            year_day(d("2024-07-31")),
            (SchoolYear(2023), 365),
            "2024 is a leap year"
        );
    }

    #[test]
    fn later_registrations_win_replacements_go_to_the_history_and_repeats_change_nothing() {
        let now = Utc::now();
        let mut years = BTreeMap::new();
        let first = [
            reg(1, "2024-10-07", 1, Code::Present),
            reg(2, "2024-10-07", 1, Code::Sickness),
        ];
        let second = [
            reg(1, "2024-10-07", 1, Code::Present),
            reg(2, "2024-10-07", 1, Code::Present),
        ];
        let next_year = [reg(1, "2025-08-11", 2, Code::Unlawful)];
        let applied = apply(
            &mut years,
            &[(&first, Some(7), now), (&second, Some(8), now), (&next_year, None, now)],
        );
        assert_eq!(applied.per_batch[0], (2, BTreeSet::from([1, 2])));
        assert_eq!(applied.per_batch[1], (1, BTreeSet::from([2])), "pupil 1 unchanged");
        assert_eq!(applied.per_batch[2].0, 1);
        assert_eq!(applied.replaced.len(), 1);
        let r = &applied.replaced[0];
        assert_eq!(
            (r.child_id, r.old, r.new, r.by),
            (2, Code::Sickness, Code::Present, Some(8))
        );
        assert_eq!(applied.changed_years, BTreeSet::from([(1, 2024), (2, 2024), (1, 2025)]));
        let again = apply(&mut years, &[(&second, None, now)]);
        assert!(again.changed_years.is_empty() && again.replaced.is_empty());
    }
}
