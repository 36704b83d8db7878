//! The demo municipality has what the issue promises, and seeding twice changes nothing.

use trivsel_domain::NaiveDate;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::cases::{Tier, escalation_missing};
use trivsel_domain::meetings::{
    ConsentAction, ConsentMethod, ConsentScope, MeetingKind, MeetingStatus, Minutes, check_consent, held_in_time,
    missing_participants,
};
use trivsel_store::testing::TestDb;
use trivsel_store::{AlertFilter, CaseTarget};

#[tokio::test]
async fn demo_municipality_has_schools_children_holidays_and_accounts() {
    let db = TestDb::new().await;
    let today: NaiveDate = "2026-11-23".parse().unwrap();
    let summary = trivsel_demo::seed(&db.store, "hash", today, trivsel_demo::DEFAULT_PUPILS)
        .await
        .unwrap()
        .expect("seeded");
    assert_eq!(summary.children, 1200);
    assert!(summary.guardians > summary.children, "most children have two guardians");
    assert!(
        trivsel_demo::seed(&db.store, "hash", today, trivsel_demo::DEFAULT_PUPILS)
            .await
            .unwrap()
            .is_none(),
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
    let dagleder = db.store.user_by_username("dagleder").await.unwrap().unwrap();
    let kind = db
        .store
        .institution_kind(dagleder.institution_id.unwrap())
        .await
        .unwrap();
    assert_eq!(kind, Some(trivsel_domain::model::InstitutionKind::Daycare));
    // Guardians and caseloads came through the imports: the demo parent by its login, every
    // guardian with a phone, and the SSP counsellor with a child.
    let links = db.store.guardian_links(m.id).await.unwrap();
    assert_eq!(
        links.iter().filter(|g| g.login.as_deref() == Some("foraelder")).count(),
        1
    );
    assert!(links.iter().all(|g| g.phone.is_some()));
    let ssp = db.store.user_by_username("ssp").await.unwrap().unwrap();
    assert_eq!(db.store.adviser_assignments(ssp.id, today).await.unwrap().len(), 1);
    assert!(
        db.store
            .user_by_username("elev")
            .await
            .unwrap()
            .unwrap()
            .child_id
            .is_some()
    );

    // Concerns, plans at each tier, tasks and a class conference.
    let nordskolen = schools.iter().find(|s| s.name == "Nordskolen").unwrap();
    let class_5a = classes.iter().find(|c| c.name == "5.A").unwrap();
    assert_eq!(class_5a.institution_id, nordskolen.id);
    assert!(summary.concerns >= 6, "{}", summary.concerns);
    let pupils = db.store.class_pupils(class_5a.id, today).await.unwrap();
    let mut categories = std::collections::BTreeSet::new();
    let mut children_with_concerns = 0;
    let mut tiers = std::collections::BTreeSet::new();
    for p in &pupils {
        let concerns = db.store.concerns_of_child(ChildGrant::system(p.id)).await.unwrap();
        children_with_concerns += usize::from(!concerns.is_empty());
        categories.extend(concerns.iter().flat_map(|c| c.categories.clone()));
        for plan in db.store.plans_of_child(ChildGrant::system(p.id)).await.unwrap() {
            tiers.insert(plan.tier);
        }
    }
    assert!(children_with_concerns >= 4, "{children_with_concerns}");
    assert!(categories.len() >= 8, "{categories:?}");
    assert_eq!(tiers.into_iter().collect::<Vec<_>>(), Tier::ALL);
    assert!(!db.store.concerns_of_class(class_5a.id).await.unwrap().is_empty());
    let class_plans = db.store.plans_of_class(class_5a.id).await.unwrap();
    assert!(
        class_plans
            .iter()
            .any(|p| p.tier == Tier::Preventive && p.evaluations >= 1)
    );

    // The demo pupil is at the intervening tier with a PPV and the prerequisites met.
    let pupil = db
        .store
        .user_by_username("elev")
        .await
        .unwrap()
        .unwrap()
        .child_id
        .unwrap();
    assert_eq!(
        db.store.current_tier(CaseTarget::Child(pupil)).await.unwrap(),
        Some(Tier::Intervening)
    );
    assert_eq!(
        db.store
            .tier_history(CaseTarget::Child(pupil), trivsel_domain::access::Scope::All)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        !db.store
            .ppv_registrations(ChildGrant::system(pupil))
            .await
            .unwrap()
            .is_empty()
    );
    let facts = db.store.escalation_facts(pupil, today).await.unwrap();
    assert!(escalation_missing(&facts).is_empty(), "{facts:?}");
    let anticipatory = db.store.plans_of_child(ChildGrant::system(pupils[2].id)).await.unwrap();
    assert!(
        anticipatory
            .iter()
            .any(|p| p.tier == Tier::Anticipatory && p.evaluations >= 1)
    );

    // Overdue tasks for the demo trivselsperson and leader; the leader sees the school's.
    for username in ["trivsel", "leder"] {
        let user = db.store.user_by_username(username).await.unwrap().unwrap();
        let tasks = db.store.tasks_of_user(user.id, false).await.unwrap();
        assert!(tasks.iter().any(|t| t.is_overdue(today)), "{username}: {tasks:?}");
    }
    let overdue = db
        .store
        .overdue_tasks_of_institution(nordskolen.id, today)
        .await
        .unwrap();
    assert!(overdue.len() >= 3, "{overdue:?}");
    let teacher_tasks = db.store.tasks_of_user(teacher.id, false).await.unwrap();
    assert!(!teacher_tasks.is_empty());

    // One class conference with focus pupils and follow-up tasks.
    let conferences = db.store.class_conferences(class_5a.id).await.unwrap();
    assert_eq!(conferences.len(), 1);
    assert_eq!(conferences[0].pupils.len(), pupils.len());
    assert_eq!(conferences[0].pupils.iter().filter(|p| p.focus).count(), 3);
    assert_eq!(db.store.conference_tasks(conferences[0].id).await.unwrap().len(), 3);
    // Consents, one revoked; the social worker's children have its consent, except one.
    let mut consents = Vec::new();
    for p in &pupils {
        consents.extend(db.store.consents_of_child(ChildGrant::system(p.id)).await.unwrap());
    }
    assert!(consents.len() >= 6, "{consents:?}");
    assert!(consents.iter().any(|c| c.consent.revoked_on.is_some()));
    assert!(consents.iter().any(|c| c.consent.method == ConsentMethod::ParentView));
    assert!(consents.iter().any(|c| c.consent.method.recorded_by_staff()));
    assert!(
        db.store
            .consent_in_force(pupil, ConsentScope::SocialWorker, today)
            .await
            .unwrap()
    );
    assert!(
        !db.store
            .consent_in_force(pupils[2].id, ConsentScope::SocialWorker, today)
            .await
            .unwrap(),
        "the absent pupil (third in 5.A) shows a revoked consent to the social worker"
    );

    // The social worker sees the demo pupil (consent in force), not the absent pupil, whose
    // guardian revoked it.
    let social = db.store.user_by_username("socialraadgiver").await.unwrap().unwrap();
    let actor = db.store.actor(&social, today).await.unwrap();
    assert_eq!(actor.assigned_children, [pupil]);

    // Meetings: a planned Trivselsforum with an agenda, a closed and a planned fraværssamråd.
    assert_eq!(summary.meetings, 3);
    assert!(summary.consents >= 6, "{}", summary.consents);
    assert!(!db.store.forum_members(nordskolen.id).await.unwrap().is_empty());
    let forums = db
        .store
        .meetings_of_institution(nordskolen.id, Some(MeetingKind::Trivselsforum))
        .await
        .unwrap();
    assert_eq!(forums.len(), 1);
    assert_eq!(forums[0].status, MeetingStatus::Planned);
    assert!(forums[0].starts_at.date() > today);
    let agenda = db.store.agenda_items(forums[0].id).await.unwrap();
    assert!(agenda.len() >= 3, "{agenda:?}");
    assert!(agenda.iter().any(|a| a.target.class_id().is_some()));
    for item in &agenda {
        if let Some(child) = item.target.child_id() {
            let facts = db.store.consent_facts(child).await.unwrap();
            let action = ConsentAction::TrivselsforumAgendaItem {
                parents_attend: item.parents_attend,
            };
            assert!(check_consent(action, &facts, today).is_ok(), "{item:?}");
        }
    }
    assert!(db.store.participants(forums[0].id).await.unwrap().len() >= 4);
    let councils = db
        .store
        .meetings_of_institution(nordskolen.id, Some(MeetingKind::AbsenceCouncil))
        .await
        .unwrap();
    let closed: Vec<_> = councils.iter().filter(|c| c.status == MeetingStatus::Closed).collect();
    assert_eq!(closed.len(), 1, "{councils:?}");
    let council = closed[0];
    assert_eq!(council.child_id(), Some(pupil));
    assert!(council.alert_id.is_some());
    let held = council.held_on.unwrap();
    assert!(held_in_time(council.convened_on, held));
    assert!(council.follow_up_on.unwrap() > held);
    assert!(matches!(council.minutes, Some(Minutes::Rounds(ref r)) if r.empty_rounds().is_empty()));
    let roles: Vec<_> = db
        .store
        .participants(council.id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.role)
        .collect();
    assert!(missing_participants(&roles).is_empty(), "{roles:?}");
    assert!(db.store.meeting_actions(council.id).await.unwrap().len() >= 2);
    let parent = db.store.user_by_username("foraelder").await.unwrap().unwrap();
    let notes = db.store.notifications_of_user(parent.id, false).await.unwrap();
    assert!(notes.iter().any(|n| n.meeting_id == Some(council.id)), "{notes:?}");
    let planned: Vec<_> = councils.iter().filter(|c| c.status == MeetingStatus::Planned).collect();
    assert_eq!(planned.len(), 1, "{councils:?}");
    assert!(planned[0].alert_id.is_some());
    assert!(planned[0].held_on.is_none());
    let open = db
        .store
        .alerts(&AlertFilter {
            child_id: Some(pupil),
            status: Some("open".into()),
            ..AlertFilter::default()
        })
        .await
        .unwrap();
    assert!(!open.is_empty(), "the demo pupil has an open absence alert");

    let report = db.store.audit_verify(m.id).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}
