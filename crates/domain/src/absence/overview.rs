//! Fraværsoverblik (absence overview): school days summed the way the overview pages show
//! them — the absence split by S/L/U (each day's value divided between its absence codes in
//! proportion to their registrations) and the absence per week. A class, a school or the
//! municipality is the sum of its pupils' summaries, so a pupil's summary can be kept and only
//! the changed pupils summed again.

use chrono::{Datelike, Days, NaiveDate};

use super::{Code, DayTally};
use crate::deadlines::Month;

/// Summed school days of one pupil or a group, from the Monday of `first`'s week.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Monday of the first week.
    start: NaiveDate,
    pub pupils: usize,
    /// School days (a pupil's day counts once per pupil).
    pub days: u64,
    /// School days without any registration.
    pub missing: u64,
    /// Day values (in days) of sickness, lawful and unlawful absence.
    pub sick: f64,
    pub lawful: f64,
    pub unlawful: f64,
    /// Per week from `start`: (day values in half-days, school days).
    weeks: Vec<(u32, u32)>,
    /// Per calendar month from the month of `first`.
    months: Vec<MonthSums>,
    first_month: Month,
}

/// A month's school days and absence in a [`Summary`] (days, and day values in days).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthSums {
    pub days: u64,
    pub sick: f64,
    pub lawful: f64,
    pub unlawful: f64,
}

impl MonthSums {
    fn add(&mut self, other: &MonthSums) {
        self.days += other.days;
        self.sick += other.sick;
        self.lawful += other.lawful;
        self.unlawful += other.unlawful;
    }

    /// The absence as shares of the school days; all 0 without school days.
    pub fn split(&self) -> Split {
        shares(self.days, self.sick, self.lawful, self.unlawful)
    }
}

fn shares(days: u64, s: f64, l: f64, u: f64) -> Split {
    if days == 0 {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let n = days as f64;
    (100.0 * s / n, 100.0 * l / n, 100.0 * u / n, 100.0 * (s + l + u) / n)
}

/// Shares of school days in per cent: (sick, lawful, unlawful, total).
pub type Split = (f64, f64, f64, f64);

impl Summary {
    /// An empty group whose weeks count from the week of `first`.
    pub fn new(first: NaiveDate) -> Summary {
        Summary {
            start: first - Days::new(u64::from(first.weekday().num_days_from_monday())),
            pupils: 0,
            days: 0,
            missing: 0,
            sick: 0.0,
            lawful: 0.0,
            unlawful: 0.0,
            weeks: Vec::new(),
            months: Vec::new(),
            first_month: Month::of(first),
        }
    }

    /// One pupil, without school days yet; [`Summary::add_day`] adds them.
    pub fn pupil(first: NaiveDate) -> Summary {
        Summary {
            pupils: 1,
            ..Summary::new(first)
        }
    }

    /// Adds a school day (from `first` on) with the codes in force that day.
    pub fn add_day(&mut self, date: NaiveDate, codes: &[Code]) {
        let tally = DayTally::of_codes(codes.iter().copied());
        let week = ((date - self.start).num_days() / 7) as usize;
        if self.weeks.len() <= week {
            self.weeks.resize(week + 1, (0, 0));
        }
        self.weeks[week].0 += tally.value_halves();
        self.weeks[week].1 += 1;
        self.days += 1;
        if tally.is_missing() {
            self.missing += 1;
        }
        let mut day = MonthSums {
            days: 1,
            ..MonthSums::default()
        };
        let absent = codes.iter().filter(|c| c.is_absence()).count();
        if absent > 0 {
            let value = f64::from(tally.value_halves()) / 2.0;
            let share = |code: Code| value * codes.iter().filter(|c| **c == code).count() as f64 / absent as f64;
            day.sick = share(Code::Sickness);
            day.lawful = share(Code::Lawful);
            day.unlawful = share(Code::Unlawful);
        }
        self.sick += day.sick;
        self.lawful += day.lawful;
        self.unlawful += day.unlawful;
        let month = self.first_month.months_until(Month::of(date));
        if self.months.len() <= month {
            self.months.resize(month + 1, MonthSums::default());
        }
        self.months[month].add(&day);
    }

    /// Adds a pupil's (or another group's) summary counted from the same week.
    pub fn add(&mut self, other: &Summary) {
        debug_assert_eq!(self.start, other.start, "summaries of the same school year");
        self.pupils += other.pupils;
        self.days += other.days;
        self.missing += other.missing;
        self.sick += other.sick;
        self.lawful += other.lawful;
        self.unlawful += other.unlawful;
        if self.weeks.len() < other.weeks.len() {
            self.weeks.resize(other.weeks.len(), (0, 0));
        }
        for (mine, theirs) in self.weeks.iter_mut().zip(&other.weeks) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
        if self.months.len() < other.months.len() {
            self.months.resize(other.months.len(), MonthSums::default());
        }
        for (mine, theirs) in self.months.iter_mut().zip(&other.months) {
            mine.add(theirs);
        }
    }

    /// The absence as shares of the school days; all 0 without school days.
    pub fn split(&self) -> Split {
        shares(self.days, self.sick, self.lawful, self.unlawful)
    }

    /// The school days and absence of month `month` (nothing outside the summary).
    pub fn month(&self, month: Month) -> MonthSums {
        if month < self.first_month {
            return MonthSums::default();
        }
        self.months
            .get(self.first_month.months_until(month))
            .copied()
            .unwrap_or_default()
    }

    /// The months `from..=to` summed.
    pub fn months(&self, from: Month, to: Month) -> MonthSums {
        let mut sums = MonthSums::default();
        let mut m = from;
        while m <= to {
            sums.add(&self.month(m));
            m = m.next();
        }
        sums
    }

    /// Absence per ISO week with school days, in per cent: (week number, per cent).
    pub fn weekly(&self) -> Vec<(u32, f64)> {
        self.weeks
            .iter()
            .enumerate()
            .filter(|(_, (_, days))| *days > 0)
            .map(|(i, (halves, days))| {
                let monday = self.start + Days::new(7 * i as u64);
                (monday.iso_week().week(), 50.0 * f64::from(*halves) / f64::from(*days))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn pupil(first: NaiveDate, days: &[(&str, &[Code])]) -> Summary {
        let mut s = Summary::pupil(first);
        for (d, codes) in days {
            s.add_day(date(d), codes);
        }
        s
    }

    #[test]
    fn split_divides_day_values_by_code() {
        use Code::*;
        let days: [(&str, &[Code]); 4] = [
            ("2024-08-12", &[Sickness, Sickness]),
            ("2024-08-13", &[Present, Unlawful]),
            ("2024-08-14", &[Present, Present]),
            ("2024-08-15", &[Lawful, Unlawful]),
        ];
        // Values: 1, 0.5, 0, 1 (split 0.5 L + 0.5 U) of 4 days.
        let s = pupil(date("2024-08-12"), &days);
        assert_eq!(s.split(), (25.0, 12.5, 25.0, 62.5));
        assert_eq!(s.weekly(), [(33, 62.5)]);
        let aug = Month { year: 2024, month: 8 };
        assert_eq!(s.month(aug).split(), s.split());
        assert_eq!(s.month(aug.next()), MonthSums::default());
    }

    #[test]
    fn a_group_is_the_sum_of_its_pupils_week_by_week() {
        use Code::*;
        let first = date("2024-08-08"); // a Thursday: week 32 starts on Monday 5 August
        let a = pupil(
            first,
            &[
                ("2024-08-08", &[Sickness, Sickness]),
                ("2024-08-19", &[Present, Present]),
            ],
        );
        let b = pupil(first, &[("2024-08-09", &[])]);
        let mut group = Summary::new(first);
        group.add(&a);
        group.add(&b);
        assert_eq!((group.pupils, group.days, group.missing), (2, 3, 1));
        // Week 32: 2 halves over 2 days; week 33 has no school days and is left out; week 34: 0.
        assert_eq!(group.weekly(), [(32, 50.0), (34, 0.0)]);
        assert_eq!(Summary::new(first).split(), (0.0, 0.0, 0.0, 0.0));
        let (aug, sep) = (Month { year: 2024, month: 8 }, Month { year: 2024, month: 9 });
        assert_eq!(group.month(aug).days, 3);
        assert_eq!(group.months(Month { year: 2024, month: 7 }, sep).split(), group.split());
    }
}
