//! Kvartalsopgørelse af ulovligt fravær (quarterly unlawful-absence report): pupils with 15 % or
//! more unlawful absence in a calendar quarter, whom the school reports to the municipality
//! (the rule behind børne- og ungeydelse, the child benefit); and the varsling before it: at
//! 10 % unlawful absence in the running quarter the school warns the parents.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::{Code, tally_days};
use crate::calendar::{EnrolmentPeriod, SchoolCalendar};
use crate::stored::stored_enum;

stored_enum! {
    /// How the parents were warned (varslingsmåde).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum WarningMethod {
        /// The letter, handed over or sent.
        Letter = ("brev", "Brev udleveret eller sendt"),
        /// By telephone.
        Phone = ("telefon", "Telefonsamtale"),
        /// At a meeting.
        Meeting = ("moede", "Møde"),
        /// The letter in the parent view.
        ParentView = ("foraeldrevisning", "Brev i forældrevisningen"),
    }
}

/// The reporting threshold in percent: a pupil is listed when unlawful absence is at least
/// 15 % of its school days in the quarter (statutory, not configurable).
pub const QUARTER_UNLAWFUL_PERCENT: u64 = 15;

/// The warning threshold in percent (varsling): the school warns the parents when unlawful
/// absence reaches 10 % of the pupil's school days so far in the quarter (statutory).
pub const WARNING_UNLAWFUL_PERCENT: u64 = 10;

/// A calendar quarter (kvartal), e.g. 2024Q1 = January–March 2024. `q` is 1–4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    pub q: u8,
}

impl Quarter {
    /// The quarter, if `q` is 1–4 and the year is within 1–9999.
    pub fn new(year: i32, q: u8) -> Option<Self> {
        ((1..=4).contains(&q) && (1..=9999).contains(&year)).then_some(Self { year, q })
    }

    /// The quarter a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            q: (date.month0() / 3 + 1) as u8,
        }
    }

    /// Parses `ÅÅÅÅQn`, e.g. `2024Q1` (four-digit year, uppercase Q, quarter 1–4).
    pub fn parse(value: &str) -> Result<Self, String> {
        let v = value.trim();
        let error = || format!("ugyldigt kvartal «{v}» (skal skrives ÅÅÅÅQn, fx 2024Q1)");
        let b = v.as_bytes();
        if b.len() != 6 || b[4] != b'Q' || !b[..4].iter().all(u8::is_ascii_digit) {
            return Err(error());
        }
        let year: i32 = v[..4].parse().map_err(|_| error())?;
        let q = match b[5] {
            c @ b'1'..=b'4' => c - b'0',
            _ => return Err(error()),
        };
        Self::new(year, q).ok_or_else(error)
    }

    /// The quarter before this one.
    pub fn previous(self) -> Self {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter { q: self.q - 1, ..self }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.q) * 3 - 2, 1).expect("quarter start")
    }

    pub fn last_day(self) -> NaiveDate {
        let next = if self.q == 4 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, u32::from(self.q) * 3 + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).expect("quarter end")
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}Q{}", self.year, self.q)
    }
}

/// A pupil's unlawful absence in a quarter (ulovligt fravær i kvartalet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterShare<S> {
    /// The school the pupil is enrolled at on its last school day in the quarter.
    pub school: S,
    /// Sum of unlawful day values, in half-days.
    pub unlawful_halves: u32,
    /// The pupil's school days in the quarter (at least 1).
    pub school_days: u32,
}

impl<S> QuarterShare<S> {
    /// Whether the share reaches 15 %, compared exactly:
    /// `halves / 2 / days >= 15 / 100`, i.e. `100 × halves >= 30 × days`.
    pub fn is_reported(&self) -> bool {
        100 * u64::from(self.unlawful_halves) >= 2 * QUARTER_UNLAWFUL_PERCENT * u64::from(self.school_days)
    }

    /// Whether the share reaches 10 %, when the parents are warned, compared exactly like
    /// [`Self::is_reported`].
    pub fn needs_warning(&self) -> bool {
        100 * u64::from(self.unlawful_halves) >= 2 * WARNING_UNLAWFUL_PERCENT * u64::from(self.school_days)
    }

    /// The share as a decimal rounded half-up to 4 decimals, e.g. `0.1667`.
    pub fn share_text(&self) -> String {
        share_text(u64::from(self.unlawful_halves), 2 * u64::from(self.school_days))
    }
}

/// `numerator / denominator` (at least 0, denominator > 0) as a decimal rounded half-up to 4
/// decimals, computed exactly in integers: 1/6 → `0.1667`, 3/20 → `0.1500`, 1/1 → `1.0000`.
pub fn share_text(numerator: u64, denominator: u64) -> String {
    assert!(denominator > 0, "share of nothing");
    let n = u128::from(numerator) * 10_000;
    let d = u128::from(denominator);
    // floor(n / d + 1/2) = floor((2n + d) / 2d).
    let ten_thousandths = (2 * n + d) / (2 * d);
    format!("{}.{:04}", ten_thousandths / 10_000, ten_thousandths % 10_000)
}

/// A pupil's unlawful share in `quarter`: the sum of unlawful day values over its school days
/// in the quarter (school days follow the enrolments; see [`tally_days`]). `None` if the pupil
/// has no school days in the quarter. The quarter is not tied to a school year: Q3 (July –
/// September) simply counts its school days on both sides of 1 August.
pub fn quarter_share<'a, S: Clone + 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    quarter: Quarter,
) -> Option<QuarterShare<S>> {
    share_between(
        enrolments,
        calendar_of,
        registrations,
        quarter.first_day(),
        quarter.last_day(),
    )
}

/// The pupil's unlawful share in the running quarter: its school days from the quarter's first
/// day up to and including `today`. Whether the parents are to be warned is
/// [`QuarterShare::needs_warning`] of it.
pub fn running_quarter_share<'a, S: Clone + 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    today: NaiveDate,
) -> Option<QuarterShare<S>> {
    share_between(
        enrolments,
        calendar_of,
        registrations,
        Quarter::of(today).first_day(),
        today,
    )
}

fn share_between<'a, S: Clone + 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    first: NaiveDate,
    last: NaiveDate,
) -> Option<QuarterShare<S>> {
    let days = tally_days(enrolments, calendar_of, registrations, first, last);
    let last = *days.dates.last()?;
    let school = enrolments.iter().find(|e| e.contains(last))?.school.clone();
    Some(QuarterShare {
        school,
        unlawful_halves: days.tallies.iter().map(|t| t.unlawful_halves()).sum(),
        school_days: days.dates.len() as u32,
    })
}

/// The pupil's line in the quarterly report: its [`quarter_share`] if that reaches 15 %.
pub fn quarter_report<'a, S: Clone + 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    quarter: Quarter,
) -> Option<QuarterShare<S>> {
    quarter_share(enrolments, calendar_of, registrations, quarter).filter(|s| s.is_reported())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::dates;
    use Code::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarters_parse_and_bound() {
        let q = Quarter::parse("2024Q1").unwrap();
        assert_eq!(q, Quarter { year: 2024, q: 1 });
        assert_eq!((q.first_day(), q.last_day()), (d("2024-01-01"), d("2024-03-31")));
        let q = Quarter::parse(" 2024Q3 ").unwrap();
        assert_eq!((q.first_day(), q.last_day()), (d("2024-07-01"), d("2024-09-30")));
        let q = Quarter::parse("2023Q4").unwrap();
        assert_eq!((q.first_day(), q.last_day()), (d("2023-10-01"), d("2023-12-31")));
        assert_eq!(Quarter::parse("2024Q2").unwrap().last_day(), d("2024-06-30"));
        assert_eq!(q.to_string(), "2023Q4");
        assert_eq!(Quarter::of(d("2024-05-17")), Quarter { year: 2024, q: 2 });
        for bad in [
            "2024Q0", "2024Q5", "2024q1", "24Q1", "2024-Q1", "2024Q", "", "+024Q1", "0000Q1", "2024Q1x",
        ] {
            assert_eq!(
                Quarter::parse(bad),
                Err(format!(
                    "ugyldigt kvartal «{}» (skal skrives ÅÅÅÅQn, fx 2024Q1)",
                    bad.trim()
                )),
                "{bad}"
            );
        }
    }

    #[test]
    fn share_rounds_half_up_exactly() {
        assert_eq!(share_text(1, 6), "0.1667");
        assert_eq!(share_text(3, 20), "0.1500");
        assert_eq!(share_text(1, 1), "1.0000");
        assert_eq!(share_text(0, 7), "0.0000");
        assert_eq!(share_text(2, 3), "0.6667");
        // 1/32 = 0.03125 → 0.0313 (half up); 1/160000 = 0.00000625 → 0.0000.
        assert_eq!(share_text(1, 32), "0.0313");
        assert_eq!(share_text(1, 160_000), "0.0000");
        // 0.00005 exactly rounds up.
        assert_eq!(share_text(1, 20_000), "0.0001");
        assert_eq!(share_text(1, 20_001), "0.0000");
    }

    #[test]
    fn listed_at_exactly_fifteen_percent() {
        let share = |h, days| QuarterShare {
            school: (),
            unlawful_halves: h,
            school_days: days,
        };
        // 3 of 20 days: exactly 15 %.
        assert!(share(6, 20).is_reported());
        assert_eq!(share(6, 20).share_text(), "0.1500");
        // 2.5 of 17 = 14.7 %.
        assert!(!share(5, 17).is_reported());
        assert_eq!(share(5, 17).share_text(), "0.1471");
        assert!(share(1, 1).is_reported());
        assert_eq!(share(2, 1).share_text(), "1.0000");
    }

    #[test]
    fn quarter_report_per_pupil() {
        let a = SchoolCalendar::default();
        let b = SchoolCalendar {
            holidays: [d("2024-09-30")].into(),
        };
        let cal = |s: &char| if *s == 'a' { &a } else { &b };
        let enr = [
            EnrolmentPeriod {
                school: 'a',
                from: d("2024-07-01"),
                to: Some(d("2024-08-31")),
            },
            EnrolmentPeriod {
                school: 'b',
                from: d("2024-09-02"),
                to: None,
            },
        ];
        let q3 = Quarter::parse("2024Q3").unwrap();
        // July: 23 school days, August: 22, September: 21 − 1 holiday = 20; 65 in all.
        let mut regs: Vec<(NaiveDate, u8, Code)> = Vec::new();
        // 9 unlawful days in July (school year 2023/24) and a half day on 31 July …
        for date in dates(d("2024-07-01"), d("2024-07-11")) {
            regs.push((date, 1, Unlawful));
        }
        regs.push((d("2024-07-31"), 1, Unlawful));
        regs.push((d("2024-07-31"), 2, Present));
        // … and 0.5 in September: 9 + 0.5 + 0.5 = 10 of 65 = 15.38 %.
        regs.push((d("2024-09-03"), 1, Unlawful));
        regs.push((d("2024-09-03"), 2, Sickness));
        // Weekend and holiday registrations are ignored.
        regs.push((d("2024-09-28"), 1, Unlawful));
        regs.push((d("2024-09-30"), 1, Unlawful));
        let got = quarter_share(&enr, cal, &regs, q3).unwrap();
        assert_eq!(
            got,
            QuarterShare {
                school: 'b',
                unlawful_halves: 20,
                school_days: 65
            }
        );
        assert_eq!(got.share_text(), "0.1538");
        assert_eq!(quarter_report(&enr, cal, &regs, q3), Some(got));
        // Drop the September half day: 9.5 of 65 = 14.6 %, not listed.
        let fewer: Vec<_> = regs.iter().copied().filter(|r| r.0 != d("2024-09-03")).collect();
        assert_eq!(quarter_share(&enr, cal, &fewer, q3).unwrap().unlawful_halves, 19);
        assert_eq!(quarter_report(&enr, cal, &fewer, q3), None);
        // The school is the one of the last school day: Q3 for a pupil who left b in August.
        let left = [enr[0]];
        assert_eq!(quarter_share(&left, cal, &regs, q3).unwrap().school, 'a');
        // No school days in the quarter: not listed.
        let q1 = Quarter::parse("2024Q1").unwrap();
        assert_eq!(quarter_share(&enr, cal, &regs, q1), None);
    }

    #[test]
    fn parents_are_warned_at_ten_percent_of_the_running_quarter_counting_only_unlawful() {
        let cal = SchoolCalendar::default();
        let enr = [EnrolmentPeriod {
            school: (),
            from: d("2024-08-01"),
            to: None,
        }];
        // Thursday 10 October 2024: 8 school days of Q4 so far (1–4 and 7–10 October).
        let today = d("2024-10-10");
        let share = |regs: &[(NaiveDate, u8, Code)]| running_quarter_share(&enr, |_| &cal, regs, today).unwrap();
        // One unlawful day of 8 = 12.5 %: warn.
        let one = [(d("2024-10-02"), 1, Unlawful)];
        assert_eq!((share(&one).unlawful_halves, share(&one).school_days), (2, 8));
        assert!(share(&one).needs_warning() && !share(&one).is_reported());
        // Sickness and lawful absence do not count, however much.
        let excused: Vec<_> = dates(d("2024-10-01"), today).map(|day| (day, 1, Sickness)).collect();
        assert!(!share(&excused).needs_warning());
        // Absence in the previous quarter (30 September) does not count in this one.
        let before = [(d("2024-09-30"), 1, Unlawful), (d("2024-09-27"), 1, Unlawful)];
        assert_eq!(share(&before).unlawful_halves, 0);
        // Exactly 10 %: one day of 10 (Monday 14 October); a half day of 8 (6,25 %) is not.
        let at_ten = running_quarter_share(&enr, |_| &cal, &one, d("2024-10-14")).unwrap();
        assert_eq!((at_ten.unlawful_halves, at_ten.school_days), (2, 10));
        assert!(at_ten.needs_warning());
        let half = [(d("2024-10-02"), 1, Unlawful), (d("2024-10-02"), 2, Present)];
        assert!(!share(&half).needs_warning());
    }
}
