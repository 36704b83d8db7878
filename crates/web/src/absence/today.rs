//! The day's absence work on the front page: a teacher's roll calls today with their status,
//! and for the school's leadership the open alerts, with whether a fraværssamråd is convened.

use std::collections::HashMap;

use maud::{Markup, html};
use trivsel_domain::access::{Action, Resource, can};
use trivsel_domain::meetings::MeetingKind;
use trivsel_store::{AlertFilter, Meeting};

use crate::kit::access::{audit_shown, entry};
use crate::kit::clock::today;
use crate::kit::format::format_date;
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, PageError, Viewer, links};

/// Pupils with open alerts listed by name on the front page; the rest are counted.
const ALERTS_SHOWN: usize = 5;

/// «Dagens fremmøde» for the classes the viewer teaches.
pub fn roll_call_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(roll_calls(state, viewer))
}

/// «Fravær at handle på» for the school's leadership.
pub fn alerts_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(open_alerts(state, viewer))
}

/// A pupil's open rules, each once: «Kommer og går (5 gange), 7 af 20 skoledage».
fn rules_in_words(alerts: &[&trivsel_store::Alert]) -> String {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for a in alerts {
        match counted.iter_mut().find(|(name, _)| *name == a.cause.navn()) {
            Some((_, n)) => *n += 1,
            None => counted.push((a.cause.navn(), 1)),
        }
    }
    let words: Vec<String> = counted
        .into_iter()
        .map(|(name, n)| {
            if n == 1 {
                name.to_string()
            } else {
                format!("{name} ({n} gange)")
            }
        })
        .collect();
    words.join(", ")
}

async fn roll_calls(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let ids = &viewer.actor.class_ids;
    if ids.is_empty() {
        return Ok(None);
    }
    let today = today();
    let classes: Vec<_> = state
        .store
        .class_cards(ids, None)
        .await?
        .into_iter()
        .filter(|c| c.kind.has_school_days())
        .collect();
    let Some(first) = classes.first() else {
        return Ok(None);
    };
    let counts = state.store.class_registration_counts(ids, today).await?;
    let school_day = state
        .store
        .school_calendar(first.institution_id)
        .await?
        .is_school_day(today);
    Ok(Some(html! {
        section aria-labelledby="fremmoede-titel" {
            h2 id="fremmoede-titel" { "Dagens fremmøde" }
            @if !school_day { p { "I dag, " (format_date(today)) ", er ikke en skoledag." } }
            ul.links {
                @for c in &classes {
                    @let (enrolled, registered) = counts.get(&c.id).copied().unwrap_or((0, 0));
                    li {
                        a href={ "/klasser/" (c.id) "/fremmoede" } { "Fremmøde " (c.name) }
                        " – "
                        @if registered == 0 { "ikke taget i dag" }
                        @else if registered >= enrolled { "taget for alle " (enrolled) " elever" }
                        @else { (registered) " af " (enrolled) " elever registreret" }
                    }
                }
            }
        }
    }))
}

async fn open_alerts(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let municipality_id = viewer.user.municipality_id;
    let Some(institution_id) = viewer.user.institution_id.filter(|i| {
        can(
            &viewer.actor,
            Action::Read,
            &Resource::Institution {
                municipality_id,
                institution_id: *i,
            },
        )
    }) else {
        return Ok(None);
    };
    if viewer.institution_kind.is_some_and(|k| !k.has_school_days()) {
        return Ok(None);
    }
    let filter = AlertFilter {
        institution_id: Some(institution_id),
        status: Some("open".into()),
        ..AlertFilter::default()
    };
    let (alerts, councils) = tokio::try_join!(
        state.store.alerts(&filter),
        state
            .store
            .meetings_of_institution(institution_id, Some(MeetingKind::AbsenceCouncil))
    )?;
    let council_of: HashMap<i64, &Meeting> = councils.iter().filter_map(|m| Some((m.alert_id?, m))).collect();
    let without = alerts.iter().filter(|a| !council_of.contains_key(&a.id)).count();
    // The pupils with the newest alerts, each once with all of its open rules.
    let mut shown = super::roll_call::by_pupil(&alerts);
    let pupils = shown.len();
    shown.sort_by_key(|p| std::cmp::Reverse((p[0].trigger_date, p[0].id)));
    shown.truncate(ALERTS_SHOWN);
    let audit = entry(viewer, "absence.alerts.read", None, None, true);
    audit_shown(state, &audit, false, shown.iter().map(|p| p[0].child_id)).await?;
    Ok(Some(html! {
        section aria-labelledby="advarsler-titel" {
            h2 id="advarsler-titel" { "Fravær at handle på" }
            @if alerts.is_empty() {
                p { "Ingen åbne fraværsadvarsler." }
            } @else {
                p {
                    a href="/fravaer/advarsler" { (alerts.len()) @if alerts.len() == 1 { " åben advarsel" } @else { " åbne advarsler" } }
                    " om " (pupils) @if pupils == 1 { " elev" } @else { " elever" }
                    @if without > 0 { ", heraf " (without) " uden fraværssamråd" } "."
                }
                ul.links {
                    @for p in &shown {
                        li {
                            a href=(links::child(p[0].child_id)) { (p[0].child_name) } ": "
                            (rules_in_words(p))
                            ", senest " (format_date(p[0].trigger_date))
                            @if p.iter().any(|a| council_of.contains_key(&a.id)) { " · samråd indkaldt" }
                        }
                    }
                }
            }
        }
    }))
}
