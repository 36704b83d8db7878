//! The quarterly unlawful-absence report (kvartalsopgørelse): pupils with at least 15 %
//! unlawful absence in a calendar quarter, which the school reports to the municipality. A
//! leader sees the own school's pupils (page and CSV); the municipal analyst sees counts per
//! school only.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;
use trivsel_domain::absence::Quarter;
use trivsel_domain::access::{Action, Resource, can};
use trivsel_domain::model::Role;

use crate::kit::access::{Ask, audit_shown, authorize_own_institution, authorize_resource, refuse};
use crate::kit::clock::today;
use crate::kit::{AppState, Page, PageError, Viewer, format, shell};

const DENIED: &str = "Kvartalsopgørelsen er for skolens ledelse og kommunen.";
const AGGREGATES_ONLY: &str = "Kommunen ser kun samlede tal.";

#[derive(Deserialize, Default)]
pub struct QuarterQuery {
    kvartal: Option<String>,
}

/// The quarter asked for, or the last complete one.
fn quarter(q: &QuarterQuery) -> Result<Quarter, String> {
    match q.kvartal.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Quarter::parse(k),
        None => Ok(Quarter::of(today()).previous()),
    }
}

struct Report {
    quarter: Quarter,
    lines: Vec<Line>,
    institution_id: Option<i64>,
}

/// A pupil on the report; the name only where the viewer may see the pupils.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub struct Line {
    pub source_id: String,
    pub name: String,
    pub school: String,
    pub school_code: String,
    pub share: String,
    pub child_id: i64,
}

/// How a request for the report is audited: the action for the own school's pupils, and for
/// the analyst's whole-municipality counts (`None` where only the school's report is served).
struct Audited<'a> {
    school: &'a str,
    aggregate: Option<&'a str>,
    /// Added to «kvartal ÅÅÅÅKn» in the criterion.
    suffix: &'a str,
}

/// Computes the report for what the viewer may see, after the access check (audited): the own
/// school for leadership, the whole municipality for the analyst.
async fn report(
    state: &AppState,
    viewer: &Viewer,
    q: &QuarterQuery,
    audited: Audited<'_>,
) -> Result<Report, PageError> {
    let quarter = quarter(q).map_err(|m| PageError::forbidden(viewer, &m))?;
    let m = viewer.user.municipality_id;
    let criterion = format!("kvartal {quarter}{}", audited.suffix);
    let aggregates = Resource::Aggregates { municipality_id: m };
    let analyst = viewer.user.role == Role::Analyst && can(&viewer.actor, Action::Read, &aggregates);
    let (institution_id, school_row) = match audited.aggregate {
        Some(action) if analyst => {
            let ask = Ask {
                audit_action: action,
                child_id: None,
                criterion: Some(criterion),
                denied: DENIED,
            };
            authorize_resource(state, viewer, Action::Read, Some(&aggregates), ask).await?;
            (None, None)
        }
        _ if analyst => {
            return Err(refuse(state, viewer, audited.school, None, criterion, AGGREGATES_ONLY).await);
        }
        _ => {
            let ask = Ask {
                audit_action: audited.school,
                child_id: None,
                criterion: Some(criterion),
                denied: DENIED,
            };
            let (institution, granted) = authorize_own_institution(state, viewer, Action::Read, ask).await?;
            (Some(institution), Some(granted.audit))
        }
    };
    // A school's report needs only the pupils enrolled there during the quarter: a pupil is
    // reported by a school it attended in the quarter. The municipality's is kept between
    // requests (`Store::municipal_quarter_report`); it shows counts, so no pupil ids.
    let (report, source_ids) = match institution_id {
        Some(i) => {
            let pupils = state
                .store
                .enrolled_between(i, quarter.first_day(), quarter.last_day())
                .await?;
            let data = state
                .store
                .absence_data(m, Some(&pupils), quarter.first_day(), quarter.last_day())
                .await?;
            (data.quarter_report(quarter), data.source_ids)
        }
        None => (
            state.store.municipal_quarter_report(m, quarter).await?,
            Default::default(),
        ),
    };
    let institutions = state.store.institutions(m).await?;
    // The own school's pupils are named; the municipality sees counts only.
    let names = match institution_id {
        Some(i) => {
            let ids: Vec<i64> = report
                .iter()
                .filter(|l| l.institution_id == i)
                .map(|l| l.child_id)
                .collect();
            if let Some(row) = &school_row {
                audit_shown(state, row, true, ids.iter().copied()).await?;
            }
            state.store.child_names(&ids).await?
        }
        None => Default::default(),
    };
    let mut lines = Vec::new();
    for line in report {
        if institution_id.is_some_and(|i| i != line.institution_id) {
            continue;
        }
        let school = institutions.iter().find(|i| i.id == line.institution_id);
        let name = names.get(&line.child_id).cloned().unwrap_or_default();
        lines.push(Line {
            source_id: source_ids.get(&line.child_id).cloned().unwrap_or_default(),
            name,
            school: school.map(|s| s.name.clone()).unwrap_or_default(),
            school_code: school.map(|s| s.code.clone()).unwrap_or_default(),
            share: line.share,
            child_id: line.child_id,
        });
    }
    lines.sort();
    Ok(Report {
        quarter,
        lines,
        institution_id,
    })
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, Query(q): Query<QuarterQuery>) -> Page {
    let audited = Audited {
        school: "absence.quarter.read",
        aggregate: Some("absence.quarter.aggregate"),
        suffix: "",
    };
    let r = report(&state, &viewer, &q, audited).await?;
    let title = format!("Ulovligt fravær {}", format::quarter(r.quarter));
    let choices = super::quarter_choices(r.quarter);
    let mut per_school: Vec<(String, usize)> = Vec::new();
    for line in &r.lines {
        match per_school.iter_mut().find(|(s, _)| *s == line.school) {
            Some((_, n)) => *n += 1,
            None => per_school.push((line.school.clone(), 1)),
        }
    }
    let submission = match r.institution_id {
        Some(i) => Some(super::reports::school_section(&state, &viewer, i, r.quarter, r.lines.len()).await?),
        None => None,
    };
    let body = html! {
        h1 { (title) }
        p { "Elever med mindst 15 % ulovligt fravær af deres skoledage i kvartalet. Skolen indberetter dem til kommunen \
             (reglen bag børne- og ungeydelsen)." }
        @if r.institution_id.is_some() {
            p { a href="/fravaer/varsling" { "Varsling af forældrene ved 10 % i det løbende kvartal" } }
        }
        form.inline method="get" action="/fravaer/kvartal" {
            label for="kvartal" { "Kvartal" }
            select id="kvartal" name="kvartal" {
                @for q in &choices {
                    option value=(q) selected[*q == r.quarter] { (format::quarter(*q)) }
                }
            }
            button type="submit" { "Vis" }
        }
        @if r.institution_id.is_some() {
            p { a href={ "/fravaer/kvartal.csv?kvartal=" (r.quarter) } download { "Hent som CSV" } }
            table {
                thead { tr { th scope="col" { "Elev-id" } th scope="col" { "Navn" } th scope="col" { "Skole" } th scope="col" { "Andel" } } }
                tbody {
                    @for l in &r.lines {
                        tr { td { (l.source_id) } td { (l.name) } td { (l.school) } td { (format::share_percent(&l.share)) } }
                    }
                }
            }
            @if r.lines.is_empty() { p { "Ingen elever over grænsen." } }
            @if let Some(section) = &submission { (section) }
        } @else {
            table {
                caption { "Antal elever pr. skole" }
                thead { tr { th scope="col" { "Skole" } th scope="col" { "Elever" } } }
                tbody {
                    // Small groups are suppressed so no child can be singled out.
                    @for (school, n) in &per_school {
                        tr { td { (school) } td { @if *n < 5 { "under 5" } @else { (n) } } }
                    }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(&viewer), "/fravaer/kvartal", body).into_response())
}

/// The leader's report as CSV: `pupil_id,school,unlawful_share`.
pub async fn csv(State(state): State<AppState>, viewer: Viewer, Query(q): Query<QuarterQuery>) -> Page {
    let audited = Audited {
        school: "absence.quarter.export",
        aggregate: None,
        suffix: " csv",
    };
    let r = report(&state, &viewer, &q, audited).await?;
    let rows = r.lines.iter().map(|l| [&l.source_id, &l.school_code, &l.share]);
    let body = trivsel_import::export::csv(&["pupil_id", "school", "unlawful_share"], rows);
    let disposition = format!("attachment; filename=\"ulovligt-fravaer-{}.csv\"", r.quarter);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
