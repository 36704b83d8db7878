//! Fraværssamråd (absence council): the 7-working-day deadline, the participants it needs, and
//! the leadership's share held in time.

use chrono::NaiveDate;

use crate::calendar::add_working_days;
use crate::cases::format_date;

use super::kind::ParticipantRole;

/// Working days (arbejdsdage) from convening to the latest day the council may be held.
pub const SAMRAAD_WORKING_DAYS: u32 = 7;

/// The last day a fraværssamråd convened on `convened` may be held: 7 working days later
/// (Monday–Friday minus public holidays; school holidays count as working days).
pub fn samraad_deadline(convened: NaiveDate) -> NaiveDate {
    add_working_days(convened, SAMRAAD_WORKING_DAYS)
}

/// The date a council convened on `convened` is proposed for: two working days before the
/// deadline, so that a meeting that must be moved can still be held in time.
pub fn samraad_proposed_date(convened: NaiveDate) -> NaiveDate {
    add_working_days(convened, SAMRAAD_WORKING_DAYS - 2)
}

/// Whether a council convened on `convened` and held on `held` was held in time.
pub fn held_in_time(convened: NaiveDate, held: NaiveDate) -> bool {
    held <= samraad_deadline(convened)
}

/// The deadline as shown beside a council.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineState {
    /// Held by the deadline.
    HeldInTime,
    /// Held after the deadline.
    HeldLate,
    /// Not held; the deadline is today or later.
    Pending { deadline: NaiveDate },
    /// Not held, and the deadline has passed (warning).
    Overdue { deadline: NaiveDate },
}

impl DeadlineState {
    /// The state of a council on `today`.
    pub fn of(convened: NaiveDate, held: Option<NaiveDate>, today: NaiveDate) -> Self {
        let deadline = samraad_deadline(convened);
        match held {
            Some(h) if h <= deadline => Self::HeldInTime,
            Some(_) => Self::HeldLate,
            None if today <= deadline => Self::Pending { deadline },
            None => Self::Overdue { deadline },
        }
    }

    /// The Danish warning to show, if any.
    pub fn warning(self) -> Option<String> {
        match self {
            Self::Overdue { deadline } => Some(format!(
                "Fristen er overskredet: fraværssamrådet skulle være holdt senest {} (7 arbejdsdage efter \
                 indkaldelsen). Hold mødet hurtigst muligt.",
                format_date(deadline)
            )),
            Self::HeldLate => Some("Fraværssamrådet blev holdt efter fristen på 7 arbejdsdage.".into()),
            _ => None,
        }
    }

    /// Danish one-liner, e.g. «Senest 16.04.2027».
    pub fn label(self) -> String {
        match self {
            Self::HeldInTime => "Holdt inden for fristen".into(),
            Self::HeldLate => "Holdt efter fristen".into(),
            Self::Pending { deadline } => format!("Senest {}", format_date(deadline)),
            Self::Overdue { deadline } => format!("Fristen {} er overskredet", format_date(deadline)),
        }
    }
}

/// The participants a fraværssamråd needs at least (faste deltagere), with how many of each:
/// the pupil, the parents, the school leader, the class teacher or another teacher, two PPR
/// psychologists and the school's social worker. UU counsellor, health visitor and others are
/// optional.
pub const SAMRAAD_REQUIRED: &[(ParticipantRole, usize)] = &[
    (ParticipantRole::Pupil, 1),
    (ParticipantRole::Parent, 1),
    (ParticipantRole::SchoolLeader, 1),
    (ParticipantRole::Teacher, 1),
    (ParticipantRole::Psychologist, 2),
    (ParticipantRole::SocialWorker, 1),
];

/// A required role short of participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingParticipant {
    pub role: ParticipantRole,
    pub required: usize,
    pub present: usize,
}

impl MissingParticipant {
    /// Danish, e.g. «PPR-psykolog: 1 af 2».
    pub fn describe(self) -> String {
        format!("{}: {} af {}", self.role.navn(), self.present, self.required)
    }
}

/// The required roles not (fully) filled by `roles` (one entry per participant), in the
/// order of [`SAMRAAD_REQUIRED`]. Empty when the council is complete.
pub fn missing_participants(roles: &[ParticipantRole]) -> Vec<MissingParticipant> {
    missing_from(SAMRAAD_REQUIRED, roles)
}

/// The roles of `required` not (fully) filled by `roles`, in the order of `required`.
pub(super) fn missing_from(
    required: &[(ParticipantRole, usize)],
    roles: &[ParticipantRole],
) -> Vec<MissingParticipant> {
    required
        .iter()
        .filter_map(|&(role, required)| {
            let present = roles.iter().filter(|r| **r == role).count();
            (present < required).then_some(MissingParticipant {
                role,
                required,
                present,
            })
        })
        .collect()
}

/// The Danish warning for missing participants, if any.
pub fn missing_participants_warning(missing: &[MissingParticipant]) -> Option<String> {
    (!missing.is_empty()).then(|| {
        let list: Vec<String> = missing.iter().map(|m| m.describe()).collect();
        format!(
            "Fraværssamrådet mangler faste deltagere ({}). Tilføj dem, før mødet holdes.",
            list.join("; ")
        )
    })
}

/// The share of fraværssamråd held within 7 working days (andel holdt rettidigt).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InTimeShare {
    /// Held by the deadline.
    pub in_time: usize,
    /// Counted: held, or not held with the deadline passed. Councils still within their
    /// deadline are not counted yet.
    pub counted: usize,
}

impl InTimeShare {
    /// Percentage rounded half up to whole percent; `None` when nothing is counted.
    pub fn percent(self) -> Option<u32> {
        (self.counted > 0).then(|| ((200 * self.in_time + self.counted) / (2 * self.counted)) as u32)
    }

    /// Danish, e.g. «3 af 4 (75 %)».
    pub fn label(self) -> String {
        match self.percent() {
            Some(p) => format!("{} af {} ({p} %)", self.in_time, self.counted),
            None => "Ingen fraværssamråd at opgøre".into(),
        }
    }
}

/// The share held in time of councils given as (convened, held), on `today`.
pub fn share_held_in_time(councils: &[(NaiveDate, Option<NaiveDate>)], today: NaiveDate) -> InTimeShare {
    let mut share = InTimeShare::default();
    for &(convened, held) in councils {
        match DeadlineState::of(convened, held, today) {
            DeadlineState::HeldInTime => {
                share.in_time += 1;
                share.counted += 1;
            }
            DeadlineState::HeldLate | DeadlineState::Overdue { .. } => share.counted += 1,
            DeadlineState::Pending { .. } => {}
        }
    }
    share
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParticipantRole::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn deadline_skips_weekends() {
        // Monday 2 March 2026 + 7 working days = Wednesday 11 March.
        assert_eq!(samraad_deadline(d("2026-03-02")), d("2026-03-11"));
        // Convened on a Saturday: counting starts Monday.
        assert_eq!(samraad_deadline(d("2026-03-07")), d("2026-03-17"));
    }

    #[test]
    fn deadline_across_easter_2027() {
        // Easter Sunday 2027 is 28 March: skærtorsdag 25, langfredag 26, 2. påskedag 29 March.
        // Convened Tuesday 23 March: working days 24, 30, 31 March, 1, 2, 5, 6 April.
        assert_eq!(samraad_deadline(d("2027-03-23")), d("2027-04-06"));
        assert!(held_in_time(d("2027-03-23"), d("2027-04-06")));
        assert!(!held_in_time(d("2027-03-23"), d("2027-04-07")));
        // Convened on skærtorsdag itself: 30, 31 March, 1, 2, 5, 6, 7 April.
        assert_eq!(samraad_deadline(d("2027-03-25")), d("2027-04-07"));
        // Without the holidays it would have been 1 April: the naive count is wrong.
        assert_ne!(samraad_deadline(d("2027-03-23")), d("2027-04-01"));
    }

    #[test]
    fn deadline_across_kristi_himmelfart() {
        // Kristi himmelfartsdag 2027 is Thursday 6 May (Easter + 39). Convened Monday 3 May:
        // 4, 5, 7, 10, 11, 12, 13 May.
        assert_eq!(samraad_deadline(d("2027-05-03")), d("2027-05-13"));
        // 2026: Kristi himmelfart Thursday 14 May; convened Tuesday 12 May: 13, 15, 18, 19, 20,
        // 21, 22 May. The Friday after (15 May, often a school holiday) is a working day.
        assert_eq!(samraad_deadline(d("2026-05-12")), d("2026-05-22"));
        assert!(held_in_time(d("2026-05-12"), d("2026-05-22")));
        assert!(!held_in_time(d("2026-05-12"), d("2026-05-25")));
        // Convened the day before 2. pinsedag 2026 (Friday 22 May): 26 May onwards.
        assert_eq!(samraad_deadline(d("2026-05-22")), d("2026-06-03"));
    }

    #[test]
    fn deadline_state_and_warning() {
        let convened = d("2027-03-23");
        let pending = DeadlineState::of(convened, None, d("2027-04-06"));
        assert_eq!(
            pending,
            DeadlineState::Pending {
                deadline: d("2027-04-06")
            }
        );
        assert_eq!(pending.warning(), None);
        assert_eq!(pending.label(), "Senest 06.04.2027");
        let overdue = DeadlineState::of(convened, None, d("2027-04-07"));
        assert!(overdue.warning().unwrap().contains("senest 06.04.2027"));
        assert_eq!(
            DeadlineState::of(convened, Some(d("2027-04-06")), d("2027-05-01")),
            DeadlineState::HeldInTime
        );
        assert_eq!(
            DeadlineState::of(convened, Some(d("2027-04-07")), d("2027-05-01")),
            DeadlineState::HeldLate
        );
    }

    #[test]
    fn required_participants() {
        let complete = [
            Pupil,
            Parent,
            Parent,
            SchoolLeader,
            Teacher,
            Psychologist,
            Psychologist,
            SocialWorker,
        ];
        assert!(missing_participants(&complete).is_empty());
        assert_eq!(missing_participants_warning(&[]), None);
        let with_optional = [&complete[..], &[UuCounsellor, HealthVisitor, Other]].concat();
        assert!(missing_participants(&with_optional).is_empty());

        let partial = [Parent, SchoolLeader, Psychologist, HealthVisitor];
        let missing = missing_participants(&partial);
        assert_eq!(
            missing,
            vec![
                MissingParticipant {
                    role: Pupil,
                    required: 1,
                    present: 0
                },
                MissingParticipant {
                    role: Teacher,
                    required: 1,
                    present: 0
                },
                MissingParticipant {
                    role: Psychologist,
                    required: 2,
                    present: 1
                },
                MissingParticipant {
                    role: SocialWorker,
                    required: 1,
                    present: 0
                },
            ]
        );
        let warning = missing_participants_warning(&missing).unwrap();
        assert!(warning.contains("PPR-psykolog: 1 af 2"), "{warning}");
        assert_eq!(missing_participants(&[]).len(), SAMRAAD_REQUIRED.len());
    }

    #[test]
    fn share_in_time_counts_held_and_overdue() {
        let today = d("2027-04-20");
        let councils = [
            (d("2027-03-23"), Some(d("2027-04-06"))), // in time (Easter)
            (d("2027-03-23"), Some(d("2027-04-07"))), // late
            (d("2027-03-01"), None),                  // overdue, not held
            (d("2027-04-19"), None),                  // pending: not counted
            (d("2027-04-01"), Some(d("2027-04-02"))), // in time
        ];
        let share = share_held_in_time(&councils, today);
        assert_eq!(share, InTimeShare { in_time: 2, counted: 4 });
        assert_eq!(share.percent(), Some(50));
        assert_eq!(share.label(), "2 af 4 (50 %)");
        assert_eq!(share_held_in_time(&[], today).percent(), None);
        assert_eq!(InTimeShare { in_time: 2, counted: 3 }.percent(), Some(67));
        assert_eq!(
            InTimeShare { in_time: 1, counted: 8 }.percent(),
            Some(13),
            "12.5 rounds up"
        );
    }

    #[test]
    fn the_proposed_date_leaves_two_working_days() {
        // Convened Monday 30.11.2026: the deadline is Wednesday 09.12, proposed Monday 07.12.
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(samraad_deadline(monday), NaiveDate::from_ymd_opt(2026, 12, 9).unwrap());
        assert_eq!(
            samraad_proposed_date(monday),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        assert!(held_in_time(monday, samraad_proposed_date(monday)));
    }
}
