//! `trivsel bench …`: benchmark programs. Results belong in docs/PERFORMANCE.md together with
//! the command that produced them.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
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
