//! A bullying report at Nordskolen: pupil 2 of 5.A (the one left out in `cases`) exposed to
//! digital bullying by pupil 5, with the demo pupil as a witness; learned of four working days
//! ago, temporary measures started, the written action plan still due, so `leder` sees it
//! waiting and `foraelder` sees the child's own role only.

use trivsel_domain::bullying::{InvolvedRole, LearnedHow};
use trivsel_domain::calendar::is_working_day;
use trivsel_store::{NewBullyingReport, Store, StoreError};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>) -> Result<(), StoreError> {
    let mut learned_on = place.today;
    for _ in 0..4 {
        learned_on = learned_on.pred_opt().expect("valid date");
        while !is_working_day(learned_on) {
            learned_on = learned_on.pred_opt().expect("valid date");
        }
    }
    let p5 = place.pupils_5a;
    let children = vec![
        (p5[1].id, InvolvedRole::Exposed),
        (p5[4].id, InvolvedRole::Perpetrator),
        (p5[0].id, InvolvedRole::Witness),
    ];
    let new = NewBullyingReport {
        institution_id: place.school_id,
        created_by: place.users["laerer"],
        description: "Eleven har fået hånende beskeder og et redigeret billede i klassens chatgruppe; \
                      en klassekammerat har vist klasselæreren beskederne."
            .into(),
        digital: true,
        learned_on,
        learned_how: LearnedHow::Oral,
        learned_by: "Klasselæreren".into(),
        children: children.clone(),
        at: learned_on.and_hms_opt(12, 0, 0).expect("valid time").and_utc(),
    };
    let audits: Vec<_> = children
        .iter()
        .map(|(c, _)| place.audit("laerer", "bullying.create", Some(*c)))
        .collect();
    let id = store.create_bullying_report(&new, &audits).await?;
    let audits: Vec<_> = children
        .iter()
        .map(|(c, _)| place.audit("leder", "bullying.measures", Some(*c)))
        .collect();
    store
        .record_bullying_measures(
            id,
            "Chatgruppen er lukket midlertidigt; en voksen følger eleven i frikvartererne; forældrene er ringet op.",
            learned_on,
            &audits,
        )
        .await
}
