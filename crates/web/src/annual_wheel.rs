//! Trivselshjul (`trivsel_domain::annual_wheel`): the school's leadership and trivselsperson
//! plan the well-being year — activities per period at school, year-group or class level with a
//! responsible person (who gets a task) or team — see it drawn as a wheel with the current
//! period highlighted, tick activities off with a note, and copy the year to the next.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::Action;
use trivsel_domain::annual_wheel::{DEFAULT_ACTIVITIES, Level, PERIODS, Status, period_dates, period_of};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::model::Role;
use trivsel_domain::year_group::parse_year_group;
use trivsel_store::{Activity, NewActivity, StoreError, TemplateActivity};

use crate::kit::access::{Ask, audit_unchanged, authorize_own_institution};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, Fields, error, error_summary, field, inline_error, invalid, parse_date};
use crate::kit::format::{format_date, format_time};
use crate::kit::menu::MenuItem;
use crate::kit::{AppState, Page, PageError, Viewer, shell};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 26,
    href: "/trivselshjul",
    label: "Trivselshjul",
    daycare_label: None,
    school_only: true,
    daycare_only: false,
    shown: |role| matches!(role, Role::Leader | Role::WellbeingPerson),
}];

const DENIED: &str = "Trivselshjulet er for skolens ledelse og trivselsperson.";

#[derive(Deserialize, Default)]
pub struct WheelQuery {
    aar: Option<i32>,
}

async fn school(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    audit: &str,
) -> Result<(i64, trivsel_store::AuditEntry), PageError> {
    let ask = Ask {
        audit_action: audit,
        child_id: None,
        criterion: None,
        denied: DENIED,
    };
    let (institution, granted) = authorize_own_institution(state, viewer, action, ask).await?;
    Ok((institution, granted.audit))
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, Query(q): Query<WheelQuery>) -> Page {
    let (institution, _) = school(&state, &viewer, Action::Read, "annual_wheel.read").await?;
    let year = q.aar.map_or_else(|| SchoolYear::of(today()), SchoolYear);
    Ok(wheel_page(&state, &viewer, institution, year, &[], None)
        .await?
        .into_response())
}

async fn wheel_page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    year: SchoolYear,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Result<Markup, PageError> {
    let activities = state.store.activities(institution, year.0).await?;
    let staff = state.store.institution_staff(institution).await?;
    let template = if activities.is_empty() {
        state.store.wheel_template(viewer.user.municipality_id).await?.len()
    } else {
        0
    };
    let today = today();
    let current = (SchoolYear::of(today) == year).then(|| period_of(today)).flatten();
    let title = format!("Trivselshjul {}", year.label());
    Ok(shell::page(
        &title,
        Some(viewer),
        "/trivselshjul",
        html! {
            h1 { (title) }
            p {
                a href={ "/trivselshjul?aar=" (year.0 - 1) } { "← " (SchoolYear(year.0 - 1).label()) }
                " · "
                a href={ "/trivselshjul?aar=" (year.0 + 1) } { (SchoolYear(year.0 + 1).label()) " →" }
            }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            (error_summary(errors))
            (wheel_svg(&activities, current, today))
            @if activities.is_empty() {
                p { "Skoleåret har ingen aktiviteter endnu." }
                form.inline method="post" action="/trivselshjul/standard" {
                    input type="hidden" name="aar" value=(year.0);
                    button type="submit" { "Start med standardhjulet" }
                }
                @if template > 0 {
                    form.inline method="post" action="/trivselshjul/skabelon" {
                        input type="hidden" name="aar" value=(year.0);
                        button type="submit" { "Start med kommunens skabelon (" (template) " aktiviteter)" }
                    }
                }
            }
            @for (p, (name, _, _)) in PERIODS.iter().enumerate() {
                section aria-labelledby={ "periode-" (p) } {
                    h2 id={ "periode-" (p) } { (name) @if current == Some(p) { " (nu)" } }
                    @let list: Vec<&Activity> = activities.iter().filter(|a| a.period == p).collect();
                    @if list.is_empty() { p { "Ingen aktiviteter." } }
                    @for a in list {
                        @let status = Status::of(a.done_at.is_some(), a.due_on, today);
                        article.entry id={ "aktivitet-" (a.id) } {
                            h3 { (a.title) }
                            p.meta {
                                @if a.level_name.is_empty() { (a.level.navn()) } @else { (a.level_name) }
                                " · " (format_date(a.starts_on)) "–" (format_date(a.due_on))
                                " · ansvarlig: " (a.responsible_name.as_deref().unwrap_or(&a.responsible_team))
                            }
                            p {
                                strong { (status.navn()) }
                                @if let Some(at) = a.done_at { " " (format_time(at)) }
                                @if let Some(note) = a.done_note.as_deref().filter(|n| !n.is_empty()) { ": " (note) }
                            }
                            @if a.done_at.is_none() {
                                form.stack method="post" action={ "/trivselshjul/" (a.id) "/udfoert" } {
                                    input type="hidden" name="aar" value=(year.0);
                                    label for={ "note-" (a.id) } { "Note om «" (a.title) "»" }
                                    input id={ "note-" (a.id) } name="note" type="text";
                                    button type="submit" { "Markér som udført" }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="ny-aktivitet" {
                h2 id="ny-aktivitet" { "Ny aktivitet" }
                form.stack method="post" action="/trivselshjul" novalidate {
                    input type="hidden" name="aar" value=(year.0);
                    label for="titel" { "Aktivitet" }
                    input id="titel" name="titel" type="text" aria-invalid=[invalid(errors, "titel")];
                    (inline_error(errors, "titel"))
                    label for="periode" { "Periode" }
                    select id="periode" name="periode" {
                        @for (p, (name, _, _)) in PERIODS.iter().enumerate() { option value=(p) selected[current == Some(p)] { (name) } }
                    }
                    label for="niveau" { "Niveau" }
                    select id="niveau" name="niveau" {
                        @for l in Level::ALL { option value=(l.id()) { (l.navn()) } }
                    }
                    label for="hvem" { "Årgang eller klasse (fx «5. årgang» eller «5.A»; tom på skoleniveau)" }
                    input id="hvem" name="hvem" type="text" aria-invalid=[invalid(errors, "hvem")];
                    (inline_error(errors, "hvem"))
                    label for="ansvarlig" { "Ansvarlig (får en opgave)" }
                    select id="ansvarlig" name="ansvarlig" {
                        option value="" { "Et team (skriv nedenfor)" }
                        @for u in &staff { option value=(u.id) { (u.name) } }
                    }
                    label for="team" { "Team, fx LKT-teamet" }
                    input id="team" name="team" type="text" aria-invalid=[invalid(errors, "team")];
                    (inline_error(errors, "team"))
                    label for="fra" { "Fra (tom: periodens start)" }
                    input id="fra" name="fra" type="date" aria-invalid=[invalid(errors, "fra")];
                    (inline_error(errors, "fra"))
                    label for="til" { "Senest (tom: periodens slut)" }
                    input id="til" name="til" type="date" aria-invalid=[invalid(errors, "til")];
                    (inline_error(errors, "til"))
                    button type="submit" { "Tilføj aktiviteten" }
                }
            }
            @if !activities.is_empty() {
                form.inline method="post" action="/trivselshjul/kopier" {
                    input type="hidden" name="aar" value=(year.0);
                    button type="submit" { "Kopiér hjulet til " (SchoolYear(year.0 + 1).label()) }
                }
            }
        },
    ))
}

/// Four sectors, one per period, the current one filled; each says how many are done.
fn wheel_svg(activities: &[Activity], current: Option<usize>, today: chrono::NaiveDate) -> Markup {
    let (c, outer, inner) = (110.0f64, 100.0f64, 42.0f64);
    let at = |r: f64, deg: f64| {
        let a = deg.to_radians();
        (c + r * a.cos(), c + r * a.sin())
    };
    html! {
        svg.wheel role="img" aria-labelledby="hjul-titel" viewBox="0 0 220 220" width="220" height="220" {
            title id="hjul-titel" { "Trivselshjulet: fire perioder" @if let Some(p) = current { ", nu " (PERIODS[p].0) } }
            @for (p, (name, _, _)) in PERIODS.iter().enumerate() {
                @let (from, to) = (-90.0 + 90.0 * p as f64 + 1.0, -90.0 + 90.0 * (p + 1) as f64 - 1.0);
                @let (o1, o2, i1, i2) = (at(outer, from), at(outer, to), at(inner, to), at(inner, from));
                @let here = current == Some(p);
                @let list: Vec<&Activity> = activities.iter().filter(|a| a.period == p).collect();
                @let done = list.iter().filter(|a| a.done_at.is_some()).count();
                @let late = list.iter().any(|a| Status::of(a.done_at.is_some(), a.due_on, today) == Status::Overdue);
                path d=(format!("M{:.1},{:.1} A{outer},{outer} 0 0 1 {:.1},{:.1} L{:.1},{:.1} A{inner},{inner} 0 0 0 {:.1},{:.1} Z", o1.0, o1.1, o2.0, o2.1, i1.0, i1.1, i2.0, i2.1))
                    fill=(if here { "#1f6fb2" } else { "#e6eef6" }) stroke=(if late { "#b3261e" } else { "#ffffff" }) stroke-width=(if late { "3" } else { "1" }) {}
                @let (tx, ty) = at(71.0, (from + to) / 2.0);
                text x=(format!("{tx:.1}")) y=(format!("{ty:.1}")) text-anchor="middle" font-size="10" fill=(if here { "#ffffff" } else { "#1b1b1b" }) {
                    tspan x=(format!("{tx:.1}")) dy="-4" { (name.split('–').next().unwrap_or(name).chars().take(3).collect::<String>()) "–" (name.split('–').nth(1).unwrap_or("").chars().take(3).collect::<String>()) }
                    tspan x=(format!("{tx:.1}")) dy="12" { (done) "/" (list.len()) }
                }
            }
        }
    }
}

fn year_of(fields: &Fields) -> SchoolYear {
    field(fields, "aar")
        .parse()
        .map_or_else(|_| SchoolYear::of(today()), SchoolYear)
}

pub async fn add(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, audit) = school(&state, &viewer, Action::Write, "annual_wheel.add").await?;
    let year = year_of(&fields);
    let mut errors = Vec::new();
    let title = field(&fields, "titel").trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(error("titel", "Aktivitet: skriv hvad der skal ske (højst 200 tegn)."));
    }
    let period = field(&fields, "periode")
        .parse::<usize>()
        .ok()
        .filter(|p| *p < PERIODS.len())
        .unwrap_or(0);
    let level = Level::from_id(field(&fields, "niveau")).unwrap_or(Level::School);
    let level_name = field(&fields, "hvem").trim().to_string();
    if level != Level::School && level_name.is_empty() {
        errors.push(error("hvem", "Årgang eller klasse: skriv hvilken."));
    }
    let staff = state.store.institution_staff(institution).await?;
    let groups = state.store.year_groups(institution).await?;
    // A year group's activity without anyone chosen goes to the year group's coordinator.
    let responsible = field(&fields, "ansvarlig")
        .parse::<i64>()
        .ok()
        .filter(|u| staff.iter().any(|s| s.id == *u))
        .or_else(|| coordinator_of(&groups, level, &level_name));
    let team = field(&fields, "team").trim().to_string();
    if responsible.is_none() && team.is_empty() {
        errors.push(error("team", "Ansvarlig: vælg en person eller skriv et team."));
    }
    let (first, last) = period_dates(year, period);
    let date = |id: &str, default| match field(&fields, id).trim() {
        "" => Some(default),
        v => parse_date(v),
    };
    let (starts_on, due_on) = (date("fra", first), date("til", last));
    if starts_on.is_none() {
        errors.push(error("fra", "Fra: angiv en gyldig dato."));
    }
    if due_on.is_none() || due_on < starts_on {
        errors.push(error("til", "Senest: angiv en gyldig dato, ikke før startdatoen."));
    }
    let (Some(starts_on), Some(due_on), true) = (starts_on, due_on, errors.is_empty()) else {
        audit_unchanged(
            &state,
            &audit,
            &errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
        )
        .await?;
        return Err(PageError::unprocessable(
            wheel_page(&state, &viewer, institution, year, &errors, None).await?,
        ));
    };
    let activity = NewActivity {
        institution_id: institution,
        school_year: year.0,
        period,
        title,
        level,
        level_name: if level == Level::School {
            String::new()
        } else {
            level_name
        },
        responsible_user_id: responsible,
        responsible_team: team,
        starts_on,
        due_on,
        by: viewer.user.id,
        at: now(),
    };
    state.store.add_activities(&[activity], &audit).await?;
    Ok(Redirect::to(&format!("/trivselshjul?aar={}", year.0)).into_response())
}

/// The seed's four activities, the school's trivselsperson (or the viewer) responsible.
pub async fn defaults(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, audit) = school(&state, &viewer, Action::Write, "annual_wheel.defaults").await?;
    let items: Vec<TemplateActivity> = DEFAULT_ACTIVITIES
        .iter()
        .map(|(period, title)| TemplateActivity {
            id: 0,
            period: *period,
            title: title.to_string(),
            level: Level::School,
            level_name: String::new(),
            responsible_team: "LKT-teamet".into(),
        })
        .collect();
    start_year(&state, &viewer, institution, year_of(&fields), &items, &audit).await
}

/// The municipality's template (`/kommune/trivselshjul`), the same way.
pub async fn from_template(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, audit) = school(&state, &viewer, Action::Write, "annual_wheel.from_template").await?;
    let items = state.store.wheel_template(viewer.user.municipality_id).await?;
    let year = year_of(&fields);
    if items.is_empty() {
        let message = "Kommunen har ingen skabelon for trivselshjulet endnu.";
        audit_unchanged(&state, &audit, message).await?;
        let errors = [error("titel", message)];
        return Err(PageError::unprocessable(
            wheel_page(&state, &viewer, institution, year, &errors, None).await?,
        ));
    }
    start_year(&state, &viewer, institution, year, &items, &audit).await
}

/// The coordinator of the year group a year-group activity names («5. årgang»), if set.
fn coordinator_of(groups: &[trivsel_store::YearGroup], level: Level, level_name: &str) -> Option<i64> {
    let grade = (level == Level::YearGroup)
        .then(|| parse_year_group(level_name))
        .flatten()?;
    groups
        .iter()
        .find(|g| g.grade == grade)
        .and_then(|g| g.coordinator_user_id)
}

/// Fills an empty school year with `items` at their periods' dates, a year group's
/// coordinator or else the school's trivselsperson (or the viewer) responsible; a year with
/// activities is left as it is.
async fn start_year(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    year: SchoolYear,
    items: &[TemplateActivity],
    audit: &trivsel_store::AuditEntry,
) -> Page {
    let back = Redirect::to(&format!("/trivselshjul?aar={}", year.0)).into_response();
    if !state.store.activities(institution, year.0).await?.is_empty() {
        audit_unchanged(state, audit, "skoleåret har allerede aktiviteter").await?;
        return Ok(back);
    }
    let staff = state.store.institution_staff(institution).await?;
    let groups = state.store.year_groups(institution).await?;
    let lkt = staff
        .iter()
        .find(|u| u.role == Role::WellbeingPerson)
        .map_or(viewer.user.id, |u| u.id);
    let activities: Vec<NewActivity> = items
        .iter()
        .map(|item| {
            let (starts_on, due_on) = period_dates(year, item.period);
            let responsible = coordinator_of(&groups, item.level, &item.level_name).unwrap_or(lkt);
            NewActivity {
                institution_id: institution,
                school_year: year.0,
                period: item.period,
                title: item.title.clone(),
                level: item.level,
                level_name: item.level_name.clone(),
                responsible_user_id: Some(responsible),
                responsible_team: item.responsible_team.clone(),
                starts_on,
                due_on,
                by: viewer.user.id,
                at: now(),
            }
        })
        .collect();
    state.store.add_activities(&activities, audit).await?;
    Ok(back)
}

pub async fn copy(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, audit) = school(&state, &viewer, Action::Write, "annual_wheel.copy").await?;
    let year = year_of(&fields);
    match state
        .store
        .copy_wheel(institution, year.0, viewer.user.id, now(), &audit)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/trivselshjul?aar={}", year.0 + 1)).into_response()),
        Err(StoreError::Config(message)) => {
            audit_unchanged(&state, &audit, &message).await?;
            let errors = [error("titel", message)];
            Err(PageError::unprocessable(
                wheel_page(&state, &viewer, institution, year, &errors, None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn done(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (institution, audit) = school(&state, &viewer, Action::Write, "annual_wheel.done").await?;
    let note = field(&fields, "note").trim().chars().take(1000).collect::<String>();
    let done = state
        .store
        .complete_activity(institution, id, &note, viewer.user.id, now(), &audit)
        .await?;
    if !done {
        return Err(PageError::not_found_for(Some(&viewer)));
    }
    Ok(Redirect::to(&format!("/trivselshjul?aar={}#aktivitet-{id}", year_of(&fields).0)).into_response())
}
