//! Deadlines (frister) the software tracks.

use chrono::{Datelike, Months, NaiveDate};

use crate::calendar::SchoolYear;

/// A calendar month, e.g. 2026-09.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    pub fn next(self) -> Month {
        Month::of(self.first_day() + Months::new(1))
    }

    /// Whole months from `self` to `later` (0 for the same month; `later` not before `self`).
    pub fn months_until(self, later: Month) -> usize {
        let index = |m: Month| m.year as i64 * 12 + i64::from(m.month);
        (index(later) - index(self)).max(0) as usize
    }

    /// `YYYY-MM`.
    pub fn id(self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }

    pub fn parse(value: &str) -> Option<Month> {
        let (y, m) = value.split_once('-')?;
        let month = Month {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        (1..=12).contains(&month.month).then_some(month)
    }

    /// Danish name, e.g. «september 2026».
    pub fn navn(self) -> String {
        const NAMES: [&str; 12] = [
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ];
        format!("{} {}", NAMES[self.month as usize - 1], self.year)
    }
}

/// Månedlig gennemgang (monthly absence review): a class's absence for a month must be reviewed
/// by the leadership by the end of the following month.
pub fn monthly_review_deadline(month: Month) -> NaiveDate {
    month.next().next().first_day().pred_opt().expect("valid date")
}

/// The months of the school year of `today` (from August) whose review deadline has passed
/// and that are not in `reviewed`.
pub fn overdue_reviews(today: NaiveDate, reviewed: &[Month]) -> Vec<Month> {
    let mut month = Month::of(SchoolYear::of(today).first_day());
    let mut out = Vec::new();
    while monthly_review_deadline(month) < today {
        if !reviewed.contains(&month) {
            out.push(month);
        }
        month = month.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn review_is_due_by_the_end_of_the_following_month() {
        let sep = Month { year: 2026, month: 9 };
        assert_eq!(monthly_review_deadline(sep), d("2026-10-31"));
        assert_eq!(
            monthly_review_deadline(Month { year: 2026, month: 12 }),
            d("2027-01-31")
        );
        assert_eq!(Month::parse("2026-09"), Some(sep));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(sep.navn(), "september 2026");
    }

    #[test]
    fn overdue_months_of_the_school_year() {
        let aug = Month { year: 2026, month: 8 };
        let sep = Month { year: 2026, month: 9 };
        // On 30 September August is not yet overdue; on 1 October it is.
        assert!(overdue_reviews(d("2026-09-30"), &[]).is_empty());
        assert_eq!(overdue_reviews(d("2026-10-01"), &[]), [aug]);
        assert_eq!(overdue_reviews(d("2026-11-23"), &[]), [aug, sep]);
        assert_eq!(overdue_reviews(d("2026-11-23"), &[aug]), [sep]);
        // A new school year starts afresh.
        assert!(overdue_reviews(d("2027-08-15"), &[]).is_empty());
    }
}
