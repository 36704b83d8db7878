//! Single sign-on with OpenID Connect (authorization code flow with PKCE), configured per
//! municipality. The provider's own multi-factor authentication applies, so no TOTP is asked.
//! A provider's subject is linked to an existing Trivsel account; nobody is created here.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect};
use maud::html;
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType, CoreUserInfoClaims};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;
use trivsel_store::{OidcLogin, OidcProvider};

use crate::kit::clock;
use crate::kit::session::{ClientAddress, cookie, new_token, set_cookie};
use crate::kit::shell::page;
use crate::kit::{AppState, Config, Page, PageError};

/// How long a login may stay at the provider.
const LOGIN_TIMEOUT: chrono::Duration = chrono::Duration::minutes(10);

/// The browser that starts a login keeps its state in this cookie, and only that browser may
/// finish it, so an attacker's callback cannot log a victim into the attacker's account (login
/// CSRF). SameSite=Lax: the provider's redirect back is a cross-site navigation.
fn state_cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies {
        "__Host-trivsel-oidc"
    } else {
        "trivsel_oidc"
    }
}

fn state_cookie(config: &Config, value: &str, max_age: i64) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        state_cookie_name(config)
    )
}

/// A Danish page saying why single sign-on failed (always an error).
fn problem(status: StatusCode, message: &str) -> Page {
    let body = html! {
        h1 { "Login mislykkedes" }
        p { (message) }
        p { a href="/login" { "Tilbage til login" } }
    };
    Err(PageError::status(status, page("Login mislykkedes", None, "", body)))
}

fn http_client() -> Result<openidconnect::reqwest::Client, String> {
    openidconnect::reqwest::ClientBuilder::new()
        // Following redirects would expose the client to SSRF through the provider.
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())
}

/// Discovers the provider and builds a client for it.
async fn client(
    state: &AppState,
    provider: &OidcProvider,
    http: &openidconnect::reqwest::Client,
) -> Result<
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    String,
> {
    let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|e| e.to_string())?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| e.to_string())?;
    let redirect = RedirectUrl::new(format!(
        "{}/oidc/callback",
        state.config.public_url.trim_end_matches('/')
    ))
    .map_err(|e| e.to_string())?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(provider.client_secret.clone())),
    )
    .set_redirect_uri(redirect))
}

async fn provider_of(state: &AppState, municipality_id: i64) -> Result<Option<OidcProvider>, PageError> {
    let all = state.store.oidc_providers().await?;
    Ok(all.into_iter().find(|p| p.municipality_id == municipality_id))
}

/// Sends the browser to the municipality's provider.
pub async fn start(State(state): State<AppState>, Path(code): Path<String>) -> Page {
    let municipality = state.store.municipalities().await?.into_iter().find(|m| m.code == code);
    let provider = match municipality {
        Some(m) => provider_of(&state, m.id).await?,
        None => None,
    };
    let Some(provider) = provider else {
        return Err(PageError::not_found());
    };
    let http = http_client().map_err(PageError::server)?;
    let client = match client(&state, &provider, &http).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(issuer = %provider.issuer, error = %e, "OpenID provider unavailable");
            return problem(
                StatusCode::BAD_GATEWAY,
                "Kommunens login-tjeneste svarer ikke. Prøv igen om lidt.",
            );
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let login = OidcLogin {
        municipality_id: provider.municipality_id,
        pkce_verifier: verifier.secret().clone(),
        nonce: nonce.secret().clone(),
        created_at: clock::now(),
    };
    state.store.start_oidc_login(csrf.secret(), &login).await?;
    let cookie = state_cookie(&state.config, csrf.secret(), LOGIN_TIMEOUT.num_seconds());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(url.as_str())).into_response())
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The provider's answer: exchange the code, verify the ID token, and log the linked user in.
pub async fn callback(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Page {
    let Some(csrf) = q.state else {
        return problem(
            StatusCode::BAD_REQUEST,
            "Svaret fra login-tjenesten mangler sin tilstand (state).",
        );
    };
    if cookie(&headers, state_cookie_name(&state.config)).as_deref() != Some(csrf.as_str()) {
        tracing::warn!(%address, "single sign-on answer for another browser refused");
        return problem(
            StatusCode::BAD_REQUEST,
            "Login-forsøget blev startet i en anden browser. Start forfra her.",
        );
    }
    let login = match state.store.take_oidc_login(&csrf).await? {
        Some(l) if clock::now() - l.created_at <= LOGIN_TIMEOUT => l,
        _ => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Login-forsøget er ukendt eller udløbet. Start forfra.",
            );
        }
    };
    if let Some(error) = q.error {
        tracing::info!(%error, "OpenID provider refused the login");
        return problem(StatusCode::UNAUTHORIZED, "Login-tjenesten afviste login.");
    }
    let Some(code) = q.code else {
        return problem(StatusCode::BAD_REQUEST, "Svaret mangler en kode.");
    };
    let Some(provider) = provider_of(&state, login.municipality_id).await? else {
        return problem(StatusCode::BAD_REQUEST, "Kommunen har ikke længere single sign-on.");
    };
    let verified = async {
        let http = http_client()?;
        let client = client(&state, &provider, &http).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| e.to_string())?
            .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
            .request_async(&http)
            .await
            .map_err(|e| e.to_string())?;
        let id_token = tokens.id_token().ok_or("no ID token")?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(login.nonce.clone()))
            .map_err(|e| e.to_string())?;
        let subject = claims.subject().clone();
        let mut username = match provider.username_claim.as_str() {
            "sub" => Some(subject.to_string()),
            "email" => claims.email().map(|e| e.to_string()),
            _ => claims.preferred_username().map(|u| u.to_string()),
        };
        // Providers may keep profile claims out of the ID token; then ask the userinfo endpoint.
        if username.is_none() {
            let info: CoreUserInfoClaims = client
                .user_info(tokens.access_token().clone(), Some(subject.clone()))
                .map_err(|e| e.to_string())?
                .request_async(&http)
                .await
                .map_err(|e| e.to_string())?;
            username = match provider.username_claim.as_str() {
                "email" => info.email().map(|e| e.to_string()),
                _ => info.preferred_username().map(|u| u.to_string()),
            };
        }
        Ok::<_, String>((subject.to_string(), username))
    }
    .await;
    let (subject, username) = match verified {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(issuer = %provider.issuer, error = %e, "OpenID login could not be verified");
            return problem(
                StatusCode::UNAUTHORIZED,
                "Login kunne ikke bekræftes hos login-tjenesten.",
            );
        }
    };
    let user = state
        .store
        .oidc_user(login.municipality_id, &subject, username.as_deref())
        .await?
        .filter(|u| !u.disabled && (state.config.demo || !u.demo_only));
    let recorded = username.clone().unwrap_or_else(|| subject.clone());
    let Some(user) = user else {
        let _ = state
            .store
            .record_login_attempt(&recorded, &address, false, clock::now(), None)
            .await;
        return problem(
            StatusCode::FORBIDDEN,
            "Du er logget ind hos kommunen, men har ingen konto i Trivsel. Kontakt din administrator.",
        );
    };
    let (token, hash) = new_token();
    let now = clock::now();
    state.store.create_session(&hash, &user, now, false).await?;
    let _ = state
        .store
        .record_login_attempt(&user.username, &address, true, now, None)
        .await;
    tracing::info!(user_id = user.id, "single sign-on login");
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, set_cookie(&state.config, &token)),
            (header::SET_COOKIE, state_cookie(&state.config, "", 0)),
        ]),
        Redirect::to("/"),
    )
        .into_response())
}
