//! Trivsel's domain: the rules and vocabulary of the child well-being effort, with no I/O.
//!
//! Storage, web and CLI depend on this crate, never the reverse. Every rule is named here by its
//! Danish and English name so that one search finds it.

pub mod absence;
pub mod access;
pub mod annual_wheel;
pub mod assessment;
pub mod audit;
pub mod bullying;
pub mod calendar;
pub mod cases;
pub mod deadlines;
pub mod development_wheel;
pub mod ical;
pub mod login;
pub mod meetings;
pub mod model;
pub mod municipal;
mod stored;
pub mod surveys;
pub mod transition;
pub mod transition_form;
pub mod underretning;
pub mod validate;
pub mod year_group;

pub use chrono::{Datelike, NaiveDate, Weekday};
