//! Notifikationer and a child's meetings (barnets møder). A participant with an account is
//! told of the invitation and of the meeting being moved; a closed meeting's action plan
//! (handleplan) reaches every participant with an account and the child's guardians as an
//! in-app notification; guardians read it on the child's meetings page, the parent view, which
//! shows only what concerns their child: the action plan and follow-up date of meetings about
//! the child, and the child's own Trivselsforum agenda items (never other children's).
//!
//! Who: everyone reads their own notifications; a child's meetings page follows the child's
//! plans (`ChildData::Plans`): guardians with custody and staff with access to the child. Staff
//! open a listed meeting only if `meeting_access` lets them.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use trivsel_domain::access::{Action, ChildData};
use trivsel_domain::meetings::{
    DeadlineState, MeetingKind, MeetingStatus, NotificationKind, may_convene, runs_meetings,
};
use trivsel_domain::model::Role;
use trivsel_store::{CaseTarget, Notification};

use super::common::sees_child;
use super::pages::{action_table, when};
use crate::kit::access::{audit_shown, authorize, entry, refuse};
use crate::kit::clock::{now, today};
use crate::kit::form::text;
use crate::kit::format::{format_date, format_time, local_time};
use crate::kit::links;
use crate::kit::shell;
use crate::kit::{AppState, Page, Viewer};

/// Where a notification leads: the meeting for staff, the child's meetings for guardians.
fn notification_link(viewer: &Viewer, n: &Notification) -> Option<String> {
    let meeting = n.meeting_id?;
    Some(if matches!(viewer.user.role, Role::Guardian | Role::Pupil) {
        n.child_id
            .map_or("/boern".into(), |c| format!("/boern/{c}/moeder#moede-{meeting}"))
    } else {
        format!("/moeder/{meeting}")
    })
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Page {
    let notifications = state.store.notifications_of_user(viewer.user.id, false).await?;
    // A message names the meeting's child only while the reader may still see the child.
    let mut visible = Vec::new();
    for child in notifications.iter().filter_map(|n| n.child_id) {
        if !visible.contains(&child) && sees_child(&state, &viewer.actor, child, ChildData::Identity).await? {
            visible.push(child);
        }
    }
    let names = state.store.child_names(&visible).await?;
    let audit = entry(&viewer, "notification.list", None, None, true);
    audit_shown(&state, &audit, false, visible.iter().copied()).await?;
    let body = html! {
        h1 { "Beskeder" }
        @if notifications.is_empty() { p { "Du har ingen beskeder." } } @else {
            ul.stack id="beskeder" {
                @for n in &notifications {
                    li id={ "besked-" (n.id) } {
                        p {
                            @if n.read_at.is_none() { strong { "Ny: " } }
                            (n.kind.navn())
                            @if let Some(k) = n.meeting_kind { " (" (k.navn().to_lowercase()) ")" }
                            @if let Some(name) = n.child_id.and_then(|c| names.get(&c)) { " om " (name) }
                            @if let Some(at) = n.meeting_starts_at { ", " (local_time(at)) }
                        }
                        p.meta { "Sendt " (format_time(n.created_at)) }
                        @if n.meeting_id.is_some() {
                            a href={ "/beskeder/" (n.id) "/aabn" } {
                                @if n.kind == NotificationKind::ActionPlan { "Se handleplanen" } @else { "Se mødet" }
                            }
                        }
                        @if n.read_at.is_none() {
                            form.inline method="post" action={ "/beskeder/" (n.id) } {
                                button type="submit" { "Markér som læst" }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(shell::page("Beskeder", Some(&viewer), "/beskeder", body).into_response())
}

/// Opens a message: marks it read and goes on to what it is about.
pub async fn open(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let notifications = state.store.notifications_of_user(viewer.user.id, false).await?;
    let Some(link) = notifications
        .iter()
        .find(|n| n.id == id)
        .and_then(|n| notification_link(&viewer, n))
    else {
        return Err(refuse(
            &state,
            &viewer,
            "notification.read",
            None,
            format!("besked {id}"),
            "Beskeden er ikke din.",
        )
        .await);
    };
    state.store.mark_notification_read(id, viewer.user.id, now()).await?;
    Ok(Redirect::to(&link).into_response())
}

pub async fn mark_read(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    if !state.store.mark_notification_read(id, viewer.user.id, now()).await? {
        return Err(refuse(
            &state,
            &viewer,
            "notification.read",
            None,
            format!("besked {id}"),
            "Beskeden er ikke din, eller den er allerede læst.",
        )
        .await);
    }
    Ok(Redirect::to("/beskeder").into_response())
}

/// The child's meetings: for guardians the action plans and their child's agenda items, for
/// staff also links and a way to convene.
pub async fn child_meetings(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Child(id),
        Action::Read,
        ChildData::Plans,
        "meeting.child",
        None,
    )
    .await?;
    let parent_view = matches!(viewer.user.role, Role::Guardian | Role::Pupil);
    let meetings = state.store.meetings_of_child(allowed.subject.grant()).await?;
    let mut shown = Vec::new();
    for m in meetings {
        let agenda: Vec<_> = state
            .store
            .agenda_items(m.id)
            .await?
            .into_iter()
            .filter(|i| i.target == CaseTarget::Child(id))
            .collect();
        // The action plan of a meeting about the child, once sent; a Trivselsforum's actions
        // may concern other children and are not shown here.
        let actions = if m.child_id() == Some(id) && (m.status == MeetingStatus::Closed || !parent_view) {
            state.store.meeting_actions(m.id).await?
        } else {
            Vec::new()
        };
        shown.push((m, agenda, actions));
    }
    let name = allowed.subject.name();
    let institution = viewer.user.institution_id;
    let convene: Vec<MeetingKind> = institution
        .filter(|i| runs_meetings(&viewer.actor, viewer.user.municipality_id, *i))
        .map(|i| {
            [
                MeetingKind::AbsenceCouncil,
                MeetingKind::NetworkMeeting,
                MeetingKind::WorkingMeeting,
            ]
            .into_iter()
            .filter(|k| may_convene(&viewer.actor, *k, viewer.user.municipality_id, i))
            .collect()
        })
        .unwrap_or_default();
    let title = format!("Møder om {name}");
    let body = html! {
        p.no-print { a href=(links::child(id)) { "← " (name) } }
        h1 { (title) }
        @if !convene.is_empty() {
            ul.links.no-print {
                @for k in &convene {
                    li { a href={ "/moeder/ny?type=" (k.id()) "&barn=" (id) } { "Indkald til " (k.navn().to_lowercase()) } }
                }
            }
        }
        @if shown.is_empty() { p { "Der er ingen møder om " (name) "." } }
        @for (m, agenda, actions) in &shown {
            section.card id={ "moede-" (m.id) } aria-labelledby={ "moede-titel-" (m.id) } {
                h2 id={ "moede-titel-" (m.id) } {
                    (m.kind.navn()) " " (format_date(m.starts_at.date()))
                }
                p { "Tidspunkt: " (when(m)) @if let Some(l) = &m.location { " · " (l) } }
                p {
                    "Status: " (m.status.navn())
                    @if m.kind == MeetingKind::AbsenceCouncil && !parent_view {
                        " · " (DeadlineState::of(m.convened_on, m.held_on, today()).label())
                    }
                }
                @if !parent_view { p { a href={ "/moeder/" (m.id) } { "Åbn mødet" } } }
                @for item in agenda {
                    h3 { "Punkt: " (item.topic) }
                    dl {
                        dt { "Aftale" } dd { (text(&item.plan)) }
                        dt { "Sådan informeres forældrene" } dd { (text(&item.parents_informed)) }
                    }
                }
                @if m.child_id() == Some(id) {
                    @if m.status == MeetingStatus::Closed || !parent_view {
                        h3 { "Handleplan" }
                        (action_table(actions))
                        @if let Some(f) = m.follow_up_on { p.follow-up { "Opfølgningsmøde: " strong { (format_date(f)) } } }
                    } @else {
                        p { "Handleplanen kommer her, når mødet er afsluttet." }
                    }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(&viewer), "", body).into_response())
}
