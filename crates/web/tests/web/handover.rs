//! What follows a child at a move (`access::Scope`): the absence history and enrolments go
//! with the pupil; the former school's concerns stay with it (its leadership still reads them,
//! and nothing new) and reach the new school only as a hand-over note, whose content passes
//! only with the parents' consent.

use reqwest::StatusCode;
use trivsel_domain::meetings::ConsentScope;
use trivsel_domain::model::Role;
use trivsel_store::{CONVERSATION_TASK_TITLE, EnrolmentRow, RosterChanges};

use crate::helpers::*;

async fn post(app: &App, path: &str, session: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, Some(session), &fields).await
}

#[tokio::test]
async fn after_a_move_the_new_school_sees_the_absence_but_not_the_former_schools_case() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let teacher = app.login("laerer").await;
    let concern = "Trækker sig fra legen i alle frikvarterer.";
    let fields = [
        ("dato", today().to_string()),
        ("kategori", "social".into()),
        ("beskrivelse", concern.into()),
        ("alvor", "lav".into()),
    ];
    let res = post(&app, &format!("/boern/{child}/bekymringer"), &teacher, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The pupil moves from school X to school Y today.
    let d = |s: &str| s.parse().unwrap();
    let yesterday = today().pred_opt().unwrap();
    let roster = RosterChanges {
        enrolments: vec![
            (
                "kx1".into(),
                EnrolmentRow {
                    institution_code: "X".into(),
                    class_name: "X1".into(),
                    from: d("2020-08-01"),
                    to: Some(yesterday),
                },
            ),
            (
                "kx1".into(),
                EnrolmentRow {
                    institution_code: "Y".into(),
                    class_name: "Y1".into(),
                    from: today(),
                    to: None,
                },
            ),
        ],
        ..Default::default()
    };
    app.store().apply_roster(w.municipality, &roster).await.unwrap();
    let school_y = app
        .store()
        .institutions(w.municipality)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code == "Y")
        .unwrap()
        .id;
    add_user(
        app.store(),
        w.municipality,
        "ledery",
        Role::Leader,
        Some(school_y),
        vec![],
        None,
    )
    .await;
    let new_leader = app.login("ledery").await;
    let former = app.login("skoleleder").await;

    // The new school: the pupil and its absence, none of the former school's concerns.
    let page = app
        .get(&format!("/boern/{child}"), Some(&new_leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Fravær i skoleåret"), "the absence follows the pupil");
    let page = app
        .get(&format!("/boern/{child}/bekymringer"), Some(&new_leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(concern));
    let page = app
        .get(&format!("/boern/{child}/kronologi"), Some(&new_leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(concern));

    // The former school reads what it wrote, and nothing new; its teacher has no access.
    let page = app.get(&format!("/boern/{child}/bekymringer"), Some(&former)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains(concern));
    let page = app
        .get(&format!("/boern/{child}"), Some(&former))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("Fravær i skoleåret"),
        "the new school's absence is not the former's"
    );
    let res = post(&app, &format!("/boern/{child}/bekymringer"), &former, &fields).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the former school writes nothing new"
    );
    assert_eq!(
        app.get(&format!("/boern/{child}"), Some(&teacher)).await.status(),
        StatusCode::FORBIDDEN
    );

    // A hand-over without consent passes no content, only the wish for a conversation.
    let path = format!("/boern/{child}/overlevering");
    let note = "Har brug for en fast voksen i frikvarteret.";
    let send = |with_note: bool| {
        let mut f = vec![("til", school_y.to_string()), ("start", today().to_string())];
        if with_note {
            f.push(("notat", note.to_string()));
        }
        f
    };
    let res = post(&app, &path, &former, &send(true)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("har ikke givet samtykke til overlevering")
    );
    assert_eq!(
        post(&app, &path, &former, &send(false)).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app
        .get(&format!("/boern/{child}"), Some(&new_leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("kun ønsket om en indskrivningssamtale er sendt videre"));
    assert!(!page.contains(note));

    // With the parents' consent the note passes.
    crate::consents::x1_consent(app.store(), &w, ConsentScope::Handover).await;
    assert_eq!(
        post(&app, &path, &former, &send(true)).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app
        .get(&format!("/boern/{child}"), Some(&new_leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(note));
    let tasks = app.get("/opgaver", Some(&new_leader)).await.text().await.unwrap();
    assert_eq!(
        tasks.matches(CONVERSATION_TASK_TITLE).count(),
        2,
        "one conversation task per hand-over"
    );
    // The guardian sees what was handed over.
    let guardian = app.login("foraelder").await;
    let page = app
        .get(&format!("/boern/{child}"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(note));
}
