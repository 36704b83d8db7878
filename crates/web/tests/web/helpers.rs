//! Starting the server, logging in, and a small municipality world for access tests.

use std::collections::HashMap;

use chrono::{Local, NaiveDate};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_store::testing::TestDb;
use trivsel_store::{AuditEntry, EnrolmentRow, NewGuardian, NewUser, RosterChanges, Store};
use trivsel_web::{Config, password, totp};

pub const PASSWORD: &str = "en rigtig god kode";

pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    pub config: Config,
}

pub fn local() -> Config {
    Config {
        secure_cookies: false,
        ..Config::default()
    }
}

pub async fn spawn_app(config: Config) -> App {
    let db = TestDb::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trivsel_web::serve(
        listener,
        trivsel_web::app(db.store.clone(), config.clone()),
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    App {
        base,
        client,
        db,
        config,
    }
}

pub fn cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies {
        "__Host-trivsel"
    } else {
        "trivsel_session"
    }
}

/// The session token set by a response.
pub fn session_of(config: &Config, res: &reqwest::Response) -> String {
    let cookie = res
        .headers()
        .get(SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let prefix = format!("{}=", cookie_name(config));
    cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{cookie}"))
        .to_string()
}

impl App {
    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(s) = session {
            req = req.header(COOKIE, format!("{}={s}", cookie_name(&self.config)));
        }
        req.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, session: Option<&str>, form: &[(&str, &str)]) -> reqwest::Response {
        // A browser's same-origin form post carries its Origin.
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form);
        if let Some(s) = session {
            req = req.header(COOKIE, format!("{}={s}", cookie_name(&self.config)));
        }
        req.send().await.unwrap()
    }

    pub async fn login_password(&self, username: &str, password: &str) -> reqwest::Response {
        self.post("/login", None, &[("username", username), ("password", password)])
            .await
    }

    /// Logs in through the real pages: password, then the TOTP code where one is asked for.
    pub async fn login(&self, username: &str) -> String {
        let res = self.login_password(username, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {username}");
        let session = session_of(&self.config, &res);
        if res.headers()[LOCATION] == "/" {
            return session;
        }
        assert_eq!(res.headers()[LOCATION], "/login/totp", "{username} has a TOTP secret");
        let user = self.store().user_by_username(username).await.unwrap().unwrap();
        let code = totp::code(
            user.totp_secret.as_deref().unwrap(),
            chrono::Utc::now().timestamp() as u64,
        )
        .unwrap();
        let res = self.post("/login/totp", Some(&session), &[("code", &code)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "totp for {username}");
        session_of(&self.config, &res)
    }
}

/// Creates a user with the test password and, for staff, a TOTP secret.
pub async fn add_user(
    store: &Store,
    m: i64,
    username: &str,
    role: Role,
    institution_id: Option<i64>,
    class_ids: Vec<i64>,
    child_id: Option<i64>,
) -> i64 {
    let new = NewUser {
        municipality_id: m,
        username: username.into(),
        name: format!("Test {username}"),
        email: None,
        role,
        institution_id,
        child_id,
        password_hash: Some(password::hash(PASSWORD)),
        demo_only: false,
        class_ids,
    };
    let id = store.create_user(&new, None).await.unwrap();
    if role.is_staff() {
        let audit = trivsel_store::AuditEntry {
            municipality_id: m,
            user_id: Some(id),
            username: username.into(),
            role: role.id().into(),
            action: "user.totp_setup".into(),
            child_id: None,
            criterion: None,
            allowed: true,
            address: None,
        };
        store
            .set_totp_secret(id, Some(&totp::new_secret()), &audit)
            .await
            .unwrap();
    }
    id
}

/// Municipality A with school X (classes X1, X2) and school Y (class Y1); municipality B with
/// school Z (class Z1). One child per class. A user per role in A: the teacher teaches X1;
/// trivselsperson and leader work at X; the advisers hold the case of the X1 child; the guardian
/// has custody of it and the pupil is that child.
pub struct World {
    pub municipality: i64,
    pub school_x: i64,
    /// Children: X1, X2, Y1, Z1 (other municipality).
    pub children: [i64; 4],
    /// Classes: X1, X2, Y1, Z1.
    pub classes: [i64; 4],
    /// User ids by user name (role id), plus `fremmed` (a teacher in B).
    pub users: HashMap<String, i64>,
}

pub const ROLE_USERS: [Role; 13] = Role::ALL;

pub async fn world(store: &Store) -> World {
    let a = store
        .upsert_municipality("147", "Frederiksberg Kommune")
        .await
        .unwrap()
        .id;
    let b = store.upsert_municipality("101", "Københavns Kommune").await.unwrap().id;
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let mut ids = Vec::new();
    for (m, school, class, child) in [
        (a, "X", "X1", "kx1"),
        (a, "X", "X2", "kx2"),
        (a, "Y", "Y1", "ky1"),
        (b, "Z", "Z1", "kz1"),
    ] {
        let roster = RosterChanges {
            institutions: vec![(school.into(), format!("Skole {school}"), InstitutionKind::School)],
            classes: vec![(school.into(), class.into())],
            children: vec![(child.into(), "Barn".into(), child.to_uppercase(), d("2015-05-05"))],
            enrolments: vec![(
                child.into(),
                EnrolmentRow {
                    institution_code: school.into(),
                    class_name: class.into(),
                    from: d("2020-08-01"),
                    to: None,
                },
            )],
            ..Default::default()
        };
        store.apply_roster(m, &roster).await.unwrap();
        let child_id = store.child_id(m, child).await.unwrap().unwrap();
        let inst = store
            .institutions(m)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.code == school)
            .unwrap()
            .id;
        let class_id = store
            .class_cards(&[], Some(inst))
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.name == class)
            .unwrap()
            .id;
        ids.push((child_id, class_id, inst));
    }
    let children = [ids[0].0, ids[1].0, ids[2].0, ids[3].0];
    let classes = [ids[0].1, ids[1].1, ids[2].1, ids[3].1];
    let school_x = ids[0].2;
    let mut users = HashMap::new();
    for role in ROLE_USERS {
        let (institution, class_ids, child) = match role {
            Role::Teacher => (Some(school_x), vec![classes[0]], None),
            Role::WellbeingPerson | Role::Leader => (Some(school_x), vec![], None),
            Role::Pupil => (None, vec![], Some(children[0])),
            _ => (None, vec![], None),
        };
        let id = add_user(store, a, role.id(), role, institution, class_ids, child).await;
        users.insert(role.id().to_string(), id);
    }
    for adviser in [
        Role::Psychologist,
        Role::SocialWorker,
        Role::HealthVisitor,
        Role::SspCounsellor,
        Role::FamilyCounsellor,
    ] {
        trivsel_store::testing::assign_adviser(store, users[adviser.id()], children[0])
            .await
            .unwrap();
    }
    let guardian = NewGuardian {
        name: "Forælder Test".into(),
        user_id: Some(users["foraelder"]),
        children: vec![children[0]],
    };
    store.add_guardians(a, &[guardian]).await.unwrap();
    let stranger = add_user(
        store,
        b,
        "fremmed",
        Role::Teacher,
        Some(ids[3].2),
        vec![classes[3]],
        None,
    )
    .await;
    users.insert("fremmed".into(), stranger);
    World {
        municipality: a,
        school_x,
        children,
        classes,
        users,
    }
}

/// Today in the server's time zone (the dates the pages use).
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// An audit row for a change a test makes directly in the store.
pub fn system_audit(m: i64, action: &str) -> AuditEntry {
    AuditEntry {
        municipality_id: m,
        user_id: None,
        username: "test".into(),
        role: "system".into(),
        action: action.into(),
        child_id: None,
        criterion: None,
        allowed: true,
        address: None,
    }
}

/// Where a redirect leads.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()[LOCATION].to_str().unwrap().to_string()
}
