//! Trivselshjul (the school's annual well-being wheel, seed 000): the school year in four
//! periods ([`PERIODS`]) with preventive activities at the school's three levels — school,
//! year group, class ([`Level`]) — each with a responsible person or team and dates. An
//! activity with a responsible person becomes that person's task; it is ticked off with a note.
//! A school year's wheel is copied to the next with the dates moved a year ([`shift_year`]).

use chrono::{Datelike, NaiveDate};

use crate::calendar::SchoolYear;
use crate::stored::stored_enum;

/// The periods of the school year: (name, first month, last month).
pub const PERIODS: [(&str, u32, u32); 4] = [
    ("August–oktober", 8, 10),
    ("November–december", 11, 12),
    ("Januar–marts", 1, 3),
    ("April–juni", 4, 6),
];

/// The period a date falls in (July, the summer holiday, in none).
pub fn period_of(date: NaiveDate) -> Option<usize> {
    PERIODS
        .iter()
        .position(|(_, from, to)| (*from..=*to).contains(&date.month()))
}

/// The first and last day of a period in a school year.
pub fn period_dates(year: SchoolYear, period: usize) -> (NaiveDate, NaiveDate) {
    let (_, from, to) = PERIODS[period];
    let calendar_year = if from >= 8 { year.0 } else { year.0 + 1 };
    let first = NaiveDate::from_ymd_opt(calendar_year, from, 1).expect("date");
    let next = if to == 12 {
        NaiveDate::from_ymd_opt(calendar_year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(calendar_year, to + 1, 1)
    }
    .expect("date");
    (first, next.pred_opt().expect("date"))
}

stored_enum! {
    /// The level an activity is for (niveau).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Level {
        School = ("skole", "Skolen"),
        YearGroup = ("aargang", "Årgang"),
        Class = ("klasse", "Klasse"),
    }
}

/// The wheel a school starts from: the seed's activities, one per period, at school level.
pub const DEFAULT_ACTIVITIES: [(usize, &str); 4] = [
    (0, "Klasseregler og trivselsdag i alle klasser"),
    (1, "Skolens trivselsstrategi vedtages"),
    (2, "National trivselsdag og forebyggelse af overgreb"),
    (3, "Den nationale trivselsmåling og evaluering af årets trivselsarbejde"),
];

/// A date moved by `years` school years (29 February becomes 28 February).
pub fn shift_year(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
        .expect("date")
}

/// An activity's status on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Done,
    Overdue,
    Upcoming,
}

impl Status {
    pub fn of(done: bool, due: NaiveDate, today: NaiveDate) -> Self {
        match (done, due < today) {
            (true, _) => Status::Done,
            (false, true) => Status::Overdue,
            (false, false) => Status::Upcoming,
        }
    }

    pub fn navn(self) -> &'static str {
        match self {
            Status::Done => "Udført",
            Status::Overdue => "Overskredet",
            Status::Upcoming => "Kommende",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_cover_the_school_year_but_july() {
        assert_eq!(period_of(d("2026-12-01")), Some(1));
        assert_eq!(period_of(d("2027-02-15")), Some(2));
        assert_eq!(period_of(d("2027-07-10")), None);
        assert_eq!(period_dates(SchoolYear(2026), 1), (d("2026-11-01"), d("2026-12-31")));
        assert_eq!(period_dates(SchoolYear(2026), 3), (d("2027-04-01"), d("2027-06-30")));
    }

    #[test]
    fn copying_moves_dates_a_year_and_status_follows_the_date() {
        assert_eq!(shift_year(d("2026-09-14"), 1), d("2027-09-14"));
        assert_eq!(shift_year(d("2028-02-29"), 1), d("2029-02-28"));
        assert_eq!(Status::of(false, d("2026-11-30"), d("2026-12-01")), Status::Overdue);
        assert_eq!(Status::of(true, d("2026-11-30"), d("2026-12-01")), Status::Done);
        assert_eq!(Status::of(false, d("2026-12-01"), d("2026-12-01")), Status::Upcoming);
    }
}
