//! Møder og samtykke (meetings and consent). Pure; no I/O, no clock: callers pass «today».
//!
//! Where to find what:
//! * [`ConsentScope`], [`ConsentMethod`], [`Consent`] — samtykke: scope, how it was given, and
//!   whether it is in force on a date ([`Consent::in_force`]);
//! * [`ConsentAction`], [`check_consent`] — samtykkereglen: which actions need which consent,
//!   when the parents' participation takes its place, and a Danish [`ConsentRefusal`];
//! * [`MeetingKind`], [`MeetingStatus`], [`ParticipantRole`], [`NotificationKind`] — mødetyper
//!   (Trivselsforum, fraværssamråd, netværksmøde, arbejdsmøde, klassekonference, anonym sparring);
//! * [`samraad_deadline`], [`held_in_time`], [`DeadlineState`], [`missing_participants`],
//!   [`share_held_in_time`] — fraværssamråd: 7 working days, fixed participants, share in time;
//! * [`MeetingDuty`], [`fill_duties`] — fraværssamrådets funktioner: mødeleder, samtaleleder,
//!   referent;
//! * [`FORUM_REQUIRED`], [`forum_missing`] — Trivselsforum's fixed representatives;
//! * [`Minutes`], [`SamraadMinutes`] — referat: the three interview rounds, or notes;
//! * [`check_close`], [`action_plan_recipients`] — afslutning: follow-up date, and who gets the
//!   action plan (handleplan);
//! * [`identity_warnings`] — anonym sparring: CPR-like numbers and enrolled children's names;
//! * [`invitation_ics`] — mødeindkaldelse som iCalendar-fil, without sensitive details;
//! * [`meeting_access`], [`may_convene`] — mødeadgang: who runs, convenes and reads a meeting.

mod access;
mod anonymous;
mod closing;
mod consent;
mod duty;
mod forum;
mod invite;
mod kind;
mod minutes;
mod rule;
mod samraad;

pub use access::{MeetingAccess, may_convene, meeting_access, meeting_child_grant, runs_meetings};
pub use anonymous::{IdentityWarning, identity_warnings};
pub use closing::{CloseRefusal, action_plan_recipients, check_close};
pub use consent::{Consent, ConsentMethod, ConsentScope, Lapse, check_consent_dates, consent_in_force};
pub use duty::{MeetingDuty, duty_warning, fill_duties};
pub use forum::{FORUM_REQUIRED, forum_missing, forum_missing_warning};
pub use invite::{Invitation, TIME_ZONE, invitation_ics};
pub use kind::{MeetingKind, MeetingStatus, NotificationKind, ParticipantRole};
pub use minutes::{Minutes, SamraadMinutes, Statement};
pub use rule::{ConsentAction, ConsentRefusal, check_consent};
pub use samraad::{
    DeadlineState, InTimeShare, MissingParticipant, SAMRAAD_REQUIRED, SAMRAAD_WORKING_DAYS, held_in_time,
    missing_participants, missing_participants_warning, samraad_deadline, samraad_proposed_date, share_held_in_time,
};
