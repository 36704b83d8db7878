//! The front page (forside) and service endpoints.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Local;
use maud::html;
use trivsel_domain::access::{Action, Resource, can};

use crate::session::Viewer;
use crate::{AppState, layout};

pub async fn front(State(state): State<AppState>, viewer: Viewer) -> Response {
    let user = &viewer.user;
    let today = Local::now().date_naive();
    let municipality = match state.store.municipalities().await {
        Ok(all) => all.into_iter().find(|m| m.id == user.municipality_id),
        Err(e) => return layout::server_error(&e),
    };
    let aggregates = can(
        &viewer.actor,
        Action::Read,
        &Resource::Aggregates {
            municipality_id: user.municipality_id,
        },
    );
    let (overview, institutions) = if aggregates {
        match tokio::try_join!(
            state.store.overview(user.municipality_id, today),
            state.store.institutions(user.municipality_id)
        ) {
            Ok((o, i)) => (Some(o), i),
            Err(e) => return layout::server_error(&e),
        }
    } else {
        (None, Vec::new())
    };
    let overdue = match crate::reviews::overdue_section(&state, &viewer).await {
        Ok(section) => section,
        Err(response) => return response,
    };
    let tasks = match crate::tasks::front_section(&state, &viewer).await {
        Ok(section) => section,
        Err(response) => return response,
    };
    let meetings = match crate::meetings::front_section(&state, &viewer).await {
        Ok(section) => section,
        Err(response) => return response,
    };
    let body = html! {
        h1 { "Forside" }
        p { "Velkommen, " (user.name) ". Du er logget ind som " (user.role.navn().to_lowercase())
            @if let Some(m) = &municipality { " i " (m.name) } "." }
        @if let Some(section) = &overdue { (section) }
        @if let Some(section) = &tasks { (section) }
        @if let Some(section) = &meetings { (section) }
        @if let Some(o) = overview {
            section aria-labelledby="kommune-titel" {
                h2 id="kommune-titel" { "Kommunen i tal" }
                dl.figures {
                    div { dt { "Institutioner" } dd { (o.institutions) } }
                    div { dt { "Klasser og grupper" } dd { (o.classes) } }
                    div { dt { "Indskrevne børn i dag" } dd { (o.children_enrolled) } }
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
    layout::page("Forside", Some(user), "/", body).into_response()
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

pub async fn not_found() -> Response {
    layout::not_found()
}
