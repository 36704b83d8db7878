//! Overgangsskema (health visitor → daycare): the daycare sees exactly the answers the parents
//! shared, nothing before the start date and nothing once the consent is revoked; only the
//! health visitor fills it in, the parents confirm it, and nobody else reads it.

use reqwest::StatusCode;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_store::{EnrolmentRow, NewGuardian, RosterChanges, START_TASK_TITLE};

use crate::helpers::*;

const SHARED: &str = "Glad og nysgerrig, elsker at bygge med klodser.";
const PRIVATE: &str = "Far arbejder om natten, og familien er presset.";

async fn post(app: &App, path: &str, session: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, Some(session), &fields).await
}

async fn text(app: &App, path: &str, session: &str) -> String {
    let res = app.get(path, Some(session)).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.text().await.unwrap()
}

/// A toddler starting in daycare D1 today, with the world's health visitor assigned, a mother
/// with a login («mor»), and D1's leader and pedagogue. Returns (child, daycare).
async fn toddler(app: &App, w: &World) -> (i64, i64) {
    let store = app.store();
    let m = w.municipality;
    let roster = RosterChanges {
        institutions: vec![("D1".into(), "Børnehuset Solsikken".into(), InstitutionKind::Daycare)],
        classes: vec![("D1".into(), "Stue 1".into())],
        children: vec![(
            "b1".into(),
            "Ida".into(),
            "Holm".into(),
            today() - chrono::Duration::days(400),
        )],
        enrolments: vec![(
            "b1".into(),
            EnrolmentRow {
                institution_code: "D1".into(),
                class_name: "Stue 1".into(),
                from: today(),
                to: None,
            },
        )],
        ..Default::default()
    };
    store.apply_roster(m, &roster).await.unwrap();
    let child = store.child_id(m, "b1").await.unwrap().unwrap();
    let daycare = store
        .institutions(m)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code == "D1")
        .unwrap()
        .id;
    let group = store.class_cards(&[], Some(daycare)).await.unwrap()[0].id;
    add_user(store, m, "dagleder", Role::Leader, Some(daycare), vec![], None).await;
    add_user(store, m, "paedagog", Role::Teacher, Some(daycare), vec![group], None).await;
    let mother = add_user(store, m, "mor", Role::Guardian, None, vec![], None).await;
    store
        .add_guardians(
            m,
            &[NewGuardian {
                name: "Mor Holm".into(),
                user_id: Some(mother),
                children: vec![child],
            }],
        )
        .await
        .unwrap();
    trivsel_store::testing::assign_adviser(store, w.users["sundhedsplejerske"], child)
        .await
        .unwrap();
    (child, daycare)
}

fn filled_in(daycare: i64, starts_on: chrono::NaiveDate) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("til", daycare.to_string()),
        ("start", starts_on.to_string()),
        ("besoeg", today().to_string()),
        ("svar-1", SHARED.into()),
        ("del", "1".into()),
        ("svar-4", PRIVATE.into()),
        ("del", "4".into()),
    ];
    // ADBB total 5: at the default cut-off.
    for (k, score) in [1, 1, 1, 1, 1, 0, 0, 0].iter().enumerate() {
        f.push((
            [
                "adbb-1", "adbb-2", "adbb-3", "adbb-4", "adbb-5", "adbb-6", "adbb-7", "adbb-8",
            ][k],
            score.to_string(),
        ));
    }
    f
}

#[tokio::test]
async fn the_daycare_sees_exactly_the_shared_answers_from_the_start_date() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let (child, daycare) = toddler(&app, &w).await;
    let path = format!("/boern/{child}/overgangsskema");
    let hv = app.login("sundhedsplejerske").await;
    let mother = app.login("mor").await;
    let leader = app.login("dagleder").await;
    let pedagogue = app.login("paedagog").await;

    let form = text(&app, &format!("{path}/ny"), &hv).await;
    assert!(
        form.contains("Familiens situation og ønsker til dagtilbuddet"),
        "the default questions"
    );
    assert!(
        form.contains("Evne til at tiltrække sig opmærksomhed"),
        "the eight ADBB items"
    );

    // Bad input is refused with the field named, and nothing is stored.
    let mut partial = filled_in(daycare, today());
    partial.retain(|(k, _)| *k != "adbb-8");
    let res = post(&app, &path, &hv, &partial).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Evne til at tiltrække sig opmærksomhed: scor alle otte punkter")
    );
    let res = post(
        &app,
        &path,
        &hv,
        &[
            ("til", w.school_x.to_string()),
            ("start", today().to_string()),
            ("besoeg", today().to_string()),
            ("svar-1", "x".into()),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a school is not a daycare"
    );
    assert!(
        app.store()
            .transition_forms_of_child(ChildGrant::system(child), today())
            .await
            .unwrap()
            .is_empty()
    );

    // Filled in at the visit, the parents choosing to share answers 1 and 4.
    let res = post(&app, &path, &hv, &filled_in(daycare, today())).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(&app, &path, &hv).await;
    assert!(page.contains(SHARED) && page.contains(PRIVATE));
    assert!(page.contains("Samlet score 5 (grænse 5): <strong>giver anledning til opmærksomhed"));

    // Before the parents confirm, the daycare sees nothing.
    let page = text(&app, &path, &leader).await;
    assert!(!page.contains(SHARED) && !page.contains(PRIVATE));
    assert!(page.contains("Forældrene har ikke delt noget overgangsskema med jer."));

    // The mother confirms in the parent view, and takes back answer 4 (the second stored).
    let page = text(&app, &path, &mother).await;
    assert!(page.contains("Bekræft og del de valgte svar") && page.contains(PRIVATE));
    let form_id = app
        .store()
        .transition_forms_of_child(ChildGrant::system(child), today())
        .await
        .unwrap()[0]
        .id;
    let res = post(
        &app,
        &format!("{path}/{form_id}/bekraeft"),
        &mother,
        &[("del", "1".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post(
        &app,
        &format!("{path}/{form_id}/bekraeft"),
        &mother,
        &[("del", "1".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "confirmed once");

    // The daycare's leader and pedagogue: the shared answer, not the other, not the screening.
    for session in [&leader, &pedagogue] {
        let page = text(&app, &path, session).await;
        assert!(page.contains(SHARED), "the shared answer");
        assert!(!page.contains(PRIVATE), "the answer the parents kept");
        assert!(!page.contains("Samlet score"), "the screening was not shared");
    }
    let tasks = text(&app, "/opgaver", &leader).await;
    assert!(tasks.contains(START_TASK_TITLE), "the daycare's start conversation");

    // A second form for a start tomorrow, confirmed as recorded by the health visitor: the
    // daycare is told it is coming and sees none of it yet.
    let later = "Sover bedst med sin egen dyne.";
    let mut f = filled_in(daycare, today().succ_opt().unwrap());
    f[3].1 = later.into();
    assert_eq!(post(&app, &path, &hv, &f).await.status(), StatusCode::SEE_OTHER);
    let forms = app
        .store()
        .transition_forms_of_child(ChildGrant::system(child), today())
        .await
        .unwrap();
    let guardian = app.store().guardians_of_child(ChildGrant::system(child)).await.unwrap()[0].0;
    let res = post(
        &app,
        &format!("{path}/{}/bekraeft", forms[0].id),
        &hv,
        &[
            ("foraelder", guardian.to_string()),
            ("form", "personale_mundtligt".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(&app, &path, &leader).await;
    assert!(!page.contains(later), "nothing before the start date");
    assert!(page.contains(&format!(
        "vises fra barnets startdato, {}",
        today().succ_opt().unwrap().format("%d.%m.%Y")
    )));

    // The mother revokes her consent: the daycare sees nothing any more.
    let consents = app.store().consents_of_child(ChildGrant::system(child)).await.unwrap();
    assert_eq!(consents.len(), 2, "each confirmation is a consent");
    for c in consents {
        app.store()
            .revoke_consent(
                c.id,
                today(),
                w.users["foraelder"],
                chrono::Utc::now(),
                &system_audit(w.municipality, "consent.revoke"),
            )
            .await
            .unwrap();
    }
    let page = text(&app, &path, &leader).await;
    assert!(!page.contains(SHARED), "a revoked consent shares nothing");
}

#[tokio::test]
async fn only_the_health_visitor_fills_it_in_and_only_the_family_reads_it_all() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let (child, daycare) = toddler(&app, &w).await;
    let path = format!("/boern/{child}/overgangsskema");
    let hv = app.login("sundhedsplejerske").await;
    assert_eq!(
        post(&app, &path, &hv, &filled_in(daycare, today())).await.status(),
        StatusCode::SEE_OTHER
    );
    let form_id = app
        .store()
        .transition_forms_of_child(ChildGrant::system(child), today())
        .await
        .unwrap()[0]
        .id;

    let mother = app.login("mor").await;
    let leader = app.login("dagleder").await;
    let ppr = app.login("ppr").await;
    let school_leader = app.login("skoleleder").await;
    let other_parent = app.login("foraelder").await;
    for (who, session) in [
        ("ppr", &ppr),
        ("skoleleder", &school_leader),
        ("foraelder", &other_parent),
    ] {
        assert_eq!(
            app.get(&path, Some(session)).await.status(),
            StatusCode::FORBIDDEN,
            "{who} reads it"
        );
    }
    for (who, session) in [("mor", &mother), ("dagleder", &leader)] {
        let res = post(&app, &path, session, &filled_in(daycare, today())).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} fills it in");
        assert_eq!(
            app.get(&format!("{path}/ny"), Some(session)).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let res = post(
        &app,
        &format!("{path}/{form_id}/bekraeft"),
        &leader,
        &[("del", "1".into())],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the daycare cannot confirm for the parents"
    );
    assert_eq!(
        app.store()
            .transition_forms_of_child(ChildGrant::system(child), today())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        app.store()
            .transition_forms_of_child(ChildGrant::system(child), today())
            .await
            .unwrap()[0]
            .confirmed_at
            .is_none()
    );
}
