//! Surveys (trivselsmålinger): the national well-being survey's indicators (`national`), the
//! school's own class surveys (`class_survey`) and their sociograms (`sociogram`).

pub mod class_survey;
pub mod national;
pub mod sociogram;
