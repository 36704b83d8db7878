//! Anonym sparring over HTTP: a note naming an enrolled pupil or a CPR-like number is not
//! stored until confirmed; what is stored has no child; the school's social worker takes part;
//! other roles, and a social worker without the school, are refused and audited.

use chrono::Local;
use reqwest::StatusCode;
use trivsel_domain::model::Role;

use crate::helpers::*;

fn today() -> String {
    Local::now().date_naive().to_string()
}

async fn audit_seq(app: &App, m: i64) -> i64 {
    app.store().audit_head(m).await.unwrap().map_or(0, |h| h.seq)
}

#[tokio::test]
async fn a_name_warns_and_is_stored_only_when_confirmed() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let notes = "Vi talte om Barn KX1 og fraværet i 3. klasse.";
    let form = [
        ("dato", today()),
        ("deltagere", "Socialrådgiver Sørensen, Skoleleder".into()),
        ("noter", notes.into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let before = audit_seq(&app, w.municipality).await;
    let res = app.post("/sparring", Some(&leader), &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("role=\"alert\""), "warnings announced");
    assert!(
        page.contains("«Barn KX1», et barn i institutionen"),
        "the name is shown"
    );
    assert!(page.contains("Jeg har tjekket teksten – gem alligevel"));
    assert!(page.contains(notes), "the user's text is kept");
    assert!(
        app.store()
            .anonymous_consultations(w.school_x)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        audit_seq(&app, w.municipality).await,
        before + 1,
        "the refusal is audited"
    );
    assert!(
        app.store().child_audit(w.children[0], 100).await.unwrap().is_empty(),
        "no audit row names the child"
    );

    let mut confirmed = form.clone();
    confirmed.push(("bekraeft", "ja"));
    let res = app.post("/sparring", Some(&leader), &confirmed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store().anonymous_consultations(w.school_x).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].notes, notes);
    assert!(stored[0].warnings_confirmed);
    assert_eq!(
        stored[0].participants,
        vec!["Socialrådgiver Sørensen".to_string(), "Skoleleder".to_string()]
    );
    assert!(
        app.store().child_audit(w.children[0], 100).await.unwrap().is_empty(),
        "the stored consultation and its audit row name no child"
    );

    let page = app.get("/sparring?gemt=1", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Sparringen er gemt."));
    assert!(page.contains("Socialrådgiver Sørensen, Skoleleder"));
    assert!(page.contains(notes));
    assert!(
        !page.contains(&format!("/boern/{}", w.children[0])),
        "no link to a child"
    );
}

#[tokio::test]
async fn a_cpr_like_number_warns_and_a_clean_text_saves_at_once() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let person = app.login("trivselsperson").await;

    let res = app
        .post(
            "/sparring",
            Some(&person),
            &[("dato", &today()), ("noter", "Drøftet sagen om 010203-1234.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("«010203-1234», som ligner et CPR-nummer"));
    assert!(
        app.store()
            .anonymous_consultations(w.school_x)
            .await
            .unwrap()
            .is_empty()
    );

    let res = app
        .post(
            "/sparring",
            Some(&person),
            &[
                ("dato", &today()),
                ("noter", "Generel drøftelse af mobning i udskolingen."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store().anonymous_consultations(w.school_x).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].warnings_confirmed);
}

#[tokio::test]
async fn date_and_notes_are_validated_in_danish() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let tomorrow = (Local::now().date_naive() + chrono::Duration::days(1)).to_string();
    let res = app
        .post("/sparring", Some(&leader), &[("dato", &tomorrow), ("noter", "")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Dato: sparringen kan ikke ligge i fremtiden."));
    assert!(page.contains("Noter: skriv noterne fra sparringen."));
    let res = app
        .post("/sparring", Some(&leader), &[("dato", ""), ("noter", "Noget")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Dato: skriv datoen for sparringen."));
    assert!(
        app.store()
            .anonymous_consultations(w.school_x)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_schools_social_worker_reads_and_saves_its_consultations_only() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let school_y = app
        .store()
        .institutions(w.municipality)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code == "Y")
        .unwrap()
        .id;
    for (user, school) in [("socialraadgiver_x", w.school_x), ("socialraadgiver_y", school_y)] {
        add_user(
            app.store(),
            w.municipality,
            user,
            Role::SocialWorker,
            Some(school),
            vec![],
            None,
        )
        .await;
    }
    let social = app.login("socialraadgiver_x").await;
    let res = app.get("/sparring", Some(&social)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Anonym sparring"));

    let notes = "Drøftet skolevægring i mellemtrinnet generelt.";
    let before = audit_seq(&app, w.municipality).await;
    let res = app
        .post("/sparring", Some(&social), &[("dato", &today()), ("noter", notes)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(audit_seq(&app, w.municipality).await, before + 1, "the save is audited");
    let stored = app.store().anonymous_consultations(w.school_x).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].notes, notes);
    let page = app.get("/sparring?gemt=1", Some(&social)).await.text().await.unwrap();
    assert!(page.contains("Sparringen er gemt.") && page.contains(notes));

    // The social worker of school Y sees Y's consultations, not X's.
    let other = app.login("socialraadgiver_y").await;
    let res = app.get("/sparring", Some(&other)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.text().await.unwrap().contains(notes));
    assert!(app.store().anonymous_consultations(school_y).await.unwrap().is_empty());
}

#[tokio::test]
async fn teacher_and_guardian_are_refused_and_audited() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    // A psychologist at the school is not part of the consultation either.
    add_user(
        app.store(),
        w.municipality,
        "ppr_x",
        Role::Psychologist,
        Some(w.school_x),
        vec![],
        None,
    )
    .await;
    // The world's social worker has no institution, so no consultations to take part in.
    for user in ["laerer", "foraelder", "socialraadgiver", "ppr_x"] {
        let session = app.login(user).await;
        let before = audit_seq(&app, w.municipality).await;
        let res = app.get("/sparring", Some(&session)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user} reads");
        let res = app
            .post(
                "/sparring",
                Some(&session),
                &[("dato", &today()), ("noter", "Generel drøftelse."), ("bekraeft", "ja")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user} saves");
        assert_eq!(
            audit_seq(&app, w.municipality).await,
            before + 2,
            "{user}: both refusals are audited"
        );
    }
    assert!(
        app.store()
            .anonymous_consultations(w.school_x)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(app.store().audit_verify(w.municipality).await.is_ok());
}
