//! Rettidighed (compliance): for each statutory or agreed duty, how many were done by their
//! deadline. A duty is counted once it is done or its deadline has passed; one still within
//! its deadline and not done is not counted yet (as [`crate::meetings::share_held_in_time`]).
//! The figures are bucketed by the month of the deadline.

use chrono::NaiveDate;

use crate::bullying::plan_deadline;
use crate::deadlines::{Month, monthly_review_deadline};
use crate::meetings::{InTimeShare, samraad_deadline};
use crate::underretning::receipt_deadline;

/// The duties the overview follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DutyKind {
    /// Månedlig fraværsgennemgang: a class's month reviewed by the end of the next month.
    MonthlyReview,
    /// Fraværssamråd held within 7 working days of being convened.
    Samraad,
    /// Skriftlig handlingsplan mod mobning within 10 working days.
    BullyingPlan,
    /// Planevaluering: a plan's evaluation task done by its date.
    PlanEvaluation,
    /// Kvittering for underretning: received within 6 working days, or followed up.
    UnderretningReceipt,
}

impl DutyKind {
    pub const ALL: [DutyKind; 5] = [
        DutyKind::MonthlyReview,
        DutyKind::Samraad,
        DutyKind::BullyingPlan,
        DutyKind::PlanEvaluation,
        DutyKind::UnderretningReceipt,
    ];

    /// Danish column heading.
    pub fn navn(self) -> &'static str {
        match self {
            DutyKind::MonthlyReview => "Månedlig fraværsgennemgang",
            DutyKind::Samraad => "Fraværssamråd inden for 7 arbejdsdage",
            DutyKind::BullyingPlan => "Handlingsplan mod mobning inden for 10 arbejdsdage",
            DutyKind::PlanEvaluation => "Planevalueringer til tiden",
            DutyKind::UnderretningReceipt => "Kvitteringer på underretninger fulgt op",
        }
    }

    /// Whether each duty concerns one child (and so is suppressed in small groups). The
    /// monthly review is of a class.
    pub fn about_children(self) -> bool {
        self != DutyKind::MonthlyReview
    }
}

/// One duty: its deadline and when it was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duty {
    pub kind: DutyKind,
    pub institution_id: i64,
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
}

impl Duty {
    pub fn monthly_review(institution_id: i64, month: Month, reviewed_on: Option<NaiveDate>) -> Duty {
        Duty {
            kind: DutyKind::MonthlyReview,
            institution_id,
            due: monthly_review_deadline(month),
            done: reviewed_on,
        }
    }

    pub fn samraad(institution_id: i64, convened: NaiveDate, held: Option<NaiveDate>) -> Duty {
        Duty {
            kind: DutyKind::Samraad,
            institution_id,
            due: samraad_deadline(convened),
            done: held,
        }
    }

    pub fn bullying_plan(institution_id: i64, learned: NaiveDate, plan: Option<NaiveDate>) -> Duty {
        Duty {
            kind: DutyKind::BullyingPlan,
            institution_id,
            due: plan_deadline(learned),
            done: plan,
        }
    }

    pub fn plan_evaluation(institution_id: i64, due: NaiveDate, done: Option<NaiveDate>) -> Duty {
        Duty {
            kind: DutyKind::PlanEvaluation,
            institution_id,
            due,
            done,
        }
    }

    /// A receipt is followed up when it arrived, or when the school's follow-up task for a
    /// missing receipt is done: `followed_up` is the earlier of the two.
    pub fn receipt(institution_id: i64, sent: NaiveDate, followed_up: Option<NaiveDate>) -> Duty {
        Duty {
            kind: DutyKind::UnderretningReceipt,
            institution_id,
            due: receipt_deadline(sent),
            done: followed_up,
        }
    }

    /// Counted on `today`: done, or past its deadline.
    pub fn counted(&self, today: NaiveDate) -> bool {
        self.done.is_some() || self.due < today
    }

    /// Done in time. A receipt counts whenever it was followed up: the follow-up comes after
    /// the deadline by its nature.
    pub fn in_time(&self) -> bool {
        match (self.kind, self.done) {
            (DutyKind::UnderretningReceipt, Some(_)) => true,
            (_, Some(done)) => done <= self.due,
            (_, None) => false,
        }
    }
}

/// The share in time of each duty kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compliance {
    shares: [InTimeShare; 5],
}

impl Compliance {
    pub fn add(&mut self, duty: &Duty, today: NaiveDate) {
        if duty.counted(today) {
            let share = &mut self.shares[duty.kind as usize];
            share.counted += 1;
            if duty.in_time() {
                share.in_time += 1;
            }
        }
    }

    pub fn get(&self, kind: DutyKind) -> InTimeShare {
        self.shares[kind as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn duties_count_once_done_or_overdue() {
        let today = d("2026-12-01");
        let mut c = Compliance::default();
        // Convened Monday 16.11: due 25.11. Held 24.11 in time; one held 27.11 late; one not
        // held and overdue; one convened 30.11, not due yet.
        for held in [Some("2026-11-24"), Some("2026-11-27"), None] {
            c.add(&Duty::samraad(1, d("2026-11-16"), held.map(d)), today);
        }
        c.add(&Duty::samraad(1, d("2026-11-30"), None), today);
        assert_eq!(c.get(DutyKind::Samraad), InTimeShare { in_time: 1, counted: 3 });
        // September's review is due 31.10: done 31.10 is in time, 01.11 is not.
        let sep = Month { year: 2026, month: 9 };
        c.add(&Duty::monthly_review(1, sep, Some(d("2026-10-31"))), today);
        c.add(&Duty::monthly_review(1, sep, Some(d("2026-11-01"))), today);
        c.add(&Duty::monthly_review(1, Month { year: 2026, month: 11 }, None), today);
        assert_eq!(c.get(DutyKind::MonthlyReview), InTimeShare { in_time: 1, counted: 2 });
        // A receipt followed up after its deadline still counts as followed up.
        c.add(&Duty::receipt(1, d("2026-11-02"), Some(d("2026-11-20"))), today);
        c.add(&Duty::receipt(1, d("2026-11-02"), None), today);
        assert_eq!(
            c.get(DutyKind::UnderretningReceipt),
            InTimeShare { in_time: 1, counted: 2 }
        );
        assert_eq!(c.get(DutyKind::BullyingPlan), InTimeShare::default());
    }
}
