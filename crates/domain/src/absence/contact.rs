//! Forældrekontakt ved ulovligt fravær (the parents contacted about unlawful absence): «Ved
//! ulovligt fravær skal skolen straks kontakte forældrene». Every school day with a U gives the
//! class's teachers and the leadership a task to contact the parents the same day, recorded
//! when done; and fraværsårsag (a stated reason for absence), which a teacher can mark as
//! worrying in itself (seed 004: «en angiven årsag … i sig selv er bekymrende»), raising an
//! alert.

use chrono::NaiveDate;

use super::Code;
use crate::access::{Actor, ChildContext};
use crate::model::Role;
use crate::stored::stored_enum;

stored_enum! {
    /// How the parents were contacted (kontaktmåde).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum ContactMethod {
        /// By telephone.
        Phone = ("telefon", "Telefonopkald"),
        /// In person, e.g. when the child was collected.
        InPerson = ("personligt", "Personlig samtale"),
        /// A message in the parent view, which the guardians read on the child's page.
        ParentView = ("foraeldrevisning", "Besked i forældrevisningen"),
    }
}

stored_enum! {
    /// Where a contact task stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum ContactStatus {
        /// Still to contact the parents.
        Open = ("aaben", "Skal kontaktes"),
        /// The parents were contacted.
        Done = ("kontaktet", "Kontaktet"),
        /// The day's U was corrected away before anyone called: nothing to contact about.
        Void = ("bortfaldet", "Bortfaldet"),
    }
}

/// Whether a registration calls for contacting the parents at once: only unlawful absence.
pub fn needs_contact(code: Code) -> bool {
    code == Code::Unlawful
}

/// Who contacts the parents about a pupil's unlawful absence: those who take the class's roll
/// call (its teachers) and the school's leadership, in the pupil's municipality. Advisers
/// assigned to the child may read the absence, but the contact is the school's.
pub fn contacts_parents(actor: &Actor, child: &ChildContext) -> bool {
    if actor.municipality_id != child.municipality_id {
        return false;
    }
    match actor.role {
        Some(Role::Teacher) => child.class_ids.iter().any(|c| actor.class_ids.contains(c)),
        Some(Role::Leader | Role::WellbeingPerson) => {
            actor.institution_id.is_some_and(|i| child.institution_ids.contains(&i))
        }
        _ => false,
    }
}

/// The longest reason or contact note, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// A field's problem, in Danish, with the form field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactProblem {
    pub field: &'static str,
    pub message: String,
}

/// Checks a recorded contact: made on or after the day of the absence and not in the future;
/// a message in the parent view needs its text (the guardians read it), and no text is longer
/// than [`MAX_TEXT_CHARS`].
pub fn check_contact(
    method: ContactMethod,
    contacted_on: NaiveDate,
    absence_date: NaiveDate,
    note: &str,
    today: NaiveDate,
) -> Result<(), ContactProblem> {
    let problem = |field, message: &str| {
        Err(ContactProblem {
            field,
            message: message.into(),
        })
    };
    if contacted_on > today {
        return problem("dato", "Dato: kontakten kan ikke ligge i fremtiden.");
    }
    if contacted_on < absence_date {
        return problem("dato", "Dato: kontakten kan ikke ligge før fraværsdagen.");
    }
    if method == ContactMethod::ParentView && note.trim().is_empty() {
        return problem(
            "note",
            "Besked: skriv den besked, forældrene skal læse i forældrevisningen.",
        );
    }
    if note.chars().count() > MAX_TEXT_CHARS {
        return problem("note", "Besked: skriv højst 1.000 tegn.");
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
    fn only_unlawful_absence_calls_for_contact() {
        let calls: Vec<Code> = Code::ALL.into_iter().filter(|c| needs_contact(*c)).collect();
        assert_eq!(calls, [Code::Unlawful]);
    }

    #[test]
    fn the_class_teachers_and_the_leadership_contact_the_parents() {
        let child = ChildContext {
            child_id: 7,
            municipality_id: 1,
            institution_ids: vec![10],
            class_ids: vec![100],
            ..ChildContext::default()
        };
        let actor = |role, institution_id, class_ids: Vec<i64>, assigned: Vec<i64>| Actor {
            user_id: 1,
            role: Some(role),
            municipality_id: 1,
            institution_id,
            class_ids,
            own_children: vec![],
            assigned_children: assigned,
        };
        assert!(contacts_parents(
            &actor(Role::Teacher, Some(10), vec![100], vec![]),
            &child
        ));
        assert!(!contacts_parents(
            &actor(Role::Teacher, Some(10), vec![101], vec![]),
            &child
        ));
        assert!(contacts_parents(&actor(Role::Leader, Some(10), vec![], vec![]), &child));
        assert!(!contacts_parents(
            &actor(Role::Leader, Some(11), vec![], vec![]),
            &child
        ));
        assert!(!contacts_parents(
            &actor(Role::Psychologist, None, vec![], vec![7]),
            &child
        ));
        let mut elsewhere = actor(Role::Leader, Some(10), vec![], vec![]);
        elsewhere.municipality_id = 2;
        assert!(!contacts_parents(&elsewhere, &child));
    }

    #[test]
    fn a_contact_is_dated_between_the_absence_and_today() {
        let (absence, today) = (d("2026-12-01"), d("2026-12-02"));
        assert!(check_contact(ContactMethod::Phone, absence, absence, "", today).is_ok());
        assert!(check_contact(ContactMethod::Phone, today, absence, "", today).is_ok());
        assert_eq!(
            check_contact(ContactMethod::Phone, d("2026-11-30"), absence, "", today)
                .unwrap_err()
                .field,
            "dato"
        );
        assert_eq!(
            check_contact(ContactMethod::Phone, d("2026-12-03"), absence, "", today)
                .unwrap_err()
                .field,
            "dato"
        );
    }

    #[test]
    fn a_message_in_the_parent_view_needs_its_text() {
        let day = d("2026-12-02");
        let e = check_contact(ContactMethod::ParentView, day, day, "  ", day).unwrap_err();
        assert_eq!(e.field, "note");
        assert!(check_contact(ContactMethod::ParentView, day, day, "Hvor er Ida i dag?", day).is_ok());
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            check_contact(ContactMethod::Phone, day, day, &long, day)
                .unwrap_err()
                .field,
            "note"
        );
    }
}
