//! The trivselshjul: the default wheel with tasks for the trivselsperson, an activity for a year
//! group with the teacher's task, ticking off with a note completing the task, and copying the
//! year to the next with dates a year later; teachers cannot open it.

use reqwest::StatusCode;
use trivsel_domain::calendar::SchoolYear;

use crate::helpers::*;

async fn post(app: &App, path: &str, session: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, Some(session), &fields).await
}

#[tokio::test]
async fn the_school_plans_its_year_ticks_off_and_copies_it() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let year = SchoolYear::of(today());
    let y = ("aar", year.0.to_string());
    let leader = app.login("skoleleder").await;
    let page = app.get("/trivselshjul", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Skoleåret har ingen aktiviteter endnu."));
    assert_eq!(
        post(&app, "/trivselshjul/standard", &leader, std::slice::from_ref(&y))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let activities = app.store().activities(w.school_x, year.0).await.unwrap();
    assert_eq!(activities.len(), 4);
    let tasks = app
        .store()
        .tasks_of_user(w.users["trivselsperson"], false)
        .await
        .unwrap();
    assert_eq!(
        tasks.iter().filter(|t| t.title.starts_with("Trivselshjul: ")).count(),
        4
    );

    let mut add = vec![
        y.clone(),
        ("titel", "Venskabsklasser".to_string()),
        ("periode", "1".into()),
        ("niveau", "aargang".into()),
        ("ansvarlig", w.users["laerer"].to_string()),
    ];
    let res = post(&app, "/trivselshjul", &leader, &add).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Årgang eller klasse: skriv hvilken.")
    );
    add.push(("hvem", "5. årgang".into()));
    assert_eq!(
        post(&app, "/trivselshjul", &leader, &add).await.status(),
        StatusCode::SEE_OTHER
    );
    let teacher = app.login("laerer").await;
    let tasks = app.get("/opgaver", Some(&teacher)).await.text().await.unwrap();
    assert!(tasks.contains("Trivselshjul: Venskabsklasser"));
    assert_eq!(
        app.get("/trivselshjul", Some(&teacher)).await.status(),
        StatusCode::FORBIDDEN
    );

    // Ticked off with a note: the activity is done and so is its task.
    let first = activities[0].id;
    let res = post(
        &app,
        &format!("/trivselshjul/{first}/udfoert"),
        &leader,
        &[y.clone(), ("note", "Holdt i alle klasser".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/trivselshjul?aar={}", year.0), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Udført") && page.contains("Holdt i alle klasser"));
    let open = app
        .store()
        .tasks_of_user(w.users["trivselsperson"], false)
        .await
        .unwrap();
    assert_eq!(open.iter().filter(|t| t.title.starts_with("Trivselshjul: ")).count(), 3);
    assert_eq!(
        post(
            &app,
            &format!("/trivselshjul/{first}/udfoert"),
            &leader,
            std::slice::from_ref(&y)
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    // Copied: five activities a year later, none done; a second copy is refused.
    assert_eq!(
        post(&app, "/trivselshjul/kopier", &leader, std::slice::from_ref(&y))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let next = app.store().activities(w.school_x, year.0 + 1).await.unwrap();
    assert_eq!(next.len(), 5);
    assert!(next.iter().all(|a| a.done_at.is_none()));
    assert_eq!(
        next[0].starts_on,
        trivsel_domain::annual_wheel::shift_year(activities[0].starts_on, 1)
    );
    let res = post(&app, "/trivselshjul/kopier", &leader, &[y]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("har allerede et trivselshjul"));
}

#[tokio::test]
async fn a_school_starts_its_year_from_the_municipal_template() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let year = SchoolYear::of(today());
    let y = ("aar", year.0.to_string());
    let leader = app.login("skoleleder").await;
    // No template yet: refused, nothing made.
    let res = post(&app, "/trivselshjul/skabelon", &leader, std::slice::from_ref(&y)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Kommunen har ingen skabelon"));
    assert!(app.store().activities(w.school_x, year.0).await.unwrap().is_empty());

    // Only the analyst keeps the template; a bad form stores nothing.
    let analyst = app.login("analytiker").await;
    let item = |title: &str, period: &str, level: &str, who: &str| {
        vec![
            ("titel", title.to_string()),
            ("periode", period.to_string()),
            ("niveau", level.to_string()),
            ("hvem", who.to_string()),
            ("team", "LKT-teamet".to_string()),
        ]
    };
    let bad = post(
        &app,
        "/kommune/trivselshjul",
        &analyst,
        &item("Trivselsdag", "1", "aargang", ""),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Årgang eller klasse: skriv hvilken.")
    );
    for (title, period, level, who) in [
        ("Fælles trivselsdag for kommunens skoler", "0", "skole", ""),
        ("Venskabsklasser", "1", "aargang", "1. og 6. årgang"),
    ] {
        let res = post(
            &app,
            "/kommune/trivselshjul",
            &analyst,
            &item(title, period, level, who),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        post(&app, "/kommune/trivselshjul", &leader, &item("x", "0", "skole", ""))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let template = app.store().wheel_template(w.municipality).await.unwrap();
    assert_eq!(template.len(), 2);

    // The school's empty year offers it and takes it with the periods' dates.
    let page = app.get("/trivselshjul", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Start med kommunens skabelon (2 aktiviteter)"));
    let res = post(&app, "/trivselshjul/skabelon", &leader, std::slice::from_ref(&y)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let activities = app.store().activities(w.school_x, year.0).await.unwrap();
    assert_eq!(activities.len(), 2);
    let friends = activities.iter().find(|a| a.title == "Venskabsklasser").unwrap();
    assert_eq!(friends.level_name, "1. og 6. årgang");
    assert_eq!(
        (friends.starts_on, friends.due_on),
        trivsel_domain::annual_wheel::period_dates(year, 1)
    );
    assert_eq!(friends.responsible_user_id, Some(w.users["trivselsperson"]));
    // A year with activities is not filled again.
    post(&app, "/trivselshjul/skabelon", &leader, std::slice::from_ref(&y)).await;
    assert_eq!(app.store().activities(w.school_x, year.0).await.unwrap().len(), 2);

    // Removing from the template leaves the schools' wheels as they are.
    let id = template[0].id.to_string();
    let res = post(&app, &format!("/kommune/trivselshjul/{id}/slet"), &analyst, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store().wheel_template(w.municipality).await.unwrap().len(), 1);
    assert_eq!(app.store().activities(w.school_x, year.0).await.unwrap().len(), 2);
    let again = post(&app, &format!("/kommune/trivselshjul/{id}/slet"), &analyst, &[]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}
