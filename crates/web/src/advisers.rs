//! Rådgivere (advisers) of a child, and the adviser's «Mine børn».
//!
//! The school's leader or trivselsperson assigns an adviser (PPR psychologist, social worker,
//! health visitor, SSP/UU) to a child with a reason and an optional last day, and ends the
//! assignment (`ChildData::Assignments`, write). Staff who see the child read the list. The
//! assignment gives access from the adviser's next request until it is ended or its last day
//! has passed; a social worker still needs the parents' consent. Every outcome is audited.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Local;
use maud::{Markup, html};
use trivsel_domain::access::{Action, ChildData, grant};
use trivsel_domain::meetings::MeetingStatus;
use trivsel_domain::model::Role;
use trivsel_store::{CaseTarget, Meeting, NewAssignment, StoreError, User};

use crate::kit::access::{Allowed, authorize, may, refuse, visible_children};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_text, described, error, error_summary, field, inline_error, invalid, parse_date,
};
use crate::kit::format::{format_date, format_time};
use crate::kit::links;
use crate::kit::menu::MenuItem;
use crate::kit::panels::PanelFuture;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 15,
    href: "/mine-boern",
    label: "Mine børn",
    daycare_label: None,
    school_only: false,
    daycare_only: false,
    shown: Role::is_adviser,
}];

const MAX_REASON: usize = 500;

/// The municipality's advisers who may be chosen, by name.
async fn advisers(state: &AppState, viewer: &Viewer) -> Result<Vec<User>, PageError> {
    let mut users: Vec<User> = state
        .store
        .users(viewer.user.municipality_id)
        .await?
        .into_iter()
        .filter(|u| u.role.is_adviser() && !u.disabled)
        .collect();
    users.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(users)
}

pub async fn list(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let target = CaseTarget::Child(id);
    let allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Read,
        ChildData::Assignments,
        "assignment.read",
        None,
    )
    .await?;
    Ok(page(&state, &viewer, &allowed, &[], &Fields::default())
        .await?
        .into_response())
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    allowed: &Allowed,
    errors: &[FieldError],
    fields: &Fields,
) -> Result<Markup, PageError> {
    let subject = &allowed.subject;
    let card = subject.child_card();
    let name = subject.name();
    let assignments = state.store.child_assignments(subject.grant()).await?;
    let writable = may(viewer, subject, Action::Write, ChildData::Assignments);
    let choices = if writable {
        advisers(state, viewer).await?
    } else {
        Vec::new()
    };
    let today = today();
    let base = links::child_page(card.id, "raadgivere");
    let (active, ended): (Vec<_>, Vec<_>) = assignments.iter().partition(|a| a.active(today));
    let body = html! {
        p { a href=(links::child(card.id)) { "← " (name) } }
        h1 { "Rådgivere – " (name) }
        p { "Rådgivere (PPR, socialrådgiver, sundhedsplejerske, SSP/UU, familierådgiver) ser barnet, mens de er tilknyttet. "
            "En socialrådgiver skal desuden have forældrenes samtykke." }
        h2 { "Tilknyttet nu" }
        @if active.is_empty() {
            p { "Ingen rådgivere er tilknyttet." }
        } @else {
            ul.links {
                @for a in &active {
                    li {
                        strong { (a.adviser_name) } " (" (a.role.navn()) ")"
                        br;
                        "Siden " (format_date(a.assigned_at.date_naive()))
                        @if let Some(last) = a.ends_on { ", til og med " (format_date(last)) }
                        @if !a.reason.is_empty() { br; "Årsag: " (a.reason) }
                        @if writable {
                            form.inline method="post" action={ (base) "/" (a.user_id) "/afslut" } {
                                button type="submit" { "Afslut tilknytningen af " (a.adviser_name) }
                            }
                        }
                    }
                }
            }
        }
        @if !ended.is_empty() {
            h2 { "Tidligere" }
            ul {
                @for a in &ended {
                    li {
                        (a.adviser_name) " (" (a.role.navn()) "), "
                        (format_date(a.assigned_at.date_naive())) "–"
                        @match (a.ended_at, a.ends_on) {
                            (Some(at), _) => { (format_time(at)) }
                            (None, Some(last)) => { (format_date(last)) }
                            (None, None) => {}
                        }
                    }
                }
            }
        }
        @if writable {
            h2 id="tilknyt" { "Tilknyt en rådgiver" }
            (error_summary(errors))
            form.stack method="post" action=(base) {
                label for="raadgiver" { "Rådgiver" }
                select id="raadgiver" name="raadgiver" required
                    aria-invalid=[invalid(errors, "raadgiver")] aria-describedby=[described(errors, "raadgiver")] {
                    option value="" { "Vælg …" }
                    @for u in &choices {
                        option value=(u.id) selected[field(fields, "raadgiver") == u.id.to_string()] {
                            (u.name) " (" (u.role.navn()) ")"
                        }
                    }
                }
                (inline_error(errors, "raadgiver"))
                label for="aarsag" { "Årsag" }
                input id="aarsag" name="aarsag" type="text" required maxlength=(MAX_REASON) value=(field(fields, "aarsag"))
                    aria-invalid=[invalid(errors, "aarsag")] aria-describedby=[described(errors, "aarsag")];
                (inline_error(errors, "aarsag"))
                label for="sidste-dag" { "Sidste dag (kan udelades)" }
                input id="sidste-dag" name="sidste-dag" type="date" value=(field(fields, "sidste-dag"))
                    aria-invalid=[invalid(errors, "sidste-dag")] aria-describedby=[described(errors, "sidste-dag")];
                (inline_error(errors, "sidste-dag"))
                button type="submit" { "Tilknyt" }
            }
        }
    };
    Ok(shell::page(&format!("Rådgivere – {name}"), Some(viewer), "", body))
}

pub async fn assign(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let target = CaseTarget::Child(id);
    let allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Write,
        ChildData::Assignments,
        "assignment.create",
        None,
    )
    .await?;
    let choices = advisers(&state, &viewer).await?;
    let mut errors = Vec::new();
    let adviser = choices.iter().find(|u| u.id.to_string() == field(&fields, "raadgiver"));
    if adviser.is_none() {
        errors.push(error("raadgiver", "Rådgiver: vælg en rådgiver fra listen."));
    }
    let reason = check_text(
        &mut errors,
        "aarsag",
        "Årsag",
        field(&fields, "aarsag"),
        true,
        MAX_REASON,
    );
    let last = field(&fields, "sidste-dag");
    let ends_on = match parse_date(last) {
        _ if last.is_empty() => None,
        Some(d) if d >= today() => Some(d),
        Some(_) => {
            errors.push(error("sidste-dag", "Sidste dag: vælg i dag eller en senere dato."));
            None
        }
        None => {
            errors.push(error("sidste-dag", "Sidste dag: skriv en dato som 31.12.2026."));
            None
        }
    };
    let (Some(adviser), true) = (adviser, errors.is_empty()) else {
        allowed.audit_unchanged(&state, "ugyldig udfyldning").await?;
        let markup = page(&state, &viewer, &allowed, &errors, &fields).await?;
        return Err(PageError::unprocessable(markup));
    };
    let new = NewAssignment {
        user_id: adviser.id,
        child_id: id,
        reason,
        ends_on,
        assigned_by: Some(viewer.user.id),
        at: now(),
    };
    match state.store.assign_advisers(&[new], &allowed.audit).await {
        Err(StoreError::Config(message)) => {
            let errors = [error("raadgiver", format!("Rådgiver: {message}."))];
            allowed.audit_unchanged(&state, "ugyldig udfyldning").await?;
            Err(PageError::unprocessable(
                page(&state, &viewer, &allowed, &errors, &fields).await?,
            ))
        }
        done => {
            done?;
            Ok(Redirect::to(&links::child_page(id, "raadgivere")).into_response())
        }
    }
}

pub async fn end(State(state): State<AppState>, viewer: Viewer, Path((id, user_id)): Path<(i64, i64)>) -> Page {
    let target = CaseTarget::Child(id);
    let criterion = Some(format!("rådgiver {user_id} afsluttet"));
    let allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Write,
        ChildData::Assignments,
        "assignment.end",
        criterion,
    )
    .await?;
    if !state.store.end_assignment(user_id, id, now(), &allowed.audit).await? {
        allowed.audit_unchanged(&state, "ingen aktiv tilknytning").await?;
        return Err(PageError::not_found());
    }
    Ok(Redirect::to(&links::child_page(id, "raadgivere")).into_response())
}

/// The adviser's front page: how many children he or she follows, leading to «Mine børn».
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    if !viewer.user.role.is_adviser() {
        return Ok(None);
    }
    let assignments = state.store.adviser_assignments(viewer.user.id, today()).await?;
    let shown = assignments
        .iter()
        .filter(|a| viewer.actor.assigned_children.contains(&a.child_id))
        .count();
    let waiting = assignments.len() - shown;
    Ok(Some(html! {
        section aria-labelledby="mine-boern-titel" {
            h2 id="mine-boern-titel" { "Mine børn" }
            p {
                a href="/mine-boern" { "Du følger " (shown) @if shown == 1 { " barn" } @else { " børn" } }
                @if waiting > 0 { "; " (waiting) " venter på forældrenes samtykke" } "."
            }
        }
    }))
}

/// «Mine børn»: the adviser's children, as the access rule counts them today (a social worker
/// sees only the children whose parents' consent is in force; the others are counted), each
/// with its open plans, next meeting and the adviser's own open tasks.
pub async fn mine(State(state): State<AppState>, viewer: Viewer) -> Page {
    if !viewer.user.role.is_adviser() {
        let reason = "«Mine børn» er for rådgivere. Forsøget er registreret.";
        return Err(refuse(&state, &viewer, "assignment.mine", None, "ikke rådgiver".into(), reason).await);
    }
    let assignments = state.store.adviser_assignments(viewer.user.id, today()).await?;
    let visible = &viewer.actor.assigned_children;
    let shown = assignments
        .iter()
        .filter(|a| visible.contains(&a.child_id))
        .map(|a| a.child_id);
    let names = visible_children(&state, &viewer, shown, ChildData::Identity, "child.list", Vec::new()).await?;
    let waiting = assignments.iter().filter(|a| !names.contains_key(&a.child_id)).count();
    // Per child shown: open plans, the next meeting, the adviser's own open tasks.
    let tasks = state.store.tasks_of_user(viewer.user.id, false).await?;
    let mut status: HashMap<i64, (usize, Option<Meeting>, usize)> = HashMap::new();
    for id in names.keys() {
        let Some(child) = state
            .store
            .child_context(*id, today())
            .await?
            .and_then(|c| grant(&viewer.actor, Action::Read, &c, ChildData::Plans))
        else {
            continue;
        };
        let (plans, meetings) =
            tokio::try_join!(state.store.plans_of_child(child), state.store.meetings_of_child(child))?;
        let open = plans.iter().filter(|p| !p.closed).count();
        let next = meetings
            .into_iter()
            .filter(|m| m.status == MeetingStatus::Planned && m.starts_at >= Local::now().naive_local())
            .min_by_key(|m| m.starts_at);
        let own = tasks.iter().filter(|t| t.child_id == Some(*id)).count();
        status.insert(*id, (open, next, own));
    }
    let body = html! {
        h1 { "Mine børn" }
        @if names.is_empty() {
            p { "Du er ikke tilknyttet nogen børn lige nu." }
        } @else {
            ul.links {
                @for a in assignments.iter().filter(|a| names.contains_key(&a.child_id)) {
                    li {
                        a href=(links::child(a.child_id)) { (names[&a.child_id]) }
                        br;
                        "Tilknyttet " (format_date(a.assigned_at.date_naive()))
                        @if let Some(last) = a.ends_on { ", til og med " (format_date(last)) }
                        @if !a.reason.is_empty() { br; "Årsag: " (a.reason) }
                        @if let Some((open, next, own)) = status.get(&a.child_id) {
                            br;
                            (open) @if *open == 1 { " åben plan" } @else { " åbne planer" } " · "
                            @match next {
                                Some(m) => { "næste møde " (format_date(m.starts_at.date())) " (" (m.kind.navn()) ")" }
                                None => { "intet møde planlagt" }
                            }
                            " · " (own) @if *own == 1 { " åben opgave" } @else { " åbne opgaver" } " til dig"
                        }
                        br;
                        a href=(links::child_page(a.child_id, "planer")) { "Planer" } " · "
                        a href=(links::child_page(a.child_id, "moeder")) { "Møder" } " · "
                        a href=(links::child_page(a.child_id, "kronologi")) { "Kronologi" }
                    }
                }
            }
        }
        @if waiting > 0 {
            p { (waiting) " tilknytning" @if waiting != 1 { "er" } " venter på forældrenes samtykke; "
                "barnet vises, når samtykket er givet." }
        }
    };
    Ok(shell::page("Mine børn", Some(&viewer), "", body).into_response())
}
