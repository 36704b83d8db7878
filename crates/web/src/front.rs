//! The front page (forside) and service endpoints.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use trivsel_domain::access::{Action, Resource, can};

use crate::kit::clock::today;
use crate::kit::format::number;
use crate::kit::menu::MenuItem;
use crate::kit::{AppState, Page, PageError, Viewer, panels, shell};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 0,
    href: "/",
    label: "Forside",
    daycare_label: None,
    school_only: false,
    daycare_only: false,
    shown: |_| true,
}];

pub async fn front(State(state): State<AppState>, viewer: Viewer) -> Page {
    let user = &viewer.user;
    let municipality = state
        .store
        .municipalities()
        .await?
        .into_iter()
        .find(|m| m.id == user.municipality_id);
    let aggregates = can(
        &viewer.actor,
        Action::Read,
        &Resource::Aggregates {
            municipality_id: user.municipality_id,
        },
    );
    // The municipality's figures are the front page of municipal staff; school staff land on
    // their own school's work instead.
    let (overview, institutions) = if aggregates && user.institution_id.is_none() {
        let (o, i) = tokio::try_join!(
            state.store.overview(user.municipality_id, today()),
            state.store.institutions(user.municipality_id)
        )?;
        (Some(o), i)
    } else {
        (None, Vec::new())
    };
    // Sections of other features (overdue reviews, tasks, meetings), registered in `app()`.
    let sections = panels::front(&state, &viewer).await?;
    let body = html! {
        h1 { "Forside" }
        p { "Velkommen, " (user.name) ". Du er logget ind som " (in_sentence(user.role.navn_at(viewer.institution_kind)))
            @if let Some(m) = &municipality { " i " (m.name) } "." }
        @for section in &sections { (section) }
        @if let Some(o) = overview {
            section aria-labelledby="kommune-titel" {
                h2 id="kommune-titel" { "Kommunen i tal" }
                dl.figures {
                    div { dt { "Institutioner" } dd { (number(o.institutions)) } }
                    div { dt { "Klasser og grupper" } dd { (number(o.classes)) } }
                    div { dt { "Indskrevne børn i dag" } dd { (number(o.children_enrolled)) } }
                }
            }
            section aria-labelledby="inst-titel" {
                h2 id="inst-titel" { "Institutioner" }
                table {
                    caption.visually-hidden { "Kommunens institutioner" }
                    thead { tr { th scope="col" { "Kode" } th scope="col" { "Navn" } th scope="col" { "Type" } } }
                    tbody {
                        @for i in &institutions {
                            tr { td { (i.code) } td { (i.name) } td { (i.kind.navn()) } }
                        }
                    }
                }
            }
        }
    };
    Ok(shell::page("Forside", Some(&viewer), "/", body).into_response())
}

/// Liveness and database reachability, for load balancers and monitoring.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.municipalities().await {
        Ok(_) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unavailable" })),
            )
                .into_response()
        }
    }
}

/// An address that does not exist: the Danish 404 page, inside the menu and «Log ud» for a
/// logged-in user, so nobody is left at a dead end.
pub async fn not_found(viewer: Result<Viewer, Response>) -> PageError {
    PageError::not_found_for(viewer.as_ref().ok())
}

/// A role's name inside a sentence: «skoleleder», but «PPR-psykolog» and «SSP/UU-vejleder»
/// keep their capitals.
fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn role_names_inside_a_sentence() {
        assert_eq!(super::in_sentence("Skoleleder"), "skoleleder");
        assert_eq!(super::in_sentence("PPR-psykolog"), "PPR-psykolog");
        assert_eq!(super::in_sentence("SSP/UU-vejleder"), "SSP/UU-vejleder");
    }
}
