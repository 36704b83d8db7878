//! Forældrekontakt and fraværsårsag, written with the roll call that causes them: a school day
//! with a U opens a task to contact the parents (voided if the U is corrected away before
//! anyone called), and a stated reason marked as worrying opens an alert
//! (`trivsel_domain::absence::contact`). Both happen inside the roll call's transaction, so a
//! saved U never lacks its task.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::absence::contact::{ContactMethod, ContactStatus, needs_contact};

use crate::audit::append_audit;
use crate::{AuditEntry, Registration, Result, Store, StoreError, WriteTx, with_pool};

/// The reason stated for a pupil's absence on a day, as the roll call sends it: an empty text
/// that is not worrying removes a stored reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceReason {
    pub child_id: i64,
    pub date: NaiveDate,
    pub reason: String,
    pub worrying: bool,
}

/// A task to contact the parents about a day's unlawful absence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentContact {
    pub id: i64,
    pub institution_id: i64,
    pub child_id: i64,
    pub absence_date: NaiveDate,
    pub status: ContactStatus,
    pub method: Option<ContactMethod>,
    pub contacted_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub done_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

type Row = (
    i64,
    i64,
    i64,
    NaiveDate,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

const COLUMNS: &str = "p.id, p.institution_id, p.child_id, p.absence_date, p.status, p.method, p.contacted_on, \
     p.note, u.name, p.created_at FROM parent_contacts p LEFT JOIN users u ON u.id = p.done_by";

fn contact(row: Row) -> Option<ParentContact> {
    let (id, institution_id, child_id, absence_date, status, method, contacted_on, note, by, created_at) = row;
    Some(ParentContact {
        id,
        institution_id,
        child_id,
        absence_date,
        status: ContactStatus::from_id(&status)?,
        method: method.as_deref().and_then(ContactMethod::from_id),
        contacted_on,
        note,
        done_by_name: by,
        created_at,
    })
}

/// Pupil and school day.
pub(crate) type Days = BTreeSet<(i64, NaiveDate)>;

/// The (pupil, day) pairs of `registrations` with a U, among the pupils in `written` (the ones
/// whose codes changed).
pub(crate) fn unlawful_days<'r>(
    registrations: impl Iterator<Item = &'r Registration>,
    written: &BTreeSet<i64>,
) -> Days {
    registrations
        .filter(|r| written.contains(&r.child_id) && needs_contact(r.code))
        .map(|r| (r.child_id, r.date))
        .collect()
}

/// Inside the roll call's write transaction `$tx`: opens a contact task for each (pupil, day)
/// in `$unlawful` (reopening a voided one), at the school the pupil attended that day.
macro_rules! open_contacts_in {
    ($tx:expr, $unlawful:expr, $by:expr, $now:expr) => {{
        let unlawful: &$crate::parent_contacts::Days = $unlawful;
        let (by, now): (Option<i64>, chrono::DateTime<chrono::Utc>) = ($by, $now);
        for (child, date) in unlawful {
            sqlx::query(
                "INSERT INTO parent_contacts (municipality_id, institution_id, child_id, absence_date, created_at, \
                 created_by, status) SELECT e.municipality_id, c.institution_id, e.child_id, $2, $3, $4, 'aaben' \
                 FROM enrolments e JOIN classes c ON c.id = e.class_id WHERE e.child_id = $1 \
                 AND e.enrolled_from <= $2 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2) \
                 ORDER BY e.enrolled_from DESC LIMIT 1 \
                 ON CONFLICT (child_id, absence_date) DO UPDATE SET status = 'aaben', done_by = NULL, done_at = NULL \
                 WHERE parent_contacts.status = 'bortfaldet'",
            )
            .bind(*child)
            .bind(*date)
            .bind(now)
            .bind(by)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use open_contacts_in;

/// Inside the roll call's write transaction `$tx`: the open contact task of each (pupil, day)
/// in `$voided` (days whose U was corrected away, with who corrected it and when) lapses.
macro_rules! void_contacts_in {
    ($tx:expr, $voided:expr) => {{
        let voided: &std::collections::BTreeMap<
            (i64, chrono::NaiveDate),
            (Option<i64>, chrono::DateTime<chrono::Utc>),
        > = $voided;
        for ((child, date), (by, at)) in voided {
            sqlx::query(
                "UPDATE parent_contacts SET status = 'bortfaldet', done_by = $3, done_at = $4 \
                 WHERE child_id = $1 AND absence_date = $2 AND status = 'aaben'",
            )
            .bind(*child)
            .bind(*date)
            .bind(*by)
            .bind(*at)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use void_contacts_in;

/// Inside the roll call's write transaction `$tx`: stores `$reasons` where they differ from
/// what is stored, opening an alert when a reason becomes worrying and withdrawing it when it
/// no longer is. Evaluates to the pupils whose reasons changed, and those whose alert opened.
macro_rules! store_reasons_in {
    ($tx:expr, $municipality:expr, $reasons:expr, $by:expr, $now:expr) => {{
        let (municipality_id, reasons, by, now): (
            i64,
            &[$crate::AbsenceReason],
            Option<i64>,
            chrono::DateTime<chrono::Utc>,
        ) = ($municipality, $reasons, $by, $now);
        let mut changed = std::collections::BTreeSet::new();
        let mut alerted = Vec::new();
        // What is stored for the roll call's pupils, one read per day (a roll call has one).
        let mut stored_all = std::collections::HashMap::new();
        let days: std::collections::BTreeSet<chrono::NaiveDate> = reasons.iter().map(|r| r.date).collect();
        for day in days {
            let children: Vec<i64> = reasons.iter().filter(|r| r.date == day).map(|r| r.child_id).collect();
            let mut q =
                sqlx::QueryBuilder::new("SELECT child_id, reason, worrying FROM absence_reasons WHERE reg_date = ");
            q.push_bind(day);
            $crate::absence::push_in(&mut q, "child_id", Some(&children));
            let rows: Vec<(i64, String, bool)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            stored_all.extend(
                rows.into_iter()
                    .map(|(child, reason, worrying)| ((child, day), (reason, worrying))),
            );
        }
        for r in reasons {
            let stored: Option<(String, bool)> = stored_all.get(&(r.child_id, r.date)).cloned();
            let reason = r.reason.trim();
            let wanted = (!reason.is_empty() || r.worrying).then(|| (reason.to_string(), r.worrying));
            if stored == wanted {
                continue;
            }
            changed.insert(r.child_id);
            match &wanted {
                Some((reason, worrying)) => {
                    sqlx::query(
                        "INSERT INTO absence_reasons (child_id, reg_date, municipality_id, reason, worrying, \
                         written_by, written_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (child_id, reg_date) DO UPDATE SET reason = excluded.reason, \
                         worrying = excluded.worrying, written_by = excluded.written_by, \
                         written_at = excluded.written_at",
                    )
                    .bind(r.child_id)
                    .bind(r.date)
                    .bind(municipality_id)
                    .bind(reason)
                    .bind(*worrying)
                    .bind(by)
                    .bind(now)
                    .execute(&mut *$tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM absence_reasons WHERE child_id = $1 AND reg_date = $2")
                        .bind(r.child_id)
                        .bind(r.date)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
            let was = stored.as_ref().is_some_and(|s| s.1);
            let is = wanted.as_ref().is_some_and(|w| w.1);
            // A later reason for the same pupil and day compares with this one.
            match &wanted {
                Some(w) => stored_all.insert((r.child_id, r.date), w.clone()),
                None => stored_all.remove(&(r.child_id, r.date)),
            };
            let cause = trivsel_domain::absence::AlertCause::WorryingReason.id();
            if is && !was {
                let opened = sqlx::query(
                    "INSERT INTO absence_alerts (municipality_id, child_id, rule, trigger_date, institution_id, \
                     status, created_at) SELECT $1, $2, $3, $4, (SELECT c.institution_id FROM enrolments e \
                     JOIN classes c ON c.id = e.class_id WHERE e.child_id = $2 AND e.enrolled_from <= $4 \
                     AND (e.enrolled_to IS NULL OR e.enrolled_to >= $4) ORDER BY e.enrolled_from DESC LIMIT 1), \
                     'open', $5 WHERE TRUE ON CONFLICT (child_id, rule, trigger_date) DO UPDATE SET status = 'open' \
                     WHERE absence_alerts.status = 'withdrawn'",
                )
                .bind(municipality_id)
                .bind(r.child_id)
                .bind(cause)
                .bind(r.date)
                .bind(now)
                .execute(&mut *$tx)
                .await?
                .rows_affected();
                if opened > 0 {
                    alerted.push(r.child_id);
                }
            } else if was && !is {
                sqlx::query(
                    "UPDATE absence_alerts SET status = 'withdrawn' WHERE child_id = $1 AND rule = $2 \
                     AND trigger_date = $3 AND status = 'open'",
                )
                .bind(r.child_id)
                .bind(cause)
                .bind(r.date)
                .execute(&mut *$tx)
                .await?;
            }
        }
        (changed, alerted)
    }};
}
pub(crate) use store_reasons_in;

impl Store {
    /// The institution's open contact tasks, oldest day first, and those done or voided in
    /// the last `recent_days` days.
    pub async fn institution_contacts(
        &self,
        institution_id: i64,
        today: NaiveDate,
        recent_days: u64,
    ) -> Result<Vec<ParentContact>> {
        let since = today - chrono::Days::new(recent_days);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} WHERE p.institution_id = $1 AND (p.status = 'aaben' OR p.absence_date >= $2) \
                 ORDER BY p.status <> 'aaben', p.absence_date, p.id"
            )))
            .bind(institution_id)
            .bind(since)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().filter_map(contact).collect())
    }

    /// A child's contact tasks, newest day first.
    pub async fn child_contacts(&self, child_id: i64) -> Result<Vec<ParentContact>> {
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} WHERE p.child_id = $1 ORDER BY p.absence_date DESC, p.id DESC"
            )))
            .bind(child_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().filter_map(contact).collect())
    }

    pub async fn parent_contact(&self, id: i64) -> Result<Option<ParentContact>> {
        let row: Option<Row> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} WHERE p.id = $1")))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(contact))
    }

    /// Records that the parents were contacted (checked by
    /// `trivsel_domain::absence::contact::check_contact` before), with its audit row. Refused,
    /// writing nothing, unless the task is open.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_parent_contact(
        &self,
        id: i64,
        method: ContactMethod,
        contacted_on: NaiveDate,
        note: &str,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let changed = sqlx::query(
                "UPDATE parent_contacts SET status = 'kontaktet', method = $1, contacted_on = $2, note = $3, \
                 done_by = $4, done_at = $5 WHERE id = $6 AND status = 'aaben'",
            )
            .bind(method.id())
            .bind(contacted_on)
            .bind(Some(note.trim()).filter(|n| !n.is_empty()))
            .bind(by)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Kontakten er allerede registreret, eller fraværet er rettet.".into(),
                ));
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The stated reasons of `children` on `date`, by child: (reason, worrying).
    pub async fn absence_reasons_on(&self, children: &[i64], date: NaiveDate) -> Result<BTreeMap<i64, (String, bool)>> {
        if children.is_empty() {
            return Ok(BTreeMap::new());
        }
        let rows: Vec<(i64, String, bool)> = with_pool!(self, |pool| {
            let mut q =
                sqlx::QueryBuilder::new("SELECT child_id, reason, worrying FROM absence_reasons WHERE reg_date = ");
            q.push_bind(date);
            crate::absence::push_in(&mut q, "child_id", Some(children));
            q.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(c, r, w)| (c, (r, w))).collect())
    }

    /// The reasons marked as worrying of `children`, by (child, day).
    pub async fn worrying_reasons(&self, children: &[i64]) -> Result<BTreeMap<(i64, NaiveDate), String>> {
        if children.is_empty() {
            return Ok(BTreeMap::new());
        }
        let rows: Vec<(i64, NaiveDate, String)> = with_pool!(self, |pool| {
            let mut q =
                sqlx::QueryBuilder::new("SELECT child_id, reg_date, reason FROM absence_reasons WHERE worrying");
            crate::absence::push_in(&mut q, "child_id", Some(children));
            q.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(c, d, r)| ((c, d), r)).collect())
    }
}
