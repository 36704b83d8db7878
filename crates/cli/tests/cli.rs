//! Runs the `trivsel` binary as a user would, against the test backend (`TRIVSEL_TEST_DB`).

use std::process::{Command, Output};

use trivsel_store::testing::TestDb;

fn trivsel(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trivsel"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("TRIVSEL_DATABASE_URL")
        .output()
        .expect("run trivsel")
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
    assert!(
        text(&out.stderr).contains("ingen kommune"),
        "{}",
        text(&out.stderr)
    );

    let out = trivsel(
        &db.url,
        &["municipality", "add", "147", "Frederiksberg Kommune"],
    );
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
    assert_eq!(
        text(&out.stdout),
        "1 migreringer kørt; databasen er opdateret.\n"
    );
    let out = trivsel(&db.url, &["migrate"]);
    assert_eq!(
        text(&out.stdout),
        "0 migreringer kørt; databasen er opdateret.\n"
    );
}

#[test]
fn demo_refuses_a_public_address() {
    let out = trivsel(
        "sqlite:///findes/ikke/x.db",
        &["demo", "--addr", "0.0.0.0:8080"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("kun på loopback"),
        "{}",
        text(&out.stderr)
    );
}
