//! Kommunalt overblik (municipal overview): the figures the municipality follows the
//! well-being effort by — per school and daycare and for the whole municipality, by school
//! year, month and half year — and the rules that publish them: the compliance figures
//! (rettidighed, [`compliance`]), small-group suppression (diskretionering, [`suppression`])
//! and the half year of the status report (den halvårlige status, [`HalfYear`]).

pub mod compliance;
mod half_year;
pub mod suppression;

pub use compliance::{Compliance, Duty, DutyKind};
pub use half_year::HalfYear;
pub use suppression::{Cell, Published, Table};
