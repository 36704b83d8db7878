//! The JSON API (version 1), described by the OpenAPI document at `/api/v1/openapi.json`.
//! Requests are authenticated by the same session as the pages (log in first); write requests
//! must be JSON, which a cross-site form cannot send.

use std::collections::{BTreeSet, HashMap};

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use trivsel_domain::absence::Code;
use trivsel_domain::access::{Action, ChildData, Resource, can};
use trivsel_domain::validate;
use trivsel_store::Registration;

use crate::kit::access::{count_refusals, entry};
use crate::kit::clock::{now, today};
use crate::kit::session::{MaybeSession, Viewer};
use crate::kit::{AppState, Page, PageError};

/// A JSON error that ends the request.
fn problem(status: StatusCode, message: &str) -> PageError {
    PageError::response((status, Json(json!({ "error": message }))))
}

/// A logged-in user for the API: like [`Viewer`], but refused with 401 JSON instead of a
/// redirect to the login page.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeSession::from_request_parts(parts, state).await?.0 {
            Some(s) if !s.mfa_pending => {
                if let Some(wait) = state.refusals.wait(s.user.id, now()) {
                    let message = format!("for mange afviste forsøg; prøv igen om {wait} sekunder");
                    return Err(problem(StatusCode::TOO_MANY_REQUESTS, &message).into_response());
                }
                Viewer::of(s, parts, state)
                    .await
                    .map(ApiViewer)
                    .map_err(|_| problem(StatusCode::INTERNAL_SERVER_ERROR, "databasefejl").into_response())
            }
            _ => Err(problem(StatusCode::UNAUTHORIZED, "log ind først").into_response()),
        }
    }
}

#[derive(Deserialize)]
pub struct Batch {
    registrations: Vec<Item>,
}

#[derive(Deserialize)]
pub struct Item {
    pupil_id: String,
    date: String,
    slot: i64,
    code: String,
}

#[derive(Serialize)]
struct ItemError {
    index: usize,
    field: &'static str,
    message: String,
}

/// Stores a batch of registrations: all of them, or none with an error per bad item.
pub async fn register(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    body: Result<Json<Batch>, JsonRejection>,
) -> Page {
    // Every failure is the documented JSON error, in Danish.
    let Json(batch) = body.map_err(|rejection| {
        match rejection.status() {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "kroppen skal være JSON (Content-Type: application/json)",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => problem(StatusCode::PAYLOAD_TOO_LARGE, "kroppen er for stor"),
            // Unreadable JSON and JSON of the wrong shape alike: 422 is kept for items.
            _ => problem(
                StatusCode::BAD_REQUEST,
                &format!("kroppen kan ikke læses: {}", rejection.body_text()),
            ),
        }
    })?;
    if batch.registrations.len() > 10_000 {
        return Err(problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "højst 10.000 registreringer pr. kald",
        ));
    }
    let database = |_| problem(StatusCode::INTERNAL_SERVER_ERROR, "databasefejl");
    let m = viewer.user.municipality_id;
    let children = state.store.child_ids(m).await.map_err(database)?;
    let no_school = state.store.children_without_school(m).await.map_err(database)?;
    let today = today();
    let mut errors = Vec::new();
    let mut registrations = Vec::new();
    // Refusals, one audit row per child (or unknown id) however often it appears.
    let mut denied = BTreeSet::new();
    // The policy's answer per pupil: a batch names the same pupils many times.
    let mut allowed: HashMap<i64, bool> = HashMap::new();
    for (index, item) in batch.registrations.iter().enumerate() {
        let mut fail = |field, message: String| errors.push(ItemError { index, field, message });
        // An unknown pupil and one of another school are answered alike, so ids cannot be
        // probed, and both are audited.
        let pupil = item.pupil_id.trim();
        let child_id = children.get(pupil).copied();
        let writable = match child_id {
            Some(id) => match allowed.get(&id) {
                Some(yes) => *yes,
                None => {
                    let context = state.store.child_context(id, today).await.map_err(database)?;
                    let yes = context
                        .is_some_and(|c| can(&viewer.actor, Action::Write, &Resource::Child(&c, ChildData::Absence)));
                    allowed.insert(id, yes);
                    yes
                }
            },
            None => false,
        };
        let Some(child_id) = child_id.filter(|_| writable) else {
            let shown: String = pupil.chars().take(64).collect();
            denied.insert((child_id, child_id.is_none().then(|| shown.clone())));
            fail(
                "pupil_id",
                format!("du har ikke adgang til at registrere fravær for «{shown}»"),
            );
            continue;
        };
        if no_school.contains(&child_id) {
            fail(
                "pupil_id",
                format!("«{pupil}» går ikke i skole (dagtilbud); der registreres ikke fravær"),
            );
            continue;
        }
        let date = match validate::parse_date(&item.date) {
            Ok(d) if d <= today => d,
            Ok(_) => {
                fail("date", "fremtidige datoer kan ikke registreres".into());
                continue;
            }
            Err(m) => {
                fail("date", m);
                continue;
            }
        };
        if !(1..=12).contains(&item.slot) {
            fail(
                "slot",
                format!("{} er ikke et registreringsnummer fra 1 til 12", item.slot),
            );
            continue;
        }
        let code = match Code::parse(&item.code) {
            Ok(c) => c,
            Err(m) => {
                fail("code", m);
                continue;
            }
        };
        registrations.push(Registration {
            child_id,
            date,
            slot: item.slot as u8,
            code,
        });
    }
    let refusals: Vec<_> = denied
        .into_iter()
        .map(|(child, unknown)| {
            let criterion = match unknown {
                Some(id) => format!("api, ukendt elev «{id}»"),
                None => "api".into(),
            };
            entry(&viewer, "absence.write", child, Some(criterion), false)
        })
        .collect();
    state.store.audit_all(&refusals).await.map_err(database)?;
    count_refusals(&state, &viewer, refusals.len())
        .await
        .map_err(database)?;
    if !errors.is_empty() {
        let body = Json(json!({ "saved": 0, "errors": errors }));
        return Err(PageError::response((StatusCode::UNPROCESSABLE_ENTITY, body)));
    }
    let mut pupils: Vec<i64> = registrations.iter().map(|r| r.child_id).collect();
    pupils.sort();
    pupils.dedup();
    let audits: Vec<_> = pupils
        .iter()
        .map(|c| entry(&viewer, "absence.write", Some(*c), Some("api".into()), true))
        .collect();
    let (saved, alerts) = state
        .store
        .register_absence(m, &registrations, Some(viewer.user.id), now(), &audits, today)
        .await
        .map_err(|_| problem(StatusCode::INTERNAL_SERVER_ERROR, "databasefejl; intet er gemt"))?;
    Ok(Json(json!({ "received": registrations.len(), "saved": saved, "alerts_opened": alerts })).into_response())
}

/// The OpenAPI 3.1 description of the API.
pub async fn openapi() -> Page {
    let problem_schema = json!({
        "type": "object",
        "required": ["error"],
        "properties": { "error": { "type": "string", "description": "What is wrong, in Danish." } }
    });
    let item_error = json!({
        "type": "object",
        "required": ["index", "field", "message"],
        "properties": {
            "index": { "type": "integer", "description": "Position of the item in `registrations`." },
            "field": { "type": "string", "enum": ["pupil_id", "date", "slot", "code"] },
            "message": { "type": "string", "description": "Danish explanation." }
        }
    });
    Ok(Json(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Trivsel API",
            "version": "1",
            "description": "Trivsel's JSON API. Authenticate with the session cookie from logging in at /login \
                            (the same session as the web pages). Every call is checked against the access policy \
                            and written to the audit log."
        },
        "paths": {
            "/api/v1/absence/registrations": {
                "post": {
                    "summary": "Register absence for many pupils at once",
                    "description": "All items are stored, or none: an invalid or forbidden item gives 422 with one error \
                                    per item. A registration for an existing (pupil, date, slot) replaces it; the old \
                                    value is kept in the history. Alerts are updated before the response.",
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": {
                            "type": "object",
                            "required": ["registrations"],
                            "properties": { "registrations": { "type": "array", "maxItems": 10000, "items": {
                                "type": "object",
                                "required": ["pupil_id", "date", "slot", "code"],
                                "properties": {
                                    "pupil_id": { "type": "string", "description": "The school system's pupil id." },
                                    "date": { "type": "string", "format": "date" },
                                    "slot": { "type": "integer", "minimum": 1, "maximum": 12,
                                              "description": "1 = morning roll call, 2 = afternoon, or the lesson." },
                                    "code": { "type": "string", "enum": ["P", "S", "L", "U", "F", "T"],
                                              "description": "P present, S sick, L lawful, U unlawful, F late, T left early." }
                                }
                            } } }
                        } } }
                    },
                    "responses": {
                        "200": { "description": "Stored.", "content": { "application/json": { "schema": {
                            "type": "object",
                            "properties": {
                                "received": { "type": "integer" },
                                "saved": { "type": "integer", "description": "New or changed registrations." },
                                "alerts_opened": { "type": "integer" }
                            }
                        } } } },
                        "400": { "description": "The body is not valid JSON.", "content": { "application/json": { "schema": problem_schema } } },
                        "401": { "description": "Not logged in.", "content": { "application/json": { "schema": problem_schema } } },
                        "413": { "description": "More than 10,000 items, or a body over 2 MB.", "content": { "application/json": { "schema": problem_schema } } },
                        "415": { "description": "The body is not application/json.", "content": { "application/json": { "schema": problem_schema } } },
                        "422": { "description": "Invalid or forbidden items; nothing stored.", "content": { "application/json": { "schema": {
                            "type": "object",
                            "properties": { "saved": { "type": "integer", "const": 0 }, "errors": { "type": "array", "items": item_error } }
                        } } } },
                        "429": { "description": "The account is paused after a burst of refused items or pages.", "content": { "application/json": { "schema": problem_schema } } }
                    }
                }
            }
        }
    }))
    .into_response())
}
