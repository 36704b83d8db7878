//! Benchmark support for the rule kernel (ydelsesmåling): synthetic registrations for many
//! pupils in a compact layout and a multi-threaded evaluation. No I/O and no clock; the caller
//! times [`evaluate_all`].
//!
//! Layout of `codes`: pupil-major, `[pupil][day][slot]`, one byte per registration: the code's
//! ASCII letter (`b'P'`, `b'S'`, `b'L'`, `b'U'`, `b'F'`, `b'T'`) or `0` for no registration
//! (any other byte also counts as none). Every pupil has the same `days` school days of one
//! school year and `slots` registrations per day.

use super::{DayTally, Thresholds, evaluate};

/// Counts of one byte: (registration, absent, unlawful, late or left).
const fn byte_counts(b: u8) -> [u16; 4] {
    match b {
        b'P' => [1, 0, 0, 0],
        b'S' | b'L' => [1, 1, 0, 0],
        b'U' => [1, 1, 1, 0],
        b'F' | b'T' => [1, 0, 0, 1],
        _ => [0, 0, 0, 0],
    }
}

const BYTE_COUNTS: [[u16; 4]; 256] = {
    let mut table = [[0; 4]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = byte_counts(b as u8);
        b += 1;
    }
    table
};

/// Tallies one pupil's codes (`days × slots` bytes) into `out` (`days` tallies).
pub fn tally_codes(pupil_codes: &[u8], slots: usize, out: &mut [DayTally]) {
    assert!(slots > 0, "at least one slot per day");
    assert_eq!(pupil_codes.len(), out.len() * slots, "days × slots codes");
    for (day, tally) in pupil_codes.chunks_exact(slots).zip(out.iter_mut()) {
        let mut t = DayTally::default();
        for &b in day {
            let [r, a, u, l] = BYTE_COUNTS[usize::from(b)];
            t.registrations += r;
            t.absent += a;
            t.unlawful += u;
            t.late_or_left += l;
        }
        *tally = t;
    }
}

/// Evaluates every pupil in `codes` (layout in the [module docs](self)) and counts the trigger
/// events per rule, indexed by [`Rule::index`](super::Rule::index). The pupils are split into `threads` contiguous
/// chunks evaluated in parallel (`std::thread::scope`); `threads = 1` runs on the calling
/// thread. The counts do not depend on `threads`.
pub fn evaluate_all_by_rule(
    codes: &[u8],
    pupils: usize,
    days: usize,
    slots: usize,
    thresholds: &Thresholds,
    threads: usize,
) -> [u64; 5] {
    assert!(slots > 0, "at least one slot per day");
    assert_eq!(codes.len(), pupils * days * slots, "pupils × days × slots codes");
    if pupils == 0 || days == 0 {
        return [0; 5];
    }
    let per_pupil = days * slots;
    let chunk_pupils = pupils.div_ceil(threads.clamp(1, pupils));
    let run = |chunk: &[u8]| {
        let mut tallies = vec![DayTally::default(); days];
        let mut counts = [0u64; 5];
        for pupil in chunk.chunks_exact(per_pupil) {
            tally_codes(pupil, slots, &mut tallies);
            evaluate(&tallies, thresholds, |_, rule| counts[rule.index()] += 1);
        }
        counts
    };
    let mut chunks = codes.chunks(chunk_pupils * per_pupil);
    let first = chunks.next().expect("at least one pupil");
    std::thread::scope(|s| {
        let others: Vec<_> = chunks.map(|chunk| s.spawn(move || run(chunk))).collect();
        let mut total = run(first);
        for handle in others {
            let counts = handle.join().expect("evaluation thread");
            for (sum, n) in total.iter_mut().zip(counts) {
                *sum += n;
            }
        }
        total
    })
}

/// The number of trigger events over all pupils; see [`evaluate_all_by_rule`].
pub fn evaluate_all(
    codes: &[u8],
    pupils: usize,
    days: usize,
    slots: usize,
    thresholds: &Thresholds,
    threads: usize,
) -> u64 {
    evaluate_all_by_rule(codes, pupils, days, slots, thresholds, threads)
        .iter()
        .sum()
}

/// SplitMix64: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `per_10k` / 10 000.
    fn chance(&mut self, per_10k: u64) -> bool {
        self.below(10_000) < per_10k
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

/// How one synthetic pupil tends to be absent (per 10 000 school days unless said otherwise).
struct Profile {
    /// Chance that a sickness episode of 1–3 days starts.
    sick_start: u64,
    /// Chance of a day of (mostly unlawful) absence, full or half.
    chronic: u64,
    /// One long sickness run: (first day, length).
    long_sick: Option<(usize, usize)>,
    /// One lawful absence (e.g. a family trip): (first day, length).
    lawful_trip: Option<(usize, usize)>,
    /// Chance of arriving late or leaving early on a present day.
    late: u64,
}

impl Profile {
    fn draw(rng: &mut Rng, days: usize) -> Self {
        let run = |rng: &mut Rng, lo: u64, hi: u64| {
            let len = rng.between(lo, hi) as usize;
            (rng.below(days as u64) as usize, len)
        };
        let kind = rng.below(100);
        Self {
            // Most pupils 2–6 % absence from short sickness episodes of 2 days on average.
            sick_start: rng.between(90, 280),
            chronic: match kind {
                0..=2 => rng.between(1_200, 3_000),
                3..=7 => rng.between(300, 800),
                _ => 0,
            },
            long_sick: (rng.below(100) < 6).then(|| run(rng, 5, 15)),
            lawful_trip: (rng.below(100) < 10).then(|| run(rng, 2, 5)),
            late: if rng.below(100) < 8 {
                rng.between(800, 2_500)
            } else {
                rng.between(0, 60)
            },
        }
    }
}

/// Synthetic registrations for `pupils` pupils over `days` school days with `slots`
/// registrations a day, in the layout of the [module docs](self), deterministic in `seed`.
///
/// Realistic mix: most pupils have 2–6 % absence (short sickness episodes, a few half days),
/// about 3 % are chronically absent (largely unlawful), some have a long sickness run or a
/// lawful family trip, about 8 % often come late or leave early, and about 0.3 % of days lack
/// registrations. Every rule fires at the default thresholds.
pub fn generate(pupils: usize, days: usize, slots: usize, seed: u64) -> Vec<u8> {
    assert!(slots > 0, "at least one slot per day");
    let mut rng = Rng(seed ^ 0x5452_4956_5345_4C00);
    let mut codes = vec![b'P'; pupils * days * slots];
    let half = slots.div_ceil(2);
    for pupil in codes.chunks_exact_mut(days * slots) {
        let p = Profile::draw(&mut rng, days);
        let mut sick_left = 0usize;
        for (d, day) in pupil.chunks_exact_mut(slots).enumerate() {
            if sick_left == 0 && rng.chance(p.sick_start) {
                sick_left = rng.between(1, 3) as usize;
            }
            let in_run =
                |run: Option<(usize, usize)>| run.is_some_and(|(start, len)| (start..start + len).contains(&d));
            if in_run(p.long_sick) || sick_left > 0 {
                sick_left = sick_left.saturating_sub(1);
                day.fill(b'S');
                // Sometimes the pupil comes for the afternoon on the last day.
                if sick_left == 0 && slots > 1 && rng.chance(1_000) {
                    day[half..].fill(b'P');
                }
            } else if in_run(p.lawful_trip) {
                day.fill(b'L');
            } else if p.chronic > 0 && rng.chance(p.chronic) {
                let code = if rng.chance(7_000) { b'U' } else { b'S' };
                if rng.chance(4_000) {
                    // Half day: present in the morning, gone in the afternoon.
                    day[half.min(slots - 1)..].fill(code);
                } else {
                    day.fill(code);
                }
            } else if rng.chance(30) {
                // Missing registration.
                day.fill(0);
            } else if rng.chance(p.late) {
                if rng.chance(6_000) {
                    day[0] = b'F';
                } else {
                    day[slots - 1] = b'T';
                }
            } else if rng.chance(40) {
                // An unlawful half day (a lesson skipped) or a doctor's appointment.
                let code = if rng.chance(5_000) { b'U' } else { b'L' };
                day[..half.min(slots - 1).max(1)].fill(code);
            }
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::absence::{Code, Rule, triggers};

    #[test]
    fn tally_codes_matches_day_tally() {
        let codes = b"PSUU\0\0FTLX";
        let mut out = [DayTally::default(); 5];
        tally_codes(codes, 2, &mut out);
        let t = |s: &str| DayTally::of_codes(s.chars().map(|c| Code::from_char(c).unwrap()));
        assert_eq!(out, [t("PS"), t("UU"), t(""), t("FT"), t("L")]);
    }

    #[test]
    fn generated_data_is_realistic_and_fires_every_rule() {
        let (pupils, days, slots) = (3_000, 200, 2);
        let codes = generate(pupils, days, slots, 7);
        assert_eq!(codes, generate(pupils, days, slots, 7), "deterministic");
        let t = Thresholds::default();
        let mut tallies = vec![DayTally::default(); days];
        let mut shares = Vec::new();
        let mut want = [0u64; 5];
        for pupil in codes.chunks_exact(days * slots) {
            tally_codes(pupil, slots, &mut tallies);
            let halves: u32 = tallies.iter().map(DayTally::value_halves).sum();
            shares.push(f64::from(halves) / 2.0 / days as f64);
            for (_, rule) in triggers(&tallies, &t) {
                want[rule.index()] += 1;
            }
        }
        shares.sort_by(f64::total_cmp);
        let median = shares[pupils / 2];
        assert!((0.02..=0.06).contains(&median), "median absence {median}");
        let typical = shares.iter().filter(|s| (0.015..=0.07).contains(*s)).count();
        assert!(typical * 10 >= pupils * 7, "{typical} of {pupils} typical");
        assert!(want.iter().all(|n| *n > 0), "{want:?}");
        for threads in [1, 2, 3, 7] {
            assert_eq!(evaluate_all_by_rule(&codes, pupils, days, slots, &t, threads), want);
        }
        assert_eq!(
            evaluate_all(&codes, pupils, days, slots, &t, 2),
            want.iter().sum::<u64>()
        );
        // Per-lesson registration works the same way.
        let codes = generate(500, 190, 6, 1);
        assert_eq!(
            evaluate_all(&codes, 500, 190, 6, &t, 1),
            evaluate_all(&codes, 500, 190, 6, &t, 2)
        );
        assert_eq!(evaluate_all(&[], 0, 200, 2, &t, 2), 0);
    }

    /// Benchmark: `cargo test -p trivsel-domain --release -- --ignored --nocapture bench`.
    #[test]
    #[ignore = "benchmark; run in release mode"]
    fn bench_700k_pupils() {
        let (pupils, days, slots) = (700_000, 200, 2);
        let start = std::time::Instant::now();
        let codes = generate(pupils, days, slots, 42);
        eprintln!("generate: {:?}", start.elapsed());
        let t = Thresholds::default();
        for threads in [1, 2] {
            let start = std::time::Instant::now();
            let by_rule = evaluate_all_by_rule(&codes, pupils, days, slots, &t, threads);
            let took = start.elapsed();
            let ids = Rule::ALL.map(Rule::id);
            eprintln!("{threads} thread(s): {took:?}, events {by_rule:?} ({ids:?})");
        }
    }
}
