//! An underretning at Nordskolen: the class teacher of 5.A notified the municipality about
//! pupil 3 of 5.A twelve days ago, and no receipt has come, so `leder` and `trivsel` see it as
//! overdue and `laerer` has an overdue follow-up task.

use chrono::Duration;
use trivsel_domain::calendar::is_working_day;
use trivsel_store::{NewUnderretning, Store, StoreError};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>, recipient: &str) -> Result<(), StoreError> {
    let mut sent_on = place.today - Duration::days(12);
    while !is_working_day(sent_on) {
        sent_on -= Duration::days(1);
    }
    let child_id = place.pupils_5a[2].id;
    let new = NewUnderretning {
        institution_id: place.school_id,
        child_id,
        author_user_id: place.users["laerer"],
        observations: "Kommer ofte uden madpakke og i det samme tøj flere dage i træk; er træt og falder i søvn i \
                       timerne. Har de sidste tre uger haft meget fravær, oftest om mandagen."
            .into(),
        statements: "Siger, at «mor sover tit, når jeg går i skole».".into(),
        observed_on: Some(sent_on - Duration::days(21)),
        tried: "Samtale med eleven og to møder med moren; fraværssamråd er foreslået. Sparring med skolens \
                socialrådgiver (anonymt)."
            .into(),
        parents_informed: true,
        not_informed_reason: String::new(),
        acute: false,
        phoned_at: None,
        phoned_to: String::new(),
        recipient: recipient.into(),
        sent_on,
        at: sent_on.and_hms_opt(13, 0, 0).expect("valid time").and_utc(),
    };
    store
        .create_underretning(&new, &place.audit("laerer", "underretning.create", Some(child_id)))
        .await?;
    Ok(())
}
