//! A form sent after the session ended (idle or absolute timeout, or logged out in another
//! tab): rather than a bare redirect to the login page with the typed text lost, the answer
//! is the login page saying what happened, with the texts given back to copy, and logging in
//! returns to the page the form was on.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::login_form_with;
use crate::kit::AppState;
use crate::kit::session::MaybeSession;

/// Paths whose writes need no session (the shared tablet's class-survey answers among them),
/// or answer in JSON.
const OPEN: [&str; 5] = ["/login", "/logout", "/oidc/", "/api/", "/svar"];

pub async fn expired_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if request.method() != Method::POST || OPEN.iter().any(|p| path.starts_with(p)) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    match MaybeSession::from_request_parts(&mut parts, &state).await {
        Ok(session @ MaybeSession(Some(_))) => {
            // The handler's extractor takes it from here instead of reading it again.
            parts.extensions.insert(session);
            return next.run(Request::from_parts(parts, body)).await;
        }
        Ok(MaybeSession(None)) => {}
        Err(response) => return response,
    }
    // The page the form was on (same site: the CSRF layer has checked the origin).
    let back = parts
        .headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .filter(|p| local_path(p))
        .unwrap_or_else(|| "/".into());
    let fields = axum::Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, body), &())
        .await
        .map(|f| f.0)
        .unwrap_or_default();
    let texts: Vec<&str> = fields.iter().map(|(_, v)| v.trim()).filter(|v| typed(v)).collect();
    let sso = super::sso_options(&state).await;
    let message = "Du var logget ud, da formularen blev sendt (sessionen var udløbet), så intet er gemt. \
                   Log ind igen; du kommer tilbage til siden og kan sende formularen på ny.";
    let kept = html! {
        @if !texts.is_empty() {
            section aria-labelledby="tekst-titel" {
                h2 id="tekst-titel" { "Det du skrev" }
                p { "Kopiér teksten, før du logger ind, og sæt den ind i formularen igen." }
                @for (i, text) in texts.iter().enumerate() {
                    label for={ "tekst-" (i) } { "Tekst " (i + 1) }
                    textarea id={ "tekst-" (i) } readonly rows="4" { (text) }
                }
            }
        }
    };
    let page = login_form_with(state.config.demo, Some(message), "", &sso, Some(&back), kept);
    (StatusCode::UNAUTHORIZED, page).into_response()
}

/// A path on this site to return to after logging in.
pub fn local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/login") && !path.contains('\\')
}

/// A value someone typed (a name, a note), not a form's own token (`ja`, an id, a date).
fn typed(value: &str) -> bool {
    value.chars().any(char::is_alphabetic)
        && value
            .chars()
            .any(|c| c.is_whitespace() || !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_is_told_from_form_tokens() {
        for token in ["ja", "fravaerssamraad", "2026-12-02", "09:00", "42", "gem"] {
            assert!(!typed(token), "{token}");
        }
        for text in ["Eleven", "Ondt i maven om morgenen", "Mødelokalet"] {
            assert!(typed(text), "{text}");
        }
        assert!(local_path("/moeder/3?besked=x"));
        for bad in ["//evil.example", "https://evil.example/", "/login", "/\\evil"] {
            assert!(!local_path(bad), "{bad}");
        }
    }
}
