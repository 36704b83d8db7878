//! Absence alerts (fraværsadvarsler): one per rule trigger, kept in step with the registrations
//! and handled by the school's leadership and trivselsperson (assign, note, close).

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use trivsel_domain::absence::Rule;

use crate::audit::append_audit;
use crate::{AbsenceEvent, AuditEntry, Result, Store, WriteTx, with_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub rule: Rule,
    pub trigger_date: NaiveDate,
    pub institution_id: Option<i64>,
    /// `open`, `closed`, or `withdrawn` (the trigger disappeared after a correction).
    pub status: String,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub note: Option<String>,
}

/// Which alerts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    pub institution_id: Option<i64>,
    pub child_id: Option<i64>,
    /// Children enrolled in this class on `class_date`.
    pub class: Option<(i64, NaiveDate)>,
    pub status: Option<String>,
    pub rule: Option<Rule>,
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
);

fn alert(t: AlertTuple) -> Option<Alert> {
    let (id, child_id, given, family, rule, trigger_date, institution_id, status, assigned_to, assigned_name, note) = t;
    Some(Alert {
        id,
        child_id,
        child_name: format!("{given} {family}"),
        rule: Rule::from_id(&rule)?,
        trigger_date,
        institution_id,
        status,
        assigned_to,
        assigned_name,
        note,
    })
}

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
        if children.is_empty() {
            return Ok((0, 0));
        }
        let wanted: HashSet<(i64, String, NaiveDate)> = events
            .iter()
            .map(|e| (e.child_id, e.rule.id().to_string(), e.date))
            .collect();
        // Read first and write only what changes: most saves change no alert, and a write
        // transaction costs a disk flush.
        let existing: Vec<(i64, i64, String, NaiveDate, String)> = with_pool!(self, |pool| {
            let mut q = QueryBuilder::new(
                "SELECT id, child_id, rule, trigger_date, status FROM absence_alerts WHERE trigger_date >= ",
            );
            q.push_bind(since);
            crate::absence::push_in(&mut q, "child_id", Some(children));
            q.build_query_as().fetch_all(pool).await?
        });
        let known: HashSet<(i64, String, NaiveDate)> =
            existing.iter().map(|(_, c, r, d, _)| (*c, r.clone(), *d)).collect();
        let new: Vec<&AbsenceEvent> = events
            .iter()
            .filter(|e| !known.contains(&(e.child_id, e.rule.id().to_string(), e.date)))
            .collect();
        let reopen: Vec<i64> = existing
            .iter()
            .filter(|(_, c, r, d, status)| status == "withdrawn" && wanted.contains(&(*c, r.clone(), *d)))
            .map(|(id, ..)| *id)
            .collect();
        let withdraw: Vec<i64> = existing
            .iter()
            .filter(|(_, c, r, d, status)| status == "open" && !wanted.contains(&(*c, r.clone(), *d)))
            .map(|(id, ..)| *id)
            .collect();
        if new.is_empty() && reopen.is_empty() && withdraw.is_empty() {
            return Ok((0, 0));
        }
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
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
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for (ids, status) in [(&reopen, "open"), (&withdraw, "withdrawn")] {
                for id in ids.iter() {
                    sqlx::query("UPDATE absence_alerts SET status = $1 WHERE id = $2")
                        .bind(status)
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(((new.len() + reopen.len()) as u64, withdraw.len() as u64))
    }

    /// Recomputes the alerts of `children` for the school year of `today`, up to `today`, with
    /// the municipality's thresholds (called after every save of registrations, so alerts are
    /// never a nightly batch behind).
    pub async fn refresh_alerts(&self, municipality_id: i64, children: &[i64], today: NaiveDate) -> Result<(u64, u64)> {
        let thresholds = &self.thresholds(municipality_id).await?;
        let since = trivsel_domain::calendar::SchoolYear::of(today).first_day();
        let (mut opened, mut withdrawn) = (0, 0);
        for chunk in children.chunks(5000) {
            let data = self.absence_data(municipality_id, Some(chunk), since, today).await?;
            let events = data.events(thresholds, since, today);
            let (o, w) = self
                .sync_alerts(municipality_id, chunk, &events, since, Utc::now())
                .await?;
            opened += o;
            withdrawn += w;
        }
        Ok((opened, withdrawn))
    }

    /// Alerts matching the filter, open first, newest trigger first.
    pub async fn alerts(&self, filter: &AlertFilter) -> Result<Vec<Alert>> {
        let rows: Vec<AlertTuple> = with_pool!(self, |pool| {
            let mut q = QueryBuilder::new(
                "SELECT a.id, a.child_id, ch.given_name, ch.family_name, a.rule, a.trigger_date, a.institution_id, \
                 a.status, a.assigned_to, u.name, a.note FROM absence_alerts a JOIN children ch ON ch.id = a.child_id \
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
            if let Some(rule) = filter.rule {
                q.push(" AND a.rule = ").push_bind(rule.id());
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
                 a.status, a.assigned_to, u.name, a.note FROM absence_alerts a JOIN children ch ON ch.id = a.child_id \
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
            let mut tx = pool.begin_write().await?;
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
