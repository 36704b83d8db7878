//! A plan's content and evaluations as read-only HTML: on the plan page, in its print view and
//! in the PKU bundle.

use maud::{Markup, html};
use trivsel_domain::cases::{PlanContent, label};
use trivsel_store::Evaluation;

use crate::kit::form::text;
use crate::kit::format::format_date;

fn heading(level: u8, title: &str) -> Markup {
    match level {
        2 => html! { h2 { (title) } },
        3 => html! { h3 { (title) } },
        _ => html! { h4 { (title) } },
    }
}

/// A plan's content (SMTTE, the child's voice, the parents' perspective), headings at `level`.
pub fn content_view(c: &PlanContent, level: u8) -> Markup {
    html! {
        (heading(level, label::CONTEXT)) (text(&c.context))
        (heading(level, label::GOALS)) (text(&c.goals))
        (heading(level, label::SIGNS)) (text(&c.signs))
        (heading(level, label::ACTIONS))
        @if c.actions.is_empty() { p.hint { "Ingen tiltag." } } @else {
            table.actions {
                thead { tr {
                    th scope="col" { "Hvad" } th scope="col" { "Ansvarlig" } th scope="col" { "Fra" } th scope="col" { "Til" }
                } }
                tbody { @for a in &c.actions {
                    tr {
                        td.text { (a.what) }
                        td { @if a.responsible_name.trim().is_empty() { "ikke angivet" } @else { (a.responsible_name) } }
                        td { (format_date(a.from)) }
                        td { (format_date(a.to)) }
                    }
                } }
            }
        }
        (heading(level, label::EVALUATION_DATES))
        @if c.evaluation_dates.is_empty() { p.hint { "Ingen." } } @else {
            ul { @for d in &c.evaluation_dates { li { (format_date(*d)) } } }
        }
        (heading(level, label::CHILD_VOICE)) (text(&c.child_voice))
        @if !c.pupil_voice.is_empty() {
            (heading(level, label::PUPIL_VOICE)) (text(&c.pupil_voice))
        }
        (heading(level, label::PARENTS_PERSPECTIVE)) (text(&c.parents_perspective))
        (heading(level, label::END_DATE))
        p { @if let Some(d) = c.end_date { (format_date(d)) } @else { "Ingen slutdato." } }
    }
}

/// A plan's evaluations.
pub fn evaluations_view(evaluations: &[Evaluation]) -> Markup {
    html! {
        @if evaluations.is_empty() { p { "Planen er ikke evalueret endnu." } } @else {
            ul.evaluations {
                @for e in evaluations {
                    li {
                        strong { (format_date(e.date)) ": " (e.result.navn()) }
                        (text(&e.text))
                        @if !e.next_step.trim().is_empty() { p { strong { "Næste skridt: " } (e.next_step) } }
                        p.meta { "Evalueret af " (e.evaluated_by_name) }
                    }
                }
            }
        }
    }
}
