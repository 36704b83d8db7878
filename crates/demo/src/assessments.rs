//! Trafiklys in 5.A: joint assessments last round and this round for every pupil — mostly
//! green, a few yellow, the pupil the underretning is about red — and for one pupil this round
//! only `trivsel`'s own assessment, so `laerer` is asked for his or hers before seeing it.

use chrono::Duration;
use trivsel_domain::assessment::{FOCUS_POINTS, Light, Round};
use trivsel_store::{NewAssessment, Store, StoreError};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>) -> Result<(), StoreError> {
    let round = Round::of(place.today);
    let previous = round.previous();
    // A day inside each round: mid-round, or today if the round has only just begun.
    let day_in = |r: Round| {
        let mid = chrono::NaiveDate::from_ymd_opt(r.year, if r.half == 1 { 3 } else { 10 }, 15).expect("date");
        mid.min(place.today)
    };
    for (i, pupil) in place.pupils_5a.iter().enumerate() {
        let light = |r: Round| match (i, r == round) {
            (2, true) => Light::Red,
            (2, false) | (5, _) | (11, true) => Light::Yellow,
            (17, false) => Light::Yellow,
            _ => Light::Green,
        };
        for r in [previous, round] {
            if i == 8 && r == round {
                // Only the trivselsperson's own so far.
                let own = NewAssessment {
                    institution_id: place.school_id,
                    child_id: pupil.id,
                    round: r,
                    joint: false,
                    light: Light::Yellow,
                    focus: vec![FOCUS_POINTS[1].into()],
                    note: "Går mest alene i frikvartererne.".into(),
                    participants: String::new(),
                    by: place.users["trivsel"],
                    at: (place.today - Duration::days(1))
                        .and_hms_opt(12, 0, 0)
                        .expect("time")
                        .and_utc(),
                };
                store
                    .save_assessment(&own, &place.audit("trivsel", "assessment.own", Some(pupil.id)))
                    .await?;
                continue;
            }
            let l = light(r);
            let joint = NewAssessment {
                institution_id: place.school_id,
                child_id: pupil.id,
                round: r,
                joint: true,
                light: l,
                focus: match l {
                    Light::Green => vec![],
                    Light::Yellow => vec![FOCUS_POINTS[1].into(), FOCUS_POINTS[4].into()],
                    Light::Red => vec![FOCUS_POINTS[0].into(), FOCUS_POINTS[6].into(), FOCUS_POINTS[7].into()],
                },
                note: match l {
                    Light::Green => String::new(),
                    Light::Yellow => "Følges tæt; tales med forældrene.".into(),
                    Light::Red => "Meget fravær og træt i timerne; underretning sendt.".into(),
                },
                participants: "Klasselærer og trivselsperson".into(),
                by: place.users["trivsel"],
                at: day_in(r).and_hms_opt(14, 0, 0).expect("time").and_utc(),
            };
            store
                .save_assessment(&joint, &place.audit("trivsel", "assessment.joint", Some(pupil.id)))
                .await?;
        }
    }
    Ok(())
}
