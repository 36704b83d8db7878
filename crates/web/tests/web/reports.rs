//! The 15 % list over HTTP: the school's leadership submits it, the municipality's absence
//! caseworker acknowledges it, hears and decides; the analyst and the school see none of the
//! municipality's side.

use chrono::Utc;
use reqwest::StatusCode;
use trivsel_domain::absence::Quarter;
use trivsel_domain::absence::report::{child_is_heard, quarter_due};
use trivsel_domain::calendar::{SchoolCalendar, dates};
use trivsel_store::{NewAbsenceReport, Registration, Store};

use crate::helpers::*;

/// Lists for the matrix: one of school X with the X1 pupil (so the caseworker may see X1),
/// and one in the other municipality.
pub async fn matrix_fixtures(store: &Store, w: &World) -> (i64, i64) {
    let q = Quarter::new(2023, 4).unwrap();
    let mut ids = Vec::new();
    for child in [w.children[0], w.children[3]] {
        let context = store.child_context(child, today()).await.unwrap().unwrap();
        let report = NewAbsenceReport {
            municipality_id: context.municipality_id,
            institution_id: context.institution_ids[0],
            quarter: q,
            pupils: vec![(child, "0.2000".into())],
            submitted_by: w.users["skoleleder"],
            at: Utc::now(),
        };
        let audit = system_audit(context.municipality_id, "absence.report.submit");
        ids.push(store.submit_absence_report(&report, &[audit]).await.unwrap());
    }
    (ids[0], ids[1])
}

#[tokio::test]
async fn the_fifteen_percent_list_goes_from_the_school_to_the_municipality() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [listed, other, ..] = w.children;
    let q = quarter_due(today());
    // X1 unlawfully absent every school day of the last quarter; X2 sick, which does not count.
    let calendar = SchoolCalendar::default();
    let mut regs = Vec::new();
    for date in dates(q.first_day(), q.last_day()).filter(|d| calendar.is_school_day(*d)) {
        for (child_id, code) in [
            (listed, trivsel_domain::absence::Code::Unlawful),
            (other, trivsel_domain::absence::Code::Sickness),
        ] {
            regs.push(Registration {
                child_id,
                date,
                slot: 1,
                code,
            });
        }
    }
    app.store()
        .save_registrations(w.municipality, &regs, None, Utc::now(), &[])
        .await
        .unwrap();
    let leader = app.login("skoleleder").await;
    let teacher = app.login("laerer").await;
    let analyst = app.login("analytiker").await;
    let caseworker = app.login("fravaerssagsbehandler").await;

    let page = app
        .get(&format!("/fravaer/kvartal?kvartal={q}"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Indberet listen til kommunen (1 elev)"), "{page}");
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(front.contains("er ikke indberettet til kommunen"), "{front}");

    let submit = |session: String, quarter: String| {
        let app = &app;
        async move {
            app.post(
                "/fravaer/kvartal/indberetning",
                Some(&session),
                &[("kvartal", quarter.as_str())],
            )
            .await
        }
    };
    let running = Quarter::of(today()).to_string();
    let res = submit(leader.clone(), running).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("er ikke slut endnu"));
    assert_eq!(
        submit(teacher.clone(), q.to_string()).await.status(),
        StatusCode::FORBIDDEN
    );
    assert!(
        app.store()
            .absence_reports(w.municipality, None, None)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        submit(leader.clone(), q.to_string()).await.status(),
        StatusCode::SEE_OTHER
    );
    let reports = app
        .store()
        .absence_reports(w.municipality, Some(q), None)
        .await
        .unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report.institution_id, w.school_x);
    let pupils: Vec<_> = report.pupils.iter().map(|p| (p.child_id, p.share.as_str())).collect();
    assert_eq!(pupils, [(listed, "1.0000")]);
    let res = submit(leader.clone(), q.to_string()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("allerede indberettet"));
    let page = app
        .get(&format!("/fravaer/kvartal?kvartal={q}"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kommunen har ikke kvitteret"), "{page}");
    let audit = app.store().child_audit(listed, 50).await.unwrap();
    assert!(audit.iter().any(|r| r.action == "absence.report.submit" && r.allowed));

    // The municipality's side: the caseworker only.
    let detail = format!("/fravaer/indberetninger/{}", report.id);
    for session in [&analyst, &leader, &teacher] {
        assert_eq!(
            app.get("/fravaer/indberetninger", Some(session)).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(app.get(&detail, Some(session)).await.status(), StatusCode::FORBIDDEN);
    }
    let list = app
        .get("/fravaer/indberetninger", Some(&caseworker))
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains(&format!("href=\"{detail}\"")), "{list}");
    let front = app.get("/", Some(&caseworker)).await.text().await.unwrap();
    assert!(front.contains("venter på kvittering"), "{front}");
    // Named per child: the listed pupil's identity and absence, nothing else, no other child.
    assert_eq!(
        app.get(&format!("/boern/{listed}"), Some(&caseworker)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/boern/{listed}/planer"), Some(&caseworker))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/boern/{other}"), Some(&caseworker)).await.status(),
        StatusCode::FORBIDDEN
    );

    let decide = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let caseworker = caseworker.clone();
        let path = format!("{detail}/afgoerelse");
        async move {
            let mut fields: Vec<(&str, String)> = vec![("barn", listed.to_string())];
            fields.extend(form);
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(&path, Some(&caseworker), &fields).await
        }
    };
    let day = today().to_string();
    let res = decide(vec![("foraeldre_hoert", day.clone())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "not acknowledged yet");
    let res = app.post(&format!("{detail}/kvittering"), Some(&caseworker), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/fravaer/kvartal?kvartal={q}"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Modtaget af kommunen"), "{page}");

    let decision = |parents: Option<&str>, child: Option<&str>| {
        let mut form = vec![
            ("afgoerelse", "standses".to_string()),
            (
                "begrundelse",
                "Forældrene er hørt og har ikke oplyst om sygdom.".to_string(),
            ),
            ("dato", day.clone()),
        ];
        if let Some(p) = parents {
            form.push(("foraeldre_hoert", p.to_string()));
        }
        if let Some(c) = child {
            form.push(("barn_hoert", c.to_string()));
        }
        form
    };
    let res = decide(decision(None, None)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Forældrene skal høres"));
    let birth = app
        .store()
        .absence_report(w.municipality, report.id)
        .await
        .unwrap()
        .unwrap()
        .pupils[0]
        .birth_date;
    if child_is_heard(birth, today()) {
        let res = decide(decision(Some(&day), None)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("fyldt 12 år"));
    }
    let res = decide(decision(Some(&day), Some(&day))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app
        .store()
        .absence_report(w.municipality, report.id)
        .await
        .unwrap()
        .unwrap();
    let p = &stored.pupils[0];
    assert_eq!(
        (p.decision.map(|d| d.id()), p.parents_heard_on, p.decided_on),
        (Some("standses"), Some(today()), Some(today()))
    );
    // A decision is final.
    let res = decide(decision(Some(&day), Some(&day))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let audit = app.store().child_audit(listed, 50).await.unwrap();
    assert!(audit.iter().any(|r| r.action == "absence.report.decision" && r.allowed));
    // The refused attempts are in the child's log with their reason.
    assert!(audit.iter().any(|r| {
        r.action == "absence.report.decision"
            && r.criterion
                .as_deref()
                .is_some_and(|c| c.contains("ikke gemt: Forældrene skal høres"))
    }));
}
