//! Prevention at the school's three levels: year groups with coordinators, preventive plans
//! for the whole school or a year group with the evaluation as the coordinator's task, and a
//! year group's annual-wheel activity going to its coordinator.

use chrono::Duration;
use reqwest::StatusCode;
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::model::InstitutionKind;
use trivsel_store::{EnrolmentRow, RosterChanges};

use crate::helpers::*;

#[tokio::test]
async fn a_year_groups_plan_goes_to_its_coordinator() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let roster = RosterChanges {
        institutions: vec![("X".into(), "Skole X".into(), InstitutionKind::School)],
        classes: vec![("X".into(), "5.A".into()), ("X".into(), "5.B".into())],
        children: vec![("k5a".into(), "Barn".into(), "Femte".into(), d("2016-02-02"))],
        enrolments: vec![(
            "k5a".into(),
            EnrolmentRow {
                institution_code: "X".into(),
                class_name: "5.A".into(),
                from: d("2021-08-01"),
                to: None,
            },
        )],
        ..Default::default()
    };
    app.store().apply_roster(w.municipality, &roster).await.unwrap();
    let teacher_id = w.users["laerer"].to_string();
    let leader = app.login("skoleleder").await;
    let page = app.get("/aargange", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("5. årgang (5.A, 5.B)"), "{page}");
    assert!(!page.contains("X1"), "a class without a number is in no year group");
    // A coordinator must work at the school.
    let stranger = w.users["fremmed"].to_string();
    let res = app
        .post("/aargange", Some(&leader), &[("koordinator_5", stranger.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store().year_groups(w.school_x).await.unwrap().is_empty());
    let res = app
        .post("/aargange", Some(&leader), &[("koordinator_5", teacher_id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let teacher = app.login("laerer").await;
    let page = app.get("/aargange", Some(&teacher)).await.text().await.unwrap();
    assert!(
        page.contains("Test laerer") && !page.contains("<select"),
        "the teacher reads it"
    );
    assert_eq!(
        app.post("/aargange", Some(&teacher), &[("koordinator_5", "")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // A plan for 5. årgang: bad forms store nothing.
    let later = (today() + Duration::days(60)).to_string();
    let past = (today() - Duration::days(1)).to_string();
    for (niveau, date, field) in [("7", later.as_str(), "niveau"), ("5", past.as_str(), "evaluering")] {
        let form = [
            ("titel", "Tryg i frikvarteret"),
            ("niveau", niveau),
            ("maal", "Alle har nogen at lege med."),
            ("evaluering", date),
        ];
        let res = app.post("/forebyggelse", Some(&leader), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains(&format!("id=\"{field}\"")) && page.contains("aria-invalid=\"true\""),
            "{field}"
        );
    }
    assert!(app.store().preventive_plans(w.school_x).await.unwrap().is_empty());
    let form = [
        ("titel", "Tryg i frikvarteret"),
        ("niveau", "5"),
        ("maal", "Alle har nogen at lege med."),
        ("tiltag", "Legepatruljer fra 6. årgang."),
        ("evaluering", later.as_str()),
    ];
    let res = app.post("/forebyggelse", Some(&leader), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res);
    let plans = app.store().preventive_plans(w.school_x).await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(
        plans[0].responsible_name, "Test laerer",
        "the coordinator is responsible"
    );
    let tasks = app.store().tasks_of_user(w.users["laerer"], false).await.unwrap();
    assert!(
        tasks
            .iter()
            .any(|t| t.title == "Evaluering af forebyggende plan (5. årgang): Tryg i frikvarteret")
    );
    // The whole school's plan goes to the trivselsperson.
    let school = [
        ("titel", "Trivselsstrategi"),
        ("niveau", "skole"),
        ("maal", "Fælles sprog om trivsel."),
        ("evaluering", later.as_str()),
    ];
    assert_eq!(
        app.post("/forebyggelse", Some(&leader), &school).await.status(),
        StatusCode::SEE_OTHER
    );
    let plans = app.store().preventive_plans(w.school_x).await.unwrap();
    assert!(
        plans
            .iter()
            .any(|p| p.title == "Trivselsstrategi" && p.responsible_name == "Test trivselsperson")
    );

    // The teacher reads but does not close; the leader closes with an evaluation.
    let page = app.get(&url, Some(&teacher)).await.text().await.unwrap();
    assert!(page.contains("Legepatruljer") && !page.contains("Evaluér og luk planen"));
    let close = format!("{url}/luk");
    assert_eq!(
        app.post(&close, Some(&teacher), &[("evaluering", "x")]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&close, Some(&leader), &[("evaluering", "")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.post(
            &close,
            Some(&leader),
            &[("evaluering", "Flere leger sammen; patruljerne fortsætter.")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let page = app.get(&url, Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Evalueret og lukket"));
    let open = app.store().tasks_of_user(w.users["laerer"], false).await.unwrap();
    assert!(
        !open
            .iter()
            .any(|t| t.title.starts_with("Evaluering af forebyggende plan")),
        "the task is done"
    );
    // Other roles and schools see nothing.
    let ppr = app.login("ppr").await;
    assert_eq!(
        app.get("/forebyggelse", Some(&ppr)).await.status(),
        StatusCode::FORBIDDEN
    );

    // A 5. årgang activity in the wheel without anyone named goes to the coordinator.
    let year = SchoolYear::of(today()).0.to_string();
    let wheel = [
        ("aar", year.as_str()),
        ("titel", "Venskabsklasser"),
        ("periode", "1"),
        ("niveau", "aargang"),
        ("hvem", "5. årgang"),
    ];
    assert_eq!(
        app.post("/trivselshjul", Some(&leader), &wheel).await.status(),
        StatusCode::SEE_OTHER
    );
    let activities = app
        .store()
        .activities(w.school_x, SchoolYear::of(today()).0)
        .await
        .unwrap();
    assert_eq!(activities[0].responsible_user_id, Some(w.users["laerer"]));
}
