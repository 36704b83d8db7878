//! Monthly absence review (månedlig gennemgang): a leader records per class and month that
//! absence was reviewed; classes not reviewed by the end of the following month show as
//! overdue on the leader's front page. Both sections are panels (`front_panel`, `class_panel`)
//! that `crate::app` registers for the front page and the class page.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, Resource, can};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::deadlines::{Month, overdue_reviews};
use trivsel_store::ClassCard;

use crate::kit::access::{Ask, Granted, authorize_resource, no_school_days};
use crate::kit::clock::{now, today};
use crate::kit::format::format_date;
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links};

/// Classes whose monthly review is overdue, on the front page.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(overdue_section(state, viewer))
}

/// The class's monthly reviews, on the class page.
pub fn class_panel<'a>(state: &'a AppState, viewer: &'a Viewer, card: &'a ClassCard) -> PanelFuture<'a> {
    Box::pin(class_section(state, viewer, card))
}

fn may_review(viewer: &Viewer, institution_id: i64) -> bool {
    can(
        &viewer.actor,
        Action::Write,
        &Resource::Institution {
            municipality_id: viewer.user.municipality_id,
            institution_id,
        },
    )
}

/// Months of the current school year up to this one, newest first.
fn months_so_far() -> Vec<Month> {
    let today = today();
    let mut month = Month::of(SchoolYear::of(today).first_day());
    let mut out = Vec::new();
    while month <= Month::of(today) {
        out.push(month);
        month = month.next();
    }
    out.reverse();
    out
}

/// The class page's review section, for those who may review.
async fn class_section(state: &AppState, viewer: &Viewer, card: &ClassCard) -> Result<Option<Markup>, PageError> {
    if !card.kind.has_school_days() || !may_review(viewer, card.institution_id) {
        return Ok(None);
    }
    let reviews = state.store.reviews(card.institution_id).await?;
    let mine: Vec<_> = reviews.iter().filter(|r| r.class_id == card.id).collect();
    Ok(Some(html! {
        section aria-labelledby="gennemgang-titel" {
            h2 id="gennemgang-titel" { "Månedlig gennemgang af fravær" }
            @if mine.is_empty() { p { "Ingen gennemgange registreret." } } @else {
                ul { @for r in &mine {
                    li { (r.month.navn()) ": " (r.reviewed_by) ", " (format_date(r.reviewed_at.date_naive()))
                        @if let Some(c) = &r.comment { " – " (c) } }
                } }
            }
            form.stack method="post" action={ "/klasser/" (card.id) "/gennemgang" } {
                label for="maaned" { "Måned" }
                select id="maaned" name="maaned" {
                    @for m in months_so_far() { option value=(m.id()) { (m.navn()) } }
                }
                label for="kommentar" { "Kommentar (valgfri)" }
                textarea id="kommentar" name="kommentar" rows="2" {}
                button type="submit" { "Registrér gennemgang" }
            }
        }
    }))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    maaned: String,
    kommentar: Option<String>,
}

pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(class_id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Page {
    let card = state.store.class_card(class_id).await?;
    let school = card.as_ref().map(|c| Resource::Institution {
        municipality_id: viewer.user.municipality_id,
        institution_id: c.institution_id,
    });
    let ask = Ask {
        audit_action: "absence.review",
        child_id: None,
        criterion: Some(format!("klasse {class_id}")),
        denied: "Kun skolens ledelse registrerer den månedlige gennemgang.",
    };
    let Granted { mut audit, .. } = authorize_resource(&state, &viewer, Action::Write, school.as_ref(), ask).await?;
    let card = card.expect("granted for a class");
    if !card.kind.has_school_days() {
        return Err(no_school_days(&state, audit, "ingen fraværsgennemgang").await);
    }
    let Some(month) = Month::parse(&form.maaned).filter(|m| months_so_far().contains(m)) else {
        return Err(PageError::forbidden(
            &viewer,
            "Vælg en måned i det indeværende skoleår.",
        ));
    };
    let comment = form
        .kommentar
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty() && c.chars().count() <= 2000);
    audit.criterion = Some(format!("klasse {class_id} {}", month.id()));
    state
        .store
        .record_review(card.id, month, viewer.user.id, now(), comment, &audit)
        .await?;
    Ok(Redirect::to(&links::class(class_id)).into_response())
}

/// The leader's front-page list of classes whose monthly review is overdue.
async fn overdue_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let Some(institution_id) = viewer.user.institution_id.filter(|i| may_review(viewer, *i)) else {
        return Ok(None);
    };
    let (classes, reviews) = tokio::try_join!(
        state.store.class_cards(&[], Some(institution_id)),
        state.store.reviews(institution_id)
    )?;
    let today = today();
    if viewer.institution_kind.is_some_and(|k| !k.has_school_days()) {
        return Ok(None);
    }
    let overdue: Vec<(&ClassCard, Vec<Month>)> = classes
        .iter()
        .filter(|c| c.kind.has_school_days())
        .map(|c| {
            let done: Vec<Month> = reviews.iter().filter(|r| r.class_id == c.id).map(|r| r.month).collect();
            (c, overdue_reviews(today, &done))
        })
        .filter(|(_, months)| !months.is_empty())
        .collect();
    Ok(Some(html! {
        section aria-labelledby="forsinket-titel" {
            h2 id="forsinket-titel" { "Månedlig gennemgang af fravær" }
            @if overdue.is_empty() {
                p { "Alle klasser er gennemgået til tiden." }
            } @else {
                @let months: usize = overdue.iter().map(|(_, m)| m.len()).sum();
                p.error { (overdue.len()) @if overdue.len() == 1 { " klasse mangler" } @else { " klasser mangler" }
                    " gennemgang efter fristen (udgangen af den følgende måned), i alt " (months)
                    @if months == 1 { " måned." } @else { " måneder." } }
                details {
                    summary { "Se klasserne og månederne" }
                    ul.links { @for (c, months) in &overdue {
                        li { a href=(links::class(c.id)) { (c.name) } ": "
                            (months.iter().map(|m| m.navn()).collect::<Vec<_>>().join(", ")) }
                    } }
                }
            }
        }
    }))
}
