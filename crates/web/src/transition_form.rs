//! Overgangsskema (`trivsel_domain::transition_form`): the health visitor fills in the form with
//! the parents before daycare start, choosing with them per answer what is passed on; the
//! parents confirm it in the parent view (or the health visitor records their confirmation).
//! The receiving daycare's staff see only the shared answers, from the start date, while the
//! parents' consent is in force; the store decides what each reader gets.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildContext, ChildData, ChildGrant, Resource, can};
use trivsel_domain::meetings::ConsentMethod;
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_domain::transition_form::{ADBB_ITEMS, ADBB_MAX_SCORE, Adbb, DaycareView};
use trivsel_store::{CaseTarget, FormAnswer, FormConfirmation, NewTransitionForm, StoreError, TransitionForm};

use crate::kit::access::{Allowed, Subject, authorize_with, entry};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_past_date, check_text, described, error, error_summary, field, inline_error, invalid,
    parse_date, text, values,
};
use crate::kit::format::{format_date, format_time};
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const DENIED: &str = "Overgangsskemaet læses af barnets sundhedsplejerske, forældrene og det dagtilbud, forældrene har delt det med. Forsøget er registreret.";
const FILL_IN_DENIED: &str =
    "Overgangsskemaet udfyldes af barnets sundhedsplejerske sammen med forældrene. Forsøget er registreret.";

#[derive(Deserialize, Default)]
pub struct FormQuery {
    gemt: Option<String>,
    bekraeftet: Option<String>,
}

async fn allowed(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    action: Action,
    audit_action: &str,
) -> Result<Allowed, PageError> {
    authorize_with(
        state,
        viewer,
        CaseTarget::Child(child_id),
        action,
        ChildData::TransitionForm,
        audit_action,
        None,
        Some(DENIED),
    )
    .await
}

/// Only the child's health visitor fills in a form (the parents confirm it).
async fn health_visitor(state: &AppState, viewer: &Viewer, allowed: &Allowed) -> Result<(), PageError> {
    if viewer.user.role == Role::HealthVisitor {
        return Ok(());
    }
    allowed.audit_refused(state, "kun sundhedsplejersken udfylder").await?;
    Err(PageError::forbidden(viewer, FILL_IN_DENIED))
}

fn base(child_id: i64) -> String {
    links::child_page(child_id, "overgangsskema")
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Query(q): Query<FormQuery>,
) -> Page {
    let allowed = allowed(&state, &viewer, child_id, Action::Read, "transition_form.read").await?;
    let notice = if q.gemt.is_some() {
        Some("Overgangsskemaet er gemt. Forældrene kan nu bekræfte det i forældrevisningen.")
    } else if q.bekraeftet.is_some() {
        Some(
            "Bekræftelsen er gemt. Dagtilbuddet ser de delte svar fra barnets startdato og har fået en opgave om en opstartssamtale.",
        )
    } else {
        None
    };
    Ok(forms_page(&state, &viewer, &allowed.subject, notice, &[])
        .await?
        .into_response())
}

async fn forms_page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    notice: Option<&str>,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let card = subject.child_card();
    let forms = state.store.transition_forms_of_child(subject.grant(), today()).await?;
    let role = viewer.user.role;
    let guardians = if role == Role::HealthVisitor {
        state.store.guardians_of_child(subject.grant()).await?
    } else {
        Vec::new()
    };
    let name = subject.name();
    let title = format!("Overgangsskema – {name}");
    Ok(shell::page(
        &title,
        Some(viewer),
        "",
        html! {
            p { a href=(links::child(card.id)) { "← " (name) } }
            h1 { (title) }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (error_summary(errors))
            @match role {
                Role::HealthVisitor => {
                    p { "Skemaet udfyldes sammen med forældrene ved et hjemmebesøg før barnet starter i dagtilbud. Det er frivilligt, og forældrene vælger for hvert svar, om det må deles med dagtilbuddet." }
                    p { a href={ (base(card.id)) "/ny" } { "Udfyld et nyt overgangsskema" } }
                }
                Role::Guardian => {
                    p { "Her ser I det overgangsskema, I har udfyldt med sundhedsplejersken. Dagtilbuddet ser kun de svar, I vælger at dele, og først fra den dag, barnet starter." }
                }
                _ => {
                    p { "Her ser I de svar fra sundhedsplejerskens overgangsskema, som forældrene har valgt at dele med jer. De vises fra den dag, barnet starter." }
                }
            }
            @if forms.is_empty() {
                p { @if matches!(role, Role::HealthVisitor | Role::Guardian) { "Der er ikke udfyldt noget overgangsskema." } @else { "Forældrene har ikke delt noget overgangsskema med jer." } }
            }
            @for f in &forms {
                (form_article(card.id, f, role, &guardians, errors))
            }
        },
    ))
}

fn form_article(
    child_id: i64,
    f: &TransitionForm,
    role: Role,
    guardians: &[(i64, String, Option<i64>)],
    errors: &[FieldError],
) -> Markup {
    let full = matches!(role, Role::HealthVisitor | Role::Guardian);
    let confirm = format!("{}/{}/bekraeft", base(child_id), f.id);
    html! {
        article.entry id={ "skema-" (f.id) } aria-labelledby={ "skema-" (f.id) "-titel" } {
            h2 id={ "skema-" (f.id) "-titel" } { "Til " (f.to_name) ", start " (format_date(f.starts_on)) }
            p.meta { "Hjemmebesøg " (format_date(f.visited_on)) " · udfyldt af " (f.written_by_name) }
            @if full {
                p {
                    @match (f.confirmed_at, f.consent_in_force) {
                        (None, _) => { strong { "Ikke bekræftet af forældrene: " } "intet deles med dagtilbuddet endnu." }
                        (Some(at), true) => { "Bekræftet af forældrene " (format_time(at)) ". Dagtilbuddet ser de delte svar fra " (format_date(f.starts_on)) "." }
                        (Some(at), false) => { "Bekræftet " (format_time(at)) ", men forældrenes samtykke gælder ikke længere: intet deles." }
                    }
                }
            }
            @if !full && f.daycare != DaycareView::Shared {
                @if let DaycareView::FromStart(start) = f.daycare {
                    p { "Forældrene har delt et overgangsskema med jer. Svarene vises fra barnets startdato, " (format_date(start)) "." }
                }
            } @else if f.confirmed_at.is_none() && role == Role::Guardian {
                (guardian_choice(f, &confirm))
            } @else {
                @if f.answers.is_empty() && f.adbb.is_none() {
                    p { "Forældrene har ikke delt nogen af svarene." }
                }
                dl.answers {
                    @for a in &f.answers {
                        dt { (a.question) }
                        dd {
                            (text(&a.answer))
                            @if full { p.meta { @if a.shared { "Deles med dagtilbuddet" } @else { "Deles ikke" } } }
                        }
                    }
                }
                @if let Some((adbb, cutoff)) = f.adbb { (adbb_result(adbb, cutoff, full.then_some(f.adbb_shared))) }
            }
            @if role == Role::HealthVisitor && f.confirmed_at.is_none() {
                form.stack method="post" action=(confirm) novalidate {
                    h3 { "Registrér forældrenes bekræftelse" }
                    label for={ "foraelder-" (f.id) } { "Forælder, der har bekræftet" }
                    select id={ "foraelder-" (f.id) } name="foraelder" aria-invalid=[invalid(errors, "foraelder")] aria-describedby=[described(errors, "foraelder")] {
                        option value="" { "Vælg forælder" }
                        @for (id, name, _) in guardians { option value=(id) { (name) } }
                    }
                    (inline_error(errors, "foraelder"))
                    label for={ "form-" (f.id) } { "Hvordan er det bekræftet?" }
                    select id={ "form-" (f.id) } name="form" {
                        @for m in ConsentMethod::ALL.iter().filter(|m| m.recorded_by_staff()) {
                            option value=(m.id()) { (m.navn()) }
                        }
                    }
                    button type="submit" { "Gem bekræftelsen" }
                }
            }
        }
    }
}

/// The parents' own choice per answer, and their confirmation.
fn guardian_choice(f: &TransitionForm, action: &str) -> Markup {
    html! {
        form.stack method="post" action=(action) novalidate {
            p { "Sæt hak ved de svar, dagtilbuddet må se. Svar uden hak bliver hos jer og sundhedsplejersken." }
            @for (i, a) in f.answers.iter().enumerate() {
                fieldset.group {
                    legend { (a.question) }
                    (text(&a.answer))
                    label.check { input type="checkbox" name="del" value=(i + 1) checked[a.shared]; "Må deles med dagtilbuddet" }
                }
            }
            @if let Some((adbb, cutoff)) = f.adbb {
                fieldset.group {
                    legend { "Screening (ADBB)" }
                    (adbb_result(adbb, cutoff, None))
                    label.check { input type="checkbox" name="adbb-del" value="ja" checked[f.adbb_shared]; "Må deles med dagtilbuddet" }
                }
            }
            button type="submit" { "Bekræft og del de valgte svar" }
        }
    }
}

fn adbb_result(adbb: Adbb, cutoff: u32, shared: Option<bool>) -> Markup {
    html! {
        h3 { "Screening (ADBB)" }
        p {
            "Samlet score " (adbb.total()) " (grænse " (cutoff) "): "
            @if adbb.marks_concern(cutoff) { strong { "giver anledning til opmærksomhed." } } @else { "under grænsen." }
        }
        @if let Some(shared) = shared { p.meta { @if shared { "Deles med dagtilbuddet" } @else { "Deles ikke" } } }
    }
}

/// What the health visitor typed, kept on a validation error.
#[derive(Default)]
struct Draft {
    to: String,
    starts_on: String,
    visited_on: String,
    answers: Vec<(String, bool)>,
    adbb: Vec<String>,
    adbb_shared: bool,
}

pub async fn new_page(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Page {
    let allowed = allowed(&state, &viewer, child_id, Action::Write, "transition_form.prepare").await?;
    health_visitor(&state, &viewer, &allowed).await?;
    state.store.audit(&allowed.audit).await?;
    let draft = Draft {
        visited_on: today().to_string(),
        ..Draft::default()
    };
    Ok(new_form(&state, &viewer, &allowed.subject, &draft, &[])
        .await?
        .into_response())
}

async fn new_form(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    draft: &Draft,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let card = subject.child_card();
    let m = viewer.user.municipality_id;
    let questions = state.store.transition_questions(m).await?;
    let cutoff = state.store.adbb_cutoff(m).await?;
    let daycares: Vec<_> = state
        .store
        .institutions(m)
        .await?
        .into_iter()
        .filter(|i| i.kind == InstitutionKind::Daycare)
        .collect();
    let name = subject.name();
    let title = format!("Nyt overgangsskema – {name}");
    Ok(shell::page(
        &title,
        Some(viewer),
        "",
        html! {
            p { a href=(base(card.id)) { "← Overgangsskema" } }
            h1 { (title) }
            p { "Udfyld skemaet sammen med forældrene. Sæt hak ved de svar, forældrene vil dele med dagtilbuddet; de kan ændre valget, når de bekræfter skemaet." }
            (error_summary(errors))
            form.stack method="post" action=(base(card.id)) novalidate {
                label for="til" { "Dagtilbud, barnet skal starte i" }
                select id="til" name="til" aria-invalid=[invalid(errors, "til")] aria-describedby=[described(errors, "til")] {
                    option value="" { "Vælg dagtilbud" }
                    @for d in &daycares { option value=(d.id) selected[draft.to == d.id.to_string()] { (d.name) } }
                }
                (inline_error(errors, "til"))
                label for="start" { "Barnet starter den" }
                input id="start" name="start" type="date" value=(draft.starts_on) aria-invalid=[invalid(errors, "start")] aria-describedby=[described(errors, "start")];
                (inline_error(errors, "start"))
                label for="besoeg" { "Hjemmebesøget var den" }
                input id="besoeg" name="besoeg" type="date" value=(draft.visited_on) max=(today().to_string()) aria-invalid=[invalid(errors, "besoeg")] aria-describedby=[described(errors, "besoeg")];
                (inline_error(errors, "besoeg"))
                @for (i, q) in questions.iter().enumerate() {
                    @let id = format!("svar-{}", i + 1);
                    @let (answer, shared) = draft.answers.get(i).cloned().unwrap_or_default();
                    fieldset.group {
                        legend { (q.text) }
                        label for=(id) { "Svar (valgfrit)" }
                        textarea id=(id) name=(id) rows="4" aria-invalid=[invalid(errors, &id)] aria-describedby=[described(errors, &id)] { (answer) }
                        (inline_error(errors, &id))
                        label.check { input type="checkbox" name="del" value=(i + 1) checked[shared]; "Må deles med dagtilbuddet" }
                    }
                }
                fieldset.group aria-describedby="adbb-hint" {
                    legend { "Screening (ADBB), valgfri" }
                    p.hint id="adbb-hint" { "Hvert punkt scores 0 (ingen tegn på tilbagetrækning) til " (ADBB_MAX_SCORE) ". En samlet score på " (cutoff) " eller mere giver anledning til opmærksomhed. Lad alle punkter stå tomme, hvis screeningen ikke er lavet." }
                    @for (k, item) in ADBB_ITEMS.iter().enumerate() {
                        @let id = format!("adbb-{}", k + 1);
                        @let chosen = draft.adbb.get(k).map(String::as_str).unwrap_or("");
                        label for=(id) { (item) }
                        select id=(id) name=(id) aria-invalid=[invalid(errors, &id)] aria-describedby=[described(errors, &id)] {
                            option value="" { "Ikke scoret" }
                            @for s in 0..=ADBB_MAX_SCORE { option value=(s) selected[chosen == s.to_string()] { (s) } }
                        }
                        (inline_error(errors, &id))
                    }
                    label.check { input type="checkbox" name="adbb-del" value="ja" checked[draft.adbb_shared]; "Må deles med dagtilbuddet" }
                }
                button type="submit" { "Gem overgangsskemaet" }
            }
        },
    ))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let allowed = allowed(&state, &viewer, child_id, Action::Write, "transition_form.create").await?;
    health_visitor(&state, &viewer, &allowed).await?;
    let m = viewer.user.municipality_id;
    let questions = state.store.transition_questions(m).await?;
    let shared: Vec<&str> = values(&fields, "del");
    let mut errors = Vec::new();
    let daycares = state.store.institutions(m).await?;
    let to: Option<i64> = field(&fields, "til").parse().ok();
    if !to.is_some_and(|t| daycares.iter().any(|i| i.id == t && i.kind == InstitutionKind::Daycare)) {
        errors.push(error("til", "Dagtilbud: vælg det dagtilbud, barnet skal starte i."));
    }
    let starts_on = parse_date(field(&fields, "start"));
    if starts_on.is_none() {
        errors.push(error("start", "Barnet starter den: angiv en gyldig dato."));
    }
    let visited_on = check_past_date(&mut errors, "besoeg", "Hjemmebesøget", field(&fields, "besoeg"));
    let mut answers = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        let id = format!("svar-{}", i + 1);
        let answer = check_text(
            &mut errors,
            &id,
            &q.text,
            field(&fields, &id),
            false,
            trivsel_domain::cases::MAX_TEXT_CHARS,
        );
        answers.push(FormAnswer {
            key: q.key.clone(),
            question: q.text.clone(),
            answer,
            shared: shared.contains(&(i + 1).to_string().as_str()),
        });
    }
    let scores: Vec<&str> = (1..=ADBB_ITEMS.len())
        .map(|k| field(&fields, &format!("adbb-{k}")))
        .collect();
    let adbb = if scores.iter().all(|s| s.is_empty()) {
        None
    } else {
        let mut parsed = [0u8; 8];
        for (k, s) in scores.iter().enumerate() {
            match s.parse::<u8>().ok().filter(|n| *n <= ADBB_MAX_SCORE) {
                Some(n) => parsed[k] = n,
                None => errors.push(error(
                    &format!("adbb-{}", k + 1),
                    format!(
                        "{}: scor alle otte punkter 0–{ADBB_MAX_SCORE}, eller lad dem alle stå tomme.",
                        ADBB_ITEMS[k]
                    ),
                )),
            }
        }
        Adbb::new(parsed).ok()
    };
    if errors.is_empty() && answers.iter().all(|a| a.answer.is_empty()) && adbb.is_none() {
        errors.push(error(
            "svar-1",
            "Overgangsskemaet er tomt: skriv mindst ét svar, eller udfyld ADBB.",
        ));
    }
    let draft = || Draft {
        to: field(&fields, "til").into(),
        starts_on: field(&fields, "start").into(),
        visited_on: field(&fields, "besoeg").into(),
        answers: answers.iter().map(|a| (a.answer.clone(), a.shared)).collect(),
        adbb: scores.iter().map(|s| s.to_string()).collect(),
        adbb_shared: !field(&fields, "adbb-del").is_empty(),
    };
    let (Some(to), Some(starts_on), Some(visited_on), true) = (to, starts_on, visited_on, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        allowed.audit_unchanged(&state, &reason).await?;
        return Err(PageError::unprocessable(
            new_form(&state, &viewer, &allowed.subject, &draft(), &errors).await?,
        ));
    };
    let new = NewTransitionForm {
        child_id,
        to_institution_id: to,
        starts_on,
        visited_on,
        adbb_shared: !field(&fields, "adbb-del").is_empty(),
        answers,
        adbb,
        written_by: viewer.user.id,
        at: now(),
    };
    state.store.create_transition_form(&new, &allowed.audit).await?;
    Ok(Redirect::to(&format!("{}?gemt=1", base(child_id))).into_response())
}

pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((child_id, form_id)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> Page {
    let allowed = allowed(&state, &viewer, child_id, Action::Write, "transition_form.confirm").await?;
    let forms = state
        .store
        .transition_forms_of_child(allowed.subject.grant(), today())
        .await?;
    let Some(form) = forms.iter().find(|f| f.id == form_id) else {
        allowed
            .audit_refused(&state, &format!("ukendt skema {form_id}"))
            .await?;
        return Err(PageError::not_found_for(Some(&viewer)));
    };
    let confirmation = match viewer.user.role {
        Role::Guardian => {
            let Some(guardian_id) = state.store.guardian_of_user(viewer.user.id).await? else {
                allowed.audit_refused(&state, "ingen forælder til kontoen").await?;
                return Err(PageError::forbidden(&viewer, DENIED));
            };
            let chosen = values(&fields, "del");
            let shared = (1..=form.answers.len())
                .map(|n| chosen.contains(&n.to_string().as_str()))
                .collect();
            FormConfirmation {
                form_id,
                guardian_id,
                method: ConsentMethod::ParentView,
                shared: Some((shared, !field(&fields, "adbb-del").is_empty())),
                recorded_by: viewer.user.id,
                at: now(),
            }
        }
        _ => {
            health_visitor(&state, &viewer, &allowed).await?;
            let method = ConsentMethod::from_id(field(&fields, "form"))
                .filter(|m| m.recorded_by_staff())
                .unwrap_or(ConsentMethod::StaffOrally);
            let Ok(guardian_id) = field(&fields, "foraelder").parse::<i64>() else {
                let message = "Forælder, der har bekræftet: vælg forælderen.";
                allowed.audit_unchanged(&state, message).await?;
                let errors = [error("foraelder", message)];
                return Err(PageError::unprocessable(
                    forms_page(&state, &viewer, &allowed.subject, None, &errors).await?,
                ));
            };
            FormConfirmation {
                form_id,
                guardian_id,
                method,
                shared: None,
                recorded_by: viewer.user.id,
                at: now(),
            }
        }
    };
    match state.store.confirm_transition_form(&confirmation, &allowed.audit).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?bekraeftet=1", base(child_id))).into_response()),
        Err(StoreError::Config(message)) => {
            allowed.audit_unchanged(&state, &message).await?;
            let errors = [error("foraelder", message)];
            Err(PageError::unprocessable(
                forms_page(&state, &viewer, &allowed.subject, None, &errors).await?,
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

/// A link to the forms for those who write them, and for the daycare once one is shared.
async fn child_section(
    state: &AppState,
    viewer: &Viewer,
    context: &ChildContext,
    grant: ChildGrant,
) -> Result<Option<Markup>, PageError> {
    if !can(
        &viewer.actor,
        Action::Read,
        &Resource::Child(context, ChildData::TransitionForm),
    ) {
        return Ok(None);
    }
    let forms = state.store.transition_forms_of_child(grant, today()).await?;
    let fills_in = viewer.user.role == Role::HealthVisitor;
    if forms.is_empty() && !fills_in {
        return Ok(None);
    }
    state
        .store
        .audit(&entry(
            viewer,
            "transition_form.panel",
            Some(context.child_id),
            None,
            true,
        ))
        .await?;
    let waiting = forms.iter().filter(|f| f.confirmed_at.is_none()).count();
    Ok(Some(html! {
        section aria-labelledby="overgangsskema-titel" {
            h2 id="overgangsskema-titel" { "Overgangsskema" }
            @if forms.is_empty() {
                p { "Der er ikke udfyldt noget overgangsskema." }
            } @else {
                p {
                    (forms.len()) @if forms.len() == 1 { " skema" } @else { " skemaer" }
                    @if waiting > 0 && viewer.user.role == Role::Guardian { ", " strong { (waiting) " venter på jeres bekræftelse" } }
                    "."
                }
            }
            p { a href=(base(context.child_id)) { "Se overgangsskemaet" } }
        }
    }))
}
