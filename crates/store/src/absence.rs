//! Absence registrations (fraværsregistreringer) and alerts (advarsler). Loading gathers what
//! the rules engine (`trivsel_domain::absence`) needs; the rules themselves live there.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use trivsel_domain::absence::overview::Summary;
use trivsel_domain::absence::{Code, Quarter, Rule, Thresholds, events, quarter_report, rules_holding};
use trivsel_domain::calendar::{EnrolmentPeriod, SchoolCalendar};

use crate::audit::append_audits;
use crate::{AuditEntry, Result, Store, WriteTx, with_pool};

/// One registration to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registration {
    pub child_id: i64,
    pub date: NaiveDate,
    pub slot: u8,
    pub code: Code,
}

/// One pupil's enrolments (by institution id) and registrations, in stored order.
#[derive(Debug, Clone, Default)]
pub struct PupilAbsence {
    pub enrolments: Vec<EnrolmentPeriod<i64>>,
    pub registrations: Vec<(NaiveDate, u8, Code)>,
}

/// What the rules need for a set of pupils: their enrolments and registrations, and every
/// school's calendar.
#[derive(Debug, Clone, Default)]
pub struct AbsenceData {
    pub pupils: BTreeMap<i64, PupilAbsence>,
    pub calendars: HashMap<i64, SchoolCalendar>,
    /// Child id → source-system id.
    pub source_ids: HashMap<i64, String>,
    /// Institution id → code.
    pub institution_codes: HashMap<i64, String>,
}

/// A rule trigger for a pupil, with the school the pupil attended that day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AbsenceEvent {
    pub date: NaiveDate,
    pub child_id: i64,
    pub rule: Rule,
    pub institution_id: i64,
}

/// A line of the quarterly unlawful-absence report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterLine {
    pub child_id: i64,
    pub institution_id: i64,
    /// Share rounded half-up to 4 decimals, e.g. `0.1667`.
    pub share: String,
}

pub(crate) static EMPTY: SchoolCalendar = SchoolCalendar {
    holidays: std::collections::BTreeSet::new(),
};

impl AbsenceData {
    /// The calendar of a school (no holidays if none were imported).
    pub fn calendar(&self, institution: &i64) -> &SchoolCalendar {
        self.calendars.get(institution).unwrap_or(&EMPTY)
    }

    /// Trigger events dated from `from` to `to` (history from each school year's start counts).
    /// A large municipality's pupils are evaluated on every core, in contiguous ranges.
    pub fn events(&self, thresholds: &Thresholds, from: NaiveDate, to: NaiveDate) -> Vec<AbsenceEvent> {
        let pupils: Vec<(&i64, &PupilAbsence)> = self.pupils.iter().collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut out = if pupils.len() < 2_000 || threads == 1 {
            self.events_of(&pupils, thresholds, from, to)
        } else {
            let chunk = pupils.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let parts: Vec<_> = pupils
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || self.events_of(part, thresholds, from, to)))
                    .collect();
                parts
                    .into_iter()
                    .flat_map(|h| h.join().expect("evaluation thread"))
                    .collect()
            })
        };
        out.sort();
        out
    }

    fn events_of(
        &self,
        pupils: &[(&i64, &PupilAbsence)],
        thresholds: &Thresholds,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<AbsenceEvent> {
        let mut out = Vec::new();
        for (child_id, p) in pupils {
            for (date, rule) in events(
                &p.enrolments,
                |s| self.calendar(s),
                &p.registrations,
                thresholds,
                from,
                to,
            ) {
                let institution_id = p.enrolments.iter().find(|e| e.contains(date)).map_or(0, |e| e.school);
                out.push(AbsenceEvent {
                    date,
                    child_id: **child_id,
                    rule,
                    institution_id,
                });
            }
        }
        out
    }

    /// The rules that hold for a pupil on its last school day up to `on`.
    pub fn rules_holding(&self, child_id: i64, thresholds: &Thresholds, on: NaiveDate) -> Vec<Rule> {
        self.pupils
            .get(&child_id)
            .map(|p| rules_holding(&p.enrolments, |s| self.calendar(s), &p.registrations, thresholds, on))
            .unwrap_or_default()
    }

    /// A pupil's school days from `first` to `last` with the codes in force on each (for a
    /// (date, slot) the last stored registration counts), in slot order.
    pub fn school_days(&self, child_id: i64, first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, Vec<Code>)> {
        let Some(p) = self.pupils.get(&child_id) else {
            return Vec::new();
        };
        let mut by_day: BTreeMap<NaiveDate, BTreeMap<u8, Code>> = BTreeMap::new();
        for (date, slot, code) in &p.registrations {
            by_day.entry(*date).or_default().insert(*slot, *code);
        }
        trivsel_domain::calendar::pupil_school_days(&p.enrolments, |s| self.calendar(s), first, last)
            .into_iter()
            .map(|d| {
                (
                    d,
                    by_day
                        .get(&d)
                        .map(|slots| slots.values().copied().collect())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    /// A pupil's school days from `first` to `last` summed for the overviews: the same days and
    /// codes as [`AbsenceData::school_days`], without building them.
    pub fn summary(&self, child_id: i64, first: NaiveDate, last: NaiveDate) -> Summary {
        match self.pupils.get(&child_id) {
            Some(p) => summarize(&p.enrolments, |s| self.calendar(s), &p.registrations, first, last),
            None => Summary::pupil(first),
        }
    }

    /// Pupils at or above 15 % unlawful absence in the quarter.
    pub fn quarter_report(&self, quarter: Quarter) -> Vec<QuarterLine> {
        self.pupils
            .iter()
            .filter_map(|(child_id, p)| {
                let share = quarter_report(&p.enrolments, |s| self.calendar(s), &p.registrations, quarter)?;
                Some(QuarterLine {
                    child_id: *child_id,
                    institution_id: share.school,
                    share: share.share_text(),
                })
            })
            .collect()
    }
}

/// A pupil's school days from `first` to `last` (as [`AbsenceData::school_days`] finds them)
/// summed for the overviews, in one pass over the registrations.
pub(crate) fn summarize<'c>(
    enrolments: &'c [EnrolmentPeriod<i64>],
    calendar_of: impl Fn(&i64) -> &'c SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    first: NaiveDate,
    last: NaiveDate,
) -> Summary {
    let mut summary = Summary::pupil(first);
    // Decoded rows are by date and slot within a school year, the years in any order.
    let mut sorted = Vec::new();
    let regs = if registrations.is_sorted_by_key(|r| r.0) {
        registrations
    } else {
        sorted.extend_from_slice(registrations);
        sorted.sort_by_key(|r| (r.0, r.1));
        &sorted
    };
    let mut i = 0;
    let mut codes = Vec::new();
    for day in trivsel_domain::calendar::pupil_school_days(enrolments, calendar_of, first, last) {
        while regs.get(i).is_some_and(|r| r.0 < day) {
            i += 1;
        }
        codes.clear();
        while let Some(r) = regs.get(i).filter(|r| r.0 == day) {
            codes.push(r.2);
            i += 1;
        }
        summary.add_day(day, &codes);
    }
    summary
}

/// Appends ` AND column IN (ids…)` when `ids` is given.
pub(crate) fn push_in<DB: sqlx::Database, T>(q: &mut QueryBuilder<DB>, column: &str, values: Option<&[T]>)
where
    T: Copy + 'static + Send,
    for<'t> T: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    if let Some(values) = values {
        q.push(format!(" AND {column} IN ("));
        let mut list = q.separated(", ");
        for value in values {
            list.push_bind(*value);
        }
        list.push_unseparated(")");
    }
}

/// Enrolments, and registrations and holidays from `$from` to `$to`, of the municipality,
/// read through `$conn` (a pool, or `&mut *tx` inside a transaction). Calendars outside the
/// range are not loaded: every use asks about dates inside it.
macro_rules! load_absence {
    ($conn:expr, $municipality:expr, $children:expr, $from:expr, $to:expr) => {{
        let municipality_id: i64 = $municipality;
        let children: Option<&[i64]> = $children;
        let mut q = QueryBuilder::new(
            "SELECT e.child_id, c.institution_id, e.enrolled_from, e.enrolled_to FROM enrolments e \
             JOIN classes c ON c.id = e.class_id WHERE e.municipality_id = ",
        );
        q.push_bind(municipality_id);
        $crate::absence::push_in(&mut q, "e.child_id", children);
        q.push(" ORDER BY e.child_id, e.enrolled_from");
        let enrolments: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = q.build_query_as().fetch_all($conn).await?;
        let (from, to): (NaiveDate, NaiveDate) = ($from, $to);
        // Named pupils are found by the primary key; only the whole municipality by its index
        // (SQLite would otherwise scan the municipality's rows for a roll call's few pupils).
        let mut q = QueryBuilder::new("SELECT child_id, school_year, slots, codes FROM absence_years WHERE ");
        if children.is_none() {
            q.push("municipality_id = ").push_bind(municipality_id).push(" AND ");
        }
        q.push("school_year >= ")
            .push_bind(trivsel_domain::calendar::SchoolYear::of(from).0)
            .push(" AND school_year <= ")
            .push_bind(trivsel_domain::calendar::SchoolYear::of(to).0);
        $crate::absence::push_in(&mut q, "child_id", children);
        let years: Vec<(i64, i32, i32, Vec<u8>)> = q.build_query_as().fetch_all($conn).await?;
        let holidays: Vec<(i64, NaiveDate)> = sqlx::query_as(
            "SELECT institution_id, holiday_date FROM school_holidays WHERE municipality_id = $1 \
             AND holiday_date >= $2 AND holiday_date <= $3",
        )
        .bind(municipality_id)
        .bind(from)
        .bind(to)
        .fetch_all($conn)
        .await?;
        $crate::absence::AbsenceRows {
            enrolments,
            years,
            range: (from, to),
            holidays,
        }
    }};
}
pub(crate) use load_absence;

/// Rows as `load_absence!` reads them.
pub(crate) struct AbsenceRows {
    pub enrolments: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)>,
    /// School-year rows (child, school year, slots, codes), decoded within `range`.
    pub years: Vec<(i64, i32, i32, Vec<u8>)>,
    pub range: (NaiveDate, NaiveDate),
    pub holidays: Vec<(i64, NaiveDate)>,
}

impl AbsenceData {
    pub(crate) fn from_rows(rows: AbsenceRows) -> AbsenceData {
        let mut data = AbsenceData::default();
        for (child_id, institution_id, from, to) in rows.enrolments {
            let p = data.pupils.entry(child_id).or_default();
            p.enrolments.push(EnrolmentPeriod {
                school: institution_id,
                from,
                to,
            });
        }
        let (from, to) = rows.range;
        for (child_id, year, slots, codes) in rows.years {
            let p = data.pupils.entry(child_id).or_default();
            crate::absence_years::decode_into(year, slots, codes, from, to, &mut p.registrations);
        }
        for (institution_id, date) in rows.holidays {
            data.calendars.entry(institution_id).or_default().holidays.insert(date);
        }
        data
    }
}

impl Store {
    /// Stores registrations in one transaction with their audit rows. A registration for an
    /// existing (pupil, date, slot) replaces it; the old value goes to the history. Saving the
    /// same codes again changes nothing. Returns how many registrations were new or changed.
    /// Saves registrations in bulk (an import) in one transaction, marking the pupils for
    /// alert re-evaluation (`Store::refresh_alerts` clears the mark).
    pub async fn save_registrations(
        &self,
        municipality_id: i64,
        registrations: &[Registration],
        by: Option<i64>,
        now: DateTime<Utc>,
        audit: &[AuditEntry],
    ) -> Result<u64> {
        let backend = self.backend();
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let (applied, _) = crate::absence_years::write_registrations_in!(
                tx,
                backend,
                municipality_id,
                &[(registrations, by, now)]
            );
            // The pupils' alerts are refreshed after this commit (`Store::refresh_alerts`);
            // the mark makes sure a crash in between is completed at the next start.
            let mut pupils: Vec<i64> = registrations.iter().map(|r| r.child_id).collect();
            pupils.sort_unstable();
            pupils.dedup();
            for chunk in pupils.chunks(crate::BATCH) {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO alert_reevaluation (municipality_id, child_id) ");
                q.push_values(chunk, |mut b, child| {
                    b.push_bind(municipality_id).push_bind(*child);
                });
                q.push(" ON CONFLICT DO NOTHING");
                q.build().execute(&mut *tx).await?;
            }
            append_audits!(tx, audit);
            tx.commit().await?;
            applied.per_batch[0].0
        }))
    }

    /// The registrations of a class's pupils on one date, by slot.
    pub async fn class_registrations(
        &self,
        class_id: i64,
        date: NaiveDate,
    ) -> Result<BTreeMap<u8, HashMap<i64, Code>>> {
        let (year, day) = crate::absence_years::year_day(date);
        let rows: Vec<(i64, i32, Vec<u8>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT y.child_id, y.slots, y.codes FROM absence_years y JOIN enrolments e ON e.child_id = y.child_id \
                 WHERE e.class_id = $1 AND e.enrolled_from <= $2 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2) \
                 AND y.school_year = $3",
            )
            .bind(class_id)
            .bind(date)
            .bind(year.0)
            .fetch_all(pool)
            .await?
        });
        let mut slots: BTreeMap<u8, HashMap<i64, Code>> = BTreeMap::new();
        for (id, width, codes) in rows {
            for (slot, code) in crate::absence_years::YearCodes::from_stored(width, codes).day(day) {
                slots.entry(slot).or_default().insert(id, code);
            }
        }
        Ok(slots)
    }

    /// For each class: how many pupils are enrolled on `date` and how many have at least one
    /// registration that day.
    pub async fn class_registration_counts(
        &self,
        class_ids: &[i64],
        date: NaiveDate,
    ) -> Result<HashMap<i64, (i64, i64)>> {
        if class_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let (year, day) = crate::absence_years::year_day(date);
        let rows: Vec<(i64, Option<i32>, Option<Vec<u8>>)> = with_pool!(self, |pool| {
            let mut q = QueryBuilder::new(
                "SELECT e.class_id, y.slots, y.codes FROM enrolments e LEFT JOIN absence_years y \
                 ON y.child_id = e.child_id AND y.school_year = ",
            );
            q.push_bind(year.0).push(" WHERE e.enrolled_from <= ").push_bind(date);
            q.push(" AND (e.enrolled_to IS NULL OR e.enrolled_to >= ")
                .push_bind(date)
                .push(")");
            push_in(&mut q, "e.class_id", Some(class_ids));
            q.build_query_as().fetch_all(pool).await?
        });
        let mut counts: HashMap<i64, (i64, i64)> = HashMap::new();
        for (class, width, codes) in rows {
            let registered = match (width, codes) {
                (Some(w), Some(c)) => crate::absence_years::YearCodes::from_stored(w, c)
                    .day(day)
                    .next()
                    .is_some(),
                _ => false,
            };
            let entry = counts.entry(class).or_default();
            entry.0 += 1;
            entry.1 += i64::from(registered);
        }
        Ok(counts)
    }

    /// Number of replaced registrations ever recorded in the municipality (for import summaries).
    pub async fn absence_history_count(&self, municipality_id: i64) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM absence_history WHERE municipality_id = $1")
                .bind(municipality_id)
                .fetch_one(pool)
                .await?
        }))
    }

    /// A registration's history: (date, slot, old code, new code, changed by user id, when).
    pub async fn absence_history(
        &self,
        child_id: i64,
    ) -> Result<Vec<(NaiveDate, i32, String, String, Option<i64>, DateTime<Utc>)>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT reg_date, slot, old_code, new_code, changed_by, changed_at FROM absence_history \
                 WHERE child_id = $1 ORDER BY changed_at, id",
            )
            .bind(child_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Loads enrolments and registrations from `from` to `to` for the given children (all of
    /// the municipality's when `None`), with every school calendar.
    pub async fn absence_data(
        &self,
        municipality_id: i64,
        children: Option<&[i64]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<AbsenceData> {
        let (rows, children_rows) = with_pool!(self, |pool| {
            let rows = load_absence!(pool, municipality_id, children, from, to);
            let mut q = QueryBuilder::new("SELECT id, source_id FROM children WHERE municipality_id = ");
            q.push_bind(municipality_id);
            push_in(&mut q, "id", children);
            let children_rows: Vec<(i64, String)> = q.build_query_as().fetch_all(pool).await?;
            (rows, children_rows)
        });
        let mut data = AbsenceData::from_rows(rows);
        data.source_ids = children_rows.into_iter().collect();
        data.institution_codes = self
            .institutions(municipality_id)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect();
        Ok(data)
    }
}
