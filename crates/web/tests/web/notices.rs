//! The parents' absence reports over HTTP: a guardian reports sickness, the roll call proposes
//! S; a leave application approved by the leadership proposes L; refusals per role.

use chrono::Utc;
use reqwest::StatusCode;
use trivsel_domain::absence::notice::NoticeKind;
use trivsel_store::{NewAbsenceNotice, Store};

use crate::helpers::*;

/// A leave application of X1 waiting for the school's answer, for the matrix.
pub async fn matrix_fixture(store: &Store, w: &World) -> i64 {
    let notice = NewAbsenceNotice {
        municipality_id: w.municipality,
        child_id: w.children[0],
        kind: NoticeKind::Leave,
        from: today(),
        to: today(),
        reason: "Familiebesøg".into(),
        reported_by: w.users["foraelder"],
        at: Utc::now(),
    };
    let audit = system_audit(w.municipality, "absence.notice.create");
    store.add_absence_notice(&notice, &audit).await.unwrap()
}

/// Whether the roll call of the X1 class shows `code` chosen for the pupil.
async fn proposed(app: &App, session: &str, class: i64, child: i64, code: char) -> bool {
    let page = app
        .get(&format!("/klasser/{class}/fremmoede"), Some(session))
        .await
        .text()
        .await
        .unwrap();
    let input = format!("name=\"c{child}\" value=\"{code}\"");
    let at = page.find(&input).unwrap_or_else(|| panic!("no {input} in {page}"));
    page[at..].split('>').next().unwrap().contains("checked")
}

#[tokio::test]
async fn a_parents_sickness_report_and_approved_leave_are_proposed_in_the_roll_call() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [child, other, ..] = w.children;
    let class = w.classes[0];
    let guardian = app.login("foraelder").await;
    let teacher = app.login("laerer").await;
    let today = today();
    let day = today.to_string();
    let report = |session: String, child: i64, form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(&format!("/boern/{child}/fravaersmelding"), Some(&session), &fields)
                .await
        }
    };
    let sickness = |from: String| vec![("art", "sygdom".to_string()), ("fra", from), ("til", today.to_string())];

    // Refused: a teacher, another family's child; a sickness report for yesterday.
    assert_eq!(
        report(teacher.clone(), child, sickness(day.clone())).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        report(guardian.clone(), other, sickness(day.clone())).await.status(),
        StatusCode::FORBIDDEN
    );
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let res = report(guardian.clone(), child, sickness(yesterday)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("sygdom meldes fra i dag"));
    assert!(app.store().child_absence_notices(child).await.unwrap().is_empty());
    assert!(proposed(&app, &teacher, class, child, 'P').await, "present by default");

    let res = report(guardian.clone(), child, sickness(day.clone())).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(proposed(&app, &teacher, class, child, 'S').await, "sickness proposed");
    let audit = app.store().child_audit(child, 20).await.unwrap();
    assert!(audit.iter().any(|r| r.action == "absence.notice.create" && r.allowed));

    // The teacher saves the roll call as proposed; the saved code then stands.
    let res = app
        .post(
            &format!("/klasser/{class}/fremmoede"),
            Some(&teacher),
            &[("dato", &day), ("modul", "1"), (&format!("c{child}"), "S")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let saved = app.store().class_registrations(class, today).await.unwrap();
    assert_eq!(saved[&1][&child], trivsel_domain::absence::Code::Sickness);
}

#[tokio::test]
async fn leave_is_proposed_as_lawful_only_once_the_leadership_approves_it() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let class = w.classes[0];
    let guardian = app.login("foraelder").await;
    let teacher = app.login("laerer").await;
    let leader = app.login("skoleleder").await;
    let day = today().to_string();
    let form = |reason: &str| {
        vec![
            ("art", "frihed".to_string()),
            ("fra", day.clone()),
            ("til", day.clone()),
            ("aarsag", reason.to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        let guardian = guardian.clone();
        async move {
            let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(&format!("/boern/{child}/fravaersmelding"), Some(&guardian), &fields)
                .await
        }
    };
    let res = post(form("")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("hvorfor der søges om frihed"));
    assert_eq!(
        post(form("Morfars 80-års fødselsdag")).await.status(),
        StatusCode::SEE_OTHER
    );
    let id = app.store().child_absence_notices(child).await.unwrap()[0].id;
    assert!(
        proposed(&app, &teacher, class, child, 'P').await,
        "waiting: nothing proposed"
    );

    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(front.contains("1 ansøgning venter"), "{front}");
    let list = app.get("/fravaer/frihed", Some(&leader)).await.text().await.unwrap();
    assert!(list.contains("Morfars 80-års fødselsdag"), "{list}");
    let answer = |session: String, svar: &'static str| {
        let app = &app;
        async move {
            app.post(&format!("/fravaer/frihed/{id}"), Some(&session), &[("svar", svar)])
                .await
        }
    };
    assert_eq!(answer(teacher.clone(), "godkend").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        answer(guardian.clone(), "godkend").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        answer(leader.clone(), "ja").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(answer(leader.clone(), "godkend").await.status(), StatusCode::SEE_OTHER);
    assert!(
        proposed(&app, &teacher, class, child, 'L').await,
        "approved leave proposed as L"
    );
    assert_eq!(
        answer(leader.clone(), "afvis").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "answered once"
    );
    let page = app
        .get(&format!("/boern/{child}/fravaersmelding"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("godkendt"), "{page}");
}

#[tokio::test]
async fn a_day_with_fewer_registrations_than_the_school_takes_is_missing() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let class = w.classes[0];
    let teacher = app.login("laerer").await;
    let calendar = trivsel_domain::calendar::SchoolCalendar::default();
    // The last school day before today: one registration (the morning) only.
    let mut day = today() - chrono::Days::new(1);
    while !calendar.is_school_day(day) {
        day = day - chrono::Days::new(1);
    }
    if trivsel_domain::calendar::SchoolYear::of(day) != trivsel_domain::calendar::SchoolYear::of(today()) {
        return; // the first school day of the year: no earlier day this school year
    }
    let regs = [trivsel_store::Registration {
        child_id: w.children[0],
        date: day,
        slot: 1,
        code: trivsel_domain::absence::Code::Present,
    }];
    app.store()
        .save_registrations(w.municipality, &regs, None, Utc::now(), &[])
        .await
        .unwrap();
    let link = format!("{}</a>: 1 elever", day.format("%d.%m.%Y"));
    let roll_call = format!("/klasser/{class}/fremmoede");
    let text = app.get(&roll_call, Some(&teacher)).await.text().await.unwrap();
    assert!(
        text.contains("færre end 2 registreringer") && text.contains(&link),
        "{text}"
    );
    let audit = system_audit(w.municipality, "absence.registrations_per_day");
    app.store()
        .set_registrations_per_day(w.municipality, "X", 1, &audit)
        .await
        .unwrap();
    let text = app.get(&roll_call, Some(&teacher)).await.text().await.unwrap();
    assert!(!text.contains(&link), "one a day suffices now: {text}");
    assert!(
        app.store()
            .set_registrations_per_day(w.municipality, "X", 0, &audit)
            .await
            .is_err()
    );
}
