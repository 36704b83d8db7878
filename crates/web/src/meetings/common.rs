//! What the meeting pages (`pages`), their forms (`forms`) and the changes (`edit`) share:
//! opening a meeting through the domain's rule `meeting_access`, with its audit row, and the
//! staff who may be chosen for a meeting.

use trivsel_domain::access::{Action, Actor, ChildData, Resource, can};
use trivsel_domain::meetings::{MeetingAccess, meeting_access};
use trivsel_domain::model::Role;
use trivsel_store::{AuditEntry, Meeting, Participant, User};

use crate::kit::access::{Ask, decide, refuse};
use crate::kit::clock::today;
use crate::kit::{AppState, PageError, Viewer};

pub(super) const DENIED: &str = "Du har ikke adgang til dette møde. Forsøget er registreret.";
pub(super) const NOT_RUNNER: &str = "Møder holdes af skolens ledelse og trivselsperson. Forsøget er registreret.";

/// A meeting the viewer may open, with its participants and the request's audit row (a read's
/// row is written already; a change's row goes to the store with the change).
pub(super) struct Loaded {
    pub meeting: Meeting,
    pub participants: Vec<Participant>,
    pub access: MeetingAccess,
    pub audit: AuditEntry,
}

/// Loads the meeting if the viewer has at least `need`; otherwise audits the refusal and
/// answers 403. An unknown meeting is refused like a forbidden one.
pub(super) async fn load(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    need: MeetingAccess,
    action: &str,
) -> Result<Loaded, PageError> {
    let Some(meeting) = state.store.meeting(id).await? else {
        return Err(refuse(state, viewer, action, None, format!("ukendt møde {id}"), DENIED).await);
    };
    let participants = state.store.participants(id).await?;
    let participant = participants.iter().any(|p| p.user_id == Some(viewer.user.id));
    let mut access = meeting_access(
        &viewer.actor,
        meeting.municipality_id,
        meeting.institution_id,
        participant,
    );
    // Taking part does not open a meeting about a child the participant may not see (a social
    // worker whose consent was revoked, an adviser not assigned to the child): the child's
    // access decides, as on every other page about the child.
    if access == MeetingAccess::Read
        && let Some(child) = meeting.child_id()
        && !may_see_child(state, viewer, child).await?
    {
        access = MeetingAccess::None;
    }
    let ask = Ask {
        audit_action: action,
        child_id: meeting.child_id(),
        criterion: Some(format!("{} {id}", meeting.kind.navn())),
        denied: if need == MeetingAccess::Manage && access == MeetingAccess::Read {
            NOT_RUNNER
        } else {
            DENIED
        },
    };
    let granted = decide(state, viewer, access >= need, need != MeetingAccess::Read, ask).await?;
    Ok(Loaded {
        meeting,
        participants,
        access,
        audit: granted.audit,
    })
}

/// Whether the viewer may read the child's case data (`access::can`, with today's consents).
pub(super) async fn may_see_child(state: &AppState, viewer: &Viewer, child_id: i64) -> Result<bool, PageError> {
    sees_child(state, &viewer.actor, child_id, ChildData::Concerns).await
}

/// Whether `user` may take part in a meeting about the child: staff must be able to read the
/// child's case data today (a social worker needs the parents' consent in force, an adviser
/// must be assigned), a guardian or pupil must be the child's own.
pub(super) async fn may_take_part(state: &AppState, user: &User, child_id: i64) -> Result<bool, PageError> {
    let actor = state.store.actor(user, today()).await?;
    let data = match user.role {
        Role::Guardian | Role::Pupil => ChildData::Identity,
        _ => ChildData::Concerns,
    };
    sees_child(state, &actor, child_id, data).await
}

pub(super) async fn sees_child(
    state: &AppState,
    actor: &Actor,
    child_id: i64,
    data: ChildData,
) -> Result<bool, PageError> {
    let context = state.store.child_context(child_id, today()).await?;
    Ok(context.is_some_and(|c| can(actor, Action::Read, &Resource::Child(&c, data))))
}

/// Users who may be chosen as members or participants: the institution's staff and the
/// municipality's advisers (PPR, social workers, health visitors, SSP/UU), by name.
pub(super) async fn selectable_staff(
    state: &AppState,
    viewer: &Viewer,
    institution_id: i64,
) -> Result<Vec<User>, PageError> {
    let users = state.store.users(viewer.user.municipality_id).await?;
    let mut staff: Vec<User> = users
        .into_iter()
        .filter(|u| !u.disabled)
        .filter(|u| match u.role {
            Role::Teacher | Role::WellbeingPerson | Role::Leader => u.institution_id == Some(institution_id),
            Role::Psychologist
            | Role::SocialWorker
            | Role::HealthVisitor
            | Role::SspCounsellor
            | Role::FamilyCounsellor => true,
            _ => false,
        })
        .collect();
    staff.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(staff)
}
