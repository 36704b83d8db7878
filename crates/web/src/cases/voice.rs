//! «Min stemme»: a pupil writes his or her own words in the open plans about him or her, next
//! to what staff wrote as the child's voice (`ChildData::PupilVoice`). The pupil sees the plan's
//! title and the child's voice, nothing else of the plan: no staff notes, concerns or minutes.
//! Staff see the pupil's words in the plan as «Elevens egne ord».

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildData};
use trivsel_domain::cases::MAX_TEXT_CHARS;
use trivsel_domain::model::Role;
use trivsel_store::{CaseTarget, Plan, PlanText};

use super::plans::authorize_plan;
use crate::kit::access::{authorize, refuse};
use crate::kit::clock::now;
use crate::kit::form::{FieldError, Fields, check_text, described, error, error_summary, field, inline_error, invalid};
use crate::kit::menu::MenuItem;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 16,
    href: "/min-stemme",
    label: "Min stemme",
    daycare_label: None,
    school_only: false,
    daycare_only: false,
    shown: |r| r == Role::Pupil,
}];

const FIELD: &str = "min_stemme";

#[derive(Deserialize)]
pub struct VoiceQuery {
    gemt: Option<String>,
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, Query(q): Query<VoiceQuery>) -> Page {
    let notice = q
        .gemt
        .is_some()
        .then_some("Gemt. De voksne på skolen kan nu læse det, du har skrevet.");
    Ok(voice_page(&state, &viewer, notice, None).await?.into_response())
}

/// The pupil's open plans with a form each; `rejected` is a plan whose form is shown again
/// with its text and errors.
async fn voice_page(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    rejected: Option<(i64, &str, &[FieldError])>,
) -> Result<Markup, PageError> {
    let Some(&child) = viewer
        .actor
        .own_children
        .first()
        .filter(|_| viewer.user.role == Role::Pupil)
    else {
        let reason = "«Min stemme» er for elever. Forsøget er registreret.";
        return Err(refuse(state, viewer, "plan.pupil_voice.read", None, "ikke elev".into(), reason).await);
    };
    let target = CaseTarget::Child(child);
    let allowed = authorize(
        state,
        viewer,
        target,
        Action::Read,
        ChildData::PupilVoice,
        "plan.pupil_voice.read",
        None,
    )
    .await?;
    let mut plans: Vec<Plan> = Vec::new();
    for summary in state.store.plans_of_child(allowed.subject.grant()).await? {
        if !summary.closed
            && let Some(plan) = state.store.plan(summary.id).await?
        {
            plans.push(plan);
        }
    }
    let body = html! {
        h1 { "Min stemme" }
        p { "Her kan du skrive, hvad du selv synes om det, I arbejder med i din plan. "
            "De voksne på skolen læser det, og det står i planen ved siden af det, de har skrevet." }
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        @if plans.is_empty() {
            p { "Du har ingen planer lige nu." }
        }
        @for plan in &plans {
            @let (text, errors): (&str, &[FieldError]) = match rejected {
                Some((id, text, errors)) if id == plan.id => (text, errors),
                _ => (plan.content.pupil_voice.as_str(), &[]),
            };
            @let id = format!("{FIELD}-{}", plan.id);
            section aria-labelledby={ "plan-" (plan.id) } {
                h2 id={ "plan-" (plan.id) } { (plan.title) }
                h3 { "Det har de voksne skrevet om, hvad du siger" }
                @if plan.content.child_voice.trim().is_empty() {
                    p.hint { "Ingenting endnu." }
                } @else {
                    p.prose { (plan.content.child_voice) }
                }
                (error_summary(errors))
                form.stack method="post" action={ "/planer/" (plan.id) "/min-stemme" } {
                    input type="hidden" name="version" value=(plan.current_version);
                    label for=(id) { "Det vil jeg gerne sige" }
                    textarea id=(id) name=(FIELD) rows="5" maxlength=(MAX_TEXT_CHARS)
                        aria-invalid=[invalid(errors, &id)] aria-describedby=[described(errors, &id)] { (text) }
                    (inline_error(errors, &id))
                    button type="submit" { "Gem det, jeg har skrevet" }
                }
            }
        }
    };
    Ok(shell::page("Min stemme", Some(viewer), "/min-stemme", body))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (plan, allowed) = authorize_plan(
        &state,
        &viewer,
        id,
        Action::Write,
        ChildData::PupilVoice,
        "plan.pupil_voice",
    )
    .await?;
    let field_id = format!("{FIELD}-{id}");
    let raw = field(&fields, FIELD);
    let mut errors = Vec::new();
    let text = check_text(
        &mut errors,
        &field_id,
        "Det vil jeg gerne sige",
        raw,
        false,
        MAX_TEXT_CHARS,
    );
    if plan.closed {
        errors.push(error(
            &field_id,
            "Planen er afsluttet, så du kan ikke skrive i den mere.",
        ));
    }
    let version = field(&fields, "version").parse::<i32>().ok();
    if version.is_none() {
        errors.push(error(
            &field_id,
            "Siden er for gammel. Åbn «Min stemme» igen, og skriv det en gang til.",
        ));
    }
    let status = if plan.closed {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (Some(version), true) = (version, errors.is_empty()) else {
        allowed.audit_unchanged(&state, "fejl i formularen").await?;
        let markup = voice_page(&state, &viewer, None, Some((id, raw, &errors))).await?;
        return Err(PageError::status(status, markup));
    };
    match state
        .store
        .save_plan_text(
            id,
            version,
            PlanText::PupilVoice,
            &text,
            viewer.user.id,
            now(),
            &allowed.audit,
        )
        .await?
    {
        Ok(_) => Ok(Redirect::to("/min-stemme?gemt=1").into_response()),
        Err(_) => {
            allowed.audit_unchanged(&state, "versionskonflikt").await?;
            let errors = [error(
                &field_id,
                "En voksen har ændret planen, mens du skrev. Din tekst er ikke gemt endnu – tjek den, og tryk Gem igen.",
            )];
            let markup = voice_page(&state, &viewer, None, Some((id, raw, &errors))).await?;
            Err(PageError::status(StatusCode::CONFLICT, markup))
        }
    }
}
