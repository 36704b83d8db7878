//! The parents contacted the day of an unlawful absence, and stated reasons for absence, over
//! HTTP: a U in the roll call opens the task in the same save, a correction voids it, the
//! contact is recorded (a message reaches the parent view), and a reason marked as worrying
//! opens an alert; refusals per role.

use chrono::Utc;
use reqwest::StatusCode;
use trivsel_domain::absence::contact::ContactStatus;
use trivsel_domain::absence::{AlertCause, Code};
use trivsel_store::{AlertFilter, Registration, Store};

use crate::helpers::*;

/// An open contact task for X1 today, for the matrix.
pub async fn matrix_fixture(store: &Store, w: &World) -> i64 {
    let u = [Registration {
        child_id: w.children[0],
        date: today(),
        slot: 1,
        code: Code::Unlawful,
    }];
    store
        .register_absence(w.municipality, &u, Some(w.users["laerer"]), Utc::now(), &[], today())
        .await
        .unwrap();
    store.child_contacts(w.children[0]).await.unwrap()[0].id
}

async fn roll_call(app: &App, session: &str, class: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    let day = today().to_string();
    let mut form = vec![("dato", day.as_str()), ("modul", "1")];
    form.extend_from_slice(fields);
    app.post(&format!("/klasser/{class}/fremmoede"), Some(session), &form)
        .await
}

#[tokio::test]
async fn a_u_in_the_roll_call_opens_a_same_day_contact_task_until_the_contact_is_recorded() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [child, other, ..] = w.children;
    let class = w.classes[0];
    let teacher = app.login("laerer").await;
    let leader = app.login("skoleleder").await;
    let guardian = app.login("foraelder").await;
    let psychologist = app.login("ppr").await;
    let store = app.store();
    let field = format!("c{child}");

    // Sickness opens nothing; a U opens one task, however often it is saved.
    roll_call(&app, &teacher, class, &[(&field, "S")]).await;
    assert!(store.child_contacts(child).await.unwrap().is_empty());
    for _ in 0..2 {
        let res = roll_call(&app, &teacher, class, &[(&field, "U")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let contacts = store.child_contacts(child).await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(
        (contacts[0].status, contacts[0].absence_date),
        (ContactStatus::Open, today())
    );
    let id = contacts[0].id;

    // Shown to the class's teacher and the leader, on the front page and the roll call.
    for session in [&teacher, &leader] {
        let front = app.get("/", Some(session)).await.text().await.unwrap();
        assert!(front.contains("Forældre der skal kontaktes"), "{front}");
        assert!(front.contains("Barn KX1"), "{front}");
    }
    let page = app
        .get(&format!("/klasser/{class}/fremmoede"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("skal forældrene kontaktes samme dag"), "{page}");

    // A correction to P voids the task; a new U opens it again.
    roll_call(&app, &teacher, class, &[(&field, "P")]).await;
    assert_eq!(
        store.child_contacts(child).await.unwrap()[0].status,
        ContactStatus::Void
    );
    let front = app.get("/", Some(&teacher)).await.text().await.unwrap();
    assert!(!front.contains("Forældre der skal kontaktes"), "{front}");
    roll_call(&app, &teacher, class, &[(&field, "U")]).await;
    assert_eq!(
        store.child_contacts(child).await.unwrap()[0].status,
        ContactStatus::Open
    );

    // Refused: the guardian, the psychologist, and a teacher of another class's pupil.
    let form = [("maade", "telefon"), ("dato", &today().to_string()), ("note", "")];
    for session in [&guardian, &psychologist] {
        let res = app.post(&format!("/fravaer/kontakt/{id}"), Some(session), &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            app.get("/fravaer/kontakt", Some(session)).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let x2 = [Registration {
        child_id: other,
        date: today(),
        slot: 1,
        code: Code::Unlawful,
    }];
    store
        .register_absence(w.municipality, &x2, None, Utc::now(), &[], today())
        .await
        .unwrap();
    let x2_contact = store.child_contacts(other).await.unwrap()[0].id;
    let res = app
        .post(&format!("/fravaer/kontakt/{x2_contact}"), Some(&teacher), &form)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let list = app.get("/fravaer/kontakt", Some(&teacher)).await.text().await.unwrap();
    assert!(list.contains("Barn KX1") && !list.contains("Barn KX2"), "{list}");

    // Bad input changes nothing: a parent-view message without text, a date before the absence.
    let yesterday = (today() - chrono::Days::new(1)).to_string();
    for (form, message) in [
        (
            [
                ("maade", "foraeldrevisning".to_string()),
                ("dato", today().to_string()),
                ("note", " ".into()),
            ],
            "skriv den besked",
        ),
        (
            [
                ("maade", "telefon".to_string()),
                ("dato", yesterday.clone()),
                ("note", String::new()),
            ],
            "før fraværsdagen",
        ),
    ] {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app
            .post(&format!("/fravaer/kontakt/{id}"), Some(&teacher), &fields)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(message));
        assert_eq!(
            store.child_contacts(child).await.unwrap()[0].status,
            ContactStatus::Open
        );
    }

    // Recorded as a message in the parent view: the guardian reads it, the chronology has it.
    let message = "Vi savnede Barn i dag. Ring gerne til skolen.";
    let fields = [
        ("maade", "foraeldrevisning"),
        ("dato", &today().to_string()),
        ("note", message),
    ];
    let res = app
        .post(&format!("/fravaer/kontakt/{id}"), Some(&teacher), &fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let done = &store.child_contacts(child).await.unwrap()[0];
    assert_eq!(done.status, ContactStatus::Done);
    let again = app
        .post(&format!("/fravaer/kontakt/{id}"), Some(&teacher), &fields)
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "recorded once");
    let parent = app
        .get(&format!("/boern/{child}/fravaersmelding"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(parent.contains(message), "{parent}");
    let chronology = app
        .get(&format!("/boern/{child}/kronologi"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(chronology.contains("forældrene kontaktes"), "{chronology}");
    assert!(chronology.contains("besked i forældrevisningen"), "{chronology}");
    let audit = store.child_audit(child, 50).await.unwrap();
    assert!(audit.iter().any(|r| r.action == "absence.contact.write" && r.allowed));
    assert!(audit.iter().any(|r| r.action == "absence.contact.write" && !r.allowed));
}

#[tokio::test]
async fn a_stated_reason_marked_as_worrying_raises_an_alert_until_unmarked() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let class = w.classes[0];
    let teacher = app.login("laerer").await;
    let leader = app.login("skoleleder").await;
    let store = app.store();
    let (code, text, mark) = (format!("c{child}"), format!("a{child}"), format!("b{child}"));
    let reason = "Siger at hun har ondt i maven hver mandag";
    let worrying = || async {
        store
            .alerts(&AlertFilter {
                child_id: Some(child),
                cause: Some(AlertCause::WorryingReason),
                ..AlertFilter::default()
            })
            .await
            .unwrap()
    };

    // Marked as worrying without a reason: refused, nothing stored.
    let res = roll_call(&app, &teacher, class, &[(&code, "S"), (&text, " "), (&mark, "1")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("før den markeres som bekymrende"));
    assert!(store.class_registrations(class, today()).await.unwrap().is_empty());

    // A plain reason is stored and shown again, without an alert.
    let res = roll_call(&app, &teacher, class, &[(&code, "S"), (&text, reason)]).await;
    assert!(location(&res).contains("gemt=2"), "the code and the reason");
    assert!(worrying().await.is_empty());
    let page = app
        .get(&format!("/klasser/{class}/fremmoede"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(reason), "{page}");

    // Marked as worrying: one open alert, shown with the reason to the leader.
    let res = roll_call(&app, &teacher, class, &[(&code, "S"), (&text, reason), (&mark, "1")]).await;
    assert!(location(&res).contains("gemt=1"), "{}", location(&res));
    let alerts = worrying().await;
    assert_eq!((alerts.len(), alerts[0].status.as_str()), (1, "open"));
    let list = app.get("/fravaer/advarsler", Some(&leader)).await.text().await.unwrap();
    assert!(list.contains("Bekymrende fraværsårsag"), "{list}");
    assert!(list.contains(reason), "{list}");
    // Saved again unchanged: nothing new.
    let res = roll_call(&app, &teacher, class, &[(&code, "S"), (&text, reason), (&mark, "1")]).await;
    assert!(location(&res).contains("gemt=0"), "{}", location(&res));

    // A later roll call that re-evaluates the rules does not withdraw it; unmarking does.
    store.refresh_alerts(w.municipality, &[child], today()).await.unwrap();
    assert_eq!(worrying().await[0].status, "open");
    roll_call(&app, &teacher, class, &[(&code, "S"), (&text, reason)]).await;
    assert_eq!(worrying().await[0].status, "withdrawn");
}

#[tokio::test]
async fn the_alert_list_puts_the_most_serious_pupils_first_and_marks_what_is_new_since_the_monthly_review() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [x1, x2, ..] = w.children;
    let store = app.store();
    let leader = app.login("skoleleder").await;
    let worrying = |child: i64, days_ago: u64| async move {
        let date = today() - chrono::Days::new(days_ago);
        let reason = trivsel_store::AbsenceReason {
            child_id: child,
            date,
            reason: "Vil ikke fortælle hvorfor".into(),
            worrying: true,
        };
        let reg = [Registration {
            child_id: child,
            date,
            slot: 1,
            code: Code::Sickness,
        }];
        store
            .register_absence_with_reasons(w.municipality, &reg, &[reason], None, Utc::now(), &[], today())
            .await
            .unwrap();
    };
    worrying(x1, 2).await;
    for days_ago in [3, 2, 1] {
        worrying(x2, days_ago).await;
    }
    let month = chrono::Local::now().format("%Y-%m").to_string();
    for class in [w.classes[0], w.classes[1]] {
        let res = app
            .post(
                &format!("/klasser/{class}/gennemgang"),
                Some(&leader),
                &[("maaned", month.as_str()), ("kommentar", "Gennemgået")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    worrying(x1, 0).await;

    let list = app.get("/fravaer/advarsler", Some(&leader)).await.text().await.unwrap();
    let (first, second) = (list.find("Barn KX2").unwrap(), list.find("Barn KX1").unwrap());
    assert!(first < second, "three worrying reasons before two: {list}");
    let x1_card = &list[list.find(&format!("id=\"elev-{x1}\"")).unwrap()..];
    assert!(x1_card.contains("1 ny</strong> siden månedsgennemgangen"), "{x1_card}");
    let changed = app
        .get("/fravaer/advarsler?nye=1", Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        changed.contains("Barn KX1") && !changed.contains("Barn KX2"),
        "{changed}"
    );
}
