//! Opgaver (tasks) with deadlines: «Mine opgaver» (open tasks by due date, overdue ones marked
//! «Overskredet», done with a note by their owner), the leader's list of the institution's
//! overdue tasks, and the private calendar feed (kalenderabonnement) of a user's tasks. The feed
//! is reached by a secret token instead of a session and carries no child names.

use std::collections::{BTreeSet, HashMap};

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Local, NaiveDate, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildData, Resource, can};
use trivsel_domain::cases::{FeedEntry, ical_feed};
use trivsel_domain::model::Role;
use trivsel_store::{AuditEntry, CaseTarget, ClassCard, Task};

use crate::absence::danish_date;
use crate::audit::entry;
use crate::session::Viewer;
use crate::{AppState, layout};

/// Longest note on a completed task, in characters.
const MAX_NOTE_CHARS: usize = 2000;

/// Roles that own tasks: staff who work with children.
pub fn owns_tasks(role: Role) -> bool {
    matches!(
        role,
        Role::Teacher
            | Role::WellbeingPerson
            | Role::Leader
            | Role::Psychologist
            | Role::SocialWorker
            | Role::HealthVisitor
            | Role::SspCounsellor
    )
}

fn class_resource(card: &ClassCard) -> Resource<'static> {
    Resource::Class {
        municipality_id: card.municipality_id,
        institution_id: card.institution_id,
        class_id: card.id,
    }
}

/// Audits a refusal and answers with the Danish 403 page.
pub async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    action: &str,
    child_id: Option<i64>,
    criterion: String,
    reason: &str,
) -> Response {
    if let Err(e) = state
        .store
        .audit(&entry(viewer, action, child_id, Some(criterion), false))
        .await
    {
        return layout::server_error(&e);
    }
    layout::forbidden_for(Some(&viewer.user), reason)
}

/// The children among `ids` the viewer may see (`data`), with their names. Each one shown gets
/// an audit row (`action`), written with `extra` in one transaction.
pub async fn visible_children(
    state: &AppState,
    viewer: &Viewer,
    ids: impl IntoIterator<Item = i64>,
    data: ChildData,
    action: &str,
    extra: Vec<AuditEntry>,
) -> Result<HashMap<i64, String>, Response> {
    let today = Local::now().date_naive();
    let ids: BTreeSet<i64> = ids.into_iter().collect();
    let mut allowed = Vec::new();
    for id in ids {
        let context = state
            .store
            .child_context(id, today)
            .await
            .map_err(|e| layout::server_error(&e))?;
        if context.is_some_and(|c| can(&viewer.actor, Action::Read, &Resource::Child(&c, data))) {
            allowed.push(id);
        }
    }
    let names = state
        .store
        .child_names(&allowed)
        .await
        .map_err(|e| layout::server_error(&e))?;
    let mut audits = extra;
    audits.extend(allowed.iter().map(|id| entry(viewer, action, Some(*id), None, true)));
    state
        .store
        .audit_all(&audits)
        .await
        .map_err(|e| layout::server_error(&e))?;
    Ok(names)
}

/// Where a task leads: the child's page, the plan, and the class conference it was agreed at —
/// each only where the viewer has access.
struct TaskLinks {
    children: HashMap<i64, String>,
    /// Plan id → title, for plans the viewer may read.
    plans: HashMap<i64, String>,
    /// Conference id → class id, for conferences the viewer may read.
    conferences: HashMap<i64, i64>,
}

impl TaskLinks {
    async fn load(
        state: &AppState,
        viewer: &Viewer,
        tasks: &[Task],
        action: &str,
        extra: Vec<AuditEntry>,
    ) -> Result<Self, Response> {
        let mut conferences = HashMap::new();
        let conference_ids: BTreeSet<i64> = tasks.iter().filter_map(|t| t.conference_id).collect();
        for id in conference_ids {
            let Some(conference) = state
                .store
                .class_conference(id)
                .await
                .map_err(|e| layout::server_error(&e))?
            else {
                continue;
            };
            let card = state
                .store
                .class_card(conference.class_id)
                .await
                .map_err(|e| layout::server_error(&e))?;
            if card.is_some_and(|c| can(&viewer.actor, Action::Read, &class_resource(&c))) {
                conferences.insert(id, conference.class_id);
            }
        }
        let mut plans = HashMap::new();
        let today = Local::now().date_naive();
        let plan_ids: BTreeSet<i64> = tasks.iter().filter_map(|t| t.plan_id).collect();
        for id in plan_ids {
            let Some(plan) = state.store.plan(id).await.map_err(|e| layout::server_error(&e))? else {
                continue;
            };
            let readable = match plan.target {
                CaseTarget::Child(child) => state
                    .store
                    .child_context(child, today)
                    .await
                    .map_err(|e| layout::server_error(&e))?
                    .is_some_and(|c| can(&viewer.actor, Action::Read, &Resource::Child(&c, ChildData::Plans))),
                CaseTarget::Class(class) => state
                    .store
                    .class_card(class)
                    .await
                    .map_err(|e| layout::server_error(&e))?
                    .is_some_and(|c| can(&viewer.actor, Action::Read, &class_resource(&c))),
            };
            if readable {
                plans.insert(id, plan.title);
            }
        }
        let children = visible_children(
            state,
            viewer,
            tasks.iter().filter_map(|t| t.child_id),
            ChildData::Identity,
            action,
            extra,
        )
        .await?;
        Ok(TaskLinks {
            children,
            plans,
            conferences,
        })
    }

    fn cell(&self, task: &Task) -> Markup {
        let child = task
            .child_id
            .and_then(|id| self.children.get(&id).map(|name| (id, name)));
        let plan = task.plan_id.and_then(|id| self.plans.get(&id).map(|title| (id, title)));
        let conference = task
            .conference_id
            .and_then(|cid| self.conferences.get(&cid).map(|class| (cid, *class)));
        let hidden = (task.child_id.is_some() && child.is_none()) || (task.plan_id.is_some() && plan.is_none());
        html! {
            ul.plain {
                @if let Some((id, name)) = child { li { a href={ "/boern/" (id) } { (name) } } }
                @if let Some((id, title)) = plan { li { "Plan: " a href={ "/planer/" (id) } { (title) } } }
                @if let Some((cid, class)) = conference {
                    li { a href={ "/klasser/" (class) "/konferencer/" (cid) } { "Klassekonferencen" } }
                }
                @if hidden { li.hint { "Oplysninger, du ikke har adgang til" } }
            }
        }
    }
}

fn overdue_label(task: &Task, today: NaiveDate) -> Markup {
    html! {
        @if task.is_overdue(today) {
            " " strong.overdue { "Overskredet" }
        } @else if task.due == today && !task.is_done() {
            " " strong { "I dag" }
        }
    }
}

/// «Mine opgaver».
pub async fn mine(State(state): State<AppState>, viewer: Viewer) -> Response {
    mine_page(&state, &viewer, None, StatusCode::OK).await
}

async fn mine_page(state: &AppState, viewer: &Viewer, error: Option<(i64, String)>, status: StatusCode) -> Response {
    if !owns_tasks(viewer.user.role) {
        return refuse(
            state,
            viewer,
            "tasks.read",
            None,
            "egne opgaver".into(),
            "Opgaver er for medarbejdere, der arbejder med børnene.",
        )
        .await;
    }
    let tasks = match state.store.tasks_of_user(viewer.user.id, true).await {
        Ok(t) => t,
        Err(e) => return layout::server_error(&e),
    };
    let extra = vec![entry(viewer, "tasks.read", None, Some("egne opgaver".into()), true)];
    let links = match TaskLinks::load(state, viewer, &tasks, "task.list", extra).await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let today = Local::now().date_naive();
    let (open, done): (Vec<&Task>, Vec<&Task>) = tasks.iter().partition(|t| !t.is_done());
    let overdue = open.iter().filter(|t| t.is_overdue(today)).count();
    let body = html! {
        h1 { "Mine opgaver" }
        p {
            (open.len()) " åbne opgaver"
            @if overdue > 0 { ", heraf " strong.overdue { (overdue) " overskredne" } }
            ". " a href="/opgaver/kalender" { "Få opgaverne i din kalender" }
            @if viewer.user.role == Role::Leader { " · " a href="/opgaver/institution" { "Skolens overskredne opgaver" } }
        }
        @if open.is_empty() {
            p { "Du har ingen åbne opgaver." }
        } @else {
            table.tasks {
                caption.visually-hidden { "Åbne opgaver efter frist" }
                thead { tr {
                    th scope="col" { "Frist" } th scope="col" { "Opgave" } th scope="col" { "Vedrører" }
                    th scope="col" { "Udført" }
                } }
                tbody {
                    @for t in &open {
                        tr id={ "opgave-" (t.id) } class=[t.is_overdue(today).then_some("overdue")] {
                            td { (danish_date(t.due)) (overdue_label(t, today)) }
                            td { strong { (t.kind.navn()) } ": " (t.title) }
                            td { (links.cell(t)) }
                            td {
                                @let failed = error.as_ref().filter(|(id, _)| *id == t.id);
                                form.stack method="post" action={ "/opgaver/" (t.id) } {
                                    @if let Some((_, message)) = failed {
                                        p.error role="alert" id={ "fejl-" (t.id) } { (message) }
                                    }
                                    label for={ "note-" (t.id) } { "Note (valgfri)" }
                                    textarea id={ "note-" (t.id) } name="note" rows="2"
                                        aria-describedby=[failed.map(|_| format!("fejl-{}", t.id))] {}
                                    button type="submit" { "Markér som udført" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !done.is_empty() {
            details {
                summary { "Udførte opgaver (" (done.len()) ")" }
                table {
                    thead { tr {
                        th scope="col" { "Frist" } th scope="col" { "Opgave" } th scope="col" { "Vedrører" }
                        th scope="col" { "Udført" } th scope="col" { "Note" }
                    } }
                    tbody {
                        @for t in &done {
                            tr id={ "opgave-" (t.id) } {
                                td { (danish_date(t.due)) }
                                td { (t.kind.navn()) ": " (t.title) }
                                td { (links.cell(t)) }
                                td { @if let Some(at) = t.done_at { (at.with_timezone(&Local).format("%d.%m.%Y")) } }
                                td { (t.done_note.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    };
    (
        status,
        layout::page("Mine opgaver", Some(&viewer.user), "/opgaver", body),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct DoneForm {
    note: Option<String>,
}

/// Marks a task done. Only its owner may.
pub async fn complete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<DoneForm>,
) -> Response {
    let task = match state.store.task(id).await {
        Ok(t) => t,
        Err(e) => return layout::server_error(&e),
    };
    let criterion = format!("opgave {id}");
    let child = task.as_ref().and_then(|t| t.child_id);
    let Some(task) = task.filter(|t| t.owner_user_id == viewer.user.id && owns_tasks(viewer.user.role)) else {
        return refuse(
            &state,
            &viewer,
            "task.complete",
            child,
            criterion,
            "Kun den, opgaven er tildelt, kan markere den som udført.",
        )
        .await;
    };
    let note = form.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        let message =
            format!("Feltet «Note» må højst have {MAX_NOTE_CHARS} tegn; opgaven er ikke markeret som udført.");
        return mine_page(&state, &viewer, Some((id, message)), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let audit = entry(&viewer, "task.complete", task.child_id, Some(criterion), true);
    // A task done already (a second click) stays as it was.
    if let Err(e) = state
        .store
        .complete_task(id, viewer.user.id, Utc::now(), note, &audit)
        .await
    {
        return layout::server_error(&e);
    }
    Redirect::to("/opgaver").into_response()
}

/// The institution's overdue tasks, for its school leader.
pub async fn institution(State(state): State<AppState>, viewer: Viewer) -> Response {
    let Some(institution_id) = leader_institution(&viewer) else {
        return refuse(
            &state,
            &viewer,
            "tasks.overdue.read",
            None,
            "institutionens overskredne opgaver".into(),
            "Skolens overskredne opgaver er for skolelederen.",
        )
        .await;
    };
    let today = Local::now().date_naive();
    let (tasks, users) = match tokio::try_join!(
        state.store.overdue_tasks_of_institution(institution_id, today),
        state.store.users(viewer.user.municipality_id)
    ) {
        Ok(found) => found,
        Err(e) => return layout::server_error(&e),
    };
    let names: HashMap<i64, &str> = users.iter().map(|u| (u.id, u.name.as_str())).collect();
    let extra = vec![entry(
        &viewer,
        "tasks.overdue.read",
        None,
        Some(format!("institution {institution_id}")),
        true,
    )];
    let links = match TaskLinks::load(&state, &viewer, &tasks, "task.list", extra).await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let body = html! {
        h1 { "Skolens overskredne opgaver" }
        p { "Åbne opgaver, hvis frist er passeret, ældste først." }
        @if tasks.is_empty() {
            p { "Ingen opgaver er overskredet." }
        } @else {
            table.tasks {
                caption.visually-hidden { "Overskredne opgaver" }
                thead { tr {
                    th scope="col" { "Frist" } th scope="col" { "Dage over" } th scope="col" { "Opgave" }
                    th scope="col" { "Ansvarlig" } th scope="col" { "Vedrører" }
                } }
                tbody {
                    @for t in &tasks {
                        tr.overdue {
                            td { (danish_date(t.due)) " " strong.overdue { "Overskredet" } }
                            td { ((today - t.due).num_days()) }
                            td { strong { (t.kind.navn()) } ": " (t.title) }
                            td { (names.get(&t.owner_user_id).copied().unwrap_or("ukendt")) }
                            td { (links.cell(t)) }
                        }
                    }
                }
            }
        }
    };
    layout::page("Skolens overskredne opgaver", Some(&viewer.user), "/opgaver", body).into_response()
}

fn leader_institution(viewer: &Viewer) -> Option<i64> {
    viewer.user.institution_id.filter(|i| {
        viewer.user.role == Role::Leader
            && can(
                &viewer.actor,
                Action::Read,
                &Resource::Institution {
                    municipality_id: viewer.user.municipality_id,
                    institution_id: *i,
                },
            )
    })
}

/// The front page's task summary: the user's open and overdue tasks, and for a leader the
/// institution's overdue tasks. No child is named.
pub async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, Response> {
    if !owns_tasks(viewer.user.role) {
        return Ok(None);
    }
    let today = Local::now().date_naive();
    let mine = state
        .store
        .tasks_of_user(viewer.user.id, false)
        .await
        .map_err(|e| layout::server_error(&e))?;
    let overdue = mine.iter().filter(|t| t.is_overdue(today)).count();
    let institution = match leader_institution(viewer) {
        Some(i) => Some(
            state
                .store
                .overdue_tasks_of_institution(i, today)
                .await
                .map_err(|e| layout::server_error(&e))?
                .len(),
        ),
        None => None,
    };
    Ok(Some(html! {
        section aria-labelledby="opgaver-titel" {
            h2 id="opgaver-titel" { "Opgaver" }
            p {
                a href="/opgaver" { "Mine opgaver" } ": " (mine.len()) " åbne"
                @if overdue > 0 { ", " strong.overdue { (overdue) " overskredne" } }
                "."
            }
            @if let Some(n) = institution {
                p {
                    a href="/opgaver/institution" { "Skolens overskredne opgaver" } ": "
                    @if n > 0 { strong.overdue { (n) } } @else { "ingen" }
                    "."
                }
            }
        }
    }))
}

/// The public address of a feed token.
fn feed_url(state: &AppState, token: &str) -> String {
    format!("{}/kalender/{token}.ics", state.config.public_url.trim_end_matches('/'))
}

/// The calendar feed page: create, replace or revoke the private feed address.
pub async fn calendar(State(state): State<AppState>, viewer: Viewer) -> Response {
    calendar_page(&state, &viewer, None).await
}

async fn calendar_page(state: &AppState, viewer: &Viewer, new_token: Option<&str>) -> Response {
    if !owns_tasks(viewer.user.role) {
        return refuse(
            state,
            viewer,
            "calendar_feed.read",
            None,
            "kalenderabonnement".into(),
            "Kalenderabonnementet er for medarbejdere med opgaver.",
        )
        .await;
    }
    let created = match state.store.feed_created_at(viewer.user.id).await {
        Ok(c) => c,
        Err(e) => return layout::server_error(&e),
    };
    if new_token.is_none() {
        let audit = entry(
            viewer,
            "calendar_feed.read",
            None,
            Some("kalenderabonnement".into()),
            true,
        );
        if let Err(e) = state.store.audit(&audit).await {
            return layout::server_error(&e);
        }
    }
    let body = html! {
        h1 { "Opgaver i din kalender" }
        p { "Med en privat adresse kan din kalender (Outlook, Google, iPhone) vise dine opgaver med frist. \
            Kalenderen viser kun opgavens type og et link til Trivsel – aldrig barnets navn eller andre oplysninger. \
            Adressen er hemmelig: del den ikke. Den kan tilbagekaldes her, og så holder den op med at virke med det samme." }
        @if let Some(token) = new_token {
            div.notice role="status" {
                p { strong { "Din nye adresse" } " (vises kun denne ene gang – kopiér den nu):" }
                label for="feed-url" { "Kalenderadresse" }
                input id="feed-url" type="text" readonly value=(feed_url(state, token)) size="70";
                p.hint { "Tilføj den i kalenderen som «abonnér på kalender fra internettet»." }
            }
        }
        @if let Some(at) = created {
            p { "Du har en aktiv kalenderadresse, oprettet " (at.with_timezone(&Local).format("%d.%m.%Y kl. %H:%M")) "." }
            form.stack method="post" action="/opgaver/kalender" {
                button type="submit" { "Lav en ny adresse (den gamle holder op med at virke)" }
            }
            form.stack method="post" action="/opgaver/kalender/tilbagekald" {
                button type="submit" { "Tilbagekald adressen" }
            }
        } @else {
            p { "Du har ingen kalenderadresse." }
            form.stack method="post" action="/opgaver/kalender" {
                button type="submit" { "Opret kalenderadresse" }
            }
        }
        p { a href="/opgaver" { "Tilbage til mine opgaver" } }
    };
    layout::page("Opgaver i din kalender", Some(&viewer.user), "/opgaver", body).into_response()
}

/// Creates (or replaces) the feed address and shows it once.
pub async fn create_feed(State(state): State<AppState>, viewer: Viewer) -> Response {
    if !owns_tasks(viewer.user.role) {
        return refuse(
            &state,
            &viewer,
            "calendar_feed.create",
            None,
            "kalenderabonnement".into(),
            "Kalenderabonnementet er for medarbejdere med opgaver.",
        )
        .await;
    }
    let audit = entry(
        &viewer,
        "calendar_feed.create",
        None,
        Some("kalenderabonnement".into()),
        true,
    );
    let token = match state.store.create_feed_token(viewer.user.id, Utc::now(), &audit).await {
        Ok(t) => t,
        Err(e) => return layout::server_error(&e),
    };
    calendar_page(&state, &viewer, Some(&token)).await
}

/// Revokes the feed address.
pub async fn revoke_feed(State(state): State<AppState>, viewer: Viewer) -> Response {
    if !owns_tasks(viewer.user.role) {
        return refuse(
            &state,
            &viewer,
            "calendar_feed.revoke",
            None,
            "kalenderabonnement".into(),
            "Kalenderabonnementet er for medarbejdere med opgaver.",
        )
        .await;
    }
    let audit = entry(
        &viewer,
        "calendar_feed.revoke",
        None,
        Some("kalenderabonnement".into()),
        true,
    );
    if let Err(e) = state.store.revoke_feed(viewer.user.id, &audit).await {
        return layout::server_error(&e);
    }
    Redirect::to("/opgaver/kalender").into_response()
}

/// The feed itself, `/kalender/{token}.ics`: no session, the token is the key. An unknown or
/// revoked token, or a disabled account, is 404. Entries carry the kind of task and a link.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return layout::not_found();
    };
    let user_id = match state.store.user_by_feed_token(token).await {
        Ok(Some(id)) => id,
        Ok(None) => return layout::not_found(),
        Err(e) => return layout::server_error(&e),
    };
    let user = match state.store.user_by_id(user_id).await {
        Ok(Some(u)) if state.config.demo || !u.demo_only => u,
        Ok(_) => return layout::not_found(),
        Err(e) => return layout::server_error(&e),
    };
    let tasks = match state.store.tasks_of_user(user.id, false).await {
        Ok(t) => t,
        Err(e) => return layout::server_error(&e),
    };
    let base = state.config.public_url.trim_end_matches('/');
    let host = base.split_once("://").map_or(base, |(_, rest)| rest);
    let entries: Vec<FeedEntry> = tasks
        .iter()
        .map(|t| FeedEntry {
            uid: format!("opgave-{}@{host}", t.id),
            due: t.due,
            kind_label: t.kind.feed_label().into(),
            url: format!("{base}/opgaver#opgave-{}", t.id),
        })
        .collect();
    let body = ical_feed(&entries, "Trivsel – mine opgaver", Utc::now());
    ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response()
}
