//! Sager (cases): concerns, chronology, tiers, PPV and the PKU referral (`concerns`), the PKU
//! bundle and PKU's decision (`pku`), and the
//! goal-and-intervention plans (`plans`), for a child and for a class; `nav` is their shared
//! sub-menu and `plan_view` the plan content both show.

pub mod concerns;
pub mod nav;
pub mod pku;
pub mod plan_view;
pub mod plans;
pub mod voice;
