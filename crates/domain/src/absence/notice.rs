//! Fraværsmelding (the parents report absence): a guardian reports sickness from today, or
//! applies for leave (frihed) with dates and a reason, which the school's leadership approves
//! or refuses. Reported sickness pre-fills S in the roll call and approved leave L; the teacher
//! registers, and may change the code.

use chrono::NaiveDate;

use super::Code;
use crate::stored::stored_enum;

/// Sickness is reported for at most this many days from today (a longer illness is reported
/// again, or agreed with the school).
pub const SICKNESS_MAX_DAYS: i64 = 14;

/// Leave is applied for at most this far ahead, and for at most this many days.
pub const LEAVE_MAX_AHEAD_DAYS: i64 = 365;
pub const LEAVE_MAX_DAYS: i64 = 60;

/// Longest reason, in characters.
pub const REASON_MAX: usize = 1000;

stored_enum! {
    /// What the parents report.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum NoticeKind {
        Sickness = ("sygdom", "Sygdom"),
        Leave = ("frihed", "Ansøgning om frihed"),
    }
}

stored_enum! {
    /// Where a report stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum NoticeStatus {
        /// Sickness, reported (needs no answer).
        Reported = ("meldt", "Meldt"),
        /// Leave, waiting for the school's answer.
        Pending = ("afventer", "Afventer skolens svar"),
        Approved = ("godkendt", "Godkendt"),
        Refused = ("afvist", "Afvist"),
    }
}

impl NoticeKind {
    /// The status a new report starts in.
    pub fn initial_status(self) -> NoticeStatus {
        match self {
            NoticeKind::Sickness => NoticeStatus::Reported,
            NoticeKind::Leave => NoticeStatus::Pending,
        }
    }
}

/// The code the roll call proposes for a day the report covers: S for reported sickness, L for
/// approved leave, none while leave waits or after a refusal.
pub fn proposed_code(kind: NoticeKind, status: NoticeStatus) -> Option<Code> {
    match (kind, status) {
        (NoticeKind::Sickness, NoticeStatus::Reported) => Some(Code::Sickness),
        (NoticeKind::Leave, NoticeStatus::Approved) => Some(Code::Lawful),
        _ => None,
    }
}

/// Which field of a report is wrong, and why (Danish).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeError {
    pub field: &'static str,
    pub message: String,
}

fn fail(field: &'static str, message: &str) -> Result<(), NoticeError> {
    Err(NoticeError {
        field,
        message: message.into(),
    })
}

/// Checks a report made on `today`: sickness from today for at most [`SICKNESS_MAX_DAYS`];
/// leave from today on, at most [`LEAVE_MAX_DAYS`] long and [`LEAVE_MAX_AHEAD_DAYS`] ahead,
/// with a reason.
pub fn check_notice(
    kind: NoticeKind,
    from: NaiveDate,
    to: NaiveDate,
    reason: &str,
    today: NaiveDate,
) -> Result<(), NoticeError> {
    if to < from {
        return fail("til", "Til og med: skal være samme dag som eller efter første dag.");
    }
    if reason.chars().count() > REASON_MAX {
        return fail("aarsag", "Årsag: skriv højst 1.000 tegn.");
    }
    let days = (to - from).num_days() + 1;
    match kind {
        NoticeKind::Sickness => {
            if from != today {
                return fail("fra", "Første dag: sygdom meldes fra i dag.");
            }
            if days > SICKNESS_MAX_DAYS {
                return fail("til", "Til og med: sygdom meldes for højst 14 dage ad gangen.");
            }
        }
        NoticeKind::Leave => {
            if from < today {
                return fail("fra", "Første dag: der søges om frihed fra i dag eller senere.");
            }
            if (from - today).num_days() > LEAVE_MAX_AHEAD_DAYS {
                return fail("fra", "Første dag: der kan søges højst et år frem.");
            }
            if days > LEAVE_MAX_DAYS {
                return fail("til", "Til og med: der søges om højst 60 dages frihed ad gangen.");
            }
            if reason.trim().is_empty() {
                return fail("aarsag", "Årsag: skriv, hvorfor der søges om frihed.");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn sickness_is_reported_from_today() {
        let today = d(2);
        assert_eq!(check_notice(NoticeKind::Sickness, today, d(4), "", today), Ok(()));
        assert_eq!(
            check_notice(NoticeKind::Sickness, d(1), d(2), "", today)
                .unwrap_err()
                .field,
            "fra"
        );
        assert_eq!(
            check_notice(NoticeKind::Sickness, today, d(16), "", today)
                .unwrap_err()
                .field,
            "til"
        );
        assert_eq!(
            check_notice(NoticeKind::Sickness, today, d(1), "", today)
                .unwrap_err()
                .field,
            "til"
        );
    }

    #[test]
    fn leave_needs_a_reason_and_future_dates() {
        let today = d(2);
        assert_eq!(
            check_notice(NoticeKind::Leave, d(7), d(9), "Familiebesøg", today),
            Ok(())
        );
        assert_eq!(
            check_notice(NoticeKind::Leave, d(7), d(9), " ", today)
                .unwrap_err()
                .field,
            "aarsag"
        );
        assert_eq!(
            check_notice(NoticeKind::Leave, d(1), d(9), "Rejse", today)
                .unwrap_err()
                .field,
            "fra"
        );
    }

    #[test]
    fn only_sickness_and_approved_leave_propose_a_code() {
        assert_eq!(
            proposed_code(NoticeKind::Sickness, NoticeStatus::Reported),
            Some(Code::Sickness)
        );
        assert_eq!(
            proposed_code(NoticeKind::Leave, NoticeStatus::Approved),
            Some(Code::Lawful)
        );
        assert_eq!(proposed_code(NoticeKind::Leave, NoticeStatus::Pending), None);
        assert_eq!(proposed_code(NoticeKind::Leave, NoticeStatus::Refused), None);
        assert_eq!(NoticeKind::Leave.initial_status(), NoticeStatus::Pending);
    }
}
