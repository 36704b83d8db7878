//! Overgange (transitions): the knowledge that follows a child from one institution to the
//! next. Absence and enrolment history follow the pupil; case content stays with the
//! institution that wrote it (`access::Scope`). At a move from daycare to school or from school
//! to school, the sending leadership or trivselsperson may write a hand-over note
//! (overleveringsnotat) of the child's well-being needs — only with the parents' consent
//! [`ConsentScope::Handover`] in force; without it only the fact that a transfer conversation
//! is wanted passes ([`check_note`]). Either way the receiving institution's trivselsperson
//! gets a task for the transfer conversation (indskrivningssamtale), due
//! [`CONVERSATION_WORKING_DAYS`] working days after the child starts there
//! ([`conversation_due`]).

use chrono::NaiveDate;

use crate::calendar::add_working_days;
use crate::meetings::{Consent, ConsentScope, consent_in_force};

/// The transfer conversation is due this many working days after the start at the receiving
/// institution (or after the hand-over, if that is later). Trivsel's default: the seeds name
/// the conversation, not a deadline.
pub const CONVERSATION_WORKING_DAYS: u32 = 10;

/// The due date of the transfer conversation.
pub fn conversation_due(handed_over_on: NaiveDate, starts_on: NaiveDate) -> NaiveDate {
    add_working_days(handed_over_on.max(starts_on), CONVERSATION_WORKING_DAYS)
}

/// Whether the note's content may pass on `on`: a guardian's consent to hand-over in force.
pub fn content_passes(consents: &[Consent], on: NaiveDate) -> bool {
    consent_in_force(consents, ConsentScope::Handover, on)
}

/// A note with content needs the consent; without it the note must be empty (only the wish for
/// a conversation passes).
pub fn check_note(note: &str, consented: bool) -> Result<(), &'static str> {
    if !consented && !note.trim().is_empty() {
        return Err(
            "Overleveringsnotat: forældrene har ikke givet samtykke til overlevering, så kun ønsket om en samtale sendes videre. Slet teksten, eller registrér samtykket først.",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_conversation_is_due_ten_working_days_after_the_start() {
        // Handed over in June, start on Monday 10 August 2026: two weeks later.
        assert_eq!(conversation_due(d("2026-06-15"), d("2026-08-10")), d("2026-08-24"));
        // Handed over after the start: counted from the hand-over.
        assert_eq!(conversation_due(d("2026-11-30"), d("2026-11-02")), d("2026-12-14"));
    }

    #[test]
    fn without_consent_no_content_passes() {
        assert!(check_note("", false).is_ok());
        assert!(check_note("Har brug for en fast voksen i frikvarteret.", false).is_err());
        assert!(check_note("Har brug for en fast voksen i frikvarteret.", true).is_ok());
        assert!(!content_passes(&[], d("2026-12-01")));
    }
}
