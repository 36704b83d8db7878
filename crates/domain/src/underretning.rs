//! Underretning (the professional's duty to notify, Barnets Lov § 133): a professional who
//! learns that a child may need special support tells the municipality. The form guides the
//! writer: what gives reason for concern, what has been tried, whether the parents are informed
//! (and if not, why), and urgency — an acute need is reported by phone at once, and the form
//! records that it was done. The municipality confirms receipt within
//! [`RECEIPT_WORKING_DAYS`] working days ([`receipt_deadline`]); an overdue receipt is a task
//! to follow up. Visible only to its author and the child's school leadership and
//! trivselsperson ([`may_read`]).

use chrono::{NaiveDate, NaiveDateTime};

use crate::access::{Action, Actor, ChildContext, ChildData, ChildGrant, Resource, can};
use crate::calendar::add_working_days;
use crate::stored::stored_enum;

/// The municipality confirms receipt within this many working days of the day it was sent
/// (Barnets Lov § 133, stk. 5).
pub const RECEIPT_WORKING_DAYS: u32 = 6;

/// The last day the municipality's receipt is due: 6 working days after `sent_on`.
pub fn receipt_deadline(sent_on: NaiveDate) -> NaiveDate {
    add_working_days(sent_on, RECEIPT_WORKING_DAYS)
}

/// The receipt is overdue (kvittering udeblevet) when none is recorded and its deadline has
/// passed; on the deadline itself it is not overdue yet.
pub fn receipt_overdue(sent_on: NaiveDate, receipt_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    receipt_on.is_none() && receipt_deadline(sent_on) < today
}

stored_enum! {
    /// The municipality's feedback (tilbagemelding) on what it did.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Feedback {
        Investigation = ("undersoegelse", "Børnefaglig undersøgelse iværksat"),
        Measure = ("foranstaltning", "Støtte eller foranstaltning iværksat"),
        NoAction = ("ingen", "Ingen yderligere handling"),
        Other = ("andet", "Andet (se note)"),
    }
}

/// The writer's answers, as the form gives them (dates already read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers<'a> {
    /// What gives reason for concern: observations, with dates.
    pub observations: &'a str,
    /// What the child or others said, in their words (optional).
    pub statements: &'a str,
    /// When it was observed (the first time).
    pub observed_on: Option<NaiveDate>,
    /// What has been tried.
    pub tried: &'a str,
    /// Whether the parents are informed; `None` when not answered.
    pub parents_informed: Option<bool>,
    /// Why not, e.g. suspicion of violence or abuse in the family.
    pub not_informed_reason: &'a str,
    pub acute: bool,
    /// When the acute report was phoned in, and to whom.
    pub phoned_at: Option<NaiveDateTime>,
    pub phoned_to: &'a str,
    pub recipient: &'a str,
    pub sent_on: Option<NaiveDate>,
}

/// Which answer is missing or wrong, and why (Danish, naming the field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: &'static str,
}

/// The guided form's rules: observations, what was tried, the parents question (with a
/// reason when they are not informed), the recipient municipality and the date sent are
/// required; an acute underretning must have been phoned in (when and to whom); nothing is
/// dated after `today`, and the observations are not dated after it was sent.
pub fn check(a: &Answers, today: NaiveDate) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut fail = |field, message| problems.push(Problem { field, message });
    if a.observations.trim().is_empty() {
        fail(
            "observationer",
            "Hvad giver anledning til bekymring: beskriv det, du har set og hørt.",
        );
    }
    if a.tried.trim().is_empty() {
        fail(
            "forsoegt",
            "Hvad er forsøgt: skriv, hvad der er gjort, eller at intet er forsøgt endnu.",
        );
    }
    match a.parents_informed {
        None => fail("foraeldre", "Er forældrene orienteret: vælg ja eller nej."),
        Some(false) if a.not_informed_reason.trim().is_empty() => fail(
            "hvorfor_ikke",
            "Hvorfor er forældrene ikke orienteret: skriv begrundelsen (fx mistanke om vold eller overgreb i familien).",
        ),
        _ => {}
    }
    if a.acute {
        match a.phoned_at {
            None => fail("ringet", "Akut: ring til kommunen straks, og skriv hvornår du ringede."),
            Some(at) if at.date() > today => fail("ringet", "Ringet: tidspunktet må ikke ligge efter i dag."),
            Some(_) => {}
        }
        if a.phoned_to.trim().is_empty() {
            fail("ringet_til", "Ringet til: skriv, hvem du talte med i kommunen.");
        }
    }
    if a.recipient.trim().is_empty() {
        fail(
            "modtager",
            "Modtagerkommune: skriv, hvilken kommune underretningen sendes til.",
        );
    }
    if a.sent_on.is_some_and(|d| d > today) {
        fail("sendt", "Sendt: datoen må ikke ligge efter i dag.");
    }
    if a.observed_on.is_some_and(|d| d > today) {
        fail("observeret", "Observeret: datoen må ikke ligge efter i dag.");
    } else if let (Some(seen), Some(sent)) = (a.observed_on, a.sent_on)
        && seen > sent
    {
        fail(
            "observeret",
            "Observeret: datoen må ikke ligge efter datoen, hvor underretningen blev sendt.",
        );
    }
    problems
}

/// Who may read one underretning: its author, and the school leadership and trivselsperson of
/// the child's institution (`access::can` on [`ChildData::Underretning`]). Teachers and
/// advisers write underretninger (the duty to notify is everyone's) but read only their own;
/// guardians and pupils never see them.
pub fn may_read(actor: &Actor, child: &ChildContext, author_user_id: i64) -> Option<ChildGrant> {
    let leadership = can(actor, Action::Read, &Resource::Child(child, ChildData::Underretning));
    let author = actor.user_id == author_user_id
        && actor.municipality_id == child.municipality_id
        && actor.role.is_some_and(|r| r.is_staff());
    (leadership || author).then(|| ChildGrant::new(child.child_id, crate::access::scope_of(actor, child)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_receipt_is_due_six_working_days_after_sending() {
        // Monday 2026-11-30: Tuesday to Monday, no holidays.
        assert_eq!(receipt_deadline(d("2026-11-30")), d("2026-12-08"));
        // Sent Wednesday before Easter 2027: Maundy Thursday, Good Friday and Easter Monday
        // do not count.
        assert_eq!(receipt_deadline(d("2027-03-24")), d("2027-04-06"));
        // Friday before Christmas 2026: 24 December is a working day, 25 and 26 are not.
        assert_eq!(receipt_deadline(d("2026-12-18")), d("2026-12-29"));
        assert!(!receipt_overdue(d("2026-11-30"), None, d("2026-12-08")));
        assert!(receipt_overdue(d("2026-11-30"), None, d("2026-12-09")));
        assert!(!receipt_overdue(
            d("2026-11-30"),
            Some(d("2026-12-10")),
            d("2026-12-11")
        ));
    }

    fn complete() -> Answers<'static> {
        Answers {
            observations: "Blå mærker på armene 23.11. og 27.11.",
            observed_on: Some(d("2026-11-23")),
            tried: "Samtale med barnet.",
            parents_informed: Some(true),
            recipient: "Eksempel Kommune",
            sent_on: Some(d("2026-11-30")),
            ..Answers::default()
        }
    }

    #[test]
    fn the_guided_form_asks_for_what_the_law_needs() {
        let today = d("2026-12-01");
        assert_eq!(check(&complete(), today), []);
        let fields = |a: &Answers| check(a, today).into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(
            fields(&Answers::default()),
            ["observationer", "forsoegt", "foraeldre", "modtager"]
        );
        let not_informed = Answers {
            parents_informed: Some(false),
            ..complete()
        };
        assert_eq!(fields(&not_informed), ["hvorfor_ikke"]);
        let with_reason = Answers {
            not_informed_reason: "Mistanke om vold i hjemmet",
            ..not_informed
        };
        assert_eq!(fields(&with_reason), Vec::<&str>::new());
        let acute = Answers {
            acute: true,
            ..complete()
        };
        assert_eq!(fields(&acute), ["ringet", "ringet_til"]);
        let phoned = Answers {
            phoned_at: Some(d("2026-11-30").and_hms_opt(9, 15, 0).unwrap()),
            phoned_to: "Børn og Familie, vagten",
            ..acute
        };
        assert_eq!(fields(&phoned), Vec::<&str>::new());
        let late = Answers {
            observed_on: Some(d("2026-12-01")),
            ..complete()
        };
        assert_eq!(fields(&late), ["observeret"]);
        let future = Answers {
            sent_on: Some(d("2026-12-02")),
            ..complete()
        };
        assert_eq!(fields(&future), ["sendt"]);
    }

    #[test]
    fn only_the_author_and_the_schools_leadership_read_it() {
        let child = ChildContext {
            child_id: 7,
            municipality_id: 1,
            institution_ids: vec![10],
            class_ids: vec![100],
            ..ChildContext::default()
        };
        let actor = |user_id, role, institution_id: Option<i64>| Actor {
            user_id,
            role: Some(role),
            municipality_id: 1,
            institution_id,
            class_ids: vec![100],
            own_children: vec![7],
            assigned_children: vec![7],
        };
        let author = 5;
        for (role, institution, reads) in [
            (Role::Leader, Some(10), true),
            (Role::WellbeingPerson, Some(10), true),
            (Role::Leader, Some(11), false),
            (Role::Teacher, Some(10), false),
            (Role::Psychologist, None, false),
            (Role::Guardian, None, false),
            (Role::Pupil, None, false),
            (Role::Analyst, None, false),
        ] {
            assert_eq!(
                may_read(&actor(1, role, institution), &child, author).is_some(),
                reads,
                "{role:?} at {institution:?}"
            );
        }
        // The author reads his own, whatever his role; a guardian is never an author.
        assert!(may_read(&actor(author, Role::Teacher, Some(10)), &child, author).is_some());
        assert!(may_read(&actor(author, Role::Guardian, None), &child, author).is_none());
        let mut elsewhere = actor(author, Role::Teacher, Some(10));
        elsewhere.municipality_id = 2;
        assert!(may_read(&elsewhere, &child, author).is_none());
        // Everyone on staff with the child writes one; guardians and pupils do not.
        let writes = |a: &Actor| can(a, Action::Write, &Resource::Child(&child, ChildData::Underretning));
        assert!(writes(&actor(1, Role::Teacher, Some(10))));
        assert!(writes(&actor(1, Role::HealthVisitor, None)));
        assert!(!writes(&actor(1, Role::Guardian, None)));
        assert!(!writes(&actor(1, Role::Pupil, None)));
        let mut other_class = actor(1, Role::Teacher, Some(10));
        other_class.class_ids = vec![101];
        assert!(!writes(&other_class));
    }
}
