//! Password login and sessions. The session token is 128 random bits in an HttpOnly,
//! SameSite=Strict cookie; the database keeps only its SHA-256, so a copy of the database
//! cannot be used to take over a session.

use axum::Form;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use trivsel_store::User;

use crate::{AppState, layout, password};

pub const COOKIE: &str = "trivsel_session";

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The logged-in user, if any.
pub struct MaybeUser(pub Option<User>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = session_token(&parts.headers) else {
            return Ok(MaybeUser(None));
        };
        let now = Utc::now();
        let idle = chrono::Duration::from_std(state.config.idle_timeout).unwrap_or_default();
        let absolute =
            chrono::Duration::from_std(state.config.absolute_timeout).unwrap_or_default();
        let user = state
            .store
            .session_user(&token_hash(&token), now, now - idle, now - absolute)
            .await
            .map_err(|e| layout::server_error(&e))?;
        // Demo accounts exist only while the server runs in demo mode.
        Ok(MaybeUser(
            user.filter(|u| state.config.demo || !u.demo_only),
        ))
    }
}

/// The logged-in user; anyone else is sent to the login page.
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match MaybeUser::from_request_parts(parts, state).await?.0 {
            Some(user) => Ok(CurrentUser(user)),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

pub async fn login_page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    layout::login(state.config.demo, None, "").into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    let username = form.username.trim().to_lowercase();
    let found = match state.store.user_by_username(&username).await {
        Ok(found) => found,
        Err(e) => return layout::server_error(&e),
    };
    let password = form.password;
    let (ok, user) = tokio::task::spawn_blocking(move || match found {
        Some(u) if !u.disabled && (state.config.demo || !u.demo_only) => {
            let ok = u
                .password_hash
                .as_deref()
                .is_some_and(|h| password::verify(&password, h));
            (ok, Some(u))
        }
        _ => {
            password::verify_dummy(&password);
            (false, None)
        }
    })
    .await
    .unwrap_or((false, None));
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!(username = %username, "login refused");
        let page = layout::login(
            state.config.demo,
            Some("Forkert brugernavn eller adgangskode."),
            &username,
        );
        return (StatusCode::UNAUTHORIZED, page).into_response();
    };
    let token: String = rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Err(e) = state
        .store
        .create_session(&token_hash(&token), &user, Utc::now())
        .await
    {
        return layout::server_error(&e);
    }
    tracing::info!(user_id = user.id, "login");
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Err(e) = state.store.delete_session(&token_hash(&token)).await
    {
        return layout::server_error(&e);
    }
    let cookie = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response()
}
