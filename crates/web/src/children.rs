//! Pages about children and classes. Each handler asks the access policy first, through
//! `kit::access`, which writes an audit row whether access was allowed or denied; a denial is a
//! Danish 403 page. The class page shows the sections other features register as class panels.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildData, grant};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::meetings::MeetingStatus;
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_store::{AlertFilter, CaseTarget};

use crate::kit::access::{Subject, audit_shown, authorize, entry, may, purpose, refuse};
use crate::kit::clock::today;
use crate::kit::format::{danish_date, format_date, format_time, local_time, number, percent};
use crate::kit::menu::MenuItem;
use crate::kit::panels::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, chart, links, panels, shell};

pub const MENU: &[MenuItem] = &[
    MenuItem {
        order: 10,
        href: "/klasser",
        label: "Klasser",
        daycare_label: Some("Stuer"),
        school_only: false,
        daycare_only: false,
        shown: |r| matches!(r, Role::Teacher | Role::Leader | Role::WellbeingPerson),
    },
    MenuItem {
        order: 15,
        href: "/boern",
        label: "Mine børn",
        daycare_label: None,
        school_only: false,
        daycare_only: false,
        shown: |r| r == Role::Guardian,
    },
    MenuItem {
        order: 15,
        href: "/boern",
        label: "Mig",
        daycare_label: None,
        school_only: false,
        daycare_only: false,
        shown: |r| r == Role::Pupil,
    },
];

/// Checks access to `data` of a child and audits the outcome (`action`).
async fn check_child(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    data: ChildData,
    action: &str,
) -> Result<Subject, PageError> {
    let allowed = authorize(
        state,
        viewer,
        CaseTarget::Child(child_id),
        Action::Read,
        data,
        action,
        None,
    )
    .await?;
    Ok(allowed.subject)
}

/// The classes a user works with: a teacher's own, the whole institution for leaders and the
/// trivselsperson.
pub async fn classes(State(state): State<AppState>, viewer: Viewer) -> Page {
    let institution = match viewer.user.role {
        Role::Leader | Role::WellbeingPerson => viewer.user.institution_id,
        Role::Teacher => None,
        _ => {
            let why = "Din rolle har ingen klasser.";
            return Err(refuse(&state, &viewer, "class.list", None, "klasser".into(), why).await);
        }
    };
    let cards = state.store.class_cards(&viewer.actor.class_ids, institution).await?;
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    // Today's roll call per class: (pupils, pupils with a registration); none if unknown.
    let status = state
        .store
        .class_registration_counts(&ids, today())
        .await
        .unwrap_or_default();
    // A daycare's staff see «Stuer»; a list with both kinds says both.
    let daycares = cards.iter().filter(|c| !c.kind.has_school_days()).count();
    let title = match (daycares, cards.len() - daycares) {
        (0, _) if viewer.institution_kind != Some(InstitutionKind::Daycare) => "Klasser",
        (_, 0) => "Stuer",
        _ => "Klasser og stuer",
    };
    let body = html! {
        h1 { (title) }
        @if cards.is_empty() {
            p { "Du er ikke knyttet til nogen " (title.to_lowercase()) "." }
        } @else {
            ul.links {
                @for c in &cards {
                    @let (pupils, registered) = status.get(&c.id).copied().unwrap_or((0, 0));
                    li {
                        a href={ "/klasser/" (c.id) } { (c.name) } " – " (c.institution_name)
                        @if c.kind.has_school_days() {
                            " · " a href=(links::class_page(c.id, "fremmoede")) { "Fremmøde" }
                            @if registered < pupils {
                                " · " strong.missing { "Mangler i dag: " (pupils - registered) " elever" }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(shell::page(title, Some(&viewer), "/klasser", body).into_response())
}

pub async fn class(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Class(class_id),
        Action::Read,
        ChildData::Identity,
        "class.read",
        None,
    )
    .await?;
    let (card, row) = allowed.into_class();
    let pupils = state.store.class_pupils(class_id, today()).await?;
    audit_shown(&state, &row, true, pupils.iter().map(|p| p.id)).await?;
    let sections = panels::class(&state, &viewer, &card).await?;
    let title = format!("{} – {}", card.name, card.institution_name);
    let words = card.kind.words();
    let body = html! {
        h1 { (title) }
        p { (pupils.len()) " " (words.children)
            @if card.kind.has_school_days() {
                " · " a href=(links::class_page(card.id, "fremmoede")) { "Fremmøde" } " · "
                a href=(links::class_page(card.id, "fravaer")) { "Fraværsoverblik" } " · "
                a href=(links::class_page(card.id, "konferencer")) { "Klassekonferencer" }
            }
        }
        p { (words.community) ": " a href=(links::class_page(card.id, "bekymringer")) { "Bekymringer" } " · "
            a href=(links::class_page(card.id, "indsatstrin")) { "Indsatstrin" } " · "
            a href=(links::class_page(card.id, "planer")) { "Mål- og indsatsplaner" } }
        table {
            caption.visually-hidden { "Børn i " (card.name) }
            thead { tr { th scope="col" { "Navn" } th scope="col" { "Fødselsdato" } } }
            tbody {
                @for p in &pupils {
                    tr {
                        td { a href={ "/boern/" (p.id) } { (p.given_name) " " (p.family_name) } }
                        td { (format_date(p.birth_date)) }
                    }
                }
            }
        }
        @for section in &sections { (section) }
    };
    Ok(shell::page(&title, Some(&viewer), "/klasser", body).into_response())
}

/// The front page of a guardian or pupil: each child with its news (unread messages about it,
/// the next meeting) and the pages about it.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(own_news(state, viewer))
}

async fn own_news(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    if !matches!(viewer.user.role, Role::Guardian | Role::Pupil) {
        return Ok(None);
    }
    let pupil = viewer.user.role == Role::Pupil;
    // A pupil reads the own record, not the meetings (those are the parents').
    let data = if pupil { ChildData::Identity } else { ChildData::Plans };
    let unread = state.store.notifications_of_user(viewer.user.id, true).await?;
    let now = chrono::Local::now().naive_local();
    let mut children = Vec::new();
    for id in &viewer.actor.own_children {
        let context = state.store.child_context(*id, today()).await?;
        let Some(child) = context.and_then(|c| grant(&viewer.actor, Action::Read, &c, data)) else {
            continue;
        };
        let Some(card) = state.store.child_card(child).await? else {
            continue;
        };
        let next = if pupil {
            None
        } else {
            let meetings = state.store.meetings_of_child(child).await?;
            meetings
                .into_iter()
                .filter(|m| m.status == MeetingStatus::Planned && m.starts_at >= now)
                .min_by_key(|m| m.starts_at)
        };
        let news = unread.iter().filter(|n| n.child_id == Some(card.id)).count();
        state
            .store
            .audit(&entry(viewer, "child.list", Some(card.id), None, true))
            .await?;
        children.push((card, next, news));
    }
    Ok(Some(html! {
        @for (card, next, news) in &children {
            section.card aria-labelledby={ "barn-" (card.id) } {
                h2 id={ "barn-" (card.id) } {
                    @if pupil { "Dig" } @else { (card.given_name) " " (card.family_name) }
                }
                ul.links {
                    @if *news > 0 {
                        li { a href="/beskeder" { strong { (news) @if *news == 1 { " ny besked" } @else { " nye beskeder" } } } }
                    }
                    @if let Some(m) = next {
                        li { a href={ "/boern/" (card.id) "/moeder#moede-" (m.id) } { "Næste møde: " (m.kind.navn().to_lowercase()) ", " (local_time(m.starts_at)) } }
                    }
                    li { a href=(links::child(card.id)) { @if pupil { "Mit fravær og mine oplysninger" } @else { "Fravær og oplysninger" } } }
                    @if !pupil && card.at_school() {
                        li { a href={ "/boern/" (card.id) "/fravaersmelding" } { "Meld sygdom eller søg om frihed" } }
                    }
                    @if !pupil {
                        li { a href={ "/boern/" (card.id) "/moeder" } { "Møder og handleplaner" } }
                        li { a href={ "/boern/" (card.id) "/samtykker" } { "Samtykker" } }
                    }
                }
            }
        }
    }))
}

/// A guardian's children, or a pupil's own record.
pub async fn own_children(State(state): State<AppState>, viewer: Viewer) -> Page {
    if !matches!(viewer.user.role, Role::Guardian | Role::Pupil) {
        let why = "Siden er for forældre og elever.";
        return Err(refuse(&state, &viewer, "child.list", None, "egne børn".into(), why).await);
    }
    // Each child through the policy, like any other read of a child's data.
    let mut cards = Vec::new();
    for id in &viewer.actor.own_children {
        let context = state.store.child_context(*id, today()).await?;
        if let Some(child) = context.and_then(|c| grant(&viewer.actor, Action::Read, &c, ChildData::Identity)) {
            cards.extend(state.store.child_card(child).await?);
        }
    }
    for card in &cards {
        state
            .store
            .audit(&entry(&viewer, "child.list", Some(card.id), None, true))
            .await?;
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
    Ok(shell::page(title, Some(&viewer), "/boern", body).into_response())
}

pub async fn child(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Page {
    let subject = check_child(&state, &viewer, child_id, ChildData::Identity, "child.read").await?;
    let card = subject.child_card();
    let reads = |data| may(&viewer, &subject, Action::Read, data);
    let name = subject.name();
    // Absence is a school's: a child only ever in daycare has none.
    let absence = if card.at_school() && reads(ChildData::Absence) {
        Some(absence_section(&state, card.municipality_id, child_id, &name).await?)
    } else {
        None
    };
    let Subject::Child { context, grant, .. } = &subject else {
        unreachable!("a child was authorized")
    };
    let sections = panels::child(&state, &viewer, context, *grant).await?;
    let body = html! {
        h1 { (name) }
        dl.facts {
            dt { "Fødselsdato" } dd { (format_date(card.birth_date)) }
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
                        td { (format_date(p.from)) }
                        td { @if let Some(to) = p.to { (format_date(to)) } @else { "–" } }
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
        @if reads(ChildData::Concerns) || reads(ChildData::Plans) {
            section aria-labelledby="sag-titel" {
                h2 id="sag-titel" { "Trivselsindsats" }
                ul.links {
                    @if reads(ChildData::Concerns) {
                        li { a href=(links::child_page(card.id, "kronologi")) { "Kronologi" } }
                        li { a href=(links::child_page(card.id, "bekymringer")) { "Bekymringer" } }
                        li { a href=(links::child_page(card.id, "indsatstrin")) { "Indsatstrin, PPV og PKU" } }
                    }
                    @if reads(ChildData::Plans) {
                        li { a href=(links::child_page(card.id, "planer")) { "Mål- og indsatsplaner" } }
                        li { a href=(links::child_page(card.id, "samtykker")) { "Samtykker" } }
                        li { a href=(links::child_page(card.id, "raadgivere")) { "Rådgivere" } }
                        li { a href=(links::child_page(card.id, "moeder")) { "Møder og handleplaner" } }
                    }
                    @if may(&viewer, &subject, Action::Write, ChildData::Underretning) {
                        li { a href=(links::child_page(card.id, "underretninger")) { "Underretninger" } }
                    }
                }
            }
        }
        @if card.at_school() && reads(ChildData::AbsenceNotices) {
            p { a href={ "/boern/" (card.id) "/fravaersmelding" } {
                @if viewer.user.role == Role::Guardian { "Meld sygdom eller søg om frihed" } @else { "Forældrenes fraværsmeldinger" }
            } }
        }
        @if let Some(section) = &absence { (section) }
        @for section in &sections { (section) }
        @if reads(ChildData::AccessLog) {
            p { a href={ "/boern/" (card.id) "/adgangslog" } { "Se hvem der har set eller ændret oplysningerne" } }
        }
        @if reads(ChildData::Lookups) {
            p { a href={ "/boern/" (card.id) "/opslag" } { "Se hvornår og hvorfor oplysningerne er slået op" } }
        }
    };
    Ok(shell::page(&name, Some(&viewer), "", body).into_response())
}

/// The pupil's absence this school year: heatmap, S/L/U split, rules that hold now, alerts.
async fn absence_section(
    state: &AppState,
    municipality_id: i64,
    child_id: i64,
    name: &str,
) -> Result<Markup, PageError> {
    let today = today();
    let year = SchoolYear::of(today);
    let data = state
        .store
        .absence_data(municipality_id, Some(&[child_id]), year.first_day(), today)
        .await?;
    let days = data.school_days(child_id, year.first_day(), today);
    let summary = data.summary(child_id, year.first_day(), today);
    let (sick, lawful, unlawful, total) = summary.split();
    let missing = summary.missing;
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
                div { dt { "Fravær i alt" } dd { (percent(total)) } }
                div { dt { "Syg" } dd { (percent(sick)) } }
                div { dt { "Lovligt" } dd { (percent(lawful)) } }
                div { dt { "Ulovligt" } dd { (percent(unlawful)) } }
            }
            p { (days.len()) " skoledage indtil i dag; " (missing) " mangler registrering." }
            // Focusable, so the keyboard can scroll a calendar wider than a phone.
            figure.heatmap tabindex="0" {
                (svg)
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
            (chart::day_table(&days))
            h3 { "Fraværsregler der er opfyldt i dag" }
            @if holding.is_empty() { p { "Ingen af fraværsreglerne er opfyldt i dag." } } @else {
                ul { @for r in &holding { li { (r.navn()) } } }
            }
            p.hint { "En advarsel bliver stående, til skolen har behandlet den – også når fraværet siden er faldet." }
            h3 { "Advarsler" }
            @if alerts.is_empty() { p { "Ingen." } } @else {
                ul { @for a in &alerts {
                    li { (a.cause.navn()) ", udløst " (danish_date(a.trigger_date)) " – "
                        (match a.status.as_str() { "open" => "åben", "closed" => "lukket", _ => "bortfaldet" }) }
                } }
            }
        }
    })
}

/// An audit row's stored UTC time (RFC 3339) in a Danish format, local time.
fn stored_time(at: &str, show: impl Fn(DateTime<Utc>) -> String) -> String {
    at.parse::<DateTime<Utc>>().map_or_else(|_| at.to_string(), show)
}

/// Rows per page of an access log.
const LOG_PAGE: i64 = 200;

#[derive(Deserialize, Default)]
pub struct LogQuery {
    /// Show rows older than this `seq` (the «Ældre» link).
    foer: Option<i64>,
}

/// The «Ældre» link under a page of log rows, when the page is full.
fn older_link(base: &str, rows: &[trivsel_domain::audit::AuditRecord]) -> Markup {
    html! {
        @if rows.len() as i64 == LOG_PAGE {
            @if let Some(last) = rows.last() {
                p { a href={ (base) "?foer=" (last.seq) } { "Ældre" } }
            }
        }
    }
}

/// Who has looked at or changed the child's data, and who was refused: for leaders. Refusals
/// are one line per account, so a burst of them is one flagged line, not rows that push the
/// real reads out of view; the reads are paged over the whole history.
pub async fn access_log(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Query(q): Query<LogQuery>,
) -> Page {
    check_child(&state, &viewer, child_id, ChildData::AccessLog, "child.access_log.read").await?;
    let (denials, rows) = tokio::try_join!(
        state.store.child_denials(child_id),
        state.store.child_audit_page(child_id, None, q.foer, LOG_PAGE)
    )?;
    let role_name = |role: &str| Role::from_id(role).map_or(role.to_string(), |r| r.navn().to_string());
    let time = |at: &str| stored_time(at, format_time);
    let body = html! {
        h1 { "Adgangslog" }
        section aria-labelledby="afviste-titel" {
            h2 id="afviste-titel" { "Afviste forsøg" }
            @if denials.is_empty() {
                p { "Ingen er blevet afvist." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Bruger" } th scope="col" { "Rolle" } th scope="col" { "Handling" }
                        th scope="col" { "Udfald" } th scope="col" { "Forsøg" } th scope="col" { "Første" }
                        th scope="col" { "Seneste" }
                    } }
                    tbody {
                        @for d in &denials {
                            tr {
                                td { (d.username) }
                                td { (role_name(&d.role)) }
                                td { (purpose(&d.action)) }
                                td { strong { "Afvist" } }
                                td { @if d.count >= 10 { strong { (number(d.count)) " – mange forsøg" } } @else { (d.count) } }
                                td { (time(&d.first_at)) }
                                td { (time(&d.last_at)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="opslag-titel" {
            h2 id="opslag-titel" { "Opslag og ændringer" }
            p { "Nyeste først, " (LOG_PAGE) " ad gangen." }
            table {
                thead { tr {
                    th scope="col" { "Tidspunkt" } th scope="col" { "Bruger" } th scope="col" { "Rolle" }
                    th scope="col" { "Handling" } th scope="col" { "Adresse" }
                } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { (time(&r.at)) }
                            td { (r.username) }
                            td { (role_name(&r.role)) }
                            td { (purpose(&r.action)) }
                            td { (r.address.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            (older_link(&links::child_page(child_id, "adgangslog"), &rows))
        }
    };
    Ok(shell::page("Adgangslog", Some(&viewer), "", body).into_response())
}

/// Dates and purposes of lookups, without staff names: for guardians. Filtered in the query and
/// paged over the whole history.
pub async fn lookups(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Query(q): Query<LogQuery>,
) -> Page {
    check_child(&state, &viewer, child_id, ChildData::Lookups, "child.lookups.read").await?;
    let staff_rows = state
        .store
        .child_audit_page(child_id, Some(viewer.user.id), q.foer, LOG_PAGE)
        .await?;
    let body = html! {
        h1 { "Opslag om dit barn" }
        p { "Her kan du se, hvornår medarbejdere har slået dit barns oplysninger op, og med hvilket formål." }
        table {
            thead { tr { th scope="col" { "Dato" } th scope="col" { "Formål" } th scope="col" { "Rolle" } } }
            tbody {
                @for r in &staff_rows {
                    tr {
                        td { (stored_time(&r.at, |t| format_date(t.with_timezone(&chrono::Local).date_naive()))) }
                        td { (purpose(&r.action)) }
                        td { (Role::from_id(&r.role).map_or("", |role| role.navn())) }
                    }
                }
            }
        }
        (older_link(&links::child_page(child_id, "opslag"), &staff_rows))
    };
    Ok(shell::page("Opslag", Some(&viewer), "/boern", body).into_response())
}
