//! An overgangsskema at Børnehuset Mælkebøtten: the health visitor filled it in with the
//! parents of the youngest child in Sommerfuglene two weeks before the start and recorded their
//! confirmation at the visit; three of the five answers are shared, so `paedagog` and
//! `dagleder` see those three, and `dagleder` held the start conversation. The child is on
//! `sundhedsplejerske`'s «Mine børn», where a new form can be filled in.

use chrono::Duration;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::meetings::ConsentMethod;
use trivsel_domain::transition_form::{Adbb, default_questions};
use trivsel_store::{FormAnswer, FormConfirmation, NewTransitionForm, Store, StoreError};

use crate::cases::Place;

pub(crate) async fn seed(
    store: &Store,
    place: &Place<'_>,
    child_id: i64,
    daycare_id: i64,
    starts_on: chrono::NaiveDate,
) -> Result<(), StoreError> {
    let answers = [
        ("Glad og nysgerrig; elsker at synge og at bygge tårne.", true),
        ("Går og siger enkelte ord; sover to timer midt på dagen.", true),
        ("Lidt forsigtig over for nye voksne, men varmer hurtigt op.", true),
        ("Far er lige begyndt på nyt arbejde med skiftende vagter.", false),
        ("Allergi over for æg; har brug for sin sut ved puttetid.", false),
    ];
    let visited_on = starts_on - Duration::days(14);
    let at = visited_on.and_hms_opt(10, 0, 0).expect("valid time").and_utc();
    let new = NewTransitionForm {
        child_id,
        to_institution_id: daycare_id,
        starts_on,
        visited_on,
        answers: default_questions()
            .into_iter()
            .zip(answers)
            .map(|(q, (answer, shared))| FormAnswer {
                key: q.key,
                question: q.text,
                answer: answer.into(),
                shared,
            })
            .collect(),
        adbb: Adbb::new([0, 0, 1, 0, 1, 0, 0, 0]).ok(),
        adbb_shared: false,
        written_by: place.users["sundhedsplejerske"],
        at,
    };
    let audit = |action: &str| place.audit("sundhedsplejerske", action, Some(child_id));
    let form_id = store
        .create_transition_form(&new, &audit("transition_form.create"))
        .await?;
    let guardian = store.guardians_of_child(ChildGrant::system(child_id)).await?;
    let Some((guardian_id, _, _)) = guardian.first() else {
        return Ok(());
    };
    let confirmation = FormConfirmation {
        form_id,
        guardian_id: *guardian_id,
        method: ConsentMethod::StaffOrally,
        shared: None,
        recorded_by: place.users["sundhedsplejerske"],
        at,
    };
    let task = store
        .confirm_transition_form(&confirmation, &audit("transition_form.confirm"))
        .await?;
    // The start conversation was held in the child's first week.
    if let Some(task) = task {
        let held = (starts_on + Duration::days(3))
            .and_hms_opt(14, 0, 0)
            .expect("valid time")
            .and_utc();
        store
            .complete_task(
                task,
                place.users["dagleder"],
                held,
                Some("Opstartssamtale holdt med begge forældre."),
                &place.audit("dagleder", "task.complete", Some(child_id)),
            )
            .await?;
    }
    Ok(())
}
