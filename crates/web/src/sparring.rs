//! Anonym sparring (anonymous consultation): the monthly consultation with the social worker,
//! with date, participants and notes, and no child stored. Before saving, the store checks the
//! text for CPR-like numbers and for names of children enrolled at the institution; the user is
//! warned and must edit the text or confirm it.
//!
//! Who: the institution's leader and trivselsperson, and the social worker who serves it (an
//! account with that `institution_id`), by `Resource::AnonymousConsultations`; a social worker
//! of another institution, or of none, is refused. Every outcome is audited without a child id;
//! a save's row is stored with the consultation.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, Resource, can};
use trivsel_domain::cases::format_date;
use trivsel_domain::meetings::IdentityWarning;
use trivsel_store::{AnonymousSave, AuditEntry, NewAnonymousConsultation, StoreError};

use crate::audit::entry;
use crate::cases::{
    FieldError, Fields, add_criterion, described, error, error_summary, field, inline_error, invalid, parse_date, today,
};
use crate::session::Viewer;
use crate::{AppState, layout};

const DENIED: &str =
    "Anonym sparring er for skolens ledelse, trivselsperson og socialrådgiver. Forsøget er registreret.";
const CRITERION: &str = "anonym sparring";
const CONFIRM: &str = "Jeg har tjekket teksten – gem alligevel";

/// The viewer's institution, when the policy lets the viewer use its anonymous consultations;
/// otherwise the refusal is audited and answered with 403.
async fn authorize(state: &AppState, viewer: &Viewer, action: &str) -> Result<(i64, AuditEntry), Response> {
    let institution = viewer.user.institution_id.filter(|i| {
        can(
            &viewer.actor,
            Action::Write,
            &Resource::AnonymousConsultations {
                municipality_id: viewer.user.municipality_id,
                institution_id: *i,
            },
        )
    });
    let audit = entry(viewer, action, None, Some(CRITERION.into()), institution.is_some());
    match institution {
        Some(i) => Ok((i, audit)),
        None => {
            state.store.audit(&audit).await.map_err(|e| layout::server_error(&e))?;
            Err(layout::forbidden_for(Some(&viewer.user), DENIED))
        }
    }
}

/// The form's submitted values.
#[derive(Debug, Clone, Default)]
struct SparringForm {
    date: String,
    participants: String,
    notes: String,
    confirmed: bool,
}

impl SparringForm {
    fn of(fields: &Fields) -> Self {
        SparringForm {
            date: field(fields, "dato").into(),
            participants: field(fields, "deltagere").into(),
            notes: field(fields, "noter").into(),
            confirmed: field(fields, "bekraeft") == "ja",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SparringQuery {
    gemt: Option<String>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer, Query(q): Query<SparringQuery>) -> Response {
    let (institution, audit) = match authorize(&state, &viewer, "sparring.read").await {
        Ok(a) => a,
        Err(response) => return response,
    };
    if let Err(e) = state.store.audit(&audit).await {
        return layout::server_error(&e);
    }
    let form = SparringForm {
        date: today().to_string(),
        ..SparringForm::default()
    };
    match page(&state, &viewer, institution, &form, &[], &[], q.gemt.is_some()).await {
        Ok(page) => page.into_response(),
        Err(response) => response,
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    form: &SparringForm,
    errors: &[FieldError],
    warnings: &[IdentityWarning],
    saved: bool,
) -> Result<Markup, Response> {
    let consultations = state
        .store
        .anonymous_consultations(institution)
        .await
        .map_err(|e| layout::server_error(&e))?;
    let title = "Anonym sparring";
    let body = html! {
        h1 { (title) }
        p { "Månedlig sparring med socialrådgiveren. Skriv ikke barnets navn, CPR-nummer eller andet, der kan identificere barnet." }
        @if saved {
            p.notice role="status" { "Sparringen er gemt." }
        }
        (error_summary(errors))
        @if !warnings.is_empty() {
            div.error-summary role="alert" aria-labelledby="advarsler-titel" {
                h2 id="advarsler-titel" { "Teksten kan identificere et barn – intet er gemt" }
                ul {
                    @for w in warnings {
                        li { (w.message()) }
                    }
                }
                p { "Ret teksten, eller sæt flueben ved «" (CONFIRM) "» og gem igen." }
            }
        }
        section.no-print aria-labelledby="ny-sparring" {
            h2 id="ny-sparring" { "Registrér sparring" }
            form.stack method="post" action="/sparring" novalidate {
                label for="dato" { "Dato" }
                input id="dato" name="dato" type="date" required value=(form.date) max=(today().to_string())
                    aria-invalid=[invalid(errors, "dato")] aria-describedby=[described(errors, "dato")];
                (inline_error(errors, "dato"))
                label for="deltagere" { "Deltagere (én pr. linje eller adskilt af komma)" }
                textarea id="deltagere" name="deltagere" rows="3" { (form.participants) }
                label for="noter" { "Noter" }
                textarea id="noter" name="noter" rows="8" required
                    aria-invalid=[invalid(errors, "noter")] aria-describedby=[described(errors, "noter")] { (form.notes) }
                (inline_error(errors, "noter"))
                @if !warnings.is_empty() {
                    label {
                        input type="checkbox" name="bekraeft" value="ja";
                        " " (CONFIRM)
                    }
                }
                button type="submit" { "Gem sparring" }
            }
        }
        section aria-labelledby="tidligere" {
            h2 id="tidligere" { "Tidligere sparring (" (consultations.len()) ")" }
            @if consultations.is_empty() {
                p { "Der er ikke registreret sparring endnu." }
            } @else {
                table {
                    thead { tr { th scope="col" { "Dato" } th scope="col" { "Deltagere" } th scope="col" { "Noter" } } }
                    tbody {
                        @for c in &consultations {
                            tr id={ "sparring-" (c.id) } {
                                td { (format_date(c.starts_at.date())) }
                                td { @if c.participants.is_empty() { "–" } @else { (c.participants.join(", ")) } }
                                td.text { (c.notes) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(title, Some(&viewer.user), "/sparring", body))
}

pub async fn save(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Response {
    let (institution, mut audit) = match authorize(&state, &viewer, "sparring.save").await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let form = SparringForm::of(&fields);
    let mut errors = Vec::new();
    let date = if form.date.is_empty() {
        errors.push(error("dato", "Dato: skriv datoen for sparringen."));
        None
    } else {
        match parse_date(&form.date) {
            None => {
                errors.push(error(
                    "dato",
                    format!(
                        "Dato: «{}» er ikke en gyldig dato (skriv fx {}).",
                        form.date,
                        format_date(today())
                    ),
                ));
                None
            }
            Some(d) if d > today() => {
                errors.push(error("dato", "Dato: sparringen kan ikke ligge i fremtiden."));
                None
            }
            Some(d) => Some(d),
        }
    };
    if form.notes.is_empty() {
        errors.push(error("noter", "Noter: skriv noterne fra sparringen."));
    }
    let (Some(date), true) = (date, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        return refuse(&state, &viewer, institution, &audit, &form, &errors, &[], &reason).await;
    };
    let participants = form
        .participants
        .split(['\n', ','])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    // Only the day is recorded: the consultation is stored as lasting the whole day.
    let new = NewAnonymousConsultation {
        institution_id: institution,
        starts_at: date.and_time(NaiveTime::MIN),
        ends_at: date.and_hms_opt(23, 59, 59).unwrap_or(date.and_time(NaiveTime::MIN)),
        participants,
        notes: form.notes.clone(),
        confirmed: form.confirmed,
        by: viewer.user.id,
        at: Utc::now(),
    };
    if form.confirmed {
        add_criterion(&mut audit, "tekst bekræftet");
    }
    match state.store.save_anonymous_consultation(&new, &audit).await {
        Ok(AnonymousSave::Saved(_)) => Redirect::to("/sparring?gemt=1").into_response(),
        Ok(AnonymousSave::NeedsConfirmation(warnings)) => {
            let reason = format!("{} advarsel(er) om identificerbare oplysninger", warnings.len());
            refuse(&state, &viewer, institution, &audit, &form, &[], &warnings, &reason).await
        }
        Err(StoreError::Config(message)) => {
            let errors = [error("dato", message)];
            let reason = errors[0].message.clone();
            refuse(&state, &viewer, institution, &audit, &form, &errors, &[], &reason).await
        }
        Err(e) => layout::server_error(&e),
    }
}

/// Nothing stored: audits why (without the text) and shows the form again.
#[allow(clippy::too_many_arguments)]
async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    audit: &AuditEntry,
    form: &SparringForm,
    errors: &[FieldError],
    warnings: &[IdentityWarning],
    reason: &str,
) -> Response {
    let mut audit = audit.clone();
    add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
    if let Err(e) = state.store.audit(&audit).await {
        return layout::server_error(&e);
    }
    let form = SparringForm {
        confirmed: false,
        ..form.clone()
    };
    match page(state, viewer, institution, &form, errors, warnings, false).await {
        Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        Err(response) => response,
    }
}
