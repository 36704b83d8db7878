//! Group commit of roll calls (fremmøderegistreringer): saves that arrive while another batch
//! is being written wait, and are then written together in one transaction, with one alert
//! evaluation and one audit append per municipality. Under many concurrent teachers this
//! turns many short transactions, each paying its own round trips to the database, into a few
//! larger ones; a lone save is a batch of one.
//!
//! The first waiting save becomes the leader and writes every save queued at that moment.
//! The batch runs in a task of its own, so a client that disconnects cannot cut it short. If
//! the batch fails, each save is written alone, so one bad save cannot fail the others.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use trivsel_domain::absence::Code;

use crate::absence::push_in;
use crate::absence_years::{has_unlawful, write_registrations_in};
use crate::audit::append_audits;
use crate::parent_contacts::{AbsenceReason, open_contacts_in, store_reasons_in, unlawful_days, void_contacts_in};
use crate::writer::Commit;
use crate::{AuditEntry, Registration, Result, Store, StoreError, WriteTx, with_pool};

/// One save waiting to be written.
struct Job {
    id: u64,
    municipality_id: i64,
    registrations: Vec<Registration>,
    reasons: Vec<AbsenceReason>,
    by: Option<i64>,
    now: DateTime<Utc>,
    audit: Vec<AuditEntry>,
    today: NaiveDate,
    reply: oneshot::Sender<Result<(u64, u64)>>,
}

impl Job {
    /// Its pupils, sorted and without repeats.
    fn pupils(&self) -> Vec<i64> {
        let set: BTreeSet<i64> = self.registrations.iter().map(|r| r.child_id).collect();
        set.into_iter().collect()
    }
}

/// Saves waiting for a leader.
#[derive(Debug, Default)]
pub(crate) struct AbsenceQueue {
    pending: std::sync::Mutex<Vec<Job>>,
    leader: Arc<Mutex<()>>,
    next_id: AtomicU64,
    /// Batches written (the tests check that concurrent saves share them).
    batches: AtomicU64,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Takes a save out of the queue if its request goes away before a leader took it.
struct Queued<'a> {
    queue: &'a AbsenceQueue,
    id: u64,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.queue
            .pending
            .lock()
            .expect("queue lock")
            .retain(|j| j.id != self.id);
    }
}

impl Store {
    /// Stores a roll call or an API batch and brings the alerts up to date in the same
    /// transaction, so no other save can slip in between. Only pupils whose registrations
    /// changed, or whose alerts were last evaluated before `today`, are evaluated again.
    /// A changed registration with a U opens the day's task to contact the parents, in the
    /// same transaction (`parent_contacts`). `audit` holds an entry per pupil; the entries of
    /// pupils whose registrations were already stored as given are left out, since nothing of
    /// theirs was written (entries without a child are always kept). Returns (new or changed
    /// registrations, alerts opened) once the save is durable.
    pub async fn register_absence(
        &self,
        municipality_id: i64,
        registrations: &[Registration],
        by: Option<i64>,
        now: DateTime<Utc>,
        audit: &[AuditEntry],
        today: NaiveDate,
    ) -> Result<(u64, u64)> {
        self.register_absence_with_reasons(municipality_id, registrations, &[], by, now, audit, today)
            .await
    }

    /// [`Store::register_absence`] with the roll call's stated reasons, stored where they
    /// changed (each counts as a change); a reason newly marked as worrying opens an alert.
    #[allow(clippy::too_many_arguments)]
    pub async fn register_absence_with_reasons(
        &self,
        municipality_id: i64,
        registrations: &[Registration],
        reasons: &[AbsenceReason],
        by: Option<i64>,
        now: DateTime<Utc>,
        audit: &[AuditEntry],
        today: NaiveDate,
    ) -> Result<(u64, u64)> {
        let queue = &self.absence_queue;
        let id = queue.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = oneshot::channel();
        queue.pending.lock().expect("queue lock").push(Job {
            id,
            municipality_id,
            registrations: registrations.to_vec(),
            reasons: reasons.to_vec(),
            by,
            now,
            audit: audit.to_vec(),
            today,
            reply,
        });
        let queued = Queued { queue, id };
        let leader = queue.leader.clone().lock_owned().await;
        let jobs = {
            let mut pending = queue.pending.lock().expect("queue lock");
            if pending.iter().any(|j| j.id == id) {
                std::mem::take(&mut *pending)
            } else {
                Vec::new() // an earlier leader took this save; its answer is on the way
            }
        };
        drop(queued);
        if jobs.is_empty() {
            drop(leader);
        } else {
            let store = self.clone();
            tokio::spawn(async move { store.write_batch(jobs, leader).await });
        }
        answer
            .await
            .map_err(|_| StoreError::Config("gemningen blev afbrudt; prøv igen".into()))?
    }

    /// Number of roll-call batches written by this process.
    pub fn absence_batches(&self) -> u64 {
        self.absence_queue.batches.load(Ordering::Relaxed)
    }

    /// Writes the jobs together, lets the next leader in, waits for the disk and answers.
    async fn write_batch(&self, jobs: Vec<Job>, leader: OwnedMutexGuard<()>) {
        self.absence_queue.batches.fetch_add(1, Ordering::Relaxed);
        let written = self.write_jobs(&jobs).await;
        drop(leader);
        match written {
            Ok((counts, commit)) => {
                let durable = commit.wait().await;
                for (job, counts) in jobs.into_iter().zip(counts) {
                    let answer = match &durable {
                        Ok(()) => Ok(counts),
                        Err(e) => Err(StoreError::Db(sqlx::Error::Io(std::io::Error::other(e.to_string())))),
                    };
                    let _ = job.reply.send(answer);
                }
            }
            Err(e) if jobs.len() > 1 => {
                tracing::warn!(
                    "a batch of {} roll calls failed ({e}); writing them one by one",
                    jobs.len()
                );
                for job in jobs {
                    let answer = match self.write_jobs(std::slice::from_ref(&job)).await {
                        Ok((counts, commit)) => commit.wait().await.map(|()| counts[0]).map_err(StoreError::from),
                        Err(e) => Err(e),
                    };
                    let _ = job.reply.send(answer);
                }
            }
            Err(e) => {
                if let Some(job) = jobs.into_iter().next() {
                    let _ = job.reply.send(Err(e));
                }
            }
        }
    }

    /// One transaction for all jobs: their registrations in order (a later save of the same
    /// pupil, date and slot wins), one alert evaluation and one audit append per municipality.
    /// Returns each job's (changed registrations, alerts opened for its pupils).
    async fn write_jobs(&self, jobs: &[Job]) -> Result<(Vec<(u64, u64)>, Commit)> {
        let pupils: Vec<Vec<i64>> = jobs.iter().map(Job::pupils).collect();
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let mut changed = vec![0; jobs.len()];
            // Each job's pupils with a new or changed registration: only theirs are audited.
            let mut written: Vec<BTreeSet<i64>> = vec![BTreeSet::new(); jobs.len()];
            // (municipality, today) → (pupils with changes, all pupils)
            let mut groups: BTreeMap<(i64, NaiveDate), (BTreeSet<i64>, BTreeSet<i64>)> = BTreeMap::new();
            for (job, pupils) in jobs.iter().zip(&pupils) {
                groups
                    .entry((job.municipality_id, job.today))
                    .or_default()
                    .1
                    .extend(pupils);
            }
            // Each municipality's jobs in order, so a later save of the same pupil, date and slot
            // wins and the history keeps every change.
            let backend = self.backend();
            let municipalities: BTreeSet<i64> = jobs.iter().map(|j| j.municipality_id).collect();
            // Days whose U was corrected away, with who and when: their open contact tasks lapse.
            let mut voided: BTreeMap<(i64, NaiveDate), (Option<i64>, DateTime<Utc>)> = BTreeMap::new();
            for m in municipalities {
                let indices: Vec<usize> = (0..jobs.len()).filter(|i| jobs[*i].municipality_id == m).collect();
                let batches: Vec<(&[Registration], Option<i64>, DateTime<Utc>)> = indices
                    .iter()
                    .map(|i| (jobs[*i].registrations.as_slice(), jobs[*i].by, jobs[*i].now))
                    .collect();
                let (applied, rows) = write_registrations_in!(tx, backend, m, &batches);
                for (i, (count, pupils)) in indices.iter().zip(applied.per_batch) {
                    changed[*i] = count;
                    let job = &jobs[*i];
                    groups
                        .entry((job.municipality_id, job.today))
                        .or_default()
                        .0
                        .extend(&pupils);
                    written[*i] = pupils;
                }
                for r in applied.replaced.iter().filter(|r| r.old == Code::Unlawful) {
                    if !has_unlawful(&rows, r.child_id, r.date) {
                        voided.insert((r.child_id, r.date), (r.by, r.at));
                    }
                }
            }
            void_contacts_in!(tx, &voided);
            let mut alerted: BTreeMap<(i64, NaiveDate), Vec<i64>> = BTreeMap::new();
            for (i, job) in jobs.iter().enumerate() {
                let unlawful = unlawful_days(job.registrations.iter(), &written[i]);
                open_contacts_in!(tx, &unlawful, job.by, job.now);
                if !job.reasons.is_empty() {
                    let (reasons_changed, opened) =
                        store_reasons_in!(tx, job.municipality_id, &job.reasons, job.by, job.now);
                    changed[i] += reasons_changed.len() as u64;
                    written[i].extend(reasons_changed);
                    alerted
                        .entry((job.municipality_id, job.today))
                        .or_default()
                        .extend(opened);
                }
            }
            let mut opened: BTreeMap<(i64, NaiveDate), Vec<i64>> = BTreeMap::new();
            for ((municipality_id, today), (mut stale, all)) in groups {
                let all: Vec<i64> = all.into_iter().collect();
                let fresh: HashSet<i64> = if all.is_empty() {
                    HashSet::new()
                } else {
                    let mut q = QueryBuilder::new("SELECT child_id FROM alert_evaluations WHERE evaluated_on >= ");
                    q.push_bind(today);
                    push_in(&mut q, "child_id", Some(&all));
                    q.build_query_scalar().fetch_all(&mut *tx).await?.into_iter().collect()
                };
                stale.extend(all.iter().filter(|p| !fresh.contains(p)));
                let stale: Vec<i64> = stale.into_iter().collect();
                let now = Utc::now();
                let (mut children, _) = crate::alerts::refresh_alerts_in!(tx, municipality_id, &stale, today, now);
                children.extend(alerted.remove(&(municipality_id, today)).unwrap_or_default());
                opened.insert((municipality_id, today), children);
            }
            let municipalities: BTreeSet<i64> = jobs.iter().map(|j| j.municipality_id).collect();
            for m in municipalities {
                let audit: Vec<AuditEntry> = jobs
                    .iter()
                    .zip(&written)
                    .filter(|(j, _)| j.municipality_id == m)
                    .flat_map(|(j, written)| {
                        j.audit
                            .iter()
                            .filter(|e| e.child_id.is_none_or(|c| written.contains(&c)))
                            .cloned()
                    })
                    .collect();
                append_audits!(tx, &audit);
            }
            let commit = tx.commit_unsynced().await?;
            let counts = jobs
                .iter()
                .zip(&pupils)
                .zip(changed)
                .map(|((job, pupils), changed)| {
                    let children = &opened[&(job.municipality_id, job.today)];
                    let alerts = children.iter().filter(|c| pupils.binary_search(c).is_ok()).count();
                    (changed, alerts as u64)
                })
                .collect();
            (counts, commit)
        }))
    }
}
