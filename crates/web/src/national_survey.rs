//! Den nationale trivselsmåling (`trivsel_domain::surveys::national`): the published results
//! and the indicators computed from the pupils' answers, per school and (for the school's
//! leadership) per class, over the school years. A mean is shown with its 95 % margin, a group
//! under 5 pupils as «<5», and a change from the year before is called a change only when it is
//! larger than its margin; no ranking. The municipality's analyst sees the schools, not classes.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::response::IntoResponse;
use maud::{Markup, html};
use trivsel_domain::access::{Action, Resource};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_domain::surveys::national::{Estimate, Indicator, MIN_GROUP, change, estimate};
use trivsel_store::{Institution, PupilScore, SurveyResult};

use crate::kit::access::{Ask, authorize_resource};
use crate::kit::format::decimal;
use crate::kit::menu::MenuItem;
use crate::kit::{AppState, Page, Viewer, shell};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 25,
    href: "/trivselsmaaling",
    label: "Trivselsmåling",
    daycare_label: None,
    school_only: true,
    daycare_only: false,
    shown: reads_survey,
}];

fn reads_survey(role: Role) -> bool {
    matches!(role, Role::Leader | Role::WellbeingPerson | Role::Analyst)
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Page {
    let m = viewer.user.municipality_id;
    let analyst = viewer.user.role == Role::Analyst;
    let resource = match (analyst, viewer.user.institution_id) {
        (true, _) => Some(Resource::Aggregates { municipality_id: m }),
        (false, Some(institution_id)) => Some(Resource::Institution {
            municipality_id: m,
            institution_id,
        }),
        (false, None) => None,
    };
    let ask = Ask {
        audit_action: "survey.read",
        child_id: None,
        criterion: None,
        denied: "Trivselsmålingen er for skolens ledelse og trivselsperson og kommunens analytikere.",
    };
    authorize_resource(&state, &viewer, Action::Read, resource.as_ref(), ask).await?;
    let schools: Vec<Institution> = state
        .store
        .institutions(m)
        .await?
        .into_iter()
        .filter(|i| i.kind == InstitutionKind::School && (analyst || Some(i.id) == viewer.user.institution_id))
        .collect();
    let ids: Vec<i64> = schools.iter().map(|s| s.id).collect();
    let published = state.store.survey_results(&ids).await?;
    let mut sections = Vec::new();
    for school in &schools {
        let scores = state.store.pupil_scores_of_institution(school.id).await?;
        let classes = if analyst {
            Vec::new()
        } else {
            let mut named: Vec<(i64, String)> = state
                .store
                .classes(school.id)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect();
            named.retain(|(id, _)| scores.iter().any(|s| s.class_id == *id));
            named
        };
        let own: Vec<&SurveyResult> = published.iter().filter(|r| r.institution_id == school.id).collect();
        sections.push(school_section(school, &own, &scores, &classes));
    }
    Ok(shell::page(
        "Den nationale trivselsmåling",
        Some(&viewer),
        "/trivselsmaaling",
        html! {
            h1 { "Den nationale trivselsmåling" }
            p { "Indikatorerne går fra 1 (dårligst) til 5 (bedst). Generel trivsel er gennemsnittet af alle 29 spørgsmål, ikke af de fire indikatorer. Tal beregnet fra elevernes svar vises med en usikkerhed (95 %): i små grupper er de fleste ændringer fra år til år tilfældige, så en ændring kaldes kun sikker, når den er større end usikkerheden. Grupper under " (MIN_GROUP) " elever vises ikke." }
            @if schools.is_empty() { p { "Ingen skoler." } }
            @for s in sections { (s) }
        },
    )
    .into_response())
}

fn school_section(
    school: &Institution,
    published: &[&SurveyResult],
    scores: &[PupilScore],
    classes: &[(i64, String)],
) -> Markup {
    let groups: BTreeSet<&str> = published.iter().map(|r| r.grade_group.as_str()).collect();
    html! {
        section aria-labelledby={ "skole-" (school.id) } {
            h2 id={ "skole-" (school.id) } { (school.name) }
            @if published.is_empty() && scores.is_empty() {
                p { "Ingen resultater er importeret." }
            }
            @for group in &groups {
                @let rows: Vec<&&SurveyResult> = published.iter().filter(|r| r.grade_group == *group).collect();
                @let years: BTreeSet<i32> = rows.iter().map(|r| r.school_year).collect();
                table {
                    caption { "Offentliggjorte resultater, " (group) }
                    thead { tr { th scope="col" { "Indikator" } @for y in &years { th scope="col" { (SchoolYear(*y).label()) } } } }
                    tbody {
                        @for ind in Indicator::ALL {
                            tr {
                                th scope="row" { (ind.navn()) }
                                @for y in &years {
                                    @let cell = rows.iter().find(|r| r.indicator == ind && r.school_year == *y);
                                    td {
                                        @match cell.and_then(|r| r.value) {
                                            Some(v) => { (decimal(v, 1)) }
                                            None => { @if cell.is_some() { "skjult" } @else { "–" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !scores.is_empty() {
                (score_table(&format!("Beregnet fra elevernes svar, {}", school.name), scores))
                @for (id, name) in classes {
                    @let own: Vec<PupilScore> = scores.iter().filter(|s| s.class_id == *id).cloned().collect();
                    (score_table(&format!("Klasse {name}"), &own))
                }
            }
        }
    }
}

/// One group's indicators over the years: mean ± margin (n), and the change from the year before.
fn score_table(caption: &str, scores: &[PupilScore]) -> Markup {
    let years: BTreeSet<i32> = scores.iter().map(|s| s.school_year).collect();
    let mut by: BTreeMap<(Indicator, i32), Vec<f64>> = BTreeMap::new();
    for s in scores {
        by.entry((s.indicator, s.school_year)).or_default().push(s.score);
    }
    let est = |ind: Indicator, year: i32| by.get(&(ind, year)).and_then(|v| estimate(v));
    html! {
        table {
            caption { (caption) }
            thead { tr { th scope="col" { "Indikator" } @for y in &years { th scope="col" { (SchoolYear(*y).label()) } } } }
            tbody {
                @for ind in Indicator::ALL {
                    tr {
                        th scope="row" { (ind.navn()) }
                        @for (i, y) in years.iter().enumerate() {
                            td {
                                @match est(ind, *y) {
                                    Some(e) => {
                                        (cell(e))
                                        @if let Some(prev) = i.checked_sub(1).and_then(|p| years.iter().nth(p)).and_then(|p| est(ind, *p)) {
                                            br; span.meta { (change_text(prev, e)) }
                                        }
                                    }
                                    None => { @if by.contains_key(&(ind, *y)) { "<" (MIN_GROUP) } @else { "–" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cell(e: Estimate) -> String {
    format!("{} ± {} (n = {})", decimal(e.mean, 1), decimal(e.margin, 1), e.n)
}

fn change_text(before: Estimate, after: Estimate) -> String {
    let c = change(before, after);
    let sign = if c.diff >= 0.0 { "+" } else { "−" };
    let what = match (c.certain(), c.diff > 0.0) {
        (false, _) => "ingen sikker ændring",
        (true, true) => "sikker stigning",
        (true, false) => "sikkert fald",
    };
    format!("{sign}{} ± {}: {what}", decimal(c.diff.abs(), 1), decimal(c.margin, 1))
}
