//! Forældrekontakt (`/fravaer/kontakt`): the school days with unlawful absence whose parents are
//! still to be contacted, for the class's teachers and the leadership, and recording the contact
//! (by phone, in person, or a message the guardians read in the parent view). The tasks are
//! opened by the roll call (`trivsel_store::ParentContact`); the rule is
//! `trivsel_domain::absence::contact`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::absence::contact::{ContactMethod, ContactStatus, MAX_TEXT_CHARS, check_contact, contacts_parents};
use trivsel_store::{ParentContact, StoreError};

use crate::kit::access::{Ask, Granted, add_criterion, audit_shown, decide, entry};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, error, error_summary, inline_error, invalid, parse_date};
use crate::kit::format::{danish_date, format_date};
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

pub const PATH: &str = "/fravaer/kontakt";
const DENIED: &str = "Forældrekontakt om ulovligt fravær er for elevens lærere og skolens ledelse.";
/// Days a recorded contact stays on the list, for reference.
const RECENT_DAYS: u64 = 14;

/// The contacts of the viewer's institution the viewer may act on (`contacts_parents`: the
/// class's teachers and the leadership), with the pupils' names.
async fn actionable(state: &AppState, viewer: &Viewer) -> Result<Vec<(ParentContact, String)>, PageError> {
    let Some(institution_id) = viewer.user.institution_id else {
        return Ok(Vec::new());
    };
    let today = today();
    let contacts = state
        .store
        .institution_contacts(institution_id, today, RECENT_DAYS)
        .await?;
    let mut allowed = Vec::new();
    for c in contacts {
        let context = state.store.child_context(c.child_id, today).await?;
        if context.is_some_and(|x| contacts_parents(&viewer.actor, &x)) {
            allowed.push(c);
        }
    }
    let ids: Vec<i64> = allowed.iter().map(|c| c.child_id).collect();
    let names = state.store.child_names(&ids).await?;
    Ok(allowed
        .into_iter()
        .map(|c| {
            let name = names.get(&c.child_id).cloned().unwrap_or_default();
            (c, name)
        })
        .collect())
}

/// Whether the viewer works at a school (where the roll call opens contact tasks).
fn at_school(viewer: &Viewer) -> bool {
    viewer.user.institution_id.is_some() && viewer.institution_kind.is_some_and(|k| k.has_school_days())
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    kontaktet: Option<i64>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer, Query(q): Query<ListQuery>) -> Page {
    let contacts = load_list(&state, &viewer).await?;
    Ok(list_page(&viewer, &contacts, q.kontaktet, &[]).into_response())
}

/// The list, with the read audited per pupil shown; refused for a viewer outside a school.
async fn load_list(state: &AppState, viewer: &Viewer) -> Result<Vec<(ParentContact, String)>, PageError> {
    let ask = Ask {
        audit_action: "absence.contact.read",
        child_id: None,
        criterion: Some("forældrekontakt".into()),
        denied: DENIED,
    };
    let granted = decide(state, viewer, at_school(viewer), false, ask).await?;
    let contacts = actionable(state, viewer).await?;
    audit_shown(state, &granted.audit, true, contacts.iter().map(|c| c.0.child_id)).await?;
    Ok(contacts)
}

fn list_page(
    viewer: &Viewer,
    contacts: &[(ParentContact, String)],
    done_now: Option<i64>,
    errors: &[FieldError],
) -> Markup {
    let title = "Forældrekontakt om ulovligt fravær";
    let today = today();
    let open: Vec<_> = contacts.iter().filter(|c| c.0.status == ContactStatus::Open).collect();
    let recent: Vec<_> = contacts.iter().filter(|c| c.0.status != ContactStatus::Open).collect();
    let body = html! {
        h1 { (title) }
        p { "Ved ulovligt fravær skal skolen straks kontakte forældrene. Hver skoledag med ulovligt fravær (U) giver en \
             opgave her, samme dag; den løses, når kontakten er registreret. Rettes U'et, bortfalder opgaven." }
        @if let Some((_, name)) = done_now.and_then(|id| contacts.iter().find(|c| c.0.id == id)) {
            p.notice role="status" tabindex="-1" data-focus { "Kontakten med forældrene til " (name) " er registreret." }
        }
        (error_summary(errors))
        h2 { "Skal kontaktes" }
        @if open.is_empty() { p { "Ingen forældre venter på at blive kontaktet." } }
        @for (c, name) in open {
            section.card aria-labelledby={ "kontakt-" (c.id) } {
                h3 id={ "kontakt-" (c.id) } { a href=(links::child(c.child_id)) { (name) } ": ulovligt fravær " (danish_date(c.absence_date)) }
                @if c.absence_date < today { p.error { "Fra før i dag: forældrene skulle være kontaktet samme dag." } }
                @let field = |f: &str| format!("{f}-{}", c.id);
                form.stack method="post" action={ (PATH) "/" (c.id) } novalidate {
                    label for=(field("maade")) { "Hvordan er forældrene kontaktet?" }
                    select id=(field("maade")) name="maade" aria-invalid=[invalid(errors, &field("maade"))] {
                        @for m in ContactMethod::ALL { option value=(m.id()) { (m.navn()) } }
                    }
                    (inline_error(errors, &field("maade")))
                    label for=(field("dato")) { "Dato" }
                    input id=(field("dato")) name="dato" type="date" value=(today) min=(c.absence_date) max=(today)
                        aria-invalid=[invalid(errors, &field("dato"))];
                    (inline_error(errors, &field("dato")))
                    label for=(field("note")) { "Notat, eller beskeden til forældrene ved forældrevisningen" }
                    textarea id=(field("note")) name="note" rows="2" maxlength=(MAX_TEXT_CHARS)
                        aria-invalid=[invalid(errors, &field("note"))] {}
                    (inline_error(errors, &field("note")))
                    button type="submit" { "Registrér kontakt" }
                }
            }
        }
        @if !recent.is_empty() {
            h2 { "Seneste " (RECENT_DAYS) " dage" }
            ul.cards {
                @for (c, name) in recent {
                    li.card {
                        p { a href=(links::child(c.child_id)) { (name) } ", " (format_date(c.absence_date)) ": " (outcome(c)) }
                    }
                }
            }
        }
    };
    shell::page(title, Some(viewer), PATH, body)
}

/// A handled contact in words: «kontaktet 02.12.2026 (telefonopkald) af …» or «bortfaldet».
fn outcome(c: &ParentContact) -> String {
    match (c.status, c.method, c.contacted_on) {
        (ContactStatus::Done, Some(m), Some(on)) => {
            let by = c
                .done_by_name
                .as_deref()
                .map(|n| format!(" af {n}"))
                .unwrap_or_default();
            format!("kontaktet {} ({}){by}", format_date(on), m.navn().to_lowercase())
        }
        (ContactStatus::Void, ..) => "bortfaldet (U'et er rettet)".into(),
        _ => "skal kontaktes".into(),
    }
}

#[derive(Deserialize)]
pub struct ContactForm {
    maade: Option<String>,
    dato: Option<String>,
    note: Option<String>,
}

/// Records the contact, for a viewer who writes the child's absence.
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<ContactForm>,
) -> Page {
    let today = today();
    let contact = state.store.parent_contact(id).await?;
    let context = match &contact {
        Some(c) => state.store.child_context(c.child_id, today).await?,
        None => None,
    };
    let allowed = context.as_ref().is_some_and(|x| contacts_parents(&viewer.actor, x));
    let ask = Ask {
        audit_action: "absence.contact.write",
        child_id: context.as_ref().map(|c| c.child_id),
        criterion: Some(format!("forældrekontakt {id}")),
        denied: DENIED,
    };
    let granted = decide(&state, &viewer, allowed, true, ask).await?;
    let contact = contact.expect("granted");
    let field = |f: &str| format!("{f}-{id}");
    let mut errors = Vec::new();
    let method = ContactMethod::from_id(form.maade.as_deref().unwrap_or(""));
    if method.is_none() {
        errors.push(error(&field("maade"), "Vælg, hvordan forældrene er kontaktet."));
    }
    let date = parse_date(form.dato.as_deref().unwrap_or("").trim());
    if date.is_none() {
        errors.push(error(&field("dato"), "Dato: skriv datoen for kontakten (dd.mm.åååå)."));
    }
    let note = form.note.as_deref().unwrap_or("").trim().to_string();
    if let (Some(m), Some(d)) = (method, date)
        && let Err(e) = check_contact(m, d, contact.absence_date, &note, today)
    {
        errors.push(error(&field(e.field), e.message));
    }
    let (Some(method), Some(on), true) = (method, date, errors.is_empty()) else {
        return Err(rejected(&state, &viewer, &granted, errors).await);
    };
    let mut audit = granted.audit.clone();
    add_criterion(&mut audit, &format!("kontaktet ({})", method.navn()));
    match state
        .store
        .record_parent_contact(id, method, on, &note, viewer.user.id, now(), &audit)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{PATH}?kontaktet={id}")).into_response()),
        Err(StoreError::Config(m)) => Err(rejected(&state, &viewer, &granted, vec![error(&field("maade"), m)]).await),
        Err(e) => Err(e.into()),
    }
}

/// The list again with the form's errors (422); the refused write is audited with its reason.
async fn rejected(state: &AppState, viewer: &Viewer, granted: &Granted, errors: Vec<FieldError>) -> PageError {
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    if let Err(e) = granted.audit_unchanged(state, &reason).await {
        return e.into();
    }
    match load_list(state, viewer).await {
        Ok(contacts) => PageError::unprocessable(list_page(viewer, &contacts, None, &errors)),
        Err(e) => e,
    }
}

/// On the front page of the class's teachers and the leadership: the parents still to contact.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    if !at_school(viewer) {
        return Ok(None);
    }
    let today = today();
    let open: Vec<_> = actionable(state, viewer)
        .await?
        .into_iter()
        .filter(|c| c.0.status == ContactStatus::Open)
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    let late = open.iter().filter(|c| c.0.absence_date < today).count();
    // The pupils are named, so the read is audited per pupil.
    let row = entry(viewer, "absence.contact.read", None, Some("forside".into()), true);
    audit_shown(state, &row, false, open.iter().map(|c| c.0.child_id)).await?;
    Ok(Some(html! {
        section aria-labelledby="kontakt-titel" {
            h2 id="kontakt-titel" { "Forældre der skal kontaktes" }
            p {
                a href=(PATH) { (open.len()) @if open.len() == 1 { " elev" } @else { " elever" } }
                " med ulovligt fravær, hvor forældrene ikke er kontaktet"
                @if late > 0 { span.error { " (heraf " (late) " fra før i dag)" } }
                ": "
                @for (i, (c, name)) in open.iter().take(5).enumerate() {
                    @if i > 0 { ", " }
                    (name) " " (format_date(c.absence_date))
                }
                @if open.len() > 5 { " …" }
                "."
            }
        }
    }))
}

/// The class's pupils still to contact about `date`, for the roll call page.
pub(super) async fn open_in_class(
    state: &AppState,
    institution_id: i64,
    pupils: &[trivsel_store::PupilRow],
) -> Result<Vec<(ParentContact, String)>, PageError> {
    let contacts = state.store.institution_contacts(institution_id, today(), 0).await?;
    Ok(contacts
        .into_iter()
        .filter(|c| c.status == ContactStatus::Open)
        .filter_map(|c| {
            let p = pupils.iter().find(|p| p.id == c.child_id)?;
            let name = format!("{} {}", p.given_name, p.family_name);
            Some((c, name))
        })
        .collect())
}

/// The messages the school sent through the parent view about a child's unlawful absence, for
/// the guardians' page: (day of the absence, message, sent on).
pub(super) fn parent_messages(contacts: &[ParentContact]) -> Vec<(chrono::NaiveDate, &str, chrono::NaiveDate)> {
    contacts
        .iter()
        .filter(|c| c.method == Some(ContactMethod::ParentView))
        .filter_map(|c| Some((c.absence_date, c.note.as_deref()?, c.contacted_on?)))
        .collect()
}
