//! Absence overviews (fraværsoverblik) for a class, a school and the municipality: absence per
//! pupil (or class, or school) split by S/L/U, and a weekly trend chart. The municipality sees
//! aggregates only, with groups under 5 pupils suppressed.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use maud::{Markup, html};
use trivsel_domain::absence::overview::Summary;
use trivsel_domain::access::{Action, ChildData, Resource};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::meetings::InTimeShare;
use trivsel_domain::model::InstitutionKind;
use trivsel_store::{AbsenceData, AlertFilter, CaseTarget};

use crate::kit::access::{Ask, audit_shown, authorize, authorize_own_institution, authorize_resource};
use crate::kit::clock::today;
use crate::kit::format::{number, percent};
use crate::kit::{AppState, Page, PageError, Viewer, chart, links, shell};

/// Smallest group shown to the municipality.
const MIN_GROUP: usize = 5;

fn split_cells(g: &Summary) -> Markup {
    let (s, l, u, total) = g.split();
    html! {
        td { (percent(total)) } td { (percent(s)) } td { (percent(l)) } td { (percent(u)) }
    }
}

fn trend_figure(g: &Summary, label: &str) -> Markup {
    let points: Vec<(String, f64)> = g
        .weekly()
        .into_iter()
        .map(|(week, v)| (format!("u{week}"), v))
        .collect();
    html! {
        figure.trend tabindex="0" {
            (chart::trend(&points, label))
            figcaption { (label) }
            details {
                summary { "Tallene bag grafen" }
                table {
                    thead { tr { th scope="col" { "Uge" } th scope="col" { "Fravær" } } }
                    tbody { @for (week, v) in &points { tr { td { (week) } td { (percent(*v)) } } } }
                }
            }
        }
    }
}

async fn load(
    state: &AppState,
    municipality_id: i64,
    children: Option<&[i64]>,
) -> Result<(AbsenceData, NaiveDate, NaiveDate), PageError> {
    let today = today();
    let first = SchoolYear::of(today).first_day();
    let data = state
        .store
        .absence_data(municipality_id, children, first, today)
        .await?;
    Ok((data, first, today))
}

const HEAD: [&str; 4] = ["Fravær i alt", "Syg", "Lovligt", "Ulovligt"];

/// A class: every pupil, those with open alerts first.
pub async fn class(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Class(class_id),
        Action::Read,
        ChildData::Absence,
        "class.absence.read",
        None,
    )
    .await?;
    let (card, row) = allowed.into_class();
    if !card.kind.has_school_days() {
        return Err(PageError::no_school_days());
    }
    let pupils = state.store.class_pupils(class_id, today()).await?;
    let ids: Vec<i64> = pupils.iter().map(|p| p.id).collect();
    audit_shown(&state, &row, true, ids.iter().copied()).await?;
    let (data, first, today) = load(&state, card.municipality_id, Some(&ids)).await?;
    let alerts = state
        .store
        .alerts(&AlertFilter {
            class: Some((class_id, today)),
            status: Some("open".into()),
            ..AlertFilter::default()
        })
        .await?;
    let mut class_group = Summary::new(first);
    let mut rows = Vec::new();
    for p in &pupils {
        let g = data.summary(p.id, first, today);
        class_group.add(&g);
        let open = alerts.iter().filter(|a| a.child_id == p.id).count();
        rows.push((open, p, g));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.given_name.cmp(&b.1.given_name)));
    let title = format!("Fravær {} – {}", card.name, card.institution_name);
    let body = html! {
        h1 { (title) }
        p { "Skoleåret " (SchoolYear::of(today).label()) " til og med i dag. Elever med åbne advarsler står først." }
        table {
            thead { tr { th scope="col" { "Elev" } @for h in HEAD { th scope="col" { (h) } } th scope="col" { "Åbne advarsler" } } }
            tbody {
                @for (open, p, g) in &rows {
                    tr {
                        td { a href=(links::child(p.id)) { (p.given_name) " " (p.family_name) } }
                        (split_cells(g))
                        td { @if *open > 0 { strong { (open) } } @else { "0" } }
                    }
                }
                tr.total { th scope="row" { "Klassen" } (split_cells(&class_group)) td { (alerts.len()) } }
            }
        }
        (trend_figure(&class_group, &format!("Fravær pr. uge i {}", card.name)))
    };
    Ok(shell::page(&title, Some(&viewer), "/klasser", body).into_response())
}

/// The viewer's school: every class, and the school's trend.
pub async fn school(State(state): State<AppState>, viewer: Viewer) -> Page {
    let ask = Ask {
        audit_action: "institution.absence.read",
        child_id: None,
        criterion: viewer.user.institution_id.map(|i| format!("institution {i}")),
        denied: "Skolens fraværsoverblik er for ledelsen og trivselspersonen.",
    };
    let (institution_id, _) = authorize_own_institution(&state, &viewer, Action::Read, ask).await?;
    let classes = state.store.class_cards(&[], Some(institution_id)).await?;
    let mut class_pupils = Vec::new();
    for c in &classes {
        class_pupils.push(state.store.class_pupils(c.id, today()).await?);
    }
    // Only the school's pupils are read: their days at other schools this year count too.
    let ids: Vec<i64> = class_pupils.iter().flatten().map(|p| p.id).collect();
    let (data, first, today) = load(&state, viewer.user.municipality_id, Some(&ids)).await?;
    let mut school = Summary::new(first);
    let mut rows = Vec::new();
    for (c, pupils) in classes.iter().zip(&class_pupils) {
        let mut g = Summary::new(first);
        for p in pupils {
            g.add(&data.summary(p.id, first, today));
        }
        school.add(&g);
        rows.push((c, g));
    }
    let name = classes.first().map(|c| c.institution_name.clone()).unwrap_or_default();
    let title = format!("Fravær på {name}");
    let body = html! {
        h1 { (title) }
        table {
            thead { tr { th scope="col" { "Klasse" } th scope="col" { "Elever" } @for h in HEAD { th scope="col" { (h) } } } }
            tbody {
                @for (c, g) in &rows {
                    tr { td { a href={ "/klasser/" (c.id) "/fravaer" } { (c.name) } } td { (number(g.pupils as i64)) } (split_cells(g)) }
                }
                tr.total { th scope="row" { "Skolen" } td { (number(school.pupils as i64)) } (split_cells(&school)) }
            }
        }
        (trend_figure(&school, &format!("Fravær pr. uge på {name}")))
    };
    Ok(shell::page(&title, Some(&viewer), "/fravaer/skole", body).into_response())
}

/// A compliance figure per school: how many were done by their statutory deadline. Each case
/// is about a child, so a school with fewer than 5 counted shows none.
fn in_time_table<'a>(
    id: &str,
    title: &str,
    hint: &str,
    unit: &str,
    rows: impl Iterator<Item = (&'a str, InTimeShare)>,
) -> Markup {
    html! {
        section aria-labelledby={ (id) "-titel" } {
            h2 id={ (id) "-titel" } { (title) }
            p.hint { (hint) }
            table id={ (id) "-andel" } {
                thead { tr { th scope="col" { "Skole" } th scope="col" { "Rettidigt" } th scope="col" { "Opgjort" } th scope="col" { "Andel" } } }
                tbody {
                    @for (name, share) in rows {
                        tr {
                            td { (name) }
                            @if share.counted < MIN_GROUP {
                                td colspan="3" { "færre end " (MIN_GROUP) " " (unit) }
                            } @else {
                                td { (share.in_time) }
                                td { (share.counted) }
                                td { @match share.percent() { Some(p) => { (p) " %" }, None => { "–" } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The municipality: aggregates per school, no pupil, small schools suppressed.
pub async fn municipality(State(state): State<AppState>, viewer: Viewer) -> Page {
    let m = viewer.user.municipality_id;
    let ask = Ask {
        audit_action: "municipality.absence.read",
        child_id: None,
        criterion: Some("kommune".into()),
        denied: "Kommunens overblik er for analytikere og ledelse.",
    };
    let aggregates = Resource::Aggregates { municipality_id: m };
    authorize_resource(&state, &viewer, Action::Read, Some(&aggregates), ask).await?;
    let institutions = state.store.institutions(m).await?;
    let today = today();
    let schools = || institutions.iter().filter(|i| i.kind == InstitutionKind::School);
    let mut shares = Vec::new();
    for inst in schools() {
        shares.push((
            inst,
            state.store.samraad_share_in_time(inst.id, today).await?,
            state.store.bullying_plans_in_time(inst.id, today).await?,
        ));
    }
    // The pupils' sums are kept between requests (`Store::with_absence_overview`).
    let (rows, all) = state
        .store
        .with_absence_overview(m, today, |o| {
            let mut per_school = o.summed_by_school(today);
            let mut all = Summary::new(o.first);
            let rows: Vec<_> = schools()
                .map(|inst| {
                    let g = per_school.remove(&inst.id).unwrap_or_else(|| Summary::new(o.first));
                    all.add(&g);
                    (inst, g)
                })
                .collect();
            (rows, all)
        })
        .await?;
    let body = html! {
        h1 { "Fravær i kommunen" }
        p { "Samlede tal for skoleåret " (SchoolYear::of(today).label()) "; skoler med under " (MIN_GROUP) " elever vises ikke." }
        table {
            thead { tr { th scope="col" { "Skole" } th scope="col" { "Elever" } @for h in HEAD { th scope="col" { (h) } } } }
            tbody {
                @for (inst, g) in &rows {
                    tr {
                        td { (inst.name) }
                        @if g.pupils < MIN_GROUP { td colspan="5" { "for få elever til at vise" } }
                        @else { td { (number(g.pupils as i64)) } (split_cells(g)) }
                    }
                }
                tr.total { th scope="row" { "Kommunen" } td { (number(all.pupils as i64)) } (split_cells(&all)) }
            }
        }
        (trend_figure(&all, "Fravær pr. uge i kommunens skoler"))
        (in_time_table(
            "samraad",
            "Fraværssamråd holdt inden for 7 arbejdsdage",
            "Samråd, hvis frist ikke er nået endnu, tælles først med, når de er holdt eller fristen er overskredet.",
            "samråd",
            shares.iter().map(|(inst, samraad, _)| (inst.name.as_str(), *samraad)),
        ))
        (in_time_table(
            "mobning",
            "Skriftlige handlingsplaner mod mobning inden for 10 arbejdsdage",
            "Sager, hvis frist ikke er nået endnu, tælles først med, når planen er lavet eller fristen er overskredet.",
            "sager",
            shares.iter().map(|(inst, _, bullying)| (inst.name.as_str(), *bullying)),
        ))
    };
    Ok(shell::page("Fravær i kommunen", Some(&viewer), "/fravaer/kommune", body).into_response())
}
