//! The demo municipality has what the issue promises, and seeding twice changes nothing.

use trivsel_domain::NaiveDate;
use trivsel_domain::calendar::SchoolYear;
use trivsel_store::testing::TestDb;

#[tokio::test]
async fn demo_municipality_has_schools_children_holidays_and_accounts() {
    let db = TestDb::new().await;
    let today: NaiveDate = "2026-11-23".parse().unwrap();
    let summary = trivsel_demo::seed(&db.store, "hash", today)
        .await
        .unwrap()
        .expect("seeded");
    assert_eq!(summary.children, 1200);
    assert!(summary.guardians > summary.children, "most children have two guardians");
    assert!(
        trivsel_demo::seed(&db.store, "hash", today).await.unwrap().is_none(),
        "second run reuses"
    );

    let m = db
        .store
        .find_municipality(Some(trivsel_demo::MUNICIPALITY_CODE))
        .await
        .unwrap();
    assert_eq!(m.name, "Eksempel Kommune");
    let institutions = db.store.institutions(m.id).await.unwrap();
    let schools: Vec<_> = institutions.iter().filter(|i| i.kind.id() == "school").collect();
    assert_eq!((schools.len(), institutions.len()), (4, 6));
    let classes = db.store.classes(schools[0].id).await.unwrap();
    let names: Vec<&str> = classes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["0.A", "1.A", "2.A", "3.A", "4.A", "5.A", "6.A", "7.A", "8.A", "9.A"]
    );

    let holidays = db.store.school_holidays(m.id).await.unwrap();
    for school in &schools {
        let years: std::collections::BTreeSet<_> = holidays[&school.code].iter().map(|d| SchoolYear::of(*d)).collect();
        assert_eq!(
            years.into_iter().collect::<Vec<_>>(),
            [SchoolYear(2025), SchoolYear(2026)]
        );
    }
    for (username, role, _) in trivsel_demo::ACCOUNTS {
        let user = db.store.user_by_username(username).await.unwrap().expect(username);
        assert_eq!(user.role, role);
        assert!(user.demo_only, "{username} works only in demo mode");
    }
    let teacher = db.store.user_by_username("laerer").await.unwrap().unwrap();
    assert_eq!(
        teacher.institution_id,
        Some(schools.iter().find(|s| s.name == "Nordskolen").unwrap().id)
    );
    assert!(
        db.store
            .user_by_username("elev")
            .await
            .unwrap()
            .unwrap()
            .child_id
            .is_some()
    );
}
