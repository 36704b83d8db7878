//! Fraværsregler (absence rules), version 1: from registrations to alerts for the school
//! leadership and to the quarterly unlawful-absence report. Pure; no I/O.
//!
//! Where to find what:
//! * [`Code`] — fraværskoder (absence codes) `P S L U F T`;
//! * [`DayTally`] — dagsværdi (day value) of one school day, in half-days;
//! * [`AlertCause`] — what raised a fraværsadvarsel (a rule, or a worrying stated reason);
//! * [`Rule`] — the rules: fravær i træk (consecutive), 7 af 20 (window_7_20), 15 af 60
//!   (window_15_60), kommer og går (comes_and_goes), 10 % fravær (percent_10);
//! * [`Thresholds`] — tærskler (thresholds), configurable per municipality;
//! * [`evaluate`] — regelmotoren (the rule kernel) over one pupil's school days in one school
//!   year; [`holding_at_end`] — the rules that hold on the last day;
//! * [`tally_days`] — registreringer → skoledage (registrations to tallied school days);
//! * [`events`] — hændelser (trigger events) of one pupil in a date range; [`rules_holding`] —
//!   the rules that hold now;
//! * [`quarter`] — kvartalsopgørelse (quarterly unlawful-absence report, 15 %) and varsling
//!   (the parents warned at 10 %);
//! * [`contact`] — forældrekontakt (the parents contacted the day of a U) and fraværsårsag
//!   (a stated reason, marked as worrying);
//! * [`overview`] — fraværsoverblik (absence overview): school days summed by S/L/U and per
//!   week, for a pupil, a class, a school or the municipality;
//! * [`notice`] — fraværsmelding (the parents report sickness or apply for leave);
//! * [`report`] — indberetning (the 15 % list submitted to the municipality, acknowledged,
//!   the hearing and the decision on the child benefit);
//! * [`bench`](mod@bench) — benchmark support (synthetic data, multi-threaded evaluation).

mod alert;
mod code;
mod day;
mod evaluate;
mod events;
mod rule;
mod tally;
mod thresholds;

pub mod bench;
pub mod contact;
pub mod notice;
pub mod overview;
pub mod quarter;
pub mod report;

pub use alert::AlertCause;
pub use code::Code;
pub use day::{DEFAULT_REGISTRATIONS_PER_DAY, DayTally, lacks_registrations};
pub use evaluate::{evaluate, holding_at_end, triggers};
pub use events::{events, rules_holding};
pub use quarter::{
    Quarter, QuarterShare, WARNING_UNLAWFUL_PERCENT, WarningMethod, quarter_report, quarter_share,
    running_quarter_share,
};
pub use rule::Rule;
pub use tally::{TalliedDays, tally_days};
pub use thresholds::Thresholds;
