//! Kommunens overblik: compliance figures against hand-made data, small-group suppression
//! (including by subtraction), the XLSX download read back by a spreadsheet reader, and the
//! half-yearly status texts and who may write them.

use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, Duration, NaiveDate};
use reqwest::StatusCode;
use trivsel_domain::bullying::{InvolvedRole, LearnedHow, plan_deadline};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::deadlines::{Month, monthly_review_deadline};
use trivsel_domain::model::InstitutionKind;
use trivsel_store::{EnrolmentRow, NewBullyingReport, RosterChanges};

use crate::helpers::*;

/// The row of table `id` whose first cell is `label`, as its cells' text.
fn row(page: &str, id: &str, label: &str) -> Vec<String> {
    let table = &page[page.find(&format!("id=\"{id}\"")).expect(id)..];
    let table = &table[..table.find("</table>").unwrap()];
    let start = table
        .find(&format!(">{label}</th>"))
        .unwrap_or_else(|| panic!("{label} in {table}"));
    let tr = &table[start..];
    let tr = &tr[..tr.find("</tr>").unwrap()];
    tr.split("<td")
        .skip(1)
        .map(|cell| {
            let text = &cell[cell.find('>').unwrap() + 1..];
            text[..text.find("</td>").unwrap()].to_string()
        })
        .collect()
}

/// `n` more children enrolled since 2020 in a new class `class` of school `code` (created if
/// new).
async fn add_pupils(app: &App, m: i64, code: &str, class: &str, n: usize) {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let mut roster = RosterChanges {
        institutions: vec![(code.into(), format!("Skole {code}"), InstitutionKind::School)],
        classes: vec![(code.into(), class.into())],
        ..Default::default()
    };
    for k in 0..n {
        let id = format!("{class}-{k}");
        roster
            .children
            .push((id.clone(), "Elev".into(), format!("Nr{k}"), d("2015-03-03")));
        roster.enrolments.push((
            id,
            EnrolmentRow {
                institution_code: code.into(),
                class_name: class.into(),
                from: d("2020-08-01"),
                to: None,
            },
        ));
    }
    app.store().apply_roster(m, &roster).await.unwrap();
}

#[tokio::test]
async fn small_groups_are_hidden_also_where_a_total_would_give_them_away() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    // Pupils: X 2 + 8 = 10, Y 1 + 2 = 3, W 8; the municipality 21.
    add_pupils(&app, w.municipality, "X", "X3", 8).await;
    add_pupils(&app, w.municipality, "Y", "Y2", 2).await;
    add_pupils(&app, w.municipality, "W", "W1", 8).await;
    let analyst = app.login("analytiker").await;
    let page = app.get("/kommune", Some(&analyst)).await.text().await.unwrap();
    assert_eq!(row(&page, "skoler", "Skole X")[0], "10");
    assert_eq!(row(&page, "skoler", "Skole Y")[0], "&lt;5", "3 pupils are hidden");
    // 21 − 10 − 8 would give Y's 3: the next smallest school is hidden too.
    assert_eq!(row(&page, "skoler", "Skole W")[0], "&lt;5");
    assert_eq!(row(&page, "skoler", "Kommunen")[0], "21");
    // A rate over 3 pupils is hidden with them.
    assert_eq!(row(&page, "skoler", "Skole Y")[1], "&lt;5");
    assert!(!page.contains("Barn KX1") && !page.contains("Nr0"), "no child is named");

    // The CSV is the same published table.
    let csv = app
        .get("/kommune/skoler.csv", Some(&analyst))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("Skole,Elever,Fravær i alt"), "{csv}");
    assert!(lines.iter().any(|l| l.starts_with("Skole Y,<5,<5")), "{csv}");
    assert!(lines.iter().any(|l| l.starts_with("Skole W,<5,")), "{csv}");
    assert!(lines.iter().any(|l| l.starts_with("Kommunen,21,")), "{csv}");

    // The XLSX opens in a spreadsheet reader with the same figures, numbers as numbers.
    let res = app.get("/kommune/skoler.xlsx", Some(&analyst)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][0], Data::String("Skole".into()));
    assert_eq!(rows[0][1], Data::String("Elever".into()));
    let find = |label: &str| rows.iter().find(|r| r[0] == Data::String(label.into())).unwrap();
    assert_eq!(find("Skole X")[1], Data::Float(10.0));
    assert_eq!(find("Skole Y")[1], Data::String("<5".into()));
    assert_eq!(find("Skole W")[1], Data::String("<5".into()));
    assert_eq!(find("Kommunen")[1], Data::Float(21.0));

    // Filtered to one school: only its row, no total to subtract from.
    let x = app
        .get(&format!("/kommune?institution={}", w.school_x), Some(&analyst))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(row(&x, "skoler", "Skole X")[0], "10");
    let schools = &x[x.find("id=\"skoler\"").unwrap()..];
    assert!(!schools[..schools.find("</table>").unwrap()].contains("Skole Y"));
    assert_eq!(
        app.get("/kommune?institution=999999", Some(&analyst)).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn compliance_figures_count_what_was_done_by_the_deadline() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let store = app.store();
    // Last school year: every deadline has passed.
    let year = SchoolYear(SchoolYear::of(today()).0 - 1);
    let leader = w.users["skoleleder"];
    let audit = system_audit(w.municipality, "absence.review");
    // Monthly reviews: X1 every month on the deadline, X2 six in time, three late, two never;
    // Y1 none. August to June: 11 months per class.
    let mut month = Month::of(year.first_day());
    let mut k = 0;
    while month.first_day() < year.last_day() {
        if month.month != 7 {
            let deadline = monthly_review_deadline(month);
            let at = |d: NaiveDate| d.and_hms_opt(10, 0, 0).unwrap().and_utc();
            store
                .record_review(w.classes[0], month, leader, at(deadline), None, &audit)
                .await
                .unwrap();
            match k {
                0..6 => store
                    .record_review(
                        w.classes[1],
                        month,
                        leader,
                        at(deadline - Duration::days(3)),
                        None,
                        &audit,
                    )
                    .await
                    .unwrap(),
                6..9 => store
                    .record_review(
                        w.classes[1],
                        month,
                        leader,
                        at(deadline + Duration::days(2)),
                        None,
                        &audit,
                    )
                    .await
                    .unwrap(),
                _ => {}
            }
            k += 1;
        }
        month = month.next();
    }
    assert_eq!(k, 11);
    // Bullying action plans: learned in October; five in time (one on the deadline), five
    // late, one never made.
    let learned = NaiveDate::from_ymd_opt(year.0, 10, 5).unwrap();
    let due = plan_deadline(learned);
    let bullying = [system_audit(w.municipality, "bullying.create")];
    let made = [
        learned,
        learned,
        learned + Duration::days(1),
        due - Duration::days(1),
        due,
    ]
    .into_iter()
    .chain((1..=5).map(|d| due + Duration::days(d)))
    .map(Some)
    .chain([None]);
    for plan_on in made {
        let report = NewBullyingReport {
            institution_id: w.school_x,
            created_by: w.users["laerer"],
            description: "Drillerier.".into(),
            digital: false,
            learned_on: learned,
            learned_how: LearnedHow::Oral,
            learned_by: "Klasselæreren".into(),
            children: vec![(w.children[0], InvolvedRole::Exposed)],
            at: learned.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        };
        let id = store.create_bullying_report(&report, &bullying).await.unwrap();
        if let Some(on) = plan_on {
            let plan = trivsel_store::NewPlan {
                institution_id: w.school_x,
                target: trivsel_store::CaseTarget::Class(w.classes[0]),
                tier: trivsel_domain::cases::Tier::Preventive,
                title: "Handlingsplan".into(),
                content: trivsel_domain::cases::PlanContent {
                    goals: "Tryghed".into(),
                    evaluation_dates: vec![today() + Duration::days(400)],
                    ..Default::default()
                },
                by: leader,
                at: chrono::Utc::now(),
            };
            store.create_bullying_plan(id, &plan, on, &bullying).await.unwrap();
        }
    }
    let analyst = app.login("analytiker").await;
    let page = app
        .get(&format!("/kommune?aar={}", year.0), Some(&analyst))
        .await
        .text()
        .await
        .unwrap();
    // Reviews are of classes, never suppressed: X 17 of 22, Y 0 of 11, all 17 of 33.
    assert_eq!(row(&page, "rettidighed", "Skole X")[0], "77 % (17 af 22)");
    assert_eq!(row(&page, "rettidighed", "Skole Y")[0], "0 % (0 af 11)");
    assert_eq!(row(&page, "rettidighed", "Kommunen")[0], "52 % (17 af 33)");
    // Plans: 5 in time of 11 counted.
    assert_eq!(row(&page, "rettidighed", "Skole X")[2], "45 % (5 af 11)");
    assert_eq!(row(&page, "rettidighed", "Skole Y")[2], "–");
    assert_eq!(row(&page, "rettidighed", "Kommunen")[2], "45 % (5 af 11)");
    // Month by month: October's plans are due in October.
    let october = Month {
        year: year.0,
        month: 10,
    }
    .navn();
    let october_row = row(&page, "maaneder", &october);
    assert_eq!(october_row[6], "45 % (5 af 11)", "{october_row:?}");
    // The year's months: August to July, with the month's reviews due in it.
    assert!(page.contains(&format!(
            ">{}</th>",
            Month {
                year: year.0 + 1,
                month: 7
            }
            .navn()
        )));
    assert_eq!(year.last_day().year(), year.0 + 1);
}

#[tokio::test]
async fn the_leadership_writes_the_half_yearly_status_texts() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let half = trivsel_domain::municipal::HalfYear::of(today()).id();
    let school = w.school_x.to_string();
    let leader = app.login("skoleleder").await;
    let text = "Fraværet er faldet efter indsatsen i 5. årgang.";
    let form = [
        ("halvaar", half.as_str()),
        ("institution", school.as_str()),
        ("tekst_sammenfatning", text),
        ("tekst_rettidighed", "Gennemgangene holdes nu hver måned."),
    ];
    let res = app.post("/kommune/status", Some(&leader), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app
        .get(
            &format!("/kommune/status?halvaar={half}&institution={school}"),
            Some(&leader),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(text), "the saved text is in the report");
    assert!(page.contains("Skrevet af Test skoleleder"));
    assert!(
        page.contains("id=\"status-rettidighed\""),
        "the figures are in the report"
    );
    // The leader does not write the municipality's report, nor another school's.
    let municipality = [
        ("halvaar", half.as_str()),
        ("institution", ""),
        ("tekst_sammenfatning", "x"),
    ];
    assert_eq!(
        app.post("/kommune/status", Some(&leader), &municipality).await.status(),
        StatusCode::FORBIDDEN
    );
    let teacher = app.login("laerer").await;
    assert_eq!(
        app.post("/kommune/status", Some(&teacher), &form).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/kommune/status", Some(&teacher)).await.status(),
        StatusCode::FORBIDDEN
    );
    // The analyst writes the municipality's; too long a text stores nothing.
    let analyst = app.login("analytiker").await;
    let long = "a".repeat(4_001);
    let too_long = [
        ("halvaar", half.as_str()),
        ("institution", ""),
        ("tekst_sammenfatning", long.as_str()),
    ];
    let res = app.post("/kommune/status", Some(&analyst), &too_long).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("for lang: højst 4000 tegn. Intet er gemt.")
    );
    let ok = [
        ("halvaar", half.as_str()),
        ("institution", ""),
        ("tekst_sammenfatning", "Kommunens samlede status."),
    ];
    assert_eq!(
        app.post("/kommune/status", Some(&analyst), &ok).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app
        .get(&format!("/kommune/status?halvaar={half}"), Some(&analyst))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kommunens samlede status."));
    assert!(!page.contains(text), "the school's text stays in the school's report");
}
