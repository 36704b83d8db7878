//! Starts the real server on a free port against a fresh database (`TRIVSEL_TEST_DB`) and
//! talks HTTP to it.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use trivsel_domain::model::Role;
use trivsel_store::NewUser;
use trivsel_store::testing::TestDb;
use trivsel_web::{Config, password};

struct App {
    base: String,
    client: reqwest::Client,
    db: TestDb,
}

async fn spawn_app(config: Config) -> App {
    let db = TestDb::new().await;
    let m = db
        .store
        .upsert_municipality("147", "Frederiksberg Kommune")
        .await
        .unwrap();
    for (username, demo_only) in [("lis", false), ("demo", true)] {
        let user = NewUser {
            municipality_id: m.id,
            username: username.into(),
            name: "Lis Hansen".into(),
            email: None,
            role: Role::Leader,
            institution_id: None,
            child_id: None,
            password_hash: Some(password::hash("rigtig-kode")),
            demo_only,
            class_ids: vec![],
        };
        db.store.create_user(&user).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trivsel_web::serve(
        listener,
        trivsel_web::app(db.store.clone(), config),
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    App { base, client, db }
}

fn local() -> Config {
    Config {
        secure_cookies: false,
        ..Config::default()
    }
}

impl App {
    async fn get(&self, path: &str, session: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(s) = session {
            req = req.header(COOKIE, format!("trivsel_session={s}"));
        }
        req.send().await.unwrap()
    }

    async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/login", self.base))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .unwrap()
    }
}

fn session_of(headers: &HeaderMap) -> String {
    let cookie = headers
        .get(SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("trivsel_session=")
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn login_page_is_danish_with_security_headers() {
    let app = spawn_app(local()).await;
    let res = app.get("/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    assert!(
        body.contains(r#"<html lang="da">"#)
            && body.contains("Log ind")
            && body.contains("Adgangskode")
    );
    assert!(
        body.contains(r#"label for="username""#),
        "fields are labelled"
    );
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
    let res = app.get("/findes-ikke", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Siden findes ikke"));
}

#[tokio::test]
async fn login_front_page_and_logout() {
    let app = spawn_app(local()).await;
    // Not logged in: to the login page.
    let res = app.get("/", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login");

    let res = app.login("lis", "forkert").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Forkert brugernavn eller adgangskode.")
    );
    let res = app.login("ingen", "rigtig-kode").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let res = app.login(" LIS ", "rigtig-kode").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session = session_of(res.headers());
    assert_eq!(session.len(), 32, "128 random bits, hex");
    let res = app.get("/", Some(&session)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Velkommen, Lis Hansen") && body.contains("Frederiksberg Kommune"),
        "{body}"
    );
    assert!(body.contains("Log ud"));

    // Logging out ends the session on the server: the old cookie no longer works.
    let res = app
        .client
        .post(format!("{}/logout", app.base))
        .header(COOKIE, format!("trivsel_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/", Some(&session)).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        app.db
            .store
            .user_by_username("lis")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn demo_accounts_only_work_in_demo_mode() {
    let app = spawn_app(local()).await;
    assert_eq!(
        app.login("demo", "rigtig-kode").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let demo = spawn_app(Config {
        demo: true,
        ..local()
    })
    .await;
    assert_eq!(
        demo.login("demo", "rigtig-kode").await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        demo.get("/login", None)
            .await
            .text()
            .await
            .unwrap()
            .contains("Demo-konti")
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app(local()).await;
    let res = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", "https://ond.example")
        .form(&[("username", "lis"), ("password", "rigtig-kode")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Adgang nægtet"));
    let res = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", app.base.clone())
        .form(&[("username", "lis"), ("password", "rigtig-kode")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn secure_cookie_outside_loopback() {
    let app = spawn_app(Config::default()).await;
    let res = app.login("lis", "rigtig-kode").await;
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}
