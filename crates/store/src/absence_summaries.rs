//! The overview cache (fraværsoverblik): each pupil's absence this school year summed
//! ([`Summary`]), kept in memory per municipality so that the municipal overview adds up
//! summaries instead of decoding every registration on each request; and the municipality's
//! quarterly report per quarter, kept the same way.
//!
//! Invalidation is exact and works across processes (an import run beside the server): every
//! write raises a version of the municipality in `absence_versions` in its own transaction —
//! `registrations` for a roll call, batch or import (each written `absence_years` row carries
//! that version), `structure` for the roster and the school holidays. A request reads the
//! versions first; newer registrations reread only the rows written since and sum those pupils
//! again (the quarter report: computes those pupils' lines again), a newer structure or a new
//! day sums everything again. Writers raise the version under
//! the row lock of `absence_versions` (PostgreSQL) or the single writer (SQLite), so once a
//! version is visible every earlier one is committed and no row is missed.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sqlx::QueryBuilder;
use trivsel_domain::absence::Quarter;
use trivsel_domain::absence::overview::Summary;
use trivsel_domain::calendar::{EnrolmentPeriod, SchoolCalendar, SchoolYear};

use crate::absence::{AbsenceData, AbsenceRows, load_absence, push_in};
use crate::{QuarterLine, Result, Store, with_pool};

/// More changed pupils than this are read with the whole municipality (and the list of ids
/// stays under SQLite's limit of bound parameters).
const CHANGED_PUPILS_READ_BY_ID: usize = 5_000;

/// Raises the municipality's version `$column` (`"registrations"` or `"structure"`) in the
/// write transaction `$tx`, evaluating to the new version.
macro_rules! raise_version_in {
    ($tx:expr, $municipality:expr, $column:literal) => {{
        let version: i64 = sqlx::query_scalar(concat!(
            "INSERT INTO absence_versions (municipality_id, ",
            $column,
            ") VALUES ($1, 1) ON CONFLICT (municipality_id) DO UPDATE SET ",
            $column,
            " = absence_versions.",
            $column,
            " + 1 RETURNING ",
            $column
        ))
        .bind($municipality)
        .fetch_one(&mut *$tx)
        .await?;
        version
    }};
}
pub(crate) use raise_version_in;

/// A pupil of the municipality as the overviews count it.
#[derive(Debug, Clone)]
pub struct PupilOverview {
    pub enrolments: Vec<EnrolmentPeriod<i64>>,
    /// School days from the school year's first day to `today`.
    pub summary: Summary,
}

/// Every pupil of a municipality with enrolments or registrations, summed up to `today`.
#[derive(Debug, Clone)]
pub struct OverviewData {
    pub first: NaiveDate,
    pub today: NaiveDate,
    pub pupils: HashMap<i64, PupilOverview>,
}

impl OverviewData {
    /// Each school's pupils enrolled there on `on`, summed (a pupil at two schools that day
    /// counts at both).
    pub fn summed_by_school(&self, on: NaiveDate) -> HashMap<i64, Summary> {
        let mut per_school: HashMap<i64, Summary> = HashMap::new();
        for p in self.pupils.values() {
            let mut schools: Vec<i64> = p
                .enrolments
                .iter()
                .filter(|e| e.contains(on))
                .map(|e| e.school)
                .collect();
            schools.sort_unstable();
            schools.dedup();
            for school in schools {
                per_school
                    .entry(school)
                    .or_insert_with(|| Summary::new(self.first))
                    .add(&p.summary);
            }
        }
        per_school
    }

    /// The pupils enrolled at `institution` on `today`.
    pub fn enrolled_at(&self, institution: i64) -> impl Iterator<Item = (&i64, &PupilOverview)> {
        let today = self.today;
        self.pupils.iter().filter(move |(_, p)| {
            p.enrolments
                .iter()
                .any(|e| e.school == institution && e.contains(today))
        })
    }
}

/// One municipality's cached overview with the versions it was summed at.
#[derive(Debug)]
pub(crate) struct Cached {
    registrations: i64,
    structure: i64,
    calendars: HashMap<i64, SchoolCalendar>,
    data: OverviewData,
}

/// The cache of every municipality asked for, behind one lock (a refresh is short, and two
/// requests must not both sum the municipality).
pub(crate) type OverviewCache = tokio::sync::Mutex<HashMap<i64, Cached>>;

/// A municipality's quarterly report with the versions it was computed at; lines by child.
#[derive(Debug)]
pub(crate) struct QuarterMemo {
    registrations: i64,
    structure: i64,
    lines: BTreeMap<i64, QuarterLine>,
}

/// The quarterly reports asked for, by (municipality, quarter).
pub(crate) type QuarterCache = tokio::sync::Mutex<HashMap<(i64, Quarter), QuarterMemo>>;

/// Every pupil of `all` summed from `first` to `last`.
fn summed_pupils(all: &AbsenceData, first: NaiveDate, last: NaiveDate) -> HashMap<i64, PupilOverview> {
    all.pupils
        .iter()
        .map(|(child, p)| {
            let summary = all.summary(*child, first, last);
            let enrolments = p.enrolments.clone();
            (*child, PupilOverview { enrolments, summary })
        })
        .collect()
}

impl Store {
    /// The municipality's (registrations, structure) versions.
    async fn absence_versions(&self, municipality_id: i64) -> Result<(i64, i64)> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as("SELECT registrations, structure FROM absence_versions WHERE municipality_id = $1")
                .bind(municipality_id)
                .fetch_optional(pool)
                .await?
                .unwrap_or((0, 0))
        }))
    }

    /// The municipality's quarterly report (every school's pupils at or above 15 %), kept
    /// between requests: only pupils written since are computed again.
    pub async fn municipal_quarter_report(&self, municipality_id: i64, quarter: Quarter) -> Result<Vec<QuarterLine>> {
        let mut cache = self.quarter_reports.lock().await;
        let key = (municipality_id, quarter);
        let (registrations, structure) = self.absence_versions(municipality_id).await?;
        let (first, last) = (quarter.first_day(), quarter.last_day());
        let since = cache
            .get(&key)
            .filter(|m| m.structure == structure)
            .map(|m| m.registrations);
        let changed: Option<Vec<i64>> = match since {
            Some(since) if since == registrations => Some(Vec::new()),
            Some(since) => {
                let mut years = vec![SchoolYear::of(first).0, SchoolYear::of(last).0];
                years.dedup();
                let ids: Vec<i64> = with_pool!(self, |pool| {
                    let mut q =
                        QueryBuilder::new("SELECT DISTINCT child_id FROM absence_years WHERE municipality_id = ");
                    q.push_bind(municipality_id).push(" AND version > ").push_bind(since);
                    push_in(&mut q, "school_year", Some(&years));
                    q.build_query_scalar().fetch_all(pool).await?
                });
                (ids.len() <= CHANGED_PUPILS_READ_BY_ID).then_some(ids)
            }
            None => None,
        };
        match changed {
            Some(ids) if ids.is_empty() => {}
            Some(ids) => {
                let data = self.absence_data(municipality_id, Some(&ids), first, last).await?;
                let memo = cache.get_mut(&key).expect("cached");
                for id in &ids {
                    memo.lines.remove(id);
                }
                memo.lines
                    .extend(data.quarter_report(quarter).into_iter().map(|l| (l.child_id, l)));
                memo.registrations = registrations;
            }
            None => {
                let data = self.absence_data(municipality_id, None, first, last).await?;
                let lines = data
                    .quarter_report(quarter)
                    .into_iter()
                    .map(|l| (l.child_id, l))
                    .collect();
                cache.insert(
                    key,
                    QuarterMemo {
                        registrations,
                        structure,
                        lines,
                    },
                );
            }
        }
        Ok(cache[&key].lines.values().cloned().collect())
    }

    /// Runs `f` on the municipality's overview as of `today`, brought up to date first.
    pub async fn with_absence_overview<R>(
        &self,
        municipality_id: i64,
        today: NaiveDate,
        f: impl FnOnce(&OverviewData) -> R,
    ) -> Result<R> {
        let mut cache = self.overviews.lock().await;
        let first = SchoolYear::of(today).first_day();
        let (registrations, structure) = self.absence_versions(municipality_id).await?;
        let current = cache
            .get(&municipality_id)
            .filter(|c| c.data.today == today && c.structure == structure);
        match current {
            Some(c) if c.registrations == registrations => {}
            Some(c) => {
                let since = c.registrations;
                let rows: Vec<(i64, i32, i32, Vec<u8>)> = with_pool!(self, |pool| {
                    sqlx::query_as(
                        "SELECT child_id, school_year, slots, codes FROM absence_years \
                         WHERE municipality_id = $1 AND school_year = $2 AND version > $3",
                    )
                    .bind(municipality_id)
                    .bind(SchoolYear::of(today).0)
                    .bind(since)
                    .fetch_all(pool)
                    .await?
                });
                let c = cache.get_mut(&municipality_id).expect("cached");
                let changed = AbsenceData::from_rows(AbsenceRows {
                    enrolments: Vec::new(),
                    years: rows,
                    range: (first, today),
                    holidays: Vec::new(),
                });
                for (child, p) in changed.pupils {
                    let Some(pupil) = c.data.pupils.get_mut(&child) else {
                        continue; // not enrolled: a roster change would have raised the structure
                    };
                    pupil.summary = crate::absence::summarize(
                        &pupil.enrolments,
                        |s| c.calendars.get(s).unwrap_or(&crate::absence::EMPTY),
                        &p.registrations,
                        first,
                        today,
                    );
                }
                c.registrations = registrations;
            }
            None => {
                let rows = with_pool!(self, |pool| load_absence!(pool, municipality_id, None, first, today));
                let all = AbsenceData::from_rows(rows);
                let pupils = summed_pupils(&all, first, today);
                cache.insert(
                    municipality_id,
                    Cached {
                        registrations,
                        structure,
                        calendars: all.calendars,
                        data: OverviewData { first, today, pupils },
                    },
                );
            }
        }
        Ok(f(&cache[&municipality_id].data))
    }

    /// Runs `f` on the municipality's overview of school year `year` up to `today`: the
    /// current year from the cache, an earlier one summed from its rows (not kept).
    pub async fn with_school_year_overview<R>(
        &self,
        municipality_id: i64,
        year: SchoolYear,
        today: NaiveDate,
        f: impl FnOnce(&OverviewData) -> R,
    ) -> Result<R> {
        if year >= SchoolYear::of(today) {
            return self.with_absence_overview(municipality_id, today, f).await;
        }
        let (first, last) = (year.first_day(), year.last_day());
        let rows = with_pool!(self, |pool| load_absence!(pool, municipality_id, None, first, last));
        let pupils = summed_pupils(&AbsenceData::from_rows(rows), first, last);
        Ok(f(&OverviewData {
            first,
            today: last,
            pupils,
        }))
    }
}
