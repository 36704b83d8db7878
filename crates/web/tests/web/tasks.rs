//! Tasks («Mine opgaver»), the leader's overdue list, the calendar feed and the class
//! conference: what each role may do, what is stored, and what is refused.

use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use trivsel_domain::cases::TaskKind;
use trivsel_domain::model::Role;
use trivsel_store::{ConferencePupil, NewConference, NewTask, Store};

use crate::helpers::*;

async fn add_task(store: &Store, w: &World, owner: &str, due: NaiveDate, child: Option<i64>, title: &str) -> i64 {
    let task = NewTask {
        institution_id: w.school_x,
        owner_user_id: w.users[owner],
        kind: TaskKind::FollowUp,
        due,
        title: title.into(),
        child_id: child,
        plan_id: None,
        at: Utc::now(),
    };
    store
        .add_task(&task, &system_audit(w.municipality, "task.create"))
        .await
        .unwrap()
}

/// For the authorization matrix: an open task of the teacher about the X1 child, and a class
/// conference of X1. Returns (task id, conference id).
pub async fn matrix_fixtures(store: &Store, w: &World) -> (i64, i64) {
    let task = add_task(store, w, "laerer", today(), Some(w.children[0]), "Opfølgning").await;
    let conference = NewConference {
        class_id: w.classes[0],
        held_on: today(),
        notes: "Klassen er i god trivsel".into(),
        pupils: vec![ConferencePupil {
            child_id: w.children[0],
            focus: true,
            note: "Følges".into(),
        }],
        tasks: vec![],
        by: w.users["trivselsperson"],
        at: Utc::now(),
    };
    let conference = store.save_class_conference(&conference, &[]).await.unwrap();
    (task, conference)
}

async fn denied_rows(store: &Store, child: i64, action: &str) -> usize {
    store
        .child_audit(child, 500)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == action && !r.allowed)
        .count()
}

#[tokio::test]
async fn my_tasks_by_due_date_overdue_marked_and_only_the_owner_completes() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let later = add_task(
        app.store(),
        &w,
        "laerer",
        today() + Duration::days(10),
        None,
        "Senere opgave",
    )
    .await;
    let late = add_task(
        app.store(),
        &w,
        "laerer",
        today() - Duration::days(3),
        Some(child),
        "Sen opgave",
    )
    .await;
    let others = add_task(app.store(), &w, "trivselsperson", today(), Some(child), "Andens opgave").await;

    let teacher = app.login("laerer").await;
    let res = app.get("/opgaver", Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    let (a, b) = (
        page.find(&format!("opgave-{late}")).unwrap(),
        page.find(&format!("opgave-{later}")).unwrap(),
    );
    assert!(a < b, "sorted by due date");
    assert!(page.contains("Overskredet"), "overdue said in text");
    assert!(page.contains(&format!("href=\"/boern/{child}\"")) && page.contains("Barn KX1"));
    assert!(!page.contains("Andens opgave"), "only the user's own tasks");
    let shown = app.store().child_audit(child, 100).await.unwrap();
    assert!(
        shown
            .iter()
            .any(|r| r.action == "task.list" && r.allowed && r.username == "laerer"),
        "a child shown is audited"
    );

    // Someone else's task: refused, audited, unchanged.
    let res = app
        .post(&format!("/opgaver/{others}"), Some(&teacher), &[("note", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Adgang nægtet"));
    assert!(!app.store().task(others).await.unwrap().unwrap().is_done());
    assert_eq!(denied_rows(app.store(), child, "task.complete").await, 1);
    let leader = app.login("skoleleder").await;
    let res = app.post(&format!("/opgaver/{others}"), Some(&leader), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "not even the leader");

    // A note that is too long: nothing stored, the field is named.
    let long = "x".repeat(2001);
    let res = app
        .post(&format!("/opgaver/{late}"), Some(&teacher), &[("note", &long)])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("«Note»"));
    assert!(!app.store().task(late).await.unwrap().unwrap().is_done());

    let res = app
        .post(
            &format!("/opgaver/{late}"),
            Some(&teacher),
            &[("note", "Talt med forældrene")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let done = app.store().task(late).await.unwrap().unwrap();
    assert_eq!(done.done_note.as_deref(), Some("Talt med forældrene"));
    assert_eq!(done.done_by, Some(w.users["laerer"]));
    let page = app.get("/opgaver", Some(&teacher)).await.text().await.unwrap();
    assert!(page.contains("Udførte opgaver (1)") && page.contains("Talt med forældrene"));
    assert!(!page.contains("Overskredet"), "the done task is no longer overdue");

    // Guardians and pupils have no tasks page.
    for role in [Role::Guardian, Role::Pupil, Role::Analyst, Role::Admin] {
        let session = app.login(role.id()).await;
        assert_eq!(
            app.get("/opgaver", Some(&session)).await.status(),
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
}

#[tokio::test]
async fn a_leader_sees_the_institutions_overdue_tasks() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    add_task(
        app.store(),
        &w,
        "laerer",
        today() - Duration::days(5),
        Some(w.children[1]),
        "Forsinket",
    )
    .await;
    add_task(
        app.store(),
        &w,
        "trivselsperson",
        today() - Duration::days(1),
        None,
        "Også forsinket",
    )
    .await;
    add_task(app.store(), &w, "laerer", today(), None, "Frist i dag").await;

    let leader = app.login("skoleleder").await;
    let res = app.get("/opgaver/institution", Some(&leader)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Forsinket") && page.contains("Også forsinket"));
    assert!(!page.contains("Frist i dag"), "due today is not overdue");
    assert!(
        page.contains("Test laerer") && page.contains("Test trivselsperson"),
        "owners"
    );
    assert!(page.contains("Barn KX2"), "the leader may see the school's children");
    assert_eq!(page.matches(">Overskredet<").count(), 2);

    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(
        front.contains("href=\"/opgaver/institution\"") && front.contains("<strong class=\"overdue\">2</strong>"),
        "{front}"
    );
    let nav = app.get("/opgaver", Some(&leader)).await.text().await.unwrap();
    assert!(nav.contains("href=\"/opgaver\" aria-current=\"page\""));

    for role in ["trivselsperson", "laerer", "foraelder"] {
        let session = app.login(role).await;
        let res = app.get("/opgaver/institution", Some(&session)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role}");
    }
}

fn token_in(page: &str) -> String {
    let start = page.find("/kalender/").expect("a feed address") + "/kalender/".len();
    let token = &page[start..start + 32];
    assert_eq!(&page[start + 32..start + 36], ".ics");
    token.to_string()
}

#[tokio::test]
async fn the_calendar_feed_has_tasks_without_child_names_and_can_be_revoked() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    add_task(
        app.store(),
        &w,
        "laerer",
        today() + Duration::days(2),
        Some(child),
        "Opfølgning hos KX1",
    )
    .await;
    add_task(
        app.store(),
        &w,
        "laerer",
        today() - Duration::days(2),
        None,
        "Forsinket",
    )
    .await;
    let teacher = app.login("laerer").await;

    let page = app.get("/opgaver/kalender", Some(&teacher)).await.text().await.unwrap();
    assert!(page.contains("Du har ingen kalenderadresse"));
    let res = app.post("/opgaver/kalender", Some(&teacher), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let token = token_in(&res.text().await.unwrap());
    assert!(app.store().feed_created_at(w.users["laerer"]).await.unwrap().is_some());

    let res = app.get(&format!("/kalender/{token}.ics"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CONTENT_TYPE], "text/calendar; charset=utf-8");
    let body = res.text().await.unwrap();
    for secret in ["KX1", "Barn", "Opfølgning hos", "Test laerer"] {
        assert!(!body.contains(secret), "the feed names no child or detail: {secret}");
    }
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("parses");
    assert_eq!(calendar.events.len(), 2);
    for event in &calendar.events {
        let prop = |name: &str| {
            event
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap()
        };
        assert_eq!(prop("SUMMARY"), TaskKind::FollowUp.feed_label());
        assert!(prop("URL").starts_with("http://127.0.0.1:8080/opgaver#opgave-"));
    }

    // A new address replaces the old one.
    let res = app.post("/opgaver/kalender", Some(&teacher), &[]).await;
    let second = token_in(&res.text().await.unwrap());
    assert_ne!(second, token);
    assert_eq!(
        app.get(&format!("/kalender/{token}.ics"), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/kalender/{second}.ics"), None).await.status(),
        StatusCode::OK
    );

    // Revoked: 404 at once.
    let res = app.post("/opgaver/kalender/tilbagekald", Some(&teacher), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/kalender/{second}.ics"), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(app.store().feed_created_at(w.users["laerer"]).await.unwrap().is_none());
    for path in [
        "/kalender/ikke-et-token.ics",
        "/kalender/0123456789abcdef0123456789abcdef",
    ] {
        assert_eq!(app.get(path, None).await.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // A guardian cannot make a feed.
    let guardian = app.login("foraelder").await;
    let res = app.post("/opgaver/kalender", Some(&guardian), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store()
            .feed_created_at(w.users["foraelder"])
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_disabled_users_feed_stops_working() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let token = token_in(
        &app.post("/opgaver/kalender", Some(&teacher), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        app.get(&format!("/kalender/{token}.ics"), None).await.status(),
        StatusCode::OK
    );
    app.store()
        .set_disabled(w.users["laerer"], true, &system_audit(w.municipality, "task.create"))
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/kalender/{token}.ics"), None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_class_conference_is_saved_with_its_tasks() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let (class, child) = (w.classes[0], w.children[0]);
    let wellbeing = app.login("trivselsperson").await;

    let res = app.get(&format!("/klasser/{class}/konference"), Some(&wellbeing)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let form = res.text().await.unwrap();
    assert!(form.contains("Barn KX1") && form.contains(&format!("name=\"fokus_{child}\"")));
    assert!(form.contains("Test laerer"), "owners among the school's staff");

    // Invalid: nothing stored, fields named.
    let laerer = w.users["laerer"].to_string();
    let fokus = format!("fokus_{child}");
    let note = format!("note_{child}");
    let res = app
        .post(
            &format!("/klasser/{class}/konference"),
            Some(&wellbeing),
            &[
                ("dato", "2024-02-30"),
                ("noter", "Noter"),
                ("opgave_1_hvad", "Samtale med eleven"),
                ("opgave_1_frist", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("«Dato»") && page.contains("«Ansvarlig»"), "{page}");
    assert!(page.contains("Samtale med eleven"), "the form keeps what was written");
    assert!(app.store().class_conferences(class).await.unwrap().is_empty());
    assert!(
        app.store()
            .tasks_of_user(w.users["laerer"], true)
            .await
            .unwrap()
            .is_empty()
    );

    let due = (today() + Duration::days(7)).to_string();
    let child_id = child.to_string();
    let res = app
        .post(
            &format!("/klasser/{class}/konference"),
            Some(&wellbeing),
            &[
                ("dato", &today().to_string()),
                ("noter", "Uro i timerne efter frikvarteret"),
                (&fokus, "1"),
                (&note, "Virker trist; tal med forældrene"),
                ("opgave_1_hvad", "Samtale med eleven"),
                ("opgave_1_ansvarlig", &laerer),
                ("opgave_1_frist", &due),
                ("opgave_1_elev", &child_id),
                ("opgave_2_hvad", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[LOCATION].to_str().unwrap().to_string();
    let conferences = app.store().class_conferences(class).await.unwrap();
    assert_eq!(conferences.len(), 1);
    let c = &conferences[0];
    assert_eq!(location, format!("/klasser/{class}/konferencer/{}", c.id));
    assert_eq!(c.held_on, today());
    assert_eq!(c.pupils.len(), 1);
    assert!(c.pupils[0].focus);
    assert_eq!(c.pupils[0].note, "Virker trist; tal med forældrene");
    let tasks = app.store().conference_tasks(c.id).await.unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        (tasks[0].owner_user_id, tasks[0].kind, tasks[0].child_id),
        (w.users["laerer"], TaskKind::FollowUp, Some(child))
    );
    let saved = app.store().child_audit(child, 100).await.unwrap();
    assert!(saved.iter().any(|r| r.action == "conference.save" && r.allowed));

    // The class's teacher reads it and finds the task on «Mine opgaver».
    let teacher = app.login("laerer").await;
    let res = app.get(&location, Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Virker trist") && page.contains("Fokuselev") && page.contains("Uro i timerne"));
    let list = app
        .get(&format!("/klasser/{class}/konferencer"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains(&location));
    let mine = app.get("/opgaver", Some(&teacher)).await.text().await.unwrap();
    assert!(mine.contains("Samtale med eleven") && mine.contains(&format!("/konferencer/{}", c.id)));

    // The teacher may read but not hold a conference.
    let res = app
        .post(
            &format!("/klasser/{class}/konference"),
            Some(&teacher),
            &[("dato", &today().to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store().class_conferences(class).await.unwrap().len(), 1);
}

#[tokio::test]
async fn conferences_are_refused_to_other_teachers_and_guardians() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let (_, conference) = matrix_fixtures(app.store(), &w).await;
    let class = w.classes[0];
    add_user(
        app.store(),
        w.municipality,
        "laerer2",
        Role::Teacher,
        Some(w.school_x),
        vec![w.classes[1]],
        None,
    )
    .await;
    let before = app.store().class_conferences(class).await.unwrap().len();
    let today = today().to_string();
    let mut sessions = Vec::new();
    for username in ["laerer2", "foraelder", "elev", "ppr"] {
        sessions.push((username, app.login(username).await));
    }
    let rows_before = app.store().audit_verify(w.municipality).await.unwrap().rows;
    for (username, session) in &sessions {
        for path in [
            format!("/klasser/{class}/konference"),
            format!("/klasser/{class}/konferencer"),
            format!("/klasser/{class}/konferencer/{conference}"),
        ] {
            let res = app.get(&path, Some(session)).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{username} {path}");
            let body = res.text().await.unwrap();
            assert!(
                body.contains("Adgang nægtet") && !body.contains("Følges"),
                "{username} {path}"
            );
        }
        let res = app
            .post(
                &format!("/klasser/{class}/konference"),
                Some(session),
                &[("dato", &today), ("noter", "x")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{username}");
    }
    let report = app.store().audit_verify(w.municipality).await.unwrap();
    assert!(report.broken.is_none());
    assert_eq!(report.rows - rows_before, 4 * 4, "every refusal is audited");
    assert_eq!(app.store().class_conferences(class).await.unwrap().len(), before);
    let guardian = app.login("foraelder").await;
    for path in ["/opgaver", "/opgaver/kalender", "/opgaver/institution"] {
        assert_eq!(
            app.get(path, Some(&guardian)).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn plan_tasks_link_to_the_plan_only_while_the_user_has_access() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let d = |days| today() + Duration::days(days);
    let content = trivsel_domain::cases::PlanContent {
        goals: "Alle hører til".into(),
        actions: vec![trivsel_domain::cases::PlanAction {
            what: "Klassemøde hver fredag".into(),
            responsible_user_id: Some(w.users["laerer"]),
            responsible_name: "Test laerer".into(),
            from: d(-1),
            to: d(14),
        }],
        evaluation_dates: vec![d(30)],
        ..Default::default()
    };
    let plan = trivsel_store::NewPlan {
        institution_id: w.school_x,
        target: trivsel_store::CaseTarget::Class(w.classes[0]),
        tier: trivsel_domain::cases::Tier::Preventive,
        title: "Fællesskab i X1".into(),
        content,
        by: w.users["trivselsperson"],
        at: Utc::now(),
    };
    let (plan_id, _) = app
        .store()
        .create_plan(&plan, &system_audit(w.municipality, "task.create"))
        .await
        .unwrap();
    let teacher = app.login("laerer").await;
    let page = app.get("/opgaver", Some(&teacher)).await.text().await.unwrap();
    assert!(page.contains("Tiltag: Klassemøde hver fredag"), "{page}");
    assert!(page.contains(&format!("href=\"/planer/{plan_id}\"")) && page.contains("Fællesskab i X1"));
    let wellbeing = app.login("trivselsperson").await;
    let page = app.get("/opgaver", Some(&wellbeing)).await.text().await.unwrap();
    assert!(page.contains("Evaluering af mål- og indsatsplan") && page.contains(&format!("/planer/{plan_id}")));

    // Without the class, the task stays but the plan is not shown.
    let update = trivsel_store::UserUpdate {
        name: "Test laerer".into(),
        email: None,
        role: Role::Teacher,
        institution_id: Some(w.school_x),
        class_ids: vec![],
    };
    app.store()
        .update_user(w.users["laerer"], &update, &system_audit(w.municipality, "task.create"))
        .await
        .unwrap();
    let page = app.get("/opgaver", Some(&teacher)).await.text().await.unwrap();
    assert!(page.contains("Tiltag: Klassemøde hver fredag"));
    assert!(!page.contains("/planer/") && !page.contains("Fællesskab i X1"));
    assert!(page.contains("Oplysninger, du ikke har adgang til"));
}
