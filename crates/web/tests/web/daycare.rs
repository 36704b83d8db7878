//! Daycare as its own kind of institution: groups (stuer) and children, no school days.

use reqwest::StatusCode;
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_store::{EnrolmentRow, RosterChanges};

use crate::helpers::*;

/// A daycare with one group and one child, its leader and a pedagogue.
pub async fn daycare(app: &App) -> (i64, i64) {
    let store = app.store();
    let m = store
        .upsert_municipality("147", "Frederiksberg Kommune")
        .await
        .unwrap()
        .id;
    let roster = RosterChanges {
        institutions: vec![("D1".into(), "Børnehuset Solsikken".into(), InstitutionKind::Daycare)],
        classes: vec![("D1".into(), "Stue 1".into())],
        children: vec![(
            "B1".into(),
            "Ole".into(),
            "Berg".into(),
            today() - chrono::Duration::days(5 * 365),
        )],
        enrolments: vec![(
            "B1".into(),
            EnrolmentRow {
                institution_code: "D1".into(),
                class_name: "Stue 1".into(),
                from: today() - chrono::Duration::days(400),
                to: None,
            },
        )],
        ..Default::default()
    };
    store.apply_roster(m, &roster).await.unwrap();
    let institution = store.institutions(m).await.unwrap()[0].id;
    let group = store.class_cards(&[], Some(institution)).await.unwrap()[0].id;
    let child = store.child_id(m, "B1").await.unwrap().unwrap();
    add_user(store, m, "dagleder", Role::Leader, Some(institution), vec![], None).await;
    add_user(
        store,
        m,
        "paedagog",
        Role::Teacher,
        Some(institution),
        vec![group],
        None,
    )
    .await;
    (group, child)
}

/// The daycare's leader and pedagogue see «Stuer», «børn» and «Børnefællesskabet», and no roll
/// call, absence, monthly review, class conference or PKU; those pages answer with a Danish 404.
#[tokio::test]
async fn a_daycare_group_has_no_school_days_and_no_school_words() {
    let app = spawn_app(local()).await;
    let (group, child) = daycare(&app).await;
    let leader = app.login("dagleder").await;
    let pedagogue = app.login("paedagog").await;
    for (user, session) in [("dagleder", &leader), ("paedagog", &pedagogue)] {
        let session = session.as_str();
        let front = app.get("/", Some(session)).await.text().await.unwrap();
        let title = if user == "dagleder" { "Daglig leder" } else { "Pædagog" };
        assert!(
            front.contains(title) && !front.contains("Skoleleder"),
            "{user}: {front}"
        );
        let list = app.get("/klasser", Some(session)).await.text().await.unwrap();
        assert!(
            list.contains("<h1>Stuer</h1>") && list.contains("Stue 1"),
            "{user}: {list}"
        );
        assert!(
            !list.contains("Fremmøde") && !list.contains(">Klasser<"),
            "{user}: {list}"
        );
        let page = app
            .get(&format!("/klasser/{group}"), Some(session))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("1 børn") && page.contains("Børnefællesskabet"),
            "{user}: {page}"
        );
        for school_word in [
            "elever",
            "Fremmøde",
            "Fraværsoverblik",
            "Klassekonferencer",
            "Månedlig gennemgang",
        ] {
            assert!(!page.contains(school_word), "{user}: «{school_word}» on {page}");
        }
        for path in ["fremmoede", "fravaer", "konferencer"] {
            let res = app.get(&format!("/klasser/{group}/{path}"), Some(session)).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{user} {path}");
            assert!(res.text().await.unwrap().contains("Findes ikke i dagtilbud"));
        }
        let child_page = app
            .get(&format!("/boern/{child}"), Some(session))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !child_page.contains("fravaer-titel"),
            "{user}: no absence for a daycare child"
        );
        let tiers = app.get(&format!("/boern/{child}/indsatstrin"), Some(session)).await;
        assert_eq!(tiers.status(), StatusCode::OK);
        assert!(!tiers.text().await.unwrap().contains("Henvisning til PKU"));
        assert_eq!(
            app.get(&format!("/boern/{child}/bekymringer"), Some(session))
                .await
                .status(),
            StatusCode::OK,
            "concerns exist in daycare"
        );
    }
    // No absence for a daycare child, through the API either.
    let api = app
        .client
        .post(format!("{}/api/v1/absence/registrations", app.base))
        .header(
            reqwest::header::COOKIE,
            format!("{}={pedagogue}", cookie_name(&app.config)),
        )
        .json(&serde_json::json!({ "registrations": [
            { "pupil_id": "B1", "date": today().to_string(), "slot": 1, "code": "S" }
        ] }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(api.text().await.unwrap().contains("går ikke i skole"));
    let pku = app
        .post(
            &format!("/boern/{child}/pku"),
            Some(&leader),
            &[("dato", &today().to_string()), ("note", "Henvisning")],
        )
        .await;
    assert_eq!(pku.status(), StatusCode::NOT_FOUND);
    let rows = app.store().child_audit(child, 20).await.unwrap();
    assert!(
        rows.iter()
            .any(|r| r.action == "pku.refer" && r.criterion.as_deref().is_some_and(|c| c.contains("dagtilbud")))
    );
}
