//! Regelmotoren (the rule kernel): evaluates the absence rules over one pupil's school days in
//! one school year, in a single pass with running sums.

use super::{DayTally, Rule, Thresholds};

/// Which rules hold on one day, one bit per rule at [`Rule::index`].
type Mask = u8;

fn bit(rule: Rule) -> Mask {
    1 << rule.index()
}

/// Walks the days once and calls `on_day(d, holds)` with the rules whose condition holds on
/// day `d`. Windows are running sums: the day entering is added and the day leaving (`w` days
/// back) subtracted, so the cost is O(days) whatever the window lengths.
#[inline]
fn scan(tallies: &[DayTally], t: &Thresholds, mut on_day: impl FnMut(usize, Mask)) {
    let short_w = t.short_window_days as usize;
    let long_w = t.long_window_days as usize;
    let cg_w = t.comes_and_goes_days as usize;
    // Fravær i træk: length of the run of value-1 days ending at d.
    let mut run: u32 = 0;
    // 7 af 20 / 15 af 60: value sums (half-days) over the last `short_w` / `long_w` days.
    let mut short: u32 = 0;
    let mut long: u32 = 0;
    // Kommer og går: F/T registrations over the last `cg_w` days.
    let mut late: u32 = 0;
    // 10 %: value sum (half-days) since the start of the school year.
    let mut total: u64 = 0;
    for (d, day) in tallies.iter().enumerate() {
        let v = day.value_halves();
        run = if v == 2 { run + 1 } else { 0 };
        short += v;
        long += v;
        total += u64::from(v);
        late += u32::from(day.late_or_left);
        if d >= short_w {
            short -= tallies[d - short_w].value_halves();
        }
        if d >= long_w {
            long -= tallies[d - long_w].value_halves();
        }
        if d >= cg_w {
            late -= u32::from(tallies[d - cg_w].late_or_left);
        }
        let days = d as u64 + 1;
        let mut holds: Mask = 0;
        if run >= t.consecutive_days {
            holds |= bit(Rule::Consecutive);
        }
        if short >= t.short_window_halves {
            holds |= bit(Rule::Window7of20);
        }
        if long >= t.long_window_halves {
            holds |= bit(Rule::Window15of60);
        }
        if late >= t.comes_and_goes_count {
            holds |= bit(Rule::ComesAndGoes);
        }
        if days >= u64::from(t.percent_min_days) && t.reaches_percent(total, days) {
            holds |= bit(Rule::Percent10);
        }
        on_day(d, holds);
    }
}

/// Evaluates the absence rules (fraværsreglerne) for ONE pupil's school days in ONE school year,
/// in order from the first school day of the school year (or of the pupil's enrolment in it).
///
/// `tallies[d]` is school day d. A rule *triggers* (udløses) on day d when its condition holds
/// on d and did not hold on day d − 1 (or d = 0); for every trigger `emit(d, rule)` is called,
/// days in order and, within a day, rules in [`Rule::ALL`] order. One pass, O(days), no
/// allocation.
pub fn evaluate(tallies: &[DayTally], t: &Thresholds, mut emit: impl FnMut(usize, Rule)) {
    let mut before: Mask = 0;
    scan(tallies, t, |d, holds| {
        let new = holds & !before;
        before = holds;
        if new != 0 {
            for rule in Rule::ALL {
                if new & bit(rule) != 0 {
                    emit(d, rule);
                }
            }
        }
    });
}

/// The triggers of [`evaluate`] as a list of (day index, rule).
pub fn triggers(tallies: &[DayTally], t: &Thresholds) -> Vec<(usize, Rule)> {
    let mut out = Vec::new();
    evaluate(tallies, t, |d, rule| out.push((d, rule)));
    out
}

/// The rules whose condition holds on the last of the days (reglerne der gælder nu), in
/// [`Rule::ALL`] order; empty for no days.
pub fn holding_at_end(tallies: &[DayTally], t: &Thresholds) -> Vec<Rule> {
    let mut last: Mask = 0;
    scan(tallies, t, |_, holds| last = holds);
    Rule::ALL.into_iter().filter(|r| last & bit(*r) != 0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::absence::Code;
    use Rule::*;

    /// Days from letters, one day per group separated by spaces: `"SS PS -"` is a day of two
    /// sickness registrations, a half day, and a day without registrations.
    fn days(spec: &str) -> Vec<DayTally> {
        spec.split_whitespace()
            .map(|day| DayTally::of_codes(day.chars().filter(|c| *c != '-').map(|c| Code::from_char(c).unwrap())))
            .collect()
    }

    fn repeat(day: &str, n: usize) -> String {
        vec![day; n].join(" ")
    }

    fn only(rule: Rule, tallies: &[DayTally], t: &Thresholds) -> Vec<usize> {
        triggers(tallies, t)
            .into_iter()
            .filter(|(_, r)| *r == rule)
            .map(|(d, _)| d)
            .collect()
    }

    /// Thresholds where only `rule` can hold (the others are out of reach).
    fn just(rule: Rule) -> Thresholds {
        let d = Thresholds::default();
        let never = u32::MAX;
        Thresholds {
            consecutive_days: if rule == Consecutive { 5 } else { never },
            short_window_halves: if rule == Window7of20 { 14 } else { never },
            long_window_halves: if rule == Window15of60 { 30 } else { never },
            comes_and_goes_count: if rule == ComesAndGoes { 5 } else { never },
            percent_min_days: if rule == Percent10 { 20 } else { never },
            ..d
        }
    }

    #[test]
    fn consecutive_needs_exactly_five_full_days() {
        let t = just(Consecutive);
        assert!(only(Consecutive, &days(&repeat("SS", 4)), &t).is_empty());
        assert_eq!(only(Consecutive, &days(&repeat("SS", 5)), &t), [4]);
        // It keeps holding on day 6 and 7: no new trigger.
        assert_eq!(only(Consecutive, &days(&repeat("SU", 7)), &t), [4]);
        // A half day breaks the run.
        let broken = format!("{} SP {}", repeat("SS", 4), repeat("LL", 4));
        assert!(only(Consecutive, &days(&broken), &t).is_empty());
    }

    #[test]
    fn missing_registration_breaks_a_run_and_counts_zero() {
        let t = Thresholds::default();
        let spec = format!("{} - {}", repeat("SS", 4), repeat("SS", 4));
        assert!(only(Consecutive, &days(&spec), &t).is_empty());
        // The missing day counts 0: 7 is reached on day 7 (4 + 3), not on day 6.
        assert_eq!(only(Window7of20, &days(&spec), &t), [7]);
        let spec = format!("{} - {}", repeat("SS", 3), repeat("SS", 3));
        assert!(only(Window7of20, &days(&spec), &t).is_empty());
    }

    #[test]
    fn late_and_left_early_are_present() {
        let t = Thresholds::default();
        let tallies = days(&repeat("FT", 30));
        let got = triggers(&tallies, &t);
        // Only comes-and-goes: 2 per day, so 5 are reached on day 3 (index 2).
        assert_eq!(got, [(2, ComesAndGoes)]);
    }

    #[test]
    fn window_20_six_and_a_half_is_not_seven() {
        let t = just(Window7of20);
        // 6 full days and a half day: 6.5.
        let spec = format!("{} PS {}", repeat("SS", 6), repeat("PP", 13));
        assert!(only(Window7of20, &days(&spec), &t).is_empty());
        // 6 full days and two half days: 7.
        let spec = format!("PS {} PU {}", repeat("SS", 6), repeat("PP", 12));
        assert_eq!(only(Window7of20, &days(&spec), &t), [7]);
        // Half days are 0.5 in per-lesson registration too.
        let spec = format!("{} PPPPPS", repeat("SSSSSS", 6));
        assert!(only(Window7of20, &days(&spec), &t).is_empty());
    }

    #[test]
    fn window_20_slides() {
        let t = just(Window7of20);
        // 7 days of absence spread so that the first and the last are 20 days apart:
        // days 0..=5 absent, day 20 absent. At day 20 the window is days 1..=20: 6 days.
        let spec = format!("{} {} SS", repeat("SS", 6), repeat("PP", 14));
        assert!(only(Window7of20, &days(&spec), &t).is_empty());
        // Day 19 instead: window 0..=19 holds all 7.
        let spec = format!("{} {} SS", repeat("SS", 6), repeat("PP", 13));
        assert_eq!(only(Window7of20, &days(&spec), &t), [19]);
    }

    #[test]
    fn windows_are_shorter_at_the_start_of_the_school_year() {
        let t = just(Window7of20);
        // 7 absent days among the first 8 school days: the window has only 8 days.
        let spec = "SS SS SS PP SS SS SS SS";
        assert_eq!(only(Window7of20, &days(spec), &t), [7]);
        let t = just(Window15of60);
        let spec = repeat("SS", 15);
        assert_eq!(only(Window15of60, &days(&spec), &t), [14]);
        // 14.5 in 60 days does not hold.
        let spec = format!("{} PS {}", repeat("SS", 14), repeat("PP", 45));
        assert!(only(Window15of60, &days(&spec), &t).is_empty());
    }

    #[test]
    fn window_60_slides() {
        let t = just(Window15of60);
        // 15 absent days: 14 at the start, the 15th exactly 60 days after the first.
        let spec = format!("{} {} SS", repeat("SS", 14), repeat("PP", 46));
        assert!(only(Window15of60, &days(&spec), &t).is_empty());
        let spec = format!("{} {} SS", repeat("SS", 14), repeat("PP", 45));
        assert_eq!(only(Window15of60, &days(&spec), &t), [59]);
    }

    #[test]
    fn comes_and_goes_counts_registrations_over_20_days() {
        let t = just(ComesAndGoes);
        // 4 F/T in 20 days: no.
        let spec = format!("FP {} PT PF FP", repeat("PP", 16));
        assert!(only(ComesAndGoes, &days(&spec), &t).is_empty());
        // A fifth one on day 19: yes.
        let spec = format!("FP {} PT PF FP PT", repeat("PP", 15));
        assert_eq!(only(ComesAndGoes, &days(&spec), &t), [19]);
        // The fifth on day 20 is too late: the first has left the window.
        let spec = format!("FP {} PT PF FP PT", repeat("PP", 16));
        assert!(only(ComesAndGoes, &days(&spec), &t).is_empty());
        // Two on one day count twice.
        assert_eq!(only(ComesAndGoes, &days("FT PP FT PP TP"), &t), [4]);
    }

    #[test]
    fn percent_needs_twenty_school_days() {
        let t = just(Percent10);
        // 3 absent days in the first 19: 15.8 % but too early; on day 20 (index 19) 3/20 holds.
        let spec = format!("SS SS SS {}", repeat("PP", 17));
        assert_eq!(only(Percent10, &days(&spec), &t), [19]);
        // Exactly 10 % on day 20: 2 of 20.
        let spec = format!("SS SS {}", repeat("PP", 18));
        assert_eq!(only(Percent10, &days(&spec), &t), [19]);
        // 1.5 of 20 is 7.5 %: no; then 2 of 21 is 9.5 %: no; 2.5 of 22 is 11.4 %: yes.
        let spec = format!("SS PS {} PS PS", repeat("PP", 18));
        assert_eq!(only(Percent10, &days(&spec), &t), [21]);
        // It stops holding as the share falls under 10 %: 2 of 20 holds, 2 of 21 does not.
        let spec = format!("SS SS {}", repeat("PP", 19));
        let tallies = days(&spec);
        assert_eq!(holding_at_end(&tallies[..20], &t), [Percent10]);
        assert!(holding_at_end(&tallies, &t).is_empty());
    }

    #[test]
    fn retriggers_after_the_condition_stops_holding() {
        let t = just(Consecutive);
        let spec = format!("{} PP {}", repeat("SS", 5), repeat("UU", 6));
        assert_eq!(only(Consecutive, &days(&spec), &t), [4, 10]);
        let t = just(Percent10);
        // 2/20 holds at 19, 2/21 not, then 3/22 holds again at 21.
        let spec = format!("SS SS {} PP SS", repeat("PP", 18));
        assert_eq!(only(Percent10, &days(&spec), &t), [19, 21]);
    }

    #[test]
    fn all_rules_with_defaults_and_holding_now() {
        let t = Thresholds::default();
        let spec = format!("{} {}", repeat("SS", 20), repeat("FP", 5));
        let tallies = days(&spec);
        assert_eq!(
            triggers(&tallies, &t),
            [
                (4, Consecutive),
                (6, Window7of20),
                (14, Window15of60),
                (19, Percent10),
                (24, ComesAndGoes),
            ]
        );
        assert_eq!(
            holding_at_end(&tallies, &t),
            [Window7of20, Window15of60, ComesAndGoes, Percent10]
        );
        assert!(holding_at_end(&[], &t).is_empty());
        assert!(triggers(&[], &t).is_empty());
    }

    #[test]
    fn several_rules_on_one_day_come_in_rule_order() {
        let t = Thresholds {
            consecutive_days: 2,
            short_window_halves: 4,
            ..Thresholds::default()
        };
        assert_eq!(triggers(&days("SS SS"), &t), [(1, Consecutive), (1, Window7of20)]);
    }

    #[test]
    fn zero_length_windows_sum_nothing() {
        let t = Thresholds {
            short_window_days: 0,
            short_window_halves: 1,
            long_window_days: 0,
            long_window_halves: 1,
            comes_and_goes_days: 0,
            comes_and_goes_count: 1,
            ..Thresholds::default()
        };
        assert!(triggers(&days(&repeat("SF", 3)), &t).is_empty());
    }
}
