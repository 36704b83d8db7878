//! Meetings over HTTP: the leader convenes a fraværssamråd, records the three rounds and the
//! action plan, cannot close without a follow-up date, and the plan then reaches exactly the
//! participants and the guardian; Trivselsforum agenda items and network meetings follow the
//! consent rule; the invitation is valid iCalendar without the child's name; the roles that
//! may not are refused.

use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use trivsel_domain::meetings::{
    ConsentMethod, ConsentScope, MeetingDuty, MeetingKind, MeetingStatus, NotificationKind, samraad_deadline,
};
use trivsel_domain::model::Role;
use trivsel_store::{CaseTarget, NewAgendaItem, NewConsent, NewMeeting, NewParticipant, Store};

use crate::helpers::*;

async fn post(app: &App, path: &str, session: &str, form: &[(&str, String)]) -> reqwest::Response {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, Some(session), &form).await
}

/// A meeting stored directly (for fixtures).
async fn meeting(store: &Store, w: &World, institution: i64, kind: MeetingKind, target: Option<CaseTarget>) -> i64 {
    let start = (today() + Duration::days(2)).and_hms_opt(9, 0, 0).unwrap();
    let new = NewMeeting {
        institution_id: institution,
        kind,
        target,
        title: format!("{} (test)", kind.navn()),
        starts_at: start,
        ends_at: start + Duration::hours(1),
        location: Some("Mødelokale 2".into()),
        convened_on: today(),
        convened_by: w.users["skoleleder"],
        alert_id: None,
        parents_attend: true,
        invited: Vec::new(),
        at: Utc::now(),
    };
    store
        .create_meeting(&new, &system_audit(w.municipality, "meeting.create"))
        .await
        .unwrap()
}

/// For the authorization matrix.
pub struct Fixtures {
    /// A fraværssamråd about X1 at school X, with `ppr` taking part.
    pub samraad: i64,
    /// A meeting at school Y.
    pub other_school: i64,
    /// A Trivselsforum at school X and an agenda item of it (about class X2).
    pub forum: i64,
    pub item: i64,
    /// A notification of `foraelder` (a closed meeting's action plan).
    pub notification: i64,
    /// `ppr` as a participant of the samråd.
    pub participant: i64,
}

pub async fn matrix_fixtures(store: &Store, w: &World) -> Fixtures {
    let audit = system_audit(w.municipality, "meeting.create");
    let samraad = meeting(
        store,
        w,
        w.school_x,
        MeetingKind::AbsenceCouncil,
        Some(CaseTarget::Child(w.children[0])),
    )
    .await;
    let ppr = NewParticipant::User {
        user_id: w.users["ppr"],
        role: trivsel_domain::meetings::ParticipantRole::Psychologist,
    };
    let participant = store.add_participant(samraad, &ppr, &audit).await.unwrap();
    let y = store
        .child_context(w.children[2], today())
        .await
        .unwrap()
        .unwrap()
        .institution_ids[0];
    let other_school = meeting(
        store,
        w,
        y,
        MeetingKind::NetworkMeeting,
        Some(CaseTarget::Child(w.children[2])),
    )
    .await;
    let forum = meeting(store, w, w.school_x, MeetingKind::Trivselsforum, None).await;
    let item = NewAgendaItem {
        target: CaseTarget::Class(w.classes[1]),
        topic: "Uro i timerne".into(),
        parents_attend: false,
    };
    let item = store.add_agenda_item(forum, &item, &audit).await.unwrap();
    // A closed network meeting about X1: its action plan reaches the guardian.
    let closed = meeting(
        store,
        w,
        w.school_x,
        MeetingKind::NetworkMeeting,
        Some(CaseTarget::Child(w.children[0])),
    )
    .await;
    let notes = trivsel_domain::meetings::Minutes::Notes { text: "Aftaler".into() };
    store.record_minutes(closed, today(), &notes, &audit).await.unwrap();
    store
        .close_meeting(
            closed,
            None,
            w.users["skoleleder"],
            Utc::now(),
            std::slice::from_ref(&audit),
        )
        .await
        .unwrap()
        .unwrap();
    let notification = store.notifications_of_user(w.users["foraelder"], false).await.unwrap()[0].id;
    Fixtures {
        samraad,
        other_school,
        forum,
        item,
        notification,
        participant,
    }
}

/// The form sent to the meeting routes by the authorization matrix.
pub fn matrix_form(path: &str) -> Option<Vec<(&'static str, String)>> {
    match path {
        "/moeder" => Some(vec![
            ("type", "trivselsforum".into()),
            ("titel", "Trivselsforum".into()),
            ("dato", today().to_string()),
            ("fra", "14:00".into()),
            ("til", "15:00".into()),
        ]),
        _ => None,
    }
}

/// Gives a consent of `scope` for the child from its guardian (the `foraelder` account).
async fn consent(app: &App, w: &World, child: i64, scope: ConsentScope) -> i64 {
    let guardian = app
        .store()
        .guardian_of_user(w.users["foraelder"])
        .await
        .unwrap()
        .unwrap();
    let new = NewConsent {
        child_id: child,
        guardian_id: guardian,
        scope,
        given_on: today(),
        expires_on: None,
        method: ConsentMethod::ParentView,
        recorded_by: w.users["foraelder"],
        at: Utc::now(),
    };
    app.store()
        .give_consent(&new, &system_audit(w.municipality, "meeting.create"))
        .await
        .unwrap()
}

fn rounds(held: NaiveDate) -> Vec<(&'static str, String)> {
    vec![
        ("holdt", held.to_string()),
        (
            "runde1",
            "Mor: At Barn kommer i skole hver dag\nKlasselærer: En god start om morgenen".into(),
        ),
        ("runde2_hindrer", "Barn: Ondt i maven om morgenen".into()),
        ("runde2_hjaelper", "Mor: Når en ven henter".into()),
        (
            "runde3",
            "PPR: Samtaler hver uge\nSkoleleder: Fast voksen ved ankomst".into(),
        ),
    ]
}

/// The leader convenes a fraværssamråd about `child` today, with the parents attending, and
/// gets its page and id.
async fn convene_samraad(app: &App, leader: &str, child: i64) -> (String, i64) {
    let res = post(
        app,
        "/moeder",
        leader,
        &[
            ("type", "fravaerssamraad".into()),
            ("barn", child.to_string()),
            ("titel", "Fraværssamråd".into()),
            ("dato", today().to_string()),
            ("fra", "09:00".into()),
            ("til", "10:00".into()),
            ("foraeldre", "ja".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res);
    let id = url.trim_start_matches("/moeder/").parse().unwrap();
    (url, id)
}

#[tokio::test]
async fn leader_convenes_a_samraad_records_it_and_the_action_plan_reaches_exactly_the_participants() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let child = w.children[0];

    // The form shows the deadline: 7 working days from today.
    let page = app
        .get(&format!("/moeder/ny?type=fravaerssamraad&barn={child}"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    let deadline = samraad_deadline(today());
    assert!(
        page.contains(&deadline.format("%d.%m.%Y").to_string()),
        "deadline shown"
    );

    // An alert id that is not about this child is refused, nothing stored.
    let res = post(
        &app,
        "/moeder",
        &leader,
        &[
            ("type", "fravaerssamraad".into()),
            ("barn", child.to_string()),
            ("advarsel", "999999".into()),
            ("titel", "Fraværssamråd".into()),
            ("dato", today().to_string()),
            ("fra", "09:00".into()),
            ("til", "10:00".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.store()
            .meetings_of_institution(w.school_x, None)
            .await
            .unwrap()
            .is_empty()
    );

    let (url, id) = convene_samraad(&app, &leader, child).await;
    let page = app.get(&url, Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("mangler faste deltagere"), "missing participants warned");

    // The social worker takes part with the parents' consent (without it, see
    // `a_participant_without_access_to_the_child_cannot_be_added`).
    crate::consents::x1_consent(app.store(), &w, ConsentScope::SocialWorker).await;
    for (user, role) in [("ppr", ""), ("socialraadgiver", ""), ("laerer", ""), ("skoleleder", "")] {
        let res = post(
            &app,
            &format!("{url}/deltagere"),
            &leader,
            &[("bruger", w.users[user].to_string()), ("rolle", role.into())],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{user} added");
    }
    let res = post(
        &app,
        &format!("{url}/deltagere"),
        &leader,
        &[("navn", "Barn KX1".into()), ("rolle", "elev".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A user from another municipality cannot be chosen: nothing stored.
    let res = post(
        &app,
        &format!("{url}/deltagere"),
        &leader,
        &[("bruger", w.users["fremmed"].to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store().participants(id).await.unwrap().len(), 5);
    // Each participant with an account is told of the invitation.
    let notices = app.store().notifications_of_user(w.users["ppr"], true).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(
        (notices[0].kind, notices[0].meeting_id),
        (NotificationKind::Invitation, Some(id))
    );
    // One added by mistake is removed again.
    let res = post(
        &app,
        &format!("{url}/deltagere"),
        &leader,
        &[("bruger", w.users["sundhedsplejerske"].to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let nurse = app
        .store()
        .participants(id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.user_id == Some(w.users["sundhedsplejerske"]))
        .unwrap();
    let res = post(&app, &format!("{url}/deltagere/{}/fjern", nurse.id), &leader, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store().participants(id).await.unwrap().len(), 5);
    let nurse_notices = app
        .store()
        .notifications_of_user(w.users["sundhedsplejerske"], false)
        .await
        .unwrap();
    assert!(
        nurse_notices.is_empty(),
        "the removed participant's invitation is withdrawn"
    );

    // Minutes with an empty round are refused and keep the text.
    let mut partial = rounds(today());
    partial.retain(|(k, _)| *k != "runde3");
    let res = post(&app, &format!("{url}/referat"), &leader, &partial).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Ondt i maven om morgenen"));
    let res = post(&app, &format!("{url}/referat"), &leader, &rounds(today())).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let due = (today() + Duration::days(10)).to_string();
    for (action, owner) in [("Ugentlige samtaler", "ppr"), ("Fast voksen ved ankomst", "laerer")] {
        let res = post(
            &app,
            &format!("{url}/handlinger"),
            &leader,
            &[
                ("handling", action.into()),
                ("ansvarlig", w.users[owner].to_string()),
                ("frist", due.clone()),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let tasks = app.store().tasks_of_user(w.users["ppr"], false).await.unwrap();
    assert!(
        tasks.iter().any(|t| t.title == "Ugentlige samtaler"),
        "the action is the owner's task"
    );

    // Closing without a follow-up date is refused; nothing is sent.
    let res = post(
        &app,
        &format!("{url}/afslut"),
        &leader,
        &[("opfoelgning", String::new())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("uden en dato for opfølgningsmødet"));
    let m = app.store().meeting(id).await.unwrap().unwrap();
    assert_eq!(m.status, MeetingStatus::Held);
    assert!(
        app.store()
            .notifications_of_user(w.users["foraelder"], false)
            .await
            .unwrap()
            .is_empty()
    );

    let follow_up = today() + Duration::days(21);
    let res = post(
        &app,
        &format!("{url}/afslut"),
        &leader,
        &[("opfoelgning", follow_up.to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let m = app.store().meeting(id).await.unwrap().unwrap();
    assert_eq!((m.status, m.follow_up_on), (MeetingStatus::Closed, Some(follow_up)));
    // The follow-up meeting is the leader's task on its date.
    let tasks = app.store().tasks_of_user(w.users["skoleleder"], false).await.unwrap();
    let follow = tasks
        .iter()
        .filter(|t| t.kind == trivsel_domain::cases::TaskKind::FollowUp && t.child_id == Some(child))
        .collect::<Vec<_>>();
    assert_eq!(follow.len(), 1, "{tasks:?}");
    assert_eq!(follow[0].due, follow_up);
    assert_eq!(follow[0].title, "Hold opfølgningsmødet efter fraværssamråd");

    // The child's chronology shows the council.
    let page = app
        .get(&format!("/boern/{child}/kronologi?art=moede"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Fraværssamråd: afsluttet") && page.contains(&format!("/moeder/{id}")));

    // Exactly the participants with an account and the guardian get the action plan.
    let mut got = Vec::new();
    for user in [
        "laerer",
        "trivselsperson",
        "skoleleder",
        "ppr",
        "socialraadgiver",
        "sundhedsplejerske",
        "ssp",
        "foraelder",
        "elev",
    ] {
        let notices = app.store().notifications_of_user(w.users[user], false).await.unwrap();
        if notices.iter().any(|n| n.kind == NotificationKind::ActionPlan) {
            got.push(user);
        }
    }
    assert_eq!(got, ["laerer", "skoleleder", "ppr", "socialraadgiver", "foraelder"]);

    // The guardian sees the action plan in the parent view, and cannot open the meeting.
    let guardian = app.login("foraelder").await;
    let front = app.get("/", Some(&guardian)).await.text().await.unwrap();
    assert!(front.contains("1 ny besked"));
    let page = app.get("/beskeder", Some(&guardian)).await.text().await.unwrap();
    let notice = app
        .store()
        .notifications_of_user(w.users["foraelder"], true)
        .await
        .unwrap()[0]
        .id;
    assert!(page.contains(&format!("/beskeder/{notice}/aabn")));
    let res = app.get(&format!("/beskeder/{notice}/aabn"), Some(&guardian)).await;
    assert_eq!(location(&res), format!("/boern/{child}/moeder#moede-{id}"));
    let page = app
        .get(&format!("/boern/{child}/moeder"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ugentlige samtaler") && page.contains("Fast voksen ved ankomst"));
    assert!(page.contains(&follow_up.format("%d.%m.%Y").to_string()));
    assert!(!page.contains("Ondt i maven"), "the minutes are not in the parent view");
    assert_eq!(app.get(&url, Some(&guardian)).await.status(), StatusCode::FORBIDDEN);

    // A closed meeting is not changed.
    let res = post(
        &app,
        &format!("{url}/handlinger"),
        &leader,
        &[
            ("handling", "Mere".into()),
            ("ansvarlig", w.users["ppr"].to_string()),
            ("frist", due),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(app.store().meeting_actions(id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn only_the_leader_convenes_a_samraad_and_network_meetings_need_consent_or_parents() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let wellbeing = app.login("trivselsperson").await;
    let child = w.children[0];
    let form = |kind: &str, parents: bool| {
        let mut f = vec![
            ("type", kind.to_string()),
            ("barn", child.to_string()),
            ("titel", "Møde".to_string()),
            ("dato", today().to_string()),
            ("fra", "09:00".to_string()),
            ("til", "10:00".to_string()),
        ];
        if parents {
            f.push(("foraeldre", "ja".into()));
        }
        f
    };
    let res = post(&app, "/moeder", &wellbeing, &form("fravaerssamraad", true)).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "a trivselsperson does not convene a samråd"
    );

    // Without the parents and without consent: refused, saying what is missing; audited.
    let before = app.store().child_audit(child, 100).await.unwrap().len();
    let res = post(&app, "/moeder", &wellbeing, &form("netvaerksmoede", false)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("der er ikke givet samtykke til netværksmøde")
    );
    let audit = app.store().child_audit(child, 100).await.unwrap();
    assert_eq!(audit.len(), before + 1);
    assert!(!audit[0].allowed, "the refusal is a denied audit row");
    let institution = app.store().meetings_of_institution(w.school_x, None).await.unwrap();
    assert!(institution.is_empty(), "nothing stored");

    // With the parents taking part: allowed. With consent instead: allowed.
    let res = post(&app, "/moeder", &wellbeing, &form("netvaerksmoede", true)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let consent_id = consent(&app, &w, child, ConsentScope::NetworkMeeting).await;
    let res = post(&app, "/moeder", &wellbeing, &form("arbejdsmoede", false)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Revoked: refused again.
    let audit = system_audit(w.municipality, "meeting.create");
    assert!(
        app.store()
            .revoke_consent(consent_id, today(), w.users["foraelder"], Utc::now(), &audit)
            .await
            .unwrap()
    );
    let res = post(&app, "/moeder", &wellbeing, &form("arbejdsmoede", false)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store()
            .meetings_of_institution(w.school_x, None)
            .await
            .unwrap()
            .len(),
        2
    );

    // A teacher convenes nothing.
    let teacher = app.login("laerer").await;
    let res = post(&app, "/moeder", &teacher, &form("netvaerksmoede", true)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_child_goes_on_the_trivselsforum_agenda_only_with_parents_or_consent() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let child = w.children[0];
    // The fixed members are invited to every forum.
    let res = post(
        &app,
        "/moeder/trivselsforum",
        &leader,
        &[
            ("medlem_0", w.users["trivselsperson"].to_string()),
            ("rolle_0", "trivselsperson".into()),
            ("medlem_1", w.users["sundhedsplejerske"].to_string()),
            ("rolle_1", "sundhedsplejerske".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The fixed representatives still missing are named, on the members page and the forum.
    let missing = "Trivselsforum mangler faste repræsentanter: Skoleleder/ledelsesrepræsentant, PPR-psykolog, \
                   Familierådgiver, SSP.";
    assert!(res.text().await.unwrap().contains(missing));
    let forum = meeting(app.store(), &w, w.school_x, MeetingKind::Trivselsforum, None).await;
    let participants = app.store().participants(forum).await.unwrap();
    assert_eq!(participants.len(), 2, "fixed members invited");
    let page = app
        .get(&format!("/moeder/{forum}"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(missing), "{page}");
    let url = format!("/moeder/{forum}/dagsorden");
    let item = |parents: bool| {
        let mut f = vec![("elev", child.to_string()), ("emne", "Fravær og trivsel".to_string())];
        if parents {
            f.push(("foraeldre", "ja".into()));
        }
        f
    };
    let res = post(&app, &url, &leader, &item(false)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Barnet kan ikke sættes på dagsordenen i Trivselsforum")
    );
    assert!(app.store().agenda_items(forum).await.unwrap().is_empty());

    let consent_id = consent(&app, &w, child, ConsentScope::Trivselsforum).await;
    assert_eq!(
        post(&app, &url, &leader, &item(false)).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        app.store()
            .revoke_consent(
                consent_id,
                today(),
                w.users["foraelder"],
                Utc::now(),
                &system_audit(w.municipality, "meeting.create")
            )
            .await
            .unwrap()
    );
    assert_eq!(
        post(&app, &url, &leader, &item(false)).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post(&app, &url, &leader, &item(true)).await.status(),
        StatusCode::SEE_OTHER
    );
    // A child of another school cannot be put on the agenda.
    let other = vec![
        ("elev", w.children[2].to_string()),
        ("emne", "X".to_string()),
        ("foraeldre", "ja".to_string()),
    ];
    assert_eq!(
        post(&app, &url, &leader, &other).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let items = app.store().agenda_items(forum).await.unwrap();
    assert_eq!(items.len(), 2);

    // Each item ends in who does what and how the parents are informed.
    let res = post(
        &app,
        &format!("{url}/{}", items[0].id),
        &leader,
        &[
            ("plan", "Trivselspersonen taler med Barn".into()),
            ("informeres", String::new()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "both are required");
    let res = post(
        &app,
        &format!("{url}/{}", items[0].id),
        &leader,
        &[
            ("plan", "Trivselspersonen taler med Barn".into()),
            ("informeres", "Klasselæreren ringer".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let items = app.store().agenda_items(forum).await.unwrap();
    assert_eq!(items[0].parents_informed, "Klasselæreren ringer");

    // The guardian sees the child's own item; a member reads the forum; a teacher who is not
    // a member is refused.
    let guardian = app.login("foraelder").await;
    let page = app
        .get(&format!("/boern/{child}/moeder"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Klasselæreren ringer"));
    let nurse = app.login("sundhedsplejerske").await;
    assert_eq!(
        app.get(&format!("/moeder/{forum}"), Some(&nurse)).await.status(),
        StatusCode::OK
    );
    let teacher = app.login("laerer").await;
    assert_eq!(
        app.get(&format!("/moeder/{forum}"), Some(&teacher)).await.status(),
        StatusCode::FORBIDDEN
    );
}

/// Parses an invitation with a real iCalendar parser: it must hold exactly one event, whose
/// properties are returned by name.
fn event_properties(body: &str) -> impl Fn(&str) -> String {
    let calendar = ical::IcalParser::new(body.as_bytes()).next().unwrap().unwrap();
    assert_eq!(calendar.events.len(), 1);
    let properties = calendar.events[0].properties.clone();
    move |name: &str| {
        properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    }
}

#[tokio::test]
async fn the_invitation_is_icalendar_without_the_childs_name() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let id = meeting(
        app.store(),
        &w,
        w.school_x,
        MeetingKind::AbsenceCouncil,
        Some(CaseTarget::Child(w.children[0])),
    )
    .await;
    let res = app.get(&format!("/moeder/{id}/invitation.ics"), Some(&leader)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = res.text().await.unwrap();
    assert!(!body.contains("KX1") && !body.contains("(test)"), "no name, no title");
    let prop = event_properties(&body);
    assert_eq!(prop("SUMMARY"), "Fraværssamråd");
    assert_eq!(prop("LOCATION"), "Mødelokale 2");
    assert!(prop("DTSTART").ends_with("T090000"));
    assert_eq!(prop("UID"), format!("moede-{id}@127.0.0.1:8080"));
    assert_eq!(prop("SEQUENCE"), "0");

    // Moved: the invitation keeps its UID and raises SEQUENCE, so calendars replace it. Moving
    // a fraværssamråd past its deadline is allowed, with a warning.
    let later = samraad_deadline(today()) + Duration::days(7);
    let moved = [
        ("dato", later.to_string()),
        ("fra", "13:00".to_string()),
        ("til", "14:30".to_string()),
        ("sted", "Biblioteket".to_string()),
    ];
    let res = post(&app, &format!("/moeder/{id}/flyt"), &leader, &moved).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get(&location(&res), Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Mødet er planlagt efter fristen"));
    let body = app
        .get(&format!("/moeder/{id}/invitation.ics"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    let prop = event_properties(&body);
    assert_eq!(prop("SEQUENCE"), "1");
    assert_eq!(prop("DTSTART"), format!("{}T130000", later.format("%Y%m%d")));
    assert_eq!(prop("LOCATION"), "Biblioteket");
    assert_eq!(prop("UID"), format!("moede-{id}@127.0.0.1:8080"));
    // Bad times are named and nothing changes; a held meeting is not moved.
    let bad = [
        ("dato", later.to_string()),
        ("fra", "15:00".to_string()),
        ("til", "14:00".to_string()),
    ];
    let res = post(&app, &format!("/moeder/{id}/flyt"), &leader, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Til kl.: mødet skal slutte efter det begynder.")
    );
    let notes = trivsel_domain::meetings::Minutes::Notes { text: "x".into() };
    app.store()
        .record_minutes(id, today(), &notes, &system_audit(w.municipality, "meeting.create"))
        .await
        .unwrap();
    let res = post(&app, &format!("/moeder/{id}/flyt"), &leader, &moved).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store().meeting(id).await.unwrap().unwrap().sequence, 1);

    // Someone not taking part gets nothing.
    let nurse = app.login("sundhedsplejerske").await;
    assert_eq!(
        app.get(&format!("/moeder/{id}/invitation.ics"), Some(&nurse))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_leader_sees_the_share_of_samraad_held_in_time() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let audit = system_audit(w.municipality, "meeting.create");
    // Two councils convened 30 days ago: one held on its 3rd day, one never held (overdue).
    let convened = today() - Duration::days(30);
    for held in [Some(convened + Duration::days(3)), None] {
        let start = convened.and_hms_opt(9, 0, 0).unwrap() + Duration::days(3);
        let new = NewMeeting {
            institution_id: w.school_x,
            kind: MeetingKind::AbsenceCouncil,
            target: Some(CaseTarget::Child(w.children[0])),
            title: "Fraværssamråd".into(),
            starts_at: start,
            ends_at: start + Duration::hours(1),
            location: None,
            convened_on: convened,
            convened_by: w.users["skoleleder"],
            alert_id: None,
            parents_attend: true,
            invited: Vec::new(),
            at: Utc::now(),
        };
        let id = app.store().create_meeting(&new, &audit).await.unwrap();
        if let Some(h) = held {
            let minutes = trivsel_domain::meetings::Minutes::Notes { text: "x".into() };
            app.store().record_minutes(id, h, &minutes, &audit).await.unwrap();
        }
    }
    let leader = app.login("skoleleder").await;
    let page = app.get("/moeder", Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("50 %"), "one of two in time");
    assert!(page.contains("(1 af 2 fraværssamråd)"));
    assert!(page.contains("er overskredet"), "the overdue council is marked");
    let front = app.get("/", Some(&leader)).await.text().await.unwrap();
    assert!(front.contains("1 fraværssamråd har overskredet fristen"));
    // The municipality's overview has the share per school, in counts only.
    let analyst = app.login("analytiker").await;
    let page = app.get("/fravaer/kommune", Some(&analyst)).await.text().await.unwrap();
    let table = &page[page.find("id=\"samraad-andel\"").unwrap()..];
    // Two councils are about two children: too few to show the municipality.
    assert!(
        table.contains(r#"<td>Skole X</td><td colspan="3">færre end 5 samråd</td>"#),
        "{table}"
    );
    assert!(!table.contains("50 %"));
    // Teachers do not see the school's meetings.
    let teacher = app.login("laerer").await;
    let page = app.get("/moeder", Some(&teacher)).await.text().await.unwrap();
    assert!(!page.contains("holdt inden for 7 arbejdsdage") && !page.contains("Fraværssamråd (test)"));
}

/// A participant sees an agenda item only if they may see its child: the health visitor (a
/// forum member, assigned to one child) sees that child's item, and the other item only as «et
/// barn»; the leader who runs the forum sees both.
#[tokio::test]
async fn a_participant_sees_only_the_agenda_items_about_children_they_may_see() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let leader = app.login("skoleleder").await;
    let members = [
        ("medlem_0", w.users["sundhedsplejerske"].to_string()),
        ("rolle_0", "sundhedsplejerske".to_string()),
    ];
    assert_eq!(
        post(&app, "/moeder/trivselsforum", &leader, &members).await.status(),
        StatusCode::OK
    );
    let forum = meeting(app.store(), &w, w.school_x, MeetingKind::Trivselsforum, None).await;
    let url = format!("/moeder/{forum}/dagsorden");
    for (child, topic) in [(w.children[0], "Tilknyttet barn"), (w.children[1], "Andet barn")] {
        let item = [
            ("elev", child.to_string()),
            ("emne", topic.to_string()),
            ("foraeldre", "ja".to_string()),
        ];
        assert_eq!(post(&app, &url, &leader, &item).await.status(), StatusCode::SEE_OTHER);
    }
    let visitor = app.login("sundhedsplejerske").await;
    let page = app
        .get(&format!("/moeder/{forum}"), Some(&visitor))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tilknyttet barn") && page.contains("KX1"), "{page}");
    assert!(!page.contains("Andet barn") && !page.contains("KX2"), "{page}");
    assert!(page.contains("Et barn (ikke tilgængeligt for dig)"));
    let unseen = app.store().child_audit(w.children[1], 20).await.unwrap();
    assert!(
        unseen.iter().all(|r| r.username != "sundhedsplejerske"),
        "not audited as shown"
    );
    let page = app
        .get(&format!("/moeder/{forum}"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Andet barn") && page.contains("Tilknyttet barn"));
}

/// Taking part does not open a meeting about a child the participant may not see: a social
/// worker without the parents' consent is refused the network meeting about the child (and
/// the refusal is audited), while a psychologist assigned to the child reads it.
#[tokio::test]
async fn a_participant_without_access_to_the_child_is_refused_the_meeting() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let network = meeting(
        app.store(),
        &w,
        w.school_x,
        MeetingKind::NetworkMeeting,
        Some(CaseTarget::Child(child)),
    )
    .await;
    let audit = system_audit(w.municipality, "meeting.participant");
    for (user, role) in [
        (
            "socialraadgiver",
            trivsel_domain::meetings::ParticipantRole::SocialWorker,
        ),
        ("ppr", trivsel_domain::meetings::ParticipantRole::Psychologist),
    ] {
        let who = NewParticipant::User {
            user_id: w.users[user],
            role,
        };
        app.store().add_participant(network, &who, &audit).await.unwrap();
    }
    let social_worker = app.login("socialraadgiver").await;
    assert_eq!(
        app.get(&format!("/boern/{child}"), Some(&social_worker)).await.status(),
        StatusCode::FORBIDDEN,
        "no consent, so no access to the child"
    );
    let before = app.store().child_audit(child, 50).await.unwrap().len();
    let res = app.get(&format!("/moeder/{network}"), Some(&social_worker)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!res.text().await.unwrap().contains("KX1"));
    let rows = app.store().child_audit(child, 50).await.unwrap();
    assert_eq!(rows.len(), before + 1);
    assert!(!rows[0].allowed && rows[0].action == "meeting.read");
    let psychologist = app.login("ppr").await;
    assert_eq!(
        app.get(&format!("/moeder/{network}"), Some(&psychologist))
            .await
            .status(),
        StatusCode::OK
    );
}

/// A participant whose taking part needs a consent that is not in force is refused when added:
/// the social worker without the parents' consent is not added to the network meeting about
/// the child (nothing stored), the psychologist assigned to the child is.
#[tokio::test]
async fn a_participant_without_access_to_the_child_cannot_be_added() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    let network = meeting(
        app.store(),
        &w,
        w.school_x,
        MeetingKind::NetworkMeeting,
        Some(CaseTarget::Child(child)),
    )
    .await;
    let leader = app.login("skoleleder").await;
    let url = format!("/moeder/{network}/deltagere");
    let social_worker = [("bruger", w.users["socialraadgiver"].to_string())];
    let res = post(&app, &url, &leader, &social_worker).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("har ikke adgang til barnet og kan ikke deltage"),
        "{page}"
    );
    let participants = app.store().participants(network).await.unwrap();
    assert!(
        participants
            .iter()
            .all(|p| p.user_id != Some(w.users["socialraadgiver"]))
    );

    let psychologist = [("bruger", w.users["ppr"].to_string())];
    assert_eq!(
        post(&app, &url, &leader, &psychologist).await.status(),
        StatusCode::SEE_OTHER
    );
    let participants = app.store().participants(network).await.unwrap();
    assert!(participants.iter().any(|p| p.user_id == Some(w.users["ppr"])));
}

#[tokio::test]
async fn a_samraad_from_an_alert_comes_with_its_people_is_convened_once_and_its_message_names_the_child() {
    use trivsel_domain::absence::Code;
    use trivsel_domain::meetings::{ParticipantRole, samraad_proposed_date};
    use trivsel_store::{AlertFilter, Registration};
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let child = w.children[0];
    // Sick five school days in a row: the consecutive rule raises an alert.
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let sick: Vec<Registration> = ["2024-10-07", "2024-10-08", "2024-10-09", "2024-10-10", "2024-10-11"]
        .iter()
        .map(|x| Registration {
            child_id: child,
            date: d(x),
            slot: 1,
            code: Code::Sickness,
        })
        .collect();
    app.store()
        .register_absence(w.municipality, &sick, None, Utc::now(), &[], d("2024-10-11"))
        .await
        .unwrap();
    let filter = AlertFilter {
        child_id: Some(child),
        status: Some("open".into()),
        ..AlertFilter::default()
    };
    let alert = app.store().alerts(&filter).await.unwrap()[0].id;

    let leader = app.login("skoleleder").await;
    let form_url = format!("/moeder/ny?type=fravaerssamraad&barn={child}&advarsel={alert}");
    let page = app.get(&form_url, Some(&leader)).await.text().await.unwrap();
    let proposed = samraad_proposed_date(today());
    assert!(
        page.contains(&format!(r#"name="dato" type="date" required value="{proposed}""#)),
        "{page}"
    );
    let ticked: Vec<String> = page
        .split(r#"name="deltager" value=""#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect();
    for user in ["skoleleder", "laerer", "elev", "ppr", "foraelder"] {
        let value = format!("u{}", w.users[user]);
        assert!(ticked.contains(&value), "{user} is proposed: {ticked:?}");
        assert!(page.contains(&format!(r#"value="{value}" checked"#)), "{user} ticked");
    }
    assert!(
        !ticked.contains(&format!("u{}", w.users["socialraadgiver"])),
        "the social worker without consent is not proposed"
    );

    let mut form: Vec<(&str, String)> = vec![
        ("type", "fravaerssamraad".into()),
        ("barn", child.to_string()),
        ("advarsel", alert.to_string()),
        ("titel", "Fraværssamråd".into()),
        ("dato", proposed.to_string()),
        ("fra", "09:00".into()),
        ("til", "10:00".into()),
        ("foraeldre", "ja".into()),
    ];
    form.extend(ticked.iter().map(|v| ("deltager", v.clone())));
    let res = post(&app, "/moeder", &leader, &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res);
    let id: i64 = url.trim_start_matches("/moeder/").parse().unwrap();
    let participants = app.store().participants(id).await.unwrap();
    assert_eq!(participants.len(), ticked.len());
    let roles: Vec<ParticipantRole> = participants.iter().map(|p| p.role).collect();
    for role in [
        ParticipantRole::SchoolLeader,
        ParticipantRole::Teacher,
        ParticipantRole::Pupil,
        ParticipantRole::Parent,
        ParticipantRole::Psychologist,
    ] {
        assert!(roles.contains(&role), "{role:?} in {roles:?}");
    }

    // The same form again: refused with a link to the samråd, nothing stored.
    let res = post(&app, "/moeder", &leader, &form).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains(&format!(r#"href="/moeder/{id}""#)));
    let councils = app
        .store()
        .meetings_of_institution(w.school_x, Some(MeetingKind::AbsenceCouncil))
        .await
        .unwrap();
    assert_eq!(councils.len(), 1);
    let page = app.get(&form_url, Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Fraværssamrådet er allerede indkaldt"), "{page}");
    // The alert links to its samråd.
    let alerts = app.get("/fravaer/advarsler", Some(&leader)).await.text().await.unwrap();
    assert!(
        alerts.contains(&format!(r#"Fraværssamråd: <a href="/moeder/{id}">"#)),
        "{alerts}"
    );

    // The psychologist's message names the child and the meeting's time; opening it marks it
    // read and leads to the meeting, whose links all answer.
    let ppr = app.login("ppr").await;
    let messages = app.get("/beskeder", Some(&ppr)).await.text().await.unwrap();
    let time = format!("{} kl. 09:00", proposed.format("%d.%m.%Y"));
    assert!(
        messages.contains(&format!("(fraværssamråd) om Barn KX1, {time}")),
        "{messages}"
    );
    let notice = app.store().notifications_of_user(w.users["ppr"], true).await.unwrap()[0].id;
    let res = app.get(&format!("/beskeder/{notice}/aabn"), Some(&ppr)).await;
    assert_eq!(location(&res), url);
    assert!(
        app.store()
            .notifications_of_user(w.users["ppr"], true)
            .await
            .unwrap()
            .is_empty()
    );
    let res = app.get(&format!("/beskeder/{notice}/aabn"), Some(&leader)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "another's message");
    for user in ["ppr", "sundhedsplejerske", "laerer"] {
        let session = if user == "ppr" {
            ppr.clone()
        } else {
            app.login(user).await
        };
        let page = app.get(&url, Some(&session)).await.text().await.unwrap();
        for href in page.split(r#"href="/boern/"#).skip(1) {
            let path = format!("/boern/{}", href.split('"').next().unwrap());
            let status = app.get(&path, Some(&session)).await.status();
            assert_eq!(status, StatusCode::OK, "{user}: {path} from the meeting page");
        }
    }
}

#[tokio::test]
async fn the_leader_chairs_a_samraad_and_the_two_psychologists_interview_and_take_notes() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let store = app.store();
    let child = w.children[0];
    let second = add_user(store, w.municipality, "ppr2", Role::Psychologist, None, vec![], None).await;
    trivsel_store::testing::assign_adviser(store, second, child)
        .await
        .unwrap();
    let leader = app.login("skoleleder").await;
    let teacher = app.login("laerer").await;
    let (url, id) = convene_samraad(&app, &leader, child).await;
    for user in [w.users["ppr"], w.users["skoleleder"], second] {
        let res = post(
            &app,
            &format!("{url}/deltagere"),
            &leader,
            &[("bruger", user.to_string())],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let duty_of = |user: i64| async move {
        store
            .participants(id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.user_id == Some(user))
            .and_then(|p| p.duty)
    };
    let pid = |user: i64| async move {
        store
            .participants(id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.user_id == Some(user))
            .unwrap()
            .id
    };
    assert_eq!(duty_of(w.users["skoleleder"]).await, Some(MeetingDuty::Chair));
    assert_eq!(duty_of(w.users["ppr"]).await, Some(MeetingDuty::Interviewer));
    assert_eq!(duty_of(second).await, Some(MeetingDuty::NoteTaker));
    let page = app.get(&url, Some(&leader)).await.text().await.unwrap();
    assert!(
        page.contains("Mødeleder: Test skoleleder · Samtaleleder: Test ppr · Referent: Test ppr2"),
        "{page}"
    );
    assert!(!page.contains("Ingen er"), "{page}");

    // Moved by hand: the second psychologist interviews, nobody takes notes yet.
    let set = |pid: i64, duty: &'static str, session: String| {
        let app = &app;
        let url = url.clone();
        async move {
            post(
                app,
                &format!("{url}/deltagere/{pid}/funktion"),
                &session,
                &[("funktion", duty.into())],
            )
            .await
        }
    };
    let res = set(pid(second).await, "samtaleleder", leader.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(duty_of(second).await, Some(MeetingDuty::Interviewer));
    assert_eq!(duty_of(w.users["ppr"]).await, None);
    let page = app.get(&url, Some(&leader)).await.text().await.unwrap();
    assert!(page.contains("Ingen er referent (PPR-psykolog) endnu."), "{page}");

    // Refused: the leader as note-taker; a teacher changing duties. Nothing changes.
    let res = set(pid(w.users["skoleleder"]).await, "referent", leader.clone()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Referent varetages af en ppr-psykolog.")
    );
    assert_eq!(duty_of(w.users["skoleleder"]).await, Some(MeetingDuty::Chair));
    let res = set(pid(w.users["ppr"]).await, "referent", teacher.clone()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(duty_of(w.users["ppr"]).await, None);
    let res = set(pid(w.users["ppr"]).await, "referent", leader.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(duty_of(w.users["ppr"]).await, Some(MeetingDuty::NoteTaker));
    let audit = store.child_audit(child, 50).await.unwrap();
    assert!(audit.iter().any(|r| r.action == "meeting.duty" && r.allowed));
}
