//! Sessions: 128 random bits in an HttpOnly, SameSite=Strict cookie (`__Host-trivsel`, Secure,
//! outside plain-HTTP loopback). The database keeps only the token's SHA-256, so a copy of the
//! database cannot be used to take over a session.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use trivsel_store::{SessionInfo, StoreError, User};

use crate::kit::clock;
use crate::kit::error::PageError;
use crate::kit::state::{AppState, Config};
pub use crate::kit::viewer::Viewer;

pub fn cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies {
        "__Host-trivsel"
    } else {
        "trivsel_session"
    }
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh session token and its hash.
pub fn new_token() -> (String, String) {
    let token: String = rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    (token, hash)
}

pub fn set_cookie(config: &Config, token: &str) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}",
        cookie_name(config)
    )
}

pub fn clear_cookie(config: &Config) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
        cookie_name(config)
    )
}

/// The device cookie (see `trivsel_domain::login`): long-lived, naming an account this
/// browser has logged in to, so that its failed attempts count apart from strangers'.
pub fn device_cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies {
        "__Host-trivsel_device"
    } else {
        "trivsel_device"
    }
}

pub fn set_device_cookie(config: &Config, token: &str) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let max_age = trivsel_domain::login::DEVICE_LIFETIME.num_seconds();
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        device_cookie_name(config)
    )
}

pub fn session_token(config: &Config, headers: &HeaderMap) -> Option<String> {
    cookie(headers, cookie_name(config))
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

/// The client's address for throttling and the audit log: the connection's peer, or, when the
/// peer is the configured trusted proxy, the address that proxy appended to `X-Forwarded-For`
/// (its last entry; earlier ones are the client's own claims and are ignored).
pub fn client_address(parts: &Parts, config: &Config) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded = || {
        parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
    };
    match peer {
        Some(peer) if config.trusted_proxy == Some(peer) => forwarded().unwrap_or(peer).to_string(),
        Some(peer) => peer.to_string(),
        None => "ukendt".into(),
    }
}

/// The client's address as an extractor, for the login pages (see [`client_address`]).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts, &state.config)))
    }
}

/// The session behind the request's cookie, if live (full or waiting for the second factor).
#[derive(Clone)]
pub struct MaybeSession(pub Option<SessionInfo>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Read once per request: a layer that needed the session (`login::expired`) left it here.
        if let Some(read) = parts.extensions.get::<MaybeSession>() {
            return Ok(read.clone());
        }
        let Some(token) = session_token(&state.config, &parts.headers) else {
            return Ok(MaybeSession(None));
        };
        let now = Utc::now();
        let idle = chrono::Duration::from_std(state.config.idle_timeout).unwrap_or_default();
        let absolute = chrono::Duration::from_std(state.config.absolute_timeout).unwrap_or_default();
        let info = state
            .store
            .session_user(&token_hash(&token), now, now - idle, now - absolute)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        // Demo accounts exist only while the server runs in demo mode.
        Ok(MaybeSession(info.filter(|s| state.config.demo || !s.user.demo_only)))
    }
}

impl Viewer {
    /// The viewer of a full session, with the relationships read fresh from the database.
    pub async fn of(session: SessionInfo, parts: &Parts, state: &AppState) -> Result<Viewer, StoreError> {
        // The local Danish date: a consent revoked today no longer gives access.
        let actor = state.store.actor(&session.user, clock::today()).await?;
        let institution_kind = match session.user.institution_id {
            Some(id) => state.store.institution_kind(id).await?,
            None => None,
        };
        Ok(Viewer {
            user: session.user,
            actor,
            institution_kind,
            address: client_address(parts, &state.config),
            menu: state.menu.clone(),
        })
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeSession::from_request_parts(parts, state).await?.0 {
            Some(s) if !s.mfa_pending => {
                if let Some(wait) = state.refusals.wait(s.user.id, clock::now()) {
                    return Err(PageError::paused(wait).into_response());
                }
                Viewer::of(s, parts, state)
                    .await
                    .map_err(|e| PageError::from(e).into_response())
            }
            Some(_) => Err(Redirect::to("/login/totp").into_response()),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// A session that has passed the password and still owes the second factor.
pub struct Pending {
    pub user: User,
    pub token_hash: String,
    /// When the password was accepted.
    pub started_at: DateTime<Utc>,
}

impl FromRequestParts<AppState> for Pending {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_token(&state.config, &parts.headers);
        match (MaybeSession::from_request_parts(parts, state).await?.0, token) {
            (Some(s), Some(token)) if s.mfa_pending => Ok(Pending {
                user: s.user,
                token_hash: token_hash(&token),
                started_at: s.created_at,
            }),
            (Some(_), _) => Err(Redirect::to("/").into_response()),
            _ => Err(Redirect::to("/login").into_response()),
        }
    }
}
