//! One error type for every handler: `Result<Response, PageError>` lets a handler use `?` on
//! the store and on the kernel's checks. The user sees a Danish page; an unexpected cause goes
//! to the log only, never into the response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use trivsel_store::StoreError;

use crate::kit::shell::page;
use crate::kit::viewer::Viewer;

/// What a handler returns.
pub type Page = Result<Response, PageError>;

#[derive(Debug)]
pub enum PageError {
    /// Something failed that the user cannot fix (database, I/O): a 500 page that says nothing
    /// of the cause, which is logged.
    Server(String),
    /// A rendered Danish page with its status: 400 bad request, 403 refused, 404 unknown,
    /// 409 conflict, 422 a form shown again with its errors.
    Status(StatusCode, Markup),
    /// A finished response that ends the request early (a JSON error of the API); boxed, as it
    /// is large and rare.
    Response(Box<Response>),
}

impl PageError {
    /// The Danish 403 page inside the viewer's layout. The refusal itself is audited by
    /// [`crate::kit::access`], not here.
    pub fn forbidden(viewer: &Viewer, reason: &str) -> Self {
        PageError::Status(StatusCode::FORBIDDEN, forbidden_page(Some(viewer), reason))
    }

    /// The form page shown again with its errors (422).
    pub fn unprocessable(markup: Markup) -> Self {
        PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, markup)
    }

    /// A page with another status (400, 404, 409).
    pub fn status(status: StatusCode, markup: Markup) -> Self {
        PageError::Status(status, markup)
    }

    /// The Danish 429 page of an account paused after a burst of refusals
    /// (`trivsel_domain::login::refusal_wait`).
    pub fn paused(seconds: i64) -> Self {
        let minutes = (seconds + 59) / 60;
        let body = html! {
            h1 { "Kontoen er sat på pause" }
            p { "Du er blevet afvist mange gange på kort tid. Prøv igen om " (minutes) " minut"
                @if minutes != 1 { "ter" } "." }
            p { "Forsøgene er registreret i adgangsloggen." }
        };
        PageError::Status(
            StatusCode::TOO_MANY_REQUESTS,
            page("Kontoen er sat på pause", None, "", body),
        )
    }

    /// The Danish 404 page of a school-day page (roll call, absence, the monthly review, class
    /// conferences) asked for a daycare group, which has none: daycare attendance is not
    /// compulsory.
    pub fn no_school_days() -> Self {
        let body = html! {
            h1 { "Findes ikke i dagtilbud" }
            p { "Dagtilbud har ikke skoledage: der registreres ikke fremmøde og fravær, og der holdes ikke "
                "klassekonferencer. Bekymringer, indsatstrin, planer, møder og samtykker findes på stuens side." }
            p { a href="/klasser" { "Til stuerne" } }
        };
        PageError::Status(StatusCode::NOT_FOUND, page("Findes ikke i dagtilbud", None, "", body))
    }

    /// The Danish 404 page.
    pub fn not_found() -> Self {
        PageError::not_found_for(None)
    }

    /// The Danish 404 page, in the viewer's layout when someone is logged in.
    pub fn not_found_for(viewer: Option<&Viewer>) -> Self {
        PageError::Status(StatusCode::NOT_FOUND, not_found_page(viewer))
    }

    /// A finished response (e.g. JSON) as the error.
    pub fn response(response: impl IntoResponse) -> Self {
        PageError::Response(Box::new(response.into_response()))
    }

    pub fn server(cause: impl std::fmt::Display) -> Self {
        PageError::Server(cause.to_string())
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::server(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Server(cause) => {
                tracing::error!(error = %cause, "request failed");
                let body = html! {
                    h1 { "Der opstod en fejl" }
                    p { "Handlingen kunne ikke gennemføres, og intet er ændret. Prøv igen om lidt." }
                };
                (StatusCode::INTERNAL_SERVER_ERROR, page("Fejl", None, "", body)).into_response()
            }
            PageError::Status(status, markup) => (status, markup).into_response(),
            PageError::Response(response) => *response,
        }
    }
}

/// A Danish 403 page; `viewer` gives it the logged-in layout.
pub fn forbidden_page(viewer: Option<&Viewer>, reason: &str) -> Markup {
    let body = html! {
        h1 { "Adgang nægtet" }
        p { (reason) }
        p { a href="/" { "Gå til forsiden" } }
    };
    page("Adgang nægtet", viewer, "", body)
}

pub fn not_found_page(viewer: Option<&Viewer>) -> Markup {
    let body = html! {
        h1 { "Siden findes ikke" }
        p { "Adressen findes ikke i Trivsel. " a href="/" { "Gå til forsiden" } "." }
    };
    page("Siden findes ikke", viewer, "", body)
}
