//! Kommunens skabelon for trivselshjulet: the municipality's analysts keep a template of
//! activities per period (`/kommune/trivselshjul`); a school starts an empty school year from
//! it on its own wheel (`annual_wheel::from_template`).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use trivsel_domain::annual_wheel::{Level, PERIODS};
use trivsel_domain::model::Role;
use trivsel_store::{AuditEntry, TemplateActivity};

use crate::kit::access::{Ask, audit_unchanged, decide};
use crate::kit::clock::now;
use crate::kit::form::{FieldError, Fields, error, error_summary, field, inline_error, invalid};
use crate::kit::{AppState, Page, PageError, Viewer, shell};

const DENIED: &str = "Kommunens skabelon for trivselshjulet redigeres af kommunens analytikere.";

/// Only the municipality's analysts keep the template.
async fn analyst(state: &AppState, viewer: &Viewer, write: bool, action: &str) -> Result<AuditEntry, PageError> {
    let ask = Ask {
        audit_action: action,
        child_id: None,
        criterion: Some("kommune".into()),
        denied: DENIED,
    };
    Ok(decide(state, viewer, viewer.user.role == Role::Analyst, write, ask)
        .await?
        .audit)
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Page {
    analyst(&state, &viewer, false, "annual_wheel.template.read").await?;
    Ok(template_page(&state, &viewer, &[]).await?.into_response())
}

async fn template_page(state: &AppState, viewer: &Viewer, errors: &[FieldError]) -> Result<Markup, PageError> {
    let template = state.store.wheel_template(viewer.user.municipality_id).await?;
    let title = "Kommunens skabelon for trivselshjulet";
    Ok(shell::page(
        title,
        Some(viewer),
        "/kommune",
        html! {
            h1 { (title) }
            p { "Skolerne kan starte et tomt skoleår fra skabelonen på deres eget trivselshjul. Datoerne bliver periodens i det skoleår; skolens trivselsperson bliver ansvarlig." }
            (error_summary(errors))
            @for (p, (name, _, _)) in PERIODS.iter().enumerate() {
                section aria-labelledby={ "periode-" (p) } {
                    h2 id={ "periode-" (p) } { (name) }
                    @let list: Vec<&TemplateActivity> = template.iter().filter(|a| a.period == p).collect();
                    @if list.is_empty() { p { "Ingen aktiviteter." } }
                    ul.links {
                        @for a in list {
                            li {
                                (a.title) " – "
                                @if a.level_name.is_empty() { (a.level.navn()) } @else { (a.level_name) }
                                ", " (a.responsible_team)
                                form.inline method="post" action={ "/kommune/trivselshjul/" (a.id) "/slet" } {
                                    button type="submit" aria-label={ "Fjern «" (a.title) "»" } { "Fjern" }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="ny-aktivitet" {
                h2 id="ny-aktivitet" { "Ny aktivitet i skabelonen" }
                form.stack method="post" action="/kommune/trivselshjul" novalidate {
                    label for="titel" { "Aktivitet" }
                    input id="titel" name="titel" type="text" aria-invalid=[invalid(errors, "titel")];
                    (inline_error(errors, "titel"))
                    label for="periode" { "Periode" }
                    select id="periode" name="periode" {
                        @for (p, (name, _, _)) in PERIODS.iter().enumerate() { option value=(p) { (name) } }
                    }
                    label for="niveau" { "Niveau" }
                    select id="niveau" name="niveau" {
                        @for l in Level::ALL { option value=(l.id()) { (l.navn()) } }
                    }
                    label for="hvem" { "Årgang eller klasse (fx «5. årgang»; tom på skoleniveau)" }
                    input id="hvem" name="hvem" type="text" aria-invalid=[invalid(errors, "hvem")];
                    (inline_error(errors, "hvem"))
                    label for="team" { "Team, fx LKT-teamet" }
                    input id="team" name="team" type="text" aria-invalid=[invalid(errors, "team")];
                    (inline_error(errors, "team"))
                    button type="submit" { "Tilføj til skabelonen" }
                }
            }
        },
    ))
}

pub async fn add(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let audit = analyst(&state, &viewer, true, "annual_wheel.template.add").await?;
    let mut errors = Vec::new();
    let title = field(&fields, "titel").to_string();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(error("titel", "Aktivitet: skriv hvad der skal ske (højst 200 tegn)."));
    }
    let period = field(&fields, "periode")
        .parse::<usize>()
        .ok()
        .filter(|p| *p < PERIODS.len());
    let level = Level::from_id(field(&fields, "niveau")).unwrap_or(Level::School);
    let level_name = field(&fields, "hvem").to_string();
    if level != Level::School && level_name.is_empty() {
        errors.push(error("hvem", "Årgang eller klasse: skriv hvilken."));
    }
    let team = field(&fields, "team").to_string();
    if team.is_empty() || team.chars().count() > 100 {
        errors.push(error(
            "team",
            "Team: skriv hvem der står for aktiviteten (højst 100 tegn).",
        ));
    }
    let Some(period) = period.filter(|_| errors.is_empty()) else {
        if period.is_none() {
            errors.push(error("periode", "Periode: vælg en af de fire perioder."));
        }
        let reasons: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        audit_unchanged(&state, &audit, &reasons.join(" ")).await?;
        return Err(PageError::unprocessable(template_page(&state, &viewer, &errors).await?));
    };
    let activity = TemplateActivity {
        id: 0,
        period,
        title,
        level,
        level_name: if level == Level::School {
            String::new()
        } else {
            level_name
        },
        responsible_team: team,
    };
    state
        .store
        .add_template_activity(viewer.user.municipality_id, &activity, viewer.user.id, now(), &audit)
        .await?;
    Ok(Redirect::to("/kommune/trivselshjul").into_response())
}

pub async fn remove(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let audit = analyst(&state, &viewer, true, "annual_wheel.template.remove").await?;
    if !state
        .store
        .remove_template_activity(viewer.user.municipality_id, id, &audit)
        .await?
    {
        return Err(PageError::not_found_for(Some(&viewer)));
    }
    Ok(Redirect::to("/kommune/trivselshjul").into_response())
}
