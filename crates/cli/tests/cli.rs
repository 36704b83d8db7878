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
        &["municipality"],
        &["municipality", "add"],
        &["municipality", "list"],
        &["import"],
        &["import", "roster"],
        &["import", "calendar"],
        &["bench"],
        &["bench", "roster"],
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
