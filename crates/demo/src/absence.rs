//! Two school years of realistic roll calls for the demo schools: most pupils 2–6 % absent,
//! some late-comers, a few with chronic (mostly unlawful) absence, some long sickness.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rand::Rng;
use rand::rngs::StdRng;
use trivsel_domain::absence::Code;
use trivsel_domain::calendar::{SchoolCalendar, dates};
use trivsel_store::Registration;

/// How a pupil tends to be absent.
#[derive(Clone, Copy)]
enum Profile {
    Usual,
    LateComer,
    Chronic,
    LongSickness,
}

fn profile(rng: &mut StdRng) -> Profile {
    match rng.random_range(0..100) {
        0..=84 => Profile::Usual,
        85..=92 => Profile::LateComer,
        93..=96 => Profile::Chronic,
        _ => Profile::LongSickness,
    }
}

/// Morning and afternoon registrations for one pupil on the school's school days from `from`
/// to `to`.
pub fn pupil_registrations(
    rng: &mut StdRng,
    child_id: i64,
    calendar: &SchoolCalendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Registration> {
    let profile = profile(rng);
    let days: Vec<NaiveDate> = dates(from, to).filter(|d| calendar.is_school_day(*d)).collect();
    let mut codes: Vec<[Code; 2]> = vec![[Code::Present; 2]; days.len()];
    let long_start = rng.random_range(0..days.len().max(1));
    let mut i = 0;
    while i < days.len() {
        let roll: f64 = rng.random();
        let (episode, code) = match profile {
            Profile::Chronic if roll < 0.06 => (
                rng.random_range(1..=4),
                if rng.random_bool(0.7) {
                    Code::Unlawful
                } else {
                    Code::Lawful
                },
            ),
            Profile::LongSickness if i == long_start => (rng.random_range(10..=15), Code::Sickness),
            _ if roll < 0.013 => (rng.random_range(1..=3), Code::Sickness),
            _ if roll < 0.015 => (rng.random_range(2..=4), Code::Lawful),
            _ if roll < 0.017 => (1, Code::Unlawful),
            _ => (0, Code::Present),
        };
        for day in codes.iter_mut().skip(i).take(episode) {
            *day = [code, code];
        }
        if episode == 0 {
            if matches!(profile, Profile::LateComer) && rng.random_bool(0.12) {
                codes[i][0] = Code::Late;
            } else if rng.random_bool(0.006) {
                codes[i][1] = Code::Sickness; // went home sick at noon
            } else if rng.random_bool(0.004) {
                codes[i][1] = Code::LeftEarly;
            }
        }
        i += episode.max(1);
    }
    days.iter()
        .zip(codes)
        .flat_map(|(date, [morning, afternoon])| {
            [
                Registration {
                    child_id,
                    date: *date,
                    slot: 1,
                    code: morning,
                },
                Registration {
                    child_id,
                    date: *date,
                    slot: 2,
                    code: afternoon,
                },
            ]
        })
        .collect()
}

/// The dates a school's holidays cover, as a calendar.
pub fn calendar(holidays: &[NaiveDate]) -> SchoolCalendar {
    SchoolCalendar {
        holidays: holidays.iter().copied().collect::<BTreeSet<_>>(),
    }
}
