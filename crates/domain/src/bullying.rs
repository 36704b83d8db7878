//! Mobning og det psykiske undervisningsmiljø (bullying): a report involves one or more
//! children, each with a role (udsat, udøver, vidne, tilskuer), and may concern digital
//! bullying. It records when a staff member first learned of it — the start of the statutory
//! deadline: the school leader's written action plan within [`PLAN_WORKING_DAYS`] working days
//! (undervisningsmiljøloven § 1 c, [`plan_deadline`]); temporary measures are started at once,
//! and pupils and parents are informed of the plan's content. Each child's record shows the
//! report from that child's perspective only ([`perspective`]): a guardian never sees another
//! child's name, role or data.

use chrono::NaiveDate;

use crate::calendar::add_working_days;
use crate::meetings::InTimeShare;
use crate::stored::stored_enum;

/// The action plan is due this many working days after a staff member first learned of the
/// bullying (undervisningsmiljøloven § 1 c, stk. 2).
pub const PLAN_WORKING_DAYS: u32 = 10;

/// The last day of the action plan: 10 working days after `learned_on`.
pub fn plan_deadline(learned_on: NaiveDate) -> NaiveDate {
    add_working_days(learned_on, PLAN_WORKING_DAYS)
}

/// The plan is overdue when none is made and its deadline has passed (on the deadline itself
/// it is not yet).
pub fn plan_overdue(learned_on: NaiveDate, plan_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    plan_on.is_none() && plan_deadline(learned_on) < today
}

/// Whether the plan was made in time.
pub fn plan_in_time(learned_on: NaiveDate, plan_on: NaiveDate) -> bool {
    plan_on <= plan_deadline(learned_on)
}

/// The share of action plans made in time, of reports given as (learned on, plan made on), on
/// `today`: a report still within its deadline without a plan is not counted yet (as for the
/// fraværssamråd, [`crate::meetings::share_held_in_time`]).
pub fn plans_in_time(reports: &[(NaiveDate, Option<NaiveDate>)], today: NaiveDate) -> InTimeShare {
    let mut share = InTimeShare::default();
    for &(learned, plan) in reports {
        match plan {
            Some(on) if plan_in_time(learned, on) => {
                share.in_time += 1;
                share.counted += 1;
            }
            Some(_) => share.counted += 1,
            None if plan_overdue(learned, None, today) => share.counted += 1,
            None => {}
        }
    }
    share
}

stored_enum! {
    /// A child's role in a report (rolle).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum InvolvedRole {
        Exposed = ("udsat", "Udsat"),
        Perpetrator = ("udoever", "Udøver"),
        Witness = ("vidne", "Vidne"),
        Bystander = ("tilskuer", "Tilskuer"),
    }
}

stored_enum! {
    /// How the staff member learned of it (kendskab).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum LearnedHow {
        Oral = ("mundtligt", "Mundtligt"),
        Written = ("skriftligt", "Skriftligt"),
    }
}

/// A report as one involved child's record shows it: the child's own role and the report's
/// dates and measures, never the other children (not their names, roles or number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildPerspective {
    pub child_id: i64,
    pub role: InvolvedRole,
}

/// The perspective of `child_id` on a report with `involved` (child, role) children; `None` if
/// the child is not involved.
pub fn perspective(child_id: i64, involved: &[(i64, InvolvedRole)]) -> Option<ChildPerspective> {
    involved
        .iter()
        .find(|(c, _)| *c == child_id)
        .map(|(c, role)| ChildPerspective {
            child_id: *c,
            role: *role,
        })
}

/// A report's involved children need at least one, each once; a report of bullying needs
/// someone exposed to it.
pub fn check_involved(involved: &[(i64, InvolvedRole)]) -> Result<(), &'static str> {
    if involved.is_empty() {
        return Err("Børn: vælg en rolle for mindst ét barn.");
    }
    let mut ids: Vec<i64> = involved.iter().map(|(c, _)| *c).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != involved.len() {
        return Err("Børn: hvert barn kan kun have én rolle.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_plan_is_due_ten_working_days_after_it_was_learned() {
        // Monday 2026-11-30: two plain weeks.
        assert_eq!(plan_deadline(d("2026-11-30")), d("2026-12-14"));
        // Over Easter 2027 (Easter Sunday 28 March): Maundy Thursday, Good Friday and Easter
        // Monday do not count. Learned Monday 22 March: 23, 24, 30, 31 March, 1, 2, 5, 6, 7, 8.
        assert_eq!(plan_deadline(d("2027-03-22")), d("2027-04-08"));
        // Over Kristi himmelfartsdag 2027 (Thursday 6 May): learned Monday 3 May: 4, 5, 7,
        // 10, 11, 12, 13, 14, 18 (17 May is Whit Monday), 19.
        assert_eq!(plan_deadline(d("2027-05-03")), d("2027-05-19"));
        // Learned on a Saturday: the count starts on Monday.
        assert_eq!(plan_deadline(d("2026-12-05")), d("2026-12-18"));
        assert!(!plan_overdue(d("2026-11-30"), None, d("2026-12-14")));
        assert!(plan_overdue(d("2026-11-30"), None, d("2026-12-15")));
        assert!(!plan_overdue(d("2026-11-30"), Some(d("2026-12-20")), d("2026-12-21")));
        assert!(plan_in_time(d("2026-11-30"), d("2026-12-14")));
        assert!(!plan_in_time(d("2026-11-30"), d("2026-12-15")));
    }

    #[test]
    fn plans_in_time_count_once_due_or_made() {
        let learned = d("2026-11-30");
        let reports = [
            (learned, Some(d("2026-12-14"))),
            (learned, Some(d("2026-12-15"))),
            (learned, None),
            (d("2026-12-10"), None),
        ];
        let share = plans_in_time(&reports, d("2026-12-15"));
        assert_eq!(
            (share.in_time, share.counted),
            (1, 3),
            "the one still within its deadline waits"
        );
    }

    #[test]
    fn each_child_sees_only_its_own_role() {
        let involved = [
            (1, InvolvedRole::Exposed),
            (2, InvolvedRole::Perpetrator),
            (3, InvolvedRole::Witness),
        ];
        assert_eq!(
            perspective(2, &involved),
            Some(ChildPerspective {
                child_id: 2,
                role: InvolvedRole::Perpetrator
            })
        );
        assert_eq!(perspective(4, &involved), None);
    }

    #[test]
    fn a_report_names_each_child_once() {
        assert!(check_involved(&[]).is_err());
        assert!(check_involved(&[(1, InvolvedRole::Exposed), (1, InvolvedRole::Witness)]).is_err());
        assert!(check_involved(&[(1, InvolvedRole::Exposed), (2, InvolvedRole::Bystander)]).is_ok());
    }
}
