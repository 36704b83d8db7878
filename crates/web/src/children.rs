//! Pages about children and classes. Each handler asks the access policy first and writes an
//! audit row whether access was allowed or denied; a denial is a Danish 403 page.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Local;
use maud::html;
use trivsel_domain::access::{Action, ChildContext, ChildData, Resource, can};
use trivsel_domain::model::Role;

use maud::PreEscaped;
use trivsel_domain::absence::{Code, DayTally};
use trivsel_domain::calendar::SchoolYear;
use trivsel_store::AlertFilter;

use crate::audit::{entry, purpose};
use crate::session::Viewer;
use crate::{AppState, layout};
use crate::{absence, chart};

const DENIED: &str = "Du har ikke adgang til dette barns oplysninger. Forsøget er registreret.";

/// Checks access to a child's data and audits the outcome. `Ok` carries the child's context.
async fn check_child(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    data: ChildData,
    action: &str,
) -> Result<ChildContext, Response> {
    let today = Local::now().date_naive();
    let context = state
        .store
        .child_context(child_id, today)
        .await
        .map_err(|e| layout::server_error(&e))?;
    // An unknown id is refused like a forbidden one, so ids cannot be probed.
    let allowed = context
        .as_ref()
        .is_some_and(|c| can(&viewer.actor, Action::Read, &Resource::Child(c, data)));
    let known = context.as_ref().map(|c| c.child_id);
    let criterion = known.is_none().then(|| format!("ukendt barn {child_id}"));
    state
        .store
        .audit(&entry(viewer, action, known, criterion, allowed))
        .await
        .map_err(|e| layout::server_error(&e))?;
    match context {
        Some(c) if allowed => Ok(c),
        _ => Err(layout::forbidden_for(Some(&viewer.user), DENIED)),
    }
}

/// The classes a user works with: a teacher's own, the whole institution for leaders and the
/// trivselsperson.
pub async fn classes(State(state): State<AppState>, viewer: Viewer) -> Response {
    let institution = match viewer.user.role {
        Role::Leader | Role::WellbeingPerson => viewer.user.institution_id,
        Role::Teacher => None,
        _ => return layout::forbidden_for(Some(&viewer.user), "Din rolle har ingen klasser."),
    };
    let cards = match state.store.class_cards(&viewer.actor.class_ids, institution).await {
        Ok(cards) => cards,
        Err(e) => return layout::server_error(&e),
    };
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    let status = absence::todays_status(&state, &ids).await;
    let body = html! {
        h1 { "Klasser" }
        @if cards.is_empty() {
            p { "Du er ikke knyttet til nogen klasser." }
        } @else {
            ul.links {
                @for c in &cards {
                    @let (pupils, registered) = status.get(&c.id).copied().unwrap_or((0, 0));
                    li {
                        a href={ "/klasser/" (c.id) } { (c.name) } " – " (c.institution_name) " · "
                        a href={ "/klasser/" (c.id) "/fremmoede" } { "Fremmøde" }
                        @if registered < pupils {
                            " · " strong.missing { "Mangler i dag: " (pupils - registered) " elever" }
                        }
                    }
                }
            }
        }
    };
    layout::page("Klasser", Some(&viewer.user), "/klasser", body).into_response()
}

pub async fn class(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Response {
    let card = match state.store.class_card(class_id).await {
        Ok(card) => card,
        Err(e) => return layout::server_error(&e),
    };
    let allowed = card.as_ref().is_some_and(|c| {
        let resource = Resource::Class {
            municipality_id: c.municipality_id,
            institution_id: c.institution_id,
            class_id: c.id,
        };
        can(&viewer.actor, Action::Read, &resource)
    });
    let audit = entry(&viewer, "class.read", None, Some(format!("klasse {class_id}")), allowed);
    if let Err(e) = state.store.audit(&audit).await {
        return layout::server_error(&e);
    }
    let Some(card) = card.filter(|_| allowed) else {
        return layout::forbidden_for(
            Some(&viewer.user),
            "Du har ikke adgang til denne klasse. Forsøget er registreret.",
        );
    };
    let pupils = match state.store.class_pupils(class_id, Local::now().date_naive()).await {
        Ok(p) => p,
        Err(e) => return layout::server_error(&e),
    };
    let review = match crate::reviews::class_section(&state, &viewer, &card).await {
        Ok(section) => section,
        Err(response) => return response,
    };
    let title = format!("{} – {}", card.name, card.institution_name);
    let body = html! {
        h1 { (title) }
        p { (pupils.len()) " elever · " a href={ "/klasser/" (card.id) "/fremmoede" } { "Fremmøde" } " · "
            a href={ "/klasser/" (card.id) "/fravaer" } { "Fraværsoverblik" } " · "
            a href={ "/klasser/" (card.id) "/konferencer" } { "Klassekonferencer" } }
        p { "Klassefællesskabet: " a href={ "/klasser/" (card.id) "/bekymringer" } { "Bekymringer" } " · "
            a href={ "/klasser/" (card.id) "/indsatstrin" } { "Indsatstrin" } " · "
            a href={ "/klasser/" (card.id) "/planer" } { "Mål- og indsatsplaner" } }
        table {
            caption.visually-hidden { "Elever i " (card.name) }
            thead { tr { th scope="col" { "Navn" } th scope="col" { "Fødselsdato" } } }
            tbody {
                @for p in &pupils {
                    tr {
                        td { a href={ "/boern/" (p.id) } { (p.given_name) " " (p.family_name) } }
                        td { (p.birth_date.format("%d.%m.%Y")) }
                    }
                }
            }
        }
        @if let Some(section) = &review { (section) }
    };
    layout::page(&title, Some(&viewer.user), "/klasser", body).into_response()
}

/// A guardian's children, or a pupil's own record.
pub async fn own_children(State(state): State<AppState>, viewer: Viewer) -> Response {
    if !matches!(viewer.user.role, Role::Guardian | Role::Pupil) {
        return layout::forbidden_for(Some(&viewer.user), "Siden er for forældre og elever.");
    }
    let mut cards = Vec::new();
    for id in &viewer.actor.own_children {
        match state.store.child_card(*id).await {
            Ok(Some(card)) => cards.push(card),
            Ok(None) => {}
            Err(e) => return layout::server_error(&e),
        }
    }
    for card in &cards {
        if let Err(e) = state
            .store
            .audit(&entry(&viewer, "child.list", Some(card.id), None, true))
            .await
        {
            return layout::server_error(&e);
        }
    }
    let title = if viewer.user.role == Role::Pupil {
        "Mig"
    } else {
        "Mine børn"
    };
    let body = html! {
        h1 { (title) }
        ul.links {
            @for c in &cards {
                li { a href={ "/boern/" (c.id) } { (c.given_name) " " (c.family_name) } }
            }
        }
    };
    layout::page(title, Some(&viewer.user), "/boern", body).into_response()
}

pub async fn child(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Response {
    let context = match check_child(&state, &viewer, child_id, ChildData::Identity, "child.read").await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let card = match state.store.child_card(child_id).await {
        Ok(Some(card)) => card,
        Ok(None) => return layout::forbidden_for(Some(&viewer.user), DENIED),
        Err(e) => return layout::server_error(&e),
    };
    let may = |data| can(&viewer.actor, Action::Read, &Resource::Child(&context, data));
    let name = format!("{} {}", card.given_name, card.family_name);
    let absence = if may(ChildData::Absence) {
        match absence_section(&state, card.municipality_id, child_id, &name).await {
            Ok(section) => Some(section),
            Err(e) => return layout::server_error(&e),
        }
    } else {
        None
    };
    let body = html! {
        h1 { (name) }
        dl.facts {
            dt { "Fødselsdato" } dd { (card.birth_date.format("%d.%m.%Y")) }
            dt { "Elev-id" } dd { (card.source_id) }
        }
        h2 { "Indskrivninger" }
        table {
            thead { tr { th scope="col" { "Institution" } th scope="col" { "Klasse/gruppe" } th scope="col" { "Fra" } th scope="col" { "Til" } } }
            tbody {
                @for p in &card.placements {
                    tr {
                        td { (p.institution_name) }
                        td { (p.class_name) }
                        td { (p.from.format("%d.%m.%Y")) }
                        td { @if let Some(to) = p.to { (to.format("%d.%m.%Y")) } @else { "–" } }
                    }
                }
            }
        }
        h2 { "Forældre" }
        ul {
            @for (guardian, custody) in &card.guardians {
                li { (guardian) @if !custody { " (uden forældremyndighed)" } }
            }
        }
        @if may(ChildData::Concerns) || may(ChildData::Plans) {
            section aria-labelledby="sag-titel" {
                h2 id="sag-titel" { "Trivselsindsats" }
                ul.links {
                    @if may(ChildData::Concerns) {
                        li { a href={ "/boern/" (card.id) "/kronologi" } { "Kronologi" } }
                        li { a href={ "/boern/" (card.id) "/bekymringer" } { "Bekymringer" } }
                        li { a href={ "/boern/" (card.id) "/indsatstrin" } { "Indsatstrin, PPV og PKU" } }
                    }
                    @if may(ChildData::Plans) {
                        li { a href={ "/boern/" (card.id) "/planer" } { "Mål- og indsatsplaner" } }
                        li { a href={ "/boern/" (card.id) "/samtykker" } { "Samtykker" } }
                        li { a href={ "/boern/" (card.id) "/moeder" } { "Møder og handleplaner" } }
                    }
                }
            }
        }
        @if let Some(section) = &absence { (section) }
        @if may(ChildData::AccessLog) {
            p { a href={ "/boern/" (card.id) "/adgangslog" } { "Se hvem der har set eller ændret oplysningerne" } }
        }
        @if may(ChildData::Lookups) {
            p { a href={ "/boern/" (card.id) "/opslag" } { "Se hvornår og hvorfor oplysningerne er slået op" } }
        }
    };
    layout::page(&name, Some(&viewer.user), "", body).into_response()
}

/// The pupil's absence this school year: heatmap, S/L/U split, rules that hold now, alerts.
async fn absence_section(
    state: &AppState,
    municipality_id: i64,
    child_id: i64,
    name: &str,
) -> Result<maud::Markup, trivsel_store::StoreError> {
    let today = Local::now().date_naive();
    let year = SchoolYear::of(today);
    let data = state
        .store
        .absence_data(municipality_id, Some(&[child_id]), year.first_day(), today)
        .await?;
    let days = data.school_days(child_id, year.first_day(), today);
    let tallied: Vec<(DayTally, Vec<Code>)> = days
        .iter()
        .map(|(_, codes)| (DayTally::of_codes(codes.iter().copied()), codes.clone()))
        .collect();
    let (sick, lawful, unlawful, total) = chart::split(&tallied);
    let missing = tallied.iter().filter(|(t, _)| t.is_missing()).count();
    let holding = data.rules_holding(child_id, &state.store.thresholds(municipality_id).await?, today);
    let alerts = state
        .store
        .alerts(&AlertFilter {
            child_id: Some(child_id),
            ..AlertFilter::default()
        })
        .await?;
    let label = format!("Fraværskalender for {name}, skoleåret {}", year.label());
    let svg = chart::heatmap(year.first_day(), year.last_day().min(today), &days, &label);
    Ok(html! {
        section aria-labelledby="fravaer-titel" {
            h2 id="fravaer-titel" { "Fravær i skoleåret " (year.label()) }
            dl.figures {
                div { dt { "Fravær i alt" } dd { (format!("{total:.1} %")) } }
                div { dt { "Syg" } dd { (format!("{sick:.1} %")) } }
                div { dt { "Lovligt" } dd { (format!("{lawful:.1} %")) } }
                div { dt { "Ulovligt" } dd { (format!("{unlawful:.1} %")) } }
            }
            p { (days.len()) " skoledage indtil i dag; " (missing) " mangler registrering." }
            figure.heatmap {
                (PreEscaped(svg))
                figcaption {
                    ul.legend {
                        @for (color, text) in chart::LEGEND {
                            li {
                                svg.swatch width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" {
                                    rect width="12" height="12" fill=(color) stroke="#c9d1da" {}
                                }
                                " " (text)
                            }
                        }
                    }
                }
            }
            h3 { "Regler der gælder nu" }
            @if holding.is_empty() { p { "Ingen." } } @else {
                ul { @for r in &holding { li { (r.navn()) } } }
            }
            h3 { "Advarsler" }
            @if alerts.is_empty() { p { "Ingen." } } @else {
                ul { @for a in &alerts {
                    li { (a.rule.navn()) ", udløst " (absence::danish_date(a.trigger_date)) " – "
                        (match a.status.as_str() { "open" => "åben", "closed" => "lukket", _ => "bortfaldet" }) }
                } }
            }
        }
    })
}

/// Who has looked at or changed the child's data, and denied attempts: for leaders.
pub async fn access_log(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Response {
    if let Err(response) = check_child(&state, &viewer, child_id, ChildData::AccessLog, "child.access_log.read").await {
        return response;
    }
    let rows = match state.store.child_audit(child_id, 500).await {
        Ok(rows) => rows,
        Err(e) => return layout::server_error(&e),
    };
    let body = html! {
        h1 { "Adgangslog" }
        p { "De seneste " (rows.len()) " opslag og ændringer, nyeste først. Tider er UTC." }
        table {
            thead { tr {
                th scope="col" { "Tidspunkt" } th scope="col" { "Bruger" } th scope="col" { "Rolle" }
                th scope="col" { "Handling" } th scope="col" { "Udfald" } th scope="col" { "Adresse" }
            } }
            tbody {
                @for r in &rows {
                    tr {
                        td { (r.at.get(..19).unwrap_or(&r.at).replace('T', " ")) }
                        td { (r.username) }
                        td { (trivsel_domain::model::Role::from_id(&r.role).map_or(r.role.as_str(), |role| role.navn())) }
                        td { (purpose(&r.action)) }
                        td { @if r.allowed { "Tilladt" } @else { strong { "Afvist" } } }
                        td { (r.address.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    };
    layout::page("Adgangslog", Some(&viewer.user), "", body).into_response()
}

/// Dates and purposes of lookups, without staff names: for guardians.
pub async fn lookups(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Response {
    if let Err(response) = check_child(&state, &viewer, child_id, ChildData::Lookups, "child.lookups.read").await {
        return response;
    }
    let rows = match state.store.child_audit(child_id, 500).await {
        Ok(rows) => rows,
        Err(e) => return layout::server_error(&e),
    };
    let staff_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.allowed && r.user_id != Some(viewer.user.id))
        .filter(|r| Role::from_id(&r.role).is_some_and(Role::is_staff))
        .collect();
    let body = html! {
        h1 { "Opslag om dit barn" }
        p { "Her kan du se, hvornår medarbejdere har slået dit barns oplysninger op, og med hvilket formål." }
        table {
            thead { tr { th scope="col" { "Dato" } th scope="col" { "Formål" } th scope="col" { "Medarbejderens rolle" } } }
            tbody {
                @for r in &staff_rows {
                    tr {
                        td { (r.at.get(..10).unwrap_or(&r.at)) }
                        td { (purpose(&r.action)) }
                        td { (Role::from_id(&r.role).map_or("", |role| role.navn())) }
                    }
                }
            }
        }
    };
    layout::page("Opslag", Some(&viewer.user), "/boern", body).into_response()
}
