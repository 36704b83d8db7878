//! Import tests on the backend chosen by `TRIVSEL_TEST_DB`: good files store exactly what they
//! say, bad files are refused whole with file, line and field, and change nothing.

use std::path::PathBuf;

use trivsel_import::{ImportError, import_assignments, import_calendar, import_guardians, import_roster, import_users};
use trivsel_store::testing::TestDb;
use trivsel_store::{RosterSnapshot, Store};

struct Files(PathBuf);

impl Files {
    fn new() -> Files {
        let dir = std::env::temp_dir().join(format!("trivsel-import-{}-{:x}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        Files(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

const HEADER: &str = "school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to";

const ROSTER: &str = "\
school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to
S1,Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,
S1,Nordskolen,5.A,P2,Noah,Jensen,2014-05-20,2024-08-01,2025-01-31
S2,Søndre Skole,5.B,P2,Noah,Jensen,2014-05-20,2025-02-01,
S2,Søndre Skole,6.B,P3,Alma,Møller,2013-01-09,2024-08-01,
";

async fn setup() -> (TestDb, i64) {
    let db = TestDb::new().await;
    let m = db.store.upsert_municipality("147", "Frederiksberg").await.unwrap();
    (db, m.id)
}

/// Everything the roster holds, in a comparable form.
async fn dump(store: &Store, m: i64) -> String {
    let snap: RosterSnapshot = store.roster_snapshot(m).await.unwrap();
    let mut lines: Vec<String> = Vec::new();
    lines.extend(snap.institutions.iter().map(|(k, v)| format!("inst {k} {v:?}")));
    lines.extend(snap.classes.iter().map(|c| format!("class {c:?}")));
    lines.extend(
        snap.children
            .iter()
            .map(|(k, c)| format!("child {k} {} {} {}", c.given_name, c.family_name, c.birth_date)),
    );
    for (k, es) in &snap.enrolments {
        lines.extend(es.iter().map(|e| format!("enr {k} {e:?}")));
    }
    let holidays = store.school_holidays(m).await.unwrap();
    lines.extend(holidays.iter().map(|(k, v)| format!("hol {k} {v:?}")));
    lines.sort();
    lines.join("\n")
}

fn field_error(e: ImportError) -> (String, u64, String, String) {
    match e {
        ImportError::Field {
            file,
            line,
            field,
            message,
        } => (file, line, field, message),
        other => panic!("expected a field error, got {other}"),
    }
}

#[tokio::test]
async fn roster_import_stores_and_reimport_changes_nothing() {
    let (db, m) = setup().await;
    let files = Files::new();
    let path = files.write("roster.csv", ROSTER);
    let s = import_roster(&db.store, m, &path, &()).await.unwrap();
    assert_eq!(
        (
            s.rows,
            s.schools_created,
            s.classes_created,
            s.pupils_created,
            s.enrolments_created
        ),
        (4, 2, 3, 3, 4)
    );
    let snap = db.store.roster_snapshot(m).await.unwrap();
    assert_eq!(snap.children["P2"].family_name, "Jensen");
    assert_eq!(snap.enrolments["P2"].len(), 2);
    assert_eq!(snap.institutions["S2"].0, "Søndre Skole");

    let before = dump(&db.store, m).await;
    let again = import_roster(&db.store, m, &path, &()).await.unwrap();
    assert_eq!(
        again.to_string(),
        "4 rækker læst; oprettet: 0 skoler, 0 klasser, 0 elever, 0 indskrivninger; opdateret: 0 skoler, 0 elever, 0 indskrivninger"
    );
    assert_eq!(dump(&db.store, m).await, before);
}

#[tokio::test]
async fn semicolons_any_column_order_extra_columns_and_bom() {
    let (db, m) = setup().await;
    let files = Files::new();
    let text = "\u{feff}pupil_id;Note;family_name;given_name;birth_date;class;school;school_name;enrolled_to;enrolled_from\n\
                P1;x;Hansen;Ida;2014-03-02;5.A;S1;Nordskolen;;2024-08-01\n\n";
    let s = import_roster(&db.store, m, &files.write("elever.csv", text), &())
        .await
        .unwrap();
    assert_eq!((s.rows, s.pupils_created), (1, 1));
    let snap = db.store.roster_snapshot(m).await.unwrap();
    assert_eq!(snap.enrolments["P1"][0].to, None);
    assert_eq!(snap.enrolments["P1"][0].class_name, "5.A");
}

#[tokio::test]
async fn changes_are_counted_as_updates() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("a.csv", ROSTER), &())
        .await
        .unwrap();
    let changed = ROSTER
        .replace("P1,Ida,Hansen", "P1,Ida,Hansen-Berg")
        .replace("Søndre Skole", "Søndre Skole og SFO")
        .replace(
            "P3,Alma,Møller,2013-01-09,2024-08-01,",
            "P3,Alma,Møller,2013-01-09,2024-08-01,2025-06-30",
        );
    let s = import_roster(&db.store, m, &files.write("b.csv", &changed), &())
        .await
        .unwrap();
    assert_eq!(
        (
            s.pupils_updated,
            s.schools_updated,
            s.enrolments_updated,
            s.pupils_created
        ),
        (1, 1, 1, 0)
    );
    let snap = db.store.roster_snapshot(m).await.unwrap();
    assert_eq!(snap.children["P1"].family_name, "Hansen-Berg");
    assert_eq!(snap.enrolments["P3"][0].to, Some("2025-06-30".parse().unwrap()));
}

/// Each bad file is refused with the right line and field, and the database (already holding
/// a good roster and holidays) is unchanged afterwards.
#[tokio::test]
async fn bad_rosters_change_nothing_and_name_line_and_field() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("good.csv", ROSTER), &())
        .await
        .unwrap();
    import_calendar(
        &db.store,
        m,
        &files.write("cal.csv", "school,date,kind\nS1,2024-10-14,holiday\n"),
        &(),
    )
    .await
    .unwrap();
    let before = dump(&db.store, m).await;

    // A valid new pupil first, so that a partial write would show.
    let new_pupil = "S1,Nordskolen,0.A,N1,Ny,Elev,2019-01-01,2025-08-01,";
    let cases: Vec<(&str, String, u64, &str, &str)> = vec![
        (
            "bad date",
            format!("{HEADER}\n{new_pupil}\nS1,Nordskolen,5.A,P9,Bo,Ek,2014-13-01,2024-08-01,\n"),
            3,
            "birth_date",
            "ugyldig dato «2014-13-01»",
        ),
        (
            "end before start",
            format!("{HEADER}\n{new_pupil}\nS1,Nordskolen,5.A,P9,Bo,Ek,2014-01-01,2024-08-01,2024-07-01\n"),
            3,
            "enrolled_to",
            "ligger før",
        ),
        (
            "missing name",
            format!("{HEADER}\n{new_pupil}\nS1,Nordskolen,5.A,P9,,Ek,2014-01-01,2024-08-01,\n"),
            3,
            "given_name",
            "mangler",
        ),
        (
            "markup in a name",
            format!(
                "{HEADER}\n{new_pupil}\nS1,Nordskolen,5.A,P9,Bo,\"\"\"><img src=x onerror=alert(1)>\",2014-01-01,2024-08-01,\n"
            ),
            3,
            "family_name",
            "indeholder < eller >",
        ),
        (
            "CPR as id",
            format!("{HEADER}\n{new_pupil}\nS1,Nordskolen,5.A,020314-1234,Bo,Ek,2014-03-02,2024-08-01,\n"),
            3,
            "pupil_id",
            "CPR",
        ),
        (
            "overlap in file",
            format!(
                "{HEADER}\n{new_pupil}\nS1,Nordskolen,5.A,P9,Bo,Ek,2014-01-01,2024-08-01,2025-01-31\nS2,Søndre Skole,5.B,P9,Bo,Ek,2014-01-01,2025-01-31,\n"
            ),
            4,
            "enrolled_from",
            "overlapper linje 3",
        ),
        (
            "overlap with stored",
            format!("{HEADER}\n{new_pupil}\nS2,Søndre Skole,6.B,P3,Alma,Møller,2013-01-09,2025-01-06,\n"),
            3,
            "enrolled_from",
            "overlapper en gemt indskrivning",
        ),
        (
            "school renamed within file",
            format!("{HEADER}\n{new_pupil}\nS1,Nordskolen 2,5.A,P9,Bo,Ek,2014-01-01,2024-08-01,\n"),
            3,
            "school_name",
            "hedder «Nordskolen» i linje 2",
        ),
        (
            "pupil with two birth dates",
            format!("{HEADER}\n{new_pupil}\nS1,Nordskolen,5.A,N1,Ny,Elev,2019-01-02,2024-08-01,2025-07-31\n"),
            3,
            "birth_date",
            "anden fødselsdato end i linje 2",
        ),
        (
            "missing column",
            "school,class,pupil_id\nS1,5.A,P1\n".to_string(),
            1,
            "school_name",
            "kolonnen mangler",
        ),
    ];
    for (what, text, line, field, message) in cases {
        let path = files.write("bad.csv", &text);
        let err = import_roster(&db.store, m, &path, &()).await.expect_err(what);
        let shown = err.to_string();
        let (file, got_line, got_field, got_message) = field_error(err);
        assert!(file.ends_with("bad.csv"), "{what}: {shown}");
        assert_eq!((got_line, got_field.as_str()), (line, field), "{what}: {shown}");
        assert!(got_message.contains(message), "{what}: {shown}");
        assert!(
            shown.contains(&format!("linje {line}, felt «{field}»")),
            "{what}: {shown}"
        );
        assert_eq!(dump(&db.store, m).await, before, "{what} changed the database");
    }
}

#[tokio::test]
async fn a_stored_enrolment_can_be_closed_and_a_move_added() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("a.csv", ROSTER), &())
        .await
        .unwrap();
    let moved = format!(
        "{HEADER}\nS2,Søndre Skole,6.B,P3,Alma,Møller,2013-01-09,2024-08-01,2025-01-05\nS1,Nordskolen,6.A,P3,Alma,Møller,2013-01-09,2025-01-06,\n"
    );
    let s = import_roster(&db.store, m, &files.write("b.csv", &moved), &())
        .await
        .unwrap();
    assert_eq!(
        (s.enrolments_updated, s.enrolments_created, s.classes_created),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn not_utf8_and_empty_files_are_refused() {
    let (db, m) = setup().await;
    let files = Files::new();
    // (A file that is not UTF-8 is read as Windows-1252: `windows_1252_files_from_excel_are_read`.)

    let err = import_roster(&db.store, m, &files.write("empty.csv", &format!("{HEADER}\n")), &())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ingen rækker"), "{err}");
    let err = import_roster(&db.store, m, &files.0.join("findes-ikke.csv"), &())
        .await
        .unwrap_err();
    assert!(err.to_string().ends_with("findes-ikke.csv: filen findes ikke"), "{err}");
}

#[tokio::test]
async fn calendar_import_replaces_a_school_years_holidays() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("r.csv", ROSTER), &())
        .await
        .unwrap();
    let first = "school;date;kind\nS1;2024-10-14;holiday\nS1;2024-10-15;holiday\nS2;2025-02-10;holiday\nS1;2025-10-13;holiday\n";
    let s = import_calendar(&db.store, m, &files.write("c1.csv", first), &())
        .await
        .unwrap();
    assert_eq!((s.rows, s.holidays_created, s.holidays_removed), (4, 4, 0));
    let again = import_calendar(&db.store, m, &files.write("c1.csv", first), &())
        .await
        .unwrap();
    assert_eq!((again.holidays_created, again.holidays_removed), (0, 0));
    // A corrected list for S1 in 2024/25 replaces that year only.
    let fix = "school,date,kind\nS1,2024-10-16,holiday\n";
    let s = import_calendar(&db.store, m, &files.write("c2.csv", fix), &())
        .await
        .unwrap();
    assert_eq!((s.holidays_created, s.holidays_removed), (1, 2));
    let h = db.store.school_holidays(m).await.unwrap();
    let s1: Vec<String> = h["S1"].iter().map(|d| d.to_string()).collect();
    assert_eq!(s1, ["2024-10-16", "2025-10-13"]);
    assert_eq!(h["S2"].len(), 1);
}

#[tokio::test]
async fn bad_calendars_change_nothing() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("r.csv", ROSTER), &())
        .await
        .unwrap();
    let before = dump(&db.store, m).await;
    let cases = [
        (
            "school,date,kind\nS1,2024-10-14,holiday\nS9,2024-10-14,holiday\n",
            3,
            "school",
            "skolen «S9» findes ikke",
        ),
        (
            "school,date,kind\nS1,2024-10-14,holiday\nS1,14-10-2024,holiday\n",
            3,
            "date",
            "ugyldig dato",
        ),
        (
            "school,date,kind\nS1,2024-10-14,holiday\nS1,2024-10-15,ferie\n",
            3,
            "kind",
            "ukendt type «ferie»",
        ),
    ];
    for (text, line, field, message) in cases {
        let err = import_calendar(&db.store, m, &files.write("cal.csv", text), &())
            .await
            .unwrap_err();
        let (_, got_line, got_field, got_message) = field_error(err);
        assert_eq!((got_line, got_field.as_str()), (line, field));
        assert!(got_message.contains(message), "{got_message}");
        assert_eq!(dump(&db.store, m).await, before);
    }
}

const GUARDIANS: &str = "\
pupil_id,name,email,phone,custody,login
P1,Mette Hansen,mette@example.dk,12 34 56 78,ja,mitid-mette
P1,Lars Hansen,lars@example.dk,,ja,
P2,Mette Hansen,mette@example.dk,12 34 56 78,ja,mitid-mette
P3,Søren Møller,,+45 8765 4321,nej,
";

fn import_audit(m: i64) -> trivsel_store::AuditEntry {
    trivsel_store::AuditEntry {
        municipality_id: m,
        user_id: None,
        username: "import".into(),
        role: "system".into(),
        action: "guardian.import".into(),
        child_id: None,
        criterion: None,
        allowed: true,
        address: None,
    }
}

async fn guardians_dump(store: &Store, m: i64) -> Vec<String> {
    store
        .guardian_links(m)
        .await
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{} {} {:?} {:?} {} {:?}",
                g.pupil_id, g.name, g.email, g.phone, g.custody, g.login
            )
        })
        .collect()
}

/// The children a user's relationships give access to, as on the next request.
async fn own_children(store: &Store, username: &str) -> Vec<i64> {
    let user = store.user_by_username(username).await.unwrap().unwrap();
    let today = chrono::Utc::now().date_naive();
    store.actor(&user, today).await.unwrap().own_children
}

#[tokio::test]
async fn guardians_import_stores_custody_and_logins_and_reimport_changes_nothing() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("roster.csv", ROSTER), &())
        .await
        .unwrap();
    let path = files.write("foraeldre.csv", GUARDIANS);
    let s = import_guardians(&db.store, m, &path, &import_audit(m), &())
        .await
        .unwrap();
    assert_eq!(
        s.to_string(),
        "4 rækker læst for 3 elever; oprettet: 3 forældre, 1 logins, 4 tilknytninger; \
         opdateret: 0 forældre, 0 ændringer af forældremyndighed; fjernet: 0 tilknytninger"
    );
    assert_eq!(
        guardians_dump(&db.store, m).await,
        [
            "P1 Lars Hansen Some(\"lars@example.dk\") None true None",
            "P1 Mette Hansen Some(\"mette@example.dk\") Some(\"12345678\") true Some(\"mitid-mette\")",
            "P2 Mette Hansen Some(\"mette@example.dk\") Some(\"12345678\") true Some(\"mitid-mette\")",
            "P3 Søren Møller None Some(\"+4587654321\") false None",
        ]
    );
    let mette = db.store.user_by_username("mitid-mette").await.unwrap().unwrap();
    assert_eq!(mette.role, trivsel_domain::model::Role::Guardian);
    assert!(
        mette.password_hash.is_none(),
        "citizens log in through the municipality's provider"
    );
    let ids = db.store.child_ids(m).await.unwrap();
    let mut both = vec![ids["P1"], ids["P2"]];
    both.sort();
    let mut own = own_children(&db.store, "mitid-mette").await;
    own.sort();
    assert_eq!(own, both, "one guardian, two children");

    let before = guardians_dump(&db.store, m).await;
    let again = import_guardians(&db.store, m, &path, &import_audit(m), &())
        .await
        .unwrap();
    assert_eq!(
        again.changes,
        trivsel_store::GuardianChanges::default(),
        "re-import changes nothing"
    );
    assert_eq!(guardians_dump(&db.store, m).await, before);

    // Custody lost for P2 and Lars left out of P1: gone on the next request, audited on the child.
    let later = "\u{feff}login;custody;pupil_id;name;phone;email\n\
                 mitid-mette;ja;P1;Mette Hansen;12 34 56 78;mette@example.dk\n\
                 mitid-mette;nej;P2;Mette Hansen;12 34 56 78;mette@example.dk\n";
    let s = import_guardians(&db.store, m, &files.write("senere.csv", later), &import_audit(m), &())
        .await
        .unwrap();
    assert_eq!((s.changes.custody_changed, s.changes.links_removed), (1, 1));
    assert_eq!(own_children(&db.store, "mitid-mette").await, vec![ids["P1"]]);
    let rows = db.store.child_audit(ids["P2"], 10).await.unwrap();
    assert!(
        rows.iter().any(|r| r.action == "guardian.import"
            && r.criterion
                .as_deref()
                .is_some_and(|c| c.contains("forældremyndighed nej"))),
        "{rows:?}"
    );
    let p3 = guardians_dump(&db.store, m).await;
    assert!(
        p3.iter().any(|l| l.starts_with("P3 Søren")),
        "a pupil the file does not name keeps his guardians"
    );
}

#[tokio::test]
async fn bad_guardian_files_change_nothing_and_name_line_and_field() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("roster.csv", ROSTER), &())
        .await
        .unwrap();
    import_guardians(&db.store, m, &files.write("good.csv", GUARDIANS), &import_audit(m), &())
        .await
        .unwrap();
    adviser(&db.store, m, "laerer1", trivsel_domain::model::Role::Teacher).await;
    let before = guardians_dump(&db.store, m).await;
    let header = "pupil_id,name,email,phone,custody,login";
    // A valid change first, so that a partial write would show.
    let first = "P1,Lars Hansen,lars@example.dk,,nej,";
    let cases = [
        ("P9,Ny Forælder,ny@example.dk,,ja,", "pupil_id", "findes ikke"),
        ("P2,Ny Forælder,ny@example.dk,,måske,", "custody", "«ja» eller «nej»"),
        ("P2,Ny Forælder,ikke-en-adresse,,ja,", "email", "ikke en e-mailadresse"),
        ("P2,Ny Forælder,,123,ja,", "phone", "ikke et telefonnummer"),
        ("P2,Ny Forælder,,,ja,", "email", "mindst én af"),
        ("P2,Lars Hansen,lars@example.dk,11223344,ja,", "name", "i linje 2"),
        ("P2,<b>Ny</b>,ny@example.dk,,ja,", "name", ""),
        ("P2,Ny Forælder,,,ja,laerer1", "login", "en anden slags bruger"),
        ("P1,Lars Hansen,lars@example.dk,,ja,", "pupil_id", "står allerede"),
    ];
    for (row, field, message) in cases {
        let path = files.write("bad.csv", &format!("{header}\n{first}\n{row}\n"));
        let e = import_guardians(&db.store, m, &path, &import_audit(m), &())
            .await
            .unwrap_err();
        let (file, line, f, msg) = field_error(e);
        assert!(file.ends_with("bad.csv"), "{file}");
        assert_eq!((line, f.as_str()), (3, field), "{row}: {msg}");
        assert!(msg.contains(message), "{row}: {msg}");
        assert_eq!(guardians_dump(&db.store, m).await, before, "{row} changed nothing");
    }
    let path = files.write("missing.csv", "pupil_id,name,email,custody,login\nP1,A B,a@b.dk,ja,\n");
    assert!(
        import_guardians(&db.store, m, &path, &import_audit(m), &())
            .await
            .is_err()
    );
    assert_eq!(guardians_dump(&db.store, m).await, before);
}

/// An account of `role` (an adviser, or any other staff role).
async fn adviser(store: &Store, m: i64, username: &str, role: trivsel_domain::model::Role) {
    let user = trivsel_store::NewUser {
        municipality_id: m,
        username: username.into(),
        name: format!("Rådgiver {username}"),
        email: None,
        role,
        institution_id: None,
        child_id: None,
        password_hash: None,
        demo_only: false,
        class_ids: vec![],
    };
    store.import_users(&[(None, user)], &import_audit(m)).await.unwrap();
}

async fn caseload(store: &Store, m: i64) -> Vec<String> {
    let ids = store.child_ids(m).await.unwrap();
    let mut out = Vec::new();
    for (pupil, id) in ids {
        let grant = trivsel_domain::access::ChildGrant::system(id);
        for a in store.child_assignments(grant).await.unwrap() {
            out.push(format!(
                "{pupil} {} {} {:?} {:?}",
                a.adviser_name, a.reason, a.ends_on, a.ended_at
            ));
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn assignments_import_gives_advisers_their_caseloads_all_or_nothing() {
    use trivsel_domain::model::Role;
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("roster.csv", ROSTER), &())
        .await
        .unwrap();
    adviser(&db.store, m, "ppr1", Role::Psychologist).await;
    adviser(&db.store, m, "sp1", Role::HealthVisitor).await;
    adviser(&db.store, m, "leder1", Role::Leader).await;
    let today = chrono::Utc::now().date_naive();
    let text = "pupil_id;username;reason;ends_on\nP1;PPR1;Henvist af skolen;\nP2;sp1;Hjemmebesøg;2099-06-30\n";
    let path = files.write("tilknytning.csv", text);
    let s = import_assignments(&db.store, m, &path, &import_audit(m), today, &())
        .await
        .unwrap();
    assert_eq!(s.to_string(), "2 rækker læst; gemt: 2 tilknytninger af rådgivere");
    let ids = db.store.child_ids(m).await.unwrap();
    let ppr = db.store.user_by_username("ppr1").await.unwrap().unwrap();
    assert_eq!(
        db.store.actor(&ppr, today).await.unwrap().assigned_children,
        vec![ids["P1"]]
    );
    let before = caseload(&db.store, m).await;
    assert_eq!(before.len(), 2);
    import_assignments(&db.store, m, &path, &import_audit(m), today, &())
        .await
        .unwrap();
    assert_eq!(caseload(&db.store, m).await, before, "re-import changes nothing");

    let header = "pupil_id,username,reason,ends_on";
    let first = "P3,ppr1,Nyt forløb,";
    let cases = [
        ("P9,ppr1,Forløb,", "pupil_id", "findes ikke"),
        ("P3,leder1,Forløb,", "username", "ikke en rådgiver"),
        ("P3,sp1,,", "reason", "skal udfyldes"),
        ("P3,sp1,Forløb,30-06-2099", "ends_on", "ugyldig dato"),
        ("P3,sp1,Forløb,2001-01-01", "ends_on", "passeret"),
        ("P3,ppr1,Igen,", "username", "i linje 2"),
    ];
    for (row, field, message) in cases {
        let path = files.write("bad.csv", &format!("{header}\n{first}\n{row}\n"));
        let e = import_assignments(&db.store, m, &path, &import_audit(m), today, &())
            .await
            .unwrap_err();
        let (_, line, f, msg) = field_error(e);
        assert_eq!((line, f.as_str()), (3, field), "{row}: {msg}");
        assert!(msg.contains(message), "{row}: {msg}");
        assert_eq!(caseload(&db.store, m).await, before, "{row} changed nothing");
    }
}

/// Daycares and pupil logins from the roster: `kind` makes a daycare, `login` a pupil account
/// without a password; re-importing changes nothing; a login taken by someone else is refused.
#[tokio::test]
async fn roster_creates_daycares_and_pupil_logins() {
    use trivsel_domain::model::{InstitutionKind, Role};
    let (db, m) = setup().await;
    let files = Files::new();
    let text = format!(
        "{HEADER},kind,login\n\
         S1,Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,,skole,ida.uni\n\
         D1,Solsikken,Stue 1,B1,Ole,Berg,2021-02-02,2024-08-01,,dagtilbud,\n"
    );
    let path = files.write("roster.csv", &text);
    let s = import_roster(&db.store, m, &path, &()).await.unwrap();
    assert!(s.to_string().ends_with("; elevlogins oprettet: 1"), "{s}");
    let snap = db.store.roster_snapshot(m).await.unwrap();
    assert_eq!(snap.institutions["D1"].1, InstitutionKind::Daycare);
    assert_eq!(snap.institutions["S1"].1, InstitutionKind::School);
    let ida = db.store.user_by_username("ida.uni").await.unwrap().unwrap();
    let ids = db.store.child_ids(m).await.unwrap();
    assert_eq!((ida.role, ida.child_id), (Role::Pupil, Some(ids["P1"])));
    assert!(ida.password_hash.is_none());
    let again = import_roster(&db.store, m, &path, &()).await.unwrap();
    assert_eq!((again.logins_created, again.schools_updated), (0, 0));
    // Without the column a daycare stays a daycare.
    let plain = files.write(
        "plain.csv",
        &format!("{HEADER}\nD1,Solsikken,Stue 1,B1,Ole,Berg,2021-02-02,2024-08-01,\n"),
    );
    import_roster(&db.store, m, &plain, &()).await.unwrap();
    assert_eq!(
        db.store.roster_snapshot(m).await.unwrap().institutions["D1"].1,
        InstitutionKind::Daycare
    );

    let before = dump(&db.store, m).await;
    let taken = files.write(
        "taken.csv",
        &format!("{HEADER},login\nS1,Nordskolen,5.A,P2,Noah,Jensen,2014-05-20,2024-08-01,,ida.uni\n"),
    );
    let (_, line, field, _) = field_error(import_roster(&db.store, m, &taken, &()).await.unwrap_err());
    assert_eq!((line, field.as_str()), (2, "login"));
    let bad_kind = files.write(
        "kind.csv",
        &format!("{HEADER},kind\nS1,Nordskolen,5.A,P2,Noah,Jensen,2014-05-20,2024-08-01,,gymnasium\n"),
    );
    let (_, line, field, msg) = field_error(import_roster(&db.store, m, &bad_kind, &()).await.unwrap_err());
    assert_eq!((line, field.as_str()), (2, "kind"), "{msg}");
    assert_eq!(dump(&db.store, m).await, before, "refused files changed nothing");
}

/// `users import` ties a pupil account to its pupil; other roles have none.
#[tokio::test]
async fn users_import_ties_pupil_accounts_to_their_pupil() {
    use trivsel_domain::model::Role;
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("roster.csv", ROSTER), &())
        .await
        .unwrap();
    let header = "username,name,email,role,institution,classes,pupil_id";
    let good = files.write(
        "users.csv",
        &format!("{header}\nalma,Alma Møller,,elev,,,P3\ndorte,Dorte Dal,,dagleder,S2,,\n"),
    );
    import_users(&db.store, m, &good, &import_audit(m), &()).await.unwrap();
    let alma = db.store.user_by_username("alma").await.unwrap().unwrap();
    let ids = db.store.child_ids(m).await.unwrap();
    assert_eq!((alma.role, alma.child_id), (Role::Pupil, Some(ids["P3"])));
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        db.store.actor(&alma, today).await.unwrap().own_children,
        vec![ids["P3"]]
    );
    let dorte = db.store.user_by_username("dorte").await.unwrap().unwrap();
    assert_eq!(dorte.role, Role::Leader, "a daycare leader has the leader's access");
    let again = import_users(&db.store, m, &good, &import_audit(m), &()).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 0));
    for (row, message) in [
        ("bo,Bo Ek,,elev,,,", "skal have elevens pupil_id"),
        ("bo,Bo Ek,,elev,,,P9", "findes ikke"),
        ("bo,Bo Ek,,laerer,,,P1", "kun elevkonti"),
    ] {
        let path = files.write("bad.csv", &format!("{header}\n{row}\n"));
        let (_, line, field, msg) = field_error(
            import_users(&db.store, m, &path, &import_audit(m), &())
                .await
                .unwrap_err(),
        );
        assert_eq!((line, field.as_str()), (2, "pupil_id"), "{row}");
        assert!(msg.contains(message), "{row}: {msg}");
        assert!(db.store.user_by_username("bo").await.unwrap().is_none());
    }
}

/// A child before daycare: registered from the roster without school, class or enrolment, and
/// followed by the health visitor through an assignment.
#[tokio::test]
async fn a_child_before_daycare_is_registered_without_enrolment() {
    use trivsel_domain::model::Role;
    let (db, m) = setup().await;
    let files = Files::new();
    let path = files.write("spaed.csv", &format!("{HEADER}\n,,,N1,Baby,Berg,2026-01-05,,\n"));
    let s = import_roster(&db.store, m, &path, &()).await.unwrap();
    assert_eq!((s.pupils_created, s.enrolments_created, s.schools_created), (1, 0, 0));
    let snap = db.store.roster_snapshot(m).await.unwrap();
    assert!(snap.children.contains_key("N1") && !snap.enrolments.contains_key("N1"));
    adviser(&db.store, m, "sp1", Role::HealthVisitor).await;
    let today = chrono::Utc::now().date_naive();
    let assignments = files.write("a.csv", "pupil_id,username,reason,ends_on\nN1,sp1,Barselsbesøg,\n");
    import_assignments(&db.store, m, &assignments, &import_audit(m), today, &())
        .await
        .unwrap();
    let visitor = db.store.user_by_username("sp1").await.unwrap().unwrap();
    let ids = db.store.child_ids(m).await.unwrap();
    assert_eq!(
        db.store.actor(&visitor, today).await.unwrap().assigned_children,
        vec![ids["N1"]]
    );
    // A child not at school has no absence to import.
    let absence = files.write("fravaer.csv", "pupil_id,date,slot,code\nN1,2026-03-02,1,S\n");
    let e = trivsel_import::import_absence(&db.store, m, &absence, &import_audit(m), today, &())
        .await
        .unwrap_err();
    let (_, line, field, msg) = field_error(e);
    assert_eq!((line, field.as_str()), (2, "pupil_id"), "{msg}");
    assert!(msg.contains("går ikke i skole"), "{msg}");
    // Half a placement is an error, not a child without one.
    let half = files.write("half.csv", &format!("{HEADER}\nS1,,,N2,Bo,Berg,2026-01-05,,\n"));
    let (_, line, field, _) = field_error(import_roster(&db.store, m, &half, &()).await.unwrap_err());
    assert_eq!((line, field.as_str()), (2, "school_name"));
}

/// Hostile and awkward files: each refused in Danish with the right line, nothing stored.
#[tokio::test]
async fn hostile_files_are_refused_with_the_right_line() {
    let (db, m) = setup().await;
    let files = Files::new();
    let before = dump(&db.store, m).await;
    let roster_error = |path: PathBuf| {
        let store = db.store.clone();
        async move { field_error(import_roster(&store, m, &path, &()).await.unwrap_err()) }
    };
    // CRLF, as Excel writes: the bad date is on line 3.
    let crlf = ROSTER
        .replace('\n', "\r\n")
        .replace("2014-05-20,2024-08-01", "2014-05-20,2024-13-01");
    let (_, line, field, _) = roster_error(files.write("crlf.csv", &crlf)).await;
    assert_eq!((line, field.as_str()), (3, "enrolled_from"));
    // A quoted line break (refused in a name) is reported at the line its row starts on.
    let quoted = format!(
        "{HEADER}\r\nS1,\"Nord\r\nskolen\",5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,\r\nS1,Nordskolen,5.A,P2,Noah,Jensen,2014-02-30,2024-08-01,\r\n"
    );
    let (_, line, field, _) = roster_error(files.write("quoted.csv", &quoted)).await;
    assert_eq!((line, field.as_str()), (2, "school_name"));
    // A duplicated header column.
    let dup = format!("{HEADER},class\nS1,Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,,5.B\n");
    let (_, line, field, msg) = roster_error(files.write("dup.csv", &dup)).await;
    assert_eq!((line, field.as_str()), (1, "class"));
    assert!(msg.contains("mere end én gang"), "{msg}");
    // A row with more fields than the header.
    let extra = format!("{HEADER}\nS1,Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,,ekstra\n");
    let (_, line, _, msg) = roster_error(files.write("extra.csv", &extra)).await;
    assert_eq!(line, 2);
    assert!(msg.contains("10 felter, men overskriften har 9 kolonner"), "{msg}");
    // A line of 2 MiB without a line break: stopped at the cap, a short message.
    let mut long = format!("{HEADER}\n").into_bytes();
    long.extend(std::iter::repeat_n(0u8, 2 << 20));
    let path = files.0.join("nul.csv");
    std::fs::write(&path, &long).unwrap();
    let err = import_roster(&db.store, m, &path, &()).await.unwrap_err().to_string();
    assert!(err.contains("linje 2") && err.contains("længere end 1 MiB"), "{err}");
    assert!(err.len() < 400, "{} bytes of message", err.len());
    // An unclosed quote on line 2 of a long file: a short message naming line 2.
    let mut open = format!("{HEADER}\nS1,\"Nordskolen,5.A,P1,Ida,Hansen,2014-03-02,2024-08-01,\n");
    for k in 0..5_000 {
        open.push_str(&format!("S1,Nordskolen,5.A,Q{k},Ida,Hansen,2014-03-02,2024-08-01,\n"));
    }
    let err = import_roster(&db.store, m, &files.write("open.csv", &open), &())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("linje 2") && err.contains("citationstegn"), "{err}");
    assert!(err.len() < 400, "{} bytes of message", err.len());
    // A directory, and a named pipe without a writer (read, it would block forever).
    let err = import_roster(&db.store, m, &files.0, &())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("det er en mappe, ikke en fil"), "{err}");
    let fifo = files.0.join("kanal.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let err = import_roster(&db.store, m, &fifo, &()).await.unwrap_err().to_string();
    assert!(err.contains("ikke en almindelig fil"), "{err}");
    // A header that is not UTF-8 names line 1, in Danish.
    let path = files.0.join("latin1-header.csv");
    std::fs::write(&path, b"skole\xf8,school_name\nS1,x\n").unwrap();
    let err = import_roster(&db.store, m, &path, &()).await.unwrap_err().to_string();
    assert!(
        err.contains("linje 1") && err.contains("skoleø") && !err.contains("stream did not"),
        "{err}"
    );
    assert_eq!(dump(&db.store, m).await, before, "nothing was stored");
}

#[tokio::test]
async fn absence_dates_ahead_or_before_2000_are_refused() {
    let (db, m) = setup().await;
    let files = Files::new();
    import_roster(&db.store, m, &files.write("r.csv", ROSTER), &())
        .await
        .unwrap();
    let today: chrono::NaiveDate = "2026-12-04".parse().unwrap();
    for (date, message) in [("2099-01-02", "efter i dag"), ("0001-01-01", "før 01.01.2000")] {
        let file = files.write(
            "f.csv",
            &format!("pupil_id,date,slot,code\nP1,2026-11-02,1,S\nP1,{date},1,S\n"),
        );
        let e = trivsel_import::import_absence(&db.store, m, &file, &import_audit(m), today, &())
            .await
            .unwrap_err();
        let (_, line, field, msg) = field_error(e);
        assert_eq!((line, field.as_str()), (3, "date"), "{msg}");
        assert!(msg.contains(message), "{msg}");
    }
    let ids = db.store.child_ids(m).await.unwrap();
    let data = db
        .store
        .absence_data(m, Some(&[ids["P1"]]), "2026-08-01".parse().unwrap(), today)
        .await
        .unwrap();
    assert!(
        data.pupils.values().all(|p| p.registrations.is_empty()),
        "nothing stored"
    );
}

/// Collects what an import tells the user.
#[derive(Default)]
struct Notes(std::sync::Mutex<Vec<String>>);

impl trivsel_import::Progress for Notes {
    fn bytes_read(&self, _: u64) {}
    fn note(&self, text: &str) {
        self.0.lock().unwrap().push(text.to_string());
    }
}

/// Danish Excel's «CSV (semikolonsepareret)»: Windows-1252, semicolons, CRLF. Read as such, said
/// so, æ, ø and å stored right, and errors still name the line.
#[tokio::test]
async fn windows_1252_files_from_excel_are_read() {
    let (db, m) = setup().await;
    let files = Files::new();
    let to_1252 = |text: &str| -> Vec<u8> {
        text.chars()
            .map(|c| match c {
                'æ' => 0xe6,
                'ø' => 0xf8,
                'å' => 0xe5,
                'Ø' => 0xd8,
                '–' => 0x96,
                c => c as u8,
            })
            .collect()
    };
    let text = ROSTER.replace(',', ";").replace('\n', "\r\n").replace("Ida", "Åse–Ærø");
    let path = files.0.join("excel.csv");
    std::fs::write(&path, to_1252(&text.replace('Å', "Ø"))).unwrap();
    let notes = Notes::default();
    import_roster(&db.store, m, &path, &notes).await.unwrap();
    assert!(notes.0.lock().unwrap()[0].ends_with("læses som Windows-1252 (Excels «CSV (semikolonsepareret)»)"));
    let snap = db.store.roster_snapshot(m).await.unwrap();
    assert_eq!(snap.children["P1"].given_name, "Øse–Ærø");
    assert!(
        snap.institutions.values().any(|i| i.0 == "Søndre Skole"),
        "{:?}",
        snap.institutions
    );
    // An error in such a file names its line and field.
    let bad = text.replace("2014-05-20;2024-08-01", "2014-05-20;2024-13-01");
    let path = files.0.join("excel-fejl.csv");
    std::fs::write(&path, to_1252(&bad)).unwrap();
    let (_, line, field, _) = field_error(import_roster(&db.store, m, &path, &()).await.unwrap_err());
    assert_eq!((line, field.as_str()), (3, "enrolled_from"));
}
