//! Kommunens overblik (municipal overview): aggregates only — per school and daycare and for
//! the municipality, by school year and month — with compliance figures, trend charts, every
//! table downloadable as CSV and XLSX, and the half-yearly status report ([`status`]). No
//! figure about fewer than 5 children is shown or exported (`trivsel_domain::municipal`).

mod figures;
pub mod status;
pub mod wheel_template;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, Resource};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::deadlines::Month;
use trivsel_domain::model::Role;
use trivsel_domain::municipal::suppression::PublishedTable;
use trivsel_domain::municipal::{Published, Table};
use trivsel_import::export::XlsxCell;

pub use figures::{Figures, Period, TableId};

use crate::kit::access::{Ask, authorize_resource};
use crate::kit::clock::today;
use crate::kit::format::{number, percent};
use crate::kit::menu::MenuItem;
use crate::kit::{AppState, Page, PageError, Viewer, chart, shell};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 22,
    href: "/kommune",
    label: "Kommunen",
    daycare_label: None,
    school_only: false,
    daycare_only: false,
    shown: |role| matches!(role, Role::Analyst | Role::Leader),
}];

const DENIED: &str = "Kommunens overblik er for kommunens analytikere og institutionernes ledelse.";

#[derive(Deserialize, Default, Clone)]
pub struct OverviewQuery {
    /// School year by its first calendar year (2026 = 2026/27).
    aar: Option<i32>,
    /// Only this institution.
    institution: Option<String>,
    /// Only this month (`2026-09`).
    maaned: Option<String>,
}

/// The query's institution and period, checked against the municipality's institutions.
pub struct Scope {
    pub period: Period,
    pub only: Option<i64>,
    month: Option<Month>,
}

fn scope(q: &OverviewQuery, institutions: &[trivsel_store::Institution]) -> Result<Scope, PageError> {
    let today = today();
    let year = q.aar.map_or_else(|| SchoolYear::of(today), SchoolYear);
    let only = match q.institution.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(id) => match id
            .parse::<i64>()
            .ok()
            .filter(|id| institutions.iter().any(|i| i.id == *id))
        {
            Some(id) => Some(id),
            None => return Err(PageError::not_found()),
        },
    };
    let month = q.maaned.as_deref().and_then(Month::parse).filter(|m| {
        let first = m.first_day();
        first >= year.first_day() && first <= year.last_day()
    });
    let period = match month {
        Some(m) => Period::between(
            m.first_day(),
            m.next().first_day().pred_opt().expect("valid date"),
            today,
        ),
        None => Period::school_year(year, today),
    };
    Ok(Scope { period, only, month })
}

/// Grants the viewer the municipality's aggregates and audits the view.
pub(crate) async fn authorize_aggregates(
    state: &AppState,
    viewer: &Viewer,
    audit_action: &str,
    criterion: String,
) -> Result<(), PageError> {
    let ask = Ask {
        audit_action,
        child_id: None,
        criterion: Some(criterion),
        denied: DENIED,
    };
    let aggregates = Resource::Aggregates {
        municipality_id: viewer.user.municipality_id,
    };
    authorize_resource(state, viewer, Action::Read, Some(&aggregates), ask).await?;
    Ok(())
}

pub(crate) fn criterion(s: &Scope) -> String {
    let mut c = format!("kommune {}–{}", s.period.from, s.period.to);
    if let Some(i) = s.only {
        c.push_str(&format!(" institution {i}"));
    }
    c
}

/// A published figure as the page and the CSV show it.
pub fn cell_text(p: &Published) -> String {
    match p {
        Published::Number(n) => number(*n as i64),
        Published::Percent(v) => percent(*v),
        Published::Share(s) => match s.percent() {
            Some(pct) => format!("{pct} % ({} af {})", s.in_time, s.counted),
            None => "–".into(),
        },
        Published::Small => "<5".into(),
        Published::Blank => "–".into(),
    }
}

fn xlsx_cell(p: &Published) -> XlsxCell {
    match p {
        Published::Number(n) => XlsxCell::Number(*n as f64),
        Published::Percent(v) => XlsxCell::Percent(*v),
        Published::Share(s) if s.counted > 0 => XlsxCell::Percent(100.0 * s.in_time as f64 / s.counted as f64),
        other => XlsxCell::Text(cell_text(other)),
    }
}

/// A published table's rows with the total last.
fn all_rows(t: &PublishedTable) -> impl Iterator<Item = &(String, Vec<Published>)> {
    t.rows.iter().chain(t.total.iter())
}

/// A published table as a stacked table (each row a block of «Header: value» on a phone).
pub fn table_markup(id: &str, caption: &str, first: &str, t: &PublishedTable) -> Markup {
    // A wide table scrolls inside its own region (reachable by keyboard), never the page.
    html! {
        div.scroll role="region" tabindex="0" aria-label=(caption) {
        table.stacked id=(id) {
            caption.visually-hidden { (caption) }
            thead { tr { th scope="col" { (first) } @for c in &t.columns { th scope="col" { (c) } } } }
            tbody {
                @for (label, cells) in &t.rows {
                    tr { th scope="row" data-label=(first) { (label) } @for (c, p) in t.columns.iter().zip(cells) { td data-label=(c) { (cell_text(p)) } } }
                }
                @if let Some((label, cells)) = &t.total {
                    tr.total { th scope="row" data-label=(first) { (label) } @for (c, p) in t.columns.iter().zip(cells) { td data-label=(c) { (cell_text(p)) } } }
                }
            }
        }
        }
    }
}

/// The tables that apply: one institution's page leaves out the other kind's table.
pub fn tables_for(s: &Scope, institutions: &[trivsel_store::Institution]) -> Vec<TableId> {
    use trivsel_domain::model::InstitutionKind;
    let kind = s
        .only
        .and_then(|id| institutions.iter().find(|i| i.id == id))
        .map(|i| i.kind);
    TableId::ALL
        .into_iter()
        .filter(|id| match (id, kind) {
            (TableId::Daycares, Some(k)) => k == InstitutionKind::Daycare,
            (TableId::Schools, Some(k)) => k == InstitutionKind::School,
            _ => true,
        })
        .collect()
}

pub fn first_column(id: TableId) -> &'static str {
    match id {
        TableId::Schools => "Skole",
        TableId::Compliance | TableId::Daycares => "Institution",
        TableId::Alerts => "Regel",
        TableId::Months => "Måned",
    }
}

fn query_string(q: &OverviewQuery) -> String {
    let mut parts = Vec::new();
    if let Some(a) = q.aar {
        parts.push(format!("aar={a}"));
    }
    if let Some(i) = q.institution.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("institution={}", i.trim()));
    }
    if let Some(m) = q.maaned.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("maaned={}", m.trim()));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A month-by-month share column as chart points, leaving out what is suppressed.
fn points(months: &PublishedTable, col: usize) -> Vec<(String, f64)> {
    months
        .rows
        .iter()
        .filter_map(|(label, cells)| {
            let short: String = label.chars().take(3).collect();
            match cells[col] {
                Published::Percent(v) => Some((short, v)),
                Published::Share(s) if s.counted > 0 => Some((short, 100.0 * s.in_time as f64 / s.counted as f64)),
                _ => None,
            }
        })
        .collect()
}

fn filters(q: &OverviewQuery, s: &Scope, institutions: &[trivsel_store::Institution]) -> Markup {
    let current = SchoolYear::of(today());
    let chosen = s.period.year;
    let only = s.only;
    let mut month = Month::of(chosen.first_day());
    let mut months = Vec::new();
    while month.first_day() <= chosen.last_day().min(today()) {
        months.push(month);
        month = month.next();
    }
    html! {
        form.filters method="get" action="/kommune" {
            div {
                label for="aar" { "Skoleår" }
                select id="aar" name="aar" {
                    @for y in (0..5).map(|k| SchoolYear(current.0 - k)) {
                        option value=(y.0) selected[y == chosen] { (y.label()) }
                    }
                }
            }
            div {
                label for="institution" { "Skole eller dagtilbud" }
                select id="institution" name="institution" {
                    option value="" selected[only.is_none()] { "Hele kommunen" }
                    @for i in institutions {
                        option value=(i.id) selected[only == Some(i.id)] { (i.name) }
                    }
                }
            }
            div {
                label for="maaned" { "Måned" }
                select id="maaned" name="maaned" {
                    option value="" selected[s.month.is_none()] { "Hele skoleåret" }
                    @for m in &months {
                        option value=(m.id()) selected[s.month == Some(*m)] { (m.navn()) }
                    }
                }
            }
            button type="submit" { "Vis" }
        }
        @if q.maaned.as_deref().is_some_and(|m| !m.trim().is_empty()) && s.month.is_none() {
            p.error role="alert" { "Måneden ligger ikke i det valgte skoleår; hele skoleåret vises." }
        }
    }
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, Query(q): Query<OverviewQuery>) -> Page {
    let m = viewer.user.municipality_id;
    let institutions = state.store.institutions(m).await?;
    let s = scope(&q, &institutions)?;
    authorize_aggregates(&state, &viewer, "municipality.overview.read", criterion(&s)).await?;
    let figures = Figures::load(&state, m, s.period, s.only).await?;
    let published: Vec<(TableId, PublishedTable)> = tables_for(&s, &institutions)
        .into_iter()
        .map(|id| (id, figures.table(id).publish()))
        .collect();
    let months = published.iter().find(|(id, _)| *id == TableId::Months).map(|(_, t)| t);
    let name = s
        .only
        .and_then(|id| institutions.iter().find(|i| i.id == id))
        .map_or("hele kommunen".to_string(), |i| i.name.clone());
    let qs = query_string(&q);
    let body = html! {
        h1 { "Kommunens overblik" }
        p {
            "Samlede tal for " (name) ", " (crate::kit::format::format_date(s.period.from)) "–" (crate::kit::format::format_date(s.period.to))
            ". Tal om færre end 5 børn vises som «<5», også hvor de ellers kunne regnes ud fra en sum."
        }
        (filters(&q, &s, &institutions))
        p { a href={ "/kommune/status" } { "Den halvårlige status (til udskrift)" } }
        @if viewer.user.role == Role::Analyst {
            p { a href="/kommune/trivselshjul" { "Kommunens skabelon for trivselshjulet" } }
        }
        @if let Some(months) = months {
            @let absence = points(months, 0);
            @let samraad = points(months, 5);
            div.charts {
                @if !absence.is_empty() {
                    figure.trend tabindex="0" { (chart::trend(&absence, "Fravær pr. måned")) figcaption { "Fravær pr. måned" } }
                }
                @if !samraad.is_empty() {
                    figure.trend tabindex="0" {
                        (chart::trend(&samraad, "Fraværssamråd holdt inden for 7 arbejdsdage pr. måned"))
                        figcaption { "Fraværssamråd holdt rettidigt pr. måned" }
                    }
                }
            }
        }
        @for (id, t) in &published {
            section aria-labelledby={ (id.slug()) "-titel" } {
                h2 id={ (id.slug()) "-titel" } { (id.title()) }
                (table_markup(id.slug(), id.title(), first_column(*id), t))
                p.downloads {
                    "Hent tabellen: "
                    a href={ "/kommune/" (id.slug()) ".csv" (qs) } download { "CSV" }
                    " · "
                    a href={ "/kommune/" (id.slug()) ".xlsx" (qs) } download { "Excel (XLSX)" }
                }
            }
        }
    };
    Ok(shell::page("Kommunens overblik", Some(&viewer), "/kommune", body).into_response())
}

/// A table as CSV or XLSX: `/kommune/skoler.csv`, `/kommune/skoler.xlsx`, … with the page's
/// filters.
pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(file): Path<String>,
    Query(q): Query<OverviewQuery>,
) -> Page {
    let m = viewer.user.municipality_id;
    let institutions = state.store.institutions(m).await?;
    let s = scope(&q, &institutions)?;
    let ext = if file.ends_with(".xlsx") { "xlsx" } else { "csv" };
    let audit = format!("municipality.overview.export.{ext}");
    authorize_aggregates(&state, &viewer, &audit, format!("{} {file}", criterion(&s))).await?;
    let id = file
        .strip_suffix(".csv")
        .or_else(|| file.strip_suffix(".xlsx"))
        .and_then(TableId::from_slug)
        .ok_or_else(PageError::not_found)?;
    let figures = Figures::load(&state, m, s.period, s.only).await?;
    let t: Table = figures.table(id);
    let published = t.publish();
    let mut header = vec![first_column(id)];
    header.extend(published.columns.iter().copied());
    let name = format!("{}-{}-{}", id.slug(), s.period.from, s.period.to);
    if ext == "csv" {
        let rows = all_rows(&published).map(|(label, cells)| {
            std::iter::once(label.clone())
                .chain(cells.iter().map(cell_text))
                .collect::<Vec<_>>()
        });
        let body = trivsel_import::export::csv(&header, rows);
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            body,
        )
            .into_response());
    }
    let rows: Vec<Vec<XlsxCell>> = all_rows(&published)
        .map(|(label, cells)| {
            std::iter::once(XlsxCell::Text(label.clone()))
                .chain(cells.iter().map(xlsx_cell))
                .collect()
        })
        .collect();
    let body = trivsel_import::export::xlsx(id.title(), &header, &rows).map_err(PageError::server)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.xlsx\""),
            ),
        ],
        body,
    )
        .into_response())
}
