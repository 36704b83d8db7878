//! Forebyggelse på skolens tre niveauer (seed 000): the year groups (årgange) with their
//! coordinators (`/aargange`), and preventive plans for the whole school or one year group
//! (`/forebyggelse`) — goals, signs, actions and an evaluation that becomes a task for the
//! responsible person: the year group's coordinator unless someone else is chosen, for the
//! whole school the trivselsperson (LKT). The child's and the class's plans are case plans
//! (`cases::plans`). Leaders and trivselspersoner write; the school's teachers read.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use trivsel_domain::model::Role;
use trivsel_domain::year_group::{PlanLevel, grade_of, year_group_name};
use trivsel_store::{AuditEntry, NewPreventivePlan, YearGroup};

use crate::kit::access::{Ask, audit_unchanged, decide};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, Fields, described, error, error_summary, field, inline_error, invalid, parse_date};
use crate::kit::format::{format_date, format_time};
use crate::kit::menu::MenuItem;
use crate::kit::{AppState, Page, PageError, Viewer, shell};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 27,
    href: "/forebyggelse",
    label: "Forebyggelse",
    daycare_label: None,
    school_only: true,
    daycare_only: false,
    shown: |role| matches!(role, Role::Leader | Role::WellbeingPerson | Role::Teacher),
}];

const DENIED_READ: &str = "Skolens forebyggende planer er for skolens personale.";
const DENIED_WRITE: &str = "Forebyggende planer og årgangenes koordinatorer skrives af ledelsen og trivselspersonen.";

/// The viewer's school if the viewer may read (`write` false: its staff) or write (leader,
/// trivselsperson); the decision is audited.
async fn school(state: &AppState, viewer: &Viewer, write: bool, action: &str) -> Result<(i64, AuditEntry), PageError> {
    let role = viewer.user.role;
    let allowed = viewer.user.institution_id.is_some()
        && if write {
            matches!(role, Role::Leader | Role::WellbeingPerson)
        } else {
            matches!(role, Role::Leader | Role::WellbeingPerson | Role::Teacher)
        };
    let ask = Ask {
        audit_action: action,
        child_id: None,
        criterion: viewer.user.institution_id.map(|i| format!("institution {i}")),
        denied: if write { DENIED_WRITE } else { DENIED_READ },
    };
    let granted = decide(state, viewer, allowed, write, ask).await?;
    Ok((
        viewer.user.institution_id.expect("granted for an institution"),
        granted.audit,
    ))
}

fn writes(viewer: &Viewer) -> bool {
    matches!(viewer.user.role, Role::Leader | Role::WellbeingPerson)
}

/// The school's grades (from its classes' names) with their classes.
async fn grades(state: &AppState, institution: i64) -> Result<BTreeMap<u32, Vec<String>>, PageError> {
    let mut grades: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for class in state.store.classes(institution).await? {
        if let Some(g) = grade_of(&class.name) {
            grades.entry(g).or_default().push(class.name);
        }
    }
    Ok(grades)
}

fn coordinator(groups: &[YearGroup], grade: u32) -> Option<i64> {
    groups
        .iter()
        .find(|g| g.grade == grade)
        .and_then(|g| g.coordinator_user_id)
}

pub async fn year_groups(State(state): State<AppState>, viewer: Viewer) -> Page {
    let (institution, _) = school(&state, &viewer, false, "year_groups.read").await?;
    Ok(year_groups_page(&state, &viewer, institution, None)
        .await?
        .into_response())
}

async fn year_groups_page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    notice: Option<&str>,
) -> Result<Markup, PageError> {
    let grades = grades(state, institution).await?;
    let groups = state.store.year_groups(institution).await?;
    let staff = state.store.institution_staff(institution).await?;
    let title = "Årgange og koordinatorer";
    Ok(shell::page(
        title,
        Some(viewer),
        "/forebyggelse",
        html! {
            h1 { (title) }
            p { "En klasse hører til årgangen med det tal, dens navn begynder med (5.A og 5.B er 5. årgang). Koordinatoren er ansvarlig for årgangens forebyggende planer og aktiviteter i trivselshjulet, medmindre en anden vælges." }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            @if grades.is_empty() { p { "Skolen har ingen klasser med et årgangstal i navnet." } }
            form.stack method="post" action="/aargange" {
                @for (grade, classes) in &grades {
                    @let id = format!("koordinator_{grade}");
                    @let current = coordinator(&groups, *grade);
                    label for=(id) { (year_group_name(*grade)) " (" (classes.join(", ")) ")" }
                    @if writes(viewer) {
                        select id=(id) name=(id) {
                            option value="" selected[current.is_none()] { "Ingen koordinator" }
                            @for u in &staff { option value=(u.id) selected[current == Some(u.id)] { (u.name) } }
                        }
                    } @else {
                        p id=(id) { (groups.iter().find(|g| g.grade == *grade).and_then(|g| g.coordinator_name.as_deref()).unwrap_or("Ingen koordinator")) }
                    }
                }
                @if writes(viewer) && !grades.is_empty() { button type="submit" { "Gem koordinatorerne" } }
            }
            p { a href="/forebyggelse" { "Skolens forebyggende planer" } }
        },
    ))
}

pub async fn save_year_groups(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, audit) = school(&state, &viewer, true, "year_groups.save").await?;
    let staff = state.store.institution_staff(institution).await?;
    let mut coordinators = Vec::new();
    for grade in grades(&state, institution).await?.into_keys() {
        let value = field(&fields, &format!("koordinator_{grade}"));
        let user = value.parse::<i64>().ok().filter(|u| staff.iter().any(|s| s.id == *u));
        if !value.is_empty() && user.is_none() {
            audit_unchanged(&state, &audit, "ukendt koordinator").await?;
            return Err(PageError::unprocessable(
                year_groups_page(
                    &state,
                    &viewer,
                    institution,
                    Some("Koordinatoren skal være en af skolens ansatte. Intet er gemt."),
                )
                .await?,
            ));
        }
        coordinators.push((grade, user));
    }
    state.store.set_coordinators(institution, &coordinators, &audit).await?;
    Ok(Redirect::to("/aargange").into_response())
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Page {
    let (institution, _) = school(&state, &viewer, false, "preventive.read").await?;
    Ok(list_page(&state, &viewer, institution, &[], &Fields::default())
        .await?
        .into_response())
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    errors: &[FieldError],
    form: &Fields,
) -> Result<Markup, PageError> {
    let plans = state.store.preventive_plans(institution).await?;
    let grades = grades(state, institution).await?;
    let staff = state.store.institution_staff(institution).await?;
    let title = "Forebyggende planer for skolen og årgangene";
    let value = |name: &str| field(form, name).to_string();
    Ok(shell::page(
        title,
        Some(viewer),
        "/forebyggelse",
        html! {
            h1 { (title) }
            p { "Det forebyggende arbejde på skolens tre niveauer: hele skolen, årgangen og klassen. Klassens og det enkelte barns planer laves på klassens og barnets side." }
            p { a href="/aargange" { "Årgange og koordinatorer" } }
            @if plans.is_empty() { p { "Skolen har ingen forebyggende planer endnu." } }
            @for p in &plans {
                article.entry {
                    h2 { a href={ "/forebyggelse/" (p.id) } { (p.title) } }
                    p.meta {
                        (p.level.navn()) " · ansvarlig: " (p.responsible_name) " · evaluering " (format_date(p.evaluation_on))
                        @if p.closed_at.is_some() { " · evalueret og lukket" }
                    }
                }
            }
            @if writes(viewer) {
                section aria-labelledby="ny-plan" {
                    h2 id="ny-plan" tabindex="-1" { "Ny forebyggende plan" }
                    (error_summary(errors))
                    form.stack method="post" action="/forebyggelse" novalidate {
                        label for="titel" { "Titel" }
                        input id="titel" name="titel" type="text" value=(value("titel"))
                            aria-invalid=[invalid(errors, "titel")] aria-describedby=[described(errors, "titel")];
                        (inline_error(errors, "titel"))
                        label for="niveau" { "For hvem" }
                        select id="niveau" name="niveau" aria-invalid=[invalid(errors, "niveau")]
                            aria-describedby=[described(errors, "niveau")] {
                            option value="skole" { "Hele skolen" }
                            @for g in grades.keys() {
                                option value=(g) selected[value("niveau") == g.to_string()] { (year_group_name(*g)) }
                            }
                        }
                        (inline_error(errors, "niveau"))
                        label for="sammenhaeng" { "Sammenhæng (hvorfor en plan)" }
                        textarea id="sammenhaeng" name="sammenhaeng" rows="3" { (value("sammenhaeng")) }
                        label for="maal" { "Mål" }
                        textarea id="maal" name="maal" rows="3" aria-invalid=[invalid(errors, "maal")]
                            aria-describedby=[described(errors, "maal")] { (value("maal")) }
                        (inline_error(errors, "maal"))
                        label for="tegn" { "Tegn (hvad vi vil se, når målet er nået)" }
                        textarea id="tegn" name="tegn" rows="3" { (value("tegn")) }
                        label for="tiltag" { "Tiltag (hvad gør vi, hvem og hvornår)" }
                        textarea id="tiltag" name="tiltag" rows="4" { (value("tiltag")) }
                        label for="evaluering" { "Evalueres senest" }
                        input id="evaluering" name="evaluering" type="date" value=(value("evaluering"))
                            aria-invalid=[invalid(errors, "evaluering")] aria-describedby=[described(errors, "evaluering")];
                        (inline_error(errors, "evaluering"))
                        label for="ansvarlig" { "Ansvarlig (får evalueringen som opgave)" }
                        select id="ansvarlig" name="ansvarlig" {
                            option value="" { "Årgangens koordinator – for hele skolen trivselspersonen" }
                            @for u in &staff { option value=(u.id) selected[value("ansvarlig") == u.id.to_string()] { (u.name) } }
                        }
                        button type="submit" { "Opret planen" }
                    }
                }
            }
        },
    ))
}

pub async fn create(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, audit) = school(&state, &viewer, true, "preventive.create").await?;
    let grades = grades(&state, institution).await?;
    let staff = state.store.institution_staff(institution).await?;
    let mut errors = Vec::new();
    let title = field(&fields, "titel").to_string();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(error("titel", "Titel: skriv hvad planen handler om (højst 200 tegn)."));
    }
    let level = match field(&fields, "niveau") {
        "skole" | "" => Some(PlanLevel::School),
        g => g
            .parse::<u32>()
            .ok()
            .filter(|g| grades.contains_key(g))
            .map(PlanLevel::YearGroup),
    };
    if level.is_none() {
        errors.push(error(
            "niveau",
            "For hvem: vælg hele skolen eller en af skolens årgange.",
        ));
    }
    let goals = field(&fields, "maal").to_string();
    if goals.is_empty() {
        errors.push(error("maal", "Mål: skriv hvad planen skal føre til."));
    }
    let evaluation_on = parse_date(field(&fields, "evaluering")).filter(|d| *d >= today());
    if evaluation_on.is_none() {
        errors.push(error(
            "evaluering",
            "Evalueres senest: angiv en dato fra i dag og frem.",
        ));
    }
    let chosen = field(&fields, "ansvarlig")
        .parse::<i64>()
        .ok()
        .filter(|u| staff.iter().any(|s| s.id == *u));
    let (Some(level), Some(evaluation_on), true) = (level, evaluation_on, errors.is_empty()) else {
        let reasons: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        audit_unchanged(&state, &audit, &reasons.join(" ")).await?;
        return Err(PageError::unprocessable(
            list_page(&state, &viewer, institution, &errors, &fields).await?,
        ));
    };
    let groups = state.store.year_groups(institution).await?;
    let fallback = staff
        .iter()
        .find(|u| u.role == Role::WellbeingPerson)
        .map_or(viewer.user.id, |u| u.id);
    let responsible = chosen
        .or_else(|| level.grade().and_then(|g| coordinator(&groups, g)))
        .unwrap_or(fallback);
    let plan = NewPreventivePlan {
        institution_id: institution,
        level,
        title,
        context: field(&fields, "sammenhaeng").to_string(),
        goals,
        signs: field(&fields, "tegn").to_string(),
        actions: field(&fields, "tiltag").to_string(),
        evaluation_on,
        responsible_user_id: responsible,
        by: viewer.user.id,
        at: now(),
    };
    let id = state.store.create_preventive_plan(&plan, &audit).await?;
    Ok(Redirect::to(&format!("/forebyggelse/{id}")).into_response())
}

pub async fn show(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let (institution, _) = school(&state, &viewer, false, "preventive.read").await?;
    Ok(plan_page(&state, &viewer, institution, id, &[]).await?.into_response())
}

async fn plan_page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    id: i64,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let p = state
        .store
        .preventive_plan(institution, id)
        .await?
        .ok_or_else(|| PageError::not_found_for(Some(viewer)))?;
    let sections = [
        ("Sammenhæng", &p.context),
        ("Mål", &p.goals),
        ("Tegn", &p.signs),
        ("Tiltag", &p.actions),
    ];
    Ok(shell::page(
        &p.title,
        Some(viewer),
        "/forebyggelse",
        html! {
            h1 { (p.title) }
            p.meta { (p.level.navn()) " · ansvarlig: " (p.responsible_name) " · oprettet " (format_time(p.created_at)) }
            @for (heading, text) in sections {
                @if !text.is_empty() { h2 { (heading) } p.status-text { (text) } }
            }
            h2 { "Evaluering" }
            @match (&p.evaluation, p.closed_at) {
                (Some(e), Some(at)) => { p.status-text { (e) } p.hint { "Evalueret og lukket " (format_time(at)) } },
                _ => {
                    p { "Evalueres senest " (format_date(p.evaluation_on)) "." }
                    @if writes(viewer) {
                        (error_summary(errors))
                        form.stack method="post" action={ "/forebyggelse/" (p.id) "/luk" } novalidate {
                            label for="evaluering" { "Hvad blev opnået, og hvad nu?" }
                            textarea id="evaluering" name="evaluering" rows="4" aria-invalid=[invalid(errors, "evaluering")]
                                aria-describedby=[described(errors, "evaluering")] {}
                            (inline_error(errors, "evaluering"))
                            button type="submit" { "Evaluér og luk planen" }
                        }
                    }
                },
            }
            p { a href="/forebyggelse" { "Alle forebyggende planer" } }
        },
    ))
}

pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (institution, audit) = school(&state, &viewer, true, "preventive.close").await?;
    let evaluation = field(&fields, "evaluering");
    if evaluation.is_empty() {
        audit_unchanged(&state, &audit, "ingen evaluering").await?;
        let errors = [error("evaluering", "Skriv evalueringen, før planen lukkes.")];
        return Err(PageError::unprocessable(
            plan_page(&state, &viewer, institution, id, &errors).await?,
        ));
    }
    if !state
        .store
        .close_preventive_plan(institution, id, evaluation, viewer.user.id, now(), &audit)
        .await?
    {
        return Err(PageError::not_found_for(Some(&viewer)));
    }
    Ok(Redirect::to(&format!("/forebyggelse/{id}")).into_response())
}
