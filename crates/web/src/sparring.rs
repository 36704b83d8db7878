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
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveTime;
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, Resource};
use trivsel_domain::meetings::IdentityWarning;
use trivsel_domain::model::Role;
use trivsel_store::{AnonymousSave, AuditEntry, NewAnonymousConsultation, StoreError};

use crate::kit::access::{Ask, add_criterion, authorize_resource};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, Fields, described, error, error_summary, field, inline_error, invalid, parse_date};
use crate::kit::format::format_date;
use crate::kit::menu::MenuItem;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

/// The school's leadership and its social worker take part in the monthly anonymous
/// consultation.
pub const MENU: &[MenuItem] = &[MenuItem {
    order: 60,
    href: "/sparring",
    label: "Sparring",
    daycare_label: None,
    school_only: false,
    daycare_only: false,
    shown: |r| matches!(r, Role::Leader | Role::WellbeingPerson | Role::SocialWorker),
}];

const DENIED: &str =
    "Anonym sparring er for skolens ledelse, trivselsperson og socialrådgiver. Forsøget er registreret.";
const CRITERION: &str = "anonym sparring";
const CONFIRM: &str = "Jeg har tjekket teksten – gem alligevel";

/// The viewer's institution and the request's audit row, when the policy lets the viewer use
/// its anonymous consultations (a read's row is written already, a save's is handed back);
/// otherwise the refusal is audited and answered with 403.
async fn authorize(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    audit_action: &str,
) -> Result<(i64, AuditEntry), PageError> {
    let institution = viewer.user.institution_id;
    let resource = institution.map(|institution_id| Resource::AnonymousConsultations {
        municipality_id: viewer.user.municipality_id,
        institution_id,
    });
    let ask = Ask {
        audit_action,
        child_id: None,
        criterion: Some(CRITERION.into()),
        denied: DENIED,
    };
    let granted = authorize_resource(state, viewer, action, resource.as_ref(), ask).await?;
    Ok((institution.expect("granted"), granted.audit))
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

pub async fn list(State(state): State<AppState>, viewer: Viewer, Query(q): Query<SparringQuery>) -> Page {
    let (institution, _) = authorize(&state, &viewer, Action::Read, "sparring.read").await?;
    let form = SparringForm {
        date: today().to_string(),
        ..SparringForm::default()
    };
    Ok(page(&state, &viewer, institution, &form, &[], &[], q.gemt.is_some())
        .await?
        .into_response())
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    form: &SparringForm,
    errors: &[FieldError],
    warnings: &[IdentityWarning],
    saved: bool,
) -> Result<Markup, PageError> {
    let consultations = state.store.anonymous_consultations(institution).await?;
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
    Ok(shell::page(title, Some(viewer), "/sparring", body))
}

pub async fn save(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, mut audit) = authorize(&state, &viewer, Action::Write, "sparring.save").await?;
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
        return Err(refuse(&state, &viewer, institution, &audit, &form, &errors, &[], &reason).await);
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
        at: now(),
    };
    if form.confirmed {
        add_criterion(&mut audit, "tekst bekræftet");
    }
    match state.store.save_anonymous_consultation(&new, &audit).await {
        Ok(AnonymousSave::Saved(_)) => Ok(Redirect::to("/sparring?gemt=1").into_response()),
        Ok(AnonymousSave::NeedsConfirmation(warnings)) => {
            let reason = format!("{} advarsel(er) om identificerbare oplysninger", warnings.len());
            Err(refuse(&state, &viewer, institution, &audit, &form, &[], &warnings, &reason).await)
        }
        Err(StoreError::Config(message)) => {
            let errors = [error("dato", message)];
            let reason = errors[0].message.clone();
            Err(refuse(&state, &viewer, institution, &audit, &form, &errors, &[], &reason).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// Nothing stored: audits why (without the text) and shows the form again (422).
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
) -> PageError {
    let mut audit = audit.clone();
    add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
    let form = SparringForm {
        confirmed: false,
        ..form.clone()
    };
    let shown = async {
        state.store.audit(&audit).await?;
        page(state, viewer, institution, &form, errors, warnings, false).await
    };
    shown.await.map_or_else(|e| e, PageError::unprocessable)
}
