//! PKU's afgørelse (the decision of the committee for special classes on a referral): approved
//! (bevilget) or refused (afslået), with its reason. An approved placement lasts one school
//! year's worth — one year from its start — and is revisited (revisitation) before it ends; the
//! revisitation date becomes a task for the school leader.

use chrono::{Months, NaiveDate};

use crate::stored::stored_enum;

stored_enum! {
    /// PKU's decision on a referral.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum PkuDecision {
        /// Bevilget: a placement is granted.
        Approved = ("bevilget", "Bevilget"),
        /// Afslået: no placement.
        Refused = ("afslaaet", "Afslået"),
    }
}

/// Months an approved placement lasts.
pub const PLACEMENT_MONTHS: u32 = 12;
/// Months before the placement's end that the revisitation is proposed for, so that a
/// continued placement or the return to the class can be prepared.
pub const REVISIT_MONTHS_BEFORE_END: u32 = 3;

/// The last day of a placement starting on `start`: one year later, less a day.
pub fn placement_end(start: NaiveDate) -> NaiveDate {
    (start + Months::new(PLACEMENT_MONTHS))
        .pred_opt()
        .expect("a date before a date")
}

/// The revisitation date proposed for a placement starting on `start`.
pub fn proposed_revisit(start: NaiveDate) -> NaiveDate {
    placement_end(start) - Months::new(REVISIT_MONTHS_BEFORE_END)
}

/// A decision's problem, in Danish, with the form field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionProblem {
    pub field: &'static str,
    pub message: String,
}

/// The placement of an approved decision: its start and revisitation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub start: NaiveDate,
    pub revisit: NaiveDate,
}

/// Checks a decision on a referral made on `referred`: dated from the referral to `today`,
/// with a reason; an approval needs its placement, starting no earlier than the decision,
/// with the revisitation within the placement.
pub fn check_pku_decision(
    decision: PkuDecision,
    decided_on: NaiveDate,
    referred: NaiveDate,
    reason: &str,
    placement: Option<Placement>,
    today: NaiveDate,
) -> Result<(), DecisionProblem> {
    let problem = |field, message: &str| {
        Err(DecisionProblem {
            field,
            message: message.into(),
        })
    };
    if decided_on > today {
        return problem(
            "pku-afgoerelse-dato",
            "Dato for afgørelsen: datoen kan ikke ligge i fremtiden.",
        );
    }
    if decided_on < referred {
        return problem(
            "pku-afgoerelse-dato",
            "Dato for afgørelsen: afgørelsen kan ikke ligge før henvisningen.",
        );
    }
    if reason.trim().is_empty() {
        return problem(
            "pku-begrundelse",
            "Begrundelse: skriv PKU's begrundelse for afgørelsen.",
        );
    }
    match (decision, placement) {
        (PkuDecision::Refused, _) => Ok(()),
        (PkuDecision::Approved, None) => {
            problem("pku-start", "Placeringens start: skriv datoen, placeringen begynder.")
        }
        (PkuDecision::Approved, Some(p)) if p.start < decided_on => problem(
            "pku-start",
            "Placeringens start: placeringen kan ikke begynde før afgørelsen.",
        ),
        (PkuDecision::Approved, Some(p)) if p.revisit <= p.start || p.revisit > placement_end(p.start) => problem(
            "pku-revisitation",
            "Revisitation: datoen skal ligge efter placeringens start og senest dens sidste dag.",
        ),
        (PkuDecision::Approved, Some(_)) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_placement_lasts_a_year_and_is_revisited_three_months_before_its_end() {
        assert_eq!(placement_end(d("2027-01-04")), d("2028-01-03"));
        assert_eq!(proposed_revisit(d("2027-01-04")), d("2027-10-03"));
        // From the end of a month: chrono clamps to the month's last day.
        assert_eq!(placement_end(d("2027-02-28")), d("2028-02-27"));
    }

    #[test]
    fn a_decision_needs_its_date_reason_and_for_an_approval_its_placement() {
        let (referred, today) = (d("2026-11-02"), d("2026-12-02"));
        let ok = |decision, on, reason, placement| check_pku_decision(decision, on, referred, reason, placement, today);
        assert!(ok(PkuDecision::Refused, today, "Behovet dækkes i klassen", None).is_ok());
        let field = |r: Result<(), DecisionProblem>| r.unwrap_err().field;
        assert_eq!(field(ok(PkuDecision::Refused, today, "  ", None)), "pku-begrundelse");
        assert_eq!(
            field(ok(PkuDecision::Refused, d("2026-11-01"), "x", None)),
            "pku-afgoerelse-dato"
        );
        assert_eq!(
            field(ok(PkuDecision::Refused, d("2026-12-03"), "x", None)),
            "pku-afgoerelse-dato"
        );
        assert_eq!(field(ok(PkuDecision::Approved, today, "x", None)), "pku-start");
        let start = d("2027-01-04");
        let placement = |revisit| {
            Some(Placement {
                start,
                revisit: d(revisit),
            })
        };
        assert!(ok(PkuDecision::Approved, today, "x", placement("2027-10-03")).is_ok());
        assert!(ok(PkuDecision::Approved, today, "x", placement("2028-01-03")).is_ok());
        assert_eq!(
            field(ok(PkuDecision::Approved, today, "x", placement("2028-01-04"))),
            "pku-revisitation"
        );
        assert_eq!(
            field(ok(PkuDecision::Approved, today, "x", placement("2027-01-04"))),
            "pku-revisitation"
        );
        let early = Some(Placement {
            start: d("2026-12-01"),
            revisit: d("2027-06-01"),
        });
        assert_eq!(field(ok(PkuDecision::Approved, today, "x", early)), "pku-start");
    }
}
