//! Underretning over HTTP: the guided form refuses what the law needs missing and stores
//! nothing; a sent underretning gives its author a follow-up task due 6 working days later,
//! done when the receipt is recorded; the leadership sees every one of its school, the author
//! only his own, other roles none; an overdue receipt shows on the leader's front page.

use chrono::Duration;
use reqwest::StatusCode;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::cases::format_date;
use trivsel_domain::underretning::receipt_deadline;
use trivsel_store::{NewUnderretning, RECEIPT_TASK_TITLE, Store};

use crate::helpers::*;

/// Two underretninger about X1: one by the teacher, one by the PPR psychologist.
pub async fn matrix_fixture(store: &Store, w: &World) -> (i64, i64) {
    let by = |author| new(w, author, today() - Duration::days(1));
    let audit = system_audit(w.municipality, "underretning.create");
    let teacher = store.create_underretning(&by(w.users["laerer"]), &audit).await.unwrap();
    let ppr = store.create_underretning(&by(w.users["ppr"]), &audit).await.unwrap();
    (teacher, ppr)
}

fn new(w: &World, author: i64, sent_on: chrono::NaiveDate) -> NewUnderretning {
    NewUnderretning {
        institution_id: w.school_x,
        child_id: w.children[0],
        author_user_id: author,
        observations: "Sulten hver morgen, tøjet er ikke vasket.".into(),
        statements: String::new(),
        observed_on: None,
        tried: "Samtale med forældrene.".into(),
        parents_informed: true,
        not_informed_reason: String::new(),
        acute: false,
        phoned_at: None,
        phoned_to: String::new(),
        recipient: "Frederiksberg Kommune".into(),
        sent_on,
        at: chrono::Utc::now(),
    }
}

fn form(pairs: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    pairs.to_vec()
}

fn complete() -> Vec<(&'static str, String)> {
    let today = today().to_string();
    form(&[
        ("akut", "ja".into()),
        ("ringet", format!("{today}T08:40")),
        ("ringet_til", "Børn og Familie, modtagelsen".into()),
        ("observationer", "Blå mærker på begge overarme, set i idræt.".into()),
        ("observeret", today.clone()),
        ("udsagn", "«Far bliver vred, når jeg glemmer ting.»".into()),
        ("forsoegt", "Samtale med barnet.".into()),
        ("foraeldre", "nej".into()),
        ("hvorfor_ikke", "Mistanke om vold i hjemmet.".into()),
        ("modtager", "Frederiksberg Kommune".into()),
        ("sendt", today),
    ])
}

async fn post(app: &App, path: &str, session: &str, fields: &[(&'static str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, Some(session), &fields).await
}

fn without(fields: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    fields.iter().filter(|(k, _)| *k != name).cloned().collect()
}

#[tokio::test]
async fn an_underretning_is_written_received_and_read_only_by_its_readers() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let teacher = app.login("laerer").await;
    let stored = |store: &Store| {
        let store = store.clone();
        async move { store.child_underretninger(ChildGrant::system(child)).await.unwrap() }
    };

    let page = app
        .get(&format!("/boern/{child}/underretninger/ny"), Some(&teacher))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Er det akut?"));
    assert!(
        page.contains("value=\"Frederiksberg Kommune\""),
        "the recipient defaults to the municipality"
    );

    // What the law needs missing: refused field by field, nothing stored.
    let path = format!("/boern/{child}/underretninger");
    for (fields, message) in [
        (without(&complete(), "ringet"), "Akut: ring til kommunen straks"),
        (
            without(&complete(), "hvorfor_ikke"),
            "Hvorfor er forældrene ikke orienteret",
        ),
        (
            without(&complete(), "foraeldre"),
            "Er forældrene orienteret: vælg ja eller nej.",
        ),
        (
            without(&complete(), "observationer"),
            "Hvad giver anledning til bekymring: beskriv",
        ),
        (
            [
                without(&complete(), "sendt"),
                form(&[("sendt", (today() + Duration::days(1)).to_string())]),
            ]
            .concat(),
            "Sendt: datoen må ikke ligge efter i dag.",
        ),
    ] {
        let res = post(&app, &path, &teacher, &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        let page = res.text().await.unwrap();
        assert!(page.contains(message), "{message}");
        assert!(
            page.contains("Blå mærker") || message.starts_with("Hvad giver"),
            "the text is kept"
        );
    }
    assert!(stored(app.store()).await.is_empty());

    let res = post(&app, &path, &teacher, &complete()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res);
    let id: i64 = url
        .trim_start_matches("/underretninger/")
        .trim_end_matches("?gemt=1")
        .parse()
        .unwrap();
    let due = receipt_deadline(today());
    let page = app.get(&url, Some(&teacher)).await.text().await.unwrap();
    for shown in [
        "Blå mærker på begge overarme",
        "Far bliver vred",
        "Mistanke om vold i hjemmet.",
        "Børn og Familie, modtagelsen",
        &format!("Afventer, frist {}", format_date(due)),
    ] {
        assert!(page.contains(shown), "{shown}");
    }
    let task = app
        .store()
        .tasks_of_user(w.users["laerer"], false)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title == RECEIPT_TASK_TITLE)
        .expect("a follow-up task for the receipt");
    assert_eq!((task.due, task.child_id), (due, Some(child)));

    // Another author's underretning is not the teacher's to read.
    let ppr = app.login("ppr").await;
    let res = post(
        &app,
        &path,
        &ppr,
        &[without(&complete(), "akut"), form(&[("akut", "nej".into())])].concat(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let by_ppr = location(&res).trim_end_matches("?gemt=1").to_string();
    assert_eq!(app.get(&by_ppr, Some(&teacher)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&url, Some(&ppr)).await.status(), StatusCode::FORBIDDEN);
    let list = app.get(&path, Some(&teacher)).await.text().await.unwrap();
    assert!(list.contains(&format!("/underretninger/{id}\"")));
    assert!(!list.contains(&format!("href=\"{by_ppr}\"")));
    let leader = app.login("skoleleder").await;
    let all = app.get("/underretninger", Some(&leader)).await.text().await.unwrap();
    assert!(all.contains(&format!("href=\"/underretninger/{id}\"")) && all.contains(&format!("href=\"{by_ppr}\"")));
    assert!(all.contains("Barn KX1"));
    for role in ["foraelder", "elev", "sundhedsplejerske", "analytiker"] {
        let session = app.login(role).await;
        assert_eq!(
            app.get(&url, Some(&session)).await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }

    // The receipt: not before it was sent; then the task is done; not twice.
    let receipt = url.replace("?gemt=1", "/kvittering");
    let yesterday = (today() - Duration::days(1)).to_string();
    let res = post(&app, &receipt, &leader, &form(&[("dato", yesterday)])).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("datoen ligger før underretningen blev sendt")
    );
    let res = post(&app, &receipt, &leader, &form(&[("dato", today().to_string())])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.store().task(task.id).await.unwrap().unwrap().is_done());
    let res = post(&app, &receipt, &teacher, &form(&[("dato", today().to_string())])).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "one receipt");
    let feedback = receipt.replace("/kvittering", "/tilbagemelding");
    let res = post(&app, &feedback, &teacher, &form(&[("dato", today().to_string())])).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(
        &app,
        &feedback,
        &teacher,
        &form(&[
            ("tilbagemelding", "undersoegelse".into()),
            ("dato", today().to_string()),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get(&format!("/underretninger/{id}"), Some(&teacher)).await;
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("Modtaget {}", format_date(today()))));
    assert!(page.contains("Børnefaglig undersøgelse iværksat"));

    // Every read and refusal is in the child's audit.
    let audit = app.store().child_audit(child, 1000).await.unwrap();
    let count = |action: &str, allowed: bool| {
        audit
            .iter()
            .filter(|r| r.action == action && r.allowed == allowed)
            .count()
    };
    assert_eq!(count("underretning.read", true), 2, "the teacher read it twice");
    assert_eq!(
        count("underretning.read", false),
        6,
        "two other authors' and four other roles' refusals"
    );
    assert_eq!(count("underretning.feedback", true), 2, "one stored, one refused");
    assert_eq!(
        count("underretning.create", true),
        2 + 5,
        "two stored, five refused forms"
    );
    assert_eq!(count("underretning.receipt", true), 3, "one stored, two refused");
}

/// The front page's section on underretninger.
fn section(front: &str) -> &str {
    let start = front.find("id=\"underretning-titel\"").expect("the section");
    &front[start..start + front[start..].find("</section>").unwrap()]
}

#[tokio::test]
async fn an_overdue_receipt_shows_on_the_leaders_front_page() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let audit = system_audit(w.municipality, "underretning.create");
    let leader = app.login("skoleleder").await;
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(!front.contains("underretning-titel"), "nothing waiting, nothing shown");

    // Sent today: waiting, not overdue.
    app.store()
        .create_underretning(&new(&w, w.users["laerer"], today()), &audit)
        .await
        .unwrap();
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(front.contains("1 underretning afventer"));
    assert!(!section(&front).contains("efter fristen"));

    // Sent 20 days ago: more than 6 working days, whatever the holidays.
    let old = app
        .store()
        .create_underretning(&new(&w, w.users["laerer"], today() - Duration::days(20)), &audit)
        .await
        .unwrap();
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(front.contains("2 underretninger afventer"));
    assert!(section(&front).contains("1 efter fristen"));
    let list = app.get("/underretninger", Some(&leader)).await.text().await.unwrap();
    let first = list.find(&format!("/underretninger/{old}\"")).expect("listed");
    assert!(list[first..].contains("Overskredet"), "the overdue one is listed first");
    // The author's task is overdue too.
    let teacher = app.login("laerer").await;
    let tasks = app.get("/opgaver", Some(&teacher)).await.text().await.unwrap();
    assert!(tasks.contains(RECEIPT_TASK_TITLE));
    // The teacher has no list of the school's underretninger.
    assert_eq!(
        app.get("/underretninger", Some(&teacher)).await.status(),
        StatusCode::FORBIDDEN
    );
    let front = app.get("/", Some(&teacher)).await.text().await.unwrap();
    assert!(!front.contains("underretning-titel"));
}
