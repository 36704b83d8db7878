//! A class survey in 5.A, still open: every pupil but two has answered (the demo pupil `elev`
//! has not, so the front page offers it). Friends answer in threes, so the sociogram has
//! triangles, and two pupils are chosen by nobody — what `laerer` and `trivsel` find on the
//! results page and may make focus pupils.

use std::collections::BTreeSet;

use trivsel_domain::surveys::class_survey::{DEFAULT_MAX_CHOICES, DEFAULT_QUESTIONS};
use trivsel_store::{NewClassSurvey, NewResponse, Store, StoreError, Via};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>) -> Result<(), StoreError> {
    let pupils: Vec<i64> = place.pupils_5a.iter().map(|p| p.id).collect();
    let n = pupils.len();
    if n < 9 {
        return Ok(());
    }
    let at = (place.today - chrono::Duration::days(2))
        .and_hms_opt(9, 0, 0)
        .expect("valid time")
        .and_utc();
    let new = NewClassSurvey {
        class_id: place.class_5a,
        title: "Klassetrivsel i 5.A".into(),
        max_choices: DEFAULT_MAX_CHOICES,
        questions: DEFAULT_QUESTIONS.iter().map(|(k, q)| (*k, q.to_string())).collect(),
        created_by: place.users["trivsel"],
        at,
    };
    let survey_id = store
        .create_class_survey(&new, &place.audit("trivsel", "class_survey.create", None))
        .await?;
    // Nobody chooses these two; the first pupil (the demo's `elev`) and the last have not answered.
    let unchosen: BTreeSet<usize> = [6, 19].into_iter().filter(|i| *i < n).collect();
    let silent = [0, n - 1];
    for i in (0..n).filter(|i| !silent.contains(i)) {
        let group = i / 3 * 3;
        let friends: Vec<usize> = (group..group + 3)
            .chain([(group + 3) % n])
            .filter(|j| *j < n && *j != i && !unchosen.contains(j))
            .take(DEFAULT_MAX_CHOICES)
            .collect();
        let sociogram = |position: usize| (position, friends.iter().map(|j| pupils[*j]).collect::<Vec<_>>());
        let glad = [5, 4, 4, 5, 3, 4, 5, 2, 4, 5][i % 10];
        let response = NewResponse {
            survey_id,
            child_id: pupils[i],
            via: Via::ClassCode,
            scale: vec![
                (1, Some(glad)),
                (2, Some(glad.saturating_sub(u8::from(i % 4 == 0)).max(1))),
            ],
            choices: vec![sociogram(3), sociogram(4)],
            at: at + chrono::Duration::minutes(i as i64),
        };
        let mut audit = place.audit("trivsel", "class_survey.answer", Some(pupils[i]));
        audit.user_id = None;
        audit.username = "klassekode".into();
        audit.role = "elev".into();
        store.save_survey_response(&response, &audit).await?;
    }
    Ok(())
}
