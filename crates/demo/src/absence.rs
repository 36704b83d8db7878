//! Two school years of realistic roll calls for the demo schools, of the order of the published
//! national figures for Danish public schools (2022/23: about 7 % average absence, about one
//! pupil in five above 10 %, unlawful absence around 1 % of school days). Each pupil has an
//! absence rate drawn from a log-normal distribution (median 4.3 %, mean 6.1 %: most pupils a
//! little absent, a long tail); absence comes in episodes of sickness, leave and unlawful
//! absence, unlawful mostly among the few with chronic absence; some pupils come late, some
//! have one long sickness. The test below measures the figures the README states.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rand::Rng;
use rand::rngs::StdRng;
use trivsel_domain::absence::Code;
use trivsel_domain::calendar::{SchoolCalendar, dates};
use trivsel_store::Registration;

/// Log-normal absence rate: ln(rate) ~ N(MU, SIGMA²), so the median is e^MU ≈ 4.3 % and the
/// mean e^(MU + SIGMA²/2) ≈ 6.1 %; the long sicknesses, chronic absence and half days on top
/// bring the measured average to about 7 % with one pupil in five above 10 %.
const MU: f64 = -3.15;
const SIGMA: f64 = 0.84;

/// How a pupil tends to be absent, beside its rate.
#[derive(Clone, Copy)]
enum Profile {
    Usual,
    LateComer,
    /// Chronic absence, mostly unlawful (the pupils the 10 % and 15 % steps are for).
    Chronic,
    /// One long sickness (10–15 school days) on top of the usual.
    LongSickness,
}

fn profile(rng: &mut StdRng) -> Profile {
    match rng.random_range(0..100) {
        0..=86 => Profile::Usual,
        87..=93 => Profile::LateComer,
        94..=96 => Profile::Chronic,
        _ => Profile::LongSickness,
    }
}

/// A standard normal draw (Box–Muller), so the demo needs no distribution crate.
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// The share of a pupil's absence that is unlawful.
fn unlawful_share(profile: Profile) -> f64 {
    match profile {
        Profile::Chronic => 0.7,
        _ => 0.17,
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
    let mut rate = (MU + SIGMA * normal(rng)).exp().min(0.5);
    if matches!(profile, Profile::Chronic) {
        rate = rate.max(0.12);
    }
    let unlawful = unlawful_share(profile);
    // Episodes: sickness 1–3 days (mean 2), leave 2–4 (mean 3), unlawful 1–2 (mean 1.5);
    // the chance to start one on a present day gives the rate: f = pL / (pL + 1 − p).
    let (lawful, sick) = (0.12, 1.0 - 0.12 - unlawful);
    let mean_length = sick * 2.0 + lawful * 3.0 + unlawful * 1.5;
    let start = rate / (mean_length - rate * (mean_length - 1.0));
    let days: Vec<NaiveDate> = dates(from, to).filter(|d| calendar.is_school_day(*d)).collect();
    let mut codes: Vec<[Code; 2]> = vec![[Code::Present; 2]; days.len()];
    let long_start = rng.random_range(0..days.len().max(1));
    let mut i = 0;
    while i < days.len() {
        let (episode, code) = if matches!(profile, Profile::LongSickness) && i == long_start {
            (rng.random_range(10..=15), Code::Sickness)
        } else if rng.random_bool(start) {
            let kind: f64 = rng.random();
            if kind < unlawful {
                (rng.random_range(1..=2), Code::Unlawful)
            } else if kind < unlawful + lawful {
                (rng.random_range(2..=4), Code::Lawful)
            } else {
                (rng.random_range(1..=3), Code::Sickness)
            }
        } else {
            (0, Code::Present)
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

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    /// The demo's figures over one school year of 1,200 pupils: (average absence, share of
    /// pupils above 10 %, unlawful share of school days), each in percent.
    fn figures() -> (f64, f64, f64) {
        let mut rng = StdRng::seed_from_u64(7);
        let calendar = calendar(&[]);
        let (from, to): (NaiveDate, NaiveDate) = ("2025-08-11".parse().unwrap(), "2026-06-26".parse().unwrap());
        let (mut absent, mut unlawful, mut total, mut above) = (0usize, 0usize, 0usize, 0usize);
        let pupils = 1200;
        for child in 0..pupils {
            let regs = pupil_registrations(&mut rng, child, &calendar, from, to);
            let away = |c: Code| matches!(c, Code::Sickness | Code::Lawful | Code::Unlawful);
            let a = regs.iter().filter(|r| away(r.code)).count();
            absent += a;
            unlawful += regs.iter().filter(|r| r.code == Code::Unlawful).count();
            total += regs.len();
            if a * 10 > regs.len() {
                above += 1;
            }
        }
        let pct = |n: usize, d: usize| 100.0 * n as f64 / d as f64;
        (pct(absent, total), pct(above, pupils as usize), pct(unlawful, total))
    }

    #[test]
    fn the_demo_absence_is_of_the_order_of_the_national_figures() {
        let (average, above_10, unlawful) = figures();
        eprintln!("demo: {average:.1} % average, {above_10:.1} % above 10 %, {unlawful:.2} % unlawful");
        // README «Demo data» states these, rounded.
        assert!((6.0..=8.0).contains(&average), "average absence {average:.1} %");
        assert!((15.0..=25.0).contains(&above_10), "pupils above 10 %: {above_10:.1} %");
        assert!((0.6..=1.5).contains(&unlawful), "unlawful {unlawful:.2} %");
    }
}
