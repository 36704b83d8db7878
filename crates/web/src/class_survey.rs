//! Klassetrivselsundersøgelser (`trivsel_domain::surveys::class_survey`): the class's teacher,
//! trivselsperson or leader makes a survey of scale and sociogram questions; pupils answer on
//! their own login or on a shared tablet with the class code (`/svar`), each once; the staff
//! with access to the class see the results with a sociogram per question, and turn a pupil
//! nobody chose into a focus pupil (fokuselev) for the next class conference in one step.
//! No pupil sees another's answers: the pupil pages show only the pupil's own form.

use std::collections::{BTreeSet, HashMap};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use trivsel_domain::access::{Action, ChildData};
use trivsel_domain::model::Role;
use trivsel_domain::surveys::class_survey::{
    DEFAULT_MAX_CHOICES, DEFAULT_QUESTIONS, MAX_CHOICES_LIMIT, MAX_QUESTIONS, QuestionKind, SCALE, check_choices,
    normalise_code,
};
use trivsel_domain::surveys::sociogram::analyse;
use trivsel_store::{
    AuditEntry, CaseTarget, ClassCard, ClassSurvey, NewClassSurvey, NewResponse, PupilRow, StoreError, Via,
};

use crate::kit::access::{Allowed, audit_unchanged, authorize, authorize_with, entry};
use crate::kit::chart::sociogram;
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, Fields, error, error_summary, field, inline_error, invalid, values};
use crate::kit::format::{decimal, format_time};
use crate::kit::session::ClientAddress;
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const MAX_TITLE_CHARS: usize = 200;
const MAX_QUESTION_CHARS: usize = 300;
const NOT_FOUND_CODE: &str = "Koden findes ikke, eller undersøgelsen er lukket. Spørg din lærer om koden.";

fn survey_path(id: i64) -> String {
    format!("/trivselsundersoegelser/{id}")
}

fn name(p: &PupilRow) -> String {
    format!("{} {}", p.given_name, p.family_name)
}

/// The class's staff (teacher of the class, the school's leader and trivselsperson).
async fn class_staff(state: &AppState, viewer: &Viewer, class_id: i64, action: &str) -> Result<Allowed, PageError> {
    authorize(
        state,
        viewer,
        CaseTarget::Class(class_id),
        Action::Read,
        ChildData::Identity,
        action,
        None,
    )
    .await
}

/// The survey and the class's access check.
async fn survey_staff(
    state: &AppState,
    viewer: &Viewer,
    survey_id: i64,
    action: &str,
) -> Result<(ClassSurvey, ClassCard, AuditEntry), PageError> {
    let survey = state.store.class_survey(survey_id).await?;
    let class_id = survey.as_ref().map_or(0, |s| s.class_id);
    let (card, audit) = class_staff(state, viewer, class_id, action).await?.into_class();
    let survey = survey.ok_or_else(|| PageError::not_found_for(Some(viewer)))?;
    Ok((survey, card, audit))
}

pub async fn list(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Page {
    let (card, _) = class_staff(&state, &viewer, class_id, "class_survey.list")
        .await?
        .into_class();
    let surveys = state.store.class_surveys_of_class(class_id).await?;
    let title = format!("Trivselsundersøgelser i {}", card.name);
    Ok(shell::page(
        &title,
        Some(&viewer),
        "",
        html! {
            p { a href=(links::class(card.id)) { "← " (card.name) } }
            h1 { (title) }
            p { "Klassens egne undersøgelser med spørgsmål på en skala og sociogrammer (hvem eleverne vælger). Eleverne svarer på eget login eller på en fælles tablet med klassekoden." }
            p { a href={ (links::class(card.id)) "/trivselsundersoegelser/ny" } { "Lav en ny undersøgelse" } }
            @if surveys.is_empty() {
                p { "Klassen har ingen undersøgelser endnu." }
            } @else {
                ul.links {
                    @for s in &surveys {
                        li {
                            a href=(survey_path(s.id)) { (s.title) }
                            br; (s.responses) " svar · lavet " (format_time(s.created_at)) " af " (s.created_by_name)
                            @if s.closed_at.is_some() { " · lukket" } @else { " · åben, klassekode " strong { (s.code) } }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

#[derive(Default)]
struct Draft {
    title: String,
    max_choices: String,
    questions: Vec<(String, String)>,
}

pub async fn new_page(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Page {
    let (card, _) = class_staff(&state, &viewer, class_id, "class_survey.prepare")
        .await?
        .into_class();
    let draft = Draft {
        title: format!("Klassetrivsel {}", card.name),
        max_choices: DEFAULT_MAX_CHOICES.to_string(),
        questions: DEFAULT_QUESTIONS
            .iter()
            .map(|(k, q)| (k.id().to_string(), q.to_string()))
            .collect(),
    };
    Ok(new_form(&viewer, &card, &draft, &[]).into_response())
}

fn new_form(viewer: &Viewer, card: &ClassCard, draft: &Draft, errors: &[FieldError]) -> Markup {
    let title = format!("Ny trivselsundersøgelse i {}", card.name);
    let rows = (draft.questions.len() + 2).min(MAX_QUESTIONS);
    shell::page(
        &title,
        Some(viewer),
        "",
        html! {
            p { a href={ (links::class(card.id)) "/trivselsundersoegelser" } { "← Trivselsundersøgelser" } }
            h1 { (title) }
            p { "Spørgsmål til sociogrammer skal være positive valg (fx «Hvem kan du fortælle en hemmelighed?») – aldrig hvem eleverne ikke kan lide." }
            (error_summary(errors))
            form.stack method="post" action={ (links::class(card.id)) "/trivselsundersoegelser" } novalidate {
                label for="titel" { "Titel" }
                input id="titel" name="titel" type="text" value=(draft.title) aria-invalid=[invalid(errors, "titel")];
                (inline_error(errors, "titel"))
                label for="valg" { "Antal klassekammerater, en elev højst kan vælge pr. spørgsmål" }
                input id="valg" name="valg" type="number" min="1" max=(MAX_CHOICES_LIMIT) value=(draft.max_choices) aria-invalid=[invalid(errors, "valg")];
                (inline_error(errors, "valg"))
                @for i in 0..rows {
                    @let (kind, text) = draft.questions.get(i).cloned().unwrap_or_default();
                    fieldset.group {
                        legend { "Spørgsmål " (i + 1) }
                        label for={ "spoergsmaal-" (i + 1) } { "Tekst (tom: bruges ikke)" }
                        input id={ "spoergsmaal-" (i + 1) } name={ "spoergsmaal-" (i + 1) } type="text" value=(text) aria-invalid=[invalid(errors, &format!("spoergsmaal-{}", i + 1))];
                        (inline_error(errors, &format!("spoergsmaal-{}", i + 1)))
                        label for={ "type-" (i + 1) } { "Type" }
                        select id={ "type-" (i + 1) } name={ "type-" (i + 1) } {
                            @for k in [QuestionKind::Scale, QuestionKind::Sociogram] {
                                option value=(k.id()) selected[kind == k.id()] { (k.navn()) }
                            }
                        }
                    }
                }
                button type="submit" { "Opret undersøgelsen" }
            }
        },
    )
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(class_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let allowed = class_staff(&state, &viewer, class_id, "class_survey.create").await?;
    let mut errors = Vec::new();
    let title = field(&fields, "titel").trim().to_string();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        errors.push(error(
            "titel",
            format!("Titel: skriv en titel på højst {MAX_TITLE_CHARS} tegn."),
        ));
    }
    let max_choices = field(&fields, "valg")
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_CHOICES_LIMIT).contains(n));
    if max_choices.is_none() {
        errors.push(error(
            "valg",
            format!("Antal valg: skriv et tal fra 1 til {MAX_CHOICES_LIMIT}."),
        ));
    }
    let mut questions = Vec::new();
    let mut draft_questions = Vec::new();
    for i in 1..=MAX_QUESTIONS {
        let text = field(&fields, &format!("spoergsmaal-{i}")).trim().to_string();
        let kind_id = field(&fields, &format!("type-{i}")).to_string();
        draft_questions.push((kind_id.clone(), text.clone()));
        if text.is_empty() {
            continue;
        }
        if text.chars().count() > MAX_QUESTION_CHARS {
            errors.push(error(
                &format!("spoergsmaal-{i}"),
                format!("Spørgsmål {i}: højst {MAX_QUESTION_CHARS} tegn."),
            ));
        }
        questions.push((QuestionKind::from_id(&kind_id).unwrap_or(QuestionKind::Scale), text));
    }
    if questions.is_empty() {
        errors.push(error("spoergsmaal-1", "Spørgsmål 1: skriv mindst ét spørgsmål."));
    }
    let (card, audit) = allowed.into_class();
    let (Some(max_choices), true) = (max_choices, errors.is_empty()) else {
        while draft_questions.last().is_some_and(|q| q.1.is_empty()) {
            draft_questions.pop();
        }
        let draft = Draft {
            title,
            max_choices: field(&fields, "valg").into(),
            questions: draft_questions,
        };
        audit_unchanged(
            &state,
            &audit,
            &errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
        )
        .await?;
        return Err(PageError::unprocessable(new_form(&viewer, &card, &draft, &errors)));
    };
    let new = NewClassSurvey {
        class_id,
        title,
        max_choices,
        questions,
        created_by: viewer.user.id,
        at: now(),
    };
    let id = state.store.create_class_survey(&new, &audit).await?;
    Ok(Redirect::to(&survey_path(id)).into_response())
}

/// The results: who answered, each scale question's answers, and per sociogram question the
/// drawing and each pupil's figures. Every pupil shown is audited.
pub async fn results(State(state): State<AppState>, viewer: Viewer, Path(survey_id): Path<i64>) -> Page {
    let (survey, card, _) = survey_staff(&state, &viewer, survey_id, "class_survey.read").await?;
    let pupils = state.store.class_pupils(card.id, today()).await?;
    let responses = state.store.survey_responses(survey_id).await?;
    let focus: BTreeSet<i64> = state
        .store
        .focus_pupils(card.id)
        .await?
        .iter()
        .map(|f| f.child_id)
        .collect();
    let audits: Vec<AuditEntry> = pupils
        .iter()
        .map(|p| {
            entry(
                &viewer,
                "class_survey.results",
                Some(p.id),
                Some(format!("undersøgelse {survey_id}")),
                true,
            )
        })
        .collect();
    state.store.audit_all(&audits).await?;
    let ids: Vec<i64> = pupils.iter().map(|p| p.id).collect();
    let names: HashMap<i64, String> = pupils.iter().map(|p| (p.id, name(p))).collect();
    let answered: BTreeSet<i64> = responses.iter().map(|r| r.child_id).collect();
    let named: Vec<(i64, String)> = pupils.iter().map(|p| (p.id, name(p))).collect();
    let base = survey_path(survey_id);
    Ok(shell::page(
        &survey.title,
        Some(&viewer),
        "",
        html! {
            p { a href={ (links::class(card.id)) "/trivselsundersoegelser" } { "← Trivselsundersøgelser i " (card.name) } }
            h1 { (survey.title) }
            p { (answered.len()) " af " (pupils.len()) " elever har svaret · lavet " (format_time(survey.created_at)) " af " (survey.created_by_name) }
            @if survey.closed_at.is_none() {
                p.notice { "Eleverne svarer på eget login under «Trivselsundersøgelser» på forsiden, eller på en fælles tablet på " strong { "/svar" } " med klassekoden " strong.code { (survey.code) } "." }
                form.inline method="post" action={ (base) "/luk" } {
                    button type="submit" { "Luk undersøgelsen" }
                }
            } @else {
                p { "Undersøgelsen er lukket; klassekoden virker ikke længere." }
            }
            @if answered.len() < pupils.len() {
                p { "Mangler at svare: " (pupils.iter().filter(|p| !answered.contains(&p.id)).map(name).collect::<Vec<_>>().join(", ")) "." }
            }
            @for (i, (kind, question)) in survey.questions.iter().enumerate() {
                @let position = i + 1;
                section aria-labelledby={ "spoergsmaal-" (position) } {
                    h2 id={ "spoergsmaal-" (position) } { (position) ". " (question) }
                    @match kind {
                        QuestionKind::Scale => {
                            @let values: Vec<u8> = responses.iter().filter_map(|r| r.scale.iter().find(|a| a.0 == position).and_then(|a| a.1)).collect();
                            @let most = (1..=5u8).map(|v| values.iter().filter(|x| **x == v).count()).max().unwrap_or(0).max(1);
                            ul.bars {
                                @for (v, label) in SCALE.iter().enumerate().rev() {
                                    @let count = values.iter().filter(|x| usize::from(**x) == v + 1).count();
                                    li {
                                        span.label { (label) }
                                        svg.bar width="120" height="14" aria-hidden="true" { rect width=(count * 120 / most) height="14" fill="#1f6fb2" {} }
                                        " " strong { (count) }
                                    }
                                }
                            }
                            @if !values.is_empty() {
                                p.meta { (values.len()) " svar, gennemsnit " (decimal(values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64, 1)) " (1 = helt uenig, 5 = helt enig)" }
                            }
                        }
                        QuestionKind::Sociogram => {
                            @let choices: Vec<(i64, i64)> = responses.iter().flat_map(|r| r.choices.iter().filter(|c| c.0 == position).map(|c| (r.child_id, c.1))).collect();
                            @let s = analyse(&ids, &choices, &answered, survey.max_choices);
                            (sociogram(&format!("sociogram-{position}"), &named, &choices, &s.isolated, &format!("Sociogram: {question}")))
                            p.hint { "Tyk blå streg: gensidigt valg. Tynd pil: ensidigt valg. Rød stiplet ring: valgt af ingen." }
                            @if !s.isolated.is_empty() {
                                h3 { "Valgt af ingen" }
                                ul.links {
                                    @for id in &s.isolated {
                                        li {
                                            a href=(links::child(*id)) { (names.get(id).cloned().unwrap_or_default()) }
                                            @if !answered.contains(id) { " (har ikke svaret)" }
                                            " "
                                            @if focus.contains(id) {
                                                strong { "Fokuselev" }
                                            } @else {
                                                form.inline method="post" action={ (base) "/fokuselev" } {
                                                    input type="hidden" name="barn" value=(id);
                                                    input type="hidden" name="spoergsmaal" value=(position);
                                                    button type="submit" { "Gør " (names.get(id).cloned().unwrap_or_default()) " til fokuselev" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            @if !s.triangles.is_empty() {
                                p { "Trekanter (tre der alle vælger hinanden): "
                                    (s.triangles.iter().map(|t| t.iter().map(|id| names.get(id).cloned().unwrap_or_default()).collect::<Vec<_>>().join(", ")).collect::<Vec<_>>().join("; ")) }
                            }
                            table.stacked {
                                caption { "Valg pr. elev" }
                                thead { tr { th scope="col" { "Elev" } th scope="col" { "Valgt af" } th scope="col" { "Gensidige valg" } th scope="col" { "Brugte valg" } } }
                                tbody {
                                    @for m in &s.pupils {
                                        tr {
                                            th scope="row" { (names.get(&m.child_id).cloned().unwrap_or_default()) }
                                            td { (m.chosen_by) }
                                            td { (m.mutual) }
                                            td { @if m.answered { (m.chose) " af " (survey.max_choices) } @else { "har ikke svaret" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

pub async fn close(State(state): State<AppState>, viewer: Viewer, Path(survey_id): Path<i64>) -> Page {
    let (_, _, audit) = survey_staff(&state, &viewer, survey_id, "class_survey.close").await?;
    state.store.close_class_survey(survey_id, now(), &audit).await?;
    Ok(Redirect::to(&survey_path(survey_id)).into_response())
}

/// One step from the results: the pupil becomes a focus pupil of the class, pre-marked at the
/// next class conference, with the survey as the reason.
pub async fn focus(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(survey_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (survey, card, mut audit) = survey_staff(&state, &viewer, survey_id, "class_survey.focus").await?;
    let pupils = state.store.class_pupils(card.id, today()).await?;
    let Some(child) = field(&fields, "barn")
        .parse::<i64>()
        .ok()
        .filter(|c| pupils.iter().any(|p| p.id == *c))
    else {
        audit.allowed = false;
        audit.criterion = Some("afvist: ikke en elev i klassen".into());
        state.store.audit(&audit).await?;
        return Err(PageError::forbidden(
            &viewer,
            "Eleven går ikke i klassen. Forsøget er registreret.",
        ));
    };
    audit.child_id = Some(child);
    let question = field(&fields, "spoergsmaal")
        .parse::<usize>()
        .ok()
        .and_then(|n| survey.questions.get(n.wrapping_sub(1)))
        .map(|q| format!(" («{}»)", q.1))
        .unwrap_or_default();
    let reason = format!("Valgt af ingen i «{}»{question}", survey.title);
    state
        .store
        .mark_focus_pupil(card.id, child, &reason, viewer.user.id, now(), &audit)
        .await?;
    Ok(Redirect::to(&survey_path(survey_id)).into_response())
}

/// The answer form, the same for the pupil's own login and the shared tablet.
fn answer_form(
    survey: &ClassSurvey,
    pupil: &PupilRow,
    classmates: &[PupilRow],
    action: &str,
    errors: &[FieldError],
    fields: Option<&Fields>,
) -> Markup {
    let chosen = |position: usize| -> Vec<String> {
        fields.map_or(Vec::new(), |f| {
            values(f, &format!("valg-{position}"))
                .into_iter()
                .map(str::to_string)
                .collect()
        })
    };
    html! {
        h1 { (survey.title) }
        p { "Hej " (pupil.given_name) "! Dine svar ser kun dine lærere. Ingen af dine klassekammerater kan se, hvad du svarer." }
        (error_summary(errors))
        form.stack method="post" action=(action) novalidate {
            @for (i, (kind, question)) in survey.questions.iter().enumerate() {
                @let position = i + 1;
                @let id = format!("svar-{position}");
                fieldset.group id=(id) aria-invalid=[invalid(errors, &id)] {
                    legend { (question) }
                    @match kind {
                        QuestionKind::Scale => {
                            @let picked = fields.map_or("", |f| field(f, &id));
                            @for (v, label) in SCALE.iter().enumerate() {
                                label.check { input type="radio" name=(id) value=(v + 1) checked[picked == (v + 1).to_string()]; (label) }
                            }
                        }
                        QuestionKind::Sociogram => {
                            p.hint { "Vælg op til " (survey.max_choices) "." }
                            @let picked = chosen(position);
                            @for c in classmates.iter().filter(|c| c.id != pupil.id) {
                                label.check { input type="checkbox" name={ "valg-" (position) } value=(c.id) checked[picked.contains(&c.id.to_string())]; (name(c)) }
                            }
                        }
                    }
                    (inline_error(errors, &id))
                }
            }
            button type="submit" { "Send mine svar" }
        }
    }
}

/// Reads and checks a submitted answer form.
fn read_answers(
    survey: &ClassSurvey,
    child_id: i64,
    class: &[i64],
    fields: &Fields,
) -> Result<NewResponseParts, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut scale = Vec::new();
    let mut choices = Vec::new();
    for (i, (kind, question)) in survey.questions.iter().enumerate() {
        let position = i + 1;
        let id = format!("svar-{position}");
        match kind {
            QuestionKind::Scale => {
                let v = field(fields, &id).parse::<u8>().ok().filter(|v| (1..=5).contains(v));
                if v.is_none() && !field(fields, &id).is_empty() {
                    errors.push(error(&id, format!("{question}: vælg et af svarene.")));
                }
                scale.push((position, v));
            }
            QuestionKind::Sociogram => {
                let chosen: Vec<i64> = values(fields, &format!("valg-{position}"))
                    .iter()
                    .filter_map(|v| v.parse().ok())
                    .collect();
                if let Err(message) = check_choices(child_id, &chosen, class, survey.max_choices) {
                    errors.push(error(&id, format!("{question}: {message}.")));
                }
                choices.push((position, chosen));
            }
        }
    }
    if errors.is_empty() {
        Ok((scale, choices))
    } else {
        Err(errors)
    }
}

type NewResponseParts = (Vec<(usize, Option<u8>)>, Vec<(usize, Vec<i64>)>);

// ---- The pupil's own login -------------------------------------------------------------

/// The survey and the pupil, for a pupil answering on his or her own login: the survey must be
/// open and for the pupil's class.
async fn pupil_survey(
    state: &AppState,
    viewer: &Viewer,
    survey_id: i64,
    action: &str,
) -> Result<(ClassSurvey, PupilRow, Vec<PupilRow>, Allowed), PageError> {
    let child_id = viewer.user.child_id.unwrap_or(0);
    let survey = state.store.class_survey(survey_id).await?;
    let allowed = authorize_with(
        state,
        viewer,
        CaseTarget::Child(child_id),
        Action::Write,
        ChildData::PupilVoice,
        action,
        Some(format!("undersøgelse {survey_id}")),
        Some("Undersøgelsen besvares af eleverne i klassen. Forsøget er registreret."),
    )
    .await?;
    let class_ids = match &allowed.subject {
        crate::kit::access::Subject::Child { context, .. } => context.class_ids.clone(),
        crate::kit::access::Subject::Class(_) => Vec::new(),
    };
    let Some(survey) = survey.filter(|s| s.closed_at.is_none() && class_ids.contains(&s.class_id)) else {
        allowed
            .audit_refused(state, "ikke en åben undersøgelse i elevens klasse")
            .await?;
        return Err(PageError::forbidden(
            viewer,
            "Undersøgelsen er lukket eller ikke for din klasse.",
        ));
    };
    let classmates = state.store.class_pupils(survey.class_id, today()).await?;
    let pupil = classmates
        .iter()
        .find(|p| p.id == child_id)
        .cloned()
        .ok_or_else(|| PageError::forbidden(viewer, "Du går ikke i klassen."))?;
    Ok((survey, pupil, classmates, allowed))
}

pub async fn pupil_page(State(state): State<AppState>, viewer: Viewer, Path(survey_id): Path<i64>) -> Page {
    let (survey, pupil, classmates, allowed) = pupil_survey(&state, &viewer, survey_id, "class_survey.open").await?;
    state.store.audit(&allowed.audit).await?;
    if state.store.survey_answered(survey_id).await?.contains(&pupil.id) {
        return Ok(shell::page(&survey.title, Some(&viewer), "", thanks(&survey)).into_response());
    }
    let action = format!("{}/svar", survey_path(survey_id));
    Ok(shell::page(
        &survey.title,
        Some(&viewer),
        "",
        answer_form(&survey, &pupil, &classmates, &action, &[], None),
    )
    .into_response())
}

fn thanks(survey: &ClassSurvey) -> Markup {
    html! {
        h1 { (survey.title) }
        p role="status" { "Tak for dine svar. Du har svaret på undersøgelsen." }
        p { a href="/" { "Til forsiden" } }
    }
}

pub async fn pupil_answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(survey_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (survey, pupil, classmates, allowed) = pupil_survey(&state, &viewer, survey_id, "class_survey.answer").await?;
    let class: Vec<i64> = classmates.iter().map(|c| c.id).collect();
    let action = format!("{}/svar", survey_path(survey_id));
    let (scale, choices) = match read_answers(&survey, pupil.id, &class, &fields) {
        Ok(parts) => parts,
        Err(errors) => {
            allowed.audit_unchanged(&state, "fejl i svarene").await?;
            return Err(PageError::unprocessable(shell::page(
                &survey.title,
                Some(&viewer),
                "",
                answer_form(&survey, &pupil, &classmates, &action, &errors, Some(&fields)),
            )));
        }
    };
    let response = NewResponse {
        survey_id,
        child_id: pupil.id,
        via: Via::Login,
        scale,
        choices,
        at: now(),
    };
    match state.store.save_survey_response(&response, &allowed.audit).await {
        Ok(()) => Ok(shell::page(&survey.title, Some(&viewer), "", thanks(&survey)).into_response()),
        Err(StoreError::Config(message)) => {
            allowed.audit_unchanged(&state, &message).await?;
            Err(PageError::unprocessable(shell::page(
                &survey.title,
                Some(&viewer),
                "",
                html! { h1 { (survey.title) } p role="alert" { (message) } },
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// The pupil's front page: the open surveys of the pupil's class not yet answered.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(async move {
        let (Role::Pupil, Some(child_id)) = (viewer.user.role, viewer.user.child_id) else {
            return Ok(None);
        };
        let Some(context) = state.store.child_context(child_id, today()).await? else {
            return Ok(None);
        };
        let mut open = Vec::new();
        for class_id in &context.class_ids {
            for s in state.store.class_surveys_of_class(*class_id).await? {
                if s.closed_at.is_none() && !state.store.survey_answered(s.id).await?.contains(&child_id) {
                    open.push(s);
                }
            }
        }
        if open.is_empty() {
            return Ok(None);
        }
        Ok(Some(html! {
            section aria-labelledby="undersoegelser-titel" {
                h2 id="undersoegelser-titel" { "Trivselsundersøgelser" }
                ul.links { @for s in &open { li { a href={ (survey_path(s.id)) "/svar" } { "Svar på «" (s.title) "»" } } } }
            }
        }))
    })
}

/// The class page's link to its surveys.
pub fn class_panel<'a>(_state: &'a AppState, viewer: &'a Viewer, card: &'a ClassCard) -> PanelFuture<'a> {
    Box::pin(async move {
        let shown = card.kind.has_school_days()
            && matches!(viewer.user.role, Role::Teacher | Role::Leader | Role::WellbeingPerson);
        Ok(shown.then(|| {
            html! { p { a href={ (links::class(card.id)) "/trivselsundersoegelser" } { "Trivselsundersøgelser og sociogrammer" } } }
        }))
    })
}

// ---- The shared tablet with the class code ---------------------------------------------

#[derive(serde::Deserialize)]
pub struct TabletQuery {
    tak: Option<String>,
}

fn tablet_page(title: &str, body: Markup) -> Markup {
    shell::page(title, None, "", body)
}

fn code_form(errors: &[FieldError], code: &str) -> Markup {
    tablet_page(
        "Svar på en trivselsundersøgelse",
        html! {
            h1 { "Svar på en trivselsundersøgelse" }
            p { "Skriv den klassekode, din lærer har givet klassen." }
            (error_summary(errors))
            form.stack method="post" action="/svar" novalidate {
                label for="kode" { "Klassekode" }
                input id="kode" name="kode" type="text" autocomplete="off" autocapitalize="characters" value=(code) aria-invalid=[invalid(errors, "kode")];
                (inline_error(errors, "kode"))
                button type="submit" { "Fortsæt" }
            }
        },
    )
}

pub async fn code_page() -> Page {
    Ok(code_form(&[], "").into_response())
}

pub async fn code_submit(State(state): State<AppState>, Form(fields): Form<Fields>) -> Page {
    let code = normalise_code(field(&fields, "kode"));
    match state.store.class_survey_by_code(&code).await? {
        Some(_) => Ok(Redirect::to(&format!("/svar/{code}")).into_response()),
        None => Err(PageError::unprocessable(code_form(
            &[error("kode", NOT_FOUND_CODE)],
            field(&fields, "kode"),
        ))),
    }
}

async fn open_by_code(state: &AppState, code: &str) -> Result<(ClassSurvey, Vec<PupilRow>), PageError> {
    let Some(survey) = state.store.class_survey_by_code(&normalise_code(code)).await? else {
        return Err(PageError::unprocessable(code_form(
            &[error("kode", NOT_FOUND_CODE)],
            code,
        )));
    };
    let pupils = state.store.class_pupils(survey.class_id, today()).await?;
    Ok((survey, pupils))
}

/// The class list on the tablet: each pupil picks his or her own name; names that have answered
/// are gone.
pub async fn tablet_names(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<TabletQuery>,
) -> Page {
    let (survey, pupils) = open_by_code(&state, &code).await?;
    let answered = state.store.survey_answered(survey.id).await?;
    let waiting: Vec<&PupilRow> = pupils.iter().filter(|p| !answered.contains(&p.id)).collect();
    Ok(tablet_page(
        &survey.title,
        html! {
            h1 { (survey.title) }
            @if q.tak.is_some() { p.notice role="status" { "Tak! Dine svar er gemt. Giv tabletten videre." } }
            @if waiting.is_empty() {
                p role="status" { "Alle i klassen har svaret. Tak!" }
            } @else {
                p { "Tryk på dit eget navn." }
                ul.links { @for p in waiting { li { a href={ "/svar/" (survey.code) "/" (p.id) } { (name(p)) } } } }
            }
        },
    )
    .into_response())
}

async fn tablet_pupil(
    state: &AppState,
    code: &str,
    child_id: i64,
) -> Result<(ClassSurvey, PupilRow, Vec<PupilRow>), PageError> {
    let (survey, pupils) = open_by_code(state, code).await?;
    let pupil = pupils
        .iter()
        .find(|p| p.id == child_id)
        .cloned()
        .ok_or_else(PageError::not_found)?;
    Ok((survey, pupil, pupils))
}

pub async fn tablet_form(State(state): State<AppState>, Path((code, child_id)): Path<(String, i64)>) -> Page {
    let (survey, pupil, pupils) = tablet_pupil(&state, &code, child_id).await?;
    if state.store.survey_answered(survey.id).await?.contains(&pupil.id) {
        return Ok(Redirect::to(&format!("/svar/{}", survey.code)).into_response());
    }
    let action = format!("/svar/{}/{}", survey.code, pupil.id);
    Ok(tablet_page(&survey.title, answer_form(&survey, &pupil, &pupils, &action, &[], None)).into_response())
}

pub async fn tablet_answer(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path((code, child_id)): Path<(String, i64)>,
    Form(fields): Form<Fields>,
) -> Page {
    let (survey, pupil, pupils) = tablet_pupil(&state, &code, child_id).await?;
    let class: Vec<i64> = pupils.iter().map(|c| c.id).collect();
    let action = format!("/svar/{}/{}", survey.code, pupil.id);
    let (scale, choices) = match read_answers(&survey, pupil.id, &class, &fields) {
        Ok(parts) => parts,
        Err(errors) => {
            return Err(PageError::unprocessable(tablet_page(
                &survey.title,
                answer_form(&survey, &pupil, &pupils, &action, &errors, Some(&fields)),
            )));
        }
    };
    // No account answers on the tablet: the audit row names the class code as the way in.
    let audit = AuditEntry {
        municipality_id: survey.municipality_id,
        user_id: None,
        username: "klassekode".into(),
        role: Role::Pupil.id().into(),
        action: "class_survey.answer".into(),
        child_id: Some(pupil.id),
        criterion: Some(format!("undersøgelse {}, klassekode på fælles enhed", survey.id)),
        allowed: true,
        address: Some(address),
    };
    let response = NewResponse {
        survey_id: survey.id,
        child_id: pupil.id,
        via: Via::ClassCode,
        scale,
        choices,
        at: now(),
    };
    match state.store.save_survey_response(&response, &audit).await {
        Ok(()) | Err(StoreError::Config(_)) => {
            Ok(Redirect::to(&format!("/svar/{}?tak=1", survey.code)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
