//! Concerns, chronology, tiers with the escalation guard (PPV, PKU) and goal-and-intervention
//! plans over HTTP: what each role may do, what is stored, what is refused and audited.

use std::collections::HashMap;
use trivsel_domain::access::ChildGrant;

use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use trivsel_domain::cases::{Missing, PlanContent, Tier};
use trivsel_domain::meetings::{ConsentMethod, ConsentScope};
use trivsel_domain::model::InstitutionKind;
use trivsel_store::{CaseTarget, EnrolmentRow, NewConsent, NewGuardian, NewPkuReferral, NewPlan, RosterChanges, Store};

use crate::helpers::*;

/// For the authorization matrix: a plan and a PKU referral for each of the children X1, X2, Y1
/// and Z1. Returns the plan ids in that order and the referral id by child id.
pub async fn matrix_fixtures(store: &Store, w: &World) -> ([i64; 4], HashMap<String, String>) {
    let mut plans = [0; 4];
    let mut referrals = HashMap::new();
    for (i, child) in w.children.iter().enumerate() {
        let context = store.child_context(*child, today()).await.unwrap().unwrap();
        let by = if i == 3 {
            w.users["fremmed"]
        } else {
            w.users["skoleleder"]
        };
        let plan = NewPlan {
            institution_id: context.institution_ids[0],
            target: CaseTarget::Child(*child),
            tier: Tier::Preventive,
            title: format!("Plan {i}"),
            content: PlanContent {
                goals: "Barnet deltager i leg.".into(),
                evaluation_dates: vec![today() + Duration::days(30)],
                ..PlanContent::default()
            },
            by,
            at: Utc::now(),
        };
        plans[i] = store
            .create_plan(&plan, &system_audit(context.municipality_id, "plan.create"))
            .await
            .unwrap()
            .0;
        let referral = NewPkuReferral {
            child_id: *child,
            date: today(),
            note: "Henvist".into(),
            override_justification: None,
            psychologist: (w.users["ppr"], today()),
            by,
            at: Utc::now(),
        };
        let rid = store
            .register_pku_referral(&referral, &system_audit(context.municipality_id, "pku.refer"))
            .await
            .unwrap();
        referrals.insert(child.to_string(), rid.to_string());
    }
    (plans, referrals)
}

/// Form fields the authorization matrix sends to the routes of this module: valid ones, so an
/// allowed request is carried out (or refused by the escalation guard).
pub fn matrix_form(path: &str) -> Option<Vec<(&'static str, String)>> {
    let today = today().to_string();
    let fields: Vec<(&'static str, String)> = match path {
        "/boern/{id}/bekymringer" | "/klasser/{id}/bekymringer" => vec![
            ("dato", today),
            ("kategori", "faglig".into()),
            ("beskrivelse", "Trækker sig i frikvartererne.".into()),
            ("alvor", "lav".into()),
        ],
        "/boern/{id}/indsatstrin" | "/klasser/{id}/indsatstrin" => vec![
            ("trin", "foregribende".into()),
            ("begrundelse", "Den forebyggende indsats er ikke nok.".into()),
        ],
        "/boern/{id}/ppv" => vec![("dato", today), ("reference", "PPR j.nr. 2024-17".into())],
        "/boern/{id}/pku" => vec![("dato", today), ("note", "Henvisning til PKU.".into())],
        "/boern/{id}/planer" | "/klasser/{id}/planer" => vec![
            ("titel", "Leg i frikvarteret".into()),
            ("trin", "forebyggende".into()),
            ("maal", "Deltager i leg med to kammerater.".into()),
            ("evaluering_1", (self::today() + Duration::days(30)).to_string()),
        ],
        "/planer/{id}/evaluering" => vec![
            ("dato", today),
            ("resultat", "delvist_opnaaet".into()),
            ("tekst", "Leger nogle dage.".into()),
        ],
        "/boern/{id}/samtykker" => vec![("omfang", "trivselsforum".into()), ("form", "personale_papir".into())],
        "/boern/{id}/samtykker/{cid}/tilbagekald" => vec![("bekraeft", "ja".into())],
        "/planer/{id}" | "/planer/{id}/foraeldre" | "/planer/{id}/min-stemme" | "/planer/{id}/luk" => vec![],
        _ => return None,
    };
    Some(fields)
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

async fn post(app: &App, path: &str, session: &str, fields: &[(String, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post(path, Some(session), &fields).await
}

/// Creates a plan through the page; returns its id.
async fn create_plan(app: &App, session: &str, owner: &str, title: &str, tier: Tier) -> i64 {
    let due = (today() + Duration::days(30)).to_string();
    let res = post(
        app,
        &format!("{owner}/planer"),
        session,
        &form(&[
            ("titel", title),
            ("trin", tier.id()),
            ("sammenhaeng", "Situationen i klassen."),
            ("maal", &format!("Mål for {title}")),
            ("tegn", "Ses i frikvarteret."),
            ("tiltag_hvad_1", "Legegrupper"),
            ("tiltag_ansvarlig_1", "Klasseteamet"),
            ("tiltag_fra_1", &today().to_string()),
            ("tiltag_til_1", &due),
            ("evaluering_1", &due),
            ("barnets_stemme", "Jeg vil gerne være med."),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "create {title}");
    location(&res).strip_prefix("/planer/").unwrap().parse().unwrap()
}

async fn evaluate(app: &App, session: &str, plan: i64) {
    let res = post(
        app,
        &format!("/planer/{plan}/evaluering"),
        session,
        &form(&[
            ("dato", &today().to_string()),
            ("resultat", "delvist_opnaaet"),
            ("tekst", "Det går bedre."),
            ("naeste_skridt", "Fortsæt."),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "evaluate {plan}");
}

async fn close(app: &App, session: &str, plan: i64) {
    let res = post(app, &format!("/planer/{plan}/luk"), session, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "close {plan}");
}

async fn register_ppv(app: &App, session: &str, child: i64) {
    let res = post(
        app,
        &format!("/boern/{child}/ppv"),
        session,
        &form(&[("dato", &today().to_string()), ("reference", "PPR j.nr. 2024-17")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "ppv for {child}");
}

/// The parents' consent to a PPV for the child, recorded from paper by the leader, from a
/// guardian with custody added for it. Returns the consent's id.
async fn ppv_consent(app: &App, w: &World, child: i64) -> i64 {
    consent_to(app, w, child, ConsentScope::Ppv).await
}

/// The test world's PPR psychologist.
async fn psychologist(app: &App) -> i64 {
    app.store().user_by_username("ppr").await.unwrap().unwrap().id
}

/// A guardian of the child (added for it) consents to `scope`.
async fn consent_to(app: &App, w: &World, child: i64, scope: ConsentScope) -> i64 {
    let name = format!("Forælder til barn {child} ({})", scope.id());
    let guardian = NewGuardian {
        name: name.clone(),
        user_id: None,
        children: vec![child],
    };
    app.store().add_guardians(w.municipality, &[guardian]).await.unwrap();
    let (guardian, _, _) = app
        .store()
        .guardians_of_child(ChildGrant::system(child))
        .await
        .unwrap()
        .into_iter()
        .find(|(_, n, _)| *n == name)
        .unwrap();
    let consent = NewConsent {
        child_id: child,
        guardian_id: guardian,
        scope,
        given_on: today(),
        expires_on: None,
        method: ConsentMethod::StaffFromPaper,
        recorded_by: w.users["skoleleder"],
        at: Utc::now(),
    };
    app.store()
        .give_consent(&consent, &system_audit(w.municipality, "consent.record"))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_ppv_needs_the_parents_consent() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let x1 = w.children[0];
    let ppv = form(&[("dato", &today().to_string()), ("reference", "PPR j.nr. 2024-17")]);
    let res = post(&app, &format!("/boern/{x1}/ppv"), &trivsel, &ppv).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Den pædagogisk-psykologiske vurdering (PPV) kan ikke sættes i gang"));
    assert!(
        app.store()
            .ppv_registrations(ChildGrant::system(x1))
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    let audit = app.store().child_audit(x1, 1).await.unwrap();
    assert!(!audit[0].allowed, "the refusal is audited as denied");

    let consent = ppv_consent(&app, &w, x1).await;
    register_ppv(&app, &trivsel, x1).await;
    assert_eq!(
        app.store()
            .ppv_registrations(ChildGrant::system(x1))
            .await
            .unwrap()
            .len(),
        1
    );

    let revoke = system_audit(w.municipality, "consent.revoke");
    let by = w.users["skoleleder"];
    assert!(
        app.store()
            .revoke_consent(consent, today(), by, Utc::now(), &revoke)
            .await
            .unwrap()
    );
    let res = post(&app, &format!("/boern/{x1}/ppv"), &trivsel, &ppv).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "refused again after revocation"
    );
    assert_eq!(
        app.store()
            .ppv_registrations(ChildGrant::system(x1))
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Asks to move the child to indgribende; returns status and page.
async fn escalate(app: &App, session: &str, child: i64, justification: &str) -> (StatusCode, String) {
    let res = post(
        app,
        &format!("/boern/{child}/indsatstrin"),
        session,
        &form(&[
            ("trin", "indgribende"),
            ("begrundelse", "Foregribende indsats har ikke hjulpet."),
            ("tilsidesaet", justification),
        ]),
    )
    .await;
    (res.status(), res.text().await.unwrap())
}

/// The escalation is refused with exactly `missing` named, and nothing is stored.
/// The guard's refusal of a tier change by `session` and of a PKU referral by the leader
/// (`leader`, who alone refers to PKU).
async fn assert_refused(app: &App, session: &str, leader: &str, child: i64, missing: &[Missing]) {
    let (status, page) = escalate(app, session, child, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{missing:?}");
    let summary = page
        .split("class=\"error-summary\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or_else(|| panic!("an error summary: {page}"))
        .to_string();
    for m in [
        Missing::NoPpv,
        Missing::NoEvaluatedPreventivePlan,
        Missing::NoEvaluatedAnticipatoryPlan,
        Missing::NoCurrentPlan,
    ] {
        assert_eq!(
            summary.contains(m.navn()),
            missing.contains(&m),
            "{m:?} in the refusal (expected {missing:?}): {summary}"
        );
        assert_eq!(
            page.contains(&format!("Mangler: </strong>{}", m.navn())),
            missing.contains(&m)
        );
    }
    let res = post(
        app,
        &format!("/boern/{child}/pku"),
        leader,
        &form(&[
            ("dato", &today().to_string()),
            ("note", "Henvisning"),
            ("psykolog", &psychologist(app).await.to_string()),
            ("psykolog_dato", &today().to_string()),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "PKU too: {missing:?}");
    let pku = res.text().await.unwrap();
    assert!(pku.contains(missing[0].navn()), "{pku}");
    let store = app.store();
    assert_eq!(store.current_tier(CaseTarget::Child(child)).await.unwrap(), None);
    assert!(store.pku_referrals(ChildGrant::system(child)).await.unwrap().is_empty());
}

/// A third child in class X2 (so the trivselsperson and leader of school X reach it).
async fn add_child(store: &Store, m: i64, source: &str) -> i64 {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let roster = RosterChanges {
        institutions: vec![("X".into(), "Skole X".into(), InstitutionKind::School)],
        classes: vec![("X".into(), "X2".into())],
        children: vec![(source.into(), "Barn".into(), source.to_uppercase(), d("2015-06-06"))],
        enrolments: vec![(
            source.into(),
            EnrolmentRow {
                institution_code: "X".into(),
                class_name: "X2".into(),
                from: d("2020-08-01"),
                to: None,
            },
        )],
        ..Default::default()
    };
    store.apply_roster(m, &roster).await.unwrap();
    store.child_id(m, source).await.unwrap().unwrap()
}

#[tokio::test]
async fn the_escalation_guard_refuses_each_missing_prerequisite() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let leader = app.login("skoleleder").await;
    let [x1, x2, ..] = w.children;
    let x3 = add_child(app.store(), w.municipality, "kx3").await;

    // Nothing at all: every prerequisite is named.
    use Missing::*;
    assert_refused(
        &app,
        &trivsel,
        &leader,
        x3,
        &[
            NoPpv,
            NoEvaluatedPreventivePlan,
            NoEvaluatedAnticipatoryPlan,
            NoCurrentPlan,
        ],
    )
    .await;

    // X1: a PPV and an evaluated preventive plan; the anticipatory plan is missing, and an
    // unevaluated one does not count.
    ppv_consent(&app, &w, x1).await;
    register_ppv(&app, &trivsel, x1).await;
    let p1 = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{x1}"),
        "Forebyggende",
        Tier::Preventive,
    )
    .await;
    evaluate(&app, &trivsel, p1).await;
    assert_refused(&app, &trivsel, &leader, x1, &[NoEvaluatedAnticipatoryPlan]).await;
    let p2 = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{x1}"),
        "Foregribende",
        Tier::Anticipatory,
    )
    .await;
    assert_refused(&app, &trivsel, &leader, x1, &[NoEvaluatedAnticipatoryPlan]).await;
    evaluate(&app, &trivsel, p2).await;
    // Both plans closed: no current plan.
    close(&app, &trivsel, p1).await;
    close(&app, &trivsel, p2).await;
    assert_refused(&app, &trivsel, &leader, x1, &[NoCurrentPlan]).await;

    // X2: both plans evaluated, no PPV.
    let p3 = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{x2}"),
        "Forebyggende",
        Tier::Preventive,
    )
    .await;
    evaluate(&app, &trivsel, p3).await;
    let p4 = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{x2}"),
        "Foregribende",
        Tier::Anticipatory,
    )
    .await;
    evaluate(&app, &trivsel, p4).await;
    assert_refused(&app, &trivsel, &leader, x2, &[NoPpv]).await;

    // X3: PPV and an evaluated anticipatory plan, but no evaluated preventive one.
    ppv_consent(&app, &w, x3).await;
    register_ppv(&app, &trivsel, x3).await;
    let p5 = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{x3}"),
        "Foregribende",
        Tier::Anticipatory,
    )
    .await;
    evaluate(&app, &trivsel, p5).await;
    assert_refused(&app, &trivsel, &leader, x3, &[NoEvaluatedPreventivePlan]).await;

    // Every refusal left a denied audit row.
    let rows = app.store().child_audit(x1, 200).await.unwrap();
    let refusals = rows.iter().filter(|r| r.action == "tier.change" && !r.allowed).count();
    assert_eq!(refusals, 3, "{rows:?}");

    // Completed by the class's evaluated preventive plan (seed 003: the community's plans
    // count): the move and the referral go through without an override.
    let p6 = create_plan(
        &app,
        &trivsel,
        &format!("/klasser/{}", w.classes[1]),
        "Forebyggende",
        Tier::Preventive,
    )
    .await;
    evaluate(&app, &trivsel, p6).await;
    let (status, _) = escalate(&app, &trivsel, x3, "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store().current_tier(CaseTarget::Child(x3)).await.unwrap(),
        Some(Tier::Intervening)
    );
    // PKU also needs the psychologist's agreement and the parents' consent, each refused alone.
    let ppr = psychologist(&app).await.to_string();
    let day = today().to_string();
    let refer = |agreement: &[(&'static str, &str)]| {
        let mut fields = vec![("dato", day.as_str()), ("note", "Henvisning til PKU.")];
        fields.extend_from_slice(agreement);
        form(&fields)
    };
    let pku = format!("/boern/{x3}/pku");
    let res = post(&app, &pku, &leader, &refer(&[("psykolog_dato", &day)])).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Vælg den PPR-psykolog"));
    let with_psychologist = [("psykolog", ppr.as_str()), ("psykolog_dato", day.as_str())];
    let res = post(&app, &pku, &leader, &refer(&with_psychologist)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Barnet kan ikke henvises til PKU"));
    assert!(
        app.store()
            .pku_referrals(ChildGrant::system(x3))
            .await
            .unwrap()
            .is_empty()
    );
    consent_to(&app, &w, x3, ConsentScope::Pku).await;
    let res = post(&app, &pku, &leader, &refer(&with_psychologist)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let bundle = app.get(&location(&res), Some(&trivsel)).await;
    assert_eq!(bundle.status(), StatusCode::OK);
    let bundle = bundle.text().await.unwrap();
    for part in [
        "Henvisning til PKU",
        "PPR j.nr. 2024-17",
        "Mål for Foregribende",
        "Mål for Forebyggende",
        "Forebyggende (klassens plan)",
        "Aftalt med PPR-psykolog",
        "Det går bedre.",
        "Kronologi (resumé)",
    ] {
        assert!(bundle.contains(part), "{part} in the bundle");
    }
}

#[tokio::test]
async fn only_a_leader_overrides_with_a_written_justification_and_it_is_audited() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let leader = app.login("skoleleder").await;
    let child = w.children[0];
    let justification = "Akut behov; PPV er bestilt og følger om to uger.";

    // Not a leader: refused even with a justification.
    let (status, page) = escalate(&app, &trivsel, child, justification).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Kun skolelederen kan tilsidesætte"), "{page}");
    // A leader with too short a justification: refused.
    let (status, page) = escalate(&app, &leader, child, "akut").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("mindst 10 tegn"), "{page}");
    assert!(page.contains("akut"), "the text is shown again");
    // Without any justification: refused with the checklist.
    let (status, page) = escalate(&app, &leader, child, "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(Missing::NoPpv.navn()));
    assert_eq!(app.store().current_tier(CaseTarget::Child(child)).await.unwrap(), None);
    let res = post(
        &app,
        &format!("/boern/{child}/pku"),
        &trivsel,
        &form(&[
            ("dato", &today().to_string()),
            ("note", "Henvisning"),
            ("tilsidesaet", justification),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "PKU by a non-leader");
    assert!(res.text().await.unwrap().contains("Kun skolens leder henviser til PKU"));
    assert!(
        app.store()
            .pku_referrals(ChildGrant::system(child))
            .await
            .unwrap()
            .is_empty()
    );

    // The leader with a justification: allowed, stored, audited, in the chronology.
    let (status, _) = escalate(&app, &leader, child, justification).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let history = app
        .store()
        .tier_history(CaseTarget::Child(child), trivsel_domain::access::Scope::All)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].tier, Tier::Intervening);
    assert_eq!(history[0].override_justification.as_deref(), Some(justification));
    let rows = app.store().child_audit(child, 100).await.unwrap();
    let audited = rows
        .iter()
        .find(|r| r.action == "tier.override")
        .expect("an override audit row");
    assert!(audited.allowed);
    assert_eq!(audited.username, "skoleleder");
    let criterion = audited.criterion.as_deref().unwrap_or_default();
    assert!(
        criterion.contains(justification) && criterion.contains("ppv"),
        "{criterion}"
    );
    assert!(
        rows.iter()
            .any(|r| r.action == "tier.change" && !r.allowed && r.username == "trivselsperson"),
        "the non-leader's attempt is audited as refused"
    );
    let chronology = app
        .get(&format!("/boern/{child}/kronologi"), Some(&trivsel))
        .await
        .text()
        .await
        .unwrap();
    assert!(chronology.contains("Indsatstrin: Indgribende"), "{chronology}");
    assert!(
        chronology.contains(&format!("Skolelederen tilsidesatte kravene: {justification}")),
        "{chronology}"
    );
    let tiers = app
        .get(&format!("/boern/{child}/indsatstrin"), Some(&trivsel))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        tiers.contains("Nuværende indsatstrin: <strong>Indgribende</strong>"),
        "{tiers}"
    );

    // The leader's PKU referral with a justification (it overrides the guard, never the
    // parents' consent or the psychologist's agreement).
    consent_to(&app, &w, child, ConsentScope::Pku).await;
    let res = post(
        &app,
        &format!("/boern/{child}/pku"),
        &leader,
        &form(&[
            ("dato", &today().to_string()),
            ("note", "Henvisning"),
            ("tilsidesaet", justification),
            ("psykolog", &psychologist(&app).await.to_string()),
            ("psykolog_dato", &today().to_string()),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let referrals = app.store().pku_referrals(ChildGrant::system(child)).await.unwrap();
    assert_eq!(referrals[0].override_justification.as_deref(), Some(justification));
    let rows = app.store().child_audit(child, 100).await.unwrap();
    assert!(rows.iter().any(|r| r.action == "pku.override" && r.allowed));
    let report = app.store().audit_verify(w.municipality).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}

#[tokio::test]
async fn other_class_teacher_other_guardian_and_unassigned_ppr_are_refused_and_nothing_changes() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let [own, other, ..] = w.children;
    // A plan, an evaluation and a concern about the child X2.
    let plan = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{other}"),
        "Plan for X2",
        Tier::Preventive,
    )
    .await;
    evaluate(&app, &trivsel, plan).await;
    let concern = matrix_form("/boern/{id}/bekymringer").unwrap();
    let concern: Vec<(String, String)> = concern.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let res = post(&app, &format!("/boern/{other}/bekymringer"), &trivsel, &concern).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let before_plan = app.store().plan(plan).await.unwrap().unwrap();
    let edit = form(&[
        ("version", "1"),
        ("maal", "Ændret af en uvedkommende"),
        ("evaluering_1", &(today() + Duration::days(9)).to_string()),
        ("foraeldres_perspektiv", "Ændret af en uvedkommende"),
    ]);
    let evaluation = form(&[
        ("dato", &today().to_string()),
        ("resultat", "opnaaet"),
        ("tekst", "Uvedkommende"),
    ]);
    // laerer teaches X1 only; foraelder has custody of X1 only; ppr holds X1's case only.
    let nothing: Vec<(String, String)> = Vec::new();
    let mut sessions = HashMap::new();
    for who in ["laerer", "foraelder", "ppr"] {
        let session = app.login(who).await;
        sessions.insert(who, session.clone());
        for path in [
            format!("/boern/{other}/kronologi"),
            format!("/boern/{other}/bekymringer"),
            format!("/boern/{other}/indsatstrin"),
            format!("/boern/{other}/planer"),
            format!("/planer/{plan}"),
            format!("/planer/{plan}/versioner"),
        ] {
            let res = app.get(&path, Some(&session)).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} GET {path}");
            let body = res.text().await.unwrap();
            assert!(
                !body.contains("Plan for X2") && !body.contains("Trækker sig"),
                "{who} {path}"
            );
        }
        for (path, fields) in [
            (format!("/planer/{plan}"), &edit),
            (format!("/planer/{plan}/foraeldre"), &edit),
            (format!("/planer/{plan}/evaluering"), &evaluation),
            (format!("/planer/{plan}/luk"), &nothing),
            (format!("/boern/{other}/bekymringer"), &concern),
            (format!("/boern/{other}/planer"), &concern),
        ] {
            let res = post(&app, &path, &session, fields).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} POST {path}");
        }
        let rows = app.store().child_audit(other, 500).await.unwrap();
        let denied = rows.iter().filter(|r| r.username == who && !r.allowed).count();
        assert_eq!(denied, 12, "{who}: every refusal is audited");
    }
    // Nothing changed.
    assert_eq!(app.store().plan(plan).await.unwrap().unwrap(), before_plan);
    assert_eq!(app.store().evaluations(plan).await.unwrap().len(), 1);
    assert_eq!(
        app.store()
            .concerns_of_child(ChildGrant::system(other))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.store()
            .plans_of_child(ChildGrant::system(other))
            .await
            .unwrap()
            .len(),
        1
    );

    // Guardians and pupils never see concerns, chronology or tiers, not even of their own child.
    sessions.insert("elev", app.login("elev").await);
    for who in ["foraelder", "elev"] {
        let session = &sessions[who];
        for path in ["kronologi", "bekymringer", "indsatstrin"] {
            let res = app.get(&format!("/boern/{own}/{path}"), Some(session)).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
    // The teacher of the own class and the assigned PPR psychologist are let in.
    for who in ["laerer", "ppr"] {
        let res = app.get(&format!("/boern/{own}/kronologi"), Some(&sessions[who])).await;
        assert_eq!(res.status(), StatusCode::OK, "{who}");
    }
}

#[tokio::test]
async fn a_guardian_reads_the_own_childs_plan_and_writes_only_the_parents_perspective() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let guardian = app.login("foraelder").await;
    let child = w.children[0];
    let plan = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{child}"),
        "Leg og venskaber",
        Tier::Preventive,
    )
    .await;

    let child_page = app
        .get(&format!("/boern/{child}"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        child_page.contains(&format!("/boern/{child}/planer")),
        "a link to the plans"
    );
    assert!(!child_page.contains("/kronologi") && !child_page.contains("/bekymringer"));
    let list = app.get(&format!("/boern/{child}/planer"), Some(&guardian)).await;
    assert_eq!(list.status(), StatusCode::OK);
    let list = list.text().await.unwrap();
    assert!(
        list.contains("Leg og venskaber") && !list.contains("Opret en plan"),
        "{list}"
    );

    let page = app.get(&format!("/planer/{plan}"), Some(&guardian)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Mål for Leg og venskaber"), "{page}");
    assert!(page.contains("Skriv forældrenes perspektiv"), "{page}");
    assert!(!page.contains("sendes til forældrene"), "no staff hint for a parent");
    // The staff terms are explained where they appear.
    assert!(page.contains("SMTTE-modellen"), "{page}");
    assert!(
        trivsel_domain::cases::Tier::ALL
            .iter()
            .any(|t| page.contains(t.forklaring())),
        "the tier explained: {page}"
    );
    assert!(
        !page.contains("Ret planen") && !page.contains("Registrér en evaluering"),
        "{page}"
    );
    assert!(!page.contains("/kronologi"), "no link to staff data");

    // The whole plan is the staff's: refused, unchanged.
    let res = post(
        &app,
        &format!("/planer/{plan}"),
        &guardian,
        &form(&[
            ("version", "1"),
            ("maal", "Forælderens mål"),
            ("evaluering_1", &(today() + Duration::days(5)).to_string()),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for path in ["evaluering", "luk"] {
        let res = post(
            &app,
            &format!("/planer/{plan}/{path}"),
            &guardian,
            &form(&[("dato", &today().to_string()), ("resultat", "opnaaet"), ("tekst", "x")]),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(app.store().plan(plan).await.unwrap().unwrap().current_version, 1);

    // The parents' perspective: stored; other fields sent along are ignored.
    let res = post(
        &app,
        &format!("/planer/{plan}/foraeldre"),
        &guardian,
        &form(&[
            ("version", "1"),
            ("foraeldres_perspektiv", "Vi oplever det samme derhjemme."),
            ("maal", "Forælderens mål"),
            ("barnets_stemme", "Forælderens tekst"),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store().plan(plan).await.unwrap().unwrap();
    assert_eq!(stored.current_version, 2);
    assert_eq!(stored.content.parents_perspective, "Vi oplever det samme derhjemme.");
    assert_eq!(stored.content.goals, "Mål for Leg og venskaber");
    assert_eq!(stored.content.child_voice, "Jeg vil gerne være med.");
    let versions = app
        .get(&format!("/planer/{plan}/versioner?a=1&b=2"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        versions.contains("Forældrenes perspektiv") && !versions.contains(">Mål<"),
        "{versions}"
    );
    let rows = app.store().child_audit(child, 100).await.unwrap();
    assert!(
        rows.iter()
            .any(|r| r.action == "plan.parents" && r.allowed && r.username == "foraelder")
    );

    // A guardian of another child is refused.
    let other = app
        .store()
        .plans_of_child(ChildGrant::system(w.children[1]))
        .await
        .unwrap();
    assert!(other.is_empty());
    let plan2 = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{}", w.children[1]),
        "Anden plan",
        Tier::Preventive,
    )
    .await;
    let res = post(
        &app,
        &format!("/planer/{plan2}/foraeldre"),
        &guardian,
        &form(&[("version", "1"), ("foraeldres_perspektiv", "Uvedkommende")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store().plan(plan2).await.unwrap().unwrap().current_version, 1);
}

#[tokio::test]
async fn a_stale_save_is_refused_and_nothing_is_lost() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let leader = app.login("skoleleder").await;
    let child = w.children[0];
    let plan = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{child}"),
        "Samtidig",
        Tier::Anticipatory,
    )
    .await;
    let due = (today() + Duration::days(20)).to_string();
    let edit = |goals: &str, version: &str| {
        form(&[
            ("version", version),
            ("sammenhaeng", "Sammenhæng"),
            ("maal", goals),
            ("evaluering_1", &due),
        ])
    };

    // Invalid: the error names the field and links to it; nothing is stored.
    let res = post(&app, &format!("/planer/{plan}"), &leader, &edit("", "1")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("href=\"#maal\"") && page.contains("Mål: Skriv mindst ét mål"),
        "{page}"
    );
    assert_eq!(app.store().plan(plan).await.unwrap().unwrap().current_version, 1);

    // Both opened version 1; the first save wins.
    let res = post(
        &app,
        &format!("/planer/{plan}"),
        &trivsel,
        &edit("Første persons mål", "1"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/planer/{plan}?gemt=2"));
    let res = post(
        &app,
        &format!("/planer/{plan}"),
        &leader,
        &edit("Anden persons mål", "1"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(page.contains("Planen er gemt af en anden"), "{page}");
    assert!(page.contains("IKKE gemt"), "{page}");
    assert!(
        page.contains("Anden persons mål"),
        "the second user's text is shown again"
    );
    assert!(page.contains("Første persons mål"), "next to the stored version");
    assert!(
        page.contains("name=\"version\" value=\"2\""),
        "the form now builds on version 2"
    );
    let stored = app.store().plan(plan).await.unwrap().unwrap();
    assert_eq!(stored.current_version, 2);
    assert_eq!(stored.content.goals, "Første persons mål");

    // Saving again from the shown form is a deliberate choice and works.
    let res = post(
        &app,
        &format!("/planer/{plan}"),
        &leader,
        &edit("Anden persons mål", "2"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Any two versions compare, with the changed field.
    let page = app
        .get(&format!("/planer/{plan}/versioner?a=1&b=3"), Some(&trivsel))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ændringer fra version 1 til version 3"), "{page}");
    assert!(
        page.contains("Mål for Samtidig") && page.contains("Anden persons mål"),
        "{page}"
    );
    assert!(page.contains(">Mål</th>") && page.contains(">Tiltag 1</th>"), "{page}");
    let page = app
        .get(&format!("/planer/{plan}/versioner?a=2&b=3"), Some(&trivsel))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(">Mål</th>") && !page.contains(">Tiltag 1</th>"), "{page}");
    let page = app
        .get(&format!("/planer/{plan}/versioner?a=9"), Some(&trivsel))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Version «9» findes ikke"), "{page}");
    let rows = app.store().child_audit(child, 100).await.unwrap();
    assert!(rows.iter().any(|r| r.action == "plan.save"
        && r.username == "skoleleder"
        && r.criterion.as_deref().is_some_and(|c| c.contains("versionskonflikt"))));
}

#[tokio::test]
async fn concerns_are_validated_and_the_chronology_filters_by_kind_and_category() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let child = w.children[0];

    let res = post(
        &app,
        &format!("/boern/{child}/bekymringer"),
        &teacher,
        &form(&[("dato", "2999-01-01"), ("beskrivelse", "  "), ("alvor", "kritisk")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for message in [
        "Dato: datoen må ikke ligge efter i dag.",
        "Kategorier: vælg mindst én kategori.",
        "Beskrivelse: skal udfyldes.",
        "Hvor alvorlig er bekymringen",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    assert!(page.contains("href=\"#kategori-faglig\""));
    assert!(
        app.store()
            .concerns_of_child(ChildGrant::system(child))
            .await
            .unwrap()
            .is_empty()
    );

    let concern = |category: &'static str, text: &'static str| {
        form(&[
            ("dato", &today().to_string()),
            ("kategori", category),
            ("kategori", "social"),
            ("beskrivelse", text),
            ("alvor", "middel"),
        ])
    };
    for (category, text) in [("mobning", "Bliver holdt udenfor."), ("faglig", "Læser langsomt.")] {
        let res = post(
            &app,
            &format!("/boern/{child}/bekymringer"),
            &teacher,
            &concern(category, text),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let stored = app.store().concerns_of_child(ChildGrant::system(child)).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].categories.len(), 2);
    let plan = create_plan(
        &app,
        &teacher,
        &format!("/boern/{child}"),
        "Fællesskab",
        Tier::Preventive,
    )
    .await;
    evaluate(&app, &teacher, plan).await;

    let get = |query: &'static str| {
        let app = &app;
        let teacher = teacher.clone();
        async move {
            let res = app
                .get(&format!("/boern/{child}/kronologi{query}"), Some(&teacher))
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };
    let all = get("").await;
    for part in [
        "Bliver holdt udenfor.",
        "Læser langsomt.",
        "Mål- og indsatsplan oprettet: Fællesskab",
        "Evaluering af «Fællesskab»",
    ] {
        assert!(all.contains(part), "{part}: {all}");
    }
    let bullying = get("?kategori=mobning").await;
    assert!(bullying.contains("Bliver holdt udenfor.") && !bullying.contains("Læser langsomt."));
    assert!(!bullying.contains("Evaluering af"));
    let evaluations = get("?art=evaluering").await;
    assert!(evaluations.contains("Evaluering af «Fællesskab»") && !evaluations.contains("Bliver holdt"));

    // A concern and a plan about the class as a community.
    let class = w.classes[0];
    let res = post(
        &app,
        &format!("/klasser/{class}/bekymringer"),
        &teacher,
        &concern("mobning", "Uro i klassen."),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store().concerns_of_class(class).await.unwrap().len(), 1);
    let class_plan = create_plan(
        &app,
        &teacher,
        &format!("/klasser/{class}"),
        "Klassens regler",
        Tier::Preventive,
    )
    .await;
    let page = app
        .get(&format!("/planer/{class_plan}"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Klassens regler") && page.contains("Ret planen"));
    let other_teacher_class = w.classes[1];
    let res = post(
        &app,
        &format!("/klasser/{other_teacher_class}/bekymringer"),
        &teacher,
        &concern("mobning", "Uvedkommende"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store()
            .concerns_of_class(other_teacher_class)
            .await
            .unwrap()
            .is_empty()
    );
    let res = post(
        &app,
        &format!("/klasser/{class}/indsatstrin"),
        &teacher,
        &form(&[("trin", "foregribende"), ("begrundelse", "Uro i flere uger.")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store().current_tier(CaseTarget::Class(class)).await.unwrap(),
        Some(Tier::Anticipatory)
    );
}

#[tokio::test]
async fn the_class_plan_is_shown_with_the_childs_plans() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let x1 = w.children[0];
    let plan = create_plan(
        &app,
        &trivsel,
        &format!("/klasser/{}", w.classes[0]),
        "Fællesskab i X1",
        Tier::Preventive,
    )
    .await;

    // The guardian reads its goals, signs and actions on the child's plans page, not the class's
    // context or the child's voice, and still cannot open the class plan itself.
    let guardian = app.login("foraelder").await;
    let page = app
        .get(&format!("/boern/{x1}/planer"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Klassens planer") && page.contains("Mål for Fællesskab i X1"));
    assert!(page.contains("Legegrupper") && page.contains("Ses i frikvarteret."));
    assert!(!page.contains("Situationen i klassen.") && !page.contains("Jeg vil gerne være med."));
    assert!(!page.contains(&format!("/planer/{plan}\"")));
    let res = app.get(&format!("/planer/{plan}"), Some(&guardian)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The class's teacher gets a link; the other class's child does not show it.
    let teacher = app.login("laerer").await;
    let page = app
        .get(&format!("/boern/{x1}/planer"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/planer/{plan}\"")));
    let page = app
        .get(&format!("/boern/{}/planer", w.children[1]), Some(&trivsel))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Fællesskab i X1"));

    // A closed class plan is no longer shown.
    close(&app, &trivsel, plan).await;
    let page = app
        .get(&format!("/boern/{x1}/planer"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Fællesskab i X1"));
}

/// «Min stemme»: the pupil (elev, the X1 pupil) sees only the title and the child's voice of
/// the own open plans, writes his or her own words, and staff read them in the plan; a staff
/// save keeps them. The pupil sees the own absence, never the plan itself, concerns or another
/// child's plans.
#[tokio::test]
async fn a_pupil_writes_min_stemme_and_staff_read_it() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let trivsel = app.login("trivselsperson").await;
    let pupil = app.login("elev").await;
    let child = w.children[0];
    let plan = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{child}"),
        "Leg og venskaber",
        Tier::Preventive,
    )
    .await;
    let other = create_plan(
        &app,
        &trivsel,
        &format!("/boern/{}", w.children[1]),
        "Andet barns plan",
        Tier::Preventive,
    )
    .await;

    let page = app.get("/min-stemme", Some(&pupil)).await.text().await.unwrap();
    assert!(
        page.contains("Leg og venskaber") && page.contains("Jeg vil gerne være med."),
        "{page}"
    );
    assert!(
        !page.contains("Mål for Leg og venskaber") && !page.contains("Andet barns plan"),
        "{page}"
    );
    for refused in [
        format!("/planer/{plan}"),
        format!("/boern/{child}/bekymringer"),
        format!("/boern/{child}/kronologi"),
        format!("/planer/{other}"),
    ] {
        assert_eq!(
            app.get(&refused, Some(&pupil)).await.status(),
            StatusCode::FORBIDDEN,
            "{refused}"
        );
    }
    let own = app
        .get(&format!("/boern/{child}"), Some(&pupil))
        .await
        .text()
        .await
        .unwrap();
    assert!(own.contains("fravaer-titel"), "the pupil sees the own absence");

    let words = "Jeg kan godt lide at spille bold i frikvarteret.";
    let url = format!("/planer/{plan}/min-stemme");
    let res = app
        .post(&url, Some(&pupil), &[("version", "1"), ("min_stemme", words)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = app.get("/min-stemme?gemt=1", Some(&pupil)).await.text().await.unwrap();
    assert!(again.contains("Gemt.") && again.contains(words));
    let stale = app
        .post(&url, Some(&pupil), &[("version", "1"), ("min_stemme", "Noget andet")])
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT, "a stale save is refused");
    assert!(
        stale.text().await.unwrap().contains("Noget andet"),
        "the text is kept in the form"
    );
    let elsewhere = app
        .post(
            &format!("/planer/{other}/min-stemme"),
            Some(&pupil),
            &[("version", "1"), ("min_stemme", "Hej")],
        )
        .await;
    assert_eq!(elsewhere.status(), StatusCode::FORBIDDEN);
    let teacher = app.login("laerer").await;
    assert_eq!(
        app.post(
            &url,
            Some(&teacher),
            &[("version", "2"), ("min_stemme", "Lærerens ord")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN,
        "staff never write the pupil's words"
    );

    let staff_view = app
        .get(&format!("/planer/{plan}"), Some(&teacher))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        staff_view.contains("Elevens egne ord") && staff_view.contains(words),
        "{staff_view}"
    );
    let due = (today() + Duration::days(30)).to_string();
    let res = post(
        &app,
        &format!("/planer/{plan}"),
        &trivsel,
        &form(&[
            ("version", "2"),
            ("sammenhaeng", "Situationen i klassen."),
            ("maal", "Et nyt mål"),
            ("tegn", "Ses i frikvarteret."),
            ("tiltag_hvad_1", "Legegrupper"),
            ("tiltag_ansvarlig_1", "Klasseteamet"),
            ("tiltag_fra_1", &today().to_string()),
            ("tiltag_til_1", &due),
            ("evaluering_1", &due),
            ("barnets_stemme", "Jeg vil gerne være med."),
        ]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored = app.store().plan(plan).await.unwrap().unwrap();
    assert_eq!(
        (stored.content.goals.as_str(), stored.content.pupil_voice.as_str()),
        ("Et nyt mål", words)
    );
}

#[tokio::test]
async fn the_leader_records_pkus_decision_and_an_approved_placement_gets_its_end_and_revisitation_task() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let [child, other, ..] = w.children;
    let store = app.store();
    let leader = app.login("skoleleder").await;
    let trivsel = app.login("trivselsperson").await;
    let (ppr, leader_id, m) = (w.users["ppr"], w.users["skoleleder"], w.municipality);
    let refer = |child: i64| async move {
        let referral = NewPkuReferral {
            child_id: child,
            date: today(),
            note: "Henvist".into(),
            override_justification: None,
            psychologist: (ppr, today()),
            by: leader_id,
            at: Utc::now(),
        };
        store
            .register_pku_referral(&referral, &system_audit(m, "pku.refer"))
            .await
            .unwrap()
    };
    let (rid, refused_rid) = (refer(child).await, refer(other).await);
    let path = format!("/boern/{child}/pku/{rid}/afgoerelse");
    let decision = |child: i64| async move {
        store.pku_referrals(ChildGrant::system(child)).await.unwrap()[0]
            .decision
            .clone()
    };
    let day = today().to_string();
    let start = (today() + Duration::days(33)).to_string();

    // The trivselsperson is refused; the leader's incomplete forms store nothing.
    let approve = [
        ("afgoerelse", "bevilget"),
        ("dato", day.as_str()),
        ("begrundelse", "Behov for et mindre læringsmiljø"),
        ("start", start.as_str()),
    ];
    let res = post(&app, &path, &trivsel, &form(&approve)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for (fields, message) in [
        (
            vec![
                ("afgoerelse", "bevilget"),
                ("dato", day.as_str()),
                ("begrundelse", "Behov"),
            ],
            "Placeringens start",
        ),
        (
            vec![("afgoerelse", "afslaaet"), ("dato", day.as_str()), ("begrundelse", " ")],
            "PKU's begrundelse",
        ),
        (
            vec![("dato", day.as_str()), ("begrundelse", "x")],
            "vælg bevilget eller afslået",
        ),
    ] {
        let res = post(&app, &path, &leader, &form(&fields)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(message), "{message}");
        assert!(decision(child).await.is_none());
    }

    // Approved: the end one year after the start, the revisitation proposed three months
    // before it and a task for the leader on that date.
    let res = post(&app, &path, &leader, &form(&approve)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let d = decision(child).await.unwrap();
    let start = today() + Duration::days(33);
    let end = trivsel_domain::cases::pku::placement_end(start);
    let revisit = trivsel_domain::cases::pku::proposed_revisit(start);
    assert_eq!(d.placement, Some((start, end, revisit)));
    let tasks = store.tasks_of_user(w.users["skoleleder"], false).await.unwrap();
    let task = tasks
        .iter()
        .find(|t| t.title == trivsel_store::REVISIT_TITLE)
        .expect("revisitation task");
    assert_eq!((task.due, task.child_id), (revisit, Some(child)));
    let again = post(&app, &path, &leader, &form(&approve)).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "recorded once");
    assert!(again.text().await.unwrap().contains("allerede registreret"));
    let page = app
        .get(&format!("/boern/{child}/pku/{rid}"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Bevilget") && page.contains(&trivsel_domain::cases::format_date(end)),
        "{page}"
    );
    let chronology = app
        .get(&format!("/boern/{child}/kronologi"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        chronology.contains("PKU&#39;s afgørelse: bevilget") || chronology.contains("PKU's afgørelse: bevilget"),
        "{chronology}"
    );

    // Refused, with its reason: no placement, no task.
    let refuse = [
        ("afgoerelse", "afslaaet"),
        ("dato", day.as_str()),
        ("begrundelse", "Behovet kan dækkes i klassen"),
    ];
    let res = post(
        &app,
        &format!("/boern/{other}/pku/{refused_rid}/afgoerelse"),
        &leader,
        &form(&refuse),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let d = decision(other).await.unwrap();
    assert_eq!((d.decision.id(), d.placement), ("afslaaet", None));
    let tasks = store.tasks_of_user(w.users["skoleleder"], false).await.unwrap();
    assert_eq!(
        tasks.iter().filter(|t| t.title == trivsel_store::REVISIT_TITLE).count(),
        1
    );
    let audit = store.child_audit(child, 50).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "pku.decision" && r.allowed && r.role == "skoleleder")
    );
    assert!(audit.iter().any(|r| r.action == "pku.decision" && !r.allowed));
}
