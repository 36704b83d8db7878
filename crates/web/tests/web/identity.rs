//! Logging in: password, second factor, throttling, sessions, and account administration.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use trivsel_domain::model::Role;
use trivsel_web::{Config, totp};

use crate::helpers::*;

async fn one_user(app: &App, role: Role) -> i64 {
    let m = app
        .store()
        .upsert_municipality("147", "Frederiksberg Kommune")
        .await
        .unwrap()
        .id;
    add_user(app.store(), m, "lis", role, None, vec![], None).await
}

/// The TOTP secret the user set up.
async fn totp_secret(app: &App, username: &str) -> String {
    let user = app.store().user_by_username(username).await.unwrap().unwrap();
    user.totp_secret.unwrap()
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

#[tokio::test]
async fn staff_log_in_with_password_and_totp() {
    let app = spawn_app(local()).await;
    one_user(&app, Role::Leader).await;
    assert_eq!(app.get("/", None).await.headers()[LOCATION], "/login");

    let res = app.login_password("lis", "forkert kode her").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Forkert brugernavn eller adgangskode.")
    );
    assert_eq!(
        app.login_password("ingen", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let res = app.login_password(" LIS ", PASSWORD).await;
    assert_eq!(res.headers()[LOCATION], "/login/totp");
    let pending = session_of(&app.config, &res);
    assert_eq!(pending.len(), 32, "128 random bits, hex");
    // The password alone gives nothing.
    assert_eq!(app.get("/", Some(&pending)).await.headers()[LOCATION], "/login/totp");
    assert_eq!(
        app.get("/klasser", Some(&pending)).await.headers()[LOCATION],
        "/login/totp"
    );

    let res = app.post("/login/totp", Some(&pending), &[("code", "000000")]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("Koden er forkert"));

    let secret = totp_secret(&app, "lis").await;
    let code = totp::code(&secret, now()).unwrap();
    let res = app.post("/login/totp", Some(&pending), &[("code", &code)]).await;
    assert_eq!(res.headers()[LOCATION], "/");
    let session = session_of(&app.config, &res);
    assert_ne!(session, pending, "a new token once the second factor is done");
    assert_eq!(
        app.get("/", Some(&pending)).await.headers()[LOCATION],
        "/login",
        "the pending token is gone"
    );
    let body = app.get("/", Some(&session)).await.text().await.unwrap();
    assert!(body.contains("Velkommen, Test lis"), "{body}");

    // The same code cannot be used twice.
    let res = app.login_password("lis", PASSWORD).await;
    let again = session_of(&app.config, &res);
    assert_eq!(
        app.post("/login/totp", Some(&again), &[("code", &code)]).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Logging out ends the session on the server.
    let res = app.post("/logout", Some(&session), &[]).await;
    assert_eq!(res.headers()[LOCATION], "/login");
    assert_eq!(app.get("/", Some(&session)).await.headers()[LOCATION], "/login");
}

#[tokio::test]
async fn first_login_sets_up_totp() {
    let app = spawn_app(local()).await;
    let m = app
        .store()
        .upsert_municipality("147", "Frederiksberg")
        .await
        .unwrap()
        .id;
    let new = trivsel_store::NewUser {
        municipality_id: m,
        username: "ny".into(),
        name: "Ny Medarbejder".into(),
        email: None,
        role: Role::Teacher,
        institution_id: None,
        child_id: None,
        password_hash: Some(trivsel_web::password::hash(PASSWORD)),
        demo_only: false,
        class_ids: vec![],
    };
    app.store().create_user(&new, None).await.unwrap();
    let res = app.login_password("ny", PASSWORD).await;
    assert_eq!(res.headers()[LOCATION], "/login/totp/opsaet");
    let pending = session_of(&app.config, &res);
    let page = app
        .get("/login/totp/opsaet", Some(&pending))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg") && page.contains("Opsæt totrinsbekræftelse"));
    let secret = page
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let res = app
        .post(
            "/login/totp/opsaet",
            Some(&pending),
            &[("secret", &secret), ("code", "123456")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let code = totp::code(&secret, now()).unwrap();
    let res = app
        .post(
            "/login/totp/opsaet",
            Some(&pending),
            &[("secret", &secret), ("code", &code)],
        )
        .await;
    assert_eq!(res.headers()[LOCATION], "/");
    let user = app.store().user_by_username("ny").await.unwrap().unwrap();
    assert_eq!(user.totp_secret.as_deref(), Some(secret.as_str()));
}

#[tokio::test]
async fn guardians_need_no_totp_and_demo_mode_skips_it() {
    let app = spawn_app(local()).await;
    one_user(&app, Role::Guardian).await;
    assert_eq!(app.login_password("lis", PASSWORD).await.headers()[LOCATION], "/");

    let demo = spawn_app(Config { demo: true, ..local() }).await;
    let m = demo
        .store()
        .upsert_municipality("999", "Eksempel Kommune")
        .await
        .unwrap()
        .id;
    let mut new = trivsel_store::NewUser {
        municipality_id: m,
        username: "leder".into(),
        name: "Demo Leder".into(),
        email: None,
        role: Role::Leader,
        institution_id: None,
        child_id: None,
        password_hash: Some(trivsel_web::password::hash("demo")),
        demo_only: true,
        class_ids: vec![],
    };
    demo.store().create_user(&new, None).await.unwrap();
    assert_eq!(demo.login_password("leder", "demo").await.headers()[LOCATION], "/");
    assert!(
        demo.get("/login", None)
            .await
            .text()
            .await
            .unwrap()
            .contains("Demo-konti")
    );

    // The same demo account outside demo mode does not exist.
    new.municipality_id = app
        .store()
        .upsert_municipality("999", "Eksempel Kommune")
        .await
        .unwrap()
        .id;
    app.store().create_user(&new, None).await.unwrap();
    assert_eq!(
        app.login_password("leder", "demo").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn secure_cookie_is_host_prefixed() {
    let app = spawn_app(Config::default()).await;
    one_user(&app, Role::Guardian).await;
    let res = app.login_password("lis", PASSWORD).await;
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-trivsel=") && cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let idle = spawn_app(Config {
        idle_timeout: Duration::from_millis(1500),
        ..local()
    })
    .await;
    one_user(&idle, Role::Guardian).await;
    let s = idle.login("lis").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        idle.get("/", Some(&s)).await.status(),
        StatusCode::OK,
        "activity keeps it alive"
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(idle.get("/", Some(&s)).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(idle.get("/", Some(&s)).await.headers()[LOCATION], "/login");

    let absolute = spawn_app(Config {
        absolute_timeout: Duration::from_millis(1500),
        ..local()
    })
    .await;
    one_user(&absolute, Role::Guardian).await;
    let s = absolute.login("lis").await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        let _ = absolute.get("/", Some(&s)).await;
    }
    assert_eq!(
        absolute.get("/", Some(&s)).await.headers()[LOCATION],
        "/login",
        "8-hour style cap, however active"
    );
}

#[tokio::test]
async fn failed_logins_are_throttled_and_an_admin_can_unlock() {
    let app = spawn_app(local()).await;
    let m = app
        .store()
        .upsert_municipality("147", "Frederiksberg")
        .await
        .unwrap()
        .id;
    let lis = add_user(app.store(), m, "lis", Role::Guardian, None, vec![], None).await;
    add_user(app.store(), m, "admin", Role::Admin, None, vec![], None).await;
    for _ in 0..5 {
        assert_eq!(
            app.login_password("lis", "forkert kode").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = app.login_password("lis", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(res.text().await.unwrap().contains("Vent"));

    let admin = app.login("admin").await;
    let res = app
        .post(&format!("/admin/brugere/{lis}/laas-op"), Some(&admin), &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.login_password("lis", PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "unlocked"
    );

    // Many failures from one address block that address, whatever the account.
    for i in 0..20 {
        app.login_password(&format!("gaet{i}"), "forkert kode").await;
    }
    let res = app.login_password("lis", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("fra din adresse"));
}

/// The device cookie of a browser that has logged in to the account, from a login response.
fn device_of(res: &reqwest::Response) -> String {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.split(';').next()?.strip_prefix("trivsel_device="))
        .expect("a device cookie")
        .to_string()
}

async fn login_on_device(app: &App, username: &str, password: &str, device: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/login", app.base))
        .header("origin", &app.base)
        .header(reqwest::header::COOKIE, format!("trivsel_device={device}"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// A stranger failing on purpose (one counted failure every 30 s used to keep the account
/// closed for its owner) slows only attempts without the owner's device cookie; failures made
/// on the owner's browser count against that browser alone.
#[tokio::test]
async fn a_strangers_failures_do_not_slow_the_owner_on_a_known_browser() {
    let app = spawn_app(local()).await;
    let m = app
        .store()
        .upsert_municipality("147", "Frederiksberg")
        .await
        .unwrap()
        .id;
    add_user(app.store(), m, "lis", Role::Guardian, None, vec![], None).await;
    add_user(app.store(), m, "bo", Role::Guardian, None, vec![], None).await;
    let first = app.login_password("lis", PASSWORD).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let device = device_of(&first);
    let max_age = first
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|c| c.to_str().unwrap().contains("Max-Age=31536000"));
    assert!(max_age, "the device cookie lasts a year");

    for _ in 0..5 {
        assert_eq!(
            app.login_password("lis", "forkert kode").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login_password("lis", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a browser without the cookie waits"
    );
    let owner = login_on_device(&app, "lis", PASSWORD, &device).await;
    assert_eq!(owner.status(), StatusCode::SEE_OTHER, "the owner's browser does not");
    assert!(
        owner.headers().get_all(SET_COOKIE).iter().count() == 1,
        "a known browser keeps its device cookie"
    );

    // Failures on the owner's browser count against it, not against strangers' attempts.
    for _ in 0..5 {
        let res = login_on_device(&app, "lis", "forkert kode", &device).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_on_device(&app, "lis", PASSWORD, &device).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the device itself is slowed"
    );

    // A device cookie names one account: for another it is an untrusted attempt.
    let since = chrono::Utc::now() - chrono::Duration::minutes(15);
    login_on_device(&app, "bo", "forkert kode", &device).await;
    let untrusted = app.store().account_failures("bo", since, None).await.unwrap();
    assert_eq!(untrusted.len(), 1);
}

#[tokio::test]
async fn administration_of_accounts() {
    let app = spawn_app(local()).await;
    let m = app
        .store()
        .upsert_municipality("147", "Frederiksberg")
        .await
        .unwrap()
        .id;
    add_user(app.store(), m, "admin", Role::Admin, None, vec![], None).await;
    add_user(app.store(), m, "leder", Role::Leader, None, vec![], None).await;
    let admin = app.login("admin").await;
    let leader = app.login("leder").await;

    assert_eq!(
        app.get("/admin/brugere", Some(&leader)).await.status(),
        StatusCode::FORBIDDEN
    );
    let page = app.get("/admin/brugere", Some(&admin)).await.text().await.unwrap();
    assert!(page.contains("Opret bruger") && page.contains("leder"));

    let weak = [
        ("username", "bo"),
        ("name", "Bo Ek"),
        ("role", "laerer"),
        ("institution", ""),
        ("password", "password1"),
    ];
    let res = app.post("/admin/brugere", Some(&admin), &weak).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("mest brugte"));
    assert!(
        app.store().user_by_username("bo").await.unwrap().is_none(),
        "nothing created"
    );

    let good = [
        ("username", "Bo"),
        ("name", "Bo Ek"),
        ("role", "laerer"),
        ("institution", ""),
        ("password", "blå heste i regnvejr"),
    ];
    let res = app.post("/admin/brugere", Some(&admin), &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let bo = app.store().user_by_username("bo").await.unwrap().unwrap();
    assert_eq!(bo.role, Role::Teacher);
    let dup = app.post("/admin/brugere", Some(&admin), &good).await;
    assert!(dup.text().await.unwrap().contains("findes allerede"));

    // Disabling ends the account's sessions at once.
    let leader_id = app.store().user_by_username("leder").await.unwrap().unwrap().id;
    let res = app
        .post(
            &format!("/admin/brugere/{leader_id}/status"),
            Some(&admin),
            &[("disabled", "true")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/", Some(&leader)).await.headers()[LOCATION], "/login");
    assert_eq!(
        app.login_password("leder", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Account changes are in the audit log, chained.
    let report = app.store().audit_verify(m).await.unwrap();
    assert!(report.broken.is_none());
    assert!(report.rows >= 3, "create and status change audited: {report:?}");
}

/// Codes are throttled like passwords and the login ends after three wrong codes, so the second
/// factor cannot be guessed: 1,000 tries on one login used to get 1,000 × 401 and the right
/// code was still accepted afterwards.
#[tokio::test]
async fn the_second_factor_is_throttled_and_a_login_ends_after_three_wrong_codes() {
    let app = spawn_app(local()).await;
    one_user(&app, Role::Leader).await;
    let secret = totp_secret(&app, "lis").await;
    let right = totp::code(&secret, now()).unwrap();
    let wrong = if right == "000000" { "111111" } else { "000000" };

    let pending = session_of(&app.config, &app.login_password("lis", PASSWORD).await);
    for _ in 0..2 {
        let res = app.post("/login/totp", Some(&pending), &[("code", wrong)]).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.get("/login/totp", Some(&pending)).await.status(), StatusCode::OK);
    let res = app.post("/login/totp", Some(&pending), &[("code", wrong)]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert!(res.text().await.unwrap().contains("Log ind igen med din adgangskode"));
    assert_eq!(
        app.get("/login/totp", Some(&pending)).await.headers()[LOCATION],
        "/login",
        "the login waiting for its code is gone"
    );

    // A new login with the right password gives no fresh guesses: after five wrong codes in
    // 15 minutes even the right one waits.
    let again = session_of(&app.config, &app.login_password("lis", PASSWORD).await);
    for _ in 0..2 {
        let res = app.post("/login/totp", Some(&again), &[("code", wrong)]).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.post("/login/totp", Some(&again), &[("code", &right)]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("For mange forkerte koder"));
    assert_eq!(
        app.get("/", Some(&again)).await.headers()[LOCATION],
        "/login/totp",
        "still waiting for the second factor"
    );
}

/// Behind the configured TLS proxy each client is throttled by its own address (the one the
/// proxy appended to X-Forwarded-For), so 20 failures from one client do not block another;
/// from any other peer the header is ignored.
#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_throttled_by_their_own_address() {
    let app = spawn_app(Config {
        trusted_proxy: Some("127.0.0.1".parse().unwrap()),
        ..local()
    })
    .await;
    one_user(&app, Role::Guardian).await;
    let login_from = |forwarded: &'static str, username: String, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/login", app.base))
                .header("origin", &app.base)
                .header("x-forwarded-for", forwarded)
                .form(&[("username", username.as_str()), ("password", password)])
                .send()
                .await
                .unwrap()
        }
    };
    let since = chrono::Utc::now() - chrono::Duration::minutes(1);
    for i in 0..20 {
        // Guessing across accounts; the first entry is the client's own claim, the proxy's
        // (last) entry counts.
        login_from("6.6.6.6, 10.0.0.1", format!("ingen{i}"), "forkert kode her").await;
    }
    let store = app.store();
    assert_eq!(store.address_failures("10.0.0.1", since).await.unwrap(), 20);
    assert_eq!(store.address_failures("6.6.6.6", since).await.unwrap(), 0);
    assert_eq!(store.address_failures("127.0.0.1", since).await.unwrap(), 0);
    let blocked = login_from("10.0.0.1", "lis".into(), PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy is not blocked.
    let other = login_from("10.0.0.2", "lis".into(), PASSWORD).await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER, "{:?}", other.text().await);

    // Without a trusted proxy the header is the client's claim and is ignored.
    let direct = spawn_app(local()).await;
    one_user(&direct, Role::Guardian).await;
    direct
        .client
        .post(format!("{}/login", direct.base))
        .header("origin", &direct.base)
        .header("x-forwarded-for", "10.9.9.9")
        .form(&[("username", "lis"), ("password", "forkert kode her")])
        .send()
        .await
        .unwrap();
    assert_eq!(direct.store().address_failures("10.9.9.9", since).await.unwrap(), 0);
    assert_eq!(direct.store().address_failures("127.0.0.1", since).await.unwrap(), 1);
}

/// Logging in again from the same browser ends its earlier session.
#[tokio::test]
async fn logging_in_again_ends_the_earlier_session() {
    let app = spawn_app(local()).await;
    one_user(&app, Role::Guardian).await;
    let first = session_of(&app.config, &app.login_password("lis", PASSWORD).await);
    assert_eq!(app.get("/", Some(&first)).await.status(), StatusCode::OK);
    let res = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", &app.base)
        .header("cookie", format!("{}={first}", cookie_name(&app.config)))
        .form(&[("username", "lis"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = session_of(&app.config, &res);
    assert_ne!(first, second);
    assert_eq!(app.get("/", Some(&first)).await.headers()[LOCATION], "/login");
    assert_eq!(app.get("/", Some(&second)).await.status(), StatusCode::OK);
}

/// A single sign-on answer is taken only in the browser that started the login (its state
/// cookie), so an attacker's callback link cannot log a victim into the attacker's account.
#[tokio::test]
async fn a_single_sign_on_answer_is_taken_only_by_the_browser_that_started_it() {
    let app = spawn_app(local()).await;
    let m = app
        .store()
        .upsert_municipality("147", "Frederiksberg Kommune")
        .await
        .unwrap()
        .id;
    let login = trivsel_store::OidcLogin {
        municipality_id: m,
        pkce_verifier: "v".repeat(43),
        nonce: "n".into(),
        created_at: chrono::Utc::now(),
    };
    app.store()
        .start_oidc_login("angriberens-tilstand", &login)
        .await
        .unwrap();
    let callback = "/oidc/callback?state=angriberens-tilstand&code=kode";
    let res = app.get(callback, None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("startet i en anden browser"));
    // With the starting browser's cookie the answer goes on (here to the missing provider).
    let res = app
        .client
        .get(format!("{}{callback}", app.base))
        .header("cookie", "trivsel_oidc=angriberens-tilstand")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("har ikke længere single sign-on"));
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_gives_the_text_back_and_returns_after_login() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let path = format!("/boern/{child}/samtykker");
    // A session cookie the server no longer knows (expired, or logged out in another tab).
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .header("origin", &app.base)
        .header("referer", format!("{}{path}", app.base))
        .header(
            reqwest::header::COOKIE,
            format!("{}=udloebet", cookie_name(&app.config)),
        )
        .form(&[("omfang", "trivselsforum"), ("note", "Ondt i maven om morgenen")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = res.text().await.unwrap();
    assert!(page.contains("sessionen var udløbet"), "{page}");
    assert!(
        page.contains("readonly rows=\"4\">Ondt i maven om morgenen</textarea>"),
        "{page}"
    );
    assert!(
        !page.contains(">trivselsforum</textarea>"),
        "form tokens are not given back"
    );
    assert!(page.contains(&format!(r#"name="naeste" value="{path}""#)));
    assert!(
        app.store()
            .consents_of_child(trivsel_domain::access::ChildGrant::system(child))
            .await
            .unwrap()
            .is_empty()
    );

    // Logging in returns to the page; an address elsewhere is ignored.
    let res = app
        .post(
            "/login",
            None,
            &[("username", "foraelder"), ("password", PASSWORD), ("naeste", &path)],
        )
        .await;
    assert_eq!(res.headers()[LOCATION], path.as_str());
    let res = app
        .post(
            "/login",
            None,
            &[
                ("username", "foraelder"),
                ("password", PASSWORD),
                ("naeste", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(res.headers()[LOCATION], "/");
}
