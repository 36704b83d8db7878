//! Concerns (bekymringer), tiers (indsatstrin), goal-and-intervention plans, tasks and a class
//! conference for Nordskolen, so the case views of the demo have content. Everything is dated
//! relative to «today» and picks pupils by their place in the class list, so it follows the
//! demo's fixed seed.
//!
//! * 5.A as a learning community: a concern about the tone in the class chat, the preventive
//!   tier and a preventive class plan, evaluated once.
//! * Pupil 2 of 5.A: concerns about absence, anxiety and school refusal; the anticipatory tier
//!   and an anticipatory plan with an evaluation, and an evaluation date that has passed without
//!   one (an overdue task for `trivsel`).
//! * Pupil 1 of 5.A (the demo pupil, whose case the advisers hold): every tier in turn, a
//!   preventive and an anticipatory plan, both evaluated and then closed, a PPV, and a current
//!   intervening plan.
//! * A few more concerns in 5.A and 8.A with other categories.
//! * A class conference of 5.A three weeks ago with focus pupils and follow-up tasks, one of
//!   them overdue for `leder` and one for `trivsel`.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use trivsel_domain::cases::{
    ConcernCategory as Cat, EvaluationResult, PlanAction, PlanContent, Severity, Tier, escalation_missing,
};
use trivsel_store::{
    AuditEntry, CaseTarget, ConferencePupil, ConferenceTask, NewConcern, NewConference, NewEvaluation, NewPlan,
    NewTierChange, PupilRow, Store, StoreError,
};

/// Where the case data goes.
pub(crate) struct Place<'a> {
    pub municipality_id: i64,
    pub school_id: i64,
    pub class_5a: i64,
    pub pupils_5a: &'a [PupilRow],
    pub pupils_8a: &'a [PupilRow],
    pub users: &'a HashMap<&'static str, i64>,
    pub today: NaiveDate,
}

impl Place<'_> {
    /// The audit row of a demo change made by the demo account `username`.
    pub(crate) fn audit(&self, username: &str, action: &str, child_id: Option<i64>) -> AuditEntry {
        let role = crate::ACCOUNTS
            .iter()
            .find(|(u, _, _)| *u == username)
            .map(|(_, r, _)| r.id())
            .expect("demo account");
        AuditEntry {
            municipality_id: self.municipality_id,
            user_id: Some(self.users[username]),
            username: username.into(),
            role: role.into(),
            action: action.into(),
            child_id,
            criterion: Some("demodata".into()),
            allowed: true,
            address: None,
        }
    }
}

struct Seeder<'a> {
    store: &'a Store,
    place: &'a Place<'a>,
}

impl Seeder<'_> {
    fn user(&self, username: &str) -> i64 {
        self.place.users[username]
    }

    /// The day `offset` days from today, moved back to Friday if it falls on a weekend (dates
    /// in the past stay in the past).
    fn day(&self, offset: i64) -> NaiveDate {
        let day = self.place.today + Duration::days(offset);
        match day.weekday() {
            Weekday::Sat => day - Duration::days(1),
            Weekday::Sun => day - Duration::days(2),
            _ => day,
        }
    }

    /// 09:00 UTC on the day `offset` days from today.
    fn at(&self, offset: i64) -> DateTime<Utc> {
        self.day(offset).and_hms_opt(9, 0, 0).expect("valid time").and_utc()
    }

    fn audit(&self, username: &str, action: &str, child_id: Option<i64>) -> AuditEntry {
        self.place.audit(username, action, child_id)
    }

    async fn concern(
        &self,
        target: CaseTarget,
        by: &str,
        days_ago: i64,
        severity: Severity,
        categories: &[Cat],
        description: &str,
    ) -> Result<i64, StoreError> {
        let concern = NewConcern {
            institution_id: self.place.school_id,
            target,
            date: self.day(-days_ago),
            description: description.into(),
            severity,
            categories: categories.to_vec(),
            by: self.user(by),
            at: self.at(-days_ago),
        };
        let audit = self.audit(by, "concern.create", target.child_id());
        self.store.add_concern(&concern, &audit).await
    }

    async fn tier(
        &self,
        target: CaseTarget,
        tier: Tier,
        by: &str,
        days_ago: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let change = NewTierChange {
            target,
            tier,
            reason: reason.into(),
            override_justification: None,
            by: self.user(by),
            at: self.at(-days_ago),
        };
        let audit = self.audit(by, "tier.change", target.child_id());
        self.store.set_tier(&change, &audit).await.map(|_| ())
    }

    async fn plan(
        &self,
        target: CaseTarget,
        tier: Tier,
        title: &str,
        days_ago: i64,
        content: PlanContent,
    ) -> Result<i64, StoreError> {
        let plan = NewPlan {
            institution_id: self.place.school_id,
            target,
            tier,
            title: title.into(),
            content,
            by: self.user("trivsel"),
            at: self.at(-days_ago),
        };
        let audit = self.audit("trivsel", "plan.create", target.child_id());
        Ok(self.store.create_plan(&plan, &audit).await?.0)
    }

    /// Records the evaluation due `days_ago` and marks its task done.
    async fn evaluate(
        &self,
        plan_id: i64,
        child: Option<i64>,
        days_ago: i64,
        result: EvaluationResult,
        text: &str,
        next_step: &str,
    ) -> Result<(), StoreError> {
        let evaluation = NewEvaluation {
            date: self.day(-days_ago),
            result,
            text: text.into(),
            next_step: next_step.into(),
            by: self.user("trivsel"),
            at: self.at(-days_ago),
        };
        let audit = self.audit("trivsel", "plan.evaluate", child);
        self.store.add_evaluation(plan_id, &evaluation, &audit).await?;
        self.complete_plan_task("trivsel", plan_id, self.day(-days_ago), days_ago, "Evalueret på mødet.")
            .await
    }

    async fn complete_plan_task(
        &self,
        owner: &str,
        plan_id: i64,
        due: NaiveDate,
        days_ago: i64,
        note: &str,
    ) -> Result<(), StoreError> {
        let tasks = self.store.tasks_of_user(self.user(owner), false).await?;
        if let Some(task) = tasks.iter().find(|t| t.plan_id == Some(plan_id) && t.due == due) {
            let audit = self.audit(owner, "task.complete", task.child_id);
            self.store
                .complete_task(task.id, self.user(owner), self.at(-days_ago), Some(note), &audit)
                .await?;
        }
        Ok(())
    }

    /// Closes (afslutter) a plan that has been replaced by one at the next tier.
    async fn close(&self, plan_id: i64, child: Option<i64>, days_ago: i64) -> Result<(), StoreError> {
        let audit = self.audit("trivsel", "plan.close", child);
        self.store
            .close_plan(plan_id, self.user("trivsel"), self.at(-days_ago), &audit)
            .await
            .map(|_| ())
    }

    fn action(&self, what: &str, owner: &str, owner_name: &str, from: i64, to: i64) -> PlanAction {
        PlanAction {
            what: what.into(),
            responsible_user_id: Some(self.user(owner)),
            responsible_name: owner_name.into(),
            from: self.day(from),
            to: self.day(to),
        }
    }
}

/// Seeds the case data. Returns the number of concerns.
pub(crate) async fn seed(store: &Store, place: &Place<'_>) -> Result<usize, StoreError> {
    let s = Seeder { store, place };
    let p5 = place.pupils_5a;
    let (demo_pupil, teased, absent, grieving) = (p5[0].id, p5[1].id, p5[2].id, p5[3].id);
    let class = CaseTarget::Class(place.class_5a);
    let mut concerns = 0;

    // 5.A as a learning community: preventive.
    s.concern(
        class,
        "laerer",
        60,
        Severity::Medium,
        &[Cat::Social, Cat::DigitalBullying],
        "Flere elever fortæller om grimme beskeder i klassens chatgruppe efter skoletid, og der er \
         klikedannelse og uro i frikvartererne.",
    )
    .await?;
    concerns += 1;
    s.tier(
        class,
        Tier::Preventive,
        "trivsel",
        55,
        "Klassen arbejder med fællesskab og god tone, også online.",
    )
    .await?;
    let class_plan = s
        .plan(
            class,
            Tier::Preventive,
            "Fællesskab og god tone i 5.A",
            55,
            PlanContent {
                context: "Uro og grimme beskeder i klassens chatgruppe; nogle elever holdes udenfor.".into(),
                goals: "Alle elever oplever at høre til i klassen, og tonen online er venlig.".into(),
                signs: "Færre konflikter efter frikvarteret; eleverne leger på tværs af grupperne.".into(),
                actions: vec![
                    s.action(
                        "Klassemøde hver fredag om trivsel og tone",
                        "laerer",
                        "Klasselæreren",
                        -55,
                        30,
                    ),
                    s.action(
                        "Faste legegrupper i frikvarteret på tværs af klikerne",
                        "laerer",
                        "Klasselæreren",
                        -50,
                        30,
                    ),
                ],
                evaluation_dates: vec![s.day(-20), s.day(40)],
                child_voice: "Eleverne har selv lavet klassens regler for chatgruppen.".into(),
                parents_perspective: "Forældrene er orienteret på forældremødet og bakker op om reglerne.".into(),
                pupil_voice: String::new(),
                end_date: Some(s.day(120)),
            },
        )
        .await?;
    s.evaluate(
        class_plan,
        None,
        20,
        EvaluationResult::PartlyAchieved,
        "Tonen i chatgruppen er bedre; legegrupperne virker for de fleste.",
        "Fortsæt klassemøderne; følg op på de elever, der stadig står udenfor.",
    )
    .await?;

    // A pupil who is left out.
    s.concern(
        CaseTarget::Child(teased),
        "laerer",
        40,
        Severity::Medium,
        &[Cat::Social, Cat::Bullying],
        "Holdes udenfor i frikvartererne og har fået grimme kommentarer om sit tøj.",
    )
    .await?;
    s.concern(
        CaseTarget::Child(grieving),
        "laerer",
        25,
        Severity::Low,
        &[Cat::Family, Cat::GriefDivorce],
        "Forældrene er gået fra hinanden; eleven er stille og træt om mandagen.",
    )
    .await?;
    concerns += 2;

    // Absence and anxiety: anticipatory, with an evaluation date that has passed (overdue).
    s.concern(
        CaseTarget::Child(absent),
        "laerer",
        90,
        Severity::High,
        &[Cat::Absence, Cat::Anxiety],
        "Meget fravær om mandagen; ondt i maven om morgenen og svært ved at komme ind i klassen.",
    )
    .await?;
    s.concern(
        CaseTarget::Child(absent),
        "trivsel",
        30,
        Severity::High,
        &[Cat::SchoolRefusal],
        "Har ikke været i skole i fire dage; forældrene kan ikke få eleven afsted.",
    )
    .await?;
    concerns += 2;
    s.tier(
        CaseTarget::Child(absent),
        Tier::Anticipatory,
        "trivsel",
        80,
        "Fravær og angst; samarbejde med forældre og PPR om en tryg skolestart.",
    )
    .await?;
    let absent_plan = s
        .plan(
            CaseTarget::Child(absent),
            Tier::Anticipatory,
            "Tryg skolestart om morgenen",
            80,
            PlanContent {
                context: "Fravær især om mandagen; ondt i maven og uro ved skolestart.".into(),
                goals: "Eleven kommer i skole hver dag og er i klassen fra første time.".into(),
                signs: "Under 5 % fravær pr. måned; eleven går selv ind i klassen.".into(),
                actions: vec![
                    s.action(
                        "Modtagelse ved indgangen kl. 7.50 af en kendt voksen",
                        "laerer",
                        "Klasselæreren",
                        -80,
                        60,
                    ),
                    s.action(
                        "Ugentlig samtale med trivselspersonen",
                        "trivsel",
                        "Trivselspersonen",
                        -80,
                        60,
                    ),
                ],
                evaluation_dates: vec![s.day(-45), s.day(-5), s.day(30)],
                child_voice: "Vil gerne have en fast voksen at gå ind med om morgenen.".into(),
                parents_perspective: "Forældrene ringer til skolen, hvis morgenen går skævt.".into(),
                pupil_voice: String::new(),
                end_date: Some(s.day(90)),
            },
        )
        .await?;
    s.evaluate(
        absent_plan,
        Some(absent),
        45,
        EvaluationResult::PartlyAchieved,
        "Fraværet er faldet, men mandagene er stadig svære.",
        "Fortsæt modtagelsen; tal med PPR om angsten.",
    )
    .await?;

    // The demo pupil: every tier in turn, the prerequisites for intervening measures, and a PPV.
    let child = CaseTarget::Child(demo_pupil);
    s.concern(
        child,
        "laerer",
        200,
        Severity::Medium,
        &[Cat::Emotional, Cat::Behaviour],
        "Udadreagerende i timerne og ked af det i frikvartererne.",
    )
    .await?;
    s.concern(
        child,
        "trivsel",
        100,
        Severity::High,
        &[Cat::Family, Cat::Academic],
        "Uro i familien; eleven er bagud fagligt og siger, at ingen kan lide én.",
    )
    .await?;
    concerns += 2;
    s.tier(child, Tier::Preventive, "laerer", 190, "Støtte i klassefællesskabet.")
        .await?;
    let preventive = s
        .plan(
            child,
            Tier::Preventive,
            "Støtte i klassefællesskabet",
            190,
            PlanContent {
                context: "Konflikter i timerne og ensomhed i frikvartererne.".into(),
                goals: "Eleven har en fast legekammerat og færre konflikter.".into(),
                signs: "Højst én konflikt om ugen.".into(),
                actions: vec![],
                evaluation_dates: vec![s.day(-150)],
                child_voice: "Vil gerne være med i fodbold.".into(),
                parents_perspective: String::new(),
                pupil_voice: String::new(),
                end_date: Some(s.day(-100)),
            },
        )
        .await?;
    s.evaluate(
        preventive,
        Some(demo_pupil),
        150,
        EvaluationResult::NotAchieved,
        "Konflikterne fortsætter; eleven er mere alene.",
        "Foregribende indsats med trivselspersonen og forældrene.",
    )
    .await?;
    s.close(preventive, Some(demo_pupil), 120).await?;
    s.tier(
        child,
        Tier::Anticipatory,
        "trivsel",
        120,
        "Den forebyggende indsats er ikke nok; tæt samarbejde med hjemmet.",
    )
    .await?;
    let anticipatory = s
        .plan(
            child,
            Tier::Anticipatory,
            "Tæt samarbejde med hjemmet",
            120,
            PlanContent {
                context: "Konflikter, ensomhed og uro i familien.".into(),
                goals: "Eleven kan sætte ord på det svære og har en voksen at gå til.".into(),
                signs: "Eleven opsøger selv trivselspersonen; færre udbrud.".into(),
                actions: vec![s.action(
                    "Ugentlig samtale med trivselspersonen",
                    "trivsel",
                    "Trivselspersonen",
                    -120,
                    -30,
                )],
                evaluation_dates: vec![s.day(-60)],
                child_voice: "Samtalerne hjælper lidt, men det er svært derhjemme.".into(),
                parents_perspective: "Forældrene ønsker hjælp udefra.".into(),
                pupil_voice: String::new(),
                end_date: Some(s.day(-10)),
            },
        )
        .await?;
    s.evaluate(
        anticipatory,
        Some(demo_pupil),
        60,
        EvaluationResult::NotAchieved,
        "Ingen bedring; eleven trækker sig mere.",
        "Pædagogisk-psykologisk vurdering ved PPR.",
    )
    .await?;
    s.complete_plan_task("trivsel", anticipatory, s.day(-30), 30, "Forløbet er gennemført.")
        .await?;
    let ppv = s.audit("ppr", "ppv.register", Some(demo_pupil));
    store
        .register_ppv(
            demo_pupil,
            s.day(-40),
            "PPR-journal 2026-117",
            s.user("ppr"),
            s.at(-40),
            &ppv,
        )
        .await?;
    s.plan(
        child,
        Tier::Intervening,
        "Indgribende indsats med PPR og familien",
        12,
        PlanContent {
            context: "PPV viser behov for et særligt tilrettelagt forløb.".into(),
            goals: "Eleven trives i skolen og deltager i undervisningen hver dag.".into(),
            signs: "Eleven deltager i mindst fire ud af fem skoledage og har færre konflikter.".into(),
            actions: vec![
                s.action("Forløb med PPR-psykolog", "ppr", "PPR-psykologen", -10, 60),
                s.action("Støttetimer i dansk og matematik", "laerer", "Klasselæreren", -10, 90),
            ],
            evaluation_dates: vec![s.day(25), s.day(60)],
            child_voice: "Vil gerne blive i klassen.".into(),
            parents_perspective: "Forældrene deltager i forløbet hos PPR.".into(),
            pupil_voice: String::new(),
            end_date: Some(s.day(120)),
        },
    )
    .await?;
    s.close(anticipatory, Some(demo_pupil), 10).await?;
    let facts = store.escalation_facts(demo_pupil, place.today).await?;
    let missing = escalation_missing(&facts);
    if !missing.is_empty() {
        return Err(StoreError::Config(format!(
            "demodata: forudsætninger for indgribende indsats mangler: {missing:?}"
        )));
    }
    s.tier(
        child,
        Tier::Intervening,
        "leder",
        10,
        "PPV og evaluerede forebyggende og foregribende planer foreligger.",
    )
    .await?;

    // A few more concerns elsewhere in the school.
    if let [first, second, ..] = place.pupils_8a {
        s.concern(
            CaseTarget::Child(first.id),
            "trivsel",
            15,
            Severity::Low,
            &[Cat::Academic, Cat::Other],
            "Afleverer ikke opgaver og virker uoplagt.",
        )
        .await?;
        s.concern(
            CaseTarget::Child(second.id),
            "trivsel",
            7,
            Severity::High,
            &[Cat::PhysicalHealth, Cat::SelfHarm],
            "En klassekammerat fortæller om rifter på armene; sundhedsplejersken er orienteret.",
        )
        .await?;
        concerns += 2;
    }

    // The class conference of 5.A, three weeks ago.
    let focus = [demo_pupil, teased, absent];
    let notes: HashMap<i64, &str> = [
        (demo_pupil, "Indgribende indsats med PPR er i gang."),
        (teased, "Holdes udenfor; legegrupperne skal følges."),
        (absent, "Fraværet er faldet, men mandagene er svære."),
    ]
    .into_iter()
    .collect();
    let conference = NewConference {
        class_id: place.class_5a,
        held_on: s.day(-21),
        notes: "Bedre tone i klassen efter klassemøderne. Tre fokuselever.".into(),
        pupils: p5
            .iter()
            .map(|p| ConferencePupil {
                child_id: p.id,
                focus: focus.contains(&p.id),
                note: notes.get(&p.id).copied().unwrap_or_default().into(),
            })
            .collect(),
        tasks: vec![
            ConferenceTask {
                owner_user_id: s.user("leder"),
                due: s.day(-4),
                title: "Indkald forældrene til møde om fravær".into(),
                child_id: Some(absent),
            },
            ConferenceTask {
                owner_user_id: s.user("trivsel"),
                due: s.day(-2),
                title: "Observation i klassen i dansktimerne".into(),
                child_id: None,
            },
            ConferenceTask {
                owner_user_id: s.user("laerer"),
                due: s.day(7),
                title: "Samtale med eleven om frikvartererne".into(),
                child_id: Some(teased),
            },
        ],
        by: s.user("trivsel"),
        at: s.at(-21),
    };
    let audits: Vec<AuditEntry> = p5
        .iter()
        .map(|p| s.audit("trivsel", "conference.save", Some(p.id)))
        .collect();
    store.save_class_conference(&conference, &audits).await?;
    Ok(concerns)
}
