//! The demo municipality, Eksempel Kommune: four schools with classes 0.–9., two daycares,
//! about 1,200 synthetic children with guardians, school holidays for two school years, and
//! one demo account per role, with cases, consents and meetings at Nordskolen. Generated from a
//! fixed seed, so every demo looks the same. Guardians, the pupil's account and the advisers'
//! caseloads go through the same CSV imports a real municipality uses (`trivsel import
//! guardians`, `users import`, `import assignments`). `trivsel demo --pupils N` adds schools
//! with three classes per grade until the municipality has N school pupils, for benchmarks.

mod absence;
mod annual_wheel;
mod assessments;
mod bullying;
mod cases;
mod class_survey;
mod holidays;
mod imports;
mod learning_groups;
mod meetings;
mod names;
mod preventive;
mod reviews;
mod surveys;
mod transition_form;
mod underretning;

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use trivsel_domain::NaiveDate;
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_store::{
    AuditEntry, EnrolmentRow, HolidayChanges, NewUser, Registration, RosterChanges, Store, StoreError,
};

pub const MUNICIPALITY_CODE: &str = "999";
pub const MUNICIPALITY_NAME: &str = "Eksempel Kommune";
pub const PASSWORD: &str = "demo";

/// The demo accounts: user name, role, what the account is for.
pub const ACCOUNTS: [(&str, Role, &str); 14] = [
    ("admin", Role::Admin, "administrator (brugere, ingen børnedata)"),
    ("leder", Role::Leader, "skoleleder på Nordskolen"),
    ("laerer", Role::Teacher, "lærer i 5.A på Nordskolen"),
    ("trivsel", Role::WellbeingPerson, "trivselsperson på Nordskolen"),
    ("ppr", Role::Psychologist, "PPR-psykolog"),
    ("socialraadgiver", Role::SocialWorker, "socialrådgiver for Nordskolen"),
    ("sundhedsplejerske", Role::HealthVisitor, "sundhedsplejerske"),
    ("ssp", Role::SspCounsellor, "SSP/UU-vejleder"),
    ("dagleder", Role::Leader, "daglig leder i Børnehuset Mælkebøtten"),
    (
        "paedagog",
        Role::Teacher,
        "pædagog på stuen Sommerfuglene i Børnehuset Mælkebøtten",
    ),
    ("foraelder", Role::Guardian, "forælder til en elev i 5.A på Nordskolen"),
    ("elev", Role::Pupil, "elev i 5.A på Nordskolen"),
    ("kommune", Role::Analyst, "kommunal analytiker (kun samlede tal)"),
    (
        "sagsbehandler",
        Role::AbsenceCaseworker,
        "kommunal fraværssagsbehandler (skolernes 15 %-lister)",
    ),
];

/// The named schools, one class per grade; the demo's accounts work at the first.
const SCHOOLS: [(&str, &str); 4] = [
    ("280101", "Nordskolen"),
    ("280102", "Søndre Skole"),
    ("280103", "Østbyskolen"),
    ("280104", "Vestervang Skole"),
];
const DAYCARES: [(&str, &str, [&str; 2]); 2] = [
    ("280201", "Børnehuset Mælkebøtten", ["Sommerfuglene", "Mariehønene"]),
    ("280202", "Vuggestuen og Børnehaven Spiren", ["Frøerne", "Egernene"]),
];
const PUPILS_PER_CLASS: usize = 28;
/// Pupils of the named schools: the default demo.
pub const DEFAULT_PUPILS: usize = SCHOOLS.len() * 10 * PUPILS_PER_CLASS;
/// Classes per grade of the schools added for a larger demo (`trivsel demo --pupils`).
const EXTRA_TRACKS: usize = 3;
const EXTRA_NAMES: [&str; 12] = [
    "Bakke", "Eng", "Skov", "Strand", "Mølle", "Kirke", "Rosen", "Lunde", "Hede", "Sø", "Bøge", "Kilde",
];

/// A demo school: code, name and classes per grade.
struct School {
    code: String,
    name: String,
    tracks: usize,
}

/// The named schools, then as many schools of three classes per grade as it takes to reach
/// `pupils` school pupils.
fn schools(pupils: usize) -> Vec<School> {
    let mut all: Vec<School> = SCHOOLS
        .iter()
        .map(|(code, name)| School {
            code: (*code).into(),
            name: (*name).into(),
            tracks: 1,
        })
        .collect();
    let per_school = EXTRA_TRACKS * 10 * PUPILS_PER_CLASS;
    for n in 0..pupils.saturating_sub(DEFAULT_PUPILS).div_ceil(per_school) {
        let stem = EXTRA_NAMES[n % EXTRA_NAMES.len()];
        let round = n / EXTRA_NAMES.len();
        let name = if round == 0 {
            format!("{stem}skolen")
        } else {
            format!("{stem}skolen {}", round + 1)
        };
        all.push(School {
            code: format!("29{n:04}"),
            name,
            tracks: EXTRA_TRACKS,
        });
    }
    all
}

fn track(n: usize) -> char {
    (b'A' + n as u8) as char
}
const CHILDREN_PER_GROUP: usize = 20;

/// What was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub children: usize,
    pub guardians: usize,
    pub institutions: usize,
    pub registrations: usize,
    /// Concerns (bekymringer) about children and classes.
    pub concerns: usize,
    /// Meetings (Trivselsforum and fraværssamråd) at Nordskolen.
    pub meetings: usize,
    /// Consents recorded, revoked ones included.
    pub consents: usize,
}

/// Seeds Eksempel Kommune unless it exists. `password_hash` is the hash of [`PASSWORD`];
/// `today` decides the school years (the current and the previous one). `pupils` is the number
/// of school pupils: [`DEFAULT_PUPILS`] gives the four named schools; more adds schools of three
/// classes per grade (for benchmarks at a municipality's size).
pub async fn seed(
    store: &Store,
    password_hash: &str,
    today: NaiveDate,
    pupils: usize,
) -> Result<Option<DemoSummary>, StoreError> {
    if store
        .municipalities()
        .await?
        .iter()
        .any(|m| m.code == MUNICIPALITY_CODE)
    {
        return Ok(None);
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let municipality = store.upsert_municipality(MUNICIPALITY_CODE, MUNICIPALITY_NAME).await?;
    let this_year = SchoolYear::of(today);
    let last_year = SchoolYear(this_year.0 - 1);

    let mut roster = RosterChanges::default();
    let mut serial = 0;
    let mut next_id = || {
        serial += 1;
        format!("E{serial:05}")
    };
    let schools = schools(pupils);
    for school in &schools {
        let code = &school.code;
        roster
            .institutions
            .push((code.clone(), school.name.clone(), InstitutionKind::School));
        for grade in 0..=9 {
            for t in (0..school.tracks).map(track) {
                let class = format!("{grade}.{t}");
                roster.classes.push((code.clone(), class.clone()));
                if grade > 0 {
                    roster.classes.push((code.clone(), format!("{}.{t}", grade - 1)));
                }
                for _ in 0..PUPILS_PER_CLASS {
                    let id = next_id();
                    // Children start in 0. klasse the year they turn six.
                    let born = birth_date(&mut rng, this_year.0 - 6 - grade);
                    add_child(&mut roster, &mut rng, &id, born);
                    if grade > 0 {
                        let previous = EnrolmentRow {
                            institution_code: code.clone(),
                            class_name: format!("{}.{t}", grade - 1),
                            from: last_year.first_day(),
                            to: Some(last_year.last_day()),
                        };
                        roster.enrolments.push((id.clone(), previous));
                    }
                    let current = EnrolmentRow {
                        institution_code: code.clone(),
                        class_name: class.clone(),
                        from: this_year.first_day(),
                        to: None,
                    };
                    roster.enrolments.push((id, current));
                }
            }
        }
    }
    for (code, name, groups) in DAYCARES {
        roster
            .institutions
            .push((code.into(), name.into(), InstitutionKind::Daycare));
        for group in groups {
            roster.classes.push((code.into(), group.into()));
            for _ in 0..CHILDREN_PER_GROUP {
                let id = next_id();
                let age = rng.random_range(1..=5);
                let born = birth_date(&mut rng, this_year.0 - age);
                add_child(&mut roster, &mut rng, &id, born);
                let from = (born + chrono::Months::new(12)).max(last_year.first_day());
                let row = EnrolmentRow {
                    institution_code: code.into(),
                    class_name: group.into(),
                    from,
                    to: None,
                };
                roster.enrolments.push((id, row));
            }
        }
    }
    roster.classes.sort();
    roster.classes.dedup();
    store.apply_roster(municipality.id, &roster).await?;

    let mut holidays = HolidayChanges::default();
    for school in &schools {
        for year in [last_year, this_year] {
            holidays.add.extend(
                holidays::school_holidays(year)
                    .into_iter()
                    .map(|d| (school.code.clone(), d)),
            );
        }
    }
    store.apply_holidays(municipality.id, &holidays).await?;
    let holidays_of = |code: &str| -> Vec<NaiveDate> {
        holidays
            .add
            .iter()
            .filter(|(c, _)| c == code)
            .map(|(_, d)| *d)
            .collect()
    };

    let snapshot = store.roster_snapshot(municipality.id).await?;
    let child_id: HashMap<&str, i64> = snapshot.children.iter().map(|(k, c)| (k.as_str(), c.id)).collect();
    let institutions = store.institutions(municipality.id).await?;
    let nordskolen = institutions
        .iter()
        .find(|i| i.code == SCHOOLS[0].0)
        .expect("first school");
    let class_5a = store
        .classes(nordskolen.id)
        .await?
        .into_iter()
        .find(|c| c.name == "5.A")
        .expect("5.A");
    let pupils_5a = store.class_pupils(class_5a.id, this_year.first_day()).await?;
    let demo_pupil = pupils_5a[0].id;

    let daycare = institutions
        .iter()
        .find(|i| i.code == DAYCARES[0].0)
        .expect("first daycare");
    let group = store
        .classes(daycare.id)
        .await?
        .into_iter()
        .find(|c| c.name == DAYCARES[0].2[0])
        .expect("first group");
    let mut user_ids = HashMap::new();
    for (username, role, _) in ACCOUNTS {
        let name = format!(
            "{} {}",
            names::GIVEN.choose(&mut rng).expect("names"),
            names::FAMILY.choose(&mut rng).expect("names")
        );
        // The daycare's leader and pedagogue work at Mælkebøtten; the other staff at Nordskolen
        // (the social worker too: it takes part in the school's anonymous consultations).
        let at_daycare = matches!(username, "dagleder" | "paedagog");
        let institution_id = match role {
            _ if at_daycare => Some(daycare.id),
            Role::Leader | Role::Teacher | Role::WellbeingPerson | Role::SocialWorker => Some(nordskolen.id),
            _ => None,
        };
        let class_ids = match (role, at_daycare) {
            (Role::Teacher, true) => vec![group.id],
            (Role::Teacher, false) => vec![class_5a.id],
            _ => vec![],
        };
        let user = NewUser {
            municipality_id: municipality.id,
            username: username.into(),
            name,
            email: None,
            role,
            institution_id,
            child_id: None,
            password_hash: Some(password_hash.into()),
            demo_only: true,
            class_ids,
        };
        user_ids.insert(username, store.create_user(&user, None).await?);
    }

    // Guardians (most children two with custody, some one), the pupil's account and the
    // advisers' caseloads, through the municipality's imports.
    let mut ids: Vec<(&str, i64)> = child_id.iter().map(|(k, v)| (*k, *v)).collect();
    ids.sort();
    let demo_source = snapshot
        .children
        .iter()
        .find(|(_, c)| c.id == demo_pupil)
        .map(|(k, _)| k.clone())
        .expect("demo pupil");
    let mut guardian_file = String::from("pupil_id,name,email,phone,custody,login\n");
    let mut guardians = 0;
    for (source, child) in ids.iter() {
        let family = &snapshot.children[*source].family_name;
        let count = if rng.random_bool(0.8) { 2 } else { 1 };
        for n in 0..count {
            let given = names::GIVEN.choose(&mut rng).expect("names");
            let login = if *child == demo_pupil && n == 0 {
                "foraelder"
            } else {
                ""
            };
            // Unique, so that each guardian is known by the phone from one import to the next.
            let phone = 20_000_000 + guardians;
            guardian_file.push_str(&format!("{source},{given} {family},,{phone},ja,{login}\n"));
            guardians += 1;
        }
    }
    let pupil_name = child_name(&snapshot, demo_pupil);
    let users_file =
        format!("username,name,email,role,institution,classes,pupil_id\nelev,{pupil_name},,elev,,,{demo_source}\n");
    // The demo pupil's case is held by the demo advisers, so their views have a child (the
    // social worker's after the guardian's consent, which its access needs).
    let mut assignments_file = String::from("pupil_id,username,reason,ends_on\n");
    for adviser in ["ppr", "socialraadgiver", "sundhedsplejerske", "ssp"] {
        assignments_file.push_str(&format!(
            "{demo_source},{adviser},Tilknyttet ved skolens henvendelse,\n"
        ));
    }
    // The youngest child of Sommerfuglene has the health visitor's overgangsskema.
    let toddler = store
        .class_pupils(group.id, today)
        .await?
        .into_iter()
        .max_by_key(|p| (p.birth_date, p.id))
        .expect("children in the first group");
    let toddler_source = snapshot
        .children
        .iter()
        .find(|(_, c)| c.id == toddler.id)
        .map(|(k, _)| k.clone())
        .expect("toddler");
    assignments_file.push_str(&format!(
        "{toddler_source},sundhedsplejerske,Overgangsskema før start i dagtilbud,\n"
    ));
    let admin = AuditEntry {
        municipality_id: municipality.id,
        user_id: Some(user_ids["admin"]),
        username: "admin".into(),
        role: Role::Admin.id().into(),
        action: String::new(),
        child_id: None,
        criterion: Some("demo".into()),
        allowed: true,
        address: None,
    };
    let audit = |action: &str| AuditEntry {
        action: action.into(),
        ..admin.clone()
    };
    let files = imports::Files::new()?;
    let imported = async {
        let m = municipality.id;
        trivsel_import::import_guardians(
            store,
            m,
            &files.write("foraeldre.csv", &guardian_file)?,
            &audit("guardian.import"),
            &(),
        )
        .await?;
        trivsel_import::import_users(
            store,
            m,
            &files.write("elev.csv", &users_file)?,
            &audit("user.import"),
            &(),
        )
        .await?;
        let path = files.write("tilknytninger.csv", &assignments_file)?;
        trivsel_import::import_assignments(store, m, &path, &audit("assignment.import"), today, &()).await?;
        Ok::<_, trivsel_import::ImportError>(())
    }
    .await;
    imported.map_err(|e| StoreError::Config(format!("demoens import mislykkedes: {e}")))?;

    // The national well-being survey: last school year's answers of today's 5.A–9.A.
    let mut surveyed = Vec::new();
    for class in store.classes(nordskolen.id).await? {
        if ["5.A", "6.A", "7.A", "8.A", "9.A"].contains(&class.name.as_str()) {
            for p in store.class_pupils(class.id, today).await? {
                if let Some((source, _)) = snapshot.children.iter().find(|(_, c)| c.id == p.id) {
                    surveyed.push(source.clone());
                }
            }
        }
    }
    let codes: Vec<&str> = SCHOOLS.iter().map(|(code, _)| *code).collect();
    surveys::seed(
        store,
        municipality.id,
        &codes,
        last_year,
        &surveyed,
        &audit("survey.import"),
    )
    .await
    .map_err(|e| StoreError::Config(format!("demoens trivselsmåling mislykkedes: {e}")))?;

    // Roll calls for both school years up to yesterday; today's is left for the teachers.
    let yesterday = today.pred_opt().expect("date");
    // One school at a time, so a large demo never holds all its registrations at once.
    let mut registrations = 0;
    for school in &schools {
        let calendar = absence::calendar(&holidays_of(&school.code));
        let institution = institutions.iter().find(|i| i.code == school.code).expect("school");
        let mut school_registrations = Vec::new();
        let mut school_pupils = Vec::new();
        for class in store.classes(institution.id).await? {
            for pupil in store.class_pupils(class.id, this_year.first_day()).await? {
                school_pupils.push(pupil.id);
                let from = if class.name.starts_with('0') {
                    this_year.first_day()
                } else {
                    last_year.first_day()
                };
                school_registrations.extend(absence::pupil_registrations(
                    &mut rng, pupil.id, &calendar, from, yesterday,
                ));
            }
        }
        store
            .save_registrations(municipality.id, &school_registrations, None, chrono::Utc::now(), &[])
            .await?;
        store.refresh_alerts(municipality.id, &school_pupils, yesterday).await?;
        registrations += school_registrations.len();
    }
    // The last school day's U of one pupil in 5.A came through the roll call, so the parents
    // are still to be contacted: a task on the teacher's and the leader's front page.
    let nordskolen_days = absence::calendar(&holidays_of(SCHOOLS[0].0));
    let mut last_day = yesterday;
    while !nordskolen_days.is_school_day(last_day) {
        last_day = last_day.pred_opt().expect("date");
    }
    if let Some(pupil) = pupils_5a.get(3) {
        let unlawful = [Registration {
            child_id: pupil.id,
            date: last_day,
            slot: 1,
            code: trivsel_domain::absence::Code::Unlawful,
        }];
        store
            .register_absence(
                municipality.id,
                &unlawful,
                Some(user_ids["laerer"]),
                chrono::Utc::now(),
                &[],
                today,
            )
            .await?;
    }

    // Concerns, tiers, plans, tasks and a class conference at Nordskolen.
    let class_8a = store
        .classes(nordskolen.id)
        .await?
        .into_iter()
        .find(|c| c.name == "8.A")
        .expect("8.A");
    let pupils_8a = store.class_pupils(class_8a.id, this_year.first_day()).await?;
    let place = cases::Place {
        municipality_id: municipality.id,
        school_id: nordskolen.id,
        class_5a: class_5a.id,
        pupils_5a: &pupils_5a,
        pupils_8a: &pupils_8a,
        users: &user_ids,
        today,
    };
    let concerns = cases::seed(store, &place).await?;

    // Consents, Trivselsforum and fraværssamråd at Nordskolen.
    let meetings = meetings::seed(store, &place, &holidays_of(SCHOOLS[0].0)).await?;
    underretning::seed(store, &place, &municipality.name).await?;
    bullying::seed(store, &place).await?;
    class_survey::seed(store, &place).await?;
    assessments::seed(store, &place).await?;
    annual_wheel::seed(store, &place).await?;
    preventive::seed(store, &place).await?;
    let named: Vec<&trivsel_store::Institution> = institutions
        .iter()
        .filter(|i| SCHOOLS.iter().any(|(code, _)| *code == i.code))
        .collect();
    reviews::seed(store, &place, &named).await?;
    let toddler_start = store
        .child_card(trivsel_domain::access::ChildGrant::system(toddler.id))
        .await?
        .and_then(|c| c.placements.first().map(|p| p.from))
        .unwrap_or(today);
    transition_form::seed(store, &place, toddler.id, daycare.id, toddler_start).await?;
    learning_groups::seed(store, &place, daycare.id, group.id).await?;

    Ok(Some(DemoSummary {
        children: ids.len(),
        guardians,
        institutions: institutions.len(),
        registrations,
        concerns,
        meetings: meetings.meetings,
        consents: meetings.consents,
    }))
}

fn birth_date(rng: &mut StdRng, year: i32) -> NaiveDate {
    NaiveDate::from_yo_opt(year, rng.random_range(1..=365)).expect("valid day of year")
}

fn add_child(roster: &mut RosterChanges, rng: &mut StdRng, id: &str, born: NaiveDate) {
    let given = names::GIVEN.choose(rng).expect("names");
    let family = names::FAMILY.choose(rng).expect("names");
    roster
        .children
        .push((id.into(), (*given).into(), (*family).into(), born));
}

fn child_name(snapshot: &trivsel_store::RosterSnapshot, id: i64) -> String {
    snapshot
        .children
        .values()
        .find(|c| c.id == id)
        .map(|c| format!("{} {}", c.given_name, c.family_name))
        .unwrap_or_default()
}
