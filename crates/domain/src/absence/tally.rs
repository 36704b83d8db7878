//! Fra registreringer til skoledage (from registrations to school days): the step that turns a
//! pupil's stored registrations into one [`DayTally`] per school day.

use chrono::NaiveDate;

use super::{Code, DayTally};
use crate::calendar::{EnrolmentPeriod, SchoolCalendar, pupil_school_days};

/// One pupil's school days (skoledage) in a date range with the tally of each:
/// `tallies[i]` belongs to `dates[i]`; dates ascending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TalliedDays {
    pub dates: Vec<NaiveDate>,
    pub tallies: Vec<DayTally>,
}

impl TalliedDays {
    /// Manglende registreringer (missing registrations): school days without any registration,
    /// for the teacher to complete.
    pub fn missing(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.dates
            .iter()
            .zip(&self.tallies)
            .filter(|(_, t)| t.is_missing())
            .map(|(d, _)| *d)
    }
}

/// Tallies a pupil's registrations on its school days from `from` to `to` inclusive.
///
/// * School days follow the enrolments: on each date the calendar of the school the pupil is
///   enrolled at on that date applies ([`pupil_school_days`]).
/// * `registrations` are `(date, slot, code)` in stored order; for the same (date, slot) a later
///   one replaces an earlier one (erstattet registrering).
/// * Registrations on dates that are not the pupil's school days (weekends, holidays, outside
///   enrolment or outside the range) are ignored.
pub fn tally_days<'a, S: 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    from: NaiveDate,
    to: NaiveDate,
) -> TalliedDays {
    let dates = pupil_school_days(enrolments, calendar_of, from, to);
    let mut tallies = vec![DayTally::default(); dates.len()];
    if dates.is_empty() {
        return TalliedDays { dates, tallies };
    }
    let (first, last) = (dates[0], dates[dates.len() - 1]);
    // Positions of the registrations that can count, sorted by (date, slot) and, for equal
    // keys, by stored order (stable sort), so the last of each run is the one in force.
    let mut in_range: Vec<usize> = (0..registrations.len())
        .filter(|&i| (first..=last).contains(&registrations[i].0))
        .collect();
    in_range.sort_by_key(|&i| (registrations[i].0, registrations[i].1));
    let mut day = 0;
    for (n, &i) in in_range.iter().enumerate() {
        let (date, slot, code) = registrations[i];
        let replaced = in_range
            .get(n + 1)
            .is_some_and(|&j| registrations[j].0 == date && registrations[j].1 == slot);
        if replaced {
            continue;
        }
        while dates[day] < date {
            day += 1;
        }
        if dates[day] == date {
            tallies[day].add(code);
        }
    }
    TalliedDays { dates, tallies }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Code::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn replaced_and_ignored_registrations() {
        let cal = SchoolCalendar {
            holidays: [d("2024-10-16")].into(),
        };
        let enrolments = [EnrolmentPeriod {
            school: (),
            from: d("2024-10-14"),
            to: Some(d("2024-10-21")),
        }];
        let regs = [
            (d("2024-10-14"), 1, Sickness),
            (d("2024-10-14"), 2, Sickness),
            (d("2024-10-15"), 2, Present),
            (d("2024-10-15"), 1, Unlawful),
            // Replaces the sickness registration of the 14th, slot 1.
            (d("2024-10-14"), 1, Present),
            // School holiday, weekend, before enrolment, after enrolment: ignored.
            (d("2024-10-16"), 1, Sickness),
            (d("2024-10-19"), 1, Sickness),
            (d("2024-10-11"), 1, Sickness),
            (d("2024-10-22"), 1, Sickness),
            // Replaced twice: the last one counts.
            (d("2024-10-17"), 1, Sickness),
            (d("2024-10-17"), 1, Late),
            (d("2024-10-17"), 1, Lawful),
        ];
        let got = tally_days(&enrolments, |_| &cal, &regs, d("2024-10-01"), d("2024-10-31"));
        assert_eq!(
            got.dates,
            ["2024-10-14", "2024-10-15", "2024-10-17", "2024-10-18", "2024-10-21"].map(d)
        );
        assert_eq!(got.tallies[0], DayTally::of_codes([Present, Sickness]));
        assert_eq!(got.tallies[0].value_halves(), 1);
        assert_eq!(got.tallies[1], DayTally::of_codes([Unlawful, Present]));
        assert_eq!(got.tallies[2], DayTally::of_codes([Lawful]));
        assert_eq!(got.tallies[2].value_halves(), 2);
        assert_eq!(got.missing().collect::<Vec<_>>(), [d("2024-10-18"), d("2024-10-21")]);
        // A narrower range ignores registrations outside it.
        let got = tally_days(&enrolments, |_| &cal, &regs, d("2024-10-15"), d("2024-10-15"));
        assert_eq!(got.dates, [d("2024-10-15")]);
        assert_eq!(got.tallies, [DayTally::of_codes([Unlawful, Present])]);
        // No school days.
        let got = tally_days(&enrolments, |_| &cal, &regs, d("2024-10-19"), d("2024-10-20"));
        assert_eq!(got, TalliedDays::default());
    }
}
