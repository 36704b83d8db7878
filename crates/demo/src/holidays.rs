//! Typical Danish school holidays for a school year: summer (until the Monday of week 33 and
//! from the Saturday of week 26), autumn (week 42), Christmas, winter (week 7), Easter
//! (Monday–Wednesday before skærtorsdag) and the Friday after Kristi himmelfartsdag.

use chrono::Days;
use trivsel_domain::calendar::{SchoolYear, dates, easter_sunday, is_working_day, plus_days};
use trivsel_domain::{NaiveDate, Weekday};

fn week(year: i32, week: u32, day: Weekday) -> NaiveDate {
    NaiveDate::from_isoywd_opt(year, week, day).expect("valid ISO week")
}

/// Weekday dates that are not public holidays (the only ones worth storing).
pub fn school_holidays(year: SchoolYear) -> Vec<NaiveDate> {
    let (start, end) = (year.0, year.0 + 1);
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let easter = easter_sunday(end);
    let ranges = [
        (
            year.first_day(),
            week(start, 33, Weekday::Mon).pred_opt().expect("date"),
        ),
        (week(start, 42, Weekday::Mon), week(start, 42, Weekday::Fri)),
        (ymd(start, 12, 21), ymd(end, 1, 2)),
        (week(end, 7, Weekday::Mon), week(end, 7, Weekday::Fri)),
        (easter - Days::new(6), easter - Days::new(4)),
        (plus_days(easter, 40), plus_days(easter, 40)),
        (week(end, 26, Weekday::Sat), year.last_day()),
    ];
    let mut days: Vec<NaiveDate> = ranges
        .iter()
        .flat_map(|(from, to)| dates(*from, *to))
        .filter(|d| is_working_day(*d))
        .collect();
    days.sort();
    days.dedup();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_year_2025_holidays() {
        let days = school_holidays(SchoolYear(2025));
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Summer until Friday 8 August 2025; school starts Monday 11 August (week 33).
        assert!(days.contains(&d("2025-08-08")) && !days.contains(&d("2025-08-11")));
        // Autumn holiday, week 42.
        assert!(days.contains(&d("2025-10-13")) && days.contains(&d("2025-10-17")));
        // Easter 2026 is 5 April: Monday–Wednesday 30 March – 1 April.
        assert!(days.contains(&d("2026-03-30")) && days.contains(&d("2026-04-01")));
        // Friday after Kristi himmelfart (14 May 2026).
        assert!(days.contains(&d("2026-05-15")));
        // Public holidays and weekends are not stored.
        assert!(!days.contains(&d("2025-12-25")) && !days.contains(&d("2025-10-18")));
    }
}
