//! Security headers on every response, refusal of cross-site writes, and Danish pages for
//! requests the extractors could not read.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::kit::error::forbidden_page;
use crate::kit::shell::page;
use crate::kit::state::{AppState, Config};

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds CSP (no inline script), nosniff, referrer policy and framing refusal, and HSTS when
/// users reach the server over HTTPS. Responses are `no-store` unless the handler chose a
/// cache policy (static assets).
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = danish_rejection(next.run(request).await);
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

/// Refuses state-changing requests not shown to come from this site (CSRF): the browser's
/// `Origin` (or, without one, the `Referer`) must be this server's scheme, host and port, and
/// `Sec-Fetch-Site` must not say cross-site. A JSON body is let through without them: no other
/// site can send one without a CORS preflight, which this server never allows. Together with
/// the SameSite=Strict session cookie this keeps other sites from acting as the user.
pub async fn same_origin_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(&request, &state.config) {
        let page = forbidden_page(
            None,
            "Forespørgslen kom fra et andet websted og er afvist. Intet er ændret.",
        );
        return (StatusCode::FORBIDDEN, page).into_response();
    }
    next.run(request).await
}

fn same_origin(request: &Request, config: &Config) -> bool {
    let h = request.headers();
    let text = |name| h.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if text(HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return false;
    }
    if text(header::CONTENT_TYPE).is_some_and(|t| t.starts_with("application/json")) {
        return true;
    }
    let Some(host) = text(header::HOST) else {
        return false;
    };
    let expected = format!("{}://{host}", if config.https() { "https" } else { "http" });
    match (text(header::ORIGIN), text(header::REFERER)) {
        (Some(origin), _) => origin == expected,
        // The referrer policy is same-origin, so a same-origin form sends its page's address.
        (None, Some(referer)) => {
            referer == expected
                || referer
                    .strip_prefix(&expected)
                    .is_some_and(|rest| rest.starts_with('/'))
        }
        (None, None) => false,
    }
}

/// axum answers a request its extractors cannot read (a form over the size limit, a path id
/// that is not a number, a form of the wrong shape) in plain English text; users get a Danish
/// page with the same status instead. Pages and the API's JSON are left as they are.
fn danish_rejection(response: Response) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Det indsendte er for stort. Intet er gemt.",
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "Forespørgslen kunne ikke læses. Intet er gemt; gå tilbage og prøv igen."
        }
        _ => return response,
    };
    if !plain {
        return response;
    }
    let body = html! {
        h1 { "Forespørgslen kunne ikke behandles" }
        p { (message) }
        p { a href="/" { "Gå til forsiden" } }
    };
    (status, page("Fejl i forespørgslen", None, "", body)).into_response()
}
