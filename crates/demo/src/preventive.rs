//! Nordskolen's year groups: `laerer` coordinates 5. årgang, with a preventive plan for the
//! year group (its evaluation `laerer`'s task) and one for the whole school (the
//! trivselsperson's).

use chrono::Days;
use trivsel_domain::year_group::PlanLevel;
use trivsel_store::{NewPreventivePlan, Store, StoreError};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>) -> Result<(), StoreError> {
    let audit = place.audit("leder", "year_groups.save", None);
    store
        .set_coordinators(place.school_id, &[(5, Some(place.users["laerer"]))], &audit)
        .await?;
    let at = place.today.and_hms_opt(8, 0, 0).expect("time").and_utc();
    let plans = [
        (
            PlanLevel::YearGroup(5),
            "Tryg i frikvarteret",
            "Flere elever i 5. årgang siger i trivselsmålingen, at de ikke har nogen at være sammen med i frikvarteret.",
            "Alle elever i 5. årgang har nogen at lege med i frikvarteret.",
            "Legepatruljer med elever fra 6. årgang tre dage om ugen; lærerne samler op i klassens time hver fredag.",
            "laerer",
        ),
        (
            PlanLevel::School,
            "Fælles sprog om trivsel",
            "Skolens trivselsstrategi vedtages i år.",
            "Alle ansatte bruger de samme ord og trin, når de taler om børns trivsel.",
            "Pædagogisk dag i januar; LKT-teamet præsenterer strategien på årgangsmøderne.",
            "trivsel",
        ),
    ];
    for (level, title, context, goals, actions, who) in plans {
        let plan = NewPreventivePlan {
            institution_id: place.school_id,
            level,
            title: title.into(),
            context: context.into(),
            goals: goals.into(),
            signs: String::new(),
            actions: actions.into(),
            evaluation_on: place.today + Days::new(90),
            responsible_user_id: place.users[who],
            by: place.users["leder"],
            at,
        };
        store
            .create_preventive_plan(&plan, &place.audit("leder", "preventive.create", None))
            .await?;
    }
    Ok(())
}
