//! Afslutning af et møde (closing a meeting): a fraværssamråd needs a follow-up meeting date
//! after the meeting, and the action plan (handleplan) then reaches every participant and the
//! child's guardians.

use chrono::NaiveDate;

use crate::cases::format_date;

use super::kind::{MeetingKind, MeetingStatus};

/// Why a meeting cannot be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseRefusal {
    /// Closed already.
    AlreadyClosed,
    /// No meeting date recorded yet (the minutes come first).
    NotHeld,
    /// A fraværssamråd needs a follow-up meeting date.
    NoFollowUp,
    /// The follow-up date is not after the meeting date.
    FollowUpNotAfterMeeting {
        held_on: NaiveDate,
        follow_up_on: NaiveDate,
    },
}

impl CloseRefusal {
    /// The Danish message for the user.
    pub fn message(self) -> String {
        match self {
            Self::AlreadyClosed => "Mødet er allerede afsluttet.".into(),
            Self::NotHeld => "Mødet kan ikke afsluttes, før referatet og mødedatoen er registreret.".into(),
            Self::NoFollowUp => {
                "Fraværssamrådet kan ikke afsluttes uden en dato for opfølgningsmødet. Aftal og angiv datoen.".into()
            }
            Self::FollowUpNotAfterMeeting { held_on, follow_up_on } => format!(
                "Opfølgningsmødet ({}) skal ligge efter mødet ({}). Ret datoen.",
                format_date(follow_up_on),
                format_date(held_on)
            ),
        }
    }
}

impl std::fmt::Display for CloseRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for CloseRefusal {}

/// Whether a meeting may be closed with `follow_up_on`: it must be held and not closed; a
/// fraværssamråd needs a follow-up date; any follow-up date must be after the meeting date.
pub fn check_close(
    kind: MeetingKind,
    status: MeetingStatus,
    held_on: Option<NaiveDate>,
    follow_up_on: Option<NaiveDate>,
) -> Result<(), CloseRefusal> {
    if status == MeetingStatus::Closed {
        return Err(CloseRefusal::AlreadyClosed);
    }
    let Some(held_on) = held_on else {
        return Err(CloseRefusal::NotHeld);
    };
    match follow_up_on {
        None if kind.needs_follow_up() => Err(CloseRefusal::NoFollowUp),
        Some(follow_up_on) if follow_up_on <= held_on => {
            Err(CloseRefusal::FollowUpNotAfterMeeting { held_on, follow_up_on })
        }
        _ => Ok(()),
    }
}

/// Who receives a closed meeting's action plan (handleplanen): exactly the participants with
/// an account, and the child's guardians with custody and an account (in the parent view).
/// Sorted, each once.
pub fn action_plan_recipients(
    participant_users: impl IntoIterator<Item = i64>,
    guardian_users: impl IntoIterator<Item = i64>,
) -> Vec<i64> {
    let mut all: Vec<i64> = participant_users.into_iter().chain(guardian_users).collect();
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingKind::*;
    use MeetingStatus::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn closing_needs_a_follow_up_after_the_meeting() {
        let held = Some(d("2027-04-06"));
        assert_eq!(
            check_close(AbsenceCouncil, Held, held, None),
            Err(CloseRefusal::NoFollowUp)
        );
        assert!(CloseRefusal::NoFollowUp.message().contains("opfølgningsmødet"));
        assert_eq!(
            check_close(AbsenceCouncil, Held, held, Some(d("2027-04-06"))),
            Err(CloseRefusal::FollowUpNotAfterMeeting {
                held_on: d("2027-04-06"),
                follow_up_on: d("2027-04-06")
            })
        );
        assert_eq!(check_close(AbsenceCouncil, Held, held, Some(d("2027-05-04"))), Ok(()));
        assert_eq!(
            check_close(AbsenceCouncil, Planned, None, Some(d("2027-05-04"))),
            Err(CloseRefusal::NotHeld)
        );
        assert_eq!(
            check_close(AbsenceCouncil, Closed, held, Some(d("2027-05-04"))),
            Err(CloseRefusal::AlreadyClosed)
        );
        // Other meetings may close without a follow-up, but not with one before the meeting.
        assert_eq!(check_close(NetworkMeeting, Held, held, None), Ok(()));
        assert!(check_close(Trivselsforum, Held, held, Some(d("2027-04-01"))).is_err());
    }

    #[test]
    fn recipients_are_participants_and_guardians_once() {
        assert_eq!(action_plan_recipients([7, 3, 9], [12, 3]), vec![3, 7, 9, 12]);
        assert!(action_plan_recipients([], []).is_empty());
    }
}
