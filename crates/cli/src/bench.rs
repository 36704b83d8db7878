//! `trivsel bench …`: benchmark programs. Results belong in docs/PERFORMANCE.md together with
//! the command that produced them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use trivsel_domain::absence::{self, DayTally, Rule, Thresholds};
use trivsel_store::Store;

/// Writes a synthetic roster of `pupils` pupils (28 per class, 10 classes per school), imports
/// it into `url` (a fresh SQLite file when `None`), imports it again, and prints both times.
pub async fn roster(pupils: usize, url: Option<String>) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("trivsel-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = run_roster(pupils, url, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_roster(pupils: usize, url: Option<String>, dir: &Path) -> anyhow::Result<()> {
    let file = dir.join("roster.csv");
    write_roster(&file, pupils)?;
    let size = std::fs::metadata(&file)?.len();
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));
    let store = Store::connect(&url).await?;
    let m = store.upsert_municipality("bench", "Benchmark Kommune").await?;
    println!(
        "roster: {pupils} elever, {:.1} MB CSV, database {url}",
        size as f64 / 1e6
    );
    for run in ["første import", "samme fil igen"] {
        let start = Instant::now();
        let summary = trivsel_import::import_roster(&store, m.id, &file, &()).await?;
        println!("{run}: {:.2} s ({summary})", start.elapsed().as_secs_f64());
    }
    store.close().await;
    Ok(())
}

fn write_roster(path: &Path, pupils: usize) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).context("kan ikke skrive benchmarkfilen")?);
    writeln!(
        out,
        "school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to"
    )?;
    for i in 0..pupils {
        let class = i / 28;
        let school = class / 10;
        let grade = class % 10;
        writeln!(
            out,
            "S{school:05},Skole {school},{grade}.A,P{i:07},Barn{i},Efternavn{},{}-03-{:02},2024-08-01,",
            i % 997,
            2018 - grade,
            1 + i % 28
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Settings of `trivsel bench absence`.
pub struct AbsenceArgs {
    pub pupils: usize,
    pub days: usize,
    pub slots: usize,
    pub threads: usize,
    pub seed: u64,
    pub export: Option<PathBuf>,
}

/// Timed runs per measurement; the best one counts.
const RUNS: usize = 3;

/// Benchmarks the absence rules (fraværsreglerne) over synthetic registrations for many pupils.
///
/// **Data layout.** [`absence::bench::generate`] lays the registrations out pupil-major,
/// `[pupil][day][slot]`, one byte per registration (the code's ASCII letter, `0` for none):
/// 700,000 pupils × 200 school days × 2 slots is 280 MB in one contiguous array. The rule
/// kernel reads each pupil's `days × slots` bytes once, front to back, tallies them into a
/// small per-thread buffer of day tallies (200 × 8 bytes, which stays in L1 cache) and walks
/// that buffer once with running window sums ([`absence::evaluate`]). The threads take
/// contiguous ranges of pupils, so each one streams its part of the array sequentially and
/// nothing is shared but the read-only input.
///
/// **What is timed.** Generation (single-threaded, reported separately), then
/// [`absence::bench::evaluate_all_by_rule`] over all pupils, `RUNS` times, best run counted.
/// As a floor, the same array is summed as 64-bit words on the same threads with the same
/// split (the memory-bandwidth pass, [`word_sum`]): no evaluation can be faster than reading
/// its input once, so the ratio of the two best times says how far the kernel is from that
/// floor. Export (CSV for the DuckDB comparison) is not timed.
pub fn absence(args: &AbsenceArgs) -> anyhow::Result<()> {
    let AbsenceArgs {
        pupils,
        days,
        slots,
        threads,
        seed,
        ..
    } = *args;
    if pupils == 0 || days == 0 || slots == 0 || threads == 0 {
        bail!("--pupils, --days, --slots og --threads skal være mindst 1");
    }
    if slots > usize::from(u16::MAX) {
        bail!("--slots må højst være {}", u16::MAX);
    }
    let Some(bytes) = pupils.checked_mul(days).and_then(|n| n.checked_mul(slots)) else {
        bail!("--pupils × --days × --slots er for stort");
    };
    println!(
        "fravær: {pupils} elever × {days} skoledage × {slots} registreringer pr. dag, {threads} tråde, seed {seed}"
    );

    let start = Instant::now();
    let codes = absence::bench::generate(pupils, days, slots, seed);
    let generated = start.elapsed();
    let registrations = codes
        .iter()
        .filter(|b| matches!(b, b'P' | b'S' | b'L' | b'U' | b'F' | b'T'))
        .count();
    println!(
        "data: genereret på {:.3} s; {registrations} registreringer, {bytes} bytes ({:.1} MB, 1 byte pr. registrering, [elev][dag][slot])",
        generated.as_secs_f64(),
        bytes as f64 / 1e6
    );

    let (pass_times, _) = best_of(|| bandwidth_pass(&codes, pupils, days * slots, threads));
    let pass = min(&pass_times);
    println!(
        "hukommelsespas (sum af hele arrayet som 64-bit ord, samme tråde): {}; bedst {} = {:.2} GB/s",
        runs(&pass_times),
        ms(pass),
        bytes as f64 / pass / 1e9
    );

    let thresholds = Thresholds::default();
    let (eval_times, by_rule) =
        best_of(|| absence::bench::evaluate_all_by_rule(&codes, pupils, days, slots, &thresholds, threads));
    let eval = min(&eval_times);
    println!("regelevaluering: {}", runs(&eval_times));
    println!(
        "bedst: {} = {:.1} mio. registreringer/s, {:.2} GB/s af kodearrayet; {:.1} × hukommelsespasset",
        ms(eval),
        registrations as f64 / eval / 1e6,
        bytes as f64 / eval / 1e9,
        eval / pass
    );
    let total: u64 = by_rule.iter().sum();
    let per_rule: Vec<String> = Rule::ALL
        .iter()
        .map(|r| format!("{} {}", r.id(), by_rule[r.index()]))
        .collect();
    println!("hændelser: {}; i alt {total}", per_rule.join(", "));

    if let Some(dir) = &args.export {
        let start = Instant::now();
        export(dir, &codes, args, &thresholds, by_rule)?;
        let summary = Summary {
            args,
            registrations,
            bytes,
            generated: generated.as_secs_f64(),
            pass,
            eval,
            eval_times: &eval_times,
            by_rule,
        };
        std::fs::write(dir.join("bench.json"), summary.json()).context("kan ikke skrive bench.json")?;
        println!(
            "eksport: {} ({:.1} s; ikke med i målingerne)",
            dir.display(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Runs `f` [`RUNS`] times: the seconds of each run and the last result.
fn best_of<T>(mut f: impl FnMut() -> T) -> (Vec<f64>, T) {
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = std::hint::black_box(f());
        times.push(start.elapsed().as_secs_f64());
        result = Some(r);
    }
    (times, result.expect("at least one run"))
}

fn min(times: &[f64]) -> f64 {
    times.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Seconds as milliseconds.
fn ms(seconds: f64) -> String {
    format!("{:.2} ms", seconds * 1e3)
}

fn runs(times: &[f64]) -> String {
    let runs: Vec<String> = times
        .iter()
        .enumerate()
        .map(|(i, t)| format!("kørsel {} {}", i + 1, ms(*t)))
        .collect();
    runs.join(", ")
}

/// The memory-bandwidth pass: one [`word_sum`] over all of `codes`, split over `threads`
/// threads exactly as [`absence::bench::evaluate_all_by_rule`] splits the pupils.
fn bandwidth_pass(codes: &[u8], pupils: usize, per_pupil: usize, threads: usize) -> u64 {
    let chunk_pupils = pupils.div_ceil(threads.clamp(1, pupils));
    let mut chunks = codes.chunks(chunk_pupils * per_pupil);
    let first = chunks.next().unwrap_or_default();
    std::thread::scope(|s| {
        let others: Vec<_> = chunks.map(|chunk| s.spawn(move || word_sum(chunk))).collect();
        let mut total = word_sum(first);
        for handle in others {
            total = total.wrapping_add(handle.join().expect("summing thread"));
        }
        total
    })
}

/// The cheapest computation that reads every byte: the wrapping sum of the bytes as 64-bit
/// words (the few bytes after the last whole word added one by one). Summing byte by byte is
/// compute-bound (under 1 GB/s for a plain loop, about 7 GB/s per core even eight bytes at a
/// time), so it would measure arithmetic rather than memory.
fn word_sum(bytes: &[u8]) -> u64 {
    let (words, rest) = bytes.as_chunks::<8>();
    let words = words
        .iter()
        .fold(0u64, |sum, word| sum.wrapping_add(u64::from_le_bytes(*word)));
    rest.iter().fold(words, |sum, &b| sum.wrapping_add(u64::from(b)))
}

/// Writes `registrations.csv` (`pupil,day,slot,code`, registrations only, pupil and day from
/// 0, slot from 1) and `events_trivsel.csv` (`pupil,rule,day`, sorted by day, pupil and rule
/// id) into `dir`.
fn export(dir: &Path, codes: &[u8], args: &AbsenceArgs, t: &Thresholds, by_rule: [u64; 5]) -> anyhow::Result<()> {
    let (days, slots) = (args.days, args.slots);
    std::fs::create_dir_all(dir).with_context(|| format!("kan ikke oprette {}", dir.display()))?;
    let create = |name: &str| -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
        let path = dir.join(name);
        let file = std::fs::File::create(&path).with_context(|| format!("kan ikke skrive {}", path.display()))?;
        Ok(std::io::BufWriter::with_capacity(1 << 20, file))
    };

    let mut out = create("registrations.csv")?;
    out.write_all(b"pupil,day,slot,code\n")?;
    // ",day,slot," for every (day, slot), in layout order.
    let middles: Vec<Vec<u8>> = (0..days)
        .flat_map(|d| (1..=slots).map(move |s| format!(",{d},{s},").into_bytes()))
        .collect();
    let mut row = Vec::with_capacity(64);
    for (pupil, pupil_codes) in codes.chunks_exact(days * slots).enumerate() {
        let pupil = pupil.to_string();
        for (middle, &code) in middles.iter().zip(pupil_codes) {
            if matches!(code, b'P' | b'S' | b'L' | b'U' | b'F' | b'T') {
                row.clear();
                row.extend_from_slice(pupil.as_bytes());
                row.extend_from_slice(middle);
                row.push(code);
                row.push(b'\n');
                out.write_all(&row)?;
            }
        }
    }
    out.flush()?;

    let mut events: Vec<(u32, u32, Rule)> = Vec::new();
    let mut tallies = vec![DayTally::default(); days];
    for (pupil, pupil_codes) in codes.chunks_exact(days * slots).enumerate() {
        absence::bench::tally_codes(pupil_codes, slots, &mut tallies);
        let pupil = u32::try_from(pupil).context("for mange elever til eksporten")?;
        absence::evaluate(&tallies, t, |d, rule| events.push((d as u32, pupil, rule)));
    }
    events.sort_unstable();
    let mut counted = [0u64; 5];
    for (_, _, rule) in &events {
        counted[rule.index()] += 1;
    }
    if counted != by_rule {
        bail!("eksportens hændelser {counted:?} afviger fra målingens {by_rule:?}");
    }
    let mut out = create("events_trivsel.csv")?;
    out.write_all(b"pupil,rule,day\n")?;
    for (day, pupil, rule) in events {
        writeln!(out, "{pupil},{rule},{day}")?;
    }
    out.flush()?;
    Ok(())
}

/// The numbers of one run, for `bench/duckdb_compare.sh`.
struct Summary<'a> {
    args: &'a AbsenceArgs,
    registrations: usize,
    bytes: usize,
    generated: f64,
    pass: f64,
    eval: f64,
    eval_times: &'a [f64],
    by_rule: [u64; 5],
}

impl Summary<'_> {
    fn json(&self) -> String {
        let a = self.args;
        let times: Vec<String> = self.eval_times.iter().map(|t| format!("{t:.6}")).collect();
        let rules: Vec<String> = Rule::ALL
            .iter()
            .map(|r| format!("\"{}\": {}", r.id(), self.by_rule[r.index()]))
            .collect();
        format!(
            "{{\"pupils\": {}, \"days\": {}, \"slots\": {}, \"threads\": {}, \"seed\": {}, \
             \"registrations\": {}, \"bytes\": {}, \"generate_seconds\": {:.6}, \
             \"bandwidth_pass_seconds\": {:.6}, \"evaluate_seconds\": {:.6}, \
             \"evaluate_runs_seconds\": [{}], \"events\": {{{}}}}}\n",
            a.pupils,
            a.days,
            a.slots,
            a.threads,
            a.seed,
            self.registrations,
            self.bytes,
            self.generated,
            self.pass,
            self.eval,
            times.join(", "),
            rules.join(", ")
        )
    }
}
