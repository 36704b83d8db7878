//! The refusal throttle (`trivsel_domain::login::refusal_wait`): each account's latest
//! refusals, kept in memory. Memory is enough: the refusals themselves are in the audit log,
//! this only holds a burst back; a restart forgets the pause, not the evidence.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use trivsel_domain::login::{REFUSAL_WINDOW, refusal_wait};

pub struct Refusals {
    /// Refusals in a window that pause an account; 0 never pauses.
    burst: usize,
    latest: Mutex<HashMap<i64, VecDeque<DateTime<Utc>>>>,
}

impl Refusals {
    pub fn new(burst: usize) -> Self {
        Refusals {
            burst,
            latest: Mutex::default(),
        }
    }

    fn latest(&self) -> MutexGuard<'_, HashMap<i64, VecDeque<DateTime<Utc>>>> {
        self.latest.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `count` refusals of `user_id`; true when they start a pause.
    pub fn record(&self, user_id: i64, count: usize, now: DateTime<Utc>) -> bool {
        if self.burst == 0 {
            return false;
        }
        let mut all = self.latest();
        let times = all.entry(user_id).or_default();
        let before = refusal_wait(times.make_contiguous(), self.burst, now).is_some();
        for _ in 0..count.min(self.burst) {
            if times.len() == self.burst {
                times.pop_front();
            }
            times.push_back(now);
        }
        !before && refusal_wait(times.make_contiguous(), self.burst, now).is_some()
    }

    /// Seconds `user_id` must wait, if paused. Accounts whose refusals are all older than the
    /// window are forgotten.
    pub fn wait(&self, user_id: i64, now: DateTime<Utc>) -> Option<i64> {
        let mut all = self.latest();
        let times = all.get_mut(&user_id)?;
        let wait = refusal_wait(times.make_contiguous(), self.burst, now);
        if times.back().is_none_or(|last| now - *last >= REFUSAL_WINDOW) {
            all.remove(&user_id);
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_starts_one_pause() {
        let refusals = Refusals::new(30);
        let now = Utc::now();
        assert!(!refusals.record(7, 29, now));
        assert_eq!(refusals.wait(7, now), None);
        assert!(refusals.record(7, 1, now), "the 30th starts the pause");
        assert!(!refusals.record(7, 5, now), "already paused");
        assert!(refusals.wait(7, now).is_some());
        assert_eq!(refusals.wait(8, now), None, "per account");
        let later = now + REFUSAL_WINDOW;
        assert_eq!(refusals.wait(7, later), None, "over when the burst is old");
        assert!(refusals.latest().is_empty(), "and forgotten");
    }
}
