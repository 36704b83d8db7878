//! Concerns, tiers, plans, tasks, calendar feeds, conferences and the chronology. They run on
//! the backend chosen by `TRIVSEL_TEST_DB` (see `testing`).

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::cases::{
    ChronologyKind, ConcernCategory, EvaluationResult, Missing, PlanAction, PlanContent, Severity, TaskKind, Tier,
    diff, escalation_missing,
};
use trivsel_domain::model::Role;
use trivsel_store::testing::TestDb;
use trivsel_store::{
    AuditEntry, CaseTarget, ConferencePupil, ConferenceTask, NewConcern, NewConference, NewEvaluation, NewPkuReferral,
    NewPlan, NewTierChange, NewUser, Store, StoreError, VersionConflict,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A fixed time on a date (PostgreSQL keeps microseconds, so no sub-second parts).
fn at(s: &str) -> DateTime<Utc> {
    format!("{s}T10:00:00Z").parse().unwrap()
}

/// A school with classes 5.A and 5.B, Ida in 5.A and Otto in 5.B, a teacher and a leader.
struct Fixture {
    db: TestDb,
    m: i64,
    school: i64,
    class_a: i64,
    class_b: i64,
    ida: i64,
    otto: i64,
    teacher: i64,
    leader: i64,
}

impl Fixture {
    async fn new() -> Fixture {
        let db = TestDb::new().await;
        let s = &db.store;
        let m = s.upsert_municipality("147", "Frederiksberg").await.unwrap().id;
        let roster = trivsel_store::testing::school_roster(
            &["5.A", "5.B"],
            &[
                ("P1", "Ida", "Hansen", d("2015-01-01"), "5.A"),
                ("P2", "Otto", "Berg", d("2015-02-01"), "5.B"),
            ],
            d("2025-08-01"),
        );
        s.apply_roster(m, &roster).await.unwrap();
        let school = s.institutions(m).await.unwrap()[0].id;
        let classes = s.classes(school).await.unwrap();
        let class = |name: &str| classes.iter().find(|c| c.name == name).unwrap().id;
        let (class_a, class_b) = (class("5.A"), class("5.B"));
        let user = |username: &str, role, class_ids: Vec<i64>| NewUser {
            municipality_id: m,
            username: username.into(),
            name: format!("{username} Navn"),
            email: None,
            role,
            institution_id: Some(school),
            child_id: None,
            password_hash: None,
            demo_only: false,
            class_ids,
        };
        let teacher = s
            .create_user(&user("lis", Role::Teacher, vec![class_a]), None)
            .await
            .unwrap();
        let leader = s.create_user(&user("bo", Role::Leader, vec![]), None).await.unwrap();
        Fixture {
            ida: s.child_id(m, "P1").await.unwrap().unwrap(),
            otto: s.child_id(m, "P2").await.unwrap().unwrap(),
            db,
            m,
            school,
            class_a,
            class_b,
            teacher,
            leader,
        }
    }

    fn s(&self) -> &Store {
        &self.db.store
    }

    fn audit(&self, action: &str, child: Option<i64>) -> AuditEntry {
        AuditEntry {
            municipality_id: self.m,
            user_id: Some(self.teacher),
            username: "lis".into(),
            role: "laerer".into(),
            action: action.into(),
            child_id: child,
            criterion: None,
            allowed: true,
            address: None,
        }
    }

    async fn audit_actions(&self, child: i64) -> Vec<String> {
        let mut rows = self.s().child_audit(child, 1000).await.unwrap();
        rows.sort_by_key(|r| r.seq);
        rows.into_iter().map(|r| r.action).collect()
    }

    fn content(&self, goals: &str, evaluation_dates: &[&str]) -> PlanContent {
        PlanContent {
            context: "Ida trækker sig i frikvartererne.".into(),
            goals: goals.into(),
            signs: "Ida står i kø til boldspil.".into(),
            actions: vec![PlanAction {
                what: "Legegrupper i frikvarteret".into(),
                responsible_user_id: Some(self.leader),
                responsible_name: "Bo".into(),
                from: d("2026-03-02"),
                to: d("2026-04-24"),
            }],
            evaluation_dates: evaluation_dates.iter().map(|x| d(x)).collect(),
            child_voice: "Jeg vil gerne være med.".into(),
            parents_perspective: String::new(),
            pupil_voice: String::new(),
            end_date: None,
        }
    }

    fn new_plan(&self, target: CaseTarget, tier: Tier, content: PlanContent, when: &str) -> NewPlan {
        NewPlan {
            institution_id: self.school,
            target,
            tier,
            title: format!("{} plan", tier.navn()),
            content,
            by: self.teacher,
            at: at(when),
        }
    }

    fn evaluation(&self, date: &str) -> NewEvaluation {
        NewEvaluation {
            date: d(date),
            result: EvaluationResult::PartlyAchieved,
            text: "Ida leger oftere med andre.".into(),
            next_step: "Fortsæt legegrupperne.".into(),
            by: self.teacher,
            at: at(date),
        }
    }
}

#[tokio::test]
async fn concerns_about_a_child_or_a_class_keep_their_categories() {
    let f = Fixture::new().await;
    let s = f.s();
    let concern = NewConcern {
        institution_id: f.school,
        target: CaseTarget::Child(f.ida),
        date: d("2026-02-02"),
        description: "Ida sidder alene i frikvartererne.".into(),
        severity: Severity::Medium,
        categories: vec![
            ConcernCategory::Social,
            ConcernCategory::Bullying,
            ConcernCategory::Social,
        ],
        by: f.teacher,
        at: at("2026-02-02"),
    };
    let first = s
        .add_concern(&concern, &f.audit("concern.add", Some(f.ida)))
        .await
        .unwrap();
    let later = NewConcern {
        date: d("2026-02-10"),
        severity: Severity::High,
        categories: vec![ConcernCategory::SchoolRefusal],
        at: at("2026-02-10"),
        ..concern.clone()
    };
    let second = s
        .add_concern(&later, &f.audit("concern.add", Some(f.ida)))
        .await
        .unwrap();
    let class = NewConcern {
        target: CaseTarget::Class(f.class_a),
        categories: vec![ConcernCategory::DigitalBullying],
        description: "Grimme beskeder i klassens chat.".into(),
        ..concern.clone()
    };
    let class_id = s.add_concern(&class, &f.audit("concern.add", None)).await.unwrap();

    let of_ida = s.concerns_of_child(ChildGrant::system(f.ida)).await.unwrap();
    assert_eq!(
        of_ida.iter().map(|c| c.id).collect::<Vec<_>>(),
        [second, first],
        "newest first"
    );
    assert_eq!(
        of_ida[1].categories,
        [ConcernCategory::Social, ConcernCategory::Bullying],
        "sorted, without the duplicate"
    );
    assert_eq!(of_ida[1].severity, Severity::Medium);
    assert_eq!(of_ida[1].target, CaseTarget::Child(f.ida));
    assert_eq!(of_ida[1].created_by_name, "lis Navn");
    assert_eq!(of_ida[1].created_at, at("2026-02-02"));
    let of_class = s.concerns_of_class(f.class_a).await.unwrap();
    assert_eq!(of_class.len(), 1);
    assert_eq!(
        (of_class[0].id, of_class[0].categories.as_slice()),
        (class_id, &[ConcernCategory::DigitalBullying][..])
    );
    assert!(
        s.concerns_of_child(ChildGrant::system(f.otto))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.concerns_of_class(f.class_b).await.unwrap().is_empty());
    assert_eq!(f.audit_actions(f.ida).await, ["concern.add", "concern.add"]);

    // A concern about a child that does not exist is refused, and nothing is written.
    let ghost = NewConcern {
        target: CaseTarget::Child(9999),
        ..concern.clone()
    };
    let err = s
        .add_concern(&ghost, &f.audit("concern.add", Some(9999)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Config(ref m) if m == "Barnet findes ikke."),
        "{err}"
    );
    assert!(s.child_audit(9999, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn tier_history_for_child_and_class() {
    let f = Fixture::new().await;
    let s = f.s();
    let child = CaseTarget::Child(f.ida);
    assert_eq!(s.current_tier(child).await.unwrap(), None);
    let change = |tier, reason: &str, when: &str, justification: Option<&str>| NewTierChange {
        target: child,
        tier,
        reason: reason.into(),
        override_justification: justification.map(String::from),
        by: f.leader,
        at: at(when),
    };
    let audit = f.audit("tier.set", Some(f.ida));
    s.set_tier(&change(Tier::Preventive, "Start", "2026-01-05", None), &audit)
        .await
        .unwrap();
    s.set_tier(&change(Tier::Anticipatory, "Ikke nok", "2026-02-05", None), &audit)
        .await
        .unwrap();
    let justification = "Akut behov; PPV er bestilt";
    s.set_tier(
        &change(Tier::Intervening, "PKU", "2026-03-05", Some(justification)),
        &audit,
    )
    .await
    .unwrap();
    s.set_tier(
        &NewTierChange {
            target: CaseTarget::Class(f.class_a),
            ..change(Tier::Anticipatory, "Uro i klassen", "2026-02-01", None)
        },
        &f.audit("tier.set", None),
    )
    .await
    .unwrap();

    assert_eq!(s.current_tier(child).await.unwrap(), Some(Tier::Intervening));
    let history = s.tier_history(child, trivsel_domain::access::Scope::All).await.unwrap();
    let tiers: Vec<Tier> = history.iter().map(|t| t.tier).collect();
    assert_eq!(tiers, [Tier::Intervening, Tier::Anticipatory, Tier::Preventive]);
    assert_eq!(history[0].override_justification.as_deref(), Some(justification));
    assert_eq!(history[1].override_justification, None);
    assert_eq!(history[0].changed_by_name, "bo Navn");
    assert_eq!(
        s.current_tier(CaseTarget::Class(f.class_a)).await.unwrap(),
        Some(Tier::Anticipatory)
    );
    assert_eq!(
        s.tier_history(CaseTarget::Class(f.class_b), trivsel_domain::access::Scope::All)
            .await
            .unwrap(),
        []
    );
    assert_eq!(f.audit_actions(f.ida).await.len(), 3);
}

#[tokio::test]
async fn a_save_from_an_old_version_is_refused_and_nothing_is_lost() {
    let f = Fixture::new().await;
    let s = f.s();
    let v1 = f.content("Ida leger med andre.", &["2026-04-27"]);
    let (plan, version) = s
        .create_plan(
            &f.new_plan(CaseTarget::Child(f.ida), Tier::Preventive, v1.clone(), "2026-03-01"),
            &f.audit("plan.create", Some(f.ida)),
        )
        .await
        .unwrap();
    assert_eq!(version, 1);

    // Two people open version 1; the first saves.
    let mut mine = v1.clone();
    mine.goals = "Ida leger med mindst to andre.".into();
    let mut theirs = v1.clone();
    theirs.signs = "Ida inviterer selv.".into();
    let saved = s
        .save_plan(
            plan,
            1,
            &mine,
            f.teacher,
            at("2026-03-02"),
            &f.audit("plan.save", Some(f.ida)),
        )
        .await
        .unwrap();
    assert_eq!(saved, Ok(2));
    // The second save, from version 1, is refused and writes nothing.
    let audit_before = f.audit_actions(f.ida).await.len();
    let refused = s
        .save_plan(
            plan,
            1,
            &theirs,
            f.leader,
            at("2026-03-03"),
            &f.audit("plan.save", Some(f.ida)),
        )
        .await
        .unwrap();
    assert_eq!(refused, Err(VersionConflict { current_version: 2 }));
    assert!(refused.unwrap_err().to_string().contains("nu version 2"));
    assert_eq!(f.audit_actions(f.ida).await.len(), audit_before);
    let current = s.plan(plan).await.unwrap().unwrap();
    assert_eq!((current.current_version, &current.content), (2, &mine));
    assert_eq!(current.saved_at, at("2026-03-02"));
    assert_eq!(s.plan_versions(plan).await.unwrap().len(), 2);

    // Comparing any two versions: the stored versions give back what was saved.
    let old = s.plan_version(plan, 1).await.unwrap().unwrap();
    assert_eq!(old.content, v1);
    assert_eq!(old.saved_by_name, "lis Navn");
    let changes = diff(&old.content, &s.plan_version(plan, 2).await.unwrap().unwrap().content);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].field_label.as_str(), changes[0].after.as_str()),
        ("Mål", "Ida leger med mindst to andre.")
    );
    assert_eq!(s.plan_version(plan, 3).await.unwrap(), None);

    // The parents' perspective is a version of its own that changes only that field.
    let stale = s
        .save_plan_text(
            plan,
            1,
            trivsel_store::PlanText::ParentsPerspective,
            "For gammel",
            f.leader,
            at("2026-03-04"),
            &f.audit("x", Some(f.ida)),
        )
        .await
        .unwrap();
    assert_eq!(stale, Err(VersionConflict { current_version: 2 }));
    let v3 = s
        .save_plan_text(
            plan,
            2,
            trivsel_store::PlanText::ParentsPerspective,
            "Vi oplever det samme derhjemme.",
            f.leader,
            at("2026-03-04"),
            &f.audit("plan.parents", Some(f.ida)),
        )
        .await
        .unwrap();
    assert_eq!(v3, Ok(3));
    let versions = s.plan_versions(plan).await.unwrap();
    let changes = diff(&versions[1].content, &versions[2].content);
    assert_eq!(
        changes.iter().map(|c| c.field_label.as_str()).collect::<Vec<_>>(),
        ["Forældrenes perspektiv"]
    );
    assert_eq!(versions[2].saved_by, f.leader);

    // A plan that does not exist.
    assert!(matches!(
        s.save_plan(9999, 1, &mine, f.teacher, at("2026-03-05"), &f.audit("x", None))
            .await,
        Err(StoreError::Config(_))
    ));
    assert_eq!(
        f.audit_actions(f.ida).await,
        ["plan.create", "plan.save", "plan.parents"]
    );
}

#[tokio::test]
async fn plans_list_per_child_and_class_and_close() {
    let f = Fixture::new().await;
    let s = f.s();
    let audit = f.audit("plan", Some(f.ida));
    let (first, _) = s
        .create_plan(
            &f.new_plan(
                CaseTarget::Child(f.ida),
                Tier::Preventive,
                f.content("a", &["2026-04-01"]),
                "2026-03-01",
            ),
            &audit,
        )
        .await
        .unwrap();
    let (second, _) = s
        .create_plan(
            &f.new_plan(
                CaseTarget::Child(f.ida),
                Tier::Anticipatory,
                f.content("b", &["2026-05-01"]),
                "2026-03-02",
            ),
            &audit,
        )
        .await
        .unwrap();
    let (class_plan, _) = s
        .create_plan(
            &f.new_plan(
                CaseTarget::Class(f.class_a),
                Tier::Preventive,
                f.content("c", &["2026-05-01"]),
                "2026-03-03",
            ),
            &f.audit("plan", None),
        )
        .await
        .unwrap();
    s.add_evaluation(first, &f.evaluation("2026-04-01"), &audit)
        .await
        .unwrap();
    assert!(s.close_plan(first, f.leader, at("2026-04-02"), &audit).await.unwrap());
    assert!(
        !s.close_plan(first, f.leader, at("2026-04-03"), &audit).await.unwrap(),
        "closed once"
    );

    let of_ida = s.plans_of_child(ChildGrant::system(f.ida)).await.unwrap();
    assert_eq!(
        of_ida
            .iter()
            .map(|p| (p.id, p.closed, p.evaluations))
            .collect::<Vec<_>>(),
        [(second, false, 0), (first, true, 1)],
        "open first"
    );
    assert_eq!(of_ida[0].tier, Tier::Anticipatory);
    let of_class = s.plans_of_class(f.class_a).await.unwrap();
    assert_eq!(of_class.iter().map(|p| p.id).collect::<Vec<_>>(), [class_plan]);
    assert_eq!(of_class[0].target, CaseTarget::Class(f.class_a));
    let plan = s.plan(first).await.unwrap().unwrap();
    assert!(plan.closed);
    assert_eq!(plan.closed_at, Some(at("2026-04-02")));
    let evaluations = s.evaluations(first).await.unwrap();
    assert_eq!(evaluations.len(), 1);
    assert_eq!(evaluations[0].result, EvaluationResult::PartlyAchieved);
    assert_eq!(evaluations[0].next_step, "Fortsæt legegrupperne.");
    assert!(s.plan(9999).await.unwrap().is_none());
    assert!(matches!(
        s.add_evaluation(9999, &f.evaluation("2026-04-01"), &audit).await,
        Err(StoreError::Config(_))
    ));
}

#[tokio::test]
async fn escalation_facts_follow_ppv_plans_evaluations_and_dates() {
    let f = Fixture::new().await;
    let s = f.s();
    let today = d("2026-05-01");
    let missing = |facts| escalation_missing(&facts);
    assert_eq!(
        missing(s.escalation_facts(f.ida, today).await.unwrap()),
        [
            Missing::NoPpv,
            Missing::NoEvaluatedPreventivePlan,
            Missing::NoEvaluatedAnticipatoryPlan,
            Missing::NoCurrentPlan
        ]
    );
    let audit = f.audit("case", Some(f.ida));
    s.register_ppv(
        f.ida,
        d("2026-03-01"),
        "PPR j.nr. 2026-17",
        f.leader,
        at("2026-03-01"),
        &audit,
    )
    .await
    .unwrap();
    let mut preventive = f.content("a", &["2026-03-15"]);
    preventive.end_date = Some(d("2026-04-30"));
    let (p1, _) = s
        .create_plan(
            &f.new_plan(CaseTarget::Child(f.ida), Tier::Preventive, preventive, "2026-03-01"),
            &audit,
        )
        .await
        .unwrap();
    let (p2, _) = s
        .create_plan(
            &f.new_plan(
                CaseTarget::Child(f.ida),
                Tier::Anticipatory,
                f.content("b", &["2026-04-15"]),
                "2026-03-20",
            ),
            &audit,
        )
        .await
        .unwrap();
    // A plan of another class does not count for the child (the own class's does: seed 003).
    s.create_plan(
        &f.new_plan(
            CaseTarget::Class(f.class_b),
            Tier::Preventive,
            f.content("c", &["2026-04-15"]),
            "2026-03-20",
        ),
        &f.audit("case", None),
    )
    .await
    .unwrap();
    let facts = s.escalation_facts(f.ida, today).await.unwrap();
    assert!(facts.ppv_registered);
    assert_eq!(facts.plans.len(), 2);
    assert_eq!(
        (facts.plans[0].tier, facts.plans[0].current),
        (Tier::Preventive, false),
        "past its end date"
    );
    assert!(s.escalation_facts(f.ida, d("2026-04-30")).await.unwrap().plans[0].current);
    assert_eq!(
        missing(facts),
        [Missing::NoEvaluatedPreventivePlan, Missing::NoEvaluatedAnticipatoryPlan]
    );
    s.add_evaluation(p1, &f.evaluation("2026-03-15"), &audit).await.unwrap();
    s.add_evaluation(p2, &f.evaluation("2026-04-15"), &audit).await.unwrap();
    assert_eq!(missing(s.escalation_facts(f.ida, today).await.unwrap()), []);
    s.close_plan(p2, f.leader, at("2026-04-20"), &audit).await.unwrap();
    assert_eq!(
        missing(s.escalation_facts(f.ida, today).await.unwrap()),
        [Missing::NoCurrentPlan]
    );
    // Otto has nothing of Ida's; his class's plan counts for him: current, not evaluated.
    assert_eq!(
        missing(s.escalation_facts(f.otto, today).await.unwrap()),
        [
            Missing::NoPpv,
            Missing::NoEvaluatedPreventivePlan,
            Missing::NoEvaluatedAnticipatoryPlan
        ]
    );

    let referral = NewPkuReferral {
        child_id: f.ida,
        date: d("2026-05-01"),
        note: "Henvist efter netværksmøde".into(),
        override_justification: Some("Ingen gældende plan; ny plan udarbejdes".into()),
        // The store keeps whoever the page chose; the page offers PPR psychologists only.
        psychologist: (f.leader, d("2026-04-28")),
        by: f.leader,
        at: at("2026-05-01"),
    };
    s.register_pku_referral(&referral, &audit).await.unwrap();
    let referrals = s.pku_referrals(ChildGrant::system(f.ida)).await.unwrap();
    assert_eq!(referrals.len(), 1);
    assert_eq!(referrals[0].override_justification, referral.override_justification);
    assert_eq!(referrals[0].psychologist.as_ref().map(|p| p.1), Some(d("2026-04-28")));
    assert_eq!(
        s.ppv_registrations(ChildGrant::system(f.ida)).await.unwrap()[0].reference,
        "PPR j.nr. 2026-17"
    );
}

/// (kind, owner, due, done) of the plan's tasks, sorted.
async fn plan_tasks(f: &Fixture, plan: i64) -> Vec<(TaskKind, i64, NaiveDate, bool)> {
    let mut all = Vec::new();
    for user in [f.teacher, f.leader] {
        all.extend(
            f.s()
                .tasks_of_user(user, true)
                .await
                .unwrap()
                .into_iter()
                .filter(|t| t.plan_id == Some(plan))
                .map(|t| (t.kind, t.owner_user_id, t.due, t.is_done())),
        );
    }
    all.sort_by_key(|t| (t.2, t.0.id(), t.1));
    all
}

#[tokio::test]
async fn a_plan_gives_tasks_and_a_new_version_replaces_the_open_ones() {
    let f = Fixture::new().await;
    let s = f.s();
    let audit = f.audit("plan", Some(f.ida));
    let content = f.content("a", &["2026-03-20", "2026-05-01"]);
    let (plan, _) = s
        .create_plan(
            &f.new_plan(
                CaseTarget::Child(f.ida),
                Tier::Preventive,
                content.clone(),
                "2026-03-01",
            ),
            &audit,
        )
        .await
        .unwrap();
    let (ev, act) = (TaskKind::Evaluation, TaskKind::Action);
    assert_eq!(
        plan_tasks(&f, plan).await,
        [
            (ev, f.teacher, d("2026-03-20"), false),
            (act, f.leader, d("2026-04-24"), false),
            (ev, f.teacher, d("2026-05-01"), false),
        ]
    );
    let leader_tasks = s.tasks_of_user(f.leader, false).await.unwrap();
    assert_eq!(leader_tasks.len(), 1);
    assert_eq!(leader_tasks[0].title, "Tiltag: Legegrupper i frikvarteret");
    assert_eq!(leader_tasks[0].child_id, Some(f.ida));
    assert!(!leader_tasks[0].title.contains("Ida"));

    // Overdue: the first evaluation after its date.
    let overdue = s.overdue_tasks_of_institution(f.school, d("2026-03-21")).await.unwrap();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].is_overdue(d("2026-03-21")));
    assert!(
        s.overdue_tasks_of_institution(f.school, d("2026-03-20"))
            .await
            .unwrap()
            .is_empty(),
        "due today is not overdue"
    );

    // The first evaluation is done; then the plan is revised: new dates, no responsible user.
    let first = overdue[0].id;
    assert!(
        s.complete_task(first, f.teacher, at("2026-03-21"), Some("Holdt"), &audit)
            .await
            .unwrap()
    );
    assert!(
        !s.complete_task(first, f.teacher, at("2026-03-22"), None, &audit)
            .await
            .unwrap(),
        "done once"
    );
    let done = s.task(first).await.unwrap().unwrap();
    assert_eq!(
        (done.done_by, done.done_note.as_deref(), done.done_at),
        (Some(f.teacher), Some("Holdt"), Some(at("2026-03-21")))
    );
    let mut revised = content.clone();
    revised.evaluation_dates = vec![d("2026-03-20"), d("2026-06-01")];
    revised.actions[0].responsible_user_id = None;
    assert_eq!(
        s.save_plan(plan, 1, &revised, f.teacher, at("2026-03-22"), &audit)
            .await
            .unwrap(),
        Ok(2)
    );
    assert_eq!(
        plan_tasks(&f, plan).await,
        [
            (ev, f.teacher, d("2026-03-20"), true),
            (ev, f.teacher, d("2026-06-01"), false),
        ],
        "the done task is kept and not given again; open ones follow the new version"
    );
    assert!(s.tasks_of_user(f.leader, true).await.unwrap().is_empty());
    assert_eq!(s.tasks_of_user(f.teacher, false).await.unwrap().len(), 1);
    // A version that leaves the tasks as they are keeps their ids (and calendar entries).
    let open = s.tasks_of_user(f.teacher, false).await.unwrap()[0].id;
    assert_eq!(
        s.save_plan_text(
            plan,
            2,
            trivsel_store::PlanText::ParentsPerspective,
            "Godt",
            f.leader,
            at("2026-03-23"),
            &audit
        )
        .await
        .unwrap(),
        Ok(3)
    );
    assert_eq!(
        s.save_plan(plan, 3, &revised, f.teacher, at("2026-03-24"), &audit)
            .await
            .unwrap(),
        Ok(4)
    );
    assert_eq!(s.tasks_of_user(f.teacher, false).await.unwrap()[0].id, open);

    // A follow-up task by hand, and closing the plan removes its open tasks.
    let follow_up = s
        .add_task(
            &trivsel_store::NewTask {
                institution_id: f.school,
                owner_user_id: f.leader,
                kind: TaskKind::FollowUp,
                due: d("2026-06-15"),
                title: "Opfølgning med forældre".into(),
                child_id: Some(f.ida),
                plan_id: Some(plan),
                at: at("2026-03-22"),
            },
            &audit,
        )
        .await
        .unwrap();
    assert!(s.close_plan(plan, f.leader, at("2026-04-01"), &audit).await.unwrap());
    assert_eq!(
        plan_tasks(&f, plan).await,
        [
            (ev, f.teacher, d("2026-03-20"), true),
            (TaskKind::FollowUp, f.leader, d("2026-06-15"), false)
        ]
    );
    assert_eq!(s.task(follow_up).await.unwrap().unwrap().kind, TaskKind::FollowUp);
}

#[tokio::test]
async fn feed_tokens_are_stored_hashed_replaced_and_revoked() {
    let f = Fixture::new().await;
    let s = f.s();
    let audit = f.audit("feed", None);
    let token = s.create_feed_token(f.teacher, at("2026-03-01"), &audit).await.unwrap();
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(s.user_by_feed_token(&token).await.unwrap(), Some(f.teacher));
    assert_eq!(
        s.user_by_feed_token("0123456789abcdef0123456789abcdef").await.unwrap(),
        None
    );
    // Only the hash is stored.
    assert_eq!(
        f.db.execute(&format!(
            "UPDATE calendar_feeds SET created_at = created_at WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    assert_eq!(
        f.db.execute("UPDATE calendar_feeds SET created_at = created_at").await,
        1
    );

    // A new token replaces the old one.
    let second = s.create_feed_token(f.teacher, at("2026-03-02"), &audit).await.unwrap();
    assert_ne!(second, token);
    assert_eq!(s.user_by_feed_token(&token).await.unwrap(), None);
    assert_eq!(s.user_by_feed_token(&second).await.unwrap(), Some(f.teacher));
    let other = s.create_feed_token(f.leader, at("2026-03-02"), &audit).await.unwrap();
    assert_eq!(s.user_by_feed_token(&other).await.unwrap(), Some(f.leader));

    assert!(s.revoke_feed(f.teacher, &audit).await.unwrap());
    assert!(!s.revoke_feed(f.teacher, &audit).await.unwrap());
    assert_eq!(s.user_by_feed_token(&second).await.unwrap(), None);
    assert_eq!(s.user_by_feed_token(&other).await.unwrap(), Some(f.leader));
    assert!(matches!(
        s.create_feed_token(9999, at("2026-03-02"), &audit).await,
        Err(StoreError::Config(_))
    ));
    let head = s.audit_head(f.m).await.unwrap().unwrap();
    assert_eq!(head.seq, 4, "three tokens and one revocation");
}

#[tokio::test]
async fn class_conference_with_pupils_and_follow_up_tasks() {
    let f = Fixture::new().await;
    let s = f.s();
    let conference = NewConference {
        class_id: f.class_a,
        held_on: d("2026-02-20"),
        notes: "Gennemgang af 5.A".into(),
        pupils: vec![ConferencePupil {
            child_id: f.ida,
            focus: true,
            note: "Fokuselev: ensom i frikvartererne".into(),
        }],
        tasks: vec![ConferenceTask {
            owner_user_id: f.leader,
            due: d("2026-03-06"),
            title: "Kontakt forældrene".into(),
            child_id: Some(f.ida),
        }],
        by: f.teacher,
        at: at("2026-02-20"),
    };
    let audits = [
        f.audit("conference.save", Some(f.ida)),
        f.audit("conference.save", None),
    ];
    let id = s.save_class_conference(&conference, &audits).await.unwrap();
    let read = s.class_conference(id).await.unwrap().unwrap();
    assert_eq!(
        (read.class_id, read.held_on, read.pupils.clone()),
        (f.class_a, d("2026-02-20"), conference.pupils)
    );
    assert_eq!(s.class_conferences(f.class_a).await.unwrap(), [read]);
    assert!(s.class_conferences(f.class_b).await.unwrap().is_empty());
    let tasks = s.tasks_of_user(f.leader, false).await.unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!((tasks[0].kind, tasks[0].conference_id), (TaskKind::FollowUp, Some(id)));
    assert_eq!(f.audit_actions(f.ida).await, ["conference.save"]);
    assert_eq!(s.audit_head(f.m).await.unwrap().unwrap().seq, 2);
}

#[tokio::test]
async fn chronology_gathers_every_kind_newest_first() {
    use trivsel_domain::absence::Rule;
    let f = Fixture::new().await;
    let s = f.s();
    let audit = f.audit("case", Some(f.ida));
    s.add_concern(
        &NewConcern {
            institution_id: f.school,
            target: CaseTarget::Child(f.ida),
            date: d("2026-01-10"),
            description: "Ida virker trist.".into(),
            severity: Severity::Low,
            categories: vec![ConcernCategory::Emotional],
            by: f.teacher,
            at: at("2026-01-10"),
        },
        &audit,
    )
    .await
    .unwrap();
    let event = trivsel_store::AbsenceEvent {
        date: d("2026-01-20"),
        child_id: f.ida,
        rule: Rule::Consecutive,
        institution_id: f.school,
    };
    s.sync_alerts(f.m, &[f.ida], &[event], d("2025-08-01"), at("2026-01-20"))
        .await
        .unwrap();
    let tier = |tier, when: &str, justification: Option<&str>| NewTierChange {
        target: CaseTarget::Child(f.ida),
        tier,
        reason: "Drøftet i teamet".into(),
        override_justification: justification.map(String::from),
        by: f.leader,
        at: at(when),
    };
    s.set_tier(&tier(Tier::Preventive, "2026-01-25", None), &audit)
        .await
        .unwrap();
    let (plan, _) = s
        .create_plan(
            &f.new_plan(
                CaseTarget::Child(f.ida),
                Tier::Preventive,
                f.content("Mål 1", &["2026-02-15"]),
                "2026-02-01",
            ),
            &audit,
        )
        .await
        .unwrap();
    let mut revised = f.content("Mål 2", &["2026-02-15"]);
    revised.child_voice = "Det er blevet bedre.".into();
    s.save_plan(plan, 1, &revised, f.teacher, at("2026-02-10"), &audit)
        .await
        .unwrap()
        .unwrap();
    s.add_evaluation(plan, &f.evaluation("2026-02-15"), &audit)
        .await
        .unwrap();
    s.save_class_conference(
        &NewConference {
            class_id: f.class_a,
            held_on: d("2026-02-20"),
            notes: String::new(),
            pupils: vec![ConferencePupil {
                child_id: f.ida,
                focus: true,
                note: "Følges".into(),
            }],
            tasks: vec![],
            by: f.teacher,
            at: at("2026-02-20"),
        },
        std::slice::from_ref(&audit),
    )
    .await
    .unwrap();
    s.register_ppv(
        f.ida,
        d("2026-03-01"),
        "PPV 2026-17",
        f.leader,
        at("2026-03-01"),
        &audit,
    )
    .await
    .unwrap();
    let justification = "Akut; forældrene ønsker det";
    s.set_tier(&tier(Tier::Intervening, "2026-03-10", Some(justification)), &audit)
        .await
        .unwrap();
    s.register_pku_referral(
        &NewPkuReferral {
            child_id: f.ida,
            date: d("2026-03-12"),
            note: "Henvist".into(),
            override_justification: Some(justification.into()),
            psychologist: (f.leader, d("2026-03-10")),
            by: f.leader,
            at: at("2026-03-12"),
        },
        &audit,
    )
    .await
    .unwrap();
    // Otto's concern stays out of Ida's chronology.
    s.add_concern(
        &NewConcern {
            institution_id: f.school,
            target: CaseTarget::Child(f.otto),
            date: d("2026-02-01"),
            description: "Otto".into(),
            severity: Severity::Low,
            categories: vec![],
            by: f.teacher,
            at: at("2026-02-01"),
        },
        &f.audit("case", Some(f.otto)),
    )
    .await
    .unwrap();

    let items = s.chronology(ChildGrant::system(f.ida)).await.unwrap();
    let kinds: Vec<(ChronologyKind, NaiveDate)> = items.iter().map(|i| (i.kind, i.date)).collect();
    use ChronologyKind::*;
    assert_eq!(
        kinds,
        [
            (Pku, d("2026-03-12")),
            (TierChange, d("2026-03-10")),
            (Ppv, d("2026-03-01")),
            (Conference, d("2026-02-20")),
            (Evaluation, d("2026-02-15")),
            (PlanVersion, d("2026-02-10")),
            (Plan, d("2026-02-01")),
            (TierChange, d("2026-01-25")),
            (AbsenceAlert, d("2026-01-20")),
            (Concern, d("2026-01-10")),
        ]
    );
    assert!(items.windows(2).all(|w| w[0].date >= w[1].date), "newest first");
    assert!(items[0].summary.contains(justification));
    assert!(items[1].summary.contains(justification), "{}", items[1].summary);
    assert_eq!(items[1].title, "Indsatstrin: Indgribende");
    assert_eq!(items[5].summary, "Ændret: Mål, Barnets stemme.");
    assert_eq!(items[5].ref_id, plan);
    assert!(items[4].title.ends_with("Delvist opnået"), "{}", items[4].title);
    assert_eq!(items[8].categories, [ConcernCategory::Absence]);
    assert_eq!(items[8].title, format!("Fraværsadvarsel: {}", Rule::Consecutive.navn()));
    assert_eq!(items[9].categories, [ConcernCategory::Emotional]);
    assert_eq!(items[9].by.as_deref(), Some("lis Navn"));
    assert!(items[3].title.contains("5.A") && items[3].title.contains("fokuselev"));
    // Every write above was audited with it.
    assert_eq!(f.audit_actions(f.ida).await.len(), 9);
}

#[tokio::test]
async fn concurrent_saves_from_the_same_version_let_exactly_one_through() {
    let f = Fixture::new().await;
    let s = f.s();
    let audit = f.audit("plan", Some(f.ida));
    let (plan, _) = s
        .create_plan(
            &f.new_plan(
                CaseTarget::Child(f.ida),
                Tier::Preventive,
                f.content("a", &["2026-04-01"]),
                "2026-03-01",
            ),
            &audit,
        )
        .await
        .unwrap();
    let contents: Vec<PlanContent> = (0..4)
        .map(|i| f.content(&format!("mål {i}"), &["2026-04-01"]))
        .collect();
    let saves = contents
        .iter()
        .map(|c| s.save_plan(plan, 1, c, f.teacher, at("2026-03-02"), &audit));
    let results: Vec<_> = futures_join_all(saves).await;
    let ok: Vec<usize> = (0..4).filter(|i| results[*i].as_ref().unwrap().is_ok()).collect();
    assert_eq!(ok.len(), 1, "{results:?}");
    for r in &results {
        match r.as_ref().unwrap() {
            Ok(v) => assert_eq!(*v, 2),
            Err(conflict) => assert_eq!(conflict.current_version, 2),
        }
    }
    let current = s.plan(plan).await.unwrap().unwrap();
    assert_eq!(current.content, contents[ok[0]].clone().normalised());
    assert_eq!(s.plan_versions(plan).await.unwrap().len(), 2);
}

/// Runs the futures concurrently on the test's runtime.
async fn futures_join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let futures: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    let mut futures: Vec<Option<_>> = futures.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, out) in futures.iter_mut().zip(outputs.iter_mut()) {
            if let Some(fut) = slot {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *out = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("ready")).collect()
}
