//! Små læringsgrupper med udviklingshjul (`trivsel_domain::development_wheel`): the daycare's
//! leadership forms groups of 3–4 children with one fixed pedagogue and sets the institution's
//! goals; after each session the pedagogue rates each child on the group's competences (1–4)
//! with a note; each child's wheel (SVG) shows the latest rating over the one before.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use trivsel_domain::access::{Action, ChildContext, ChildData, ChildGrant, Resource, can};
use trivsel_domain::development_wheel::{DEFAULT_DIMENSIONS, GROUP_SIZE, Rating, SCALE, goal_progress, wheel};
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_store::{InstitutionGoal, LearningGroup, NewLearningGroup, NewSession, PupilRow, StoreError};

use crate::kit::access::{Ask, Granted, audit_unchanged, decide, entry};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_past_date, error, error_summary, field, inline_error, invalid, parse_date, values,
};
use crate::kit::format::{format_date, percent};
use crate::kit::menu::MenuItem;
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 12,
    href: "/laeringsgrupper",
    label: "Læringsgrupper",
    daycare_label: None,
    school_only: false,
    daycare_only: true,
    shown: |role| matches!(role, Role::Leader | Role::WellbeingPerson | Role::Teacher),
}];

const DENIED: &str = "Læringsgrupperne er for dagtilbuddets ledelse og gruppens pædagog. Forsøget er registreret.";

fn group_path(id: i64) -> String {
    format!("/laeringsgrupper/{id}")
}

fn name(p: &PupilRow) -> String {
    format!("{} {}", p.given_name, p.family_name)
}

/// The viewer's daycare, and whether the viewer leads it (may form groups and set goals).
fn daycare(viewer: &Viewer) -> Option<(i64, bool)> {
    let institution = viewer
        .user
        .institution_id
        .filter(|_| viewer.institution_kind == Some(InstitutionKind::Daycare))?;
    let leads = can(
        &viewer.actor,
        Action::Write,
        &Resource::Institution {
            municipality_id: viewer.user.municipality_id,
            institution_id: institution,
        },
    );
    (leads || viewer.user.role == Role::Teacher).then_some((institution, leads))
}

async fn gate(
    state: &AppState,
    viewer: &Viewer,
    write: bool,
    action: &str,
    need_lead: bool,
) -> Result<(i64, bool, Granted), PageError> {
    let found = daycare(viewer).filter(|(_, leads)| *leads || !need_lead);
    let ask = Ask {
        audit_action: action,
        child_id: None,
        criterion: None,
        denied: DENIED,
    };
    let granted = decide(state, viewer, found.is_some(), write, ask).await?;
    let (institution, leads) = found.expect("decided");
    Ok((institution, leads, granted))
}

/// The institution's children today, by name.
async fn institution_children(state: &AppState, institution: i64) -> Result<Vec<PupilRow>, StoreError> {
    let mut all = Vec::new();
    for class in state.store.class_cards(&[], Some(institution)).await? {
        all.extend(state.store.class_pupils(class.id, today()).await?);
    }
    all.sort_by(|a, b| (&a.given_name, &a.family_name, a.id).cmp(&(&b.given_name, &b.family_name, b.id)));
    all.dedup_by_key(|p| p.id);
    Ok(all)
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Page {
    let (institution, leads, _) = gate(&state, &viewer, false, "learning_group.list", false).await?;
    Ok(list_page(&state, &viewer, institution, leads, &[], None)
        .await?
        .into_response())
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    leads: bool,
    errors: &[FieldError],
    kept: Option<&Fields>,
) -> Result<Markup, PageError> {
    let groups: Vec<LearningGroup> = state
        .store
        .learning_groups(institution)
        .await?
        .into_iter()
        .filter(|g| leads || g.pedagogue_id == viewer.user.id)
        .collect();
    let goals = state.store.institution_goals(institution).await?;
    let all_groups = state.store.learning_groups(institution).await?;
    let mut progress = Vec::new();
    for goal in &goals {
        let mut ratings: Vec<Rating> = Vec::new();
        for g in &all_groups {
            if let Some(d) = g.dimensions.iter().position(|d| *d == goal.dimension) {
                ratings.extend(
                    state
                        .store
                        .wheel_ratings(g.id)
                        .await?
                        .into_iter()
                        .filter(|r| r.dimension == d)
                        .map(|r| Rating { dimension: 0, ..r }),
                );
            }
        }
        progress.push((goal, goal_progress(&ratings, 0, goal.level)));
    }
    let (children, staff) = if leads {
        (
            institution_children(state, institution).await?,
            state.store.institution_staff(institution).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let kept_values = |name: &str| {
        kept.map_or(Vec::new(), |f| {
            values(f, name).into_iter().map(str::to_string).collect::<Vec<_>>()
        })
    };
    let chosen = kept_values("barn");
    Ok(shell::page(
        "Læringsgrupper",
        Some(viewer),
        "/laeringsgrupper",
        html! {
            h1 { "Små læringsgrupper" }
            p { "Grupper på " (GROUP_SIZE.start()) "–" (GROUP_SIZE.end()) " børn med én fast pædagog. Efter hver samling vurderer pædagogen hvert barn på gruppens kompetencer i udviklingshjulet." }
            (error_summary(errors))
            section aria-labelledby="maal-titel" {
                h2 id="maal-titel" { "Dagtilbuddets mål" }
                @if progress.is_empty() { p { "Der er ikke sat mål." } }
                ul.links {
                    @for (goal, (reached, rated)) in &progress {
                        li {
                            strong { (goal.target_percent) " % af børnene: " (goal.dimension) } " (mindst «" (SCALE[usize::from(goal.level) - 1]) "»)"
                            br;
                            @if *rated == 0 { "Ingen børn er vurderet endnu." } @else {
                                (reached) " af " (rated) " vurderede børn (" (percent(100.0 * *reached as f64 / *rated as f64)) ")"
                                @if 100 * reached >= usize::from(goal.target_percent) * rated { " – målet er nået" }
                            }
                        }
                    }
                }
                @if leads {
                    form.stack method="post" action="/laeringsgrupper/maal" novalidate {
                        h3 { "Nyt mål" }
                        label for="maal-kompetence" { "Kompetence" }
                        input id="maal-kompetence" name="kompetence" type="text" value=(kept.map_or(DEFAULT_DIMENSIONS[0], |f| field(f, "kompetence"))) aria-invalid=[invalid(errors, "maal-kompetence")];
                        (inline_error(errors, "maal-kompetence"))
                        label for="maal-niveau" { "Mindst" }
                        select id="maal-niveau" name="niveau" {
                            @for (i, s) in SCALE.iter().enumerate() { option value=(i + 1) selected[i == 2] { (s) } }
                        }
                        label for="maal-procent" { "Andel af børnene (%)" }
                        input id="maal-procent" name="procent" type="number" min="1" max="100" value="95" aria-invalid=[invalid(errors, "maal-procent")];
                        (inline_error(errors, "maal-procent"))
                        button type="submit" { "Tilføj målet" }
                    }
                }
            }
            section aria-labelledby="grupper-titel" {
                h2 id="grupper-titel" { @if leads { "Grupperne" } @else { "Dine grupper" } }
                @if groups.is_empty() { p { "Der er ingen læringsgrupper." } }
                ul.links {
                    @for g in &groups {
                        li { a href=(group_path(g.id)) { (g.name) } br; (g.children.len()) " børn · " (g.pedagogue_name) }
                    }
                }
                @if leads {
                    form.stack method="post" action="/laeringsgrupper" novalidate {
                        h3 { "Ny læringsgruppe" }
                        label for="navn" { "Navn" }
                        input id="navn" name="navn" type="text" value=(kept.map_or("", |f| field(f, "navn"))) aria-invalid=[invalid(errors, "navn")];
                        (inline_error(errors, "navn"))
                        label for="paedagog" { "Fast pædagog" }
                        select id="paedagog" name="paedagog" aria-invalid=[invalid(errors, "paedagog")] {
                            option value="" { "Vælg" }
                            @for u in staff.iter().filter(|u| u.role == Role::Teacher) { option value=(u.id) { (u.name) } }
                        }
                        (inline_error(errors, "paedagog"))
                        fieldset.group id="boern" aria-invalid=[invalid(errors, "boern")] {
                            legend { "Børn (" (GROUP_SIZE.start()) "–" (GROUP_SIZE.end()) ")" }
                            @for c in &children {
                                label.check { input type="checkbox" name="barn" value=(c.id) checked[chosen.contains(&c.id.to_string())]; (name(c)) }
                            }
                            (inline_error(errors, "boern"))
                        }
                        label for="kompetencer" { "Kompetencer i udviklingshjulet (én pr. linje)" }
                        textarea id="kompetencer" name="kompetencer" rows="6" {
                            (kept.map_or(DEFAULT_DIMENSIONS.join("\n"), |f| field(f, "kompetencer").to_string()))
                        }
                        button type="submit" { "Opret gruppen" }
                    }
                }
            }
        },
    ))
}

pub async fn create(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, leads, granted) = gate(&state, &viewer, true, "learning_group.create", true).await?;
    let mut errors = Vec::new();
    let group_name = field(&fields, "navn").trim().to_string();
    if group_name.is_empty() || group_name.chars().count() > 100 {
        errors.push(error("navn", "Navn: skriv et navn på højst 100 tegn."));
    }
    let staff = state.store.institution_staff(institution).await?;
    let pedagogue = field(&fields, "paedagog")
        .parse::<i64>()
        .ok()
        .filter(|p| staff.iter().any(|u| u.id == *p && u.role == Role::Teacher));
    if pedagogue.is_none() {
        errors.push(error("paedagog", "Fast pædagog: vælg en pædagog i dagtilbuddet."));
    }
    let known = institution_children(&state, institution).await?;
    let children: Vec<i64> = values(&fields, "barn")
        .iter()
        .filter_map(|c| c.parse().ok())
        .filter(|c| known.iter().any(|k| k.id == *c))
        .collect();
    let dimensions: Vec<String> = field(&fields, "kompetencer")
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if let Err(message) = trivsel_domain::development_wheel::check_group(children.len(), &dimensions) {
        let id = if message.starts_with("en læringsgruppe") {
            "boern"
        } else {
            "kompetencer"
        };
        errors.push(error(id, format!("Gruppen: {message}.")));
    }
    let (Some(pedagogue_id), true) = (pedagogue, errors.is_empty()) else {
        audit_unchanged(
            &state,
            &granted.audit,
            &errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
        )
        .await?;
        return Err(PageError::unprocessable(
            list_page(&state, &viewer, institution, leads, &errors, Some(&fields)).await?,
        ));
    };
    let new = NewLearningGroup {
        institution_id: institution,
        name: group_name,
        pedagogue_id,
        children,
        dimensions,
        by: viewer.user.id,
        at: now(),
    };
    let id = state.store.create_learning_group(&new, &granted.audit).await?;
    Ok(Redirect::to(&group_path(id)).into_response())
}

pub async fn add_goal(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let (institution, leads, granted) = gate(&state, &viewer, true, "learning_group.goal", true).await?;
    let mut errors = Vec::new();
    let dimension = field(&fields, "kompetence").trim().to_string();
    if dimension.is_empty() || dimension.chars().count() > 120 {
        errors.push(error("maal-kompetence", "Kompetence: skriv højst 120 tegn."));
    }
    let level = field(&fields, "niveau")
        .parse::<u8>()
        .ok()
        .filter(|l| (1..=4).contains(l));
    let target = field(&fields, "procent")
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| (1..=100).contains(p));
    if target.is_none() {
        errors.push(error("maal-procent", "Andel: skriv et tal fra 1 til 100."));
    }
    let (Some(level), Some(target_percent), true) = (level.or(Some(3)), target, errors.is_empty()) else {
        audit_unchanged(
            &state,
            &granted.audit,
            &errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
        )
        .await?;
        return Err(PageError::unprocessable(
            list_page(&state, &viewer, institution, leads, &errors, Some(&fields)).await?,
        ));
    };
    let goal = InstitutionGoal {
        id: 0,
        dimension,
        level,
        target_percent,
    };
    state
        .store
        .add_institution_goal(institution, &goal, viewer.user.id, now(), &granted.audit)
        .await?;
    Ok(Redirect::to("/laeringsgrupper").into_response())
}

/// The group for its pedagogue or the daycare's leadership; refused (audited) otherwise.
async fn group_for(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    write: bool,
    action: &str,
) -> Result<(LearningGroup, Granted), PageError> {
    let group = state.store.learning_group(id).await?;
    let allowed = group.as_ref().is_some_and(|g| {
        daycare(viewer).is_some_and(|(institution, leads)| {
            institution == g.institution_id && (leads || g.pedagogue_id == viewer.user.id)
        })
    });
    let ask = Ask {
        audit_action: action,
        child_id: None,
        criterion: Some(format!("læringsgruppe {id}")),
        denied: DENIED,
    };
    let granted = decide(state, viewer, allowed, write, ask).await?;
    Ok((group.expect("decided"), granted))
}

pub async fn group(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let (group, _) = group_for(&state, &viewer, id, false, "learning_group.read").await?;
    Ok(group_page(&state, &viewer, &group, &[], None).await?.into_response())
}

async fn group_page(
    state: &AppState,
    viewer: &Viewer,
    group: &LearningGroup,
    errors: &[FieldError],
    kept: Option<&Fields>,
) -> Result<Markup, PageError> {
    let all = institution_children(state, group.institution_id).await?;
    let children: Vec<&PupilRow> = all.iter().filter(|p| group.children.contains(&p.id)).collect();
    let ratings = state.store.wheel_ratings(group.id).await?;
    let audits: Vec<_> = children
        .iter()
        .map(|c| {
            entry(
                viewer,
                "learning_group.child",
                Some(c.id),
                Some(format!("læringsgruppe {}", group.id)),
                true,
            )
        })
        .collect();
    state.store.audit_all(&audits).await?;
    let mut notes = BTreeMap::new();
    for c in &children {
        notes.insert(c.id, state.store.wheel_notes(group.id, c.id).await?);
    }
    let kept_field = |name: &str| kept.map_or(String::new(), |f| field(f, name).to_string());
    Ok(shell::page(
        &group.name,
        Some(viewer),
        "/laeringsgrupper",
        html! {
            p { a href="/laeringsgrupper" { "← Læringsgrupper" } }
            h1 { (group.name) }
            p { "Fast pædagog: " (group.pedagogue_name) }
            (error_summary(errors))
            @for c in &children {
                section aria-labelledby={ "barn-" (c.id) } {
                    h2 id={ "barn-" (c.id) } { a href=(links::child(c.id)) { (name(c)) } }
                    (wheel_figure(&format!("hjul-{}", c.id), &group.dimensions, &wheel(&ratings, c.id)))
                    @if let Some(n) = notes.get(&c.id).and_then(|n| n.first()) {
                        p.meta { "Seneste note (" (format_date(n.held_on)) ", " (n.activity) "): " (n.note) }
                    }
                }
            }
            section aria-labelledby="samling-titel" {
                h2 id="samling-titel" { "Efter samlingen" }
                form.stack method="post" action={ (group_path(group.id)) "/samling" } novalidate {
                    label for="dato" { "Dato" }
                    input id="dato" name="dato" type="date" value=(kept.map_or(today().to_string(), |f| field(f, "dato").to_string())) max=(today().to_string()) aria-invalid=[invalid(errors, "dato")];
                    (inline_error(errors, "dato"))
                    label for="aktivitet" { "Aktivitet" }
                    input id="aktivitet" name="aktivitet" type="text" value=(kept_field("aktivitet")) aria-invalid=[invalid(errors, "aktivitet")];
                    (inline_error(errors, "aktivitet"))
                    @for c in &children {
                        fieldset.group {
                            legend { (name(c)) }
                            @for (d, dim) in group.dimensions.iter().enumerate() {
                                @let id = format!("v-{}-{d}", c.id);
                                label for=(id) { (dim) }
                                select id=(id) name=(id) {
                                    option value="" { "Ikke vurderet" }
                                    @for (v, s) in SCALE.iter().enumerate() { option value=(v + 1) selected[kept_field(&id) == (v + 1).to_string()] { (v + 1) " – " (s) } }
                                }
                            }
                            label for={ "note-" (c.id) } { "Note om " (c.given_name) }
                            textarea id={ "note-" (c.id) } name={ "note-" (c.id) } rows="2" { (kept_field(&format!("note-{}", c.id))) }
                        }
                    }
                    button type="submit" { "Gem samlingen" }
                }
            }
        },
    ))
}

pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (group, granted) = group_for(&state, &viewer, id, true, "learning_group.session").await?;
    let mut errors = Vec::new();
    let held_on = check_past_date(&mut errors, "dato", "Dato", field(&fields, "dato"));
    let activity = field(&fields, "aktivitet").trim().to_string();
    if activity.is_empty() || activity.chars().count() > 200 {
        errors.push(error("aktivitet", "Aktivitet: skriv hvad I lavede (højst 200 tegn)."));
    }
    let mut ratings = Vec::new();
    let mut notes = Vec::new();
    for c in &group.children {
        for d in 0..group.dimensions.len() {
            if let Some(v) = field(&fields, &format!("v-{c}-{d}"))
                .parse::<u8>()
                .ok()
                .filter(|v| (1..=4).contains(v))
            {
                ratings.push((*c, d, v));
            }
        }
        let note = field(&fields, &format!("note-{c}")).trim().to_string();
        if note.chars().count() > 1000 {
            errors.push(error(&format!("note-{c}"), "Note: højst 1.000 tegn."));
        }
        notes.push((*c, note));
    }
    if errors.is_empty() && ratings.is_empty() && notes.iter().all(|n| n.1.is_empty()) {
        errors.push(error(
            "aktivitet",
            "Samlingen: vurdér mindst ét barn eller skriv en note.",
        ));
    }
    let (Some(held_on), true) = (
        held_on.or_else(|| parse_date(field(&fields, "dato"))),
        errors.is_empty(),
    ) else {
        audit_unchanged(
            &state,
            &granted.audit,
            &errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
        )
        .await?;
        return Err(PageError::unprocessable(
            group_page(&state, &viewer, &group, &errors, Some(&fields)).await?,
        ));
    };
    let mut audits = vec![granted.audit];
    audits.extend(group.children.iter().map(|c| {
        entry(
            &viewer,
            "learning_group.rating",
            Some(*c),
            Some(format!("læringsgruppe {id}")),
            true,
        )
    }));
    let session = NewSession {
        group_id: id,
        held_on,
        activity,
        ratings,
        notes,
        by: viewer.user.id,
        at: now(),
    };
    state.store.record_wheel_session(&session, &audits).await?;
    Ok(Redirect::to(&group_path(id)).into_response())
}

/// Which of (latest, the one before) a polygon draws.
type Pick<'a> = &'a dyn Fn(&(u8, Option<u8>)) -> Option<u8>;

/// The wheel: one spoke per competence, rings for 1–4; the latest ratings filled, the ones
/// before as a dashed outline. The list beside it gives the same in words.
fn wheel_figure(id: &str, dimensions: &[String], values: &BTreeMap<usize, (u8, Option<u8>)>) -> Markup {
    const C: f64 = 110.0;
    const R: f64 = 90.0;
    let n = dimensions.len().max(1);
    let point = |i: usize, v: f64| {
        let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (C + R * v / 4.0 * a.cos(), C + R * v / 4.0 * a.sin())
    };
    let polygon = |pick: Pick| {
        (0..n)
            .map(|i| {
                let v = values.get(&i).and_then(pick).map_or(0.0, f64::from);
                let (x, y) = point(i, v);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let latest = polygon(&|(l, _)| Some(*l));
    let before = polygon(&|(_, b)| *b);
    let any_before = values.values().any(|(_, b)| b.is_some());
    html! {
        div.wheel {
            svg role="img" aria-labelledby={ (id) "-titel" } viewBox="0 0 220 220" width="220" height="220" {
                title id={ (id) "-titel" } { "Udviklingshjul" }
                @for ring in 1..=4 {
                    polygon points=((0..n).map(|i| { let (x, y) = point(i, f64::from(ring)); format!("{x:.1},{y:.1}") }).collect::<Vec<_>>().join(" ")) fill="none" stroke="#d0d0d0" {}
                }
                @for i in 0..n {
                    @let (x, y) = point(i, 4.0);
                    line x1=(C) y1=(C) x2=(format!("{x:.1}")) y2=(format!("{y:.1}")) stroke="#d0d0d0" {}
                    @let (tx, ty) = point(i, 4.6);
                    text x=(format!("{tx:.1}")) y=(format!("{:.1}", ty + 4.0)) text-anchor="middle" font-size="12" { (i + 1) }
                }
                @if any_before { polygon points=(before) fill="none" stroke="#767676" stroke-width="2" stroke-dasharray="4 3" {} }
                @if !values.is_empty() { polygon points=(latest) fill="#1f6fb2" fill-opacity="0.35" stroke="#1f6fb2" stroke-width="2" {} }
            }
            ol {
                @for (i, d) in dimensions.iter().enumerate() {
                    li {
                        (d) ": "
                        @match values.get(&i) {
                            Some((v, before)) => {
                                strong { (SCALE[usize::from(*v) - 1]) }
                                @if let Some(b) = before { " (før: " (SCALE[usize::from(*b) - 1]) ")" }
                            }
                            None => { "ikke vurderet" }
                        }
                    }
                }
            }
        }
    }
}

/// The child's page: the wheel of each group the child is in, for staff who see the child.
pub fn child_panel<'a>(
    state: &'a AppState,
    viewer: &'a Viewer,
    context: &'a ChildContext,
    grant: ChildGrant,
) -> PanelFuture<'a> {
    Box::pin(async move {
        if !can(
            &viewer.actor,
            Action::Read,
            &Resource::Child(context, ChildData::StaffNotes),
        ) {
            return Ok(None);
        }
        let groups: Vec<LearningGroup> = state
            .store
            .learning_groups_of_child(grant.child_id())
            .await?
            .into_iter()
            .filter(|g| grant.scope().reaches(Some(g.institution_id)))
            .collect();
        if groups.is_empty() {
            return Ok(None);
        }
        state
            .store
            .audit(&entry(
                viewer,
                "learning_group.child",
                Some(context.child_id),
                None,
                true,
            ))
            .await?;
        let mut wheels = Vec::new();
        for g in &groups {
            let ratings = state.store.wheel_ratings(g.id).await?;
            wheels.push((g, wheel(&ratings, context.child_id)));
        }
        Ok(Some(html! {
            section aria-labelledby="hjul-titel" {
                h2 id="hjul-titel" { "Udviklingshjul" }
                @for (g, w) in &wheels {
                    h3 { (g.name) }
                    (wheel_figure(&format!("barnets-hjul-{}", g.id), &g.dimensions, w))
                }
            }
        }))
    })
}
