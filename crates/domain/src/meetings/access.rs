//! Mødeadgang (who may open and run a meeting). A meeting belongs to an institution: its
//! leadership and trivselsperson run it (a fraværssamråd is convened by the school leader), and
//! staff taking part read it. Guardians and pupils never open the meeting page, even when they
//! take part (a Trivselsforum's agenda names other children): they get the action plan in the
//! parent view instead.

use crate::access::{Action, Actor, ChildGrant, Resource, can};
use crate::model::Role;

use super::kind::MeetingKind;

/// What a user may do with a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MeetingAccess {
    None,
    /// Read the meeting page (staff taking part).
    Read,
    /// Also add participants, agenda items, minutes and actions, and close it.
    Manage,
}

/// The meeting's child, for the people who run the meeting (to invite the child's guardians):
/// `Manage` access to a meeting about a child gives a [`ChildGrant`] for that child.
pub fn meeting_child_grant(access: MeetingAccess, child_id: Option<i64>) -> Option<ChildGrant> {
    child_id
        .filter(|_| access == MeetingAccess::Manage)
        .map(|c| ChildGrant::new(c, crate::access::Scope::All))
}

/// Whether `actor` runs meetings of the institution: its leader or trivselsperson.
pub fn runs_meetings(actor: &Actor, municipality_id: i64, institution_id: i64) -> bool {
    matches!(actor.role, Some(Role::Leader | Role::WellbeingPerson))
        && can(
            actor,
            Action::Write,
            &Resource::Institution {
                municipality_id,
                institution_id,
            },
        )
}

/// Whether `actor` may convene a meeting of `kind` at the institution: a fraværssamråd only the
/// school leader, other meetings the leader or trivselsperson. Anonymous consultations are not
/// convened (they are recorded afterwards without a child).
pub fn may_convene(actor: &Actor, kind: MeetingKind, municipality_id: i64, institution_id: i64) -> bool {
    let by_role = match kind {
        MeetingKind::AbsenceCouncil => actor.role == Some(Role::Leader),
        MeetingKind::AnonymousConsultation => false,
        _ => true,
    };
    by_role && runs_meetings(actor, municipality_id, institution_id)
}

/// The mødeadgang rule: the institution's leader and trivselsperson manage; other staff read a
/// meeting they take part in; nobody else opens it.
pub fn meeting_access(actor: &Actor, municipality_id: i64, institution_id: i64, participant: bool) -> MeetingAccess {
    if actor.municipality_id != municipality_id {
        return MeetingAccess::None;
    }
    if runs_meetings(actor, municipality_id, institution_id) {
        return MeetingAccess::Manage;
    }
    // Professionals only: analysts and administrators see no child, guardians use the parent view.
    let staff = actor.role.is_some_and(Role::works_with_children);
    if staff && participant {
        MeetingAccess::Read
    } else {
        MeetingAccess::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, institution: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            role: Some(role),
            municipality_id: 1,
            institution_id: institution,
            ..Actor::default()
        }
    }

    #[test]
    fn leadership_manages_own_institution_only() {
        for role in [Role::Leader, Role::WellbeingPerson] {
            assert_eq!(
                meeting_access(&actor(role, Some(10)), 1, 10, false),
                MeetingAccess::Manage
            );
            assert_eq!(
                meeting_access(&actor(role, Some(11)), 1, 10, false),
                MeetingAccess::None
            );
            assert_eq!(meeting_access(&actor(role, Some(10)), 2, 10, true), MeetingAccess::None);
        }
    }

    #[test]
    fn participating_staff_read_guardians_never() {
        for role in [
            Role::Teacher,
            Role::Psychologist,
            Role::SocialWorker,
            Role::HealthVisitor,
        ] {
            assert_eq!(meeting_access(&actor(role, None), 1, 10, true), MeetingAccess::Read);
            assert_eq!(meeting_access(&actor(role, None), 1, 10, false), MeetingAccess::None);
        }
        for role in [Role::Guardian, Role::Pupil, Role::Analyst, Role::Admin] {
            assert_eq!(meeting_access(&actor(role, None), 1, 10, true), MeetingAccess::None);
        }
    }

    #[test]
    fn only_the_leader_convenes_an_absence_council() {
        let leader = actor(Role::Leader, Some(10));
        let wellbeing = actor(Role::WellbeingPerson, Some(10));
        assert!(may_convene(&leader, MeetingKind::AbsenceCouncil, 1, 10));
        assert!(!may_convene(&wellbeing, MeetingKind::AbsenceCouncil, 1, 10));
        assert!(may_convene(&wellbeing, MeetingKind::Trivselsforum, 1, 10));
        assert!(!may_convene(&leader, MeetingKind::AnonymousConsultation, 1, 10));
        assert!(!may_convene(
            &actor(Role::Teacher, Some(10)),
            MeetingKind::NetworkMeeting,
            1,
            10
        ));
    }
}
