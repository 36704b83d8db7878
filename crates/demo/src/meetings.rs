//! Consents (samtykker), Trivselsforum and fraværssamråd at Nordskolen, so the meeting and
//! consent views of the demo have content. Like the case data, everything is dated relative to
//! «today» and picks pupils by their place in the class list.
//!
//! * Consents: the demo guardian (`foraelder`) has given consent in the parent view to the
//!   social worker and to a PPV for the demo pupil (first in 5.A), and revoked an earlier
//!   consent to Trivselsforum. The leader has recorded consents from paper or orally for the
//!   pupil who is left out (second in 5.A), the absent pupil (third in 5.A) and the pupil of
//!   concern in 8.A (second there). Every child the social worker is assigned to has a consent
//!   `socialraadgiver` in force, except the absent pupil, whose guardian revoked it: the social
//!   worker is assigned there too, to show that the access then ends.
//! * Trivselsforum: the fixed members of Nordskolen (leder, trivsel, ppr, sundhedsplejerske) and
//!   an upcoming meeting with three child items (consent, or the parents attend) and 5.A.
//! * Fraværssamråd: one about the demo pupil, convened by the leader three weeks ago from an
//!   open absence alert (if the pupil has none, five days of absence are registered before
//!   it), held in time with the fixed participants, minutes with the three rounds, an action
//!   plan and a follow-up date, and closed (the action plan went out as notifications, the demo
//!   guardian's too); one convened two working days ago from another open alert (the absent
//!   pupil's if any) and not held yet.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use trivsel_domain::absence::Code;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::calendar::{add_working_days, is_working_day};
use trivsel_domain::meetings::{
    ConsentAction, ConsentMethod, ConsentScope, MeetingKind, Minutes, ParticipantRole as P, SamraadMinutes, Statement,
    check_consent, held_in_time, missing_participants, samraad_deadline,
};
use trivsel_store::{
    AlertFilter, AuditEntry, CaseTarget, NewAgendaItem, NewAssignment, NewConsent, NewMeeting, NewMeetingAction,
    NewParticipant, Registration, Store, StoreError,
};

use crate::cases::Place;

/// What was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Seeded {
    pub meetings: usize,
    pub consents: usize,
}

struct Seeder<'a> {
    store: &'a Store,
    place: &'a Place<'a>,
    /// The school's holidays (Nordskolen).
    holidays: &'a [NaiveDate],
}

impl Seeder<'_> {
    fn user(&self, username: &str) -> i64 {
        self.place.users[username]
    }

    fn today(&self) -> NaiveDate {
        self.place.today
    }

    /// The working day `offset` days from today, or the one before it.
    fn day(&self, offset: i64) -> NaiveDate {
        let mut day = self.today() + Duration::days(offset);
        while !is_working_day(day) {
            day = day.pred_opt().expect("date");
        }
        day
    }

    /// The working day `offset` days from today, or the one after it.
    fn day_after(&self, offset: i64) -> NaiveDate {
        let mut day = self.today() + Duration::days(offset);
        while !is_working_day(day) {
            day = day.succ_opt().expect("date");
        }
        day
    }

    fn at_on(day: NaiveDate, hour: u32) -> DateTime<Utc> {
        day.and_hms_opt(hour, 0, 0).expect("valid time").and_utc()
    }

    /// 09:00 UTC on the working day `offset` days from today.
    fn at(&self, offset: i64) -> DateTime<Utc> {
        Self::at_on(self.day(offset), 9)
    }

    fn local(day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
        day.and_hms_opt(hour, minute, 0).expect("valid time")
    }

    fn audit(&self, username: &str, action: &str, child_id: Option<i64>) -> AuditEntry {
        self.place.audit(username, action, child_id)
    }

    /// The first guardian with custody of the child (by name), with the user account if any.
    async fn guardian(&self, child: i64) -> Result<(i64, String, Option<i64>), StoreError> {
        self.store
            .guardians_of_child(ChildGrant::system(child))
            .await?
            .into_iter()
            // A guardian who can log in first (the demo parent gives consents in the parent view).
            .min_by_key(|(_, _, account)| account.is_none())
            .ok_or_else(|| {
                StoreError::Config(format!(
                    "demodata: barn {child} har ingen forælder med forældremyndighed"
                ))
            })
    }

    /// Records a consent given `days_ago`: in the parent view by the guardian's own account, or
    /// from paper or orally by the leader. Returns its id.
    async fn consent(
        &self,
        child: i64,
        scope: ConsentScope,
        method: ConsentMethod,
        days_ago: i64,
        expires_on: Option<NaiveDate>,
    ) -> Result<i64, StoreError> {
        let (guardian_id, _, account) = self.guardian(child).await?;
        let (by, username, action) = match method {
            ConsentMethod::ParentView => (
                account.ok_or_else(|| StoreError::Config("demodata: forælderen har ingen konto".into()))?,
                "foraelder",
                "consent.give",
            ),
            _ => (self.user("leder"), "leder", "consent.record"),
        };
        let consent = NewConsent {
            child_id: child,
            guardian_id,
            scope,
            given_on: self.day(-days_ago),
            expires_on,
            method,
            recorded_by: by,
            at: self.at(-days_ago),
        };
        self.store
            .give_consent(&consent, &self.audit(username, action, Some(child)))
            .await
    }

    /// Revokes a consent from `days_ago`, by the demo guardian or the leader.
    async fn revoke(&self, consent_id: i64, child: i64, by: &str, days_ago: i64) -> Result<(), StoreError> {
        let audit = self.audit(by, "consent.revoke", Some(child));
        let done = self
            .store
            .revoke_consent(
                consent_id,
                self.day(-days_ago),
                self.user(by),
                self.at(-days_ago),
                &audit,
            )
            .await?;
        if !done {
            return Err(StoreError::Config(
                "demodata: samtykket kunne ikke trækkes tilbage".into(),
            ));
        }
        Ok(())
    }

    async fn participant(
        &self,
        meeting: i64,
        child: Option<i64>,
        p: NewParticipant,
        by: &str,
    ) -> Result<(), StoreError> {
        let audit = self.audit(by, "meeting.participant", child);
        self.store.add_participant(meeting, &p, &audit).await.map(|_| ())
    }

    /// The newest open absence alert of the child triggered on or before `by`.
    async fn open_alert(&self, child: i64, by: NaiveDate) -> Result<Option<i64>, StoreError> {
        self.open_alert_after(child, NaiveDate::MIN, by).await
    }

    /// The newest open absence alert of the child triggered after `after` and on or before `by`.
    async fn open_alert_after(&self, child: i64, after: NaiveDate, by: NaiveDate) -> Result<Option<i64>, StoreError> {
        let alerts = self
            .store
            .alerts(&AlertFilter {
                child_id: Some(child),
                status: Some("open".into()),
                ..AlertFilter::default()
            })
            .await?;
        Ok(alerts
            .iter()
            .find(|a| a.trigger_date > after && a.trigger_date <= by)
            .map(|a| a.id))
    }

    /// Makes sure the child has an open absence alert triggered before `convened`: if not,
    /// registers five consecutive school days of absence (two sick, three unreported) just
    /// before it, as the teacher would have, and brings the alerts up to date.
    async fn ensure_alert(&self, child: i64, convened: NaiveDate) -> Result<Option<i64>, StoreError> {
        self.ensure_alert_after(child, NaiveDate::MIN, convened).await
    }

    /// [`Seeder::ensure_alert`] for an alert triggered after `after`.
    async fn ensure_alert_after(
        &self,
        child: i64,
        after: NaiveDate,
        convened: NaiveDate,
    ) -> Result<Option<i64>, StoreError> {
        if let Some(id) = self.open_alert_after(child, after, convened).await? {
            return Ok(Some(id));
        }
        let calendar = crate::absence::calendar(self.holidays);
        let mut days = Vec::new();
        let mut day = convened;
        while days.len() < 5 && day > convened - Duration::days(60) {
            day = day.pred_opt().expect("date");
            if calendar.is_school_day(day) {
                days.push(day);
            }
        }
        days.reverse();
        let registrations: Vec<Registration> = days
            .iter()
            .enumerate()
            .flat_map(|(i, date)| {
                let code = if i < 2 { Code::Sickness } else { Code::Unlawful };
                [1, 2].map(|slot| Registration {
                    child_id: child,
                    date: *date,
                    slot,
                    code,
                })
            })
            .collect();
        self.store
            .save_registrations(
                self.place.municipality_id,
                &registrations,
                None,
                Self::at_on(convened, 7),
                &[],
            )
            .await?;
        let yesterday = self.today().pred_opt().expect("date");
        self.store
            .refresh_alerts(self.place.municipality_id, &[child], yesterday)
            .await?;
        self.open_alert_after(child, after, convened).await
    }
}

fn said(lines: &[(&str, &str)]) -> Vec<Statement> {
    lines
        .iter()
        .map(|(speaker, text)| Statement {
            speaker: (*speaker).into(),
            text: (*text).into(),
        })
        .collect()
}

/// Seeds consents and meetings at the school of `place`, whose holidays are `holidays`. Call
/// after the case data and before the demo advisers are assigned (the social worker's consent
/// comes first).
pub(crate) async fn seed(store: &Store, place: &Place<'_>, holidays: &[NaiveDate]) -> Result<Seeded, StoreError> {
    let s = Seeder { store, place, holidays };
    let mut seeded = Seeded::default();
    let p5 = place.pupils_5a;
    let (demo_pupil, teased, absent) = (p5[0].id, p5[1].id, p5[2].id);
    let end_of_year = trivsel_domain::calendar::SchoolYear::of(place.today).last_day();

    // Consents. The demo guardian, in the parent view.
    s.consent(
        demo_pupil,
        ConsentScope::SocialWorker,
        ConsentMethod::ParentView,
        130,
        None,
    )
    .await?;
    s.consent(demo_pupil, ConsentScope::Ppv, ConsentMethod::ParentView, 50, None)
        .await?;
    let forum = s
        .consent(
            demo_pupil,
            ConsentScope::Trivselsforum,
            ConsentMethod::ParentView,
            180,
            None,
        )
        .await?;
    s.revoke(forum, demo_pupil, "foraelder", 70).await?;
    seeded.consents += 3;
    // Recorded by the leader: orally, and from signed paper forms.
    s.consent(
        teased,
        ConsentScope::Trivselsforum,
        ConsentMethod::StaffOrally,
        30,
        Some(end_of_year),
    )
    .await?;
    s.consent(
        absent,
        ConsentScope::NetworkMeeting,
        ConsentMethod::StaffFromPaper,
        75,
        None,
    )
    .await?;
    let social = s
        .consent(
            absent,
            ConsentScope::SocialWorker,
            ConsentMethod::StaffFromPaper,
            75,
            None,
        )
        .await?;
    s.revoke(social, absent, "leder", 14).await?;
    seeded.consents += 3;
    let worried = place.pupils_8a.get(1).map(|p| p.id);
    if let Some(child) = worried {
        s.consent(
            child,
            ConsentScope::Trivselsforum,
            ConsentMethod::StaffFromPaper,
            6,
            None,
        )
        .await?;
        seeded.consents += 1;
    }
    // The social worker holds the demo pupil's case (see `lib.rs`) and was assigned to the
    // absent pupil while the consent was in force; the revocation ends that access.
    let assignment = NewAssignment {
        user_id: s.user("socialraadgiver"),
        child_id: absent,
        reason: "Fravær, med forældrenes samtykke".into(),
        ends_on: None,
        assigned_by: Some(s.user("leder")),
        at: s.at(-75),
    };
    store
        .assign_advisers(&[assignment], &s.audit("leder", "assignment.create", Some(absent)))
        .await?;

    // Trivselsforum: the fixed members and the next meeting.
    let members = [
        (s.user("leder"), P::SchoolLeader),
        (s.user("trivsel"), P::WellbeingPerson),
        (s.user("ppr"), P::Psychologist),
        (s.user("sundhedsplejerske"), P::HealthVisitor),
        (s.user("ssp"), P::Ssp),
    ];
    store
        .set_forum_members(place.school_id, &members, &s.audit("leder", "forum.save", None))
        .await?;
    let forum_day = s.day_after(4);
    let forum = NewMeeting {
        institution_id: place.school_id,
        kind: MeetingKind::Trivselsforum,
        target: None,
        title: "Trivselsforum på Nordskolen".into(),
        starts_at: Seeder::local(forum_day, 14, 0),
        ends_at: Seeder::local(forum_day, 15, 30),
        location: Some("Mødelokalet ved kontoret".into()),
        convened_on: s.day(-7),
        convened_by: s.user("trivsel"),
        alert_id: None,
        parents_attend: false,
        invited: Vec::new(),
        at: s.at(-7),
    };
    let forum_id = store
        .create_meeting(&forum, &s.audit("trivsel", "meeting.create", None))
        .await?;
    seeded.meetings += 1;
    let mut items = vec![
        (
            CaseTarget::Child(teased),
            "Holdes udenfor i frikvartererne; hvordan virker legegrupperne?",
            false,
        ),
        (
            CaseTarget::Child(absent),
            "Fravær og skolevægring; status på den foregribende plan. Forældrene deltager under punktet.",
            true,
        ),
    ];
    if let Some(child) = worried {
        items.push((
            CaseTarget::Child(child),
            "Bekymring for selvskade; koordinering med sundhedsplejersken.",
            false,
        ));
    }
    items.push((
        CaseTarget::Class(place.class_5a),
        "Tonen i klassens chatgruppe; evaluering af klassemøderne.",
        false,
    ));
    for (target, topic, parents_attend) in items {
        if let Some(child) = target.child_id() {
            let facts = store.consent_facts(child).await?;
            for on in [place.today, forum_day] {
                check_consent(ConsentAction::TrivselsforumAgendaItem { parents_attend }, &facts, on)
                    .map_err(|refusal| StoreError::Config(format!("demodata: {refusal}")))?;
            }
        }
        let item = NewAgendaItem {
            target,
            topic: topic.into(),
            parents_attend,
        };
        store
            .add_agenda_item(
                forum_id,
                &item,
                &s.audit("trivsel", "meeting.agenda", target.child_id()),
            )
            .await?;
    }

    // The fraværssamråd about the demo pupil: convened three weeks ago, held in time, closed.
    let convened = s.day(-21);
    let alert = s.ensure_alert(demo_pupil, convened).await?;
    let held = add_working_days(convened, 4);
    if !held_in_time(convened, held) || held >= place.today {
        return Err(StoreError::Config("demodata: fraværssamrådet ligger forkert".into()));
    }
    // The absence went on after the samråd: a newer open alert, from which the leader can
    // convene the next one.
    s.ensure_alert_after(demo_pupil, held, place.today).await?;
    let child = Some(demo_pupil);
    let council = NewMeeting {
        institution_id: place.school_id,
        kind: MeetingKind::AbsenceCouncil,
        target: Some(CaseTarget::Child(demo_pupil)),
        title: "Fraværssamråd".into(),
        starts_at: Seeder::local(held, 8, 30),
        ends_at: Seeder::local(held, 10, 0),
        location: Some("Mødelokalet ved kontoret".into()),
        convened_on: convened,
        convened_by: s.user("leder"),
        alert_id: alert,
        parents_attend: true,
        invited: Vec::new(),
        at: Seeder::at_on(convened, 9),
    };
    let council_id = store
        .create_meeting(&council, &s.audit("leder", "meeting.create", child))
        .await?;
    seeded.meetings += 1;
    let participants = [
        NewParticipant::External {
            name: p5[0].given_name.clone(),
            role: P::Pupil,
        },
        NewParticipant::User {
            user_id: s.user("foraelder"),
            role: P::Parent,
        },
        NewParticipant::User {
            user_id: s.user("leder"),
            role: P::SchoolLeader,
        },
        NewParticipant::User {
            user_id: s.user("laerer"),
            role: P::Teacher,
        },
        NewParticipant::User {
            user_id: s.user("ppr"),
            role: P::Psychologist,
        },
        NewParticipant::External {
            name: "Mette Lund (PPR)".into(),
            role: P::Psychologist,
        },
        NewParticipant::User {
            user_id: s.user("socialraadgiver"),
            role: P::SocialWorker,
        },
    ];
    let roles: Vec<P> = participants
        .iter()
        .map(|p| match p {
            NewParticipant::User { role, .. } | NewParticipant::External { role, .. } => *role,
        })
        .collect();
    if !missing_participants(&roles).is_empty() {
        return Err(StoreError::Config(
            "demodata: fraværssamrådet mangler faste deltagere".into(),
        ));
    }
    for p in participants {
        s.participant(council_id, child, p, "leder").await?;
    }
    let minutes = Minutes::Rounds(SamraadMinutes {
        hopes: said(&[
            (
                "Eleven",
                "At jeg kan komme i skole uden at være bange for, hvad der sker i løbet af dagen.",
            ),
            (
                "Forælder",
                "At vi får en fælles plan, så morgenerne ikke ender i konflikt derhjemme.",
            ),
            (
                "Klasselærer",
                "At eleven er med fra første time og får lyst til at være i klassen igen.",
            ),
            (
                "Skoleleder",
                "At fraværet vender inden jul, og at alle ved, hvem der gør hvad.",
            ),
        ]),
        obstacles: said(&[
            (
                "Eleven",
                "Jeg sover dårligt og er bange for at komme for sent, så bliver jeg hellere hjemme.",
            ),
            (
                "Forælder",
                "Morgenerne er svære, efter vi er flyttet fra hinanden; på skiftedagene er der ingen fast rutine.",
            ),
            (
                "Klasselærer",
                "Mandagene og frikvartererne er svære; eleven står ofte alene.",
            ),
        ]),
        helps: said(&[
            ("Eleven", "Når jeg ved, hvem jeg skal være sammen med i frikvarteret."),
            (
                "PPR-psykolog",
                "Forudsigelighed: en fast morgenrutine og en kendt voksen ved ankomsten.",
            ),
            (
                "Socialrådgiver",
                "Familien har tidligere haft gavn af praktisk støtte i hjemmet.",
            ),
        ]),
        contributions: said(&[
            (
                "Skoleleder",
                "En fast voksen ved indgangen kl. 7.50, og skolen ringer hjem kl. 8.15, hvis eleven ikke er kommet.",
            ),
            (
                "Klasselærer",
                "Makkerordning i frikvartererne og en kort besked hjem hver fredag.",
            ),
            (
                "PPR-psykolog",
                "Fortsætter samtaleforløbet og tager søvn og morgenrutiner med.",
            ),
            (
                "PPR-psykolog (2)",
                "Vejleder klasseteamet i at gøre skoledagen forudsigelig.",
            ),
            ("Socialrådgiver", "Tilbyder familien en samtale om støtte i hjemmet."),
            (
                "Forælder",
                "Vi laver en fast morgenrutine og melder fravær til skolen inden kl. 8.",
            ),
        ]),
    });
    store
        .record_minutes(council_id, held, &minutes, &s.audit("leder", "meeting.minutes", child))
        .await?;
    let actions = [
        (
            "Fast voksen ved indgangen kl. 7.50; ring hjem kl. 8.15 ved udeblivelse",
            "leder",
            s.day_after(7),
        ),
        (
            "Makkerordning i frikvartererne og ugentlig besked hjem",
            "laerer",
            s.day_after(3),
        ),
        ("Samtaleforløb om søvn og morgenrutiner", "ppr", s.day_after(14)),
    ];
    for (action, owner, due) in actions {
        let new = NewMeetingAction {
            action: action.into(),
            owner_user_id: s.user(owner),
            due,
        };
        store
            .add_action(
                council_id,
                &new,
                Seeder::at_on(held, 9),
                &s.audit("leder", "meeting.action", child),
            )
            .await?;
    }
    let follow_up = s.day_after(10);
    let recipients = store
        .close_meeting(
            council_id,
            Some(follow_up),
            s.user("leder"),
            Seeder::at_on(held, 10),
            &[s.audit("leder", "meeting.close", child)],
        )
        .await?
        .map_err(|refusal| StoreError::Config(format!("demodata: {}", refusal.message())))?;
    if !recipients.contains(&s.user("foraelder")) {
        return Err(StoreError::Config(
            "demodata: handleplanen nåede ikke forælderen".into(),
        ));
    }

    // A fraværssamråd convened two working days ago from another open alert, not held yet.
    let mut convened = place.today;
    for _ in 0..2 {
        convened = convened.pred_opt().expect("date");
        while !is_working_day(convened) {
            convened = convened.pred_opt().expect("date");
        }
    }
    let mut other = s.open_alert(absent, convened).await?.map(|a| (absent, a));
    if other.is_none() {
        let open = store
            .alerts(&AlertFilter {
                institution_id: Some(place.school_id),
                status: Some("open".into()),
                ..AlertFilter::default()
            })
            .await?;
        other = open
            .iter()
            .filter(|a| a.child_id != demo_pupil && a.trigger_date <= convened)
            .min_by_key(|a| (std::cmp::Reverse(a.trigger_date), a.child_id))
            .map(|a| (a.child_id, a.id));
    }
    if let Some((pupil, alert_id)) = other {
        let deadline = samraad_deadline(convened);
        let mut day = add_working_days(convened, 5).min(deadline);
        if day <= place.today {
            day = add_working_days(place.today, 1).min(deadline);
        }
        let child = Some(pupil);
        let planned = NewMeeting {
            institution_id: place.school_id,
            kind: MeetingKind::AbsenceCouncil,
            target: Some(CaseTarget::Child(pupil)),
            title: "Fraværssamråd".into(),
            starts_at: Seeder::local(day, 8, 15),
            ends_at: Seeder::local(day, 9, 30),
            location: Some("Mødelokalet ved kontoret".into()),
            convened_on: convened,
            convened_by: s.user("leder"),
            alert_id: Some(alert_id),
            parents_attend: true,
            invited: Vec::new(),
            at: Seeder::at_on(convened, 10),
        };
        let planned_id = store
            .create_meeting(&planned, &s.audit("leder", "meeting.create", child))
            .await?;
        seeded.meetings += 1;
        let (_, guardian_name, _) = s.guardian(pupil).await?;
        // Not complete yet: the meeting page warns about the missing fixed participants.
        for p in [
            NewParticipant::User {
                user_id: s.user("leder"),
                role: P::SchoolLeader,
            },
            NewParticipant::User {
                user_id: s.user("ppr"),
                role: P::Psychologist,
            },
            NewParticipant::External {
                name: guardian_name,
                role: P::Parent,
            },
        ] {
            s.participant(planned_id, child, p, "leder").await?;
        }
    }
    Ok(seeded)
}
