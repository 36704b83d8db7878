//! Consent, Trivselsforum, fraværssamråd, action plans and notifications, and anonymous
//! consultations. They run on the backend chosen by `TRIVSEL_TEST_DB` (see `testing`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::meetings::{
    CloseRefusal, ConsentAction, ConsentMethod, ConsentScope, DeadlineState, IdentityWarning, Lapse, MeetingKind,
    MeetingStatus, Minutes, NotificationKind, ParticipantRole, SamraadMinutes, Statement, check_consent,
    missing_participants, samraad_deadline,
};
use trivsel_domain::model::Role;
use trivsel_store::testing::TestDb;
use trivsel_store::{
    AnonymousSave, AuditEntry, CaseTarget, NewAgendaItem, NewAnonymousConsultation, NewConsent, NewGuardian,
    NewMeeting, NewMeetingAction, NewParticipant, NewUser, Store, StoreError,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    format!("{s}T10:00:00Z").parse().unwrap()
}

fn local(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

/// A school with Ida (5.A) and Otto (5.B); staff for a full fraværssamråd; Ida's parents Mette
/// (with an account) and Jens (account, custody) and Karl (account, no custody).
struct Fixture {
    db: TestDb,
    m: i64,
    school: i64,
    class_a: i64,
    ida: i64,
    otto: i64,
    teacher: i64,
    other_teacher: i64,
    leader: i64,
    ppr1: i64,
    ppr2: i64,
    social: i64,
    health: i64,
    mette_user: i64,
    jens_user: i64,
    karl_user: i64,
    mette: i64,
    karl: i64,
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
        let class_a = classes.iter().find(|c| c.name == "5.A").unwrap().id;
        let user = |username: &str, role: Role, class_ids: Vec<i64>| NewUser {
            municipality_id: m,
            username: username.into(),
            name: format!("{username} Navn"),
            email: None,
            role,
            institution_id: role.is_staff().then_some(school),
            child_id: None,
            password_hash: None,
            demo_only: false,
            class_ids,
        };
        let mk = |u: NewUser| async move { s.create_user(&u, None).await.unwrap() };
        let teacher = mk(user("lis", Role::Teacher, vec![class_a])).await;
        let other_teacher = mk(user("per", Role::Teacher, vec![])).await;
        let leader = mk(user("bo", Role::Leader, vec![])).await;
        let ppr1 = mk(user("ppr1", Role::Psychologist, vec![])).await;
        let ppr2 = mk(user("ppr2", Role::Psychologist, vec![])).await;
        let social = mk(user("sara", Role::SocialWorker, vec![])).await;
        let health = mk(user("hanne", Role::HealthVisitor, vec![])).await;
        let mette_user = mk(user("mette", Role::Guardian, vec![])).await;
        let jens_user = mk(user("jens", Role::Guardian, vec![])).await;
        let karl_user = mk(user("karl", Role::Guardian, vec![])).await;
        let ida = s.child_id(m, "P1").await.unwrap().unwrap();
        let otto = s.child_id(m, "P2").await.unwrap().unwrap();
        let guardian = |name: &str, user_id: i64| NewGuardian {
            name: name.into(),
            user_id: Some(user_id),
            children: vec![ida],
        };
        s.add_guardians(
            m,
            &[
                guardian("Mette Hansen", mette_user),
                guardian("Jens Hansen", jens_user),
                guardian("Karl Hansen", karl_user),
            ],
        )
        .await
        .unwrap();
        let mette = s.guardian_of_user(mette_user).await.unwrap().unwrap();
        let karl = s.guardian_of_user(karl_user).await.unwrap().unwrap();
        db.execute(&format!(
            "UPDATE guardianships SET custody = FALSE WHERE guardian_id = {karl}"
        ))
        .await;
        Fixture {
            db,
            m,
            school,
            class_a,
            ida,
            otto,
            teacher,
            other_teacher,
            leader,
            ppr1,
            ppr2,
            social,
            health,
            mette_user,
            jens_user,
            karl_user,
            mette,
            karl,
        }
    }

    fn s(&self) -> &Store {
        &self.db.store
    }

    fn audit(&self, action: &str, child: Option<i64>) -> AuditEntry {
        AuditEntry {
            municipality_id: self.m,
            user_id: Some(self.leader),
            username: "bo".into(),
            role: "skoleleder".into(),
            action: action.into(),
            child_id: child,
            criterion: None,
            allowed: true,
            address: None,
        }
    }

    async fn audit_seq(&self) -> i64 {
        self.s().audit_head(self.m).await.unwrap().map_or(0, |h| h.seq)
    }

    fn consent(&self, scope: ConsentScope, given_on: &str) -> NewConsent {
        NewConsent {
            child_id: self.ida,
            guardian_id: self.mette,
            scope,
            given_on: d(given_on),
            expires_on: None,
            method: ConsentMethod::StaffFromPaper,
            recorded_by: self.teacher,
            at: at(given_on),
        }
    }

    fn meeting(&self, kind: MeetingKind, target: Option<CaseTarget>, convened: &str, start: &str) -> NewMeeting {
        NewMeeting {
            institution_id: self.school,
            kind,
            target,
            title: kind.navn().into(),
            starts_at: local(&format!("{start}T08:30:00")),
            ends_at: local(&format!("{start}T10:00:00")),
            location: Some("Mødelokale 2".into()),
            convened_on: d(convened),
            convened_by: self.leader,
            alert_id: None,
            parents_attend: true,
            invited: Vec::new(),
            at: at(convened),
        }
    }

    /// A fraværssamråd about Ida with every required participant, a UU counsellor without an
    /// account and the health visitor.
    async fn full_samraad(&self, convened: &str, start: &str) -> i64 {
        let s = self.s();
        let id = s
            .create_meeting(
                &self.meeting(
                    MeetingKind::AbsenceCouncil,
                    Some(CaseTarget::Child(self.ida)),
                    convened,
                    start,
                ),
                &self.audit("meeting.create", Some(self.ida)),
            )
            .await
            .unwrap();
        use ParticipantRole::*;
        let participants = [
            NewParticipant::External {
                name: "Ida".into(),
                role: Pupil,
            },
            NewParticipant::User {
                user_id: self.mette_user,
                role: Parent,
            },
            NewParticipant::User {
                user_id: self.leader,
                role: SchoolLeader,
            },
            NewParticipant::User {
                user_id: self.teacher,
                role: Teacher,
            },
            NewParticipant::User {
                user_id: self.ppr1,
                role: Psychologist,
            },
            NewParticipant::User {
                user_id: self.ppr2,
                role: Psychologist,
            },
            NewParticipant::User {
                user_id: self.social,
                role: SocialWorker,
            },
            NewParticipant::User {
                user_id: self.health,
                role: HealthVisitor,
            },
            NewParticipant::External {
                name: "Uffe UU".into(),
                role: UuCounsellor,
            },
        ];
        for p in &participants {
            s.add_participant(id, p, &self.audit("meeting.participant", Some(self.ida)))
                .await
                .unwrap();
        }
        id
    }
}

fn rounds() -> Minutes {
    let said = |who: &str, text: &str| {
        vec![Statement {
            speaker: who.into(),
            text: text.into(),
        }]
    };
    Minutes::Rounds(SamraadMinutes {
        hopes: said("Mor", "At Ida kommer i skole igen."),
        obstacles: said("Ida", "Ondt i maven om morgenen."),
        helps: said("Lærer", "En fast makker."),
        contributions: said("Skoleleder", "Morgenmodtagelse kl. 7.45."),
    })
}

#[tokio::test]
async fn consent_is_enforced_for_each_scope_and_ends_on_revocation() {
    let f = Fixture::new().await;
    let s = f.s();
    let today = d("2026-03-10");
    let actions = [
        ConsentAction::TrivselsforumAgendaItem { parents_attend: false },
        ConsentAction::NetworkMeeting {
            parents_participate: false,
        },
        ConsentAction::SocialWorkerAccess,
        ConsentAction::Ppv,
        ConsentAction::ShareTransitionForm,
    ];
    for action in actions {
        let scope = action.scope();
        let refusal = check_consent(action, &s.consent_facts(f.ida).await.unwrap(), today).unwrap_err();
        assert_eq!(refusal.scope, scope);
        assert!(!s.consent_in_force(f.ida, scope, today).await.unwrap());

        let id = s
            .give_consent(&f.consent(scope, "2026-03-02"), &f.audit("consent.give", Some(f.ida)))
            .await
            .unwrap();
        assert_eq!(
            check_consent(action, &s.consent_facts(f.ida).await.unwrap(), today),
            Ok(())
        );
        assert!(s.consent_in_force(f.ida, scope, today).await.unwrap());
        // Only this scope: the others still refused.
        assert!(!s.consent_in_force(f.otto, scope, today).await.unwrap());

        assert!(
            s.revoke_consent(
                id,
                today,
                f.mette_user,
                at("2026-03-10"),
                &f.audit("consent.revoke", Some(f.ida))
            )
            .await
            .unwrap()
        );
        let refusal = check_consent(action, &s.consent_facts(f.ida).await.unwrap(), today).unwrap_err();
        assert_eq!(refusal.lapse, Some(Lapse::Revoked(today)));
        assert!(refusal.message().contains("trukket tilbage 10.03.2026"), "{refusal}");
        assert!(!s.consent_in_force(f.ida, scope, today).await.unwrap());
        assert!(
            s.consent_in_force(f.ida, scope, d("2026-03-09")).await.unwrap(),
            "in force before"
        );
        // Revoking twice does nothing.
        let seq = f.audit_seq().await;
        assert!(
            !s.revoke_consent(
                id,
                today,
                f.mette_user,
                at("2026-03-10"),
                &f.audit("consent.revoke", Some(f.ida))
            )
            .await
            .unwrap()
        );
        assert_eq!(f.audit_seq().await, seq);
    }
    let all = s.consents_of_child(ChildGrant::system(f.ida)).await.unwrap();
    assert_eq!(all.len(), 5);
    // The chronology shows each consent given and revoked, the revocation first.
    let consents: Vec<(String, String)> = s
        .chronology(ChildGrant::system(f.ida))
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.kind == trivsel_domain::cases::ChronologyKind::Consent)
        .map(|i| (i.title, i.summary))
        .collect();
    assert_eq!(consents.len(), 10, "{consents:?}");
    assert!(consents[0].0.starts_with("Samtykke trukket tilbage: "), "{consents:?}");
    assert!(
        consents
            .iter()
            .any(|(t, s)| t == "Samtykke givet: Drøftelse i Trivselsforum"
                && s == "Forælder: Mette Hansen. Registreret af personale fra papirblanket."),
        "{consents:?}"
    );
    assert!(
        all.iter()
            .all(|c| c.consent.revoked_on == Some(today) && c.revoked_by == Some(f.mette_user))
    );
    assert!(
        all.iter()
            .all(|c| c.guardian_name == "Mette Hansen" && c.recorded_by_name == "lis Navn")
    );
    let actions: Vec<String> = s
        .child_audit(f.ida, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "consent.give").count(), 5);
    assert_eq!(actions.iter().filter(|a| *a == "consent.revoke").count(), 5);
}

#[tokio::test]
async fn consent_needs_custody_and_the_parent_view_needs_the_guardian_himself() {
    let f = Fixture::new().await;
    let s = f.s();
    let seq = f.audit_seq().await;
    // Karl has no custody.
    let mut no_custody = f.consent(ConsentScope::Ppv, "2026-03-02");
    no_custody.guardian_id = f.karl;
    let err = s
        .give_consent(&no_custody, &f.audit("consent.give", Some(f.ida)))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Config(_)));
    assert!(err.to_string().contains("forældremyndighed"), "{err}");
    // In the parent view only the guardian's own account gives consent.
    let mut parent_view = f.consent(ConsentScope::Ppv, "2026-03-02");
    parent_view.method = ConsentMethod::ParentView;
    assert!(
        s.give_consent(&parent_view, &f.audit("consent.give", Some(f.ida)))
            .await
            .is_err()
    );
    // Expiry before the date given.
    let mut backwards = f.consent(ConsentScope::Ppv, "2026-03-02");
    backwards.expires_on = Some(d("2026-03-01"));
    assert!(
        s.give_consent(&backwards, &f.audit("consent.give", Some(f.ida)))
            .await
            .is_err()
    );
    assert!(
        s.consents_of_child(ChildGrant::system(f.ida)).await.unwrap().is_empty(),
        "nothing written"
    );
    assert_eq!(f.audit_seq().await, seq);

    parent_view.recorded_by = f.mette_user;
    parent_view.expires_on = Some(d("2026-06-30"));
    let id = s
        .give_consent(&parent_view, &f.audit("consent.give", Some(f.ida)))
        .await
        .unwrap();
    let c = s.consent(id).await.unwrap().unwrap();
    assert_eq!(c.consent.method, ConsentMethod::ParentView);
    assert!(c.custody);
    assert!(
        s.consent_in_force(f.ida, ConsentScope::Ppv, d("2026-06-30"))
            .await
            .unwrap()
    );
    assert!(
        !s.consent_in_force(f.ida, ConsentScope::Ppv, d("2026-07-01"))
            .await
            .unwrap(),
        "expired"
    );
    // A revocation dated before the consent is refused.
    assert!(
        s.revoke_consent(
            id,
            d("2026-03-01"),
            f.mette_user,
            at("2026-03-03"),
            &f.audit("consent.revoke", None)
        )
        .await
        .is_err()
    );
    // Losing custody ends the consent too.
    f.db.execute(&format!(
        "UPDATE guardianships SET custody = FALSE WHERE guardian_id = {}",
        f.mette
    ))
    .await;
    assert!(
        !s.consent_in_force(f.ida, ConsentScope::Ppv, d("2026-03-10"))
            .await
            .unwrap()
    );
    assert!(s.consent_facts(f.ida).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_social_workers_access_ends_when_consent_is_revoked() {
    let f = Fixture::new().await;
    let s = f.s();
    let today = d("2026-03-10");
    let assign = |user_id| trivsel_store::NewAssignment {
        user_id,
        child_id: f.ida,
        reason: "Tilknyttet".into(),
        ends_on: None,
        assigned_by: None,
        at: at("2026-03-01"),
    };
    let audit = f.audit("assignment.create", Some(f.ida));
    s.assign_advisers(&[assign(f.social), assign(f.ppr1)], &audit)
        .await
        .unwrap();
    let social = s.user_by_id(f.social).await.unwrap().unwrap();
    let ppr = s.user_by_id(f.ppr1).await.unwrap().unwrap();
    let assigned = |user: &trivsel_store::User, on: NaiveDate| {
        let user = user.clone();
        async move { s.actor(&user, on).await.unwrap().assigned_children }
    };
    assert!(assigned(&social, today).await.is_empty(), "no consent, no access");
    assert_eq!(assigned(&ppr, today).await, vec![f.ida], "other advisers as assigned");
    let id = s
        .give_consent(
            &f.consent(ConsentScope::SocialWorker, "2026-03-02"),
            &f.audit("consent.give", Some(f.ida)),
        )
        .await
        .unwrap();
    assert_eq!(assigned(&social, today).await, vec![f.ida]);
    assert!(
        assigned(&social, d("2026-03-01")).await.is_empty(),
        "not before it was given"
    );
    s.revoke_consent(
        id,
        today,
        f.mette_user,
        at("2026-03-10"),
        &f.audit("consent.revoke", Some(f.ida)),
    )
    .await
    .unwrap();
    assert!(assigned(&social, today).await.is_empty(), "revoked from today");
    assert_eq!(
        assigned(&social, d("2026-03-09")).await,
        vec![f.ida],
        "in force the day before"
    );
    // A consent for another scope does not give access.
    s.give_consent(
        &f.consent(ConsentScope::Ppv, "2026-03-02"),
        &f.audit("consent.give", Some(f.ida)),
    )
    .await
    .unwrap();
    assert!(assigned(&social, today).await.is_empty());
    // Nor one from a guardian who has lost custody.
    s.give_consent(
        &f.consent(ConsentScope::SocialWorker, "2026-03-10"),
        &f.audit("consent.give", Some(f.ida)),
    )
    .await
    .unwrap();
    assert_eq!(assigned(&social, today).await, vec![f.ida]);
    f.db.execute(&format!(
        "UPDATE guardianships SET custody = FALSE WHERE guardian_id = {}",
        f.mette
    ))
    .await;
    assert!(assigned(&social, today).await.is_empty(), "custody lost");
    assert_eq!(assigned(&ppr, today).await, vec![f.ida]);
}

#[tokio::test]
async fn trivselsforum_has_fixed_members_and_agenda_items_with_outcomes() {
    let f = Fixture::new().await;
    let s = f.s();
    s.set_forum_members(
        f.school,
        &[
            (f.leader, ParticipantRole::SchoolLeader),
            (f.ppr1, ParticipantRole::Psychologist),
            (f.health, ParticipantRole::HealthVisitor),
        ],
        &f.audit("forum.members", None),
    )
    .await
    .unwrap();
    let members = s.forum_members(f.school).await.unwrap();
    assert_eq!(
        members.iter().map(|m| (m.user_id, m.role)).collect::<Vec<_>>(),
        vec![
            (f.leader, ParticipantRole::SchoolLeader),
            (f.ppr1, ParticipantRole::Psychologist),
            (f.health, ParticipantRole::HealthVisitor)
        ]
    );
    let id = s
        .create_meeting(
            &f.meeting(MeetingKind::Trivselsforum, None, "2026-03-02", "2026-03-12"),
            &f.audit("meeting.create", None),
        )
        .await
        .unwrap();
    let participants = s.participants(id).await.unwrap();
    assert_eq!(participants.len(), 3, "the fixed members take part");
    // An ad-hoc member for this meeting only.
    s.add_participant(
        id,
        &NewParticipant::User {
            user_id: f.social,
            role: ParticipantRole::SocialWorker,
        },
        &f.audit("meeting.participant", None),
    )
    .await
    .unwrap();
    assert!(
        s.add_participant(
            id,
            &NewParticipant::User {
                user_id: f.social,
                role: ParticipantRole::SocialWorker,
            },
            &f.audit("meeting.participant", None),
        )
        .await
        .is_err(),
        "once"
    );
    assert_eq!(s.participants(id).await.unwrap().len(), 4);
    assert_eq!(s.forum_members(f.school).await.unwrap().len(), 3);

    // Ida without her parents: refused until consent, as the web layer asks it.
    let today = d("2026-03-05");
    let item = NewAgendaItem {
        target: CaseTarget::Child(f.ida),
        topic: "Ida trækker sig fra klassen".into(),
        parents_attend: false,
    };
    let ask = |facts: &[trivsel_domain::meetings::Consent]| {
        check_consent(
            ConsentAction::TrivselsforumAgendaItem {
                parents_attend: item.parents_attend,
            },
            facts,
            today,
        )
    };
    assert!(ask(&s.consent_facts(f.ida).await.unwrap()).is_err());
    s.give_consent(
        &f.consent(ConsentScope::Trivselsforum, "2026-03-04"),
        &f.audit("consent.give", Some(f.ida)),
    )
    .await
    .unwrap();
    assert!(ask(&s.consent_facts(f.ida).await.unwrap()).is_ok());
    let item_id = s
        .add_agenda_item(id, &item, &f.audit("agenda.add", Some(f.ida)))
        .await
        .unwrap();
    let class_item = s
        .add_agenda_item(
            id,
            &NewAgendaItem {
                target: CaseTarget::Class(f.class_a),
                topic: "Uro i 5.A".into(),
                parents_attend: false,
            },
            &f.audit("agenda.add", None),
        )
        .await
        .unwrap();
    assert!(
        s.record_agenda_outcome(
            item_id,
            "Trivselspersonen taler med Ida ugentligt; Bo følger op 1. april.",
            "Klasselæreren ringer til mor fredag.",
            &f.audit("agenda.outcome", Some(f.ida)),
        )
        .await
        .unwrap()
    );
    let items = s.agenda_items(id).await.unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].target, CaseTarget::Child(f.ida));
    assert_eq!(items[0].parents_informed, "Klasselæreren ringer til mor fredag.");
    assert_eq!(items[1].id, class_item);
    assert_eq!(items[1].plan, "");
    let of_ida = s.meetings_of_child(ChildGrant::system(f.ida)).await.unwrap();
    assert_eq!(of_ida.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
    assert!(
        s.meetings_of_child(ChildGrant::system(f.otto))
            .await
            .unwrap()
            .is_empty()
    );
    // Trivselsforum closes without a follow-up date.
    s.record_minutes(
        id,
        d("2026-03-12"),
        &Minutes::Notes {
            text: "Drøftet.".into(),
        },
        &f.audit("meeting.minutes", None),
    )
    .await
    .unwrap();
    assert!(
        s.close_meeting(id, None, f.leader, at("2026-03-12"), &[f.audit("meeting.close", None)])
            .await
            .unwrap()
            .is_ok()
    );
}

#[tokio::test]
async fn samraad_deadline_across_easter_and_kristi_himmelfart_and_share_in_time() {
    let f = Fixture::new().await;
    let s = f.s();
    // Convened Tuesday 23 March 2027: skærtorsdag, langfredag and 2. påskedag move the
    // deadline to Tuesday 6 April.
    let easter = f.full_samraad("2027-03-23", "2027-04-06").await;
    let meeting = s.meeting(easter).await.unwrap().unwrap();
    assert_eq!(meeting.kind, MeetingKind::AbsenceCouncil);
    assert_eq!(meeting.status, MeetingStatus::Planned);
    assert_eq!(meeting.starts_at, local("2027-04-06T08:30:00"));
    assert_eq!(samraad_deadline(meeting.convened_on), d("2027-04-06"));
    let roles: Vec<ParticipantRole> = s.participants(easter).await.unwrap().iter().map(|p| p.role).collect();
    assert!(missing_participants(&roles).is_empty(), "{roles:?}");
    assert!(matches!(
        DeadlineState::of(meeting.convened_on, None, d("2027-04-07")),
        DeadlineState::Overdue { .. }
    ));
    assert!(
        s.record_minutes(
            easter,
            d("2027-04-06"),
            &rounds(),
            &f.audit("meeting.minutes", Some(f.ida))
        )
        .await
        .unwrap()
    );
    let held = s.meeting(easter).await.unwrap().unwrap();
    assert_eq!(held.status, MeetingStatus::Held);
    assert_eq!(held.minutes, Some(rounds()));

    // Convened Monday 3 May 2027: Kristi himmelfart (6 May) moves the deadline to 13 May; held
    // on 14 May it is late.
    let ascension = f.full_samraad("2027-05-03", "2027-05-14").await;
    assert_eq!(samraad_deadline(d("2027-05-03")), d("2027-05-13"));
    s.record_minutes(
        ascension,
        d("2027-05-14"),
        &rounds(),
        &f.audit("meeting.minutes", Some(f.ida)),
    )
    .await
    .unwrap();
    // Convened 18 May, not held yet on 20 May: not counted.
    f.full_samraad("2027-05-18", "2027-05-25").await;
    let share = s.samraad_share_in_time(f.school, d("2027-05-20")).await.unwrap();
    assert_eq!((share.in_time, share.counted), (1, 2));
    assert_eq!(share.percent(), Some(50));
    // After its deadline (27 May) the unheld one counts as late.
    let share = s.samraad_share_in_time(f.school, d("2027-05-28")).await.unwrap();
    assert_eq!((share.in_time, share.counted), (1, 3));
    let councils = s
        .meetings_of_institution(f.school, Some(MeetingKind::AbsenceCouncil))
        .await
        .unwrap();
    assert_eq!(councils.len(), 3);
}

#[tokio::test]
async fn closing_needs_a_follow_up_date_and_sends_the_action_plan_to_exactly_the_participants() {
    let f = Fixture::new().await;
    let s = f.s();
    let id = f.full_samraad("2027-03-23", "2027-04-06").await;
    // Not held yet.
    assert_eq!(
        s.close_meeting(
            id,
            Some(d("2027-05-04")),
            f.leader,
            at("2027-04-06"),
            &[f.audit("meeting.close", Some(f.ida))]
        )
        .await
        .unwrap(),
        Err(CloseRefusal::NotHeld)
    );
    s.record_minutes(id, d("2027-04-06"), &rounds(), &f.audit("meeting.minutes", Some(f.ida)))
        .await
        .unwrap();
    for (owner, action, due) in [
        (f.leader, "Morgenmodtagelse kl. 7.45", "2027-04-07"),
        (f.teacher, "Fast makker i frikvarteret", "2027-04-09"),
        (f.ppr1, "Samtale om mavepine", "2027-04-20"),
    ] {
        s.add_action(
            id,
            &NewMeetingAction {
                action: action.into(),
                owner_user_id: owner,
                due: d(due),
            },
            at("2027-04-06"),
            &f.audit("meeting.action", Some(f.ida)),
        )
        .await
        .unwrap();
    }
    let actions = s.meeting_actions(id).await.unwrap();
    assert_eq!(actions.len(), 3);
    let task = s.task(actions[1].task_id).await.unwrap().unwrap();
    assert_eq!(task.owner_user_id, f.teacher);
    assert_eq!(task.due, d("2027-04-09"));
    assert_eq!(task.child_id, Some(f.ida));
    assert_eq!(task.institution_id, f.school);
    assert_eq!(task.title, "Fast makker i frikvarteret");
    assert_eq!(s.tasks_of_user(f.ppr1, false).await.unwrap().len(), 1);

    // Closing without a follow-up date, or with one not after the meeting, is refused and
    // changes nothing.
    let seq = f.audit_seq().await;
    for (follow_up, refusal) in [
        (None, CloseRefusal::NoFollowUp),
        (
            Some(d("2027-04-06")),
            CloseRefusal::FollowUpNotAfterMeeting {
                held_on: d("2027-04-06"),
                follow_up_on: d("2027-04-06"),
            },
        ),
    ] {
        assert_eq!(
            s.close_meeting(
                id,
                follow_up,
                f.leader,
                at("2027-04-06"),
                &[f.audit("meeting.close", Some(f.ida))]
            )
            .await
            .unwrap(),
            Err(refusal)
        );
    }
    assert_eq!(f.audit_seq().await, seq);
    let unchanged = s.meeting(id).await.unwrap().unwrap();
    assert_eq!(unchanged.status, MeetingStatus::Held);
    assert_eq!(unchanged.follow_up_on, None);
    let action_plans = |user: i64, unread: bool| async move {
        let all = s.notifications_of_user(user, unread).await.unwrap();
        all.into_iter()
            .filter(|n| n.kind == NotificationKind::ActionPlan)
            .collect::<Vec<_>>()
    };
    for user in [f.leader, f.mette_user, f.jens_user] {
        assert!(action_plans(user, false).await.is_empty());
    }
    // Participants with an account were told of the invitation when added.
    let invited = s.notifications_of_user(f.ppr2, true).await.unwrap();
    assert_eq!(invited.len(), 1);
    assert_eq!(invited[0].kind, NotificationKind::Invitation);

    // Who gets it: every participant with an account, and Ida's guardians with custody.
    let expected = {
        let mut v = vec![
            f.mette_user,
            f.leader,
            f.teacher,
            f.ppr1,
            f.ppr2,
            f.social,
            f.health,
            f.jens_user,
        ];
        v.sort_unstable();
        v
    };
    assert_eq!(s.action_plan_recipients(id).await.unwrap(), expected);
    let recipients = s
        .close_meeting(
            id,
            Some(d("2027-05-04")),
            f.leader,
            at("2027-04-06"),
            &[f.audit("meeting.close", Some(f.ida))],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(recipients, expected);
    assert_eq!(f.audit_seq().await, seq + 1);
    let closed = s.meeting(id).await.unwrap().unwrap();
    assert_eq!(closed.status, MeetingStatus::Closed);
    assert_eq!(closed.follow_up_on, Some(d("2027-05-04")));
    assert_eq!(closed.closed_by, Some(f.leader));
    for user in &expected {
        let n = action_plans(*user, true).await;
        assert_eq!(n.len(), 1, "user {user}");
        assert_eq!(n[0].kind, NotificationKind::ActionPlan);
        assert_eq!(n[0].meeting_id, Some(id));
        assert_eq!(n[0].meeting_kind, Some(MeetingKind::AbsenceCouncil));
    }
    // Not a participant, no custody: nothing.
    for user in [f.other_teacher, f.karl_user] {
        assert!(
            s.notifications_of_user(user, false).await.unwrap().is_empty(),
            "user {user}"
        );
    }
    // Reading a notification.
    let n = action_plans(f.jens_user, true).await[0].id;
    assert!(
        !s.mark_notification_read(n, f.mette_user, at("2027-04-07"))
            .await
            .unwrap(),
        "not hers"
    );
    assert!(
        s.mark_notification_read(n, f.jens_user, at("2027-04-07"))
            .await
            .unwrap()
    );
    assert!(action_plans(f.jens_user, true).await.is_empty());
    assert_eq!(action_plans(f.jens_user, false).await.len(), 1);

    // A closed meeting stays closed and takes no more participants or actions.
    assert_eq!(
        s.close_meeting(
            id,
            Some(d("2027-05-04")),
            f.leader,
            at("2027-04-06"),
            &[f.audit("meeting.close", Some(f.ida))]
        )
        .await
        .unwrap(),
        Err(CloseRefusal::AlreadyClosed)
    );
    assert!(
        s.add_participant(
            id,
            &NewParticipant::User {
                user_id: f.other_teacher,
                role: ParticipantRole::Teacher
            },
            &f.audit("meeting.participant", Some(f.ida))
        )
        .await
        .is_err()
    );
    assert!(
        s.add_action(
            id,
            &NewMeetingAction {
                action: "For sent".into(),
                owner_user_id: f.teacher,
                due: d("2027-04-30")
            },
            at("2027-04-08"),
            &f.audit("meeting.action", Some(f.ida))
        )
        .await
        .is_err()
    );
    assert_eq!(s.meeting_actions(id).await.unwrap().len(), 3);
    assert_eq!(f.audit_seq().await, seq + 1);
}

#[tokio::test]
async fn network_meetings_need_consent_or_the_parents() {
    let f = Fixture::new().await;
    let s = f.s();
    let mut new = f.meeting(
        MeetingKind::NetworkMeeting,
        Some(CaseTarget::Child(f.ida)),
        "2026-03-02",
        "2026-03-09",
    );
    new.parents_attend = false;
    let today = d("2026-03-02");
    let action = new.kind.consent_action(new.parents_attend).unwrap();
    assert!(check_consent(action, &s.consent_facts(f.ida).await.unwrap(), today).is_err());
    let with_parents = new.kind.consent_action(true).unwrap();
    assert!(check_consent(with_parents, &[], today).is_ok());
    s.give_consent(
        &f.consent(ConsentScope::NetworkMeeting, "2026-03-01"),
        &f.audit("consent.give", Some(f.ida)),
    )
    .await
    .unwrap();
    assert!(check_consent(action, &s.consent_facts(f.ida).await.unwrap(), today).is_ok());
    let id = s
        .create_meeting(&new, &f.audit("meeting.create", Some(f.ida)))
        .await
        .unwrap();
    let stored = s.meeting(id).await.unwrap().unwrap();
    assert!(!stored.parents_attend);
    assert_eq!(stored.child_id(), Some(f.ida));
    assert_eq!(stored.location.as_deref(), Some("Mødelokale 2"));
    // An anonymous consultation is never a meeting row, and a meeting ends after it begins.
    let mut anon = f.meeting(MeetingKind::AnonymousConsultation, None, "2026-03-02", "2026-03-09");
    assert!(s.create_meeting(&anon, &f.audit("meeting.create", None)).await.is_err());
    anon.kind = MeetingKind::WorkingMeeting;
    anon.ends_at = anon.starts_at;
    assert!(s.create_meeting(&anon, &f.audit("meeting.create", None)).await.is_err());
    assert_eq!(s.meetings_of_institution(f.school, None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn anonymous_consultation_stores_no_child_and_warns_on_a_pupils_name() {
    let f = Fixture::new().await;
    let s = f.s();
    let columns: Vec<String> = s
        .schema_columns()
        .await
        .unwrap()
        .into_iter()
        .filter(|(table, _)| table == "anonymous_consultations")
        .map(|(_, column)| column)
        .collect();
    assert!(!columns.is_empty());
    assert!(
        columns.iter().all(|c| !c.contains("child") && !c.contains("class")),
        "{columns:?}"
    );

    let mut new = NewAnonymousConsultation {
        institution_id: f.school,
        starts_at: local("2026-03-11T13:00:00"),
        ends_at: local("2026-03-11T14:00:00"),
        participants: vec!["Sara Socialrådgiver".into(), "Lis Lærer".into()],
        notes: "En pige i 5. klasse, IDA, er ofte ked af det; cpr 010115-1234.".into(),
        confirmed: false,
        by: f.teacher,
        at: at("2026-03-11"),
    };
    let seq = f.audit_seq().await;
    let AnonymousSave::NeedsConfirmation(warnings) = s
        .save_anonymous_consultation(&new, &f.audit("anonymous.save", None))
        .await
        .unwrap()
    else {
        panic!("saved despite a pupil's name");
    };
    assert_eq!(
        warnings,
        vec![
            IdentityWarning::Cpr("010115-1234".into()),
            IdentityWarning::GivenName("Ida".into())
        ]
    );
    assert!(
        s.anonymous_consultations(f.school).await.unwrap().is_empty(),
        "nothing saved"
    );
    assert_eq!(f.audit_seq().await, seq);
    // An audit row naming a child is refused outright.
    assert!(
        s.save_anonymous_consultation(&new, &f.audit("anonymous.save", Some(f.ida)))
            .await
            .is_err()
    );

    // Edited: no warnings, saved.
    new.notes = "En pige i 5. klasse er ofte ked af det. Aftalt: tal med forældrene.".into();
    let AnonymousSave::Saved(first) = s
        .save_anonymous_consultation(&new, &f.audit("anonymous.save", None))
        .await
        .unwrap()
    else {
        panic!("clean text needs no confirmation");
    };
    // Or confirmed despite the warning (e.g. a namesake outside the institution).
    new.notes = "Otto fra naboskolen nævnt som eksempel.".into();
    new.confirmed = true;
    let AnonymousSave::Saved(second) = s
        .save_anonymous_consultation(&new, &f.audit("anonymous.save", None))
        .await
        .unwrap()
    else {
        panic!("confirmed");
    };
    let saved = s.anonymous_consultations(f.school).await.unwrap();
    assert_eq!(saved.len(), 2);
    let get = |id| saved.iter().find(|c| c.id == id).unwrap();
    assert!(!get(first).warnings_confirmed);
    assert!(get(second).warnings_confirmed);
    assert_eq!(get(first).participants, vec!["Sara Socialrådgiver", "Lis Lærer"]);
    assert_eq!(f.audit_seq().await, seq + 2);
    assert!(s.child_audit(f.ida, 100).await.unwrap().is_empty());
    assert_eq!(
        s.enrolled_names(f.school, d("2026-03-11")).await.unwrap(),
        vec![
            ("Ida".to_string(), "Hansen".to_string()),
            ("Otto".to_string(), "Berg".to_string())
        ]
    );
}
