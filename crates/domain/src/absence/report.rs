//! Indberetning af ulovligt fravær (the school's 15 % report to the municipality): the leader
//! submits the quarter's list, the municipality's fraværssagsbehandler acknowledges it, hears
//! the parents (and the child from 12 years) and decides per pupil on the child benefit
//! (børne- og ungeydelse). The deadlines here are the defaults a municipality works to.

use chrono::{Datelike, NaiveDate};

use super::Quarter;
use crate::calendar::add_working_days;
use crate::stored::stored_enum;

/// Working days after the quarter's end within which the school submits its list
/// (indberetningsfrist).
pub const SUBMISSION_WORKING_DAYS: u32 = 10;

/// Working days after a submission within which the municipality acknowledges it
/// (kvitteringsfrist).
pub const ACKNOWLEDGE_WORKING_DAYS: u32 = 5;

/// From this age the child is heard too (høring af barnet, «barnet, hvis det er fyldt 12 år»).
pub const CHILD_HEARING_AGE: u32 = 12;

stored_enum! {
    /// The municipality's decision on the child benefit for the quarter (afgørelse).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum BenefitDecision {
        Stopped = ("standses", "Børne- og ungeydelsen standses for kvartalet"),
        NotStopped = ("standses_ikke", "Børne- og ungeydelsen standses ikke"),
    }
}

/// The last day on which the school's list for `quarter` is on time.
pub fn submission_deadline(quarter: Quarter) -> NaiveDate {
    add_working_days(quarter.last_day(), SUBMISSION_WORKING_DAYS)
}

/// The last day on which a list submitted on `submitted_on` is acknowledged on time.
pub fn acknowledge_deadline(submitted_on: NaiveDate) -> NaiveDate {
    add_working_days(submitted_on, ACKNOWLEDGE_WORKING_DAYS)
}

/// A school's list is due for the quarter before the running one (the last complete quarter).
pub fn quarter_due(today: NaiveDate) -> Quarter {
    Quarter::of(today).previous()
}

/// A quarter's list may be submitted once the quarter has ended.
pub fn may_submit(quarter: Quarter, today: NaiveDate) -> bool {
    quarter.last_day() < today
}

/// Age in whole years on `on`.
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Whether the child is to be heard before a decision made on `decided_on`.
pub fn child_is_heard(birth_date: NaiveDate, decided_on: NaiveDate) -> bool {
    age_on(birth_date, decided_on) >= CHILD_HEARING_AGE
}

/// What a decision needs (høring før afgørelse): the parents heard, and the child too if 12
/// or older on the day of the decision, both no later than the decision. The message names
/// what is missing, in Danish.
pub fn check_decision(
    birth_date: NaiveDate,
    decided_on: NaiveDate,
    parents_heard_on: Option<NaiveDate>,
    child_heard_on: Option<NaiveDate>,
) -> Result<(), &'static str> {
    match parents_heard_on {
        None => return Err("Forældrene skal høres, før der træffes afgørelse."),
        Some(d) if d > decided_on => return Err("Forældrene skal være hørt senest på afgørelsens dato."),
        Some(_) => {}
    }
    if child_is_heard(birth_date, decided_on) {
        match child_heard_on {
            None => return Err("Barnet er fyldt 12 år og skal høres, før der træffes afgørelse."),
            Some(d) if d > decided_on => return Err("Barnet skal være hørt senest på afgørelsens dato."),
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn deadlines_count_working_days_after_the_quarter() {
        let q4 = Quarter::new(2026, 4).unwrap();
        // 31.12.2026 is a Thursday and 1.1 a holiday: ten working days are 4.–8. and 11.–15.01.2027.
        assert_eq!(submission_deadline(q4), d(2027, 1, 15));
        assert_eq!(acknowledge_deadline(d(2027, 1, 8)), d(2027, 1, 15));
        assert_eq!(quarter_due(d(2027, 1, 2)), q4);
        assert!(!may_submit(q4, d(2026, 12, 31)));
        assert!(may_submit(q4, d(2027, 1, 1)));
    }

    #[test]
    fn the_child_is_heard_from_the_twelfth_birthday() {
        let born = d(2014, 3, 10);
        assert_eq!(age_on(born, d(2026, 3, 9)), 11);
        assert_eq!(age_on(born, d(2026, 3, 10)), 12);
        assert!(!child_is_heard(born, d(2026, 3, 9)));
        assert!(child_is_heard(born, d(2026, 3, 10)));
    }

    #[test]
    fn a_decision_needs_the_hearings_first() {
        let eleven = d(2015, 6, 1);
        let twelve = d(2014, 1, 1);
        let on = d(2026, 12, 1);
        let heard = Some(d(2026, 11, 20));
        assert!(check_decision(eleven, on, None, None).is_err());
        assert!(check_decision(eleven, on, Some(d(2026, 12, 2)), None).is_err());
        assert_eq!(check_decision(eleven, on, heard, None), Ok(()));
        assert!(check_decision(twelve, on, heard, None).unwrap_err().contains("12 år"));
        assert!(check_decision(twelve, on, heard, Some(d(2026, 12, 3))).is_err());
        assert_eq!(check_decision(twelve, on, heard, heard), Ok(()));
    }
}
