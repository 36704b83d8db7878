//! Class surveys and sociograms: pupils answer on their own login or on a shared tablet with
//! the class code, each once; the class's staff see who nobody chose and make that pupil a
//! focus pupil for the next class conference; pupils and other staff see nothing.

use reqwest::StatusCode;
use trivsel_domain::surveys::class_survey::QuestionKind;
use trivsel_store::{EnrolmentRow, NewClassSurvey, RosterChanges, Store};

use crate::helpers::*;

async fn post(app: &App, path: &str, session: Option<&str>, fields: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, session, &fields).await
}

/// Surveys of class X1 (open) and Y1, for the authorization matrix: (X1's id, Y1's id, X1's code).
pub async fn matrix_fixture(store: &Store, w: &World) -> (i64, i64, String) {
    let mut ids = Vec::new();
    for class in [w.classes[0], w.classes[2]] {
        let new = NewClassSurvey {
            class_id: class,
            title: "Klassetrivsel".into(),
            max_choices: 3,
            questions: vec![(QuestionKind::Sociogram, "Hvem kan du fortælle en hemmelighed?".into())],
            created_by: w.users["trivselsperson"],
            at: chrono::Utc::now(),
        };
        ids.push(
            store
                .create_class_survey(&new, &system_audit(w.municipality, "class_survey.create"))
                .await
                .unwrap(),
        );
    }
    let code = store.class_survey(ids[0]).await.unwrap().unwrap().code;
    (ids[0], ids[1], code)
}

/// Four more pupils in X1 («k2» … «k5»); returns their ids.
async fn classmates(app: &App, w: &World) -> Vec<i64> {
    let d = |s: &str| s.parse().unwrap();
    let mut roster = RosterChanges::default();
    for (id, name) in [("k2", "Bo"), ("k3", "Cai"), ("k4", "Dina"), ("k5", "Emil")] {
        roster
            .children
            .push((id.into(), name.into(), "Klassen".into(), d("2015-05-05")));
        roster.enrolments.push((
            id.into(),
            EnrolmentRow {
                institution_code: "X".into(),
                class_name: "X1".into(),
                from: d("2020-08-01"),
                to: None,
            },
        ));
    }
    app.store().apply_roster(w.municipality, &roster).await.unwrap();
    let mut ids = Vec::new();
    for id in ["k2", "k3", "k4", "k5"] {
        ids.push(app.store().child_id(w.municipality, id).await.unwrap().unwrap());
    }
    ids
}

#[tokio::test]
async fn pupils_answer_with_the_class_code_and_the_teacher_finds_who_nobody_chose() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [k2, k3, k4, _k5] = classmates(&app, &w).await[..] else {
        unreachable!()
    };
    let me = w.children[0];
    let class = w.classes[0];
    let teacher = app.login("laerer").await;

    // The teacher makes a survey: one scale question, one sociogram question, at most 2 choices.
    let fields = [
        ("titel", "Trivsel efter jul".to_string()),
        ("valg", "2".into()),
        ("spoergsmaal-1", "Jeg er glad for min klasse.".into()),
        ("type-1", "skala".into()),
        ("spoergsmaal-2", "Hvem kan du fortælle en hemmelighed?".into()),
        ("type-2", "sociogram".into()),
    ];
    let res = post(
        &app,
        &format!("/klasser/{class}/trivselsundersoegelser"),
        Some(&teacher),
        &fields,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let survey = app.store().class_surveys_of_class(class).await.unwrap()[0].clone();
    let path = format!("/trivselsundersoegelser/{}", survey.id);

    // The pupil with a login answers once; the form shows classmates, never answers.
    let pupil = app.login("elev").await;
    let form = app
        .get(&format!("{path}/svar"), Some(&pupil))
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("Bo Klassen") && form.contains("Ingen af dine klassekammerater kan se"));
    let mine = [
        ("svar-1", "5".to_string()),
        ("valg-2", k2.to_string()),
        ("valg-2", k3.to_string()),
    ];
    let res = post(&app, &format!("{path}/svar"), Some(&pupil), &mine).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = post(&app, &format!("{path}/svar"), Some(&pupil), &mine).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "each pupil answers once"
    );
    assert_eq!(
        app.get(&path, Some(&pupil)).await.status(),
        StatusCode::FORBIDDEN,
        "pupils never see results"
    );

    // The shared tablet: the code in lower case with a space, then each pupil's own name.
    let typed = format!("{} {}", &survey.code[..3].to_lowercase(), &survey.code[3..]);
    let res = post(&app, "/svar", None, &[("kode", typed)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let tablet = format!("/svar/{}", survey.code);
    let names = app.get(&tablet, None).await.text().await.unwrap();
    assert!(
        names.contains("Bo Klassen") && !names.contains("Barn KX1"),
        "who answered is gone from the list"
    );
    for (child, chosen) in [(k2, vec![me]), (k3, vec![me, k2])] {
        let mut f = vec![("svar-1", "4".to_string())];
        f.extend(chosen.iter().map(|c| ("valg-2", c.to_string())));
        let res = post(&app, &format!("{tablet}/{child}"), None, &f).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    for (bad, why) in [
        (vec![k4], "du kan ikke vælge dig selv"),
        (vec![me, k2, k3], "vælg højst 2 klassekammerater"),
    ] {
        let f: Vec<_> = bad.iter().map(|c| ("valg-2", c.to_string())).collect();
        let res = post(&app, &format!("{tablet}/{k4}"), None, &f).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(why), "{why}");
    }
    // A pupil who has answered cannot be opened again on the tablet: nothing of it is shown.
    let res = app.get(&format!("{tablet}/{k2}"), None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store().survey_answered(survey.id).await.unwrap().len(), 3);

    // The results: nobody chose Dina or Emil; KX1–Bo and KX1–Cai are mutual.
    let page = app.get(&path, Some(&teacher)).await.text().await.unwrap();
    assert!(page.contains("3 af 5 elever har svaret"));
    assert!(page.contains("<svg class=\"sociogram\""));
    assert!(page.contains("Gør Dina Klassen til fokuselev") && page.contains("Gør Emil Klassen til fokuselev"));
    assert!(!page.contains("Gør Bo Klassen til fokuselev"));

    // One step: Dina becomes a focus pupil, pre-ticked at the next class conference.
    let res = post(
        &app,
        &format!("{path}/fokuselev"),
        Some(&teacher),
        &[("barn", k4.to_string()), ("spoergsmaal", "2".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let wellbeing = app.login("trivselsperson").await;
    let conference = app
        .get(&format!("/klasser/{class}/konference"), Some(&wellbeing))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        conference.contains(&format!("name=\"fokus_{k4}\" value=\"1\" checked")),
        "pre-ticked"
    );
    assert!(conference.contains("Fokuselev: Valgt af ingen i «Trivsel efter jul»"));
    let res = post(
        &app,
        &format!("{path}/fokuselev"),
        Some(&teacher),
        &[("barn", w.children[2].to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a pupil of another class");

    // Closed: the code no longer works.
    assert_eq!(
        post(&app, &format!("{path}/luk"), Some(&teacher), &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let res = post(&app, "/svar", None, &[("kode", survey.code.clone())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
