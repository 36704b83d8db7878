//! Small learning groups with the development wheel: the daycare's leader forms a group of
//! 3–4 children with a fixed pedagogue, the pedagogue rates after each session, the wheel shows
//! the latest over the one before, and a goal shows its progress; nobody else gets in.

use reqwest::StatusCode;
use trivsel_domain::development_wheel::DEFAULT_DIMENSIONS;
use trivsel_domain::model::Role;
use trivsel_store::{EnrolmentRow, RosterChanges};

use crate::helpers::*;

async fn post(app: &App, path: &str, session: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, Some(session), &fields).await
}

#[tokio::test]
async fn a_pedagogue_rates_the_group_and_the_wheel_and_goal_follow() {
    let app = spawn_app(local()).await;
    let (group, first) = crate::daycare::daycare(&app).await;
    let store = app.store();
    let m = store.find_municipality(Some("147")).await.unwrap().id;
    let mut roster = RosterChanges::default();
    for id in ["B2", "B3", "B4"] {
        roster.children.push((
            id.into(),
            id.into(),
            "Barn".into(),
            today() - chrono::Duration::days(4 * 365),
        ));
        roster.enrolments.push((
            id.into(),
            EnrolmentRow {
                institution_code: "D1".into(),
                class_name: "Stue 1".into(),
                from: today() - chrono::Duration::days(100),
                to: None,
            },
        ));
    }
    store.apply_roster(m, &roster).await.unwrap();
    let mut kids = vec![first];
    for id in ["B2", "B3"] {
        kids.push(store.child_id(m, id).await.unwrap().unwrap());
    }
    let daycare = store.class_card(group).await.unwrap().unwrap().institution_id;
    let pedagogue_id = store.user_by_username("paedagog").await.unwrap().unwrap().id;
    add_user(store, m, "paedagog2", Role::Teacher, Some(daycare), vec![group], None).await;
    let leader = app.login("dagleder").await;
    let pedagogue = app.login("paedagog").await;

    let form = |children: &[i64]| {
        let mut f = vec![
            ("navn", "Mælkebøtterne".to_string()),
            ("paedagog", pedagogue_id.to_string()),
            ("kompetencer", DEFAULT_DIMENSIONS.join("\n")),
        ];
        f.extend(children.iter().map(|c| ("barn", c.to_string())));
        f
    };
    let res = post(&app, "/laeringsgrupper", &leader, &form(&kids[..2])).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("en læringsgruppe har 3–4 børn (valgt: 2)")
    );
    let res = post(&app, "/laeringsgrupper", &leader, &form(&kids)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);

    // Two sessions: the first child's concentration from «Med hjælp» to «For det meste».
    let (rating, note) = (format!("v-{first}-0"), format!("note-{first}"));
    for (date, value) in [(today() - chrono::Duration::days(7), "2"), (today(), "3")] {
        let f = vec![
            ("dato", date.to_string()),
            ("aktivitet", "Dialogisk læsning".into()),
            (rating.as_str(), value.to_string()),
            (note.as_str(), format!("Sad stille i {value} kvarter")),
        ];
        let res = post(&app, &format!("{path}/samling"), &pedagogue, &f).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let page = app.get(&path, Some(&pedagogue)).await.text().await.unwrap();
    assert!(
        page.contains("<strong>For det meste</strong> (før: Med hjælp)"),
        "latest over the one before"
    );
    assert!(page.contains("Sad stille i 3 kvarter"));
    let res = post(
        &app,
        &format!("{path}/samling"),
        &pedagogue,
        &[("dato", today().to_string()), ("aktivitet", "".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "an empty session");

    let goal = [
        ("kompetence", DEFAULT_DIMENSIONS[0].to_string()),
        ("niveau", "3".into()),
        ("procent", "95".into()),
    ];
    assert_eq!(
        post(&app, "/laeringsgrupper/maal", &leader, &goal).await.status(),
        StatusCode::SEE_OTHER
    );
    let list = app.get("/laeringsgrupper", Some(&leader)).await.text().await.unwrap();
    assert!(
        list.contains("1 af 1 vurderede børn (100,0 %) – målet er nået"),
        "{list}"
    );
    assert_eq!(
        post(&app, "/laeringsgrupper/maal", &pedagogue, &goal).await.status(),
        StatusCode::FORBIDDEN
    );

    let child_page = app
        .get(&format!("/boern/{first}"), Some(&pedagogue))
        .await
        .text()
        .await
        .unwrap();
    assert!(child_page.contains("Udviklingshjul"));

    let other = app.login("paedagog2").await;
    assert_eq!(
        app.get(&path, Some(&other)).await.status(),
        StatusCode::FORBIDDEN,
        "not the group's pedagogue"
    );
}
