//! Trivsel's web server: Danish, server-rendered pages (maud) and, later, the JSON API.

mod assets;
mod auth;
mod layout;
mod pages;
pub mod password;
mod security;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use trivsel_store::Store;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Demo mode: demo accounts may log in. Only ever on a loopback address.
    pub demo: bool,
    /// Mark the session cookie `Secure` (on everywhere but plain-HTTP loopback).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after login, however active.
    pub absolute_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            demo: false,
            secure_cookies: true,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(8 * 60 * 60),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Config,
}

/// The application's routes with their security layers.
pub fn app(store: Store, config: Config) -> Router {
    let state = AppState { store, config };
    Router::new()
        .route("/", get(pages::front))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/healthz", get(pages::healthz))
        .route("/static/{file}", get(assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security::same_origin_writes))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, then lets running requests finish.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
