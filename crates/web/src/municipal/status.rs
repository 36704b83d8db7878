//! Den halvårlige status (seed 002): a printable report per school or daycare and for the
//! municipality over a chosen half year, from the overview's figures (suppressed as there),
//! with a short text per section written by the leadership: a school's leader for the
//! school, the municipality's analysts for the municipality.

use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::model::Role;
use trivsel_domain::municipal::HalfYear;
use trivsel_store::{StatusReport, StatusText};

use super::{Figures, Period, Scope, TableId, authorize_aggregates, criterion, first_column, table_markup, tables_for};
use crate::kit::access::{entry, refuse};
use crate::kit::clock::{now, today};
use crate::kit::form::{Fields, field};
use crate::kit::format::{format_date, format_time};
use crate::kit::{AppState, Page, PageError, Viewer, shell};

/// The report's sections: the summary first, then one per table.
const SUMMARY: (&str, &str) = ("sammenfatning", "Sammenfatning");

/// At most this many characters per section: the text is short by design.
const TEXT_MAX_CHARS: usize = 4_000;

#[derive(Deserialize, Default)]
pub struct StatusQuery {
    halvaar: Option<String>,
    institution: Option<String>,
}

fn half_year(value: Option<&str>) -> HalfYear {
    value.and_then(HalfYear::parse).unwrap_or_else(|| HalfYear::of(today()))
}

fn institution_of(value: Option<&str>, institutions: &[trivsel_store::Institution]) -> Result<Option<i64>, PageError> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(id) => id
            .parse::<i64>()
            .ok()
            .filter(|id| institutions.iter().any(|i| i.id == *id))
            .map(Some)
            .ok_or_else(PageError::not_found),
    }
}

/// Whether the viewer writes this report's texts.
fn may_write(viewer: &Viewer, only: Option<i64>) -> bool {
    match only {
        None => viewer.user.role == Role::Analyst,
        Some(i) => viewer.user.role == Role::Leader && viewer.user.institution_id == Some(i),
    }
}

fn sections(tables: &[TableId]) -> Vec<(&'static str, &'static str)> {
    std::iter::once(SUMMARY)
        .chain(tables.iter().map(|t| (t.slug(), t.title())))
        .collect()
}

fn text_of<'a>(texts: &'a [StatusText], section: &str) -> Option<&'a StatusText> {
    texts.iter().find(|t| t.section == section)
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, Query(q): Query<StatusQuery>) -> Page {
    let m = viewer.user.municipality_id;
    let institutions = state.store.institutions(m).await?;
    let half = half_year(q.halvaar.as_deref());
    let only = institution_of(q.institution.as_deref(), &institutions)?;
    let scope = Scope {
        period: Period::between(half.first_day(), half.last_day(), today()),
        only,
        month: None,
    };
    authorize_aggregates(&state, &viewer, "municipality.status.read", criterion(&scope)).await?;
    let report = status_page(&state, &viewer, half, &scope, &institutions, None).await?;
    Ok(report.into_response())
}

async fn status_page(
    state: &AppState,
    viewer: &Viewer,
    half: HalfYear,
    scope: &Scope,
    institutions: &[trivsel_store::Institution],
    error: Option<&str>,
) -> Result<Markup, PageError> {
    let m = viewer.user.municipality_id;
    let future = half.first_day() > today();
    let figures = Figures::load(state, m, scope.period, scope.only).await?;
    let tables = tables_for(scope, institutions);
    let half_id = half.id();
    let report = StatusReport {
        municipality_id: m,
        institution_id: scope.only,
        half_year: &half_id,
    };
    let texts = state.store.status_texts(report).await?;
    let name = scope
        .only
        .and_then(|id| institutions.iter().find(|i| i.id == id))
        .map_or("Kommunen".to_string(), |i| i.name.clone());
    let writer = may_write(viewer, scope.only);
    let title = format!("Halvårlig status {} – {}", half.label(), name);
    let institution_value = scope.only.map(|i| i.to_string()).unwrap_or_default();
    let body = html! {
        h1 { (title) }
        p {
            "Tallene dækker " (format_date(scope.period.from)) "–" (format_date(scope.period.to))
            ". Tal om færre end 5 børn vises som «<5»."
        }
        form.filters.no-print method="get" action="/kommune/status" {
            div {
                label for="halvaar" { "Halvår" }
                select id="halvaar" name="halvaar" {
                    @for h in (0..6).scan(HalfYear::of(today()), |h, _| { let cur = *h; *h = h.previous(); Some(cur) }) {
                        option value=(h.id()) selected[h == half] { (h.label()) }
                    }
                }
            }
            div {
                label for="institution" { "Skole eller dagtilbud" }
                select id="institution" name="institution" {
                    option value="" selected[scope.only.is_none()] { "Hele kommunen" }
                    @for i in institutions {
                        option value=(i.id) selected[scope.only == Some(i.id)] { (i.name) }
                    }
                }
            }
            button type="submit" { "Vis" }
        }
        @if future { p.error role="alert" { "Halvåret er ikke begyndt endnu; der er ingen tal." } }
        @if let Some(e) = error { p.error role="alert" id="fejl" tabindex="-1" { (e) } }
        @if writer {
            p.hint.no-print { "Skriv en kort tekst til hvert afsnit og gem; udskriv derefter siden (Ctrl+P)." }
        }
        form method="post" action="/kommune/status" {
            input type="hidden" name="halvaar" value=(half_id);
            input type="hidden" name="institution" value=(institution_value);
            @for (section, heading) in sections(&tables) {
                section.status aria-labelledby={ "afsnit-" (section) } {
                    h2 id={ "afsnit-" (section) } { (heading) }
                    @let saved = text_of(&texts, section);
                    @if let Some(t) = saved {
                        p.status-text { (t.text) }
                        p.hint { "Skrevet af " (t.written_by) " " (format_time(t.written_at)) }
                    }
                    @if writer {
                        label for={ "tekst_" (section) } { "Ledelsens tekst til «" (heading) "»" }
                        textarea id={ "tekst_" (section) } name={ "tekst_" (section) } rows="4" maxlength=(TEXT_MAX_CHARS) {
                            (saved.map_or("", |t| t.text.as_str()))
                        }
                    }
                    @if let Some(id) = TableId::from_slug(section) {
                        (table_markup(&format!("status-{section}"), heading, first_column(id), &figures.table(id).publish()))
                    }
                }
            }
            @if writer { button type="submit" { "Gem teksterne" } }
        }
    };
    Ok(shell::page(&title, Some(viewer), "/kommune", body))
}

/// Saves the leadership's texts.
pub async fn save(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let m = viewer.user.municipality_id;
    let institutions = state.store.institutions(m).await?;
    let half = half_year(Some(field(&fields, "halvaar")));
    let only = institution_of(Some(field(&fields, "institution")), &institutions)?;
    let scope = Scope {
        period: Period::between(half.first_day(), half.last_day(), today()),
        only,
        month: None,
    };
    if !may_write(&viewer, only) {
        let reason = "Teksterne skrives af skolens leder eller, for hele kommunen, af kommunens analytikere.";
        return Err(refuse(
            &state,
            &viewer,
            "municipality.status.write",
            None,
            criterion(&scope),
            reason,
        )
        .await);
    }
    let tables = tables_for(&scope, &institutions);
    let keys: Vec<(String, &str)> = sections(&tables)
        .into_iter()
        .map(|(section, _)| (section.to_string(), field(&fields, &format!("tekst_{section}"))))
        .collect();
    if let Some((section, _)) = keys.iter().find(|(_, t)| t.chars().count() > TEXT_MAX_CHARS) {
        let message = format!("Teksten til «{section}» er for lang: højst {TEXT_MAX_CHARS} tegn. Intet er gemt.");
        let page = status_page(&state, &viewer, half, &scope, &institutions, Some(&message)).await?;
        return Err(PageError::unprocessable(page));
    }
    let texts: Vec<(&str, &str)> = keys.iter().map(|(s, t)| (s.as_str(), *t)).collect();
    let audit = entry(
        &viewer,
        "municipality.status.write",
        None,
        Some(format!("{} {}", criterion(&scope), half.id())),
        true,
    );
    let half_id = half.id();
    let report = StatusReport {
        municipality_id: m,
        institution_id: only,
        half_year: &half_id,
    };
    state
        .store
        .save_status_texts(report, &texts, viewer.user.id, now(), &audit)
        .await?;
    let institution = only.map(|i| format!("&institution={i}")).unwrap_or_default();
    Ok(Redirect::to(&format!("/kommune/status?halvaar={half_id}{institution}")).into_response())
}
