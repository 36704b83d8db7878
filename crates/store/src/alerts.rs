//! Absence alerts (fraværsadvarsler): one per rule trigger, kept in step with the registrations
//! and handled by the school's leadership and trivselsperson (assign, note, close).

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use trivsel_domain::absence::AlertCause;

use crate::audit::append_audit;
use crate::{AbsenceEvent, AuditEntry, BATCH, Result, Store, WriteTx, with_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub cause: AlertCause,
    pub trigger_date: NaiveDate,
    pub institution_id: Option<i64>,
    /// `open`, `closed`, or `withdrawn` (the trigger disappeared after a correction).
    pub status: String,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Which alerts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    pub institution_id: Option<i64>,
    pub child_id: Option<i64>,
    /// Children enrolled in this class on `class_date`.
    pub class: Option<(i64, NaiveDate)>,
    pub status: Option<String>,
    pub cause: Option<AlertCause>,
}

type AlertTuple = (
    i64,
    i64,
    String,
    String,
    String,
    NaiveDate,
    Option<i64>,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

fn alert(t: AlertTuple) -> Option<Alert> {
    let (
        id,
        child_id,
        given,
        family,
        rule,
        trigger_date,
        institution_id,
        status,
        assigned_to,
        assigned_name,
        note,
        created_at,
    ) = t;
    Some(Alert {
        id,
        child_id,
        child_name: format!("{given} {family}"),
        cause: AlertCause::from_id(&rule)?,
        trigger_date,
        institution_id,
        status,
        assigned_to,
        assigned_name,
        note,
        created_at,
    })
}

/// A stored alert as the sync reads it: id, child, rule, trigger date, status.
pub(crate) type StoredAlert = (i64, i64, String, NaiveDate, String);

/// New triggers, alerts to reopen and alerts to withdraw (the last two as (alert id, child id)).
pub(crate) type AlertChanges<'e> = (Vec<&'e AbsenceEvent>, Vec<(i64, i64)>, Vec<(i64, i64)>);

/// The alert changes that make the stored alerts match `events`: new triggers, withdrawn
/// alerts whose trigger returned (to reopen), and open alerts whose trigger disappeared (to
/// withdraw).
pub(crate) fn alert_changes<'e>(existing: &[StoredAlert], events: &'e [AbsenceEvent]) -> AlertChanges<'e> {
    let wanted: HashSet<(i64, &str, NaiveDate)> = events.iter().map(|e| (e.child_id, e.rule.id(), e.date)).collect();
    let known: HashSet<(i64, &str, NaiveDate)> = existing.iter().map(|(_, c, r, d, _)| (*c, r.as_str(), *d)).collect();
    let new = events
        .iter()
        .filter(|e| !known.contains(&(e.child_id, e.rule.id(), e.date)))
        .collect();
    let with_status = |status: &str, want: bool| -> Vec<(i64, i64)> {
        existing
            .iter()
            .filter(|(_, c, r, d, s)| s == status && wanted.contains(&(*c, r.as_str(), *d)) == want)
            .map(|(id, child, ..)| (*id, *child))
            .collect()
    };
    (new, with_status("withdrawn", true), with_status("open", false))
}

/// Inside the write transaction `$tx`: makes the alerts of `$children` from `$since` on match
/// `$events`, writing only what changes. Evaluates to (the child of each alert opened or
/// reopened, number withdrawn).
macro_rules! sync_alerts_in {
    ($tx:expr, $municipality:expr, $children:expr, $events:expr, $since:expr, $now:expr) => {{
        let (municipality_id, children, events): (i64, &[i64], &[$crate::AbsenceEvent]) =
            ($municipality, $children, $events);
        let mut q = QueryBuilder::new(
            "SELECT id, child_id, rule, trigger_date, status FROM absence_alerts WHERE rule <> 'worrying_reason' \
             AND trigger_date >= ",
        );
        q.push_bind($since);
        $crate::absence::push_in(&mut q, "child_id", Some(children));
        let existing: Vec<$crate::alerts::StoredAlert> = if children.is_empty() {
            Vec::new()
        } else {
            q.build_query_as().fetch_all(&mut *$tx).await?
        };
        let (new, reopen, withdraw) = $crate::alerts::alert_changes(&existing, events);
        for e in &new {
            sqlx::query(
                "INSERT INTO absence_alerts (municipality_id, child_id, rule, trigger_date, institution_id, status, \
                 created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6) ON CONFLICT (child_id, rule, trigger_date) \
                 DO NOTHING",
            )
            .bind(municipality_id)
            .bind(e.child_id)
            .bind(e.rule.id())
            .bind(e.date)
            .bind(Some(e.institution_id).filter(|id| *id != 0))
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
        for (ids, status) in [(&reopen, "open"), (&withdraw, "withdrawn")] {
            for (id, _) in ids.iter() {
                sqlx::query("UPDATE absence_alerts SET status = $1 WHERE id = $2")
                    .bind(status)
                    .bind(*id)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
        let opened: Vec<i64> = new
            .iter()
            .map(|e| e.child_id)
            .chain(reopen.iter().map(|(_, c)| *c))
            .collect();
        (opened, withdraw.len() as u64)
    }};
}
pub(crate) use sync_alerts_in;

/// Inside the write transaction `$tx`: evaluates the rules for `$children` over the school
/// year of `$today` up to `$today` with the municipality's thresholds, brings their alerts up
/// to date and records the evaluation. Evaluates to (the child of each alert opened,
/// number withdrawn).
macro_rules! refresh_alerts_in {
    ($tx:expr, $municipality:expr, $children:expr, $today:expr, $now:expr) => {{
        let (municipality_id, children, today): (i64, &[i64], NaiveDate) = ($municipality, $children, $today);
        if children.is_empty() {
            (Vec::new(), 0)
        } else {
            let since = trivsel_domain::calendar::SchoolYear::of(today).first_day();
            let row = sqlx::query_as($crate::reviews::THRESHOLDS_SQL)
                .bind(municipality_id)
                .fetch_optional(&mut *$tx)
                .await?;
            let thresholds = $crate::reviews::thresholds_from(row);
            let rows = $crate::absence::load_absence!(&mut *$tx, municipality_id, Some(children), since, today);
            let events = $crate::AbsenceData::from_rows(rows).events(&thresholds, since, today);
            let changes = $crate::alerts::sync_alerts_in!($tx, municipality_id, children, &events, since, $now);
            let mut q = QueryBuilder::new("INSERT INTO alert_evaluations (child_id, municipality_id, evaluated_on) ");
            q.push_values(children, |mut row, child| {
                row.push_bind(*child).push_bind(municipality_id).push_bind(today);
            });
            q.push(" ON CONFLICT (child_id) DO UPDATE SET evaluated_on = excluded.evaluated_on");
            q.build().execute(&mut *$tx).await?;
            changes
        }
    }};
}
pub(crate) use refresh_alerts_in;

/// Inside the write transaction `$tx`: marks every pupil of the municipality for evaluation at
/// the next save (after a change of thresholds, holidays or enrolments).
macro_rules! forget_evaluations {
    ($tx:expr, $municipality:expr) => {
        sqlx::query("DELETE FROM alert_evaluations WHERE municipality_id = $1")
            .bind($municipality)
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use forget_evaluations;

impl Store {
    /// Makes the alerts of `children` from `since` on match `events` (their trigger events from
    /// `since`): new triggers open alerts, open alerts whose trigger disappeared are withdrawn,
    /// a withdrawn alert whose trigger returns opens again. Returns (opened, withdrawn).
    pub async fn sync_alerts(
        &self,
        municipality_id: i64,
        children: &[i64],
        events: &[AbsenceEvent],
        since: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let (opened, withdrawn) = sync_alerts_in!(tx, municipality_id, children, events, since, now);
            tx.commit().await?;
            (opened.len() as u64, withdrawn)
        }))
    }

    /// Recomputes the alerts of `children` for the school year of `today`, up to `today`, with
    /// the municipality's thresholds (imports call it after storing registrations; roll calls
    /// do the same inside their own transaction, see `register_absence`).
    pub async fn refresh_alerts(&self, municipality_id: i64, children: &[i64], today: NaiveDate) -> Result<(u64, u64)> {
        let (mut opened, mut withdrawn) = (0, 0);
        for chunk in children.chunks(BATCH) {
            let (o, w) = with_pool!(self, |pool| {
                let mut tx = pool.begin_write(self).await?;
                let (opened, withdrawn) = refresh_alerts_in!(tx, municipality_id, chunk, today, Utc::now());
                let mut q = QueryBuilder::new("DELETE FROM alert_reevaluation WHERE municipality_id = ");
                q.push_bind(municipality_id);
                crate::absence::push_in(&mut q, "child_id", Some(chunk));
                q.build().execute(&mut *tx).await?;
                tx.commit().await?;
                (opened.len() as u64, withdrawn)
            });
            opened += o;
            withdrawn += w;
        }
        Ok((opened, withdrawn))
    }

    /// Refreshes the alerts of every pupil still marked for re-evaluation (an import that
    /// stopped between saving and refreshing); returns how many pupils were refreshed.
    pub async fn complete_pending_alerts(&self, today: NaiveDate) -> Result<usize> {
        let marked: Vec<(i64, i64)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT municipality_id, child_id FROM alert_reevaluation ORDER BY municipality_id, child_id",
            )
            .fetch_all(pool)
            .await?
        });
        let mut by_municipality: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
        for (m, child) in &marked {
            by_municipality.entry(*m).or_default().push(*child);
        }
        for (m, children) in by_municipality {
            self.refresh_alerts(m, &children, today).await?;
        }
        Ok(marked.len())
    }

    /// Alerts matching the filter, open first, newest trigger first.
    pub async fn alerts(&self, filter: &AlertFilter) -> Result<Vec<Alert>> {
        let rows: Vec<AlertTuple> = with_pool!(self, |pool| {
            let mut q = QueryBuilder::new(
                "SELECT a.id, a.child_id, ch.given_name, ch.family_name, a.rule, a.trigger_date, a.institution_id, \
                 a.status, a.assigned_to, u.name, a.note, a.created_at FROM absence_alerts a JOIN children ch ON ch.id = a.child_id \
                 LEFT JOIN users u ON u.id = a.assigned_to WHERE 1 = 1",
            );
            if let Some(id) = filter.institution_id {
                q.push(" AND a.institution_id = ").push_bind(id);
            }
            if let Some(id) = filter.child_id {
                q.push(" AND a.child_id = ").push_bind(id);
            }
            if let Some((class_id, date)) = filter.class {
                q.push(" AND a.child_id IN (SELECT child_id FROM enrolments WHERE class_id = ")
                    .push_bind(class_id)
                    .push(" AND enrolled_from <= ")
                    .push_bind(date)
                    .push(" AND (enrolled_to IS NULL OR enrolled_to >= ")
                    .push_bind(date)
                    .push("))");
            }
            if let Some(status) = &filter.status {
                q.push(" AND a.status = ").push_bind(status.clone());
            }
            if let Some(cause) = filter.cause {
                q.push(" AND a.rule = ").push_bind(cause.id());
            }
            q.push(" ORDER BY CASE a.status WHEN 'open' THEN 0 ELSE 1 END, a.trigger_date DESC, a.id DESC LIMIT 1000");
            q.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().filter_map(alert).collect())
    }

    pub async fn alert(&self, id: i64) -> Result<Option<Alert>> {
        let row: Option<AlertTuple> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.child_id, ch.given_name, ch.family_name, a.rule, a.trigger_date, a.institution_id, \
                 a.status, a.assigned_to, u.name, a.note, a.created_at FROM absence_alerts a JOIN children ch ON ch.id = a.child_id \
                 LEFT JOIN users u ON u.id = a.assigned_to WHERE a.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.and_then(alert))
    }

    /// Assigns, notes what was done, and optionally closes an alert, with its audit row.
    pub async fn handle_alert(
        &self,
        id: i64,
        assigned_to: Option<i64>,
        note: Option<&str>,
        close: Option<(i64, DateTime<Utc>)>,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("UPDATE absence_alerts SET assigned_to = $1, note = $2 WHERE id = $3")
                .bind(assigned_to)
                .bind(note)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if let Some((by, at)) = close {
                sqlx::query(
                    "UPDATE absence_alerts SET status = 'closed', closed_by = $1, closed_at = $2 WHERE id = $3",
                )
                .bind(by)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
