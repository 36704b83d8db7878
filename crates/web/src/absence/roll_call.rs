//! Absence pages: the roll call (fremmøde) for a class, saved in one go with the alerts brought
//! up to date at once, and the school's alert list (advarsler) for its leadership.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use trivsel_domain::absence::contact::MAX_TEXT_CHARS;
use trivsel_domain::absence::notice::proposed_code;
use trivsel_domain::absence::{AlertCause, Code, Rule};
use trivsel_domain::access::{Action, ChildData, Resource};
use trivsel_domain::meetings::{MeetingKind, MeetingStatus, may_convene};

use trivsel_store::{AbsenceReason, AlertFilter, AuditEntry, CaseTarget, ClassCard, Meeting, Registration};

use crate::kit::access::{
    Ask, audit_shown, authorize_own_institution, authorize_resource, authorize_with, entry, no_school_days,
};
use crate::kit::clock::{now, today};
use crate::kit::format::{danish_date, format_date, local_date, local_time};
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

#[derive(Deserialize, Default)]
pub struct RollCallQuery {
    dato: Option<String>,
    /// Text, so that an emptied field means "the default" rather than a parse error.
    modul: Option<String>,
    gemt: Option<u64>,
}

/// The class, if the viewer may register its absence, with the request's audit row (not yet
/// written); a refusal is audited under `action`.
async fn writable_class(
    state: &AppState,
    viewer: &Viewer,
    class_id: i64,
    action: &str,
) -> Result<(ClassCard, AuditEntry), PageError> {
    let allowed = authorize_with(
        state,
        viewer,
        CaseTarget::Class(class_id),
        Action::Write,
        ChildData::Absence,
        action,
        None,
        Some("Du kan ikke registrere fravær for denne klasse."),
    )
    .await?;
    let (card, audit) = allowed.into_class();
    if !card.kind.has_school_days() {
        return Err(no_school_days(state, audit, "ingen fremmøderegistrering").await);
    }
    Ok((card, audit))
}

/// Registrations per pupil and day: 1 is the morning roll call, 2 the afternoon's, and per-lesson
/// registration uses 1..N (DOMAIN.md).
const SLOTS: u8 = 12;

fn slot_name(slot: u8) -> String {
    match slot {
        1 => "Formiddag (1. lektion)".into(),
        2 => "Eftermiddag (2. lektion)".into(),
        n => format!("{n}. lektion"),
    }
}

/// The key a teacher types for a code, by its Danish name; the stored code stays as DOMAIN.md
/// gives it (`P` is «Til stede», `T` «Gået tidligt»).
fn key(code: Code) -> char {
    match code {
        Code::Present => 'T',
        Code::LeftEarly => 'G',
        other => other.as_char(),
    }
}

pub async fn roll_call(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(class_id): Path<i64>,
    Query(q): Query<RollCallQuery>,
) -> Page {
    let (card, mut audit) = writable_class(&state, &viewer, class_id, "absence.read").await?;
    let today = today();
    let date = match q
        .dato
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(trivsel_domain::validate::parse_date)
    {
        None => today,
        Some(Ok(d)) => d,
        Some(Err(m)) => return Err(bad_request(&viewer, &m)),
    };
    let pupils = state.store.class_pupils(class_id, date).await?;
    let registered = state.store.class_registrations(class_id, date).await?;
    // Default slot: the last one registered that day, so re-opening shows the saved codes.
    let slot = match q.modul.as_deref().filter(|m| !m.is_empty()).map(|m| m.parse::<u8>()) {
        Some(Ok(s)) if (1..=SLOTS).contains(&s) => s,
        Some(_) => return Err(bad_request(&viewer, "Vælg en registrering fra listen.")),
        None => registered.keys().next_back().copied().unwrap_or(1),
    };
    let empty = std::collections::HashMap::new();
    let existing = registered.get(&slot).unwrap_or(&empty);
    // The parents' reports covering the day propose a code where none is saved.
    let notices = state.store.class_notices_on(class_id, date).await?;
    let ids: Vec<i64> = pupils.iter().map(|p| p.id).collect();
    let reasons = state.store.absence_reasons_on(&ids, date).await?;
    let to_contact = super::contacts::open_in_class(&state, card.institution_id, &pupils).await?;
    audit.criterion = Some(format!("klasse {class_id} {date} modul {slot}"));
    audit_shown(&state, &audit, false, pupils.iter().map(|p| p.id)).await?;
    let required = state.store.registrations_per_day(card.institution_id).await?;
    let missing = missing_days(&state, &card, &pupils, today, required).await?;
    let title = format!("Fremmøde {} – {}", card.name, danish_date(date));
    let calendar = state.store.school_calendar(card.institution_id).await?;
    let not_school_day = !calendar.is_school_day(date);
    let step = |forward: bool| {
        let mut d = date;
        for _ in 0..120 {
            d = if forward { d.succ_opt() } else { d.pred_opt() }.unwrap_or(d);
            if calendar.is_school_day(d) {
                return Some(d);
            }
        }
        None
    };
    let (previous, next) = (step(false), step(true).filter(|d| *d <= today));
    let saved = pupils.iter().filter(|p| existing.contains_key(&p.id)).count();
    let body = html! {
        h1 { (title) }
        p {
            (slot_name(slot)) ": "
            @if saved == 0 { "ikke registreret endnu; alle står som til stede, til andet er valgt." }
            @else { "gemt for " (saved) " af " (pupils.len()) " elever." }
            " " a href=(links::class(class_id)) { "Klasseliste" }
        }
        @if let Some(n) = q.gemt {
            p.notice #gemt role="status" tabindex="-1" data-focus {
                "Gemt. " (n) @if n == 1 { " registrering er ny eller ændret" } @else { " registreringer er nye eller ændrede" }
                "; advarslerne er opdateret."
                @if !to_contact.is_empty() { " Forældre skal kontaktes i dag: se " a href="#kontakt-titel" { "nedenfor" } "." }
            }
        }
        @if slot == 1 && saved > 0 && !registered.contains_key(&2) {
            p { a href={ "/klasser/" (class_id) "/fremmoede?dato=" (date) "&modul=2" } { "Registrér eftermiddag" } }
        }
        @if not_school_day {
            p.notice id="ikke-skoledag" { "Datoen er ikke en skoledag for skolen; registreringer gemmes, men tæller ikke med i reglerne." }
        }
        nav.days aria-label="Skoledage" {
            @if let Some(d) = previous { a href={ "/klasser/" (class_id) "/fremmoede?dato=" (d) } { "← Forrige skoledag" } }
            @if let Some(d) = next { a href={ "/klasser/" (class_id) "/fremmoede?dato=" (d) } { "Næste skoledag →" } }
        }
        form.inline method="get" action={ "/klasser/" (class_id) "/fremmoede" } {
            label for="dato" { "Dato" }
            input id="dato" name="dato" type="date" value=(date) max=(today);
            label for="modul" { "Registrering" }
            select id="modul" name="modul" {
                @for s in 1..=SLOTS {
                    option value=(s) selected[s == slot] {
                        (slot_name(s)) @if registered.contains_key(&s) { " (gemt)" }
                    }
                }
            }
            button type="submit" { "Vis" }
        }
        p.hint id="taster" {
            "Koder: "
            @for (i, code) in Code::ALL.iter().enumerate() {
                @if i > 0 { ", " }
                strong { (key(*code)) } " " (code.navn().to_lowercase())
            }
            ". Med tastaturet vælger bogstavet koden og går videre til næste elev; pil op og ned flytter \
            mellem elever. Enter gemmer ikke: brug knappen «Gem fremmøde»."
        }
        form.roll-call method="post" action={ "/klasser/" (class_id) "/fremmoede" } aria-describedby="taster" {
            input type="hidden" name="dato" value=(date);
            input type="hidden" name="modul" value=(slot);
            @for p in &pupils {
                @let notice = notices.get(&p.id);
                @let proposed = notice.and_then(|n| proposed_code(n.kind, n.status));
                @let current = existing.get(&p.id).copied().or(proposed).unwrap_or(Code::Present);
                fieldset.pupil {
                    legend { (p.given_name) " " (p.family_name) }
                    @if let Some(n) = notice {
                        p.hint.reported {
                            (n.kind.navn()) ", " (n.status.navn().to_lowercase()) " (" (n.reported_by_name) ")"
                            @if !n.reason.is_empty() { ": " (n.reason) }
                        }
                    }
                    @for code in Code::ALL {
                        label.code {
                            input type="radio" name={ "c" (p.id) } value=(code.as_char()) data-key=(key(code)) checked[code == current];
                            span.key aria-hidden="true" { (key(code)) }
                            span.name { (code.navn()) }
                        }
                    }
                    @let reason = reasons.get(&p.id);
                    details.reason open[reason.is_some()] {
                        summary { "Årsag" @if reason.is_some_and(|r| r.1) { " (bekymrende)" } }
                        label for={ "a" (p.id) } { "Årsag til fraværet (valgfri)" }
                        textarea id={ "a" (p.id) } name={ "a" (p.id) } rows="2" maxlength=(MAX_TEXT_CHARS) {
                            (reason.map_or("", |r| r.0.as_str()))
                        }
                        label.check {
                            input type="checkbox" name={ "b" (p.id) } value="1" checked[reason.is_some_and(|r| r.1)];
                            "Årsagen er i sig selv bekymrende (giver en advarsel til ledelsen)"
                        }
                    }
                }
            }
            div.save-bar { button type="submit" { "Gem fremmøde" } }
        }
        @if !to_contact.is_empty() {
            section.notice aria-labelledby="kontakt-titel" {
                h2 id="kontakt-titel" { "Forældre der skal kontaktes" }
                p { "Ved ulovligt fravær skal forældrene kontaktes samme dag: "
                    @for (i, (c, name)) in to_contact.iter().enumerate() {
                        @if i > 0 { ", " }
                        (name) " (" (format_date(c.absence_date)) ")"
                    }
                    ". " a href=(super::contacts::PATH) { "Registrér kontakten" } }
            }
        }
        section aria-labelledby="mangler-titel" {
            h2 id="mangler-titel" { "Manglende registreringer" }
            @if missing.is_empty() {
                p { "Ingen skoledage i skoleåret mangler registreringer (skolen registrerer " (required) " gange om dagen)." }
            } @else {
                p { "Skoledage i skoleåret hvor elever har færre end " (required) " registreringer (de seneste "
                    (missing.len().min(20)) " af " (missing.len()) "):" }
                ul.links {
                    @for (day, count) in missing.iter().rev().take(20) {
                        li { a href={ "/klasser/" (class_id) "/fremmoede?dato=" (day) } { (danish_date(*day)) } ": " (count) " elever" }
                    }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(&viewer), "/klasser", body).into_response())
}

/// School days this school year up to `today` on which pupils of the class have fewer
/// registrations than the school takes per day (`required`), with how many pupils, oldest
/// first.
async fn missing_days(
    state: &AppState,
    card: &ClassCard,
    pupils: &[trivsel_store::PupilRow],
    today: NaiveDate,
    required: u8,
) -> Result<Vec<(NaiveDate, usize)>, PageError> {
    let first = trivsel_domain::calendar::SchoolYear::of(today).first_day();
    let ids: Vec<i64> = pupils.iter().map(|p| p.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let data = state
        .store
        .absence_data(card.municipality_id, Some(&ids), first, today)
        .await?;
    let mut by_day: std::collections::BTreeMap<NaiveDate, usize> = std::collections::BTreeMap::new();
    for id in &ids {
        for (day, codes) in data.school_days(*id, first, today) {
            if trivsel_domain::absence::lacks_registrations(codes.len(), required) {
                *by_day.entry(day).or_default() += 1;
            }
        }
    }
    Ok(by_day.into_iter().collect())
}

fn bad_request(viewer: &Viewer, message: &str) -> PageError {
    let body = html! { h1 { "Ugyldig forespørgsel" } p { (message) } };
    PageError::status(
        StatusCode::BAD_REQUEST,
        shell::page("Ugyldig forespørgsel", Some(viewer), "", body),
    )
}

/// Saves the whole class's roll call; saving the same again changes nothing.
pub async fn save_roll_call(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(class_id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Page {
    let (card, _) = writable_class(&state, &viewer, class_id, "absence.write").await?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let today = today();
    let date = match trivsel_domain::validate::parse_date(field("dato")) {
        Ok(d) if d <= today => d,
        Ok(_) => return Err(bad_request(&viewer, "Fremtidige datoer kan ikke registreres.")),
        Err(m) => return Err(bad_request(&viewer, &m)),
    };
    let Some(slot) = field("modul").parse::<u8>().ok().filter(|s| (1..=SLOTS).contains(s)) else {
        return Err(bad_request(&viewer, "Vælg en registrering fra listen."));
    };
    let pupils = state.store.class_pupils(class_id, date).await?;
    let mut registrations = Vec::with_capacity(pupils.len());
    for (name, value) in &fields {
        let Some(id) = name.strip_prefix('c').and_then(|id| id.parse::<i64>().ok()) else {
            continue;
        };
        if !pupils.iter().any(|p| p.id == id) {
            return Err(bad_request(
                &viewer,
                "En elev i formularen går ikke i klassen på den dato. Intet er gemt.",
            ));
        }
        let Ok(code) = Code::parse(value) else {
            return Err(bad_request(
                &viewer,
                &format!("Ukendt fraværskode «{value}». Intet er gemt."),
            ));
        };
        registrations.push(Registration {
            child_id: id,
            date,
            slot,
            code,
        });
    }
    let mut reasons = Vec::new();
    for p in &pupils {
        let Some(text) = fields
            .iter()
            .find(|(k, _)| *k == format!("a{}", p.id))
            .map(|(_, v)| v.trim())
        else {
            continue;
        };
        let worrying = fields.iter().any(|(k, v)| *k == format!("b{}", p.id) && v == "1");
        let name = format!("{} {}", p.given_name, p.family_name);
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(bad_request(
                &viewer,
                &format!("Årsagen for {name} er for lang (højst 1.000 tegn). Intet er gemt."),
            ));
        }
        if worrying && text.is_empty() {
            return Err(bad_request(
                &viewer,
                &format!("Skriv årsagen for {name}, før den markeres som bekymrende. Intet er gemt."),
            ));
        }
        reasons.push(AbsenceReason {
            child_id: p.id,
            date,
            reason: text.to_string(),
            worrying,
        });
    }
    let audits: Vec<_> = registrations
        .iter()
        .map(|r| entry(&viewer, "absence.write", Some(r.child_id), None, true))
        .collect();
    let (changed, _) = state
        .store
        .register_absence_with_reasons(
            card.municipality_id,
            &registrations,
            &reasons,
            Some(viewer.user.id),
            now(),
            &audits,
            today,
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/klasser/{class_id}/fremmoede?dato={date}&modul={slot}&gemt={changed}#gemt"
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
pub struct AlertQuery {
    status: Option<String>,
    regel: Option<String>,
    /// Text, so that "Alle" (empty) means no class filter.
    klasse: Option<String>,
    /// "1": only pupils with an alert since their class's last monthly review.
    nye: Option<String>,
}

fn status_label(status: &str) -> &'static str {
    match status {
        "open" => "Åben",
        "closed" => "Lukket",
        _ => "Bortfaldet",
    }
}

/// The institution's absence alerts, with filters; for its leadership and trivselsperson.
pub async fn alerts(State(state): State<AppState>, viewer: Viewer, Query(q): Query<AlertQuery>) -> Page {
    let cause = q.regel.as_deref().and_then(AlertCause::from_id);
    let class = q.klasse.as_deref().and_then(|c| c.parse::<i64>().ok());
    let status = q
        .status
        .clone()
        .filter(|s| ["open", "closed", "withdrawn"].contains(&s.as_str()));
    let shown = Some(status.clone().unwrap_or_else(|| "open".into())).filter(|s| s != "alle");
    let ask = Ask {
        audit_action: "absence.alerts.read",
        child_id: None,
        criterion: Some(format!(
            "advarsler status={shown:?} regel={cause:?} klasse={class:?} nye={:?}",
            q.nye
        )),
        denied: "Advarsler er for skolens ledelse og trivselsperson.",
    };
    let (institution_id, granted) = authorize_own_institution(&state, &viewer, Action::Read, ask).await?;
    let today = today();
    let filter = AlertFilter {
        institution_id: Some(institution_id),
        class: class.map(|c| (c, today)),
        status: shown,
        cause,
        ..AlertFilter::default()
    };
    let (alerts, classes, staff, councils) = tokio::try_join!(
        state.store.alerts(&filter),
        state.store.class_cards(&[], Some(institution_id)),
        state.store.institution_staff(institution_id),
        state
            .store
            .meetings_of_institution(institution_id, Some(MeetingKind::AbsenceCouncil))
    )?;
    let council_of: HashMap<i64, &Meeting> = councils.iter().filter_map(|m| Some((m.alert_id?, m))).collect();
    let with_reason: Vec<i64> = alerts
        .iter()
        .filter(|a| a.cause == AlertCause::WorryingReason)
        .map(|a| a.child_id)
        .collect();
    let reasons = state.store.worrying_reasons(&with_reason).await?;
    let reviewed = last_reviews(&state, institution_id, &classes, today).await?;
    let changed_only = q.nye.as_deref() == Some("1");
    audit_shown(&state, &granted.audit, true, alerts.iter().map(|a| a.child_id)).await?;
    let body = html! {
        h1 { "Fraværsadvarsler" }
        p { a href="/fravaer/varsling" { "Varsling af forældrene ved 10 % ulovligt fravær i kvartalet" } }
        form.inline method="get" action="/fravaer/advarsler" {
            label for="status" { "Status" }
            select id="status" name="status" {
                @for (value, label) in [("open", "Åbne"), ("closed", "Lukkede"), ("withdrawn", "Bortfaldne")] {
                    option value=(value) selected[filter.status.as_deref() == Some(value)] { (label) }
                }
            }
            label for="regel" { "Regel" }
            select id="regel" name="regel" {
                option value="" { "Alle" }
                @for c in Rule::ALL.into_iter().map(AlertCause::Rule).chain([AlertCause::WorryingReason]) {
                    option value=(c.id()) selected[cause == Some(c)] { (c.navn()) }
                }
            }
            label.check {
                input type="checkbox" name="nye" value="1" checked[changed_only];
                "Kun elever med nyt siden månedsgennemgangen"
            }
            label for="klasse" { "Klasse" }
            select id="klasse" name="klasse" {
                option value="" { "Alle" }
                @for c in &classes { option value=(c.id) selected[class == Some(c.id)] { (c.name) } }
            }
            button type="submit" { "Filtrér" }
        }
        @let pupils: Vec<_> = by_pupil(&alerts)
            .into_iter()
            .filter(|p| !changed_only || p.iter().any(|a| is_new(a, &reviewed)))
            .collect();
        p { (alerts.len()) @if alerts.len() == 1 { " advarsel" } @else { " advarsler" } " om "
            (pupils.len()) @if pupils.len() == 1 { " elev" } @else { " elever" }
            ", de mest alvorlige først." }
        @let convenes = may_convene(&viewer.actor, MeetingKind::AbsenceCouncil, viewer.user.municipality_id, institution_id);
        @for pupil in &pupils {
            (pupil_card(pupil, &staff, convenes, &council_of, &reasons, &reviewed))
        }
    };
    Ok(shell::page("Fraværsadvarsler", Some(&viewer), "/fravaer/advarsler", body).into_response())
}

/// When each pupil's class (today) was last reviewed (the monthly absence review), by pupil.
async fn last_reviews(
    state: &AppState,
    institution_id: i64,
    classes: &[ClassCard],
    today: NaiveDate,
) -> Result<HashMap<i64, chrono::DateTime<chrono::Utc>>, PageError> {
    let mut by_class: HashMap<i64, chrono::DateTime<chrono::Utc>> = HashMap::new();
    for r in state.store.reviews(institution_id).await? {
        let at = by_class.entry(r.class_id).or_insert(r.reviewed_at);
        *at = (*at).max(r.reviewed_at);
    }
    let mut by_pupil = HashMap::new();
    for class in classes {
        if let Some(at) = by_class.get(&class.id) {
            for p in state.store.class_pupils(class.id, today).await? {
                by_pupil.insert(p.id, *at);
            }
        }
    }
    Ok(by_pupil)
}

/// Whether the alert came after the last monthly review of the pupil's class (every alert is
/// new while the class has none).
fn is_new(alert: &trivsel_store::Alert, reviewed: &HashMap<i64, chrono::DateTime<chrono::Utc>>) -> bool {
    reviewed.get(&alert.child_id).is_none_or(|at| alert.created_at > *at)
}

/// The alerts grouped by pupil, newest first within each; the most serious pupils first (the
/// sum of their open alerts' `AlertCause::seriousness`), then the most recent. A list a leader
/// can work through: one row per pupil.
pub(super) fn by_pupil(alerts: &[trivsel_store::Alert]) -> Vec<Vec<&trivsel_store::Alert>> {
    let mut pupils: Vec<Vec<&trivsel_store::Alert>> = Vec::new();
    for a in alerts {
        match pupils.iter_mut().find(|p| p[0].child_id == a.child_id) {
            Some(p) => p.push(a),
            None => pupils.push(vec![a]),
        }
    }
    for p in &mut pupils {
        p.sort_by_key(|a| std::cmp::Reverse((a.trigger_date, a.id)));
    }
    let seriousness = |p: &[&trivsel_store::Alert]| -> u32 {
        p.iter()
            .filter(|a| a.status == "open")
            .map(|a| a.cause.seriousness())
            .sum()
    };
    pupils.sort_by_key(|p| {
        (
            std::cmp::Reverse(seriousness(p)),
            std::cmp::Reverse(p.len()),
            std::cmp::Reverse(p[0].trigger_date),
            p[0].child_name.clone(),
        )
    });
    pupils
}

/// A pupil's alerts: each rule with its date and what has been done, the fraværssamråd (or the
/// link to convene one from the newest open alert, if the viewer may), and the handling forms
/// folded until asked for.
fn pupil_card(
    alerts: &[&trivsel_store::Alert],
    staff: &[trivsel_store::User],
    convenes: bool,
    council_of: &HashMap<i64, &Meeting>,
    reasons: &std::collections::BTreeMap<(i64, NaiveDate), String>,
    reviewed: &HashMap<i64, chrono::DateTime<chrono::Utc>>,
) -> Markup {
    let first = alerts[0];
    let councils: Vec<&Meeting> = alerts.iter().filter_map(|a| council_of.get(&a.id).copied()).collect();
    let open: Vec<_> = alerts.iter().filter(|a| a.status == "open").collect();
    // A new samråd only while none is under way, from the newest open alert without one.
    let under_way = councils.iter().any(|m| m.status != MeetingStatus::Closed);
    let convene_from = open
        .iter()
        .find(|a| !council_of.contains_key(&a.id))
        .filter(|_| convenes && !under_way);
    html! {
        section.alert aria-labelledby={ "elev-" (first.child_id) } {
            h2 id={ "elev-" (first.child_id) } {
                a href=(links::child(first.child_id)) { (first.child_name) }
                ": " (alerts.len()) @if alerts.len() == 1 { " advarsel" } @else { " advarsler" }
            }
            @let new = alerts.iter().filter(|a| is_new(a, reviewed)).count();
            @match reviewed.get(&first.child_id) {
                Some(at) if new > 0 => {
                    p.changed { strong { (new) @if new == 1 { " ny" } @else { " nye" } } " siden månedsgennemgangen " (local_date(*at)) "." }
                }
                Some(_) => {}
                None => { p.changed { "Klassen er ikke månedsgennemgået endnu." } }
            }
            ul.plain {
                @for a in alerts {
                    li {
                        strong { (a.cause.navn()) } ", udløst " (danish_date(a.trigger_date)) " · " (status_label(&a.status))
                        @if reviewed.contains_key(&a.child_id) && is_new(a, reviewed) { " · " em { "ny" } }
                        @if let Some(reason) = reasons.get(&(a.child_id, a.trigger_date)).filter(|_| a.cause == AlertCause::WorryingReason) {
                            " · Årsag: «" (reason) "»"
                        }
                        @if let Some(name) = &a.assigned_name { " · Ansvarlig: " (name) }
                        @if let Some(note) = &a.note { " · Gjort: " (note) }
                    }
                }
            }
            @for m in &councils {
                p { "Fraværssamråd: " a href={ "/moeder/" (m.id) } { (local_time(m.starts_at)) }
                    " · " (m.status.navn()) }
            }
            @if let Some(a) = convene_from {
                p { a href={ "/moeder/ny?type=fravaerssamraad&barn=" (a.child_id) "&advarsel=" (a.id) } { "Indkald til fraværssamråd om " (a.child_name) } }
            }
            @if !open.is_empty() {
                details {
                    summary { "Behandl " @if open.len() == 1 { "advarslen" } @else { "advarslerne (" (open.len()) ")" } }
                    @for a in &open {
                        form.stack method="post" action={ "/fravaer/advarsler/" (a.id) } {
                            h3 { (a.cause.navn()) ", " (format_date(a.trigger_date)) }
                            label for={ "ansvarlig-" (a.id) } { "Ansvarlig" }
                            select id={ "ansvarlig-" (a.id) } name="ansvarlig" {
                                option value="" { "(ingen)" }
                                @for u in staff { option value=(u.id) selected[a.assigned_to == Some(u.id)] { (u.name) } }
                            }
                            label for={ "note-" (a.id) } { "Hvad er gjort" }
                            textarea id={ "note-" (a.id) } name="note" rows="2" { (a.note.as_deref().unwrap_or("")) }
                            div.buttons {
                                button type="submit" name="handling" value="gem" { "Gem" }
                                button type="submit" name="handling" value="luk" { "Gem og luk" }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct AlertForm {
    ansvarlig: Option<String>,
    note: Option<String>,
    handling: Option<String>,
}

pub async fn handle_alert(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AlertForm>,
) -> Page {
    let alert = state.store.alert(id).await?;
    let resource = alert
        .as_ref()
        .and_then(|a| a.institution_id)
        .map(|i| Resource::Institution {
            municipality_id: viewer.user.municipality_id,
            institution_id: i,
        });
    let ask = Ask {
        audit_action: "absence.alert.write",
        child_id: alert.as_ref().map(|a| a.child_id),
        criterion: Some(format!("advarsel {id}")),
        denied: "Du kan ikke behandle denne advarsel.",
    };
    let granted = authorize_resource(&state, &viewer, Action::Write, resource.as_ref(), ask).await?;
    let alert = alert.expect("granted");
    let staff = state
        .store
        .institution_staff(alert.institution_id.unwrap_or_default())
        .await?;
    let assigned = form.ansvarlig.as_deref().and_then(|v| v.parse::<i64>().ok());
    if assigned.is_some_and(|a| !staff.iter().any(|u| u.id == a)) {
        return Err(bad_request(&viewer, "Den ansvarlige skal være ansat på skolen."));
    }
    let note = form.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 2000) {
        return Err(bad_request(&viewer, "Noten må højst have 2000 tegn."));
    }
    let close = form.handling.as_deref() == Some("luk");
    let closing = close.then(|| (viewer.user.id, now()));
    state
        .store
        .handle_alert(id, assigned, note, closing, &granted.audit)
        .await?;
    Ok(Redirect::to("/fravaer/advarsler").into_response())
}
