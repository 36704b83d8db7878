//! Overlevering (`trivsel_domain::transition`): when a child moves from daycare to school or
//! between schools, the leadership or trivselsperson of the institution it leaves writes a
//! hand-over note to the receiving one; its content passes only with the parents' consent to
//! hand-over, otherwise only the wish for a transfer conversation does. The receiving
//! trivselsperson gets a task for the conversation. The child's page shows the hand-overs the
//! viewer's institution sent or received (guardians and advisers see all).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildContext, ChildData, ChildGrant, Resource, can};
use trivsel_domain::meetings::ConsentScope;
use trivsel_store::{CaseTarget, NewHandover, StoreError};

use crate::kit::access::{Subject, authorize_with, entry};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_text, error, error_summary, field, inline_error, invalid, parse_date, text,
};
use crate::kit::format::format_date;
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const DENIED: &str = "Overlevering skrives af ledelsen eller trivselspersonen på den skole eller det dagtilbud, barnet forlader. Forsøget er registreret.";

#[derive(Deserialize, Default)]
pub struct HandoverQuery {
    sendt: Option<String>,
}

async fn allowed(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    action: &str,
) -> Result<crate::kit::access::Allowed, PageError> {
    authorize_with(
        state,
        viewer,
        CaseTarget::Child(child_id),
        Action::Write,
        ChildData::Handover,
        action,
        None,
        Some(DENIED),
    )
    .await
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Query(q): Query<HandoverQuery>,
) -> Page {
    let allowed = allowed(&state, &viewer, child_id, "handover.prepare").await?;
    state.store.audit(&allowed.audit).await?;
    Ok(form_page(&state, &viewer, &allowed.subject, "", &[], q.sendt.is_some())
        .await?
        .into_response())
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    note: &str,
    errors: &[FieldError],
    sent: bool,
) -> Result<Markup, PageError> {
    let card = subject.child_card();
    let consented = state
        .store
        .consent_in_force(card.id, ConsentScope::Handover, today())
        .await?;
    let own = viewer.user.institution_id;
    let institutions: Vec<_> = state
        .store
        .institutions(viewer.user.municipality_id)
        .await?
        .into_iter()
        .filter(|i| Some(i.id) != own)
        .collect();
    let name = subject.name();
    let title = format!("Overlevering – {name}");
    Ok(shell::page(
        &title,
        Some(viewer),
        "",
        html! {
            p { a href=(links::child(card.id)) { "← " (name) } }
            h1 { (title) }
            @if sent { p.notice role="status" { "Overleveringen er sendt. Den modtagende trivselsperson har fået en opgave om en indskrivningssamtale." } }
            p { "Når barnet skifter skole eller dagtilbud, kan I skrive til det nye sted om, hvad barnet har brug for for at trives. Bekymringer, planer og møder følger ikke med barnet; kun det, I skriver her." }
            @if consented {
                p.notice { "Forældrene har givet samtykke til overlevering: notatet sendes med." }
            } @else {
                p.notice { strong { "Forældrene har ikke givet samtykke til overlevering. " } "Kun ønsket om en indskrivningssamtale sendes videre – intet indhold. Samtykket registreres under " a href=(links::child_page(card.id, "samtykker")) { "Samtykker" } }
            }
            (error_summary(errors))
            form.stack method="post" action=(links::child_page(card.id, "overlevering")) novalidate {
                label for="til" { "Modtagende skole eller dagtilbud" }
                select id="til" name="til" aria-invalid=[invalid(errors, "til")] {
                    option value="" { "Vælg" }
                    @for i in &institutions { option value=(i.id) { (i.name) } }
                }
                (inline_error(errors, "til"))
                label for="start" { "Barnet starter den" }
                input id="start" name="start" type="date" value=(today().to_string()) aria-invalid=[invalid(errors, "start")];
                (inline_error(errors, "start"))
                @if consented {
                    label for="notat" { "Overleveringsnotat: barnets trivsel og behov" }
                    textarea id="notat" name="notat" rows="6" aria-invalid=[invalid(errors, "notat")] { (note) }
                    (inline_error(errors, "notat"))
                }
                button type="submit" { @if consented { "Send overleveringen" } @else { "Send ønsket om en samtale" } }
            }
        },
    ))
}

pub async fn send(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let allowed = allowed(&state, &viewer, child_id, "handover.create").await?;
    let mut errors = Vec::new();
    let to: Option<i64> = field(&fields, "til").parse().ok();
    let from = viewer.user.institution_id;
    let known = state.store.institutions(viewer.user.municipality_id).await?;
    if !to.is_some_and(|t| Some(t) != from && known.iter().any(|i| i.id == t)) {
        errors.push(error("til", "Modtagende skole eller dagtilbud: vælg det nye sted."));
    }
    let starts_on = parse_date(field(&fields, "start"));
    if starts_on.is_none() {
        errors.push(error("start", "Barnet starter den: angiv en gyldig dato."));
    }
    let note = check_text(
        &mut errors,
        "notat",
        "Overleveringsnotat",
        field(&fields, "notat"),
        false,
        trivsel_domain::cases::MAX_TEXT_CHARS,
    );
    let (Some(to), Some(from), Some(starts_on), true) = (to, from, starts_on, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        allowed.audit_unchanged(&state, &reason).await?;
        return Err(PageError::unprocessable(
            form_page(&state, &viewer, &allowed.subject, &note, &errors, false).await?,
        ));
    };
    let new = NewHandover {
        child_id,
        from_institution_id: from,
        to_institution_id: to,
        starts_on,
        note: note.clone(),
        written_by: viewer.user.id,
        at: now(),
    };
    match state.store.create_handover(&new, &allowed.audit).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?sendt=1", links::child_page(child_id, "overlevering"))).into_response()),
        Err(StoreError::Config(message)) => {
            allowed.audit_unchanged(&state, &message).await?;
            let errors = [error("notat", message)];
            Err(PageError::unprocessable(
                form_page(&state, &viewer, &allowed.subject, &note, &errors, false).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn child_panel<'a>(
    state: &'a AppState,
    viewer: &'a Viewer,
    context: &'a ChildContext,
    grant: ChildGrant,
) -> PanelFuture<'a> {
    Box::pin(child_section(state, viewer, context, grant))
}

/// The hand-overs within the viewer's reach, and the way to write one for those who may.
async fn child_section(
    state: &AppState,
    viewer: &Viewer,
    context: &ChildContext,
    grant: ChildGrant,
) -> Result<Option<Markup>, PageError> {
    let reads = can(
        &viewer.actor,
        Action::Read,
        &Resource::Child(context, ChildData::Handover),
    );
    let writes = can(
        &viewer.actor,
        Action::Write,
        &Resource::Child(context, ChildData::Handover),
    );
    if !reads && !writes {
        return Ok(None);
    }
    let handovers = if reads {
        state.store.handovers_of_child(grant).await?
    } else {
        Vec::new()
    };
    if handovers.is_empty() && !writes {
        return Ok(None);
    }
    if !handovers.is_empty() {
        state
            .store
            .audit(&entry(viewer, "handover.read", Some(context.child_id), None, true))
            .await?;
    }
    Ok(Some(html! {
        section aria-labelledby="overlevering-titel" {
            h2 id="overlevering-titel" { "Overlevering ved skifte" }
            @for h in &handovers {
                article.entry {
                    h3 { "Fra " (h.from_name) " til " (h.to_name) ", start " (format_date(h.starts_on)) }
                    p.meta { "Skrevet af " (h.written_by_name) }
                    @match &h.note {
                        Some(note) => { (text(note)) }
                        None => { p { "Forældrene havde ikke givet samtykke til overlevering: kun ønsket om en indskrivningssamtale er sendt videre." } }
                    }
                }
            }
            @if writes {
                p { a href=(links::child_page(context.child_id, "overlevering")) { "Skriv en overlevering til det nye sted" } }
            }
        }
    }))
}
