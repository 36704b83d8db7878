//! Web tests: the real server on a free port against a fresh database of the backend chosen by
//! `TRIVSEL_TEST_DB`. One test binary, several modules, to keep link time down.

mod absence;
mod access;
mod advisers;
mod annual_wheel;
mod assessment;
mod bullying;
mod cases;
mod class_survey;
mod consents;
mod contacts;
mod daycare;
mod front;
mod handover;
mod helpers;
mod identity;
mod learning_groups;
mod meetings;
mod municipal;
mod national_survey;
mod notices;
mod preventive;
mod reports;
mod server;
mod sparring;
mod structure;
mod tasks;
mod transition_form;
mod underretning;
