//! Opgaver (tasks) with deadlines: «Mine opgaver» (open tasks by due date, overdue ones marked
//! «Overskredet», done with a note by their owner), the leader's list of the institution's
//! overdue tasks, and the private calendar feed (kalenderabonnement) of a user's tasks. The feed
//! is reached by a secret token instead of a session and carries no child names.

use std::collections::{BTreeSet, HashMap};

use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use chrono::{Local, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildData, Resource, can};
use trivsel_domain::cases::{FeedEntry, ical_feed, owns_tasks};
use trivsel_domain::model::Role;
use trivsel_store::{AuditEntry, CaseTarget, Task};

use crate::kit::access::{Ask, class_resource, decide, entry, refuse, visible_children};
use crate::kit::clock::{now, today};
use crate::kit::format::{danish_date, format_time};
use crate::kit::links;
use crate::kit::menu::MenuItem;
use crate::kit::panels::PanelFuture;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 80,
    href: "/opgaver",
    label: "Opgaver",
    daycare_label: None,
    school_only: false,
    daycare_only: false,
    shown: owns_tasks,
}];

/// «Mine opgaver» on the front page.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

/// Longest note on a completed task, in characters.
const MAX_NOTE_CHARS: usize = 2000;

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
    ) -> Result<Self, PageError> {
        let mut conferences = HashMap::new();
        let conference_ids: BTreeSet<i64> = tasks.iter().filter_map(|t| t.conference_id).collect();
        for id in conference_ids {
            let Some(conference) = state.store.class_conference(id).await? else {
                continue;
            };
            let card = state.store.class_card(conference.class_id).await?;
            if card.is_some_and(|c| can(&viewer.actor, Action::Read, &class_resource(&c))) {
                conferences.insert(id, conference.class_id);
            }
        }
        let mut plans = HashMap::new();
        let today = today();
        let plan_ids: BTreeSet<i64> = tasks.iter().filter_map(|t| t.plan_id).collect();
        for id in plan_ids {
            let Some(plan) = state.store.plan(id).await? else {
                continue;
            };
            let readable = match plan.target {
                CaseTarget::Child(child) => state
                    .store
                    .child_context(child, today)
                    .await?
                    .is_some_and(|c| can(&viewer.actor, Action::Read, &Resource::Child(&c, ChildData::Plans))),
                CaseTarget::Class(class) => state
                    .store
                    .class_card(class)
                    .await?
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
                @if let Some((id, name)) = child { li { a href=(links::child(id)) { (name) } } }
                @if let Some((id, title)) = plan { li { "Plan: " a href=(links::plan(id)) { (title) } } }
                @if let Some((cid, class)) = conference {
                    li { a href=(links::conference(class, cid)) { "Klassekonferencen" } }
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
pub async fn mine(State(state): State<AppState>, viewer: Viewer) -> Page {
    Ok(mine_page(&state, &viewer, None).await?.into_response())
}

/// The page, with `error` shown at the task whose completion failed.
async fn mine_page(state: &AppState, viewer: &Viewer, error: Option<(i64, String)>) -> Result<Markup, PageError> {
    if !owns_tasks(viewer.user.role) {
        return Err(refuse(
            state,
            viewer,
            "tasks.read",
            None,
            "egne opgaver".into(),
            "Opgaver er for medarbejdere, der arbejder med børnene.",
        )
        .await);
    }
    let tasks = state.store.tasks_of_user(viewer.user.id, true).await?;
    let extra = vec![entry(viewer, "tasks.read", None, Some("egne opgaver".into()), true)];
    let links = TaskLinks::load(state, viewer, &tasks, "task.list", extra).await?;
    let today = today();
    let (open, done): (Vec<&Task>, Vec<&Task>) = tasks.iter().partition(|t| !t.is_done());
    let overdue = open.iter().filter(|t| t.is_overdue(today)).count();
    let body = html! {
        h1 { "Mine opgaver" }
        p {
            (open.len()) " åbne opgaver"
            @if overdue > 0 { ", heraf " strong.overdue { (overdue) @if overdue == 1 { " overskredet" } @else { " overskredne" } } }
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
    Ok(shell::page("Mine opgaver", Some(viewer), "/opgaver", body))
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
) -> Page {
    let task = state.store.task(id).await?;
    let allowed = task
        .as_ref()
        .is_some_and(|t| t.owner_user_id == viewer.user.id && owns_tasks(viewer.user.role));
    let ask = Ask {
        audit_action: "task.complete",
        child_id: task.as_ref().and_then(|t| t.child_id),
        criterion: Some(format!("opgave {id}")),
        denied: "Kun den, opgaven er tildelt, kan markere den som udført.",
    };
    let granted = decide(&state, &viewer, allowed, true, ask).await?;
    let note = form.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        let message =
            format!("Feltet «Note» må højst have {MAX_NOTE_CHARS} tegn; opgaven er ikke markeret som udført.");
        return Err(PageError::unprocessable(
            mine_page(&state, &viewer, Some((id, message))).await?,
        ));
    }
    // A task done already (a second click) stays as it was.
    state
        .store
        .complete_task(id, viewer.user.id, now(), note, &granted.audit)
        .await?;
    Ok(Redirect::to("/opgaver").into_response())
}

/// The institution's overdue tasks, for its school leader.
pub async fn institution(State(state): State<AppState>, viewer: Viewer) -> Page {
    let Some(institution_id) = leader_institution(&viewer) else {
        return Err(refuse(
            &state,
            &viewer,
            "tasks.overdue.read",
            None,
            "institutionens overskredne opgaver".into(),
            "Skolens overskredne opgaver er for skolelederen.",
        )
        .await);
    };
    let today = today();
    let (tasks, users) = tokio::try_join!(
        state.store.overdue_tasks_of_institution(institution_id, today),
        state.store.users(viewer.user.municipality_id)
    )?;
    let names: HashMap<i64, &str> = users.iter().map(|u| (u.id, u.name.as_str())).collect();
    let extra = vec![entry(
        &viewer,
        "tasks.overdue.read",
        None,
        Some(format!("institution {institution_id}")),
        true,
    )];
    let links = TaskLinks::load(&state, &viewer, &tasks, "task.list", extra).await?;
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
    Ok(shell::page("Skolens overskredne opgaver", Some(&viewer), "/opgaver", body).into_response())
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
async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    if !owns_tasks(viewer.user.role) {
        return Ok(None);
    }
    let today = today();
    let mine = state.store.tasks_of_user(viewer.user.id, false).await?;
    let overdue = mine.iter().filter(|t| t.is_overdue(today)).count();
    let institution = match leader_institution(viewer) {
        Some(i) => Some(state.store.overdue_tasks_of_institution(i, today).await?.len()),
        None => None,
    };
    Ok(Some(html! {
        section aria-labelledby="opgaver-titel" {
            h2 id="opgaver-titel" { "Opgaver" }
            p {
                a href="/opgaver" { "Mine opgaver" } ": " (mine.len()) " åbne"
                @if overdue > 0 { ", " strong.overdue { (overdue) @if overdue == 1 { " overskredet" } @else { " overskredne" } } }
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
pub async fn calendar(State(state): State<AppState>, viewer: Viewer) -> Page {
    Ok(calendar_page(&state, &viewer, None).await?.into_response())
}

/// The page; `new_token` is a feed address just created, shown this once.
async fn calendar_page(state: &AppState, viewer: &Viewer, new_token: Option<&str>) -> Result<Markup, PageError> {
    if !owns_tasks(viewer.user.role) {
        return Err(refuse(
            state,
            viewer,
            "calendar_feed.read",
            None,
            "kalenderabonnement".into(),
            "Kalenderabonnementet er for medarbejdere med opgaver.",
        )
        .await);
    }
    let created = state.store.feed_created_at(viewer.user.id).await?;
    if new_token.is_none() {
        let audit = entry(
            viewer,
            "calendar_feed.read",
            None,
            Some("kalenderabonnement".into()),
            true,
        );
        state.store.audit(&audit).await?;
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
            p { "Du har en aktiv kalenderadresse, oprettet " (format_time(at)) "." }
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
    Ok(shell::page("Opgaver i din kalender", Some(viewer), "/opgaver", body))
}

/// Creates (or replaces) the feed address and shows it once.
pub async fn create_feed(State(state): State<AppState>, viewer: Viewer) -> Page {
    let granted = decide(
        &state,
        &viewer,
        owns_tasks(viewer.user.role),
        true,
        feed_ask("calendar_feed.create"),
    )
    .await?;
    let token = state
        .store
        .create_feed_token(viewer.user.id, now(), &granted.audit)
        .await?;
    Ok(calendar_page(&state, &viewer, Some(&token)).await?.into_response())
}

/// Revokes the feed address.
pub async fn revoke_feed(State(state): State<AppState>, viewer: Viewer) -> Page {
    let granted = decide(
        &state,
        &viewer,
        owns_tasks(viewer.user.role),
        true,
        feed_ask("calendar_feed.revoke"),
    )
    .await?;
    state.store.revoke_feed(viewer.user.id, &granted.audit).await?;
    Ok(Redirect::to("/opgaver/kalender").into_response())
}

/// A change of the feed address; only staff with tasks have one.
fn feed_ask(audit_action: &str) -> Ask<'_> {
    Ask {
        audit_action,
        child_id: None,
        criterion: Some("kalenderabonnement".into()),
        denied: "Kalenderabonnementet er for medarbejdere med opgaver.",
    }
}

/// The feed itself, `/kalender/{token}.ics`: no session, the token is the key. An unknown or
/// revoked token, or a disabled account, is 404. Entries carry the kind of task and a link.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Page {
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Err(PageError::not_found());
    };
    let user_id = state
        .store
        .user_by_feed_token(token)
        .await?
        .ok_or_else(PageError::not_found)?;
    let user = state
        .store
        .user_by_id(user_id)
        .await?
        .filter(|u| state.config.demo || !u.demo_only)
        .ok_or_else(PageError::not_found)?;
    let tasks = state.store.tasks_of_user(user.id, false).await?;
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
    let body = ical_feed(&entries, "Trivsel – mine opgaver", now());
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response())
}
