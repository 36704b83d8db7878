//! `trivsel absence …` and `trivsel import absence`: rule events, the quarterly report and the
//! import of registrations.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail};
use trivsel_domain::NaiveDate;
use trivsel_domain::absence::{Quarter, Thresholds};
use trivsel_domain::calendar::SchoolYear;
use trivsel_store::Store;

use crate::{admin, progress};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Kommasepareret med overskrift.
    Csv,
    /// Tabel til skærmen.
    Table,
}

fn write_rows(format: Format, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Csv => trivsel_import::export::write_csv(&mut out, header, rows)?,
        Format::Table => {
            let widths: Vec<usize> = (0..header.len())
                .map(|i| {
                    rows.iter()
                        .map(|r| r[i].chars().count())
                        .chain([header[i].chars().count()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: Vec<&str>| {
                cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            writeln!(out, "{}", line(header.to_vec()).trim_end())?;
            for row in rows {
                writeln!(out, "{}", line(row.iter().map(String::as_str).collect()).trim_end())?;
            }
            writeln!(out, "({} rækker)", rows.len())?;
        }
    }
    out.flush()?;
    Ok(())
}

fn school_id(store_codes: &std::collections::HashMap<i64, String>, code: Option<&str>) -> anyhow::Result<Option<i64>> {
    match code {
        None => Ok(None),
        Some(code) => store_codes
            .iter()
            .find(|(_, c)| c.as_str() == code)
            .map(|(id, _)| Some(*id))
            .ok_or_else(|| anyhow!("skolen «{code}» findes ikke")),
    }
}

pub async fn events(
    store: &Store,
    municipality: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    school: Option<&str>,
    format: Format,
) -> anyhow::Result<()> {
    if from > to {
        bail!("--from ({from}) ligger efter --to ({to})");
    }
    let m = store.find_municipality(municipality).await?;
    let data = store
        .absence_data(m.id, None, SchoolYear::of(from).first_day(), to)
        .await?;
    let school = school_id(&data.institution_codes, school)?;
    let mut rows: Vec<(NaiveDate, &str, &str)> = data
        .events(&store.thresholds(m.id).await?, from, to)
        .into_iter()
        .filter(|e| school.is_none_or(|s| s == e.institution_id))
        .map(|e| {
            (
                e.date,
                data.source_ids.get(&e.child_id).map_or("", String::as_str),
                e.rule.id(),
            )
        })
        .collect();
    rows.sort();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(date, pupil, rule)| vec![pupil.to_string(), rule.to_string(), date.to_string()])
        .collect();
    write_rows(format, &["pupil_id", "rule", "date"], &rows)
}

pub async fn quarter_report(
    store: &Store,
    municipality: Option<&str>,
    quarter: &str,
    school: Option<&str>,
    format: Format,
) -> anyhow::Result<()> {
    let quarter = Quarter::parse(quarter).map_err(|m| anyhow!("--quarter: {m}"))?;
    let m = store.find_municipality(municipality).await?;
    let data = store
        .absence_data(m.id, None, quarter.first_day(), quarter.last_day())
        .await?;
    let school = school_id(&data.institution_codes, school)?;
    let mut rows: Vec<Vec<String>> = data
        .quarter_report(quarter)
        .into_iter()
        .filter(|l| school.is_none_or(|s| s == l.institution_id))
        .map(|l| {
            vec![
                data.source_ids.get(&l.child_id).cloned().unwrap_or_default(),
                data.institution_codes
                    .get(&l.institution_id)
                    .cloned()
                    .unwrap_or_default(),
                l.share,
            ]
        })
        .collect();
    rows.sort();
    write_rows(format, &["pupil_id", "school", "unlawful_share"], &rows)
}

pub async fn import(store: &Store, municipality: Option<&str>, file: &Path) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let bar = progress::Bar::for_file(file);
    let audit = admin::cli_actor(m.id, "absence.import", None);
    let today = chrono::Local::now().date_naive();
    let summary = trivsel_import::import_absence(store, m.id, file, &audit, today, &bar).await;
    bar.finish();
    println!("{}: {}", file.display(), summary?);
    Ok(())
}

/// `DAYS:AMOUNT` with the amount in whole or half units (e.g. `20:6.5`), as (days, halves).
fn window(value: &str, what: &str) -> anyhow::Result<(u32, u32)> {
    let parse = || -> Option<(u32, u32)> {
        let (days, amount) = value.split_once(':')?;
        let days: u32 = days.trim().parse().ok()?;
        let halves = (amount.trim().parse::<f64>().ok()? * 2.0).round();
        (days >= 1 && halves >= 1.0 && halves <= f64::from(days) * 2.0).then_some((days, halves as u32))
    };
    parse().ok_or_else(|| {
        anyhow!("{what} skal skrives DAGE:FRAVÆRSDAGE, fx 20:7 (halve dage tilladt), og kan ikke overstige vinduet")
    })
}

fn show(t: &Thresholds) -> String {
    let half = |h: u32| {
        if h.is_multiple_of(2) {
            (h / 2).to_string()
        } else {
            format!("{},5", h / 2)
        }
    };
    format!(
        "Fravær i træk: {} skoledage\n{} af {} skoledage (window_7_20)\n{} af {} skoledage (window_15_60)\n\
         Kommer og går: {} for sent/gået tidligt på {} skoledage\n{},{} % fravær efter {} skoledage (percent_10)",
        t.consecutive_days,
        half(t.short_window_halves),
        t.short_window_days,
        half(t.long_window_halves),
        t.long_window_days,
        t.comes_and_goes_count,
        t.comes_and_goes_days,
        t.percent_permille / 10,
        t.percent_permille % 10,
        t.percent_min_days
    )
}

/// Shows the municipality's thresholds, changing those given first.
#[allow(clippy::too_many_arguments)]
/// Shows, or sets, the registrations a school takes per pupil and school day.
pub async fn registrations_per_day(
    store: &Store,
    municipality: Option<&str>,
    school: &str,
    count: Option<u8>,
) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let institution = store
        .institutions(m.id)
        .await?
        .into_iter()
        .find(|i| i.code == school)
        .ok_or_else(|| anyhow!("skolen «{school}» findes ikke i {}", m.name))?;
    if let Some(n) = count {
        let audit = admin::cli_actor(m.id, "absence.registrations_per_day", Some(format!("{school}: {n}")));
        store.set_registrations_per_day(m.id, school, n, &audit).await?;
    }
    let n = store.registrations_per_day(institution.id).await?;
    println!("{} registrerer {n} gange pr. elev og skoledag.", institution.name);
    Ok(())
}

pub async fn thresholds(
    store: &Store,
    municipality: Option<&str>,
    consecutive: Option<u32>,
    short_window: Option<&str>,
    long_window: Option<&str>,
    comes_and_goes: Option<&str>,
    percent: Option<&str>,
) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let mut t = store.thresholds(m.id).await?;
    let before = t;
    if let Some(days) = consecutive {
        if days < 1 {
            bail!("--consecutive skal være mindst 1");
        }
        t.consecutive_days = days;
    }
    if let Some(v) = short_window {
        (t.short_window_days, t.short_window_halves) = window(v, "--short-window")?;
    }
    if let Some(v) = long_window {
        (t.long_window_days, t.long_window_halves) = window(v, "--long-window")?;
    }
    if let Some(v) = comes_and_goes {
        let (days, halves) = window(v, "--comes-and-goes")?;
        if !halves.is_multiple_of(2) {
            bail!("--comes-and-goes tæller registreringer: brug et helt antal, fx 20:5");
        }
        (t.comes_and_goes_days, t.comes_and_goes_count) = (days, halves / 2);
    }
    if let Some(v) = percent {
        let parsed = v.split_once(':').and_then(|(days, pct)| {
            let days: u32 = days.trim().parse().ok()?;
            let permille = (pct.trim().replace(',', ".").parse::<f64>().ok()? * 10.0).round();
            (days >= 1 && (1.0..=1000.0).contains(&permille)).then_some((days, permille as u32))
        });
        (t.percent_min_days, t.percent_permille) =
            parsed.ok_or_else(|| anyhow!("--percent skal skrives DAGE:PROCENT, fx 20:10 (én decimal tilladt)"))?;
    }
    if t != before {
        let audit = admin::cli_actor(m.id, "absence.thresholds", Some(format!("{t:?}")));
        store.set_thresholds(m.id, &t, &audit).await?;
        println!("Tærsklerne for {} er ændret; de gælder fra næste beregning.\n", m.name);
    }
    println!("{}", show(&t));
    Ok(())
}
