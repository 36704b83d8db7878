//! Security headers on every response, and refusal of cross-site writes.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::kit::error::forbidden_page;
use crate::kit::state::AppState;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds CSP (no inline script), nosniff, referrer policy and framing refusal, and HSTS when
/// users reach the server over HTTPS. Responses are `no-store` unless the handler chose a
/// cache policy (static assets).
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if state.config.https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // `same-origin`, not `no-referrer`: with no-referrer browsers send `Origin: null` on form
    // posts, and the CSRF check below needs the real origin.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Refuses state-changing requests sent from another site (CSRF): the browser's `Origin`
/// must match `Host`, and `Sec-Fetch-Site` must not say cross-site. Together with the
/// SameSite=Strict session cookie this keeps other sites from acting as the user.
pub async fn same_origin_writes(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(&request) {
        let page = forbidden_page(
            None,
            "Forespørgslen kom fra et andet websted og er afvist. Intet er ændret.",
        );
        return (StatusCode::FORBIDDEN, page).into_response();
    }
    next.run(request).await
}

fn same_origin(request: &Request) -> bool {
    let h = request.headers();
    if h.get("sec-fetch-site").is_some_and(|v| v == "cross-site") {
        return false;
    }
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true; // Not a browser, or a browser that sends no Origin on same-origin forms.
    };
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}
