//! Fraværshændelser (absence events): the rules applied to a pupil's registrations over a date
//! range, school year by school year.

use chrono::NaiveDate;

use super::{Code, Rule, Thresholds, evaluate, holding_at_end, tally_days};
use crate::calendar::{EnrolmentPeriod, SchoolCalendar, SchoolYear};

/// The trigger events (udløste regler) of one pupil dated from `from` to `to` inclusive, sorted
/// by date and then by [`Rule`] order (rule id).
///
/// Each school year (1 August – 31 July) touched by the range is evaluated from its first day,
/// so history before `from` in the same school year counts; nothing reaches back across
/// 1 August. School days follow the enrolments, and runs and windows continue across a move
/// between schools in the same school year (see [`tally_days`] for the registrations).
pub fn events<'a, S: 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    thresholds: &Thresholds,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, Rule)> {
    let mut out = Vec::new();
    if from > to {
        return out;
    }
    for year in SchoolYear::of(from).0..=SchoolYear::of(to).0 {
        let year = SchoolYear(year);
        let end = year.last_day().min(to);
        let days = tally_days(enrolments, &calendar_of, registrations, year.first_day(), end);
        evaluate(&days.tallies, thresholds, |i, rule| {
            let date = days.dates[i];
            if date >= from {
                out.push((date, rule));
            }
        });
    }
    out.sort();
    out
}

/// The rules that hold for a pupil now (reglerne der gælder nu): those whose condition holds on
/// the pupil's last school day on or before `on` in the school year of `on`, in [`Rule::ALL`]
/// order. Empty if the pupil has no school day in that school year up to `on`.
pub fn rules_holding<'a, S: 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    registrations: &[(NaiveDate, u8, Code)],
    thresholds: &Thresholds,
    on: NaiveDate,
) -> Vec<Rule> {
    let first = SchoolYear::of(on).first_day();
    let days = tally_days(enrolments, calendar_of, registrations, first, on);
    holding_at_end(&days.tallies, thresholds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{dates, is_working_day};
    use Code::*;
    use Rule::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn open(school: char, from: &str) -> EnrolmentPeriod<char> {
        EnrolmentPeriod {
            school,
            from: d(from),
            to: None,
        }
    }

    /// Two registrations with `code` on every date from `from` to `to` (weekends included:
    /// those are ignored).
    fn regs(from: &str, to: &str, code: Code) -> Vec<(NaiveDate, u8, Code)> {
        dates(d(from), d(to))
            .flat_map(|date| [(date, 1, code), (date, 2, code)])
            .collect()
    }

    #[test]
    fn range_counts_history_in_the_school_year() {
        let cal = SchoolCalendar::default();
        let enr = [open('a', "2024-08-01")];
        // Sick Monday 4 – Friday 8 November 2024: 5 school days.
        let r = regs("2024-11-04", "2024-11-08", Sickness);
        let all = events(
            &enr,
            |_| &cal,
            &r,
            &Thresholds::default(),
            d("2024-08-01"),
            d("2024-12-31"),
        );
        assert_eq!(all, [(d("2024-11-08"), Consecutive)]);
        // Asking only for Friday still finds the run that started before the range.
        let got = events(
            &enr,
            |_| &cal,
            &r,
            &Thresholds::default(),
            d("2024-11-08"),
            d("2024-11-08"),
        );
        assert_eq!(got, [(d("2024-11-08"), Consecutive)]);
        // A range ending before the fifth day has nothing.
        let got = events(
            &enr,
            |_| &cal,
            &r,
            &Thresholds::default(),
            d("2024-08-01"),
            d("2024-11-07"),
        );
        assert!(got.is_empty());
        assert!(
            events(
                &enr,
                |_| &cal,
                &r,
                &Thresholds::default(),
                d("2024-11-08"),
                d("2024-11-07"),
            )
            .is_empty()
        );
    }

    #[test]
    fn school_year_boundary_resets() {
        let cal = SchoolCalendar::default();
        let enr = [open('a', "2024-01-01")];
        // Sick Monday 29 July – Friday 2 August 2024: 3 days in 2023/24, 2 in 2024/25.
        let r = regs("2024-07-29", "2024-08-02", Sickness);
        let t = Thresholds::default();
        let got = events(&enr, |_| &cal, &r, &t, d("2024-01-01"), d("2024-12-31"));
        assert!(!got.iter().any(|(_, rule)| *rule == Consecutive), "{got:?}");
        // Without the boundary it would trigger on Friday.
        let enr_b = [open('a', "2024-01-01")];
        let r = regs("2024-07-22", "2024-07-26", Sickness);
        let got = events(&enr_b, |_| &cal, &r, &t, d("2024-07-01"), d("2024-07-31"));
        assert!(got.contains(&(d("2024-07-26"), Consecutive)));
        // Percent: after the reset the year restarts, so 20 school days are needed again.
        let r = regs("2024-08-01", "2024-08-02", Sickness);
        let got = events(&enr, |_| &cal, &r, &t, d("2024-08-01"), d("2024-12-31"));
        // 2 days of absence: 10 % holds on the 20th school day (28 August) and stops on the 21st.
        assert_eq!(got, [(d("2024-08-28"), Percent10)]);
    }

    #[test]
    fn runs_continue_across_a_move_between_schools() {
        // School a has autumn holiday in week 42 2024, school b in week 43.
        let a = SchoolCalendar {
            holidays: dates(d("2024-10-14"), d("2024-10-18")).collect(),
        };
        let b = SchoolCalendar {
            holidays: dates(d("2024-10-21"), d("2024-10-25")).collect(),
        };
        let cal = |s: &char| if *s == 'a' { &a } else { &b };
        let enr = [
            EnrolmentPeriod {
                school: 'a',
                from: d("2024-08-01"),
                to: Some(d("2024-10-09")),
            },
            open('b', "2024-10-10"),
        ];
        // Sick Monday 7 – Friday 11 October: Mon–Wed at a, Thu–Fri at b.
        let r = regs("2024-10-07", "2024-10-11", Sickness);
        let t = Thresholds::default();
        let got = events(&enr, cal, &r, &t, d("2024-08-01"), d("2024-12-31"));
        assert_eq!(got, [(d("2024-10-11"), Consecutive)]);
        // Sick Thursday 10 – Friday 11 October and Monday 14 – Wednesday 16 (school days at b,
        // holiday at a): the run follows b's calendar and reaches 5 on the 16th.
        let mut r = regs("2024-10-10", "2024-10-11", Sickness);
        r.extend(regs("2024-10-14", "2024-10-16", Sickness));
        let got = events(&enr, cal, &r, &t, d("2024-08-01"), d("2024-12-31"));
        assert_eq!(got, [(d("2024-10-16"), Consecutive)]);
        assert_eq!(rules_holding(&enr, cal, &r, &t, d("2024-10-16")), [Consecutive]);
        // The weekend after: the last school day is Friday the 18th, a school day at b with no
        // registrations, so the run is broken.
        assert!(rules_holding(&enr, cal, &r, &t, d("2024-10-19")).is_empty());
        assert!(is_working_day(d("2024-10-18")));
    }

    #[test]
    fn events_are_sorted_by_date_then_rule_id() {
        let cal = SchoolCalendar::default();
        let enr = [open('a', "2024-08-01")];
        let t = Thresholds {
            consecutive_days: 2,
            short_window_halves: 4,
            ..Thresholds::default()
        };
        let r = regs("2024-08-01", "2024-08-02", Unlawful);
        let got = events(&enr, |_| &cal, &r, &t, d("2024-08-01"), d("2024-08-20"));
        assert_eq!(got, [(d("2024-08-02"), Consecutive), (d("2024-08-02"), Window7of20)]);
    }
}
