//! Login throttling (begrænsning af loginforsøg): slows guessing down without letting an
//! attacker lock anyone out for good. After 5 failed attempts within 15 minutes an account
//! accepts one attempt per 30 seconds; an address with 20 failures within 15 minutes is refused
//! until its failures are older than that. A success or an administrator's unlock resets the
//! account; time resets both. The second factor (TOTP codes) is throttled the same way with its
//! own count, which a correct password does not reset, and a login waiting for its code ends
//! after [`SECOND_FACTOR_MAX_FAILURES`] wrong codes.
//!
//! A browser that has logged in to an account keeps a device cookie for it (OWASP «device
//! cookies») for [`DEVICE_LIFETIME`]. Password failures made with that cookie count only
//! against it, and it is not held back by its address; failures without one count against
//! the account's untrusted attempts. A stranger failing on purpose therefore slows only
//! strangers, never the owner on a browser the owner has used before.

use chrono::{DateTime, Duration, Utc};

pub const WINDOW: Duration = Duration::minutes(15);
pub const ACCOUNT_FREE_FAILURES: usize = 5;
pub const ACCOUNT_DELAY: Duration = Duration::seconds(30);
pub const ADDRESS_MAX_FAILURES: i64 = 20;
/// Wrong codes after which a login waiting for its second factor ends (the password is asked
/// again).
pub const SECOND_FACTOR_MAX_FAILURES: usize = 3;
/// How long a device cookie is trusted.
pub const DEVICE_LIFETIME: Duration = Duration::days(365);

/// Refusals (afviste forsøg) within [`REFUSAL_WINDOW`] after which an account is held back: a
/// burst of refused lookups (someone trying one child id after another) pauses the account
/// until its refusals are older than the window, instead of filling the children's logs.
pub const REFUSAL_BURST: usize = 30;
pub const REFUSAL_WINDOW: Duration = Duration::minutes(10);

/// Seconds an account must wait before its next request, given its latest refusals (oldest
/// first; only the last `burst` matter, normally [`REFUSAL_BURST`]; 0 never pauses), or
/// `None` when it may go on.
pub fn refusal_wait(refusals: &[DateTime<Utc>], burst: usize, now: DateTime<Utc>) -> Option<i64> {
    let recent: Vec<_> = refusals.iter().filter(|at| now - **at < REFUSAL_WINDOW).collect();
    if burst == 0 || recent.len() < burst {
        return None;
    }
    let oldest = *recent[recent.len() - burst];
    Some((oldest + REFUSAL_WINDOW - now).num_seconds().max(1))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    Allow,
    /// The account must wait this many seconds more.
    WaitAccount(i64),
    /// The address has failed too often within the window.
    BlockedAddress,
}

/// Decides whether a login attempt may be checked now. `account_failures` are the account's
/// failures within [`WINDOW`] (after its last success or unlock), newest first.
pub fn throttle(account_failures: &[DateTime<Utc>], address_failures: i64, now: DateTime<Utc>) -> Throttle {
    if address_failures >= ADDRESS_MAX_FAILURES {
        return Throttle::BlockedAddress;
    }
    if account_failures.len() >= ACCOUNT_FREE_FAILURES {
        let wait = (account_failures[0] + ACCOUNT_DELAY - now).num_seconds();
        if wait > 0 {
            return Throttle::WaitAccount(wait);
        }
    }
    Throttle::Allow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_refusals_pauses_the_account_until_it_is_old() {
        let now: DateTime<Utc> = "2026-01-01T12:00:00Z".parse().unwrap();
        let ago = |s: i64| now - Duration::seconds(s);
        let burst: Vec<_> = (0..30).rev().map(|i| ago(i * 10)).collect();
        assert_eq!(
            refusal_wait(&burst[1..], REFUSAL_BURST, now),
            None,
            "29 refusals are not a burst"
        );
        assert_eq!(refusal_wait(&burst, REFUSAL_BURST, now), Some(600 - 290));
        let old: Vec<_> = (0..30).rev().map(|i| ago(600 + i)).collect();
        assert_eq!(refusal_wait(&old, REFUSAL_BURST, now), None, "older than the window");
        assert_eq!(refusal_wait(&burst, 0, now), None, "0 never pauses");
    }

    #[test]
    fn slows_down_after_five_failures() {
        let now: DateTime<Utc> = "2026-01-01T12:00:00Z".parse().unwrap();
        let ago = |s: i64| now - Duration::seconds(s);
        let four = [ago(1), ago(2), ago(3), ago(4)];
        assert_eq!(throttle(&four, 0, now), Throttle::Allow);
        let five = [ago(10), ago(20), ago(30), ago(40), ago(50)];
        assert_eq!(throttle(&five, 5, now), Throttle::WaitAccount(20));
        let five_old = [ago(31), ago(40), ago(50), ago(60), ago(70)];
        assert_eq!(
            throttle(&five_old, 5, now),
            Throttle::Allow,
            "one attempt per 30 s, never a lockout"
        );
        assert_eq!(throttle(&[], 20, now), Throttle::BlockedAddress);
    }
}
