//! Absence pages over HTTP: roll call validation and idempotency, the quarterly report as page
//! and CSV, the monthly review's overdue list, and warning the parents at 10 % unlawful.

use chrono::Local;
use reqwest::StatusCode;
use trivsel_domain::absence::{Code, Quarter};
use trivsel_domain::calendar::{SchoolCalendar, dates};
use trivsel_domain::deadlines::{Month, overdue_reviews};
use trivsel_store::Registration;

use crate::helpers::*;

#[tokio::test]
async fn roll_call_validates_and_saving_twice_changes_nothing() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let [own_class, other_class, ..] = w.classes;
    let child = w.children[0];
    let day = "2024-01-03";
    let form = |pupil: i64, code: &str| {
        vec![
            ("dato".to_string(), day.to_string()),
            ("modul".into(), "1".into()),
            (format!("c{pupil}"), code.to_string()),
        ]
    };
    let post = |class: i64, form: Vec<(String, String)>| {
        let app = &app;
        let teacher = teacher.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post(&format!("/klasser/{class}/fremmoede"), Some(&teacher), &form)
                .await
        }
    };
    let res = post(own_class, form(child, "S")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"].to_str().unwrap().ends_with("gemt=1#gemt"));
    let res = post(own_class, form(child, "S")).await;
    assert!(
        res.headers()["location"].to_str().unwrap().ends_with("gemt=0#gemt"),
        "idempotent"
    );

    let mut bad = form(child, "X");
    assert_eq!(post(own_class, bad.clone()).await.status(), StatusCode::BAD_REQUEST);
    bad[0].1 = "2999-01-01".into();
    bad[2].1 = "S".into();
    assert_eq!(
        post(own_class, bad).await.status(),
        StatusCode::BAD_REQUEST,
        "no future dates"
    );
    assert_eq!(
        post(other_class, form(child, "U")).await.status(),
        StatusCode::FORBIDDEN
    );
    // A pupil of another class smuggled into the form: refused, nothing stored.
    assert_eq!(
        post(own_class, form(w.children[1], "U")).await.status(),
        StatusCode::BAD_REQUEST
    );
    let data = app
        .store()
        .absence_data(
            w.municipality,
            None,
            "2024-01-01".parse().unwrap(),
            "2024-01-31".parse().unwrap(),
        )
        .await
        .unwrap();
    let stored: usize = data.pupils.values().map(|p| p.registrations.len()).sum();
    assert_eq!(stored, 1);

    let page = app
        .get(
            &format!("/klasser/{own_class}/fremmoede?dato={day}&modul=1"),
            Some(&teacher),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"value="S" data-key="S" checked"#),
        "the saved code is shown"
    );

    // Re-opened without a slot, the page shows the last one saved that day, with its codes.
    let slot2 = vec![
        ("dato".to_string(), day.to_string()),
        ("modul".into(), "2".into()),
        (format!("c{child}"), "L".to_string()),
    ];
    assert_eq!(post(own_class, slot2).await.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/klasser/{own_class}/fremmoede?dato={day}"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"<option value="2" selected>Eftermiddag (2. lektion) (gemt)</option>"#),
        "{page}"
    );
    assert!(page.contains(r#"value="L" data-key="L" checked"#));
    assert!(page.contains("Eftermiddag (2. lektion): gemt for 1 af 1 elever."));
}

#[tokio::test]
async fn quarterly_report_page_and_csv() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let current = Quarter::of(Local::now().date_naive());
    let last = if current.q == 1 {
        Quarter {
            year: current.year - 1,
            q: 4,
        }
    } else {
        Quarter {
            q: current.q - 1,
            ..current
        }
    };
    // The X1 pupil is unlawfully absent every school day of the last quarter (no school holidays).
    let calendar = SchoolCalendar::default();
    let registrations: Vec<Registration> = dates(last.first_day(), last.last_day())
        .filter(|d| calendar.is_school_day(*d))
        .map(|date| Registration {
            child_id: w.children[0],
            date,
            slot: 1,
            code: Code::Unlawful,
        })
        .collect();
    app.store()
        .save_registrations(w.municipality, &registrations, None, chrono::Utc::now(), &[])
        .await
        .unwrap();

    let leader = app.login("skoleleder").await;
    let page = app.get("/fravaer/kvartal", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("kx1") && page.contains("<td>100,0 %</td>"), "{page}");
    let words = format!("{}. kvartal {}", last.q, last.year);
    assert!(
        page.contains(&format!("<h1>Ulovligt fravær {words}</h1>")),
        "Danish quarter: {page}"
    );
    assert!(
        page.contains(&format!("<option value=\"{last}\" selected>{words}</option>")),
        "{page}"
    );
    let res = app
        .get(&format!("/fravaer/kvartal.csv?kvartal={last}"), Some(&leader))
        .await;
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        res.text().await.unwrap(),
        "pupil_id,school,unlawful_share\nkx1,X,1.0000\n"
    );
    let res = app.get("/fravaer/kvartal?kvartal=2024Q9", Some(&leader)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let analyst = app.login("analytiker").await;
    let page = app.get("/fravaer/kvartal", Some(&analyst)).await.text().await.unwrap();
    assert!(page.contains("Skole X") && page.contains("under 5"), "{page}");
    assert!(
        !page.contains("kx1") && !page.contains("KX1"),
        "no pupil for the municipality"
    );
    assert_eq!(
        app.get("/fravaer/kvartal.csv", Some(&analyst)).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn monthly_review_clears_the_overdue_list() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let today = Local::now().date_naive();
    let overdue = overdue_reviews(today, &[]);
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    if overdue.is_empty() {
        assert!(front.contains("Alle klasser er gennemgået til tiden"));
        return;
    }
    assert!(front.contains("2 klasser mangler gennemgang"), "X1 and X2: {front}");
    // Review every overdue month of X1.
    for month in &overdue {
        let res = app
            .post(
                &format!("/klasser/{}/gennemgang", w.classes[0]),
                Some(&leader),
                &[("maaned", &month.id()), ("kommentar", "Set")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(front.contains("1 klasse mangler gennemgang"), "{front}");
    let class_page = app
        .get(&format!("/klasser/{}", w.classes[0]), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        class_page.contains(
            &Month {
                year: overdue[0].year,
                month: overdue[0].month
            }
            .navn()
        )
    );
}

#[tokio::test]
async fn json_batch_registration_is_all_or_nothing_with_errors_per_item() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let cookie = format!("trivsel_session={teacher}");
    let send = |body: serde_json::Value, cookie: Option<String>| {
        let mut req = app
            .client
            .post(format!("{}/api/v1/absence/registrations", app.base))
            .json(&body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send()
    };
    let good = serde_json::json!({ "registrations": [
        { "pupil_id": "kx1", "date": "2024-01-03", "slot": 1, "code": "S" },
        { "pupil_id": "kx1", "date": "2024-01-03", "slot": 2, "code": "P" }
    ] });
    assert_eq!(
        send(good.clone(), None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let res = send(good.clone(), Some(cookie.clone())).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!((body["received"].as_i64(), body["saved"].as_i64()), (Some(2), Some(2)));
    let body: serde_json::Value = send(good, Some(cookie.clone())).await.unwrap().json().await.unwrap();
    assert_eq!(body["saved"].as_i64(), Some(0), "idempotent");

    let bad = serde_json::json!({ "registrations": [
        { "pupil_id": "kx1", "date": "2024-01-04", "slot": 1, "code": "S" },
        { "pupil_id": "kx1", "date": "2024-01-04", "slot": 1, "code": "Q" },
        { "pupil_id": "kx2", "date": "2024-01-04", "slot": 1, "code": "S" },
        { "pupil_id": "ingen", "date": "2024-01-04", "slot": 1, "code": "S" },
        { "pupil_id": "kx1", "date": "4.1.2024", "slot": 13, "code": "S" }
    ] });
    let res = send(bad, Some(cookie)).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    let errors: Vec<(i64, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["index"].as_i64().unwrap(), e["field"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        errors,
        [
            (1, "code".into()),
            (2, "pupil_id".into()),
            (3, "pupil_id".into()),
            (4, "date".into())
        ]
    );
    let data = app
        .store()
        .absence_data(
            w.municipality,
            None,
            "2024-01-04".parse().unwrap(),
            "2024-01-04".parse().unwrap(),
        )
        .await
        .unwrap();
    assert!(
        data.pupils.values().all(|p| p.registrations.is_empty()),
        "nothing from the bad batch is stored"
    );
    let denied = app.store().child_audit(w.children[1], 5).await.unwrap();
    assert!(
        denied.iter().any(|r| !r.allowed && r.action == "absence.write"),
        "the refusal is audited"
    );
}

#[tokio::test]
async fn openapi_document_describes_the_batch_endpoint() {
    let app = spawn_app(local()).await;
    let text = app.get("/api/v1/openapi.json", None).await.text().await.unwrap();
    let spec = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    assert_eq!(spec.openapi, "3.1.0");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let post = &doc["paths"]["/api/v1/absence/registrations"]["post"];
    assert!(post["responses"]["422"].is_object());
    let item = &post["requestBody"]["content"]["application/json"]["schema"]["properties"]["registrations"]["items"];
    assert_eq!(
        item["properties"]["code"]["enum"],
        serde_json::json!(["P", "S", "L", "U", "F", "T"])
    );
    // Every API route of the router is described.
    for r in trivsel_web::routes()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
    {
        let method = r.method.as_str().to_lowercase();
        assert!(
            doc["paths"][r.path][&method].is_object(),
            "{} {} is not in the OpenAPI document",
            r.method,
            r.path
        );
    }
}

#[tokio::test]
async fn overviews_show_splits_and_trends_and_suppress_small_groups() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let today = Local::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let registrations = [
        Registration {
            child_id: w.children[0],
            date: yesterday,
            slot: 1,
            code: Code::Sickness,
        },
        Registration {
            child_id: w.children[0],
            date: today,
            slot: 1,
            code: Code::Unlawful,
        },
    ];
    app.store()
        .save_registrations(w.municipality, &registrations, None, chrono::Utc::now(), &[])
        .await
        .unwrap();
    let teacher = app.login("laerer").await;
    let page = app
        .get(&format!("/klasser/{}/fravaer", w.classes[0]), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Barn KX1") && page.contains("<polyline") && page.contains("Tallene bag grafen"),
        "{page}"
    );
    let leader = app.login("skoleleder").await;
    let page = app.get("/fravaer/skole", Some(&leader)).await.text().await.unwrap();
    assert!(
        page.contains("X1") && page.contains("X2") && page.contains("Skolen"),
        "{page}"
    );
    let analyst = app.login("analytiker").await;
    let page = app.get("/fravaer/kommune", Some(&analyst)).await.text().await.unwrap();
    assert!(
        page.contains("for få elever til at vise"),
        "schools of one or two pupils are suppressed: {page}"
    );
    assert!(!page.contains("KX1"));
}

/// A pupil id that a spreadsheet would run as a formula is neutralised and quoted in the CSV.
#[tokio::test]
async fn the_quarter_csv_cannot_carry_a_formula() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let evil = r#"=HYPERLINK("http://x")"#;
    let roster = trivsel_store::RosterChanges {
        institutions: vec![],
        classes: vec![],
        children: vec![(evil.into(), "Barn".into(), "Formel".into(), d("2015-05-05"))],
        enrolments: vec![(
            evil.into(),
            trivsel_store::EnrolmentRow {
                institution_code: "X".into(),
                class_name: "X1".into(),
                from: d("2020-08-01"),
                to: None,
            },
        )],
        ..Default::default()
    };
    app.store().apply_roster(w.municipality, &roster).await.unwrap();
    let child_id = app.store().child_id(w.municipality, evil).await.unwrap().unwrap();
    let quarter = Quarter { year: 2025, q: 1 };
    let calendar = SchoolCalendar::default();
    let registrations: Vec<Registration> = dates(quarter.first_day(), quarter.last_day())
        .filter(|d| calendar.is_school_day(*d))
        .map(|date| Registration {
            child_id,
            date,
            slot: 1,
            code: Code::Unlawful,
        })
        .collect();
    app.store()
        .save_registrations(w.municipality, &registrations, None, chrono::Utc::now(), &[])
        .await
        .unwrap();
    let leader = app.login("skoleleder").await;
    let res = app
        .get(&format!("/fravaer/kvartal.csv?kvartal={quarter}"), Some(&leader))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.text().await.unwrap(),
        "pupil_id,school,unlawful_share\n\"'=HYPERLINK(\"\"http://x\"\")\",X,1.0000\n"
    );
}

/// The API answers an unknown pupil id and another school's pupil alike, and audits both, once
/// per pupil however many items name it.
#[tokio::test]
async fn the_api_does_not_tell_which_pupil_ids_exist() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let item = |pupil: &str| serde_json::json!({ "pupil_id": pupil, "date": "2024-01-04", "slot": 1, "code": "S" });
    let mut items = vec![item("kx2"), item("ingen")];
    items.extend((0..50).map(|_| item("kx2")));
    let rows_before = app.store().audit_verify(w.municipality).await.unwrap().rows;
    let res = app
        .client
        .post(format!("{}/api/v1/absence/registrations", app.base))
        .header("cookie", format!("trivsel_session={teacher}"))
        .json(&serde_json::json!({ "registrations": items }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    let message = |i: usize| body["errors"][i]["message"].as_str().unwrap().to_string();
    assert_eq!(message(0).replace("kx2", "X"), message(1).replace("ingen", "X"));
    assert_eq!(
        app.store().audit_verify(w.municipality).await.unwrap().rows,
        rows_before + 2,
        "one denied row for the other school's pupil, one for the unknown id"
    );
    let other = app.store().child_audit(w.children[1], 10).await.unwrap();
    assert_eq!(other.len(), 1);
    assert!(!other[0].allowed);
}

/// Every failure of the API is the documented JSON error: a body that is not JSON, not valid
/// JSON, or of the wrong shape.
#[tokio::test]
async fn api_errors_are_json() {
    let app = spawn_app(local()).await;
    world(app.store()).await;
    let teacher = app.login("laerer").await;
    let send = |content_type: &'static str, body: &'static str| {
        app.client
            .post(format!("{}/api/v1/absence/registrations", app.base))
            .header("cookie", format!("trivsel_session={teacher}"))
            .header("origin", &app.base)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for (content_type, body, status) in [
        ("text/plain", "{}", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/json", "{ikke json", StatusCode::BAD_REQUEST),
        ("application/json", r#"{"registreringer": []}"#, StatusCode::BAD_REQUEST),
    ] {
        let res = send(content_type, body).await.unwrap();
        assert_eq!(res.status(), status, "{body}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let error: serde_json::Value = res.json().await.unwrap();
        assert!(
            error["error"].as_str().is_some_and(|e| e.contains("kroppen")),
            "{error}"
        );
    }
}

#[tokio::test]
async fn the_leader_warns_the_parents_at_ten_percent_unlawful_in_the_running_quarter() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [due, below, ..] = w.children;
    let today = today();
    let calendar = SchoolCalendar::default();
    let days: Vec<_> = dates(Quarter::of(today).first_day(), today)
        .filter(|d| calendar.is_school_day(*d))
        .collect();
    // X1 unlawfully absent on a tenth of the quarter's school days so far (rounded up); X2 one
    // day fewer, and sick on the rest, which does not count.
    let k = days.len().div_ceil(10);
    let mut regs = Vec::new();
    for (i, date) in days.iter().enumerate() {
        let code = |unlawful: bool| if unlawful { Code::Unlawful } else { Code::Sickness };
        regs.push(Registration {
            child_id: due,
            date: *date,
            slot: 1,
            code: code(i < k),
        });
        regs.push(Registration {
            child_id: below,
            date: *date,
            slot: 1,
            code: code(i + 1 < k),
        });
    }
    app.store()
        .save_registrations(w.municipality, &regs, None, chrono::Utc::now(), &[])
        .await
        .unwrap();
    let leader = app.login("skoleleder").await;
    let page = app.get("/fravaer/varsling", Some(&leader)).await.text().await.unwrap();
    if days.is_empty() {
        assert!(page.contains("Ingen elever har 10 %"), "{page}");
        return;
    }
    assert!(page.contains("Barn KX1</a>: ") && !page.contains("Barn KX2"), "{page}");
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(front.contains("Forældre der skal varsles"), "{front}");
    let letter = app
        .get(&format!("/boern/{due}/varsling/brev"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        letter.contains("Kære forældre til Barn KX1") && letter.contains("børne- og ungeydelsen"),
        "{letter}"
    );

    let warn = |child: i64, method: &'static str| {
        let app = &app;
        let leader = leader.clone();
        async move {
            let day = today.to_string();
            app.post(
                &format!("/boern/{child}/varsling"),
                Some(&leader),
                &[("maade", method), ("dato", &day)],
            )
            .await
        }
    };
    assert_eq!(
        warn(due, "duer").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown method"
    );
    let res = warn(below, "brev").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "under 10 %");
    assert!(res.text().await.unwrap().contains("har ikke 10 % ulovligt fravær"));
    assert!(
        app.store()
            .parent_warnings(w.municipality, Quarter::of(today))
            .await
            .unwrap()
            .is_empty()
    );

    let res = warn(due, "telefon").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app
        .store()
        .parent_warnings(w.municipality, Quarter::of(today))
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[&due].warned_on, stored[&due].method.id()), (today, "telefon"));
    // Once warned: shown as done, gone from the front page, and not recorded twice.
    let page = app.get("/fravaer/varsling", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("(telefonsamtale)"), "{page}");
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(!front.contains("Forældre der skal varsles"));
    let res = warn(due, "brev").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("allerede varslet"));
}

#[tokio::test]
async fn a_warning_sent_through_the_parent_view_is_the_letter_the_guardian_reads() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let today = today();
    let calendar = SchoolCalendar::default();
    let regs: Vec<_> = dates(Quarter::of(today).first_day(), today)
        .filter(|d| calendar.is_school_day(*d))
        .map(|date| Registration {
            child_id: child,
            date,
            slot: 1,
            code: Code::Unlawful,
        })
        .collect();
    if regs.is_empty() {
        return; // the quarter's first day is not yet a school day
    }
    app.store()
        .save_registrations(w.municipality, &regs, None, chrono::Utc::now(), &[])
        .await
        .unwrap();
    let leader = app.login("skoleleder").await;
    let guardian = app.login("foraelder").await;
    let quarter = Quarter::of(today).to_string();
    let letter = format!("/boern/{child}/varsling/brev?kvartal={quarter}");
    assert_eq!(
        app.get(&letter, Some(&guardian)).await.status(),
        StatusCode::NOT_FOUND,
        "not sent yet"
    );

    let day = today.to_string();
    let res = app
        .post(
            &format!("/boern/{child}/varsling"),
            Some(&leader),
            &[("maade", "foraeldrevisning"), ("dato", &day)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/boern/{child}/fravaersmelding"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Varsling om ulovligt fravær") && page.contains(&letter.replace('&', "&amp;")),
        "{page}"
    );
    let text = app.get(&letter, Some(&guardian)).await.text().await.unwrap();
    assert!(
        text.contains("Kære forældre til Barn KX1") && text.contains("100,0 %") && text.contains("Test skoleleder"),
        "{text}"
    );
    // Another family's guardian is refused, and the read is in the child's access log.
    let other = format!("/boern/{}/varsling/brev?kvartal={quarter}", w.children[1]);
    assert_eq!(app.get(&other, Some(&guardian)).await.status(), StatusCode::FORBIDDEN);
    let audit = app.store().child_audit(child, 20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "absence.warning.letter" && r.role == "foraelder" && r.allowed)
    );
}

/// The municipal overview keeps its sums between requests; a roll call saved in between is in
/// the next one.
#[tokio::test]
async fn the_municipal_overview_shows_a_roll_call_saved_since_the_last_view() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let today = Local::now().date_naive();
    let first = trivsel_domain::calendar::SchoolYear::of(today).first_day();
    let Some(day) = dates(first, today)
        .filter(|d| trivsel_domain::calendar::is_working_day(*d))
        .last()
    else {
        return; // no school day yet this school year: nothing to register
    };
    let analyst = app.login("analytiker").await;
    let total = || async {
        let page = app.get("/fravaer/kommune", Some(&analyst)).await.text().await.unwrap();
        let row = page.split("<tr class=\"total\">").nth(1).expect("total row");
        row[..row.find("</tr>").unwrap()].to_string()
    };
    let before = total().await;
    assert!(before.contains("0,0 %"), "no absence yet: {before}");
    let teacher = app.login("laerer").await;
    let (date, pupil) = (day.to_string(), format!("c{}", w.children[0]));
    for slot in ["1", "2"] {
        let form = [("dato", date.as_str()), ("modul", slot), (pupil.as_str(), "U")];
        let res = app
            .post(&format!("/klasser/{}/fremmoede", w.classes[0]), Some(&teacher), &form)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    // Cells: pupils, total, S, L, U.
    let unlawful = |row: &str| row.rsplit("<td>").next().unwrap().trim_end_matches("</td>").to_string();
    assert_eq!(unlawful(&before), "0,0 %");
    let after = total().await;
    assert_ne!(unlawful(&after), "0,0 %", "the U is counted: {after}");
}

/// An import that stops after saving registrations and before refreshing alerts (a kill) is
/// completed at the next start: the mark is written with the registrations.
#[tokio::test]
async fn alerts_of_an_interrupted_import_are_completed_at_start() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let today = today();
    // Five school days in a row of sickness, within the last weeks.
    let calendar = SchoolCalendar::default();
    let days: Vec<chrono::NaiveDate> = dates(today - chrono::Duration::days(20), today)
        .filter(|d| calendar.is_school_day(*d))
        .collect();
    let registrations: Vec<Registration> = days
        .iter()
        .rev()
        .take(6)
        .map(|date| Registration {
            child_id: w.children[0],
            date: *date,
            slot: 1,
            code: Code::Sickness,
        })
        .collect();
    app.store()
        .save_registrations(w.municipality, &registrations, None, chrono::Utc::now(), &[])
        .await
        .unwrap();
    let alerts = |store: trivsel_store::Store| async move {
        store
            .alerts(&trivsel_store::AlertFilter {
                child_id: Some(w.children[0]),
                ..Default::default()
            })
            .await
            .unwrap()
            .len()
    };
    assert_eq!(
        alerts(app.store().clone()).await,
        0,
        "the import stopped before refreshing"
    );
    assert_eq!(app.store().complete_pending_alerts(today).await.unwrap(), 1);
    assert!(alerts(app.store().clone()).await > 0, "the start completed the alerts");
    assert_eq!(
        app.store().complete_pending_alerts(today).await.unwrap(),
        0,
        "and cleared the mark"
    );
}
