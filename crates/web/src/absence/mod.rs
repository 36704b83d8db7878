//! Fravær (absence): the roll call and the alert list (`roll_call`), the class, school and
//! municipality overviews (`overview`), the quarter report (`quarter`) and the leadership's
//! monthly review (`reviews`); the day's absence work on the front page (`today`); warning the
//! parents at 10 % (`warnings`); the 15 % list submitted to and decided by the municipality
//! (`reports`); the parents' reports of sickness and leave applications (`notices`); the
//! parents contacted the day of an unlawful absence (`contacts`).

pub mod contacts;
pub mod notices;
pub mod overview;
pub mod quarter;
pub mod reports;
pub mod reviews;
pub mod roll_call;
pub mod today;
pub mod warnings;

use trivsel_domain::model::Role;

use crate::kit::menu::MenuItem;

/// The quarters the quarter pages offer: the running one and the eight before it, and `shown`
/// if older.
fn quarter_choices(shown: trivsel_domain::absence::Quarter) -> Vec<trivsel_domain::absence::Quarter> {
    let mut choices = vec![trivsel_domain::absence::Quarter::of(crate::kit::clock::today())];
    for _ in 0..8 {
        choices.push(choices[choices.len() - 1].previous());
    }
    if !choices.contains(&shown) {
        choices.push(shown);
    }
    choices
}

fn school_leadership(role: Role) -> bool {
    matches!(role, Role::Leader | Role::WellbeingPerson)
}

pub const MENU: &[MenuItem] = &[
    MenuItem {
        order: 20,
        href: "/fravaer/skole",
        label: "Fravær",
        daycare_label: None,
        school_only: true,
        daycare_only: false,
        shown: school_leadership,
    },
    MenuItem {
        order: 20,
        href: "/fravaer/kommune",
        label: "Fravær",
        daycare_label: None,
        school_only: true,
        daycare_only: false,
        shown: |r| r == Role::Analyst,
    },
    MenuItem {
        order: 30,
        href: "/fravaer/advarsler",
        label: "Advarsler",
        daycare_label: None,
        school_only: true,
        daycare_only: false,
        shown: school_leadership,
    },
    MenuItem {
        order: 40,
        href: "/fravaer/kvartal",
        label: "Kvartal",
        daycare_label: None,
        school_only: true,
        daycare_only: false,
        shown: |r| school_leadership(r) || r == Role::Analyst,
    },
    MenuItem {
        order: 20,
        href: "/fravaer/indberetninger",
        label: "Indberetninger",
        daycare_label: None,
        school_only: false,
        daycare_only: false,
        shown: |r| r == Role::AbsenceCaseworker,
    },
];
