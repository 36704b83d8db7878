use trivsel_store::testing::TestDb;
use trivsel_store::AlertFilter;

#[tokio::test]
async fn probe() {
    for today in ["2026-11-23", "2026-11-27"] {
        let db = TestDb::new().await;
        let today: trivsel_domain::NaiveDate = today.parse().unwrap();
        trivsel_demo::seed(&db.store, "hash", today).await.unwrap();
        let elev = db.store.user_by_username("elev").await.unwrap().unwrap().child_id.unwrap();
        let leder = db.store.user_by_username("leder").await.unwrap().unwrap();
        let alerts = db.store.alerts(&AlertFilter { institution_id: leder.institution_id, ..Default::default() }).await.unwrap();
        println!("today {today} demo pupil {elev}; nordskolen alerts {}", alerts.len());
        for a in alerts.iter().filter(|a| a.child_id == elev) { println!("  DEMO {a:?}"); }
        for a in alerts.iter().filter(|a| a.status == "open").take(15) { println!("  {} {} {:?} {} {}", a.id, a.child_id, a.rule, a.trigger_date, a.status); }
        let g = db.store.guardians_of_child(elev).await.unwrap();
        println!("  guardians {g:?}");
    }
}
