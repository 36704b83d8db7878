//! Storage tests. They run on the backend chosen by `TRIVSEL_TEST_DB` (see `testing`).

use chrono::{Duration, Utc};
use trivsel_domain::model::Role;
use trivsel_store::testing::TestDb;
use trivsel_store::{Backend, NewUser, Store, StoreError};

/// An account without password, institution or classes.
fn new_user(municipality_id: i64, username: &str, role: Role) -> NewUser {
    NewUser {
        municipality_id,
        username: username.into(),
        name: username.into(),
        email: None,
        role,
        institution_id: None,
        child_id: None,
        password_hash: None,
        demo_only: false,
        class_ids: vec![],
    }
}

#[tokio::test]
async fn migrations_run_once() {
    let db = TestDb::unmigrated().await;
    assert_eq!(db.store.migrate().await.unwrap(), trivsel_store::MIGRATION_COUNT);
    assert_eq!(db.store.migrate().await.unwrap(), 0, "a second run finds nothing to do");
}

/// Both backends' migrations must give the same tables and columns.
#[tokio::test]
async fn backends_have_the_same_schema() {
    let db = TestDb::new().await;
    if db.store.backend() != Backend::Postgres {
        eprintln!("schema comparison runs in the PostgreSQL half of the test suite");
        return;
    }
    let dir = std::env::temp_dir().join(format!("trivsel-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Store::connect(&format!("sqlite://{}/s.db", dir.display()))
        .await
        .unwrap();
    let want = sqlite.schema_columns().await.unwrap();
    sqlite.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
    let got = db.store.schema_columns().await.unwrap();
    assert!(want.len() > 40, "the SQLite schema has its columns: {want:?}");
    assert_eq!(got, want);
}

#[tokio::test]
async fn sqlite_refuses_a_missing_folder() {
    let err = Store::open("sqlite:///findes/ikke/trivsel.db").await.unwrap_err();
    assert!(matches!(err, StoreError::Config(_)));
    assert!(err.to_string().contains("mappen «/findes/ikke» findes ikke"), "{err}");
    let err = Store::open("mysql://x").await.unwrap_err();
    assert!(err.to_string().contains("ukendt databaseadresse"), "{err}");
}

#[tokio::test]
async fn municipality_lookup() {
    let db = TestDb::new().await;
    let s = &db.store;
    assert!(
        s.find_municipality(None)
            .await
            .unwrap_err()
            .to_string()
            .contains("ingen kommune")
    );
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap();
    assert_eq!(s.find_municipality(None).await.unwrap(), m);
    let renamed = s.upsert_municipality("147", "Frederiksberg Kommune").await.unwrap();
    assert_eq!(renamed.id, m.id);
    s.upsert_municipality("101", "København").await.unwrap();
    assert!(
        s.find_municipality(None)
            .await
            .unwrap_err()
            .to_string()
            .contains("flere kommuner")
    );
    assert_eq!(
        s.find_municipality(Some("147")).await.unwrap().name,
        "Frederiksberg Kommune"
    );
    assert!(s.find_municipality(Some("999")).await.is_err());
}

#[tokio::test]
async fn sessions_expire_and_end_at_logout() {
    let db = TestDb::new().await;
    let s = &db.store;
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap();
    let new = NewUser {
        password_hash: Some("x".into()),
        ..new_user(m.id, "lis", Role::Leader)
    };
    s.create_user(&new, None).await.unwrap();
    let user = s.user_by_username("lis").await.unwrap().unwrap();
    assert_eq!(user.role, Role::Leader);
    let t0 = Utc::now();
    s.create_session("h1", &user, t0, false).await.unwrap();
    let live =
        |now: chrono::DateTime<Utc>| s.session_user("h1", now, now - Duration::minutes(30), now - Duration::hours(8));
    assert_eq!(
        live(t0 + Duration::minutes(29)).await.unwrap().unwrap().user.id,
        user.id
    );
    // Seen at +29 minutes, so +58 is still within the idle timeout.
    assert!(live(t0 + Duration::minutes(58)).await.unwrap().is_some());
    // More than 30 minutes idle: gone, and gone for good.
    assert!(live(t0 + Duration::minutes(89)).await.unwrap().is_none());
    assert!(live(t0 + Duration::minutes(58)).await.unwrap().is_none());

    s.create_session("h2", &user, t0, false).await.unwrap();
    s.delete_session("h2").await.unwrap();
    assert!(s.session_user("h2", t0, t0, t0).await.unwrap().is_none());
}

fn entry(m: i64, child: i64, allowed: bool) -> trivsel_store::AuditEntry {
    trivsel_store::AuditEntry {
        municipality_id: m,
        user_id: Some(1),
        username: "lis".into(),
        role: "skoleleder".into(),
        action: "child.read".into(),
        child_id: Some(child),
        criterion: None,
        allowed,
        address: Some("10.0.0.1".into()),
    }
}

async fn chain_of_five() -> (TestDb, i64) {
    let db = TestDb::new().await;
    let m = db.store.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    for i in 1..=5 {
        db.store.audit(&entry(m, i, i % 2 == 0)).await.unwrap();
    }
    (db, m)
}

#[tokio::test]
async fn audit_chain_verifies_untouched() {
    let (db, m) = chain_of_five().await;
    let report = db.store.audit_verify(m).await.unwrap();
    assert_eq!((report.rows, report.broken), (5, None));
    let head = report.head.unwrap();
    assert_eq!(head.seq, 5);
    assert_eq!(db.store.child_audit(3, 10).await.unwrap()[0].seq, 3);
}

#[tokio::test]
async fn audit_chain_names_the_edited_row() {
    let (db, m) = chain_of_five().await;
    assert_eq!(
        db.execute("UPDATE audit_log SET username = 'eve' WHERE seq = 3").await,
        1
    );
    let broken = db.store.audit_verify(m).await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("ændret"), "{}", broken.reason);
}

#[tokio::test]
async fn audit_chain_names_a_deleted_row() {
    let (db, m) = chain_of_five().await;
    db.execute("DELETE FROM audit_log WHERE seq = 2").await;
    let broken = db.store.audit_verify(m).await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 3, "row 3 follows row 1");
}

#[tokio::test]
async fn audit_chain_names_reordered_rows() {
    let (db, m) = chain_of_five().await;
    // Swap rows 2 and 4 by renumbering them.
    db.execute("UPDATE audit_log SET seq = 100 WHERE seq = 2").await;
    db.execute("UPDATE audit_log SET seq = 2 WHERE seq = 4").await;
    db.execute("UPDATE audit_log SET seq = 4 WHERE seq = 100").await;
    let broken = db.store.audit_verify(m).await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 2);
}

#[tokio::test]
async fn audit_chain_catches_a_truncated_tail() {
    let (db, m) = chain_of_five().await;
    db.execute("DELETE FROM audit_log WHERE seq = 5").await;
    let broken = db.store.audit_verify(m).await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, 5, "the head still says 5");
}

#[tokio::test]
async fn audit_retention_keeps_the_chain_verifiable() {
    let (db, m) = chain_of_five().await;
    let deleted = db
        .store
        .audit_prune(m, Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(deleted, 5);
    db.store.audit(&entry(m, 9, true)).await.unwrap();
    let report = db.store.audit_verify(m).await.unwrap();
    assert_eq!((report.rows, report.broken), (1, None));
    assert_eq!(report.head.unwrap().anchor_seq, 5);
    assert_eq!(
        db.store.audit_prune(m, Utc::now() - Duration::days(1)).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn single_sign_on_links_a_subject_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    let other = s.upsert_municipality("101", "København").await.unwrap().id;
    let new = |municipality_id, username: &str| new_user(municipality_id, username, Role::Teacher);
    s.create_user(&new(m, "lis"), None).await.unwrap();
    s.create_user(&new(other, "bo"), None).await.unwrap();
    assert!(
        s.oidc_user(m, "sub-1", None).await.unwrap().is_none(),
        "no name, no link"
    );
    assert_eq!(
        s.oidc_user(m, "sub-1", Some("LIS")).await.unwrap().unwrap().username,
        "lis"
    );
    // Linked: the subject finds the account whatever the name claim says now.
    assert_eq!(
        s.oidc_user(m, "sub-1", Some("andet")).await.unwrap().unwrap().username,
        "lis"
    );
    // Another subject cannot take over a linked account by its name.
    assert!(s.oidc_user(m, "sub-2", Some("lis")).await.unwrap().is_none());
    // Nor an account of another municipality.
    assert!(s.oidc_user(m, "sub-3", Some("bo")).await.unwrap().is_none());

    let login = trivsel_store::OidcLogin {
        municipality_id: m,
        pkce_verifier: "v".into(),
        nonce: "n".into(),
        // PostgreSQL keeps microseconds.
        created_at: chrono::SubsecRound::trunc_subsecs(Utc::now(), 6),
    };
    s.start_oidc_login("state-1", &login).await.unwrap();
    assert_eq!(s.take_oidc_login("state-1").await.unwrap(), Some(login));
    assert_eq!(s.take_oidc_login("state-1").await.unwrap(), None, "a state works once");
}

#[tokio::test]
async fn registrations_replace_with_history_and_alerts_follow_the_events() {
    use trivsel_domain::absence::{Code, Rule};
    use trivsel_store::{AbsenceEvent, AlertFilter, Registration};
    let db = TestDb::new().await;
    let s = &db.store;
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    let roster = trivsel_store::testing::school_roster(
        &["5.A"],
        &[("P1", "Ida", "Hansen", d("2014-01-01"), "5.A")],
        d("2024-08-01"),
    );
    s.apply_roster(m, &roster).await.unwrap();
    let child = s.child_id(m, "P1").await.unwrap().unwrap();
    let by = s.create_user(&new_user(m, "lis", Role::Teacher), None).await.unwrap();
    let reg = |date: &str, code| Registration {
        child_id: child,
        date: d(date),
        slot: 1,
        code,
    };
    let now = Utc::now();
    let first = [reg("2024-10-07", Code::Sickness), reg("2024-10-08", Code::Present)];
    assert_eq!(s.save_registrations(m, &first, None, now, &[]).await.unwrap(), 2);
    assert_eq!(
        s.save_registrations(m, &first, None, now, &[]).await.unwrap(),
        0,
        "saving twice changes nothing"
    );
    assert!(s.absence_history(child).await.unwrap().is_empty());
    let audit = [entry(m, child, true)];
    assert_eq!(
        s.save_registrations(m, &[reg("2024-10-08", Code::Unlawful)], Some(by), now, &audit)
            .await
            .unwrap(),
        1
    );
    let history = s.absence_history(child).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].2.as_str(), history[0].3.as_str(), history[0].4),
        ("P", "U", Some(by))
    );
    assert_eq!(
        s.child_audit(child, 10).await.unwrap().len(),
        1,
        "the write is audited with it"
    );

    let data = s
        .absence_data(m, Some(&[child]), d("2024-08-01"), d("2024-10-31"))
        .await
        .unwrap();
    assert_eq!(data.pupils[&child].registrations.len(), 2);
    assert_eq!(data.school_days(child, d("2024-10-07"), d("2024-10-08")).len(), 2);

    let event = |date: &str| AbsenceEvent {
        date: d(date),
        child_id: child,
        rule: Rule::Consecutive,
        institution_id: 1,
    };
    let since = d("2024-08-01");
    assert_eq!(
        s.sync_alerts(m, &[child], &[event("2024-10-11")], since, now)
            .await
            .unwrap(),
        (1, 0)
    );
    assert_eq!(
        s.sync_alerts(m, &[child], &[event("2024-10-11")], since, now)
            .await
            .unwrap(),
        (0, 0)
    );
    // A correction removes the trigger: the alert is withdrawn, and comes back with it.
    assert_eq!(s.sync_alerts(m, &[child], &[], since, now).await.unwrap(), (0, 1));
    let alerts = s
        .alerts(&AlertFilter {
            child_id: Some(child),
            ..AlertFilter::default()
        })
        .await
        .unwrap();
    assert_eq!((alerts.len(), alerts[0].status.as_str()), (1, "withdrawn"));
    assert_eq!(
        s.sync_alerts(m, &[child], &[event("2024-10-11")], since, now)
            .await
            .unwrap(),
        (1, 0)
    );
    let alert = &s
        .alerts(&AlertFilter {
            child_id: Some(child),
            ..AlertFilter::default()
        })
        .await
        .unwrap()[0];
    assert_eq!(alert.status, "open");
    s.handle_alert(
        alert.id,
        None,
        Some("Samtale med forældre"),
        Some((by, now)),
        &entry(m, child, true),
    )
    .await
    .unwrap();
    let closed = s.alert(alert.id).await.unwrap().unwrap();
    assert_eq!(
        (closed.status.as_str(), closed.note.as_deref()),
        ("closed", Some("Samtale med forældre"))
    );
    // A closed alert is not withdrawn or reopened by later syncs.
    assert_eq!(s.sync_alerts(m, &[child], &[], since, now).await.unwrap(), (0, 0));
}

/// A roll call stores and evaluates in one transaction; unchanged pupils already evaluated
/// today are skipped, a new day or new thresholds evaluate them again.
#[tokio::test]
async fn register_absence_evaluates_changed_and_stale_pupils() {
    use trivsel_domain::absence::{Code, Thresholds};
    use trivsel_store::{AlertFilter, Registration};
    let db = TestDb::new().await;
    let s = &db.store;
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    let roster = trivsel_store::testing::school_roster(
        &["5.A"],
        &[("P1", "Ida", "Hansen", d("2014-01-01"), "5.A")],
        d("2024-08-01"),
    );
    s.apply_roster(m, &roster).await.unwrap();
    let child = s.child_id(m, "P1").await.unwrap().unwrap();
    let now = Utc::now();
    // Sick Monday 7 to Thursday 10 October 2024: four school days, one short of the rule.
    let sick: Vec<Registration> = ["2024-10-07", "2024-10-08", "2024-10-09", "2024-10-10"]
        .iter()
        .map(|x| Registration {
            child_id: child,
            date: d(x),
            slot: 1,
            code: Code::Sickness,
        })
        .collect();
    let friday = d("2024-10-11");
    assert_eq!(
        s.register_absence(m, &sick, None, now, &[entry(m, child, true)], friday)
            .await
            .unwrap(),
        (4, 0)
    );
    let open = || async {
        s.alerts(&AlertFilter {
            child_id: Some(child),
            status: Some("open".into()),
            ..AlertFilter::default()
        })
        .await
        .unwrap()
        .len()
    };
    assert_eq!(open().await, 0);
    assert_eq!(s.child_audit(child, 10).await.unwrap().len(), 1, "the save is audited");
    // The same codes again write nothing of the pupil's, so nothing is audited.
    assert_eq!(
        s.register_absence(m, &sick, None, now, &[entry(m, child, true)], friday)
            .await
            .unwrap(),
        (0, 0)
    );
    assert_eq!(s.child_audit(child, 10).await.unwrap().len(), 1);
    // Lowering the threshold changes no registration, but forgets the evaluations, so the same
    // save again evaluates the pupil and opens the alert.
    let four = Thresholds {
        consecutive_days: 4,
        ..Thresholds::default()
    };
    s.set_thresholds(m, &four, &entry(m, child, true)).await.unwrap();
    assert_eq!(
        s.register_absence(m, &sick, None, now, &[], friday).await.unwrap(),
        (0, 1)
    );
    assert_eq!(open().await, 1);
    // Evaluated today and unchanged: nothing is evaluated, even after a change made behind
    // the evaluation's back (here the alert is withdrawn directly).
    s.sync_alerts(m, &[child], &[], d("2024-08-01"), now).await.unwrap();
    assert_eq!(
        s.register_absence(m, &sick, None, now, &[], friday).await.unwrap(),
        (0, 0)
    );
    assert_eq!(open().await, 0);
    // The next day the pupil is stale and evaluated again: the trigger of the 10th is back.
    assert_eq!(
        s.register_absence(m, &sick, None, now, &[], d("2024-10-14"))
            .await
            .unwrap(),
        (0, 1)
    );
    assert_eq!(open().await, 1);
    // A correction is a change: it is evaluated at once and the alert is withdrawn.
    let corrected = [Registration {
        code: Code::Present,
        ..sick[3]
    }];
    assert_eq!(
        s.register_absence(m, &corrected, None, now, &[], d("2024-10-14"))
            .await
            .unwrap(),
        (1, 0)
    );
    assert_eq!(open().await, 0);
}

/// Concurrent SQLite writers queue for the write lock and share WAL flushes: every commit is
/// flushed before it returns, with fewer flushes than commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_share_flushes() {
    let db = TestDb::new().await;
    let Some(before) = db.store.wal_flushes() else {
        eprintln!("group sync is SQLite's; PostgreSQL flushes by itself");
        return;
    };
    let writers: Vec<_> = (0..32)
        .map(|i| {
            let store = db.store.clone();
            tokio::spawn(async move {
                for j in 0..10 {
                    store
                        .record_login_attempt(&format!("u{i}"), &format!("10.0.0.{j}"), false, Utc::now(), None)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let flushes = db.store.wal_flushes().unwrap() - before;
    assert!(flushes >= 1, "commits are flushed");
    assert!(flushes < 320, "320 commits shared {flushes} flushes");
}

/// Concurrent roll calls are written in shared batches; each save still gets its own counts,
/// every registration is stored, and a failing save fails alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_roll_calls_share_batches() {
    use trivsel_domain::absence::Code;
    use trivsel_store::Registration;
    let db = TestDb::new().await;
    let s = &db.store;
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    let ids: Vec<String> = (0..32).map(|i| format!("P{i}")).collect();
    let pupils: Vec<_> = ids
        .iter()
        .map(|id| (id.as_str(), "Ida", "Hansen", d("2014-01-01"), "5.A"))
        .collect();
    let roster = trivsel_store::testing::school_roster(&["5.A"], &pupils, d("2024-08-01"));
    s.apply_roster(m, &roster).await.unwrap();
    let mut children = Vec::new();
    for id in &ids {
        children.push(s.child_id(m, id).await.unwrap().unwrap());
    }
    let before = s.absence_batches();
    // Every eighth save names a pupil that does not exist: it fails, and only it.
    let pupils: Vec<Option<i64>> = children
        .iter()
        .enumerate()
        .flat_map(|(i, &c)| if i % 8 == 0 { vec![None, Some(c)] } else { vec![Some(c)] })
        .collect();
    let saves: Vec<_> = pupils
        .iter()
        .map(|&pupil| {
            let store = s.clone();
            tokio::spawn(async move {
                let child = pupil.unwrap_or(i64::MAX);
                let regs: Vec<Registration> = (1..=2)
                    .map(|slot| Registration {
                        child_id: child,
                        date: "2024-10-07".parse().unwrap(),
                        slot,
                        code: Code::Sickness,
                    })
                    .collect();
                let audit = [entry(m, child, true)];
                store
                    .register_absence(m, &regs, None, Utc::now(), &audit, "2024-10-07".parse().unwrap())
                    .await
            })
        })
        .collect();
    for (save, pupil) in saves.into_iter().zip(&pupils) {
        let result = save.await.unwrap();
        match pupil {
            Some(_) => assert_eq!(result.unwrap(), (2, 0), "each save counts its own registrations"),
            None => assert!(result.is_err(), "a save for an unknown pupil fails"),
        }
    }
    let batches = s.absence_batches() - before;
    assert!((1..36).contains(&batches), "36 saves shared {batches} batches");
    let data = s
        .absence_data(m, Some(&children), d("2024-08-01"), d("2024-10-31"))
        .await
        .unwrap();
    assert_eq!(data.pupils.values().map(|p| p.registrations.len()).sum::<usize>(), 64);
    for &child in &children {
        assert_eq!(s.child_audit(child, 10).await.unwrap().len(), 1, "audited once");
    }
}

#[tokio::test]
async fn a_database_with_one_row_per_registration_is_converted_to_school_year_rows_in_place() {
    use trivsel_domain::absence::Code;
    let db = TestDb::new().await;
    let s = &db.store;
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    let roster = trivsel_store::testing::school_roster(
        &["5.A"],
        &[
            ("P1", "Ida", "Hansen", d("2014-01-01"), "5.A"),
            ("P2", "Bo", "Jensen", d("2014-02-01"), "5.A"),
        ],
        d("2024-08-01"),
    );
    s.apply_roster(m, &roster).await.unwrap();
    let (p1, p2) = (
        s.child_id(m, "P1").await.unwrap().unwrap(),
        s.child_id(m, "P2").await.unwrap().unwrap(),
    );
    // The table as migration 3 made it, with rows in two school years and a lesson slot.
    db.execute(
        "CREATE TABLE absence_registrations (child_id BIGINT NOT NULL, reg_date DATE NOT NULL, slot INTEGER NOT NULL, \
         municipality_id BIGINT NOT NULL, code TEXT NOT NULL, registered_by BIGINT, registered_at TIMESTAMP NOT NULL, \
         PRIMARY KEY (child_id, reg_date, slot))",
    )
    .await;
    let rows = [
        (p1, "2024-10-07", 1, "S"),
        (p1, "2024-10-07", 2, "U"),
        (p1, "2025-07-31", 1, "L"),
        (p1, "2025-08-11", 5, "F"),
        (p2, "2024-08-12", 1, "P"),
    ];
    for (child, date, slot, code) in rows {
        db.execute(&format!(
            "INSERT INTO absence_registrations VALUES ({child}, '{date}', {slot}, {m}, '{code}', NULL, '2024-10-07 08:00:00')"
        ))
        .await;
    }
    let seen = std::sync::Mutex::new(Vec::new());
    s.migrate_with(&|done, total| seen.lock().unwrap().push((done, total)))
        .await
        .unwrap();
    assert_eq!(
        seen.lock().unwrap().last(),
        Some(&(5, 5)),
        "progress up to every registration"
    );

    let data = s.absence_data(m, None, d("2024-08-01"), d("2026-07-31")).await.unwrap();
    let mut got: Vec<(i64, chrono::NaiveDate, u8, Code)> = data
        .pupils
        .iter()
        .flat_map(|(c, p)| {
            p.registrations
                .iter()
                .map(move |(date, slot, code)| (*c, *date, *slot, *code))
        })
        .collect();
    got.sort();
    let mut want: Vec<_> = rows
        .iter()
        .map(|(c, date, slot, code)| {
            (
                *c,
                d(date),
                *slot as u8,
                Code::from_char(code.chars().next().unwrap()).unwrap(),
            )
        })
        .collect();
    want.sort();
    assert_eq!(got, want, "every registration converted exactly");
    // The old table is gone; running the migrations again converts nothing.
    assert_eq!(s.migrate().await.unwrap(), 0);
    let school = s.institutions(m).await.unwrap()[0].id;
    let class = s.classes(school).await.unwrap()[0].id;
    let day = s.class_registrations(class, d("2024-10-07")).await.unwrap();
    assert_eq!((day[&1][&p1], day[&2][&p1]), (Code::Sickness, Code::Unlawful));
}

/// The overviews' cached sums follow every write — a roll call, the holidays, the roster, a new
/// day — also when another process (here a second `Store` on the same database) makes it, and
/// always equal the sums read directly from the registrations.
#[tokio::test]
async fn the_overview_cache_follows_writes_from_any_process() {
    use trivsel_domain::absence::Code;
    use trivsel_store::{HolidayChanges, Registration};
    let db = TestDb::new().await;
    let s = &db.store;
    let other = Store::open(&db.url).await.unwrap();
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    let pupils = [
        ("P1", "Ida", "Hansen", d("2014-01-01"), "5.A"),
        ("P2", "Bo", "Jensen", d("2014-02-01"), "5.A"),
    ];
    s.apply_roster(
        m,
        &trivsel_store::testing::school_roster(&["5.A"], &pupils, d("2024-08-01")),
    )
    .await
    .unwrap();
    let p1 = s.child_id(m, "P1").await.unwrap().unwrap();
    let today = d("2024-10-09");
    // (pupils, P1's school days, P1's sick days), checked against a direct read each time.
    let cached = |today: chrono::NaiveDate| async move {
        let direct = s.absence_data(m, None, d("2024-08-01"), today).await.unwrap();
        s.with_absence_overview(m, today, |o| {
            for (child, p) in &o.pupils {
                assert_eq!(p.summary, direct.summary(*child, o.first, today), "pupil {child}");
            }
            let p = &o.pupils[&p1].summary;
            (o.pupils.len(), p.days, p.sick)
        })
        .await
        .unwrap()
    };
    // 1 August 2024 to 9 October: 50 weekdays.
    assert_eq!(cached(today).await, (2, 50, 0.0));

    let sick = |slot| Registration {
        child_id: p1,
        date: d("2024-10-07"),
        slot,
        code: Code::Sickness,
    };
    other
        .save_registrations(m, &[sick(1), sick(2)], None, Utc::now(), &[])
        .await
        .unwrap();
    assert_eq!(cached(today).await, (2, 50, 1.0), "another process's roll call");
    s.save_registrations(
        m,
        &[Registration {
            code: Code::Present,
            ..sick(2)
        }],
        None,
        Utc::now(),
        &[],
    )
    .await
    .unwrap();
    assert_eq!(cached(today).await, (2, 50, 0.5), "a correction");

    let holiday = HolidayChanges {
        add: vec![("S1".into(), d("2024-10-08"))],
        remove: vec![],
    };
    other.apply_holidays(m, &holiday).await.unwrap();
    assert_eq!(cached(today).await, (2, 49, 0.5), "a new holiday");
    let mut moved = trivsel_store::testing::school_roster(&["5.A"], &pupils[1..], d("2024-08-01"));
    moved
        .children
        .push(("P3".into(), "Eva".into(), "Holm".into(), d("2014-03-01")));
    moved.enrolments.push((
        "P3".into(),
        trivsel_store::EnrolmentRow {
            institution_code: "S1".into(),
            class_name: "5.A".into(),
            from: d("2024-10-01"),
            to: None,
        },
    ));
    other.apply_roster(m, &moved).await.unwrap();
    assert_eq!(cached(today).await, (3, 49, 0.5), "a pupil enrolled");
    assert_eq!(cached(d("2024-10-10")).await, (3, 50, 0.5), "the next day");
}

/// The municipality's kept quarterly report follows roll calls from any process and always
/// equals the report computed from the registrations.
#[tokio::test]
async fn the_kept_quarter_report_follows_writes_from_any_process() {
    use trivsel_domain::absence::{Code, Quarter};
    use trivsel_store::Registration;
    let db = TestDb::new().await;
    let s = &db.store;
    let other = Store::open(&db.url).await.unwrap();
    let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
    let d = |x: &str| x.parse::<chrono::NaiveDate>().unwrap();
    let pupils = [
        ("P1", "Ida", "Hansen", d("2014-01-01"), "5.A"),
        ("P2", "Bo", "Jensen", d("2014-02-01"), "5.A"),
    ];
    s.apply_roster(
        m,
        &trivsel_store::testing::school_roster(&["5.A"], &pupils, d("2024-08-01")),
    )
    .await
    .unwrap();
    let p1 = s.child_id(m, "P1").await.unwrap().unwrap();
    let q = Quarter::parse("2024Q3").unwrap();
    let kept = || async move {
        let direct = s
            .absence_data(m, None, q.first_day(), q.last_day())
            .await
            .unwrap()
            .quarter_report(q);
        let kept = s.municipal_quarter_report(m, q).await.unwrap();
        assert_eq!(kept, direct);
        kept.iter().map(|l| l.child_id).collect::<Vec<_>>()
    };
    assert_eq!(kept().await, Vec::<i64>::new());
    // P1 unlawfully absent all of September 2024 (21 of the quarter's 43 school days).
    let september: Vec<Registration> = trivsel_domain::calendar::dates(d("2024-09-01"), d("2024-09-30"))
        .map(|date| Registration {
            child_id: p1,
            date,
            slot: 1,
            code: Code::Unlawful,
        })
        .collect();
    other
        .save_registrations(m, &september, None, Utc::now(), &[])
        .await
        .unwrap();
    assert_eq!(kept().await, [p1], "another process's registrations");
    let corrected: Vec<Registration> = september
        .iter()
        .map(|r| Registration {
            code: Code::Present,
            ..*r
        })
        .collect();
    s.save_registrations(m, &corrected, None, Utc::now(), &[])
        .await
        .unwrap();
    assert_eq!(kept().await, Vec::<i64>::new(), "the correction");
}
