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
