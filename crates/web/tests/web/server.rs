//! The server's shell: pages, headers, static files, errors.

use reqwest::StatusCode;

use trivsel_web::Config;

use crate::helpers::*;

#[tokio::test]
async fn login_page_is_danish_with_security_headers() {
    let app = spawn_app(local()).await;
    let res = app.get("/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"<html lang="da">"#) && body.contains("Log ind") && body.contains("Adgangskode"));
    assert!(body.contains(r#"label for="username""#), "fields are labelled");
    assert!(!body.contains("<script>"), "no inline script");
    assert!(
        !body.contains("Demo-konti"),
        "demo accounts are only shown in demo mode"
    );
}

#[tokio::test]
async fn healthz_static_and_not_found() {
    let app = spawn_app(local()).await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), r#"{"status":"ok"}"#);
    let res = app.get("/static/trivsel.css", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert!(res.text().await.unwrap().contains(":focus-visible"));
    let res = app.get("/static/favicon.svg", None).await;
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let login = app.get("/login", None).await.text().await.unwrap();
    assert!(login.contains(r#"rel="icon" href="/static/favicon.svg""#));
    let res = app.get("/findes-ikke", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Siden findes ikke"));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app(local()).await;
    let res = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", "https://ond.example")
        .form(&[("username", "lis"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Adgang nægtet"));
    let res = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", "null")
        .form(&[("username", "lis"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "an opaque origin is cross-site");
    let res = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", app.base.clone())
        .form(&[("username", "lis"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "same origin reaches the login check"
    );
}

/// A form post must show where it comes from: without Origin and Referer, or from another
/// scheme or port, it is refused; a same-origin Referer is enough.
#[tokio::test]
async fn a_post_must_come_from_this_origin() {
    let app = spawn_app(local()).await;
    let post = |origin: Option<&str>, referer: Option<String>| {
        let mut req = app.client.post(format!("{}/login", app.base));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(r) = referer {
            req = req.header("referer", r);
        }
        req.form(&[("username", "lis"), ("password", PASSWORD)]).send()
    };
    let https = app.base.replacen("http://", "https://", 1);
    let other_port = format!("{}1", app.base);
    assert_eq!(
        post(None, None).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "no origin"
    );
    assert_eq!(
        post(Some(&https), None).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "scheme"
    );
    assert_eq!(
        post(Some(&other_port), None).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "port"
    );
    let evil_referer = Some(format!("{other_port}/login"));
    assert_eq!(
        post(None, evil_referer).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "referer"
    );
    let own_referer = Some(format!("{}/login", app.base));
    assert_eq!(
        post(None, own_referer).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "own page"
    );
}

/// Reached over HTTPS (a TLS proxy in front), the server tells browsers to keep to HTTPS; over
/// plain HTTP it does not.
#[tokio::test]
async fn hsts_only_when_users_reach_the_server_over_https() {
    let https = spawn_app(Config {
        public_url: "https://trivsel.kommune.dk".into(),
        ..local()
    })
    .await;
    let res = https.get("/login", None).await;
    assert_eq!(
        res.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000; includeSubDomains")
    );
    let http = spawn_app(local()).await;
    let res = http.get("/login", None).await;
    assert!(res.headers().get("strict-transport-security").is_none());
}

/// A request the server cannot read gets a Danish page, not axum's English text: a form over
/// the size limit, a child id that is not a number.
#[tokio::test]
async fn unreadable_requests_get_a_danish_page() {
    let app = spawn_app(local()).await;
    let big = "x".repeat(3 * 1024 * 1024);
    let res = app
        .post("/login", None, &[("username", big.as_str()), ("password", "y")])
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = res.text().await.unwrap();
    assert!(body.contains("for stort") && body.contains(r#"lang="da""#), "{body}");
    world(app.store()).await;
    let teacher = app.login("laerer").await;
    let res = app.get("/boern/abc", Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("kunne ikke læses") && body.contains(r#"lang="da""#),
        "{body}"
    );
}

/// A rejected form is shown again with what was typed, but a value far beyond any field's
/// limit refuses the form unread: 1.9 MB used to come back inside the page.
#[tokio::test]
async fn a_huge_form_value_is_not_echoed_back() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let url = format!("/boern/{}/bekymringer", w.children[0]);
    let huge = "a".repeat(900_000);
    let res = app
        .post(
            &url,
            Some(&teacher),
            &[("beskrivelse", huge.as_str()), ("kategori", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("kunne ikke læses"), "{body}");
    assert!(body.len() < 20_000, "nothing echoed: {} bytes", body.len());

    // A text a little over the limit still gets its own message, with the text kept.
    let long = "a".repeat(20_001);
    let res = app
        .post(
            &url,
            Some(&teacher),
            &[("beskrivelse", long.as_str()), ("kategori", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("20.000") && body.contains(&long), "own message");
}

/// An unknown address is no dead end: a logged-in user gets the 404 page with the menu and
/// «Log ud»; someone not logged in gets it plain.
#[tokio::test]
async fn the_404_page_keeps_the_menu_for_a_logged_in_user() {
    let app = spawn_app(local()).await;
    world(app.store()).await;
    let teacher = app.login("laerer").await;
    let res = app.get("/findes-ikke", Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Siden findes ikke") && page.contains("Log ud") && page.contains("Hovedmenu"),
        "{page}"
    );
    let res = app.get("/findes-ikke", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("Log ud"));
}
