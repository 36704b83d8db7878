//! Halvår (half year) of the status report: 1. halvår is January–June, 2. halvår
//! July–December.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HalfYear {
    pub year: i32,
    /// 1 or 2.
    pub half: u32,
}

impl HalfYear {
    pub fn of(date: NaiveDate) -> HalfYear {
        HalfYear {
            year: date.year(),
            half: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, if self.half == 1 { 1 } else { 7 }, 1).expect("valid date")
    }

    pub fn last_day(self) -> NaiveDate {
        if self.half == 1 {
            NaiveDate::from_ymd_opt(self.year, 6, 30)
        } else {
            NaiveDate::from_ymd_opt(self.year, 12, 31)
        }
        .expect("valid date")
    }

    pub fn previous(self) -> HalfYear {
        if self.half == 1 {
            HalfYear {
                year: self.year - 1,
                half: 2,
            }
        } else {
            HalfYear {
                year: self.year,
                half: 1,
            }
        }
    }

    /// `2026-2`, as in addresses and forms.
    pub fn id(self) -> String {
        format!("{}-{}", self.year, self.half)
    }

    /// `2026-2` back; `None` for anything else.
    pub fn parse(value: &str) -> Option<HalfYear> {
        let (y, h) = value.trim().split_once('-')?;
        let year: i32 = y.parse().ok()?;
        let half: u32 = h.parse().ok()?;
        ((1..=2).contains(&half) && (2000..=2100).contains(&year)).then_some(HalfYear { year, half })
    }

    /// Danish, e.g. «2. halvår 2026».
    pub fn label(self) -> String {
        format!("{}. halvår {}", self.half, self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn halves_split_the_calendar_year_at_july() {
        let h = HalfYear::of(d("2026-12-01"));
        assert_eq!(h.label(), "2. halvår 2026");
        assert_eq!((h.first_day(), h.last_day()), (d("2026-07-01"), d("2026-12-31")));
        assert_eq!(HalfYear::of(d("2026-06-30")).half, 1);
        assert_eq!(h.previous().previous(), HalfYear { year: 2025, half: 2 });
        assert_eq!(HalfYear::parse(&h.id()), Some(h));
        assert_eq!(HalfYear::parse("2026-3"), None);
        assert_eq!(HalfYear::parse("x"), None);
    }
}
