//! Trivsel's web server: Danish, server-rendered pages (maud) and the JSON API.
//!
//! The crate is a small kernel (`kit`: page shell, session, the one access check, errors, forms,
//! formats) with one module or folder per feature above it. A feature imports the kernel, the
//! domain and the store, never another feature; what features show of each other (the menu,
//! front-page and class-page sections) is registered here, in `app()`, and links go through
//! `kit::links`. docs/ARCHITECTURE.md has the map.

mod kit;

mod absence;
mod admin;
mod advisers;
mod annual_wheel;
mod api;
mod assessment;
mod bullying;
mod cases;
mod children;
mod class_survey;
mod conference;
mod consents;
mod front;
mod handover;
mod learning_groups;
mod login;
mod meetings;
mod municipal;
mod national_survey;
mod preventive;
mod sparring;
mod tasks;
mod transition_form;
mod underretning;

pub use kit::password;
pub use kit::{AppState, Config};
pub use login::totp;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use trivsel_store::Store;

use kit::menu::MenuItem;
use kit::state::Panels;
use kit::{assets, security};

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
        route(M::GET, "/", get(front::front)),
        route(M::GET, "/healthz", get(front::healthz)),
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
        route(M::GET, "/oidc/{municipality}/login", get(login::oidc::start)),
        route(M::GET, "/oidc/callback", get(login::oidc::callback)),
        route(M::GET, "/klasser", get(children::classes)),
        route(M::GET, "/klasser/{id}", get(children::class)),
        route(M::GET, "/klasser/{id}/fremmoede", get(absence::roll_call::roll_call)),
        route(
            M::POST,
            "/klasser/{id}/fremmoede",
            post(absence::roll_call::save_roll_call),
        ),
        route(M::POST, "/klasser/{id}/gennemgang", post(absence::reviews::record)),
        route(M::GET, "/klasser/{id}/fravaer", get(absence::overview::class)),
        route(M::GET, "/fravaer/skole", get(absence::overview::school)),
        route(M::GET, "/fravaer/kommune", get(absence::overview::municipality)),
        route(M::GET, "/kommune", get(municipal::page)),
        route(M::GET, "/kommune/status", get(municipal::status::page)),
        route(M::POST, "/kommune/status", post(municipal::status::save)),
        route(M::GET, "/kommune/trivselshjul", get(municipal::wheel_template::page)),
        route(M::POST, "/kommune/trivselshjul", post(municipal::wheel_template::add)),
        route(
            M::POST,
            "/kommune/trivselshjul/{id}/slet",
            post(municipal::wheel_template::remove),
        ),
        route(M::GET, "/kommune/{file}", get(municipal::download)),
        route(M::GET, "/fravaer/advarsler", get(absence::roll_call::alerts)),
        route(M::GET, "/fravaer/kvartal", get(absence::quarter::page)),
        route(M::GET, "/fravaer/kvartal.csv", get(absence::quarter::csv)),
        route(
            M::POST,
            "/fravaer/advarsler/{id}",
            post(absence::roll_call::handle_alert),
        ),
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
        route(M::GET, "/boern/{id}/bekymringer", get(cases::concerns::child_concerns)),
        route(
            M::POST,
            "/boern/{id}/bekymringer",
            post(cases::concerns::add_child_concern),
        ),
        route(M::GET, "/boern/{id}/kronologi", get(cases::concerns::chronology)),
        route(M::GET, "/boern/{id}/indsatstrin", get(cases::concerns::child_tiers)),
        route(
            M::POST,
            "/boern/{id}/indsatstrin",
            post(cases::concerns::change_child_tier),
        ),
        route(M::POST, "/boern/{id}/ppv", post(cases::concerns::register_ppv)),
        route(M::POST, "/boern/{id}/pku", post(cases::concerns::refer_pku)),
        route(M::GET, "/boern/{id}/pku/{rid}", get(cases::pku::pku_bundle)),
        route(
            M::POST,
            "/boern/{id}/pku/{rid}/afgoerelse",
            post(cases::pku::record_decision),
        ),
        route(M::GET, "/boern/{id}/raadgivere", get(advisers::list)),
        route(M::POST, "/boern/{id}/raadgivere", post(advisers::assign)),
        route(M::POST, "/boern/{id}/raadgivere/{user}/afslut", post(advisers::end)),
        route(M::GET, "/mine-boern", get(advisers::mine)),
        route(M::GET, "/boern/{id}/samtykker", get(consents::list)),
        route(M::POST, "/boern/{id}/samtykker", post(consents::give)),
        route(
            M::POST,
            "/boern/{id}/samtykker/{cid}/tilbagekald",
            post(consents::revoke),
        ),
        route(M::GET, "/boern/{id}/planer", get(cases::plans::child_plans)),
        route(M::POST, "/boern/{id}/planer", post(cases::plans::create_child_plan)),
        route(
            M::GET,
            "/klasser/{id}/bekymringer",
            get(cases::concerns::class_concerns),
        ),
        route(
            M::POST,
            "/klasser/{id}/bekymringer",
            post(cases::concerns::add_class_concern),
        ),
        route(M::GET, "/klasser/{id}/indsatstrin", get(cases::concerns::class_tiers)),
        route(
            M::POST,
            "/klasser/{id}/indsatstrin",
            post(cases::concerns::change_class_tier),
        ),
        route(M::GET, "/klasser/{id}/planer", get(cases::plans::class_plans)),
        route(M::POST, "/klasser/{id}/planer", post(cases::plans::create_class_plan)),
        route(M::GET, "/planer/{id}", get(cases::plans::plan)),
        route(M::POST, "/planer/{id}", post(cases::plans::save)),
        route(M::GET, "/planer/{id}/versioner", get(cases::plans::versions)),
        route(M::POST, "/planer/{id}/evaluering", post(cases::plans::evaluate)),
        route(M::POST, "/planer/{id}/foraeldre", post(cases::plans::save_parents)),
        route(M::GET, "/min-stemme", get(cases::voice::page)),
        route(M::POST, "/planer/{id}/min-stemme", post(cases::voice::save)),
        route(M::POST, "/planer/{id}/luk", post(cases::plans::close)),
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
        route(M::GET, "/moeder", get(meetings::pages::list)),
        route(M::POST, "/moeder", post(meetings::pages::create)),
        route(M::GET, "/moeder/ny", get(meetings::pages::new)),
        route(M::GET, "/moeder/trivselsforum", get(meetings::pages::forum_members)),
        route(
            M::POST,
            "/moeder/trivselsforum",
            post(meetings::pages::save_forum_members),
        ),
        route(M::GET, "/moeder/{id}", get(meetings::pages::show)),
        route(M::GET, "/moeder/{id}/invitation.ics", get(meetings::pages::invitation)),
        route(M::POST, "/moeder/{id}/deltagere", post(meetings::edit::add_participant)),
        route(
            M::POST,
            "/moeder/{id}/deltagere/{pid}/funktion",
            post(meetings::edit::set_duty),
        ),
        route(
            M::POST,
            "/moeder/{id}/deltagere/{pid}/fjern",
            post(meetings::edit::remove_participant),
        ),
        route(M::POST, "/moeder/{id}/dagsorden", post(meetings::edit::add_agenda_item)),
        route(
            M::POST,
            "/moeder/{id}/dagsorden/{item}",
            post(meetings::edit::record_outcome),
        ),
        route(M::POST, "/moeder/{id}/referat", post(meetings::edit::record_minutes)),
        route(M::POST, "/moeder/{id}/handlinger", post(meetings::edit::add_action)),
        route(M::POST, "/moeder/{id}/afslut", post(meetings::edit::close)),
        route(M::POST, "/moeder/{id}/flyt", post(meetings::edit::reschedule)),
        route(M::GET, "/boern/{id}/moeder", get(meetings::messages::child_meetings)),
        route(M::GET, "/fravaer/varsling", get(absence::warnings::list)),
        route(M::POST, "/boern/{id}/varsling", post(absence::warnings::record)),
        route(M::GET, "/boern/{id}/varsling/brev", get(absence::warnings::letter)),
        route(M::POST, "/fravaer/kvartal/indberetning", post(absence::reports::submit)),
        route(M::GET, "/boern/{id}/fravaersmelding", get(absence::notices::page)),
        route(M::POST, "/boern/{id}/fravaersmelding", post(absence::notices::report)),
        route(M::GET, "/fravaer/frihed", get(absence::notices::leave_list)),
        route(M::GET, "/fravaer/kontakt", get(absence::contacts::list)),
        route(M::POST, "/fravaer/kontakt/{id}", post(absence::contacts::record)),
        route(M::POST, "/fravaer/frihed/{id}", post(absence::notices::answer)),
        route(M::GET, "/fravaer/indberetninger", get(absence::reports::list)),
        route(M::GET, "/fravaer/indberetninger/{id}", get(absence::reports::detail)),
        route(
            M::POST,
            "/fravaer/indberetninger/{id}/kvittering",
            post(absence::reports::acknowledge),
        ),
        route(
            M::POST,
            "/fravaer/indberetninger/{id}/afgoerelse",
            post(absence::reports::decide),
        ),
        route(M::GET, "/boern/{id}/underretninger", get(underretning::child_list)),
        route(M::POST, "/boern/{id}/underretninger", post(underretning::create)),
        route(M::GET, "/boern/{id}/underretninger/ny", get(underretning::new_form)),
        route(M::GET, "/underretninger", get(underretning::institution_list)),
        route(M::GET, "/underretninger/{id}", get(underretning::show)),
        route(
            M::POST,
            "/underretninger/{id}/kvittering",
            post(underretning::record_receipt),
        ),
        route(
            M::POST,
            "/underretninger/{id}/tilbagemelding",
            post(underretning::record_feedback),
        ),
        route(M::GET, "/boern/{id}/overlevering", get(handover::page)),
        route(M::POST, "/boern/{id}/overlevering", post(handover::send)),
        route(M::GET, "/klasser/{id}/trivselsundersoegelser", get(class_survey::list)),
        route(
            M::POST,
            "/klasser/{id}/trivselsundersoegelser",
            post(class_survey::create),
        ),
        route(
            M::GET,
            "/klasser/{id}/trivselsundersoegelser/ny",
            get(class_survey::new_page),
        ),
        route(M::GET, "/trivselsundersoegelser/{id}", get(class_survey::results)),
        route(M::POST, "/trivselsundersoegelser/{id}/luk", post(class_survey::close)),
        route(
            M::POST,
            "/trivselsundersoegelser/{id}/fokuselev",
            post(class_survey::focus),
        ),
        route(
            M::GET,
            "/trivselsundersoegelser/{id}/svar",
            get(class_survey::pupil_page),
        ),
        route(
            M::POST,
            "/trivselsundersoegelser/{id}/svar",
            post(class_survey::pupil_answer),
        ),
        route(M::GET, "/trivselsmaaling", get(national_survey::page)),
        route(M::GET, "/trivselshjul", get(annual_wheel::page)),
        route(M::POST, "/trivselshjul", post(annual_wheel::add)),
        route(M::POST, "/trivselshjul/standard", post(annual_wheel::defaults)),
        route(M::POST, "/trivselshjul/skabelon", post(annual_wheel::from_template)),
        route(M::GET, "/aargange", get(preventive::year_groups)),
        route(M::POST, "/aargange", post(preventive::save_year_groups)),
        route(M::GET, "/forebyggelse", get(preventive::list)),
        route(M::POST, "/forebyggelse", post(preventive::create)),
        route(M::GET, "/forebyggelse/{id}", get(preventive::show)),
        route(M::POST, "/forebyggelse/{id}/luk", post(preventive::close)),
        route(M::POST, "/trivselshjul/kopier", post(annual_wheel::copy)),
        route(M::POST, "/trivselshjul/{id}/udfoert", post(annual_wheel::done)),
        route(M::GET, "/laeringsgrupper", get(learning_groups::list)),
        route(M::POST, "/laeringsgrupper", post(learning_groups::create)),
        route(M::POST, "/laeringsgrupper/maal", post(learning_groups::add_goal)),
        route(M::GET, "/laeringsgrupper/{id}", get(learning_groups::group)),
        route(M::POST, "/laeringsgrupper/{id}/samling", post(learning_groups::record)),
        route(M::GET, "/boern/{id}/trafiklys", get(assessment::page)),
        route(M::POST, "/boern/{id}/trafiklys", post(assessment::save_own)),
        route(M::POST, "/boern/{id}/trafiklys/faelles", post(assessment::save_joint)),
        route(M::GET, "/klasser/{id}/trafiklys", get(assessment::class_page)),
        route(M::GET, "/svar", get(class_survey::code_page)),
        route(M::POST, "/svar", post(class_survey::code_submit)),
        route(M::GET, "/svar/{code}", get(class_survey::tablet_names)),
        route(M::GET, "/svar/{code}/{child}", get(class_survey::tablet_form)),
        route(M::POST, "/svar/{code}/{child}", post(class_survey::tablet_answer)),
        route(M::GET, "/boern/{id}/overgangsskema", get(transition_form::page)),
        route(M::POST, "/boern/{id}/overgangsskema", post(transition_form::create)),
        route(M::GET, "/boern/{id}/overgangsskema/ny", get(transition_form::new_page)),
        route(
            M::POST,
            "/boern/{id}/overgangsskema/{form}/bekraeft",
            post(transition_form::confirm),
        ),
        route(M::GET, "/mobning", get(bullying::list)),
        route(M::POST, "/mobning", post(bullying::create)),
        route(M::GET, "/mobning/ny", get(bullying::new_form)),
        route(M::GET, "/mobning/{id}", get(bullying::show)),
        route(M::POST, "/mobning/{id}/tiltag", post(bullying::record_measures)),
        route(M::POST, "/mobning/{id}/handlingsplan", post(bullying::create_plan)),
        route(M::POST, "/mobning/{id}/orientering", post(bullying::record_informed)),
        route(M::GET, "/beskeder", get(meetings::messages::list)),
        route(M::POST, "/beskeder/{id}", post(meetings::messages::mark_read)),
        route(M::GET, "/beskeder/{id}/aabn", get(meetings::messages::open)),
    ]
}

/// The application's routes with their security layers.
pub fn app(store: Store, config: Config) -> Router {
    let refusals = Arc::new(kit::refusals::Refusals::new(config.refusal_burst));
    let state = AppState {
        store,
        config: Arc::new(config),
        menu: menu().into(),
        panels: Arc::new(panels()),
        refusals,
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
        .fallback(front::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            login::expired::expired_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::same_origin_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        .with_state(state)
}

/// The main menu: every feature's entries.
fn menu() -> Vec<MenuItem> {
    [
        front::MENU,
        children::MENU,
        advisers::MENU,
        cases::voice::MENU,
        absence::MENU,
        municipal::MENU,
        meetings::MENU,
        national_survey::MENU,
        annual_wheel::MENU,
        preventive::MENU,
        learning_groups::MENU,
        sparring::MENU,
        admin::MENU,
        tasks::MENU,
    ]
    .concat()
}

/// Sections features show on each other's pages, in the order shown.
fn panels() -> Panels {
    Panels {
        front: vec![
            children::front_panel,
            class_survey::front_panel,
            absence::today::roll_call_panel,
            absence::today::alerts_panel,
            absence::contacts::front_panel,
            absence::warnings::front_panel,
            absence::reports::front_panel,
            absence::notices::front_panel,
            advisers::front_panel,
            meetings::pages::front_panel,
            tasks::front_panel,
            underretning::front_panel,
            bullying::front_panel,
            absence::reviews::front_panel,
        ],
        class: vec![
            absence::reviews::class_panel,
            bullying::class_panel,
            class_survey::class_panel,
            assessment::class_panel,
        ],
        child: vec![
            bullying::child_panel,
            handover::child_panel,
            transition_form::child_panel,
            assessment::child_panel,
            learning_groups::child_panel,
        ],
    }
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

#[cfg(test)]
mod tests {
    use crate::kit::links::*;

    /// Every builder gives a path that `routes()` serves.
    #[test]
    fn builders_match_routes() {
        let paths: Vec<&str> = super::routes().iter().map(|r| r.path).collect();
        let built = [
            (child(1), "/boern/{id}"),
            (child_page(1, "planer"), "/boern/{id}/planer"),
            (class(1), "/klasser/{id}"),
            (class_page(1, "fremmoede"), "/klasser/{id}/fremmoede"),
            (conference(1, 2), "/klasser/{id}/konferencer/{cid}"),
            (plan(1), "/planer/{id}"),
            (meeting(1), "/moeder/{id}"),
        ];
        for (link, route) in built {
            assert!(paths.contains(&route), "{link}: no route {route}");
            let shape: Vec<&str> = route.split('/').collect();
            let parts: Vec<&str> = link.split('/').collect();
            assert_eq!(parts.len(), shape.len(), "{link} vs {route}");
            for (p, s) in parts.iter().zip(&shape) {
                assert!(s.starts_with('{') || p == s, "{link} vs {route}");
            }
        }
    }

    /// Cookies are `Secure` and `__Host-` behind a TLS proxy on loopback (public URL https), on
    /// a public address, and never in plain-HTTP loopback use.
    #[test]
    fn secure_cookies_follow_how_users_reach_the_server() {
        let loopback: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let public: std::net::SocketAddr = "10.0.0.5:8080".parse().unwrap();
        use crate::Config;
        let proxied = Config::deployment(false, loopback, Some("https://trivsel.kommune.dk"));
        assert!(proxied.secure_cookies && proxied.https());
        assert!(Config::deployment(false, public, None).secure_cookies);
        let local = Config::deployment(false, loopback, None);
        assert!(!local.secure_cookies && !local.https());
        assert_eq!(local.public_url, "http://127.0.0.1:8080");
        assert!(!Config::deployment(true, loopback, None).secure_cookies, "demo");
    }

    /// The registered menu gives each role the entries, in the order, it has always had.
    #[test]
    fn menu_per_role() {
        use trivsel_domain::model::Role;
        let menu = super::menu();
        let shown = |role| -> Vec<&str> {
            crate::kit::menu::entries(&menu, role, None)
                .iter()
                .map(|m| m.label)
                .collect()
        };
        let staff = ["Forside", "Mine børn", "Møder", "Opgaver", "Beskeder"];
        let cases = [
            (
                Role::Teacher,
                vec!["Forside", "Klasser", "Forebyggelse", "Møder", "Opgaver", "Beskeder"],
            ),
            (
                Role::Leader,
                vec![
                    "Forside",
                    "Klasser",
                    "Fravær",
                    "Kommunen",
                    "Trivselsmåling",
                    "Trivselshjul",
                    "Forebyggelse",
                    "Advarsler",
                    "Kvartal",
                    "Møder",
                    "Sparring",
                    "Opgaver",
                    "Beskeder",
                ],
            ),
            (
                Role::WellbeingPerson,
                vec![
                    "Forside",
                    "Klasser",
                    "Fravær",
                    "Trivselsmåling",
                    "Trivselshjul",
                    "Forebyggelse",
                    "Advarsler",
                    "Kvartal",
                    "Møder",
                    "Sparring",
                    "Opgaver",
                    "Beskeder",
                ],
            ),
            (Role::Psychologist, staff.to_vec()),
            (
                Role::SocialWorker,
                vec!["Forside", "Mine børn", "Møder", "Sparring", "Opgaver", "Beskeder"],
            ),
            (Role::HealthVisitor, staff.to_vec()),
            (Role::SspCounsellor, staff.to_vec()),
            (Role::FamilyCounsellor, staff.to_vec()),
            (
                Role::Analyst,
                vec!["Forside", "Fravær", "Kommunen", "Trivselsmåling", "Kvartal"],
            ),
            (Role::Admin, vec!["Forside", "Brugere"]),
            (Role::AbsenceCaseworker, vec!["Forside", "Indberetninger"]),
            (Role::Guardian, vec!["Forside", "Mine børn", "Beskeder"]),
            (Role::Pupil, vec!["Forside", "Mig", "Min stemme", "Beskeder"]),
        ];
        assert_eq!(cases.len(), Role::ALL.len(), "every role is listed");
        for (role, expected) in cases {
            assert_eq!(shown(role), expected, "{role:?}");
        }
        let fravaer = crate::kit::menu::entries(&menu, Role::Analyst, None)[1].href;
        let daycare = Some(trivsel_domain::model::InstitutionKind::Daycare);
        let labels: Vec<&str> = crate::kit::menu::entries(&menu, Role::Leader, daycare)
            .iter()
            .map(|m| m.label_for(daycare))
            .collect();
        assert_eq!(
            labels,
            [
                "Forside",
                "Stuer",
                "Læringsgrupper",
                "Kommunen",
                "Møder",
                "Sparring",
                "Opgaver",
                "Beskeder"
            ]
        );
        assert_eq!(fravaer, "/fravaer/kommune");
    }
}
