//! Trivsel's web server: Danish, server-rendered pages (maud). Every route that shows a
//! child's data asks the access policy (`trivsel_domain::access::can`) and writes an audit row,
//! allowed or denied.

mod absence;
mod admin;
mod api;
mod assets;
mod audit;
mod cases;
mod chart;
mod children;
mod conference;
mod consents;
mod layout;
mod login;
mod meeting_edit;
mod meetings;
mod notifications;
mod oidc;
mod overview;
mod pages;
pub mod password;
mod plans;
mod quarter;
mod reviews;
mod security;
mod session;
mod sparring;
mod tasks;
pub mod totp;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use trivsel_store::Store;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Demo mode: demo accounts may log in, and no second factor is asked for. Only ever on a
    /// loopback address.
    pub demo: bool,
    /// Serve the session cookie as `__Host-trivsel` with `Secure` (everywhere but plain-HTTP
    /// loopback).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after login, however active.
    pub absolute_timeout: Duration,
    /// The address users reach the server at, for single sign-on's redirect address.
    pub public_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            demo: false,
            secure_cookies: true,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(8 * 60 * 60),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}

/// One route: method, path and handler. The authorization matrix test enumerates these, so a
/// route cannot be added without an entry in it.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route { method, path, handler }
}

/// Every route of the application.
pub fn routes() -> Vec<Route> {
    use Method as M;
    vec![
        route(M::GET, "/", get(pages::front)),
        route(M::GET, "/healthz", get(pages::healthz)),
        route(M::GET, "/static/{file}", get(assets::serve)),
        route(M::GET, "/login", get(login::login_page)),
        route(M::POST, "/login", post(login::login)),
        route(M::GET, "/login/totp", get(login::totp_page)),
        route(M::POST, "/login/totp", post(login::totp_verify)),
        route(M::GET, "/login/totp/opsaet", get(login::totp_setup_page)),
        route(M::POST, "/login/totp/opsaet", post(login::totp_setup)),
        route(M::POST, "/logout", post(login::logout)),
        route(M::GET, "/api/v1/openapi.json", get(api::openapi)),
        route(M::POST, "/api/v1/absence/registrations", post(api::register)),
        route(M::GET, "/oidc/{municipality}/login", get(oidc::start)),
        route(M::GET, "/oidc/callback", get(oidc::callback)),
        route(M::GET, "/klasser", get(children::classes)),
        route(M::GET, "/klasser/{id}", get(children::class)),
        route(M::GET, "/klasser/{id}/fremmoede", get(absence::roll_call)),
        route(M::POST, "/klasser/{id}/fremmoede", post(absence::save_roll_call)),
        route(M::POST, "/klasser/{id}/gennemgang", post(reviews::record)),
        route(M::GET, "/klasser/{id}/fravaer", get(overview::class)),
        route(M::GET, "/fravaer/skole", get(overview::school)),
        route(M::GET, "/fravaer/kommune", get(overview::municipality)),
        route(M::GET, "/fravaer/advarsler", get(absence::alerts)),
        route(M::GET, "/fravaer/kvartal", get(quarter::page)),
        route(M::GET, "/fravaer/kvartal.csv", get(quarter::csv)),
        route(M::POST, "/fravaer/advarsler/{id}", post(absence::handle_alert)),
        route(M::GET, "/boern", get(children::own_children)),
        route(M::GET, "/boern/{id}", get(children::child)),
        route(M::GET, "/boern/{id}/adgangslog", get(children::access_log)),
        route(M::GET, "/boern/{id}/opslag", get(children::lookups)),
        route(M::GET, "/admin/brugere", get(admin::users)),
        route(M::POST, "/admin/brugere", post(admin::create_user)),
        route(M::GET, "/admin/brugere/{id}", get(admin::user)),
        route(M::POST, "/admin/brugere/{id}", post(admin::update_user)),
        route(M::POST, "/admin/brugere/{id}/status", post(admin::set_status)),
        route(M::POST, "/admin/brugere/{id}/laas-op", post(admin::unlock)),
        route(M::POST, "/admin/brugere/{id}/nulstil-totp", post(admin::reset_totp)),
        route(M::POST, "/admin/brugere/{id}/adgangskode", post(admin::set_password)),
        route(M::GET, "/boern/{id}/bekymringer", get(cases::child_concerns)),
        route(M::POST, "/boern/{id}/bekymringer", post(cases::add_child_concern)),
        route(M::GET, "/boern/{id}/kronologi", get(cases::chronology)),
        route(M::GET, "/boern/{id}/indsatstrin", get(cases::child_tiers)),
        route(M::POST, "/boern/{id}/indsatstrin", post(cases::change_child_tier)),
        route(M::POST, "/boern/{id}/ppv", post(cases::register_ppv)),
        route(M::POST, "/boern/{id}/pku", post(cases::refer_pku)),
        route(M::GET, "/boern/{id}/pku/{rid}", get(cases::pku_bundle)),
        route(M::GET, "/boern/{id}/samtykker", get(consents::list)),
        route(M::POST, "/boern/{id}/samtykker", post(consents::give)),
        route(
            M::POST,
            "/boern/{id}/samtykker/{cid}/tilbagekald",
            post(consents::revoke),
        ),
        route(M::GET, "/boern/{id}/planer", get(plans::child_plans)),
        route(M::POST, "/boern/{id}/planer", post(plans::create_child_plan)),
        route(M::GET, "/klasser/{id}/bekymringer", get(cases::class_concerns)),
        route(M::POST, "/klasser/{id}/bekymringer", post(cases::add_class_concern)),
        route(M::GET, "/klasser/{id}/indsatstrin", get(cases::class_tiers)),
        route(M::POST, "/klasser/{id}/indsatstrin", post(cases::change_class_tier)),
        route(M::GET, "/klasser/{id}/planer", get(plans::class_plans)),
        route(M::POST, "/klasser/{id}/planer", post(plans::create_class_plan)),
        route(M::GET, "/planer/{id}", get(plans::plan)),
        route(M::POST, "/planer/{id}", post(plans::save)),
        route(M::GET, "/planer/{id}/versioner", get(plans::versions)),
        route(M::POST, "/planer/{id}/evaluering", post(plans::evaluate)),
        route(M::POST, "/planer/{id}/foraeldre", post(plans::save_parents)),
        route(M::POST, "/planer/{id}/luk", post(plans::close)),
        route(M::GET, "/opgaver", get(tasks::mine)),
        route(M::POST, "/opgaver/{id}", post(tasks::complete)),
        route(M::GET, "/opgaver/institution", get(tasks::institution)),
        route(M::GET, "/opgaver/kalender", get(tasks::calendar)),
        route(M::POST, "/opgaver/kalender", post(tasks::create_feed)),
        route(M::POST, "/opgaver/kalender/tilbagekald", post(tasks::revoke_feed)),
        route(M::GET, "/kalender/{file}", get(tasks::feed)),
        route(M::GET, "/klasser/{id}/konference", get(conference::form)),
        route(M::POST, "/klasser/{id}/konference", post(conference::save)),
        route(M::GET, "/klasser/{id}/konferencer", get(conference::list)),
        route(M::GET, "/klasser/{id}/konferencer/{cid}", get(conference::show)),
        route(M::GET, "/sparring", get(sparring::list)),
        route(M::POST, "/sparring", post(sparring::save)),
        route(M::GET, "/moeder", get(meetings::list)),
        route(M::POST, "/moeder", post(meetings::create)),
        route(M::GET, "/moeder/ny", get(meetings::new)),
        route(M::GET, "/moeder/trivselsforum", get(meetings::forum_members)),
        route(M::POST, "/moeder/trivselsforum", post(meetings::save_forum_members)),
        route(M::GET, "/moeder/{id}", get(meetings::show)),
        route(M::GET, "/moeder/{id}/invitation.ics", get(meetings::invitation)),
        route(M::POST, "/moeder/{id}/deltagere", post(meeting_edit::add_participant)),
        route(
            M::POST,
            "/moeder/{id}/deltagere/{pid}/fjern",
            post(meeting_edit::remove_participant),
        ),
        route(M::POST, "/moeder/{id}/dagsorden", post(meeting_edit::add_agenda_item)),
        route(
            M::POST,
            "/moeder/{id}/dagsorden/{item}",
            post(meeting_edit::record_outcome),
        ),
        route(M::POST, "/moeder/{id}/referat", post(meeting_edit::record_minutes)),
        route(M::POST, "/moeder/{id}/handlinger", post(meeting_edit::add_action)),
        route(M::POST, "/moeder/{id}/afslut", post(meeting_edit::close)),
        route(M::POST, "/moeder/{id}/flyt", post(meeting_edit::reschedule)),
        route(M::GET, "/boern/{id}/moeder", get(notifications::child_meetings)),
        route(M::GET, "/beskeder", get(notifications::list)),
        route(M::POST, "/beskeder/{id}", post(notifications::mark_read)),
    ]
}

/// The application's routes with their security layers.
pub fn app(store: Store, config: Config) -> Router {
    let state = AppState {
        store,
        config: Arc::new(config),
    };
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for r in routes() {
        let merged = match by_path.remove(r.path) {
            Some(existing) => existing.merge(r.handler),
            None => r.handler,
        };
        by_path.insert(r.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| router.route(path, handler))
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
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
