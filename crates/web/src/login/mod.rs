//! Logging in and out: password (Argon2id), then for staff outside demo mode a second factor
//! (TOTP), set up at the first login. Every attempt is recorded and throttled.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use trivsel_domain::login::{DEVICE_LIFETIME, SECOND_FACTOR_MAX_FAILURES, Throttle, throttle};
use trivsel_store::AuditEntry;

use crate::kit::clock;
use crate::kit::password;
use crate::kit::session::{
    ClientAddress, MaybeSession, Pending, clear_cookie, cookie, device_cookie_name, new_token, session_token,
    set_cookie, set_device_cookie, token_hash,
};
use crate::kit::shell::page;
use crate::kit::{AppState, Page, PageError};

pub mod expired;
pub mod oidc;
pub mod totp;

/// Single sign-on buttons: one per municipality with a provider.
async fn sso_options(state: &AppState) -> Vec<(String, String)> {
    let (Ok(providers), Ok(municipalities)) = (state.store.oidc_providers().await, state.store.municipalities().await)
    else {
        return Vec::new();
    };
    providers
        .iter()
        .filter_map(|p| {
            let m = municipalities.iter().find(|m| m.id == p.municipality_id)?;
            Some((format!("/oidc/{}/login", m.code), p.label.clone()))
        })
        .collect()
}

pub async fn login_page(State(state): State<AppState>, MaybeSession(session): MaybeSession) -> Page {
    Ok(match session {
        Some(s) if !s.mfa_pending => Redirect::to("/").into_response(),
        _ => login_form(state.config.demo, None, "", &sso_options(&state).await).into_response(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    /// Where to go once logged in (a local path), e.g. back to a form sent after the session ended.
    naeste: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Page {
    let username = form.username.trim().to_lowercase();
    let now = clock::now();
    let since = now - trivsel_domain::login::WINDOW;
    let sso = sso_options(&state).await;
    let refuse = |status: StatusCode, message: &str| {
        Err(PageError::status(
            status,
            login_form(state.config.demo, Some(message), &username, &sso),
        ))
    };
    // A device cookie this browser got for this account: its failures are counted apart, and
    // its address does not hold it back, so a stranger's failures never slow the owner.
    let device = match cookie(&headers, device_cookie_name(&state.config)) {
        Some(token) => {
            let hash = token_hash(&token);
            let owner = state.store.login_device(&hash, now - DEVICE_LIFETIME).await?;
            (owner.as_deref() == Some(username.as_str())).then_some(hash)
        }
        None => None,
    };
    let (failures, from_address) = tokio::try_join!(
        state.store.account_failures(&username, since, device.as_deref()),
        async {
            match device {
                Some(_) => Ok(0),
                None => state.store.address_failures(&address, since).await,
            }
        }
    )?;
    match throttle(&failures, from_address, now) {
        Throttle::Allow => {}
        Throttle::WaitAccount(seconds) => {
            tracing::warn!(%address, "login throttled for account");
            return refuse(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("For mange forkerte forsøg på denne konto. Vent {seconds} sekunder og prøv igen."),
            );
        }
        Throttle::BlockedAddress => {
            tracing::warn!(%address, "login throttled for address");
            return refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "For mange forkerte forsøg fra din adresse. Prøv igen om 15 minutter.",
            );
        }
    }
    let found = state.store.user_by_username(&username).await?;
    let demo = state.config.demo;
    let password = form.password;
    let user = tokio::task::spawn_blocking(move || match found {
        Some(u) if !u.disabled && (demo || !u.demo_only) => {
            let ok = u
                .password_hash
                .as_deref()
                .is_some_and(|h| password::verify(&password, h));
            ok.then_some(u)
        }
        _ => {
            password::verify_dummy(&password);
            None
        }
    })
    .await
    .unwrap_or(None);
    state
        .store
        .record_login_attempt(&username, &address, user.is_some(), now, device.as_deref())
        .await?;
    let Some(user) = user else {
        tracing::info!(%address, "login refused");
        return refuse(StatusCode::UNAUTHORIZED, "Forkert brugernavn eller adgangskode.");
    };
    // Staff need a second factor, except in demo mode.
    let mfa_pending = user.role.is_staff() && !demo;
    // Logging in again ends the browser's earlier session.
    if let Some(earlier) = session_token(&state.config, &headers) {
        state.store.delete_session(&token_hash(&earlier)).await?;
    }
    let (token, hash) = new_token();
    state.store.create_session(&hash, &user, now, mfa_pending).await?;
    tracing::info!(user_id = user.id, mfa_pending, "password accepted");
    let back = form.naeste.filter(|p| expired::local_path(p));
    let next = match (mfa_pending, user.totp_secret.is_some()) {
        (false, _) => back.as_deref().unwrap_or("/"),
        (true, true) => "/login/totp",
        (true, false) => "/login/totp/opsaet",
    };
    let mut cookies = vec![(header::SET_COOKIE, set_cookie(&state.config, &token))];
    if device.is_none() {
        let (device_token, device_hash) = new_token();
        state
            .store
            .add_login_device(&device_hash, &username, now, now - DEVICE_LIFETIME)
            .await?;
        cookies.push((header::SET_COOKIE, set_device_cookie(&state.config, &device_token)));
    }
    Ok((AppendHeaders(cookies), Redirect::to(next)).into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    /// Only when setting up: the secret shown on the setup page.
    secret: Option<String>,
}

fn totp_form(error: Option<&str>) -> Markup {
    page(
        "Totrinsbekræftelse",
        None,
        "",
        html! {
            h1 { "Totrinsbekræftelse" }
            p { "Skriv den 6-cifrede kode fra din godkendelses-app." }
            @if let Some(error) = error { p.error role="alert" id="kode-fejl" { (error) } }
            form.login method="post" action="/login/totp" {
                label for="code" { "Kode" }
                input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9 ]{6,7}" required autofocus aria-describedby=[error.map(|_| "kode-fejl")];
                button type="submit" { "Bekræft" }
            }
        },
    )
}

pub async fn totp_page(pending: Pending) -> Page {
    if pending.user.totp_secret.is_none() {
        return Ok(Redirect::to("/login/totp/opsaet").into_response());
    }
    Ok(totp_form(None).into_response())
}

/// Checks a code; on success the pending session is replaced by a full one under a new token.
async fn accept_code(
    state: &AppState,
    pending: &Pending,
    secret: &str,
    code: &str,
) -> Result<Option<String>, PageError> {
    let now = clock::now();
    let Some(step) = totp::check(secret, code, now.timestamp() as u64) else {
        return Ok(None);
    };
    let fresh = state.store.accept_totp_step(pending.user.id, step as i64).await?;
    if !fresh {
        return Ok(None); // The same code twice: refused (RFC 6238 § 5.2).
    }
    let (token, hash) = new_token();
    state.store.complete_mfa(&pending.token_hash, &hash, now).await?;
    Ok(Some(token))
}

pub async fn totp_verify(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    pending: Pending,
    Form(form): Form<CodeForm>,
) -> Page {
    let Some(secret) = pending.user.totp_secret.clone() else {
        return Ok(Redirect::to("/login/totp/opsaet").into_response());
    };
    let username = &pending.user.username;
    let now = clock::now();
    let since = now - trivsel_domain::login::WINDOW;
    // Codes are throttled like passwords, with their own count: a correct password does not
    // reset it, so logging in again gives no fresh guesses.
    let (failures, from_address) = tokio::try_join!(
        state.store.second_factor_failures(username, since),
        state.store.address_failures(&address, since)
    )?;
    let wait = match throttle(&failures, from_address, now) {
        Throttle::Allow => None,
        Throttle::WaitAccount(seconds) => Some(format!(
            "For mange forkerte koder. Vent {seconds} sekunder og prøv igen."
        )),
        Throttle::BlockedAddress => Some("For mange forkerte forsøg fra din adresse. Prøv igen om 15 minutter.".into()),
    };
    if let Some(message) = wait {
        tracing::warn!(%address, "second factor throttled");
        return Err(PageError::status(
            StatusCode::TOO_MANY_REQUESTS,
            totp_form(Some(&message)),
        ));
    }
    if let Some(token) = accept_code(&state, &pending, &secret, &form.code).await? {
        state
            .store
            .record_second_factor_attempt(username, &address, true, now)
            .await?;
        return Ok((
            [(header::SET_COOKIE, set_cookie(&state.config, &token))],
            Redirect::to("/"),
        )
            .into_response());
    }
    state
        .store
        .record_second_factor_attempt(username, &address, false, now)
        .await?;
    // After a few wrong codes this login ends: the password is asked again. This one and the
    // earlier ones since the password was accepted (those read for the throttle above).
    let since_login = 1 + failures.iter().filter(|at| **at >= pending.started_at).count();
    if since_login >= SECOND_FACTOR_MAX_FAILURES {
        tracing::warn!(%address, "login ended after wrong second-factor codes");
        state.store.delete_session(&pending.token_hash).await?;
        let message = "For mange forkerte koder. Log ind igen med din adgangskode.";
        let page = login_form(state.config.demo, Some(message), username, &sso_options(&state).await);
        return Err(PageError::response((
            StatusCode::UNAUTHORIZED,
            [(header::SET_COOKIE, clear_cookie(&state.config))],
            page,
        )));
    }
    Err(PageError::status(
        StatusCode::UNAUTHORIZED,
        totp_form(Some("Koden er forkert eller brugt. Prøv den næste kode.")),
    ))
}

fn setup_form(user: &str, secret: &str, error: Option<&str>) -> Markup {
    let url = totp::otpauth_url(secret, user).unwrap_or_default();
    let qr = totp::qr_svg(&url).unwrap_or_default();
    page(
        "Opsæt totrinsbekræftelse",
        None,
        "",
        html! {
            h1 { "Opsæt totrinsbekræftelse" }
            p { "Medarbejdere logger ind med adgangskode og en kode fra en godkendelses-app på telefonen \
                 (fx Microsoft Authenticator eller Google Authenticator)." }
            ol {
                li { "Scan QR-koden med appen, eller indtast nøglen manuelt." }
                li { "Skriv den 6-cifrede kode, appen viser." }
            }
            figure.qr {
                (PreEscaped(qr))
                figcaption { "Nøgle: " code { (secret) } }
            }
            @if let Some(error) = error { p.error role="alert" id="kode-fejl" { (error) } }
            form.login method="post" action="/login/totp/opsaet" {
                input type="hidden" name="secret" value=(secret);
                label for="code" { "Kode fra appen" }
                input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    required aria-describedby=[error.map(|_| "kode-fejl")];
                button type="submit" { "Gem og log ind" }
            }
        },
    )
}

pub async fn totp_setup_page(pending: Pending) -> Page {
    if pending.user.totp_secret.is_some() {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    Ok(setup_form(&pending.user.username, &totp::new_secret(), None).into_response())
}

pub async fn totp_setup(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    pending: Pending,
    Form(form): Form<CodeForm>,
) -> Page {
    if pending.user.totp_secret.is_some() {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    let secret = form.secret.unwrap_or_default();
    if totp::otpauth_url(&secret, "x").is_none() {
        return Err(PageError::status(
            StatusCode::BAD_REQUEST,
            setup_form(
                &pending.user.username,
                &totp::new_secret(),
                Some("Nøglen var ugyldig; her er en ny."),
            ),
        ));
    }
    match accept_code(&state, &pending, &secret, &form.code).await? {
        Some(token) => {
            let audit = AuditEntry {
                municipality_id: pending.user.municipality_id,
                user_id: Some(pending.user.id),
                username: pending.user.username.clone(),
                role: pending.user.role.id().into(),
                action: "user.totp_setup".into(),
                child_id: None,
                criterion: Some(pending.user.username.clone()),
                allowed: true,
                address: Some(address),
            };
            state
                .store
                .set_totp_secret(pending.user.id, Some(&secret), &audit)
                .await?;
            Ok((
                [(header::SET_COOKIE, set_cookie(&state.config, &token))],
                Redirect::to("/"),
            )
                .into_response())
        }
        None => Err(PageError::status(
            StatusCode::UNAUTHORIZED,
            setup_form(
                &pending.user.username,
                &secret,
                Some("Koden passer ikke. Tjek at telefonens ur går rigtigt, og prøv igen."),
            ),
        )),
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Page {
    if let Some(token) = session_token(&state.config, &headers) {
        state.store.delete_session(&token_hash(&token)).await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_cookie(&state.config))],
        Redirect::to("/login"),
    )
        .into_response())
}

/// The login page; `sso` lists single sign-on buttons as (address, label).
fn login_form(demo: bool, error: Option<&str>, username: &str, sso: &[(String, String)]) -> Markup {
    login_form_with(demo, error, username, sso, None, html! {})
}

/// The login page with where to go after logging in (`next`, a local path) and `extra` under
/// the message (the texts of a form sent after the session ended).
fn login_form_with(
    demo: bool,
    error: Option<&str>,
    username: &str,
    sso: &[(String, String)],
    next: Option<&str>,
    extra: Markup,
) -> Markup {
    page(
        "Log ind",
        None,
        "/login",
        html! {
            h1 { "Log ind" }
            @if let Some(error) = error {
                p.error role="alert" id="login-fejl" { (error) }
            }
            (extra)
            form.login method="post" action="/login" {
                @if let Some(next) = next { input type="hidden" name="naeste" value=(next); }
                label for="username" { "Brugernavn" }
                input id="username" name="username" type="text" autocomplete="username" required
                    value=(username) aria-describedby=[error.map(|_| "login-fejl")];
                label for="password" { "Adgangskode" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                button type="submit" { "Log ind" }
            }
            @if !sso.is_empty() {
                section aria-labelledby="sso-titel" {
                    h2 id="sso-titel" { "Log ind via kommunen" }
                    ul.links {
                        @for (href, label) in sso {
                            li { a href=(href) { "Log ind med " (label) } }
                        }
                    }
                }
            }
            @if demo {
                section.demo aria-labelledby="demo-titel" {
                    h2 id="demo-titel" { "Demo" }
                    p { "Demo-konti har adgangskoden " code { "demo" } ": admin, leder, laerer, trivsel, ppr, \
                        socialraadgiver, sundhedsplejerske, foraelder, elev og kommune." }
                }
            }
        },
    )
}
