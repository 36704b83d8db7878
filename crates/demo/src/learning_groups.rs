//! A small learning group at Børnehuset Mælkebøtten: four children of Sommerfuglene with
//! `paedagog` as fixed pedagogue, three sessions over the last three weeks rated in the
//! development wheel, and the daycare's goal that 95 % can concentrate for 15 minutes.

use chrono::Duration;
use trivsel_domain::development_wheel::DEFAULT_DIMENSIONS;
use trivsel_store::{InstitutionGoal, NewLearningGroup, NewSession, Store, StoreError};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>, daycare_id: i64, group_id: i64) -> Result<(), StoreError> {
    let children: Vec<i64> = store
        .class_pupils(group_id, place.today)
        .await?
        .into_iter()
        .take(4)
        .map(|p| p.id)
        .collect();
    if children.len() < 3 {
        return Ok(());
    }
    let pedagogue = place.users["paedagog"];
    let leader = place.users["dagleder"];
    let at = |days: i64| {
        (place.today - Duration::days(days))
            .and_hms_opt(11, 0, 0)
            .expect("time")
            .and_utc()
    };
    let new = NewLearningGroup {
        institution_id: daycare_id,
        name: "Mælkebøtterne".into(),
        pedagogue_id: pedagogue,
        children: children.clone(),
        dimensions: DEFAULT_DIMENSIONS.iter().map(|d| d.to_string()).collect(),
        by: leader,
        at: at(22),
    };
    let group = store
        .create_learning_group(&new, &place.audit("dagleder", "learning_group.create", None))
        .await?;
    let activities = [
        "Dialogisk læsning om «Rasmus Klump»",
        "Puslespil og turtagning",
        "Bage boller sammen",
    ];
    for (week, activity) in activities.iter().enumerate() {
        let mut ratings = Vec::new();
        for (i, child) in children.iter().enumerate() {
            for d in 0..DEFAULT_DIMENSIONS.len() {
                // Everyone moves up over the weeks; the last child more slowly.
                let base = if i == children.len() - 1 { 1 } else { 2 };
                let value = (base + week / 2 + usize::from((i + d) % 3 == 0)).min(4) as u8;
                ratings.push((*child, d, value));
            }
        }
        let notes = vec![(
            children[children.len() - 1],
            "Havde brug for en voksen tæt på for at blive ved bordet.".to_string(),
        )];
        let session = NewSession {
            group_id: group,
            held_on: place.today - Duration::days(14 - 7 * week as i64),
            activity: activity.to_string(),
            ratings,
            notes,
            by: pedagogue,
            at: at(14 - 7 * week as i64),
        };
        let audits: Vec<_> = children
            .iter()
            .map(|c| place.audit("paedagog", "learning_group.rating", Some(*c)))
            .collect();
        store.record_wheel_session(&session, &audits).await?;
    }
    let goal = InstitutionGoal {
        id: 0,
        dimension: DEFAULT_DIMENSIONS[0].into(),
        level: 3,
        target_percent: 95,
    };
    store
        .add_institution_goal(
            daycare_id,
            &goal,
            leader,
            at(22),
            &place.audit("dagleder", "learning_group.goal", None),
        )
        .await?;
    Ok(())
}
