//! Front pages open on the day's work: the teacher's roll calls today, the leader's open
//! alerts, the adviser's children and each of a guardian's children with its news.

use chrono::Utc;
use trivsel_domain::absence::Code;
use trivsel_store::Registration;

use crate::helpers::*;

#[tokio::test]
async fn each_role_lands_on_the_days_work() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [own_class, ..] = w.classes;

    let teacher = app.login("laerer").await;
    let front = app.get("/", Some(&teacher)).await.text().await.unwrap();
    assert!(front.contains("Dagens fremmøde"), "{front}");
    assert!(front.contains(&format!(
        r#"href="/klasser/{own_class}/fremmoede">Fremmøde X1</a> – ikke taget i dag"#
    )));
    // Once registered, the status says so.
    let regs = [Registration {
        child_id: w.children[0],
        date: today(),
        slot: 1,
        code: Code::Present,
    }];
    app.store()
        .save_registrations(w.municipality, &regs, None, Utc::now(), &[])
        .await
        .unwrap();
    let front = app.get("/", Some(&teacher)).await.text().await.unwrap();
    assert!(front.contains("– taget for alle 1 elever"), "{front}");

    let leader = app.login("skoleleder").await;
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(
        front.contains("Fravær at handle på") && front.contains("Ingen åbne fraværsadvarsler."),
        "{front}"
    );
    assert!(!front.contains("Dagens fremmøde"), "the leader teaches no class");

    // With alerts, each pupil is listed once with all of its open rules.
    let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    let days = [
        "2024-10-07",
        "2024-10-08",
        "2024-10-09",
        "2024-10-10",
        "2024-10-11",
        "2024-10-14",
    ];
    let unlawful: Vec<Registration> = days
        .iter()
        .map(|x| Registration {
            child_id: w.children[0],
            date: d(x),
            slot: 1,
            code: Code::Unlawful,
        })
        .collect();
    app.store()
        .register_absence(w.municipality, &unlawful, None, Utc::now(), &[], d("2024-10-14"))
        .await
        .unwrap();
    let open = app
        .store()
        .alerts(&trivsel_store::AlertFilter {
            child_id: Some(w.children[0]),
            status: Some("open".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!open.is_empty());
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    let plural = if open.len() == 1 {
        "åben advarsel"
    } else {
        "åbne advarsler"
    };
    assert!(
        front.contains(&format!("{} {plural}</a> om 1 elev", open.len())),
        "{front}"
    );
    assert_eq!(front.matches(">Barn KX1</a>: ").count(), 1, "{front}");

    let ppr = app.login("ppr").await;
    let front = app.get("/", Some(&ppr)).await.text().await.unwrap();
    assert!(
        front.contains(r#"<a href="/mine-boern">Du følger 1 barn</a>"#),
        "{front}"
    );

    let guardian = app.login("foraelder").await;
    let front = app.get("/", Some(&guardian)).await.text().await.unwrap();
    let child = w.children[0];
    assert!(front.contains("Barn KX1</h2>"), "{front}");
    assert!(front.contains(&format!(r#"href="/boern/{child}/samtykker""#)));
    assert!(!front.contains("Fravær at handle på") && !front.contains("Dagens fremmøde"));
}
