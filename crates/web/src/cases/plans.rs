//! Mål- og indsatsplaner (goal-and-intervention plans, SMTTE) for a child or a class: list and
//! create, view (printable, fit to send to parents), edit with optimistic versioning, compare
//! versions, evaluate, close, and the parents' perspective (forældrenes perspektiv), which
//! guardians with custody write from the parent view.
//!
//! Access goes through `kit::access`: `ChildData::Plans` for a child's plan (guardians read),
//! `ChildData::ParentPerspective` for the parents' field, `Resource::Class` for a class's plan.
//! Every request is audited.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildData};
use trivsel_domain::cases::{EvaluationResult, MAX_TEXT_CHARS, PlanAction, PlanContent, Tier, diff, label};
use trivsel_domain::model::Role;
use trivsel_store::{CaseTarget, NewEvaluation, NewPlan, Plan, PlanText, User};

use crate::cases::nav::case_nav;
use crate::cases::plan_view::{content_view, evaluations_view};
use crate::kit::access::{Allowed, Subject, add_criterion, authorize, may, refuse};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_past_date, check_text, described, error, error_summary, field, inline_error, invalid,
    parse_date, text,
};
use crate::kit::format::{format_date, format_time};
use crate::kit::{AppState, Page, PageError, Viewer, shell};

/// Empty rows offered for new actions and evaluation dates (no script needed to add more).
const EXTRA_ROWS: usize = 2;
/// Rows read from a form.
const MAX_ROWS: usize = 40;
const MAX_TITLE_CHARS: usize = 200;

/// One action row as submitted.
#[derive(Debug, Clone, Default)]
struct ActionForm {
    what: String,
    name: String,
    user: String,
    from: String,
    to: String,
}

impl ActionForm {
    fn is_empty(&self) -> bool {
        [&self.what, &self.name, &self.user, &self.from, &self.to]
            .iter()
            .all(|v| v.is_empty())
    }
}

/// A plan form as submitted, to validate and to show again.
#[derive(Debug, Clone, Default)]
struct PlanForm {
    title: String,
    tier: String,
    context: String,
    goals: String,
    signs: String,
    actions: Vec<ActionForm>,
    dates: Vec<String>,
    child_voice: String,
    parents: String,
    end_date: String,
}

impl PlanForm {
    fn of(fields: &Fields) -> Self {
        let actions = (1..=MAX_ROWS)
            .map(|i| ActionForm {
                what: field(fields, &format!("tiltag_hvad_{i}")).into(),
                name: field(fields, &format!("tiltag_ansvarlig_{i}")).into(),
                user: field(fields, &format!("tiltag_bruger_{i}")).into(),
                from: field(fields, &format!("tiltag_fra_{i}")).into(),
                to: field(fields, &format!("tiltag_til_{i}")).into(),
            })
            .filter(|a| !a.is_empty())
            .collect();
        let dates = (1..=MAX_ROWS)
            .map(|i| field(fields, &format!("evaluering_{i}")).to_string())
            .filter(|d| !d.is_empty())
            .collect();
        PlanForm {
            title: field(fields, "titel").into(),
            tier: field(fields, "trin").into(),
            context: field(fields, "sammenhaeng").into(),
            goals: field(fields, "maal").into(),
            signs: field(fields, "tegn").into(),
            actions,
            dates,
            child_voice: field(fields, "barnets_stemme").into(),
            parents: field(fields, "foraeldres_perspektiv").into(),
            end_date: field(fields, "slutdato").into(),
        }
    }

    fn of_content(c: &PlanContent) -> Self {
        PlanForm {
            context: c.context.clone(),
            goals: c.goals.clone(),
            signs: c.signs.clone(),
            actions: c
                .actions
                .iter()
                .map(|a| ActionForm {
                    what: a.what.clone(),
                    name: a.responsible_name.clone(),
                    user: a.responsible_user_id.map(|u| u.to_string()).unwrap_or_default(),
                    from: a.from.to_string(),
                    to: a.to.to_string(),
                })
                .collect(),
            dates: c.evaluation_dates.iter().map(|d| d.to_string()).collect(),
            child_voice: c.child_voice.clone(),
            parents: c.parents_perspective.clone(),
            end_date: c.end_date.map(|d| d.to_string()).unwrap_or_default(),
            ..PlanForm::default()
        }
    }

    /// The content, or every problem naming its field. `staff` are the accounts an action may
    /// be given to.
    fn content(&self, staff: &[User], errors: &mut Vec<FieldError>) -> PlanContent {
        let mut actions = Vec::new();
        let mut action_errors = false;
        for (i, a) in self.actions.iter().enumerate() {
            let n = i + 1;
            let mut date = |value: &str, id: String, which: &str| {
                let d = parse_date(value);
                if d.is_none() {
                    action_errors = true;
                    let problem = if value.is_empty() {
                        "angiv en dato".to_string()
                    } else {
                        format!("«{value}» er ikke en gyldig dato")
                    };
                    errors.push(error(&id, format!("{} {n}, {which}: {problem}.", label::ACTIONS)));
                }
                d
            };
            let from = date(&a.from, format!("tiltag_fra_{n}"), "fra");
            let to = date(&a.to, format!("tiltag_til_{n}"), "til");
            let user = if a.user.is_empty() {
                None
            } else {
                let found = a
                    .user
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| staff.iter().find(|u| u.id == id));
                if found.is_none() {
                    action_errors = true;
                    errors.push(error(
                        &format!("tiltag_bruger_{n}"),
                        format!(
                            "{} {n}, ansvarlig bruger: vælg en medarbejder fra listen.",
                            label::ACTIONS
                        ),
                    ));
                }
                found
            };
            let name = if a.name.is_empty() {
                user.map(|u| u.name.clone()).unwrap_or_default()
            } else {
                a.name.clone()
            };
            if let (Some(from), Some(to)) = (from, to) {
                actions.push(PlanAction {
                    what: a.what.clone(),
                    responsible_user_id: user.map(|u| u.id),
                    responsible_name: name,
                    from,
                    to,
                });
            }
        }
        let mut evaluation_dates = Vec::new();
        for (i, d) in self.dates.iter().enumerate() {
            match parse_date(d) {
                Some(date) => evaluation_dates.push(date),
                None => errors.push(error(
                    &format!("evaluering_{}", i + 1),
                    format!("Evalueringsdato {}: «{d}» er ikke en gyldig dato.", i + 1),
                )),
            }
        }
        let end_date = if self.end_date.is_empty() {
            None
        } else {
            let d = parse_date(&self.end_date);
            if d.is_none() {
                errors.push(error(
                    "slutdato",
                    format!("{}: «{}» er ikke en gyldig dato.", label::END_DATE, self.end_date),
                ));
            }
            d
        };
        let content = PlanContent {
            context: self.context.clone(),
            goals: self.goals.clone(),
            signs: self.signs.clone(),
            actions,
            evaluation_dates,
            child_voice: self.child_voice.clone(),
            parents_perspective: self.parents.clone(),
            // Only the pupil writes it; the store keeps the stored words on a staff save.
            pupil_voice: String::new(),
            end_date,
        };
        for e in content.validate() {
            let id = match e.field.as_str() {
                label::CONTEXT => "sammenhaeng".to_string(),
                label::GOALS => "maal".into(),
                label::SIGNS => "tegn".into(),
                label::EVALUATION_DATES => "evaluering_1".into(),
                label::CHILD_VOICE => "barnets_stemme".into(),
                label::PARENTS_PERSPECTIVE => "foraeldres_perspektiv".into(),
                label::END_DATE => "slutdato".into(),
                other => match other.strip_prefix(label::ACTIONS) {
                    // Numbers shift when an action with a bad date is left out; its own error
                    // stands for it.
                    Some(_) if action_errors => continue,
                    Some(n) => format!("tiltag_hvad_{}", n.trim()),
                    None => "maal".into(),
                },
            };
            errors.push(error(&id, e.to_string()));
        }
        content
    }
}

fn text_field(id: &str, label_text: &str, value: &str, rows: u8, errors: &[FieldError]) -> Markup {
    html! {
        label for=(id) { (label_text) }
        textarea id=(id) name=(id) rows=(rows) aria-invalid=[invalid(errors, id)] aria-describedby=[described(errors, id)] {
            (value)
        }
        (inline_error(errors, id))
    }
}

fn date_field(id: &str, label_text: &str, value: &str, errors: &[FieldError]) -> Markup {
    html! {
        label for=(id) { (label_text) }
        input id=(id) name=(id) type="date" value=(value)
            aria-invalid=[invalid(errors, id)] aria-describedby=[described(errors, id)];
        (inline_error(errors, id))
    }
}

fn tier_radios(selected: &str, errors: &[FieldError]) -> Markup {
    html! {
        fieldset aria-describedby=[described(errors, "trin-forebyggende")] {
            legend { "Indsatstrin" }
            @for t in Tier::ALL {
                label.check {
                    input type="radio" name="trin" value=(t.id()) id={ "trin-" (t.id()) } checked[selected == t.id()];
                    (t.navn())
                }
            }
            (inline_error(errors, "trin-forebyggende"))
        }
    }
}

/// The content fields of the create and edit forms.
fn content_fields(form: &PlanForm, staff: &[User], errors: &[FieldError]) -> Markup {
    let action_rows = form.actions.len() + EXTRA_ROWS;
    let date_rows = (form.dates.len() + EXTRA_ROWS).max(3);
    let blank = ActionForm::default();
    html! {
        (text_field("sammenhaeng", "Sammenhæng (situationen, og hvorfor der laves en plan)", &form.context, 4, errors))
        (text_field("maal", "Mål", &form.goals, 3, errors))
        (text_field("tegn", "Tegn (hvad vi ser, når målene er nået)", &form.signs, 3, errors))
        @for i in 0..action_rows {
            @let n = i + 1;
            @let a = form.actions.get(i).unwrap_or(&blank);
            fieldset.action {
                legend { "Tiltag " (n) @if i >= form.actions.len() { " (udfyld for at tilføje)" } }
                (text_field(&format!("tiltag_hvad_{n}"), "Hvad", &a.what, 2, errors))
                @let name_id = format!("tiltag_ansvarlig_{n}");
                label for=(name_id) { "Ansvarlig (navn)" }
                input id=(name_id) name=(name_id) type="text" value=(a.name);
                @let user_id = format!("tiltag_bruger_{n}");
                label for=(user_id) { "Ansvarlig medarbejder (får tiltaget som opgave)" }
                select id=(user_id) name=(user_id) aria-invalid=[invalid(errors, &user_id)]
                    aria-describedby=[described(errors, &user_id)] {
                    option value="" { "(ingen opgave)" }
                    @for u in staff {
                        option value=(u.id) selected[a.user == u.id.to_string()] { (u.name) " (" (u.role.navn()) ")" }
                    }
                }
                (inline_error(errors, &user_id))
                (date_field(&format!("tiltag_fra_{n}"), "Fra", &a.from, errors))
                (date_field(&format!("tiltag_til_{n}"), "Til", &a.to, errors))
            }
        }
        fieldset.dates aria-describedby=[described(errors, "evaluering_1")] {
            legend { "Evalueringsdatoer (mindst én)" }
            @for i in 0..date_rows {
                @let n = i + 1;
                (date_field(&format!("evaluering_{n}"), &format!("Evalueringsdato {n}"),
                    form.dates.get(i).map_or("", String::as_str), errors))
            }
        }
        (text_field("barnets_stemme", "Barnets stemme (barnets eget perspektiv)", &form.child_voice, 3, errors))
        (text_field("foraeldres_perspektiv", "Forældrenes perspektiv", &form.parents, 3, errors))
        (date_field("slutdato", "Gælder til (valgfri slutdato)", &form.end_date, errors))
    }
}

/// Access to a plan: the plan and its child or class. An unknown id is refused like a
/// forbidden one.
pub(super) async fn authorize_plan(
    state: &AppState,
    viewer: &Viewer,
    plan_id: i64,
    action: Action,
    data: ChildData,
    audit_action: &str,
) -> Result<(Plan, Allowed), PageError> {
    let Some(plan) = state.store.plan(plan_id).await? else {
        let criterion = format!("ukendt plan {plan_id}");
        let reason = "Du har ikke adgang til denne plan. Forsøget er registreret.";
        return Err(refuse(state, viewer, audit_action, None, criterion, reason).await);
    };
    let allowed = authorize(
        state,
        viewer,
        plan.target,
        action,
        data,
        audit_action,
        Some(format!("plan {plan_id}")),
    )
    .await?;
    // A child's plan stays with the institution that made it (`access::Scope`).
    if let Some(grant) = allowed.subject.child_grant()
        && !grant.scope().reaches(Some(plan.institution_id))
    {
        allowed
            .audit_refused(state, "planen tilhører en anden institution")
            .await?;
        return Err(PageError::forbidden(
            viewer,
            "Planen er lavet af en anden skole eller et andet dagtilbud og følger ikke med barnet. Forsøget er registreret.",
        ));
    }
    Ok((plan, allowed))
}

async fn staff_of(state: &AppState, institution_id: Option<i64>) -> Result<Vec<User>, PageError> {
    match institution_id {
        Some(id) => Ok(state.store.institution_staff(id).await?),
        None => Ok(vec![]),
    }
}

// ---------------------------------------------------------------------------------------------
// The list of a child's or class's plans, and creating one

pub async fn child_plans(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    plans(state, viewer, CaseTarget::Child(id)).await
}

pub async fn class_plans(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    plans(state, viewer, CaseTarget::Class(id)).await
}

async fn plans(state: AppState, viewer: Viewer, target: CaseTarget) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Read,
        ChildData::Plans,
        "plan.list",
        None,
    )
    .await?;
    let form = PlanForm {
        tier: Tier::Preventive.id().into(),
        ..PlanForm::default()
    };
    let page = plans_page(&state, &viewer, &allowed.subject, &form, &[]).await?;
    Ok(page.into_response())
}

async fn plans_page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    form: &PlanForm,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let list = match subject {
        Subject::Child { grant, .. } => state.store.plans_of_child(*grant).await,
        Subject::Class(card) => state.store.plans_of_class(card.id).await,
    }?;
    let class_plans = class_plans_of_child(state, viewer, subject).await?;
    let writable = may(viewer, subject, Action::Write, ChildData::Plans);
    let staff = if writable {
        staff_of(state, subject.institution_for(viewer)).await?
    } else {
        vec![]
    };
    let base = subject.base();
    let title = format!("Mål- og indsatsplaner – {}", subject.name());
    let body = html! {
        (case_nav(viewer, subject, &format!("{base}/planer")))
        h1 { (title) }
        (error_summary(errors))
        @if list.is_empty() {
            p { "Der er ingen planer." }
        } @else {
            table {
                caption.visually-hidden { "Planer" }
                thead { tr {
                    th scope="col" { "Plan" } th scope="col" { "Indsatstrin" } th scope="col" { "Status" }
                    th scope="col" { "Version" } th scope="col" { "Evalueringer" } th scope="col" { "Senest gemt" }
                } }
                tbody {
                    @for p in &list {
                        tr {
                            td { a href={ "/planer/" (p.id) } { (p.title) } }
                            td { (p.tier.navn()) }
                            td { @if p.closed { "Afsluttet" } @else { "Åben" } }
                            td { (p.current_version) }
                            td { (p.evaluations) }
                            td { (format_time(p.saved_at)) }
                        }
                    }
                }
            }
        }
        @if !class_plans.is_empty() {
            section aria-labelledby="klassens-planer" {
                h2 id="klassens-planer" { "Klassens planer" }
                p.hint { "Planer for læringsfællesskabet i barnets klasse; de gælder også barnet." }
                @for (plan, linked) in &class_plans {
                    article.entry {
                        h3 {
                            @if *linked { a href={ "/planer/" (plan.id) } { (plan.title) } } @else { (plan.title) }
                        }
                        p { (plan.tier.navn()) " · version " (plan.current_version) " · gemt " (format_time(plan.saved_at)) }
                        @if !linked {
                            dl {
                                dt { (label::GOALS) } dd { (text(&plan.content.goals)) }
                                dt { (label::SIGNS) } dd { (text(&plan.content.signs)) }
                                dt { (label::ACTIONS) }
                                dd {
                                    ul {
                                        @for a in &plan.content.actions {
                                            li { (a.what) @if !a.responsible_name.is_empty() { " – " (a.responsible_name) } " (" (format_date(a.from)) "–" (format_date(a.to)) ")" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if writable {
            section.no-print aria-labelledby="ny-plan" {
                h2 id="ny-plan" { "Opret en plan for " (subject.described()) }
                form.stack.plan method="post" action={ (base) "/planer" } novalidate {
                    label for="titel" { "Titel" }
                    input id="titel" name="titel" type="text" required value=(form.title)
                        aria-invalid=[invalid(errors, "titel")] aria-describedby=[described(errors, "titel")];
                    (inline_error(errors, "titel"))
                    (tier_radios(&form.tier, errors))
                    (content_fields(form, &staff, errors))
                    button type="submit" { "Opret planen" }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(viewer), "", body))
}

/// The open plans of the child's classes, shown with the child's own: staff who may open the
/// class get a link (with the second value true); others who read the child's plans, such as
/// guardians, read the goals, signs and actions here, not the class's context or notes.
async fn class_plans_of_child(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
) -> Result<Vec<(Plan, bool)>, PageError> {
    let Subject::Child { context, grant, .. } = subject else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for id in &context.class_ids {
        // A former school's leadership sees nothing of the new school's classes.
        let Some(card) = state.store.class_card(*id).await? else {
            continue;
        };
        if !grant.scope().reaches(Some(card.institution_id)) {
            continue;
        }
        let class_id = card.id;
        let linked = may(viewer, &Subject::Class(card), Action::Read, ChildData::Plans);
        for summary in state.store.plans_of_class(class_id).await? {
            if summary.closed {
                continue;
            }
            if let Some(plan) = state.store.plan(summary.id).await? {
                out.push((plan, linked));
            }
        }
    }
    Ok(out)
}

pub async fn create_child_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    create(state, viewer, CaseTarget::Child(id), fields).await
}

pub async fn create_class_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    create(state, viewer, CaseTarget::Class(id), fields).await
}

async fn create(state: AppState, viewer: Viewer, target: CaseTarget, fields: Fields) -> Page {
    let mut allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Write,
        ChildData::Plans,
        "plan.create",
        None,
    )
    .await?;
    let form = PlanForm::of(&fields);
    let institution_id = allowed.subject.institution_for(&viewer);
    let staff = staff_of(&state, institution_id).await?;
    let mut errors = Vec::new();
    let title = check_text(&mut errors, "titel", "Titel", &form.title, true, MAX_TITLE_CHARS);
    let tier = Tier::from_id(&form.tier);
    if tier.is_none() {
        errors.push(error(
            "trin-forebyggende",
            "Indsatstrin: vælg forebyggende, foregribende eller indgribende.",
        ));
    }
    let content = form.content(&staff, &mut errors);
    if institution_id.is_none() {
        errors.push(error(
            "titel",
            "Barnet er ikke indskrevet på en institution i dag, så der kan ikke oprettes en plan.",
        ));
    }
    let (Some(tier), Some(institution_id), true) = (tier, institution_id, errors.is_empty()) else {
        allowed.audit_unchanged(&state, "fejl i formularen").await?;
        let page = plans_page(&state, &viewer, &allowed.subject, &form, &errors).await?;
        return Err(PageError::unprocessable(page));
    };
    add_criterion(&mut allowed.audit, &format!("ny plan, {}", tier.id()));
    let plan = NewPlan {
        institution_id,
        target,
        tier,
        title,
        content,
        by: viewer.user.id,
        at: now(),
    };
    let (id, _) = state.store.create_plan(&plan, &allowed.audit).await?;
    Ok(Redirect::to(&format!("/planer/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// One plan

/// The plan page's forms as submitted, to show again with errors or a conflict.
#[derive(Debug, Clone, Default)]
struct PlanForms {
    /// The edit form's values; `None` shows the stored content.
    edit: Option<PlanForm>,
    /// The version the edit and parents' forms are based on; `None` is the stored one.
    version: Option<i32>,
    evaluation_date: String,
    evaluation_result: String,
    evaluation_text: String,
    evaluation_next: String,
    /// The parents' form's text; `None` shows the stored one.
    parents: Option<String>,
    /// A notice (e.g. saved).
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    gemt: Option<String>,
}

pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> Page {
    let (plan, allowed) = authorize_plan(&state, &viewer, id, Action::Read, ChildData::Plans, "plan.read").await?;
    let notice = q.gemt.filter(|v| v.parse::<i32>().is_ok()).map(|v| {
        if viewer.user.role.is_staff() {
            format!("Gemt som version {v}.")
        } else {
            "Gemt.".to_string()
        }
    });
    let forms = PlanForms {
        notice,
        ..PlanForms::default()
    };
    let page = plan_page(&state, &viewer, &allowed.subject, &plan, &forms, &[]).await?;
    Ok(page.into_response())
}

async fn plan_page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    plan: &Plan,
    forms: &PlanForms,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let evaluations = state.store.evaluations(plan.id).await?;
    let writable = !plan.closed && may(viewer, subject, Action::Write, ChildData::Plans);
    let parents_only = !plan.closed
        && !writable
        && subject.child_id().is_some()
        && may(viewer, subject, Action::Write, ChildData::ParentPerspective);
    let staff = if writable {
        staff_of(state, Some(plan.institution_id)).await?
    } else {
        vec![]
    };
    let version = forms.version.unwrap_or(plan.current_version);
    let edit = forms
        .edit
        .clone()
        .unwrap_or_else(|| PlanForm::of_content(&plan.content));
    let parents = forms
        .parents
        .clone()
        .unwrap_or_else(|| plan.content.parents_perspective.clone());
    let base = subject.base();
    let title = plan.title.clone();
    let result = EvaluationResult::from_id(&forms.evaluation_result);
    // Parents get the staff terms explained where they appear.
    let guardian = viewer.user.role == Role::Guardian;
    let body = html! {
        div.no-print { (case_nav(viewer, subject, "")) }
        h1 { (title) }
        (error_summary(errors))
        @if let Some(notice) = &forms.notice { p.notice role="status" { (notice) } }
        dl.facts {
            dt { "Mål- og indsatsplan for" } dd { a href=(base) { (subject.name()) } }
            dt { "Indsatstrin" } dd {
                (plan.tier.navn())
                @if guardian { br; span.hint { (plan.tier.forklaring()) } }
            }
            dt { "Status" } dd { @if plan.closed {
                "Afsluttet" @if let Some(at) = plan.closed_at { " " (format_time(at)) }
            } @else { "Åben" } }
            dt { "Version" } dd { (plan.current_version) ", gemt " (format_time(plan.saved_at)) }
        }
        p.no-print {
            a href={ "/planer/" (plan.id) "/versioner" } { "Sammenlign versioner" }
            @if viewer.user.role.is_staff() { " · Planen kan udskrives og sendes til forældrene. " } @else { " · " }
            button.print type="button" hidden { "Udskriv planen" }
        }
        @if guardian {
            p.hint { "Planen er bygget op efter SMTTE-modellen: sammenhæng (hvorfor), mål (hvad vi vil nå), \
                tegn (hvordan vi kan se det), tiltag (hvad vi gør) og evaluering (hvornår vi ser på det igen)." }
        }
        (content_view(&plan.content, 2))
        h2 id="evalueringer" { "Evalueringer" }
        (evaluations_view(&evaluations))
        @if parents_only {
            section.no-print aria-labelledby="foraeldre-titel" {
                h2 id="foraeldre-titel" { "Skriv forældrenes perspektiv" }
                p { "Som forælder kan du skrive jeres perspektiv på planen. Resten af planen skrives af skolen." }
                form.stack method="post" action={ "/planer/" (plan.id) "/foraeldre" } novalidate {
                    input type="hidden" name="version" value=(version);
                    (text_field("foraeldres_perspektiv", "Forældrenes perspektiv", &parents, 6, errors))
                    button type="submit" { "Gem forældrenes perspektiv" }
                }
            }
        }
        @if writable {
            section.no-print id="ret-planen" aria-labelledby="ret-titel" {
                h2 id="ret-titel" { "Ret planen" }
                p.hint { "Hver gang planen gemmes, bliver det en ny version; de tidligere kan sammenlignes." }
                // Folded until asked for, so the page reads as the plan; open again with the
                // text kept when a save was refused.
                details open[forms.edit.is_some()] {
                    summary { "Åbn formularen" }
                    form.stack.plan method="post" action={ "/planer/" (plan.id) } novalidate {
                        input type="hidden" name="version" value=(version);
                        (content_fields(&edit, &staff, errors))
                        button type="submit" { "Gem ny version" }
                    }
                }
            }
            section.no-print aria-labelledby="evaluer-titel" {
                h2 id="evaluer-titel" { "Registrér en evaluering" }
                form.stack method="post" action={ "/planer/" (plan.id) "/evaluering" } novalidate {
                    label for="evaluering-dato" { "Dato for evalueringen" }
                    input id="evaluering-dato" name="dato" type="date" required
                        value=(if forms.evaluation_date.is_empty() { today().to_string() } else { forms.evaluation_date.clone() })
                        aria-invalid=[invalid(errors, "evaluering-dato")] aria-describedby=[described(errors, "evaluering-dato")];
                    (inline_error(errors, "evaluering-dato"))
                    fieldset aria-describedby=[described(errors, "resultat-opnaaet")] {
                        legend { "Er målene nået?" }
                        @for r in EvaluationResult::ALL {
                            label.check {
                                input type="radio" name="resultat" value=(r.id()) id={ "resultat-" (r.id()) }
                                    checked[result == Some(*r)];
                                (r.navn())
                            }
                        }
                        (inline_error(errors, "resultat-opnaaet"))
                    }
                    label for="evaluering-tekst" { "Evaluering" }
                    textarea id="evaluering-tekst" name="tekst" rows="4" required
                        aria-invalid=[invalid(errors, "evaluering-tekst")] aria-describedby=[described(errors, "evaluering-tekst")] {
                        (forms.evaluation_text)
                    }
                    (inline_error(errors, "evaluering-tekst"))
                    label for="naeste-skridt" { "Næste skridt" }
                    textarea id="naeste-skridt" name="naeste_skridt" rows="2"
                        aria-invalid=[invalid(errors, "naeste-skridt")] aria-describedby=[described(errors, "naeste-skridt")] {
                        (forms.evaluation_next)
                    }
                    (inline_error(errors, "naeste-skridt"))
                    button type="submit" { "Registrér evaluering" }
                }
            }
            section.no-print aria-labelledby="luk-titel" {
                h2 id="luk-titel" { "Afslut planen" }
                form method="post" action={ "/planer/" (plan.id) "/luk" } {
                    p { "En afsluttet plan kan læses, men ikke længere ændres eller evalueres." }
                    button type="submit" { "Afslut planen" }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(viewer), "", body))
}

/// Shows the plan page again (the plan re-read) with `errors` and the status, always as an
/// `Err`.
async fn plan_again(
    state: &AppState,
    viewer: &Viewer,
    allowed: &Allowed,
    plan_id: i64,
    forms: &PlanForms,
    errors: &[FieldError],
    status: StatusCode,
) -> Page {
    let Some(plan) = state.store.plan(plan_id).await? else {
        return Err(PageError::not_found());
    };
    let page = plan_page(state, viewer, &allowed.subject, &plan, forms, errors).await?;
    Err(PageError::status(status, page))
}

const CLOSED: &str = "Planen er afsluttet og kan ikke længere ændres eller evalueres.";

/// The message shown when someone else saved the plan first.
fn conflict_message(current: i32, submitted: i32) -> String {
    format!(
        "Planen er gemt af en anden, siden du åbnede den (version {submitted}); den er nu version {current}. \
         Dine ændringer er IKKE gemt. Din tekst står i formularen herunder, og den gemte version står øverst på \
         siden – sammenlign version {submitted} og {current}, ret til, og gem igen."
    )
}

fn parse_version(fields: &Fields) -> Option<i32> {
    field(fields, "version").parse().ok().filter(|v| *v >= 1)
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (plan, allowed) = authorize_plan(&state, &viewer, id, Action::Write, ChildData::Plans, "plan.save").await?;
    let form = PlanForm::of(&fields);
    let version = parse_version(&fields);
    let mut forms = PlanForms {
        edit: Some(form.clone()),
        version,
        ..PlanForms::default()
    };
    if plan.closed {
        allowed.audit_refused(&state, "planen er afsluttet").await?;
        let errors = [error("evalueringer", CLOSED)];
        return plan_again(&state, &viewer, &allowed, id, &forms, &errors, StatusCode::CONFLICT).await;
    }
    let staff = staff_of(&state, Some(plan.institution_id)).await?;
    let mut errors = Vec::new();
    let content = form.content(&staff, &mut errors);
    let Some(version) = version else {
        errors.push(error(
            "ret-titel",
            "Planens versionsnummer mangler; åbn planen igen, og indfør dine ændringer.",
        ));
        forms.version = Some(plan.current_version);
        allowed.audit_unchanged(&state, "versionsnummer mangler").await?;
        return plan_again(
            &state,
            &viewer,
            &allowed,
            id,
            &forms,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if !errors.is_empty() {
        allowed.audit_unchanged(&state, "fejl i formularen").await?;
        return plan_again(
            &state,
            &viewer,
            &allowed,
            id,
            &forms,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .store
        .save_plan(id, version, &content, viewer.user.id, now(), &allowed.audit)
        .await?
    {
        Ok(saved) => Ok(Redirect::to(&format!("/planer/{id}?gemt={saved}")).into_response()),
        Err(conflict) => {
            allowed.audit_unchanged(&state, "versionskonflikt").await?;
            // The form now carries the stored version: saving again is a choice made with both
            // texts in view.
            forms.version = Some(conflict.current_version);
            let errors = [error("ret-titel", conflict_message(conflict.current_version, version))];
            plan_again(&state, &viewer, &allowed, id, &forms, &errors, StatusCode::CONFLICT).await
        }
    }
}

pub async fn save_parents(
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
        ChildData::ParentPerspective,
        "plan.parents",
    )
    .await?;
    // Only the parents' field is read; anything else in the form is ignored.
    let raw = field(&fields, "foraeldres_perspektiv");
    let version = parse_version(&fields);
    let mut forms = PlanForms {
        parents: Some(raw.to_string()),
        version,
        ..PlanForms::default()
    };
    let mut errors = Vec::new();
    if plan.closed {
        errors.push(error("foraeldres_perspektiv", CLOSED));
    }
    let text = check_text(
        &mut errors,
        "foraeldres_perspektiv",
        label::PARENTS_PERSPECTIVE,
        raw,
        false,
        MAX_TEXT_CHARS,
    );
    if version.is_none() {
        forms.version = Some(plan.current_version);
        errors.push(error(
            "foraeldres_perspektiv",
            "Planens versionsnummer mangler; åbn planen igen, og skriv perspektivet på ny.",
        ));
    }
    let Some(version) = version.filter(|_| errors.is_empty()) else {
        let (reason, status) = if plan.closed {
            ("planen er afsluttet", StatusCode::CONFLICT)
        } else {
            ("fejl i formularen", StatusCode::UNPROCESSABLE_ENTITY)
        };
        allowed.audit_unchanged(&state, reason).await?;
        return plan_again(&state, &viewer, &allowed, id, &forms, &errors, status).await;
    };
    match state
        .store
        .save_plan_text(
            id,
            version,
            PlanText::ParentsPerspective,
            &text,
            viewer.user.id,
            now(),
            &allowed.audit,
        )
        .await?
    {
        Ok(saved) => Ok(Redirect::to(&format!("/planer/{id}?gemt={saved}")).into_response()),
        Err(conflict) => {
            allowed.audit_unchanged(&state, "versionskonflikt").await?;
            forms.version = Some(conflict.current_version);
            let errors = [error(
                "foraeldres_perspektiv",
                conflict_message(conflict.current_version, version),
            )];
            plan_again(&state, &viewer, &allowed, id, &forms, &errors, StatusCode::CONFLICT).await
        }
    }
}

pub async fn evaluate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (plan, allowed) = authorize_plan(&state, &viewer, id, Action::Write, ChildData::Plans, "plan.evaluate").await?;
    let forms = PlanForms {
        evaluation_date: field(&fields, "dato").into(),
        evaluation_result: field(&fields, "resultat").into(),
        evaluation_text: field(&fields, "tekst").into(),
        evaluation_next: field(&fields, "naeste_skridt").into(),
        ..PlanForms::default()
    };
    let mut errors = Vec::new();
    if plan.closed {
        errors.push(error("evalueringer", CLOSED));
    }
    let date = check_past_date(
        &mut errors,
        "evaluering-dato",
        "Dato for evalueringen",
        &forms.evaluation_date,
    );
    let result = EvaluationResult::from_id(&forms.evaluation_result);
    if result.is_none() {
        errors.push(error(
            "resultat-opnaaet",
            "Er målene nået: vælg opnået, delvist opnået eller ikke opnået.",
        ));
    }
    let text = check_text(
        &mut errors,
        "evaluering-tekst",
        "Evaluering",
        &forms.evaluation_text,
        true,
        MAX_TEXT_CHARS,
    );
    let next_step = check_text(
        &mut errors,
        "naeste-skridt",
        "Næste skridt",
        &forms.evaluation_next,
        false,
        MAX_TEXT_CHARS,
    );
    let (Some(date), Some(result), true) = (date, result, errors.is_empty()) else {
        let (reason, status) = if plan.closed {
            ("planen er afsluttet", StatusCode::CONFLICT)
        } else {
            ("fejl i formularen", StatusCode::UNPROCESSABLE_ENTITY)
        };
        allowed.audit_unchanged(&state, reason).await?;
        return plan_again(&state, &viewer, &allowed, id, &forms, &errors, status).await;
    };
    let evaluation = NewEvaluation {
        date,
        result,
        text,
        next_step,
        by: viewer.user.id,
        at: now(),
    };
    state.store.add_evaluation(id, &evaluation, &allowed.audit).await?;
    Ok(Redirect::to(&format!("/planer/{id}#evalueringer")).into_response())
}

pub async fn close(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let (_, allowed) = authorize_plan(&state, &viewer, id, Action::Write, ChildData::Plans, "plan.close").await?;
    // Closing a closed plan changes nothing and writes nothing.
    state
        .store
        .close_plan(id, viewer.user.id, now(), &allowed.audit)
        .await?;
    Ok(Redirect::to(&format!("/planer/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Comparing versions

#[derive(Deserialize, Default)]
pub struct VersionsQuery {
    a: Option<String>,
    b: Option<String>,
}

pub async fn versions(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<VersionsQuery>,
) -> Page {
    let (plan, allowed) = authorize_plan(&state, &viewer, id, Action::Read, ChildData::Plans, "plan.versions").await?;
    let all = state.store.plan_versions(id).await?;
    let current = plan.current_version;
    let pick = |v: &Option<String>, default: i32| -> Result<i32, String> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => s
                .parse::<i32>()
                .ok()
                .filter(|n| all.iter().any(|v| v.version == *n))
                .ok_or_else(|| format!("Version «{s}» findes ikke; planen har version 1 til {current}.")),
        }
    };
    let a = pick(&q.a, (current - 1).max(1));
    let b = pick(&q.b, current);
    let problem = [&a, &b].iter().find_map(|r| r.as_ref().err().cloned());
    let (a, b) = (a.unwrap_or((current - 1).max(1)), b.unwrap_or(current));
    let version = |n: i32| all.iter().find(|v| v.version == n);
    let changes = match (version(a), version(b)) {
        (Some(va), Some(vb)) => diff(&va.content, &vb.content),
        _ => vec![],
    };
    let subject = &allowed.subject;
    let title = format!("Versioner – {}", plan.title);
    let body = html! {
        div.no-print { (case_nav(&viewer, subject, "")) }
        p.no-print { a href={ "/planer/" (plan.id) } { "← Tilbage til planen" } }
        h1 { (title) }
        @if let Some(problem) = &problem { p.error role="alert" { (problem) } }
        form.inline.no-print method="get" action={ "/planer/" (plan.id) "/versioner" } {
            label for="a" { "Fra version" }
            select id="a" name="a" {
                @for v in &all { option value=(v.version) selected[v.version == a] { (v.version) } }
            }
            label for="b" { "Til version" }
            select id="b" name="b" {
                @for v in &all { option value=(v.version) selected[v.version == b] { (v.version) } }
            }
            button type="submit" { "Sammenlign" }
        }
        h2 { "Ændringer fra version " (a) " til version " (b) }
        @if changes.is_empty() {
            p { "Ingen forskelle i indholdet." }
        } @else {
            table.diff {
                thead { tr { th scope="col" { "Felt" } th scope="col" { "Version " (a) } th scope="col" { "Version " (b) } } }
                tbody {
                    @for c in &changes {
                        tr {
                            th scope="row" { (c.field_label) }
                            td.text { del { (c.before) } }
                            td.text { ins { (c.after) } }
                        }
                    }
                }
            }
        }
        h2 { "Alle versioner" }
        table {
            thead { tr { th scope="col" { "Version" } th scope="col" { "Gemt" } th scope="col" { "Af" } } }
            tbody {
                @for v in all.iter().rev() {
                    tr { td { (v.version) } td { (format_time(v.saved_at)) } td { (v.saved_by_name) } }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(&viewer), "", body).into_response())
}
