//! The sub-menu of a child's or class's case pages.

use maud::{Markup, html};
use trivsel_domain::access::{Action, ChildData};

use crate::kit::Viewer;
use crate::kit::access::{Subject, may};

/// The sub-menu of a child's or class's case pages, showing only what the viewer may open.
pub fn case_nav(viewer: &Viewer, subject: &Subject, current: &str) -> Markup {
    let base = subject.base();
    let concerns = may(viewer, subject, Action::Read, ChildData::Concerns);
    let plans = may(viewer, subject, Action::Read, ChildData::Plans);
    let mut items: Vec<(String, &str)> = vec![(
        base.clone(),
        if subject.child_id().is_some() {
            "Barnets side"
        } else {
            "Klassens side"
        },
    )];
    if concerns {
        items.push((format!("{base}/bekymringer"), "Bekymringer"));
        if subject.child_id().is_some() {
            items.push((format!("{base}/kronologi"), "Kronologi"));
        }
        items.push((format!("{base}/indsatstrin"), "Indsatstrin"));
    }
    if plans {
        items.push((format!("{base}/planer"), "Mål- og indsatsplaner"));
    }
    html! {
        nav.case aria-label={ "Sagen om " (subject.described()) } {
            ul {
                @for (href, label) in &items {
                    li {
                        @if href == current {
                            a href=(href) aria-current="page" { (label) }
                        } @else {
                            a href=(href) { (label) }
                        }
                    }
                }
            }
        }
    }
}
