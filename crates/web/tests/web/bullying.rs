//! Mobning over HTTP: a report names children with roles and when a staff member learned of
//! it; the leadership makes the written action plan within 10 working days (overdue ones on the
//! front page); a teacher sees only the children of the own class; the guardians of each child
//! see only their own child's role, never another child's name or role.

use chrono::Duration;
use reqwest::StatusCode;
use trivsel_domain::bullying::{InvolvedRole, LearnedHow, plan_deadline};
use trivsel_domain::cases::format_date;
use trivsel_domain::model::Role;
use trivsel_store::{NewBullyingReport, NewGuardian, Store};

use crate::helpers::*;

fn new(
    institution_id: i64,
    by: i64,
    learned_on: chrono::NaiveDate,
    children: Vec<(i64, InvolvedRole)>,
) -> NewBullyingReport {
    NewBullyingReport {
        institution_id,
        created_by: by,
        description: "Grimme kommentarer i frikvarteret.".into(),
        digital: false,
        learned_on,
        learned_how: LearnedHow::Oral,
        learned_by: "Klasselæreren".into(),
        children,
        at: chrono::Utc::now(),
    }
}

/// A report at school X (X1 exposed, X2 perpetrator) and one at school Y (Y1 exposed).
pub async fn matrix_fixture(store: &Store, w: &World) -> (i64, i64) {
    let audit = [system_audit(w.municipality, "bullying.create")];
    let school_y = store
        .institutions(w.municipality)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code == "Y")
        .unwrap()
        .id;
    let x = new(
        w.school_x,
        w.users["skoleleder"],
        today(),
        vec![
            (w.children[0], InvolvedRole::Exposed),
            (w.children[1], InvolvedRole::Perpetrator),
        ],
    );
    let y = new(
        school_y,
        w.users["skoleleder"],
        today(),
        vec![(w.children[2], InvolvedRole::Exposed)],
    );
    (
        store.create_bullying_report(&x, &audit).await.unwrap(),
        store.create_bullying_report(&y, &audit).await.unwrap(),
    )
}

async fn post<K: AsRef<str>>(app: &App, path: &str, session: &str, fields: &[(K, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_ref(), v.as_str())).collect();
    app.post(path, Some(session), &fields).await
}

#[tokio::test]
async fn a_report_gets_its_plan_and_each_family_sees_only_its_own_child() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let (x1, x2) = (w.children[0], w.children[1]);
    let (class_x1, class_x2) = (w.classes[0], w.classes[1]);
    let leader = app.login("skoleleder").await;

    let form = app
        .get(
            &format!("/mobning/ny?klasse={class_x1}&klasse={class_x2}"),
            Some(&leader),
        )
        .await;
    assert_eq!(form.status(), StatusCode::OK);
    let form = form.text().await.unwrap();
    assert!(form.contains("Barn KX1") && form.contains("Barn KX2"));
    assert!(form.contains(&format!("name=\"rolle_{x1}\"")));

    let today = today();
    let fields = |roles: Vec<(String, &str)>, description: &str| {
        let mut f: Vec<(String, String)> = [
            ("klasse", class_x1.to_string()),
            ("klasse", class_x2.to_string()),
            ("beskrivelse", description.to_string()),
            ("digital", "ja".into()),
            ("kendt_dato", today.to_string()),
            ("kendt_hvordan", "skriftligt".into()),
            ("kendt_af", "Klasselæreren".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        f.extend(roles.into_iter().map(|(k, v)| (k, v.to_string())));
        f
    };
    let both = || vec![(format!("rolle_{x1}"), "udsat"), (format!("rolle_{x2}"), "udoever")];
    let text = "Beskeder med trusler i klassens chatgruppe.";
    for (f, message) in [
        (fields(vec![], text), "Børn: vælg en rolle for mindst ét barn."),
        (fields(both(), ""), "Hvad er der sket: skal udfyldes."),
    ] {
        let res = post(&app, "/mobning", &leader, &f).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(res.text().await.unwrap().contains(message), "{message}");
    }
    // A child of a class the leader does not lead is refused.
    let mut other = fields(vec![(format!("rolle_{}", w.children[2]), "udsat")], text);
    other.push(("klasse".into(), w.classes[2].to_string()));
    assert_eq!(
        post(&app, "/mobning", &leader, &other).await.status(),
        StatusCode::FORBIDDEN
    );
    assert!(
        app.store()
            .institution_bullying_reports(w.school_x)
            .await
            .unwrap()
            .is_empty()
    );

    let res = post(&app, "/mobning", &leader, &fields(both(), text)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res).trim_end_matches("?gemt=1").to_string();
    let page = app.get(&url, Some(&leader)).await.text().await.unwrap();
    assert!(page.contains(&format!("Frist {}", format_date(plan_deadline(today)))));
    assert!(page.contains("Barn KX1") && page.contains("Barn KX2"));

    // The teacher of X1 sees X1 only.
    let teacher = app.login("laerer").await;
    let page = app.get(&url, Some(&teacher)).await.text().await.unwrap();
    assert!(page.contains("Barn KX1") && !page.contains("Barn KX2"));
    assert!(page.contains("1 barn mere, som du ikke har adgang til."));
    assert_eq!(
        post(
            &app,
            &format!("{url}/tiltag"),
            &teacher,
            &[("tiltag", "Voksen i frikvarteret".into())]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );

    // Each family sees its own child's role and nothing of the other child.
    let g2 = add_user(
        app.store(),
        w.municipality,
        "foraelder2",
        Role::Guardian,
        None,
        vec![],
        None,
    )
    .await;
    let guardian = NewGuardian {
        name: "Forælder To".into(),
        user_id: Some(g2),
        children: vec![x2],
    };
    app.store().add_guardians(w.municipality, &[guardian]).await.unwrap();
    for (user, child, own, other_role, other_name) in [
        ("foraelder", x1, "udsat", "udøver", "KX2"),
        ("foraelder2", x2, "udøver", "udsat", "KX1"),
    ] {
        let session = app.login(user).await;
        let page = app
            .get(&format!("/boern/{child}"), Some(&session))
            .await
            .text()
            .await
            .unwrap();
        let section = &page[page.find("id=\"mobning-barn\"").expect("the section")..];
        let section = &section[..section.find("</section>").unwrap()];
        assert!(
            section.contains(&format!("Dit barn er registreret som: {own}")),
            "{user}"
        );
        assert!(
            !section.contains(other_role) && !page.contains(other_name),
            "{user} sees nothing of the other child"
        );
        assert!(!section.contains("href"), "{user} gets no link to the report");
        assert_eq!(
            app.get(&url, Some(&session)).await.status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }

    // The leadership: measures, informed only after the plan, the plan, then informed.
    let res = post(
        &app,
        &format!("{url}/tiltag"),
        &leader,
        &[("tiltag", "Voksen i frikvarteret".into()), ("dato", today.to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post(
        &app,
        &format!("{url}/orientering"),
        &leader,
        &[("dato", today.to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("lav handlingsplanen først"));
    let plan = [
        ("for", format!("klasse:{class_x1}")),
        ("maal", "Ingen trusler i chatgruppen.".into()),
        ("indsats", "Klassemøde om god tone online hver uge.".into()),
        ("evaluering", (today + Duration::days(21)).to_string()),
    ];
    let res = post(&app, &format!("{url}/handlingsplan"), &leader, &plan[1..]).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a plan is for a class or a child"
    );
    let res = post(&app, &format!("{url}/handlingsplan"), &leader, &plan).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post(&app, &format!("{url}/handlingsplan"), &leader, &plan).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "one plan");
    let res = post(
        &app,
        &format!("{url}/orientering"),
        &leader,
        &[("dato", today.to_string()), ("hvordan", "Møde".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let report = app
        .store()
        .institution_bullying_reports(w.school_x)
        .await
        .unwrap()
        .remove(0);
    let (plan_id, plan_on) = report.plan.expect("a plan");
    assert_eq!(plan_on, today);
    assert_eq!(report.informed.map(|i| i.0), Some(today));
    let page = app
        .get(&format!("/planer/{plan_id}"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Handlingsplan mod mobning – Klassen X1"));
    assert!(page.contains("Klassemøde om god tone online"));

    // Each change is in both children's access logs.
    for child in [x1, x2] {
        let audit = app.store().child_audit(child, 500).await.unwrap();
        for action in [
            "bullying.create",
            "bullying.measures",
            "bullying.plan",
            "bullying.informed",
        ] {
            assert!(
                audit.iter().any(|r| r.action == action && r.allowed),
                "{action} for {child}"
            );
        }
    }
}

#[tokio::test]
async fn an_overdue_plan_shows_on_the_leaders_front_page() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let section = |front: String| {
        let start = front.find("id=\"mobning-titel\"").expect("the section");
        front[start..start + front[start..].find("</section>").unwrap()].to_string()
    };
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(section(front).contains("Ingen mobningssager"));
    let audit = [system_audit(w.municipality, "bullying.create")];
    let child = vec![(w.children[0], InvolvedRole::Exposed)];
    let by = w.users["laerer"];
    app.store()
        .create_bullying_report(&new(w.school_x, by, today(), child.clone()), &audit)
        .await
        .unwrap();
    let front = section(app.get("/", Some(&leader)).await.text().await.unwrap());
    assert!(front.contains("1 mobningssag venter") && !front.contains("efter fristen"));
    // Learned 20 days ago: more than 10 working days whatever the holidays.
    app.store()
        .create_bullying_report(&new(w.school_x, by, today() - Duration::days(20), child), &audit)
        .await
        .unwrap();
    let front = section(app.get("/", Some(&leader)).await.text().await.unwrap());
    assert!(front.contains("2 mobningssager venter"));
    assert!(front.contains("1 efter fristen på 10 arbejdsdage"));
    let list = app.get("/mobning", Some(&leader)).await.text().await.unwrap();
    assert!(list.contains("Overskredet – frist"));
    let teacher = app.login("laerer").await;
    let front = app.get("/", Some(&teacher)).await.text().await.unwrap();
    assert!(!front.contains("mobning-titel"), "the teacher has no such section");
    let class = app
        .get(&format!("/klasser/{}", w.classes[0]), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(class.contains("Registrér mobning i klassen"));
}

#[tokio::test]
async fn the_municipality_sees_the_share_of_plans_made_in_time() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let audit = [system_audit(w.municipality, "bullying.create")];
    let learned = today() - Duration::days(30);
    let child = vec![(w.children[0], InvolvedRole::Exposed)];
    // Three plans in time (the last on the deadline), two late, one overdue without a plan, and
    // one still within its deadline (not counted).
    let due = plan_deadline(learned);
    let made = [
        learned,
        learned + Duration::days(1),
        due,
        due + Duration::days(1),
        due + Duration::days(10),
    ];
    for plan_on in made.into_iter().map(Some).chain([None]) {
        let id = app
            .store()
            .create_bullying_report(&new(w.school_x, w.users["laerer"], learned, child.clone()), &audit)
            .await
            .unwrap();
        if let Some(on) = plan_on {
            let plan = trivsel_store::NewPlan {
                institution_id: w.school_x,
                target: trivsel_store::CaseTarget::Class(w.classes[0]),
                tier: trivsel_domain::cases::Tier::Preventive,
                title: "Handlingsplan".into(),
                content: trivsel_domain::cases::PlanContent {
                    goals: "Tryghed".into(),
                    evaluation_dates: vec![today() + Duration::days(10)],
                    ..Default::default()
                },
                by: w.users["skoleleder"],
                at: chrono::Utc::now(),
            };
            app.store().create_bullying_plan(id, &plan, on, &audit).await.unwrap();
        }
    }
    app.store()
        .create_bullying_report(&new(w.school_x, w.users["laerer"], today(), child), &audit)
        .await
        .unwrap();
    let analyst = app.login("analytiker").await;
    let page = app.get("/fravaer/kommune", Some(&analyst)).await.text().await.unwrap();
    let table = &page[page.find("id=\"mobning-andel\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(
        table.contains("<td>Skole X</td><td>3</td><td>6</td><td>50 %</td>"),
        "{table}"
    );
    assert!(!table.contains("Barn"), "no child is named");
}
