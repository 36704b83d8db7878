//! Consents (samtykker) over HTTP: guardians give and revoke their own, the leader records a
//! paper consent, a teacher of the class reads; everyone else is refused and audited. A social
//! worker sees an assigned child only while the guardians' consent `socialraadgiver` is in
//! force: a revocation ends the access on the next request.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::meetings::{ConsentMethod, ConsentScope};
use trivsel_domain::model::Role;
use trivsel_store::{NewConsent, NewGuardian, Store};

use crate::helpers::*;

/// A consent for Trivselsforum given in the parent view by the guardian `user` (guardian
/// record `guardian`).
async fn given(store: &Store, m: i64, child: i64, guardian: i64, user: i64) -> i64 {
    given_for(store, m, child, guardian, user, ConsentScope::Trivselsforum).await
}

/// A consent of `scope` given in the parent view by the guardian `user`.
async fn given_for(store: &Store, m: i64, child: i64, guardian: i64, user: i64, scope: ConsentScope) -> i64 {
    let consent = NewConsent {
        child_id: child,
        guardian_id: guardian,
        scope,
        given_on: today(),
        expires_on: None,
        method: ConsentMethod::ParentView,
        recorded_by: user,
        at: Utc::now(),
    };
    store
        .give_consent(&consent, &system_audit(m, "consent.give"))
        .await
        .unwrap()
}

/// For the authorization matrix: the X1 guardian's record and a consent it gave for X1.
pub async fn matrix_fixtures(store: &Store, w: &World) -> (i64, i64) {
    let guardian = store.guardian_of_user(w.users["foraelder"]).await.unwrap().unwrap();
    let consent = given(store, w.municipality, w.children[0], guardian, w.users["foraelder"]).await;
    (guardian, consent)
}

/// A consent of `scope` for X1 from the X1 guardian, given in the parent view (for the
/// matrix: `socialraadgiver` gives the world's social worker, assigned to X1, access to it).
pub async fn x1_consent(store: &Store, w: &World, scope: ConsentScope) -> i64 {
    let user = w.users["foraelder"];
    let guardian = store.guardian_of_user(user).await.unwrap().unwrap();
    given_for(store, w.municipality, w.children[0], guardian, user, scope).await
}

/// A guardian with custody of the X2 child, with an account `foraelder2`.
async fn other_guardian(app: &App, w: &World) -> (i64, i64) {
    let user = add_user(
        app.store(),
        w.municipality,
        "foraelder2",
        Role::Guardian,
        None,
        vec![],
        None,
    )
    .await;
    let guardian = NewGuardian {
        name: "Anden Forælder".into(),
        user_id: Some(user),
        children: vec![w.children[1]],
    };
    app.store().add_guardians(w.municipality, &[guardian]).await.unwrap();
    let id = app.store().guardian_of_user(user).await.unwrap().unwrap();
    (user, id)
}

async fn in_force(app: &App, child: i64) -> bool {
    app.store()
        .consent_in_force(child, ConsentScope::Trivselsforum, today())
        .await
        .unwrap()
}

async fn count(app: &App, child: i64) -> usize {
    app.store()
        .consents_of_child(ChildGrant::system(child))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn guardian_gives_and_revokes_own_consent() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let guardian = app.login("foraelder").await;

    let page = app
        .get(&format!("/boern/{child}"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/boern/{child}/samtykker")),
        "linked from the child page"
    );

    let res = app
        .post(
            &format!("/boern/{child}/samtykker"),
            Some(&guardian),
            &[("omfang", "trivselsforum"), ("udloeber", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(in_force(&app, child).await);
    let records = app.store().consents_of_child(ChildGrant::system(child)).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].consent.method, ConsentMethod::ParentView);
    assert_eq!(records[0].recorded_by, w.users["foraelder"]);

    let page = app
        .get(&format!("/boern/{child}/samtykker"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Drøftelse i Trivselsforum") && page.contains("Træk samtykket tilbage"));
    // The guardian is marked as «dig», and each scope is explained in plain Danish.
    assert!(page.contains("<td>Forælder Test (dig)</td>"), "{page}");
    assert!(page.contains("Hvad betyder samtykkerne?"));
    for scope in trivsel_domain::meetings::ConsentScope::ALL {
        assert!(page.contains(scope.forklaring()), "{scope:?} explained");
    }

    // An expiry before today is refused, naming the field; nothing stored.
    let yesterday = (today() - Duration::days(1)).to_string();
    let res = app
        .post(
            &format!("/boern/{child}/samtykker"),
            Some(&guardian),
            &[("omfang", "ppv"), ("udloeber", &yesterday)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Udløbsdato: datoen må ikke ligge før i dag")
    );
    assert_eq!(count(&app, child).await, 1);

    // The list's button asks first; only the confirmation revokes.
    let url = format!("/boern/{child}/samtykker/{}/tilbagekald", records[0].id);
    let ask = app.post(&url, Some(&guardian), &[]).await;
    assert_eq!(ask.status(), StatusCode::OK);
    let ask = ask.text().await.unwrap();
    assert!(
        ask.contains("Træk samtykket tilbage?") && ask.contains("Ja, træk samtykket tilbage"),
        "{ask}"
    );
    assert!(in_force(&app, child).await, "not revoked before it is confirmed");
    let res = app.post(&url, Some(&guardian), &[("bekraeft", "ja")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!in_force(&app, child).await);
    let list = app.get(&location(&res), Some(&guardian)).await.text().await.unwrap();
    assert!(
        list.contains("Samtykket er trukket tilbage."),
        "a message after revoking"
    );
    let record = app.store().consent(records[0].id).await.unwrap().unwrap();
    assert_eq!(record.consent.revoked_on, Some(today()));
    assert_eq!(record.revoked_by, Some(w.users["foraelder"]));

    let actions: Vec<String> = app
        .store()
        .child_audit(child, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    for a in ["consent.give", "consent.read", "consent.revoke"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

#[tokio::test]
async fn guardian_of_another_child_and_teacher_of_another_class_are_refused() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let (consent_guardian, consent) = matrix_fixtures(app.store(), &w).await;
    other_guardian(&app, &w).await;
    let other_teacher = add_user(
        app.store(),
        w.municipality,
        "laerer2",
        Role::Teacher,
        Some(w.school_x),
        vec![w.classes[1]],
        None,
    )
    .await;
    assert!(other_teacher > 0);

    for user in ["foraelder2", "laerer2"] {
        let session = app.login(user).await;
        let res = app.get(&format!("/boern/{child}/samtykker"), Some(&session)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user} reads");
        let res = app
            .post(
                &format!("/boern/{child}/samtykker"),
                Some(&session),
                &[
                    ("omfang", "ppv"),
                    ("foraelder", &consent_guardian.to_string()),
                    ("form", "personale_papir"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user} gives");
        let res = app
            .post(
                &format!("/boern/{child}/samtykker/{consent}/tilbagekald"),
                Some(&session),
                &[("bekraeft", "ja")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user} revokes");
        let rows = app.store().child_audit(child, 3).await.unwrap();
        assert!(rows.iter().all(|r| r.username == user && !r.allowed), "denials audited");
    }
    assert_eq!(count(&app, child).await, 1);
    assert!(in_force(&app, child).await, "nothing changed");
}

#[tokio::test]
async fn teacher_of_the_class_reads_but_does_not_record() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let (guardian, consent) = matrix_fixtures(app.store(), &w).await;
    let teacher = app.login("laerer").await;

    let res = app.get(&format!("/boern/{child}/samtykker"), Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Forælder Test") && page.contains("Givet i forældrevisningen"));
    assert!(!page.contains("Registrér samtykke") && !page.contains("Træk samtykket tilbage"));

    let res = app
        .post(
            &format!("/boern/{child}/samtykker"),
            Some(&teacher),
            &[
                ("omfang", "ppv"),
                ("foraelder", &guardian.to_string()),
                ("form", "personale_papir"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post(
            &format!("/boern/{child}/samtykker/{consent}/tilbagekald"),
            Some(&teacher),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, child).await, 1);
    assert!(in_force(&app, child).await);
    let denied = &app.store().child_audit(child, 1).await.unwrap()[0];
    assert_eq!((denied.action.as_str(), denied.allowed), ("consent.revoke", false));
}

#[tokio::test]
async fn leader_records_a_paper_consent_for_a_guardian() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let guardian = app
        .store()
        .guardian_of_user(w.users["foraelder"])
        .await
        .unwrap()
        .unwrap();
    let leader = app.login("skoleleder").await;

    let page = app
        .get(&format!("/boern/{child}/samtykker"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Registrér samtykke") && page.contains("Forælder Test"));

    // Without a guardian: refused, naming the field.
    let res = app
        .post(
            &format!("/boern/{child}/samtykker"),
            Some(&leader),
            &[("omfang", "socialraadgiver"), ("form", "personale_papir")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Forælder: vælg"));
    assert_eq!(count(&app, child).await, 0);

    let expiry = (today() + Duration::days(90)).to_string();
    let res = app
        .post(
            &format!("/boern/{child}/samtykker"),
            Some(&leader),
            &[
                ("omfang", "socialraadgiver"),
                ("foraelder", &guardian.to_string()),
                ("form", "personale_papir"),
                ("udloeber", &expiry),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let records = app.store().consents_of_child(ChildGrant::system(child)).await.unwrap();
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.guardian_id, guardian);
    assert_eq!(r.consent.method, ConsentMethod::StaffFromPaper);
    assert_eq!(r.consent.expires_on, Some(today() + Duration::days(90)));
    assert_eq!(r.recorded_by, w.users["skoleleder"]);
    assert!(
        app.store()
            .consent_in_force(child, ConsentScope::SocialWorker, today())
            .await
            .unwrap()
    );
    let page = app
        .get(&format!("/boern/{child}/samtykker"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Registreret af personale fra papirblanket") && page.contains("Test skoleleder"));
    let audit = &app.store().child_audit(child, 2).await.unwrap()[1];
    assert_eq!((audit.action.as_str(), audit.allowed), ("consent.record", true));
}

#[tokio::test]
async fn revoking_another_childs_consent_is_refused() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [own, other, ..] = w.children;
    let (user2, guardian2) = other_guardian(&app, &w).await;
    let foreign = given(app.store(), w.municipality, other, guardian2, user2).await;

    for user in ["skoleleder", "foraelder"] {
        let session = app.login(user).await;
        let res = app
            .post(
                &format!("/boern/{own}/samtykker/{foreign}/tilbagekald"),
                Some(&session),
                &[("bekraeft", "ja")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{user}");
        let row = &app.store().child_audit(own, 1).await.unwrap()[0];
        assert_eq!((row.action.as_str(), row.allowed), ("consent.revoke", false), "{user}");
    }
    assert!(in_force(&app, other).await, "the other child's consent still holds");
    assert_eq!(
        app.store().consent(foreign).await.unwrap().unwrap().consent.revoked_on,
        None
    );
}

#[tokio::test]
async fn revoking_the_consent_ends_the_social_workers_access_on_the_next_request() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let consent = x1_consent(app.store(), &w, ConsentScope::SocialWorker).await;
    let social = app.login("socialraadgiver").await;
    let res = app.get(&format!("/boern/{child}"), Some(&social)).await;
    assert_eq!(res.status(), StatusCode::OK, "assigned, with consent");

    let guardian = app.login("foraelder").await;
    let res = app
        .post(
            &format!("/boern/{child}/samtykker/{consent}/tilbagekald"),
            Some(&guardian),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The same session, the very next request.
    let res = app.get(&format!("/boern/{child}"), Some(&social)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "consent revoked");
    let row = &app.store().child_audit(child, 1).await.unwrap()[0];
    assert_eq!(
        (row.username.as_str(), row.allowed),
        ("socialraadgiver", false),
        "the refusal is audited"
    );
    let res = app.get(&format!("/boern/{child}/planer"), Some(&social)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "nor the child's plans");
    let user = app.store().user_by_username("socialraadgiver").await.unwrap().unwrap();
    let actor = app.store().actor(&user, today()).await.unwrap();
    assert!(actor.assigned_children.is_empty());
}

#[tokio::test]
async fn a_social_worker_assigned_without_consent_is_refused_but_a_psychologist_is_not() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    // A consent for another purpose does not count.
    matrix_fixtures(app.store(), &w).await;

    let social = app.login("socialraadgiver").await;
    let res = app.get(&format!("/boern/{child}"), Some(&social)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let row = &app.store().child_audit(child, 1).await.unwrap()[0];
    assert_eq!((row.username.as_str(), row.allowed), ("socialraadgiver", false));

    // The rule is for social workers only: an assigned PPR psychologist keeps access.
    let ppr = app.login("ppr").await;
    let res = app.get(&format!("/boern/{child}"), Some(&ppr)).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Once the guardian consents, the social worker's next request is let in.
    x1_consent(app.store(), &w, ConsentScope::SocialWorker).await;
    let res = app.get(&format!("/boern/{child}"), Some(&social)).await;
    assert_eq!(res.status(), StatusCode::OK);
}
