//! Møder (meetings): the list, convening and the meeting page (`pages`), the forms on a meeting
//! page (`forms`) and what they change (`edit`), and the participants' and parents' messages
//! (`messages`). `common` opens a meeting through its access rule; inside the folder the
//! imports go one way: `edit` → `pages` → `forms` → `common`, and `messages` → `pages`.

mod common;
pub mod edit;
mod forms;
pub mod messages;
pub mod pages;

use trivsel_domain::cases::owns_tasks;
use trivsel_domain::model::Role;

use crate::kit::menu::MenuItem;

pub const MENU: &[MenuItem] = &[
    MenuItem {
        order: 50,
        href: "/moeder",
        label: "Møder",
        daycare_label: None,
        school_only: false,
        daycare_only: false,
        shown: owns_tasks,
    },
    MenuItem {
        order: 90,
        href: "/beskeder",
        label: "Beskeder",
        daycare_label: None,
        school_only: false,
        daycare_only: false,
        shown: |r| !matches!(r, Role::Analyst | Role::Admin | Role::AbsenceCaseworker),
    },
];
