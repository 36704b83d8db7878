//! Runs the `trivsel` binary as a user would, against the test backend (`TRIVSEL_TEST_DB`).

use std::process::{Command, Output};

use trivsel_store::testing::TestDb;

fn trivsel(db: &str, args: &[&str]) -> Output {
    trivsel_with_input(db, args, "")
}

fn trivsel_with_input(db: &str, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_trivsel"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("TRIVSEL_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run trivsel");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().expect("run trivsel")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn every_command_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["demo"],
        &["migrate"],
        &["backup"],
        &["restore"],
        &["municipality"],
        &["municipality", "add"],
        &["municipality", "list"],
        &["import"],
        &["import", "roster"],
        &["import", "calendar"],
        &["import", "guardians"],
        &["import", "assignments"],
        &["bench"],
        &["bench", "roster"],
        &["absence"],
        &["absence", "events"],
        &["absence", "quarter-report"],
        &["absence", "thresholds"],
        &["import", "absence"],
        &["users"],
        &["users", "import"],
        &["users", "password"],
        &["oidc"],
        &["oidc", "set"],
        &["oidc", "list"],
        &["audit"],
        &["audit", "verify"],
        &["audit", "head"],
        &["audit", "prune"],
        &["import", "transition-questions"],
        &["import", "survey-results"],
        &["import", "survey-answers"],
        &["transition-form"],
        &["transition-form", "show"],
        &["transition-form", "adbb-cutoff"],
    ];
    for args in commands {
        let out = Command::new(env!("CARGO_BIN_EXE_trivsel"))
            .args(*args)
            .arg("--help")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?} --help");
        assert!(
            text(&out.stdout).contains("--db"),
            "{args:?} --help names the database option"
        );
    }
}

#[tokio::test]
async fn import_from_the_command_line() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("trivsel-cli-{}-{}", std::process::id(), line!()));
    std::fs::create_dir_all(&dir).unwrap();
    let roster = dir.join("elever.csv");
    let header = "school;school_name;class;pupil_id;given_name;family_name;birth_date;enrolled_from;enrolled_to";

    let out = trivsel(&db.url, &["import", "roster", roster.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("ingen kommune"), "{}", text(&out.stderr));

    let out = trivsel(&db.url, &["municipality", "add", "147", "Frederiksberg Kommune"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    std::fs::write(
        &roster,
        format!("{header}\nS1;Nordskolen;5.A;P1;Ida;Hansen;2014-03-02;2024-08-01;\n"),
    )
    .unwrap();
    let out = trivsel(&db.url, &["import", "roster", roster.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 rækker læst; oprettet: 1 skoler, 1 klasser, 1 elever"),
        "{}",
        text(&out.stdout)
    );

    // A bad second row: refused whole, exit code 1, file, line and field named.
    std::fs::write(
        &roster,
        format!("{header}\nS1;Nordskolen;5.A;P2;Bo;Ek;2014-01-01;2024-08-01;\nS1;Nordskolen;5.A;P3;Al;Ek;2014-02-30;2024-08-01;\n"),
    )
    .unwrap();
    let out = trivsel(&db.url, &["import", "roster", roster.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("elever.csv, linje 3, felt «birth_date»: ugyldig dato «2014-02-30»"),
        "{err}"
    );
    let m = db.store.find_municipality(Some("147")).await.unwrap();
    assert_eq!(
        db.store.child_id(m.id, "P2").await.unwrap(),
        None,
        "nothing from the bad file is stored"
    );

    let calendar = dir.join("ferie.csv");
    std::fs::write(&calendar, "school,date,kind\nS1,2024-10-14,holiday\n").unwrap();
    let out = trivsel(
        &db.url,
        &[
            "import",
            "calendar",
            "--municipality",
            "147",
            calendar.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("oprettet: 1 feriedage"));

    let out = trivsel(&db.url, &["municipality", "list"]);
    assert_eq!(text(&out.stdout), "147\tFrederiksberg Kommune\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The municipality's own overgangsskema questions and ADBB cut-off: a bad file changes nothing.
#[tokio::test]
async fn transition_form_questions_and_cutoff_from_the_command_line() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("trivsel-cli-{}-{}", std::process::id(), line!()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = trivsel(&db.url, &["municipality", "add", "147", "Frederiksberg Kommune"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = trivsel(&db.url, &["transition-form", "show"]);
    assert!(
        text(&out.stdout).contains("Familiens situation og ønsker til dagtilbuddet (familie)"),
        "the default set"
    );

    let file = dir.join("spoergsmaal.csv");
    std::fs::write(&file, "key;question\nsprog;Barnets sprog\nsprog;Barnets søvn\n").unwrap();
    let out = trivsel(&db.url, &["import", "transition-questions", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("spoergsmaal.csv, linje 3, felt «key»: nøglen «sprog» er brugt før"),
        "{err}"
    );
    let m = db.store.find_municipality(Some("147")).await.unwrap();
    assert_eq!(db.store.transition_questions(m.id).await.unwrap().len(), 5, "unchanged");

    std::fs::write(&file, "key;question\nsprog;Barnets sprog\nsoevn;Barnets søvn\n").unwrap();
    let out = trivsel(&db.url, &["import", "transition-questions", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("gemt: 2 spørgsmål"));
    let texts: Vec<String> = db
        .store
        .transition_questions(m.id)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.text)
        .collect();
    assert_eq!(texts, ["Barnets sprog", "Barnets søvn"]);

    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/transition-questions.csv"
    );
    let out = trivsel(&db.url, &["import", "transition-questions", example]);
    assert!(
        text(&out.stdout).contains("gemt: 6 spørgsmål"),
        "the README's example: {}",
        text(&out.stderr)
    );

    let out = trivsel(&db.url, &["transition-form", "adbb-cutoff", "40"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("ADBB-grænsen skal være 1–32"),
        "{}",
        text(&out.stderr)
    );
    let out = trivsel(&db.url, &["transition-form", "adbb-cutoff", "6"]);
    assert!(
        text(&out.stdout).contains("en samlet score på mindst 6"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(db.store.adbb_cutoff(m.id).await.unwrap(), 6);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The national survey: Danish numbers and suppressed cells, the half-items rule with reversal
/// and a corrected mapping, generel trivsel over all items; a bad file changes nothing.
#[tokio::test]
async fn national_survey_results_and_answers_from_the_command_line() {
    use trivsel_domain::surveys::national::Indicator;
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("trivsel-cli-{}-{}", std::process::id(), line!()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    assert!(
        trivsel(&db.url, &["municipality", "add", "147", "Frederiksberg Kommune"])
            .status
            .success()
    );
    let roster = write(
        "elever.csv",
        "school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to\n\
         S1,Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,\n\
         S1,Nordskolen,5.A,P2,Bo,Ek,2014-01-01,2024-08-01,\n",
    );
    assert!(trivsel(&db.url, &["import", "roster", &roster]).status.success());
    let m = db.store.find_municipality(Some("147")).await.unwrap();
    let school = db.store.institutions(m.id).await.unwrap()[0].id;

    let header = "school;school_year;grade_group;indicator;value;respondents";
    let bad = write(
        "resultater.csv",
        &format!(
            "{header}\nS1;2024/25;4.-6. klasse;Generel trivsel;3,9;2.351\nS1;2024/25;4.-6. klasse;Social trivsel;6,2;\n"
        ),
    );
    let out = trivsel(&db.url, &["import", "survey-results", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("resultater.csv, linje 3, felt «value»: «6,2» ligger ikke mellem 1 og 5"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        db.store.survey_results(&[school]).await.unwrap().is_empty(),
        "nothing from the bad file"
    );
    let good = write(
        "resultater.csv",
        &format!(
            "{header}\nS1;2024/25;4.-6. klasse;Generel trivsel;3,9;2.351\nS1;2024/25;4.-6. klasse;Ro og orden;..;\n"
        ),
    );
    let out = trivsel(&db.url, &["import", "survey-results", &good]);
    assert!(
        text(&out.stdout).contains("gemt: 2 tal, heraf 1 skjulte"),
        "{}",
        text(&out.stderr)
    );
    let results = db.store.survey_results(&[school]).await.unwrap();
    let value = |i: Indicator| {
        results
            .iter()
            .find(|r| r.indicator == i)
            .map(|r| (r.value, r.respondents))
    };
    assert_eq!(value(Indicator::General), Some((Some(3.9), Some(2351))));
    assert_eq!(
        value(Indicator::Order),
        Some((None, None)),
        "suppressed is missing, not 0"
    );

    // A corrected mapping of six questions; question 2 is reversed.
    let mapping = write(
        "mapping.csv",
        "question,indicator,reversed\n1,social,nej\n2,social,ja\n3,faglig,nej\n4,faglig,nej\n5,stoette,nej\n6,ro,nej\n",
    );
    let answers = write(
        "svar.csv",
        "pupil_id,school_year,question,answer\nP1,2024/25,1,5\nP1,2024/25,2,1\nP1,2024/25,3,4\n\
         P1,2024/25,4,Ønsker ikke at svare\nP1,2024/25,5,3\nP1,2024/25,6,\nP2,2024/25,6,2\nP2,2024/25,7,9x\n",
    );
    let out = trivsel(&db.url, &["import", "survey-answers", "--mapping", &mapping, &answers]);
    assert!(
        text(&out.stderr).contains("svar.csv, linje 9, felt «answer»: «9x» er ikke et svar 1–5"),
        "{}",
        text(&out.stderr)
    );
    let answers = write(
        "svar.csv",
        "pupil_id,school_year,question,answer\nP1,2024/25,1,5\nP1,2024/25,2,1\nP1,2024/25,3,4\n\
         P1,2024/25,4,Ønsker ikke at svare\nP1,2024/25,5,3\nP1,2024/25,6,\nP2,2024/25,6,2\n",
    );
    let out = trivsel(&db.url, &["import", "survey-answers", "--mapping", &mapping, &answers]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let scores = db.store.pupil_scores_of_institution(school).await.unwrap();
    let p1 = db.store.child_id(m.id, "P1").await.unwrap().unwrap();
    let score = |child: i64, i: Indicator| {
        scores
            .iter()
            .find(|s| s.child_id == child && s.indicator == i)
            .map(|s| s.score)
    };
    assert_eq!(score(p1, Indicator::Social), Some(5.0), "5 and the reversed 1");
    assert_eq!(score(p1, Indicator::Academic), Some(4.0), "1 of 2 answered is half");
    assert_eq!(score(p1, Indicator::Order), None, "0 of 1 answered");
    assert_eq!(
        score(p1, Indicator::General),
        Some(4.25),
        "the mean of the 4 answered items, not of the indicators"
    );
    let p2 = db.store.child_id(m.id, "P2").await.unwrap().unwrap();
    assert_eq!(score(p2, Indicator::Order), Some(2.0));
    assert_eq!(score(p2, Indicator::General), None, "1 of 6 items is under half");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn migrate_reports_what_ran() {
    let db = TestDb::unmigrated().await;
    let out = trivsel(&db.url, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ran = format!(
        "{} migreringer kørt; databasen er opdateret.\n",
        trivsel_store::MIGRATION_COUNT
    );
    assert_eq!(text(&out.stdout), ran);
    let out = trivsel(&db.url, &["migrate"]);
    assert_eq!(text(&out.stdout), "0 migreringer kørt; databasen er opdateret.\n");
}

#[test]
fn demo_refuses_a_public_address() {
    let out = trivsel("sqlite:///findes/ikke/x.db", &["demo", "--addr", "0.0.0.0:8080"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("kun på loopback"), "{}", text(&out.stderr));
}

#[tokio::test]
async fn users_import_password_and_audit_from_the_command_line() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("trivsel-cli-{}-{}", std::process::id(), line!()));
    std::fs::create_dir_all(&dir).unwrap();
    assert!(
        trivsel(&db.url, &["municipality", "add", "147", "Frederiksberg Kommune"])
            .status
            .success()
    );
    let roster = dir.join("elever.csv");
    std::fs::write(
        &roster,
        "school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to\n\
         S1,Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,\nS1,Nordskolen,5.B,P2,Bo,Ek,2014-03-02,2024-08-01,\n",
    )
    .unwrap();
    assert!(
        trivsel(&db.url, &["import", "roster", roster.to_str().unwrap()])
            .status
            .success()
    );

    let users = dir.join("brugere.csv");
    std::fs::write(&users, "username,name,email,role,institution,classes\nlis,Lis Hansen,,laerer,S1,5.A|5.B\nbo,Bo Ek,bo@x.dk,rektor,S1,\n").unwrap();
    let out = trivsel(&db.url, &["users", "import", users.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("brugere.csv, linje 3, felt «role»: ukendt rolle «rektor»"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        db.store.user_by_username("lis").await.unwrap().is_none(),
        "all or nothing"
    );

    std::fs::write(&users, "username;name;email;role;institution;classes\nlis;Lis Hansen;;laerer;S1;5.A|5.B\nbo;Bo Ek;bo@x.dk;skoleleder;S1;\n").unwrap();
    let out = trivsel(&db.url, &["users", "import", users.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("oprettet: 2 brugere; opdateret: 0 brugere"),
        "{}",
        text(&out.stdout)
    );
    let lis = db.store.user_by_username("lis").await.unwrap().unwrap();
    assert_eq!(db.store.user_class_ids(lis.id).await.unwrap().len(), 2);
    let out = trivsel(&db.url, &["users", "import", users.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("oprettet: 0 brugere; opdateret: 0 brugere"),
        "re-import changes nothing"
    );

    let out = trivsel_with_input(&db.url, &["users", "password", "lis"], "password1\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("mest brugte"));
    let out = trivsel_with_input(&db.url, &["users", "password", "lis"], "syv blå elefanter\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lis = db.store.user_by_username("lis").await.unwrap().unwrap();
    assert!(trivsel_web::password::verify(
        "syv blå elefanter",
        lis.password_hash.as_deref().unwrap()
    ));

    // The audit chain: intact, then broken by a direct edit, named by row.
    let out = trivsel(&db.url, &["audit", "head"]);
    let head = text(&out.stdout).trim().to_string();
    assert!(head.starts_with("3:"), "two imported users and a password: {head}");
    let out = trivsel(&db.url, &["audit", "verify", "--head", &head]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("er intakt: 3 rækker"),
        "{}",
        text(&out.stdout)
    );
    db.execute("UPDATE audit_log SET criterion = 'nogen' WHERE seq = 2")
        .await;
    let out = trivsel(&db.url, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("brudt ved række 2"), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn audit_verify_catches_truncation_against_an_exported_head() {
    let db = TestDb::new().await;
    let m = db.store.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    for i in 0..3 {
        let entry = trivsel_store::AuditEntry {
            municipality_id: m,
            user_id: None,
            username: "x".into(),
            role: "system".into(),
            action: "child.read".into(),
            child_id: Some(i),
            criterion: None,
            allowed: true,
            address: None,
        };
        db.store.audit(&entry).await.unwrap();
    }
    let head = text(&trivsel(&db.url, &["audit", "head"]).stdout).trim().to_string();
    // Someone removes the last row and rewinds the head to match.
    db.execute("DELETE FROM audit_log WHERE seq = 3").await;
    db.execute("UPDATE audit_heads SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)")
        .await;
    assert!(
        trivsel(&db.url, &["audit", "verify"]).status.success(),
        "consistent without the exported head"
    );
    let out = trivsel(&db.url, &["audit", "verify", "--head", &head]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("afkortet"), "{}", text(&out.stderr));
}

/// Absence from files to rule events and the quarterly report, against figures worked out by
/// hand from DOMAIN.md: a holiday that interrupts nothing, a run that continues across a move
/// between schools with different holidays, a run that 1 August breaks, a replaced
/// registration, a pupil at 10 of 59 school days of unlawful absence in Q4 (and so at exactly
/// 10 of 98 school days on 23 December), and 2 of the first 20 school days of 2025/26.
#[tokio::test]
async fn absence_import_events_and_quarter_report() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("trivsel-cli-{}-{}", std::process::id(), line!()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    assert!(
        trivsel(&db.url, &["municipality", "add", "147", "Frederiksberg"])
            .status
            .success()
    );
    let roster = write(
        "elever.csv",
        "school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to\n\
         S1,Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,\n\
         S1,Nordskolen,5.A,P2,Bo,Ek,2014-03-02,2024-08-01,2024-09-30\n\
         S2,Søndre Skole,5.B,P2,Bo,Ek,2014-03-02,2024-10-01,\n\
         S1,Nordskolen,5.A,P3,Al,Bo,2014-03-02,2024-08-01,\n\
         S2,Søndre Skole,5.B,P4,Mo,Ko,2014-03-02,2024-08-01,\n",
    );
    assert!(trivsel(&db.url, &["import", "roster", &roster]).status.success());
    let mut calendar = String::from("school,date,kind\n");
    for day in 14..=18 {
        calendar.push_str(&format!("S1,2024-10-{day},holiday\n"));
    }
    assert!(
        trivsel(&db.url, &["import", "calendar", &write("ferie.csv", &calendar)])
            .status
            .success()
    );

    let mut absence = String::from("pupil_id;date;slot;code\n");
    // P1: sick Monday–Friday of week 41; the Friday first registered present, then corrected.
    absence.push_str("P1;2024-10-11;1;P\n");
    for day in ["07", "08", "09", "10", "11"] {
        absence.push_str(&format!("P1;2024-10-{day};1;S\n"));
    }
    // A registration in S1's autumn holiday is stored but ignored.
    absence.push_str("P1;2024-10-14;1;U\n");
    // P2: unlawful Thursday–Friday, then Monday–Wednesday at S2, which has no autumn holiday.
    for day in ["10", "11", "14", "15", "16"] {
        absence.push_str(&format!("P2;2024-10-{day};1;U\n"));
    }
    // P4: five weekdays in a row, but 1 August starts a new school year.
    for date in ["2025-07-29", "2025-07-30", "2025-07-31", "2025-08-01", "2025-08-04"] {
        absence.push_str(&format!("P4;{date};1;S\n"));
    }
    // P3: unlawful on every sixth school day of Q4 at S1 (59 school days): 10 days, 0.1695.
    let mut p3 = 0;
    let mut date: chrono::NaiveDate = "2024-10-01".parse().unwrap();
    let holidays: Vec<chrono::NaiveDate> = (14..=18).map(|d| format!("2024-10-{d}").parse().unwrap()).collect();
    let mut school_day = 0;
    while date <= "2024-12-31".parse().unwrap() {
        let weekday = chrono::Datelike::weekday(&date).number_from_monday();
        let public = ["2024-12-25", "2024-12-26"].contains(&date.to_string().as_str());
        if weekday <= 5 && !public && !holidays.contains(&date) {
            if school_day % 6 == 0 && p3 < 10 {
                absence.push_str(&format!("P3;{date};1;U\n"));
                p3 += 1;
            }
            school_day += 1;
        }
        date = date.succ_opt().unwrap();
    }
    assert_eq!((school_day, p3), (59, 10));
    let file = write("fravaer.csv", &absence);

    // A bad code is refused with file, line and field, and nothing is stored.
    let bad = write(
        "fejl.csv",
        "pupil_id,date,slot,code\nP1,2024-10-07,1,S\nP1,2024-10-08,1,X\n",
    );
    let out = trivsel(&db.url, &["import", "absence", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("fejl.csv, linje 3, felt «code»: ukendt fraværskode «X»"),
        "{}",
        text(&out.stderr)
    );
    let unknown = write("ukendt.csv", "pupil_id,date,slot,code\nP9,2024-10-07,1,S\n");
    assert!(text(&trivsel(&db.url, &["import", "absence", &unknown]).stderr).contains("linje 2, felt «pupil_id»"));
    let slot = write("modul.csv", "pupil_id,date,slot,code\nP1,2024-10-07,13,S\n");
    assert!(text(&trivsel(&db.url, &["import", "absence", &slot]).stderr).contains("linje 2, felt «slot»"));

    let out = trivsel(&db.url, &["import", "absence", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = absence.lines().count() - 1;
    assert!(
        text(&out.stdout).contains(&format!(
            "{rows} rækker læst for 4 elever; oprettet: {} registreringer",
            rows - 1
        )),
        "the corrected row counts once: {}",
        text(&out.stdout)
    );

    let out = trivsel(
        &db.url,
        &["absence", "events", "--from", "2024-08-01", "--to", "2025-08-31"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let all = "pupil_id,rule,date\nP1,consecutive,2024-10-11\nP2,consecutive,2024-10-16\n\
               P3,percent_10,2024-12-23\nP4,percent_10,2025-08-28\n";
    assert_eq!(text(&out.stdout), all);
    let out = trivsel(
        &db.url,
        &[
            "absence",
            "events",
            "--from",
            "2024-10-12",
            "--to",
            "2024-12-31",
            "--school",
            "S2",
        ],
    );
    assert_eq!(text(&out.stdout), "pupil_id,rule,date\nP2,consecutive,2024-10-16\n");
    let out = trivsel(
        &db.url,
        &["absence", "events", "--from", "2024-10-12", "--to", "2024-10-15"],
    );
    assert_eq!(
        text(&out.stdout),
        "pupil_id,rule,date\n",
        "history before the range counts, only triggers inside it are reported"
    );

    let out = trivsel(&db.url, &["absence", "quarter-report", "--quarter", "2024Q4"]);
    assert_eq!(text(&out.stdout), "pupil_id,school,unlawful_share\nP3,S1,0.1695\n");
    let out = trivsel(&db.url, &["absence", "quarter-report", "--quarter", "2024Q5"]);
    assert_eq!(out.status.code(), Some(1));

    // Stricter thresholds (3 in a row) move P1's trigger to its third sick day.
    let out = trivsel(&db.url, &["absence", "thresholds", "--consecutive", "3"]);
    assert!(
        text(&out.stdout).contains("Fravær i træk: 3 skoledage"),
        "{}",
        text(&out.stdout)
    );
    let out = trivsel(
        &db.url,
        &["absence", "events", "--from", "2024-10-01", "--to", "2024-10-31"],
    );
    assert!(
        text(&out.stdout).contains("P1,consecutive,2024-10-09\n"),
        "{}",
        text(&out.stdout)
    );
    let out = trivsel(&db.url, &["absence", "thresholds", "--short-window", "20:25"]);
    assert_eq!(out.status.code(), Some(1), "a window cannot hold more days than it has");
    assert!(
        trivsel(&db.url, &["absence", "thresholds", "--consecutive", "5"])
            .status
            .success()
    );

    // Correcting a registration keeps the old value in the history.
    let fix = write("ret.csv", "pupil_id,date,slot,code\nP1,2024-10-07,1,L\n");
    let out = trivsel(&db.url, &["import", "absence", &fix]);
    assert!(
        text(&out.stdout).contains("oprettet: 0 registreringer; erstattet: 1; uændret: 0"),
        "{}",
        text(&out.stdout)
    );
    let m = db.store.find_municipality(None).await.unwrap();
    let p1 = db.store.child_id(m.id, "P1").await.unwrap().unwrap();
    let history = db.store.absence_history(p1).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].0.to_string(), history[0].2.as_str(), history[0].3.as_str()),
        ("2024-10-07".into(), "S", "L")
    );
    let out = trivsel(
        &db.url,
        &["absence", "events", "--from", "2024-08-01", "--to", "2025-08-31"],
    );
    assert_eq!(text(&out.stdout), all, "lawful absence is absence too: the run stands");
    let out = trivsel(
        &db.url,
        &[
            "absence",
            "events",
            "--from",
            "2024-08-01",
            "--to",
            "2024-12-31",
            "--format",
            "table",
        ],
    );
    assert!(
        text(&out.stdout).contains("P3        percent_10   2024-12-23") && text(&out.stdout).contains("(3 rækker)"),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The table lines of `trivsel backup`/`restore` output: «  table: rows».
fn table_counts(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("  "))
        .map(str::to_string)
        .collect()
}

/// `trivsel backup` of the demo database while it is written to, and `trivsel restore` into a
/// fresh database: every table has the same rows and the audit chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_of_a_live_demo_database_restores_whole() {
    let db = TestDb::new().await;
    let today = chrono::Local::now().date_naive();
    trivsel_demo::seed(&db.store, "x", today, trivsel_demo::DEFAULT_PUPILS)
        .await
        .unwrap()
        .expect("seeded");
    let m = db.store.municipalities().await.unwrap()[0].id;
    let counts_before = db.store.check_backup().await.unwrap().tables;
    // Writes go on while the backup runs.
    let store = db.store.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writing = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let entry = trivsel_store::AuditEntry {
                    municipality_id: m,
                    user_id: None,
                    username: "load".into(),
                    role: "system".into(),
                    action: "backup.test".into(),
                    child_id: None,
                    criterion: Some(format!("{n}")),
                    allowed: true,
                    address: None,
                };
                store.audit(&entry).await.unwrap();
                n += 1;
            }
            n
        })
    };
    let dir = std::env::temp_dir().join(format!("trivsel-backup-{}-{}", std::process::id(), rand_tag()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kopi.backup");
    let file_arg = file.to_str().unwrap().to_string();
    let url = db.url.clone();
    let out = tokio::task::spawn_blocking(move || trivsel(&url, &["backup", &file_arg]))
        .await
        .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writing.await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let backup = text(&out.stdout);
    let postgres = db.url.starts_with("postgres");
    if !postgres {
        assert!(backup.contains("kæden er i orden"), "{backup}");
    }
    assert!(written > 0, "writes went on meanwhile");
    let counts_after = db.store.check_backup().await.unwrap().tables;
    // A second backup to the same file is refused.
    let again = trivsel(&db.url, &["backup", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("findes allerede"),
        "{}",
        text(&again.stderr)
    );

    let empty = trivsel_store::testing::EmptyDatabase::like(&db.url).await;
    let target = empty.url.clone();
    let out = trivsel(&target, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let restored = text(&out.stdout);
    assert!(restored.contains("kæden er i orden"), "{restored}");
    let after = table_counts(&restored);
    assert!(after.len() > 40, "every table: {after:?}");
    assert!(
        after
            .iter()
            .any(|l| l.starts_with("  children: ") && !l.ends_with(": 0"))
    );
    if postgres {
        // pg_dump's snapshot lies between the counts before and after the writes; only the
        // audit log was written to meanwhile.
        let restored = trivsel_store::Store::open(&target)
            .await
            .unwrap()
            .check_backup()
            .await
            .unwrap()
            .tables;
        for (table, n) in &restored {
            if table == "audit_log" || table == "audit_heads" {
                assert!(counts_before[table] <= *n && *n <= counts_after[table], "{table}: {n}");
            } else {
                assert_eq!(counts_before[table], *n, "{table}");
            }
        }
        assert_eq!(restored.len(), counts_before.len());
    } else {
        assert_eq!(table_counts(&backup), after, "the same rows in every table");
    }
    // Restoring over a database with data is refused.
    let out = trivsel(&target, &["restore", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

fn rand_tag() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}
