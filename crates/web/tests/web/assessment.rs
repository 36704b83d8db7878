//! Trafiklysvurderinger: each professional assesses alone and sees the others' only after; the
//! joint red one suggests an indgribende plan and shows in the chronology; the class page
//! counts the lights; guardians, pupils and other classes' teachers see nothing.

use reqwest::StatusCode;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::assessment::Round;

use crate::helpers::*;

async fn post(app: &App, path: &str, session: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post(path, Some(session), fields).await
}

async fn text(app: &App, path: &str, session: &str) -> String {
    let res = app.get(path, Some(session)).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn each_assesses_alone_then_the_team_and_red_suggests_a_plan() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let path = format!("/boern/{child}/trafiklys");
    let teacher = app.login("laerer").await;
    let wellbeing = app.login("trivselsperson").await;

    // No light: refused with the field named, nothing stored.
    let res = post(&app, &path, &wellbeing, &[("art", "egen"), ("note", "x")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Trafiklys: vælg grøn, gul eller rød.")
    );
    assert!(
        app.store()
            .assessments_of_child(ChildGrant::system(child))
            .await
            .unwrap()
            .is_empty()
    );

    let worry = "Trækker sig i frikvartererne.";
    let res = post(
        &app,
        &path,
        &wellbeing,
        &[
            ("art", "egen"),
            ("lys", "gul"),
            ("fokus", "Venskaber og fællesskab"),
            ("note", worry),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(&app, &path, &teacher).await;
    assert!(!page.contains(worry), "not anchored by the first");
    assert!(page.contains("En anden fagperson har vurderet barnet."));
    assert_eq!(
        post(&app, &path, &teacher, &[("art", "egen"), ("lys", "groen")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // Given again, one's own assessment is replaced, not added.
    assert_eq!(
        post(&app, &path, &teacher, &[("art", "egen"), ("lys", "gul")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = text(&app, &path, &teacher).await;
    assert!(page.contains(worry), "seen once one's own is given");
    assert_eq!(
        app.store()
            .assessments_of_child(ChildGrant::system(child))
            .await
            .unwrap()
            .len(),
        2
    );

    let res = post(
        &app,
        &format!("{path}/faelles"),
        &wellbeing,
        &[
            ("art", "faelles"),
            ("lys", "roed"),
            ("fokus", "Fremmøde"),
            ("deltagere", "Lærer og trivselsperson"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = text(&app, &path, &teacher).await;
    assert!(page.contains("Forslag: en mål- og indsatsplan på indsatstrinnet «Indgribende»"));
    let round = Round::of(today()).label().to_lowercase();
    let chronology = text(&app, &format!("/boern/{child}/kronologi"), &wellbeing).await;
    assert!(chronology.contains(&format!("Fælles trafiklysvurdering {round}: Rød: stor bekymring")));
    let class = text(&app, &format!("/klasser/{}/trafiklys", w.classes[0]), &teacher).await;
    assert!(class.contains("Rød: stor bekymring</dt><dd>1</dd>"), "{class}");

    for who in ["foraelder", "elev", "fremmed"] {
        let session = app.login(who).await;
        assert_eq!(
            app.get(&path, Some(&session)).await.status(),
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}
