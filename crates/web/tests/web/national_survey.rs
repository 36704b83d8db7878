//! The national survey's page: published figures with suppressed cells, indicators from the
//! pupils' answers with their margin per school and class, small groups shown as «<5», and the
//! analyst seeing schools but never classes.

use reqwest::StatusCode;
use trivsel_domain::surveys::national::Indicator;
use trivsel_store::{EnrolmentRow, PupilScore, RosterChanges, SurveyResult};

use crate::helpers::*;

#[tokio::test]
async fn leaders_see_classes_with_their_margin_and_the_analyst_only_schools() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let store = app.store();
    let d = |s: &str| s.parse().unwrap();
    let mut roster = RosterChanges::default();
    for n in 2..=6 {
        let id = format!("x1-{n}");
        roster
            .children
            .push((id.clone(), "Elev".into(), format!("Nr{n}"), d("2015-05-05")));
        roster.enrolments.push((
            id,
            EnrolmentRow {
                institution_code: "X".into(),
                class_name: "X1".into(),
                from: d("2020-08-01"),
                to: None,
            },
        ));
    }
    store.apply_roster(w.municipality, &roster).await.unwrap();
    let mut x1 = vec![w.children[0]];
    for n in 2..=6 {
        x1.push(
            store
                .child_id(w.municipality, &format!("x1-{n}"))
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let score = |child: i64, class: i64, year: i32, score: f64| PupilScore {
        child_id: child,
        institution_id: w.school_x,
        class_id: class,
        school_year: year,
        indicator: Indicator::General,
        score,
    };
    let mut scores = Vec::new();
    for (i, c) in x1.iter().enumerate() {
        scores.push(score(*c, w.classes[0], 2024, [3.0, 4.0, 5.0, 4.0, 4.0, 4.0][i]));
        scores.push(score(*c, w.classes[0], 2025, [4.0, 4.0, 5.0, 4.0, 5.0, 4.0][i]));
    }
    // Class X2 has one pupil: suppressed.
    scores.push(score(w.children[1], w.classes[1], 2025, 2.0));
    let audit = system_audit(w.municipality, "survey.answers_import");
    store.store_pupil_scores(w.municipality, &scores, &audit).await.unwrap();
    let published = |indicator, value| SurveyResult {
        institution_id: w.school_x,
        school_year: 2024,
        grade_group: "4.-6. klasse".into(),
        indicator,
        value,
        respondents: None,
    };
    store
        .store_survey_results(
            w.municipality,
            &[
                published(Indicator::General, Some(3.9)),
                published(Indicator::Order, None),
            ],
            &audit,
        )
        .await
        .unwrap();

    let leader = app.login("skoleleder").await;
    let page = app.get("/trivselsmaaling", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Offentliggjorte resultater, 4.-6. klasse"));
    assert!(
        page.contains("<td>3,9</td>") && page.contains("<td>skjult</td>"),
        "a suppressed cell is not 0"
    );
    assert!(page.contains("Klasse X1"));
    assert!(
        page.contains("4,0 ± 0,5 (n = 6)"),
        "2024/25: mean 4.0, margin 1.96·√(0.4/6)"
    );
    assert!(
        page.contains("ingen sikker ændring"),
        "a change of 0.3 in a class of six is noise"
    );
    assert!(
        page.contains("Klasse X2") && page.contains("&lt;5"),
        "one pupil is suppressed"
    );

    let analyst = app.login("analytiker").await;
    let page = app.get("/trivselsmaaling", Some(&analyst)).await.text().await.unwrap();
    assert!(page.contains("Skole X") && page.contains("Beregnet fra elevernes svar, Skole X"));
    assert!(!page.contains("Klasse X1"), "the analyst sees schools, never classes");

    let teacher = app.login("laerer").await;
    assert_eq!(
        app.get("/trivselsmaaling", Some(&teacher)).await.status(),
        StatusCode::FORBIDDEN
    );
}
