//! Advisers' assignments: made and ended by the school, access from the next request until the
//! end, «Mine børn», the chronology, and the audit.

use reqwest::StatusCode;
use trivsel_domain::model::Role;

use crate::helpers::*;

/// A new psychologist (no caseload) is assigned to X2 by the leader: X2 opens for him on his
/// next request and is listed under «Mine børn»; the assignment is in the chronology and the
/// audit; ending it closes the child again at once.
#[tokio::test]
async fn an_assignment_opens_the_child_until_it_is_ended() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let psychologist = add_user(
        app.store(),
        w.municipality,
        "ppr2",
        Role::Psychologist,
        None,
        vec![],
        None,
    )
    .await;
    let child = w.children[1];
    let adviser = app.login("ppr2").await;
    let leader = app.login("skoleleder").await;
    assert_eq!(
        app.get(&format!("/boern/{child}"), Some(&adviser)).await.status(),
        StatusCode::FORBIDDEN
    );
    let mine = app.get("/mine-boern", Some(&adviser)).await.text().await.unwrap();
    assert!(mine.contains("ikke tilknyttet nogen børn"), "{mine}");

    let url = format!("/boern/{child}/raadgivere");
    let bad = app
        .post(
            &url,
            Some(&leader),
            &[
                ("raadgiver", &psychologist.to_string()),
                ("aarsag", ""),
                ("sidste-dag", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("Årsag: skal udfyldes") && page.contains("Sidste dag: vælg i dag eller en senere dato"),
        "{page}"
    );
    let teacher = w.users["laerer"].to_string();
    let not_adviser = app
        .post(&url, Some(&leader), &[("raadgiver", &teacher), ("aarsag", "Test")])
        .await;
    assert_eq!(
        not_adviser.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "only advisers can be chosen"
    );
    assert_eq!(
        app.get(&format!("/boern/{child}"), Some(&adviser)).await.status(),
        StatusCode::FORBIDDEN
    );

    let res = app
        .post(
            &url,
            Some(&leader),
            &[
                ("raadgiver", &psychologist.to_string()),
                ("aarsag", "Henvist til PPR for skolevægring"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/boern/{child}"), Some(&adviser)).await.status(),
        StatusCode::OK
    );
    let mine = app.get("/mine-boern", Some(&adviser)).await.text().await.unwrap();
    assert!(
        mine.contains("KX2") && mine.contains("Henvist til PPR for skolevægring"),
        "{mine}"
    );
    assert!(
        mine.contains("0 åbne planer · intet møde planlagt · 0 åbne opgaver til dig"),
        "{mine}"
    );
    let list = app.get(&url, Some(&leader)).await.text().await.unwrap();
    assert!(list.contains("Afslut tilknytningen af"), "{list}");
    let chronology = app
        .get(&format!("/boern/{child}/kronologi"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(chronology.contains("Rådgiver tilknyttet"), "{chronology}");
    let audit = app.store().child_audit(child, 50).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "assignment.create" && r.allowed && r.username == "skoleleder")
    );

    let end = format!("{url}/{psychologist}/afslut");
    assert_eq!(
        app.post(&end, Some(&adviser), &[]).await.status(),
        StatusCode::FORBIDDEN,
        "not by the adviser"
    );
    assert_eq!(app.post(&end, Some(&leader), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/boern/{child}"), Some(&adviser)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&end, Some(&leader), &[]).await.status(),
        StatusCode::NOT_FOUND,
        "already ended"
    );
    let chronology = app
        .get(&format!("/boern/{child}/kronologi"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(chronology.contains("Rådgiver afsluttet"));
}

/// An assignment's last day: it gives access through that day and not after.
#[tokio::test]
async fn an_assignment_ends_after_its_last_day() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let psychologist = add_user(
        app.store(),
        w.municipality,
        "ppr2",
        Role::Psychologist,
        None,
        vec![],
        None,
    )
    .await;
    let child = w.children[1];
    let audit = system_audit(w.municipality, "assignment.create");
    let assign = |ends_on| trivsel_store::NewAssignment {
        user_id: psychologist,
        child_id: child,
        reason: "Forløb".into(),
        ends_on: Some(ends_on),
        assigned_by: None,
        at: chrono::Utc::now(),
    };
    app.store().assign_advisers(&[assign(today())], &audit).await.unwrap();
    let user = app.store().user_by_username("ppr2").await.unwrap().unwrap();
    assert_eq!(
        app.store().actor(&user, today()).await.unwrap().assigned_children,
        vec![child]
    );
    let tomorrow = today() + chrono::Duration::days(1);
    assert!(
        app.store()
            .actor(&user, tomorrow)
            .await
            .unwrap()
            .assigned_children
            .is_empty()
    );
}

/// A social worker's «Mine børn» counts, but does not name, a child whose parents' consent is
/// not in force.
#[tokio::test]
async fn a_social_worker_sees_a_child_only_with_consent() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let social = app.login("socialraadgiver").await;
    let mine = app.get("/mine-boern", Some(&social)).await.text().await.unwrap();
    assert!(
        !mine.contains("KX1") && mine.contains("1 tilknytning venter på forældrenes samtykke"),
        "{mine}"
    );
    crate::consents::x1_consent(app.store(), &w, trivsel_domain::meetings::ConsentScope::SocialWorker).await;
    let mine = app.get("/mine-boern", Some(&social)).await.text().await.unwrap();
    assert!(mine.contains("KX1"), "{mine}");
}

/// A child before daycare (no enrolment) is seen by the health visitor assigned to it, and by
/// no school staff.
#[tokio::test]
async fn the_health_visitor_follows_a_child_before_daycare() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let roster = trivsel_store::RosterChanges {
        children: vec![(
            "N1".into(),
            "Alma".into(),
            "Berg".into(),
            today() - chrono::Duration::days(60),
        )],
        ..Default::default()
    };
    app.store().apply_roster(w.municipality, &roster).await.unwrap();
    let child = app.store().child_id(w.municipality, "N1").await.unwrap().unwrap();
    let assignment = trivsel_store::NewAssignment {
        user_id: w.users["sundhedsplejerske"],
        child_id: child,
        reason: "Barselsbesøg".into(),
        ends_on: None,
        assigned_by: None,
        at: chrono::Utc::now(),
    };
    let audit = system_audit(w.municipality, "assignment.import");
    app.store().assign_advisers(&[assignment], &audit).await.unwrap();
    let visitor = app.login("sundhedsplejerske").await;
    let page = app.get(&format!("/boern/{child}"), Some(&visitor)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Alma Berg"));
    let mine = app.get("/mine-boern", Some(&visitor)).await.text().await.unwrap();
    assert!(mine.contains("Alma Berg") && mine.contains("Barselsbesøg"), "{mine}");
    let leader = app.login("skoleleder").await;
    assert_eq!(
        app.get(&format!("/boern/{child}"), Some(&leader)).await.status(),
        StatusCode::FORBIDDEN
    );
}
