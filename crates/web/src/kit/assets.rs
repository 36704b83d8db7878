//! Vendored static assets, compiled into the binary so nothing is fetched at run time.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &str)] = &[
    (
        "trivsel.css",
        "text/css; charset=utf-8",
        include_str!("../../static/trivsel.css"),
    ),
    (
        "trivsel.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/trivsel.js"),
    ),
    ("favicon.svg", "image/svg+xml", include_str!("../../static/favicon.svg")),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "Filen findes ikke.").into_response(),
    }
}
