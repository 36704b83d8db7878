//! Server-rendered SVG charts. The heatmap shows a pupil's school year, one square per weekday
//! in week columns, coloured by the day's registrations; each square has a text title, and the
//! page gives the same figures as text beside it.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use maud::{Markup, html};
use trivsel_domain::absence::Code;

use crate::kit::format::{format_date, percent};

/// Colour and Danish label of a day, by the most serious code registered.
fn day_style(codes: &[Code], school_day: bool) -> (&'static str, &'static str) {
    if !school_day {
        return ("#ffffff", "ikke skoledag");
    }
    let has = |c: Code| codes.contains(&c);
    if codes.is_empty() {
        ("#f3f3f3", "mangler registrering")
    } else if has(Code::Unlawful) {
        ("#b3261e", "ulovligt fravær")
    } else if has(Code::Sickness) {
        ("#1f6fb2", "syg")
    } else if has(Code::Lawful) {
        ("#6b4fa3", "lovligt fravær")
    } else if has(Code::Late) || has(Code::LeftEarly) {
        ("#e0a100", "for sent / gået tidligt")
    } else {
        ("#cfe8cf", "til stede")
    }
}

pub const LEGEND: [(&str, &str); 6] = [
    ("#cfe8cf", "Til stede"),
    ("#e0a100", "For sent / gået tidligt"),
    ("#1f6fb2", "Syg"),
    ("#6b4fa3", "Lovligt fravær"),
    ("#b3261e", "Ulovligt fravær"),
    ("#f3f3f3", "Mangler registrering"),
];

/// A calendar heatmap from `first` to `last` (a school year). `days` gives, for each of the
/// pupil's school days, the codes registered (in slot order). Built with maud, so every text
/// (the label carries the pupil's name) is escaped.
pub fn heatmap(first: NaiveDate, last: NaiveDate, days: &[(NaiveDate, Vec<Code>)], label: &str) -> Markup {
    // Cells and text large enough to read and tap on a phone; the figure scrolls inside itself.
    const CELL: i64 = 16;
    const GAP: i64 = 2;
    const MONTHS: [&str; 12] = [
        "jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
    ];
    let start = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let weeks = (last - start).num_days() / 7 + 1;
    // Room on the right for the last month's label.
    let (width, height) = (40 + weeks * (CELL + GAP) + 30, 22 + 5 * (CELL + GAP));
    let lookup: HashMap<NaiveDate, &Vec<Code>> = days.iter().map(|(d, c)| (*d, c)).collect();
    // Month labels above the first week of each month, then a square per weekday.
    let mut months = Vec::new();
    let mut squares = Vec::new();
    let mut month_drawn = 0;
    let mut date = first;
    while date <= last {
        let weekday = i64::from(date.weekday().num_days_from_monday());
        if weekday < 5 {
            let week = (date - start).num_days() / 7;
            let (x, y) = (40 + week * (CELL + GAP), 22 + weekday * (CELL + GAP));
            if date.month() != month_drawn && date.day() <= 7 {
                month_drawn = date.month();
                months.push((x, MONTHS[date.month0() as usize]));
            }
            let codes = lookup.get(&date);
            let (fill, what) = day_style(codes.map_or(&[][..], |c| c.as_slice()), codes.is_some());
            let letters: String = codes
                .map(|c| c.iter().map(|c| c.as_char()).collect())
                .unwrap_or_default();
            squares.push((x, y, fill, format!("{} – {what} {letters}", format_date(date))));
        }
        date += Duration::days(1);
    }
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height)
            role="img" aria-label=(label) {
            title { (label) }
            @for (row, name) in ["man", "tir", "ons", "tor", "fre"].iter().enumerate() {
                text x="0" y=(22 + row as i64 * (CELL + GAP) + CELL - 3) font-size="12" fill="#4a5360" { (name) }
            }
            @for (x, month) in &months {
                text x=(x) y="13" font-size="12" fill="#4a5360" { (month) }
            }
            @for (x, y, fill, title) in &squares {
                rect x=(x) y=(y) width=(CELL) height=(CELL) fill=(fill) stroke="#c9d1da" stroke-width="0.5" {
                    title { (title) }
                }
            }
        }
    }
}

/// The heatmap's text alternative: every school day that was not a plain «til stede», with its
/// registrations in words, so touch screens and screen readers get what hovering shows.
pub fn day_table(days: &[(NaiveDate, Vec<Code>)]) -> Markup {
    let shown: Vec<_> = days
        .iter()
        .filter(|(_, codes)| codes.is_empty() || codes.iter().any(|c| *c != Code::Present))
        .collect();
    html! {
        details {
            summary { "Dagene i tal (" (shown.len()) @if shown.len() == 1 { " dag" } @else { " dage" } " med fravær eller uden registrering)" }
            @if shown.is_empty() { p { "Ingen: alle skoledage er registreret som til stede." } } @else {
                table {
                    thead { tr { th scope="col" { "Dato" } th scope="col" { "Registreringer" } } }
                    tbody {
                        @for (date, codes) in &shown {
                            tr {
                                td { (format_date(*date)) }
                                td {
                                    @if codes.is_empty() { "Mangler registrering" }
                                    @else { (codes.iter().map(|c| c.navn()).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A line chart of weekly absence in per cent, with a titled point per week. `points` are
/// (label, per cent); the y axis runs from 0 to the next 5 % above the maximum. Built with
/// maud, so every text is escaped.
pub fn trend(points: &[(String, f64)], label: &str) -> Markup {
    // 12 px text and 5 px points: readable on a phone; the figure scrolls inside itself and the
    // page gives the numbers in a table beside it.
    const STEP: f64 = 22.0;
    const HEIGHT: f64 = 150.0;
    let top = ((points.iter().map(|p| p.1).fold(0.0, f64::max) / 5.0).floor() + 1.0) * 5.0;
    let width = 60.0 + STEP * points.len().max(1) as f64;
    let height = HEIGHT + 40.0;
    let y = |v: f64| 10.0 + HEIGHT * (1.0 - v / top);
    let x = |i: usize| 45.0 + STEP * i as f64;
    let ticks: Vec<f64> = (0..=5).map(|tick| top * f64::from(tick) / 5.0).collect();
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height)
            role="img" aria-label=(label) {
            title { (label) }
            @for v in &ticks {
                line x1="40" x2=(width) y1=(y(*v)) y2=(y(*v)) stroke="#e3e7ec" {}
                text x="0" y=(y(*v) + 4.0) font-size="12" fill="#4a5360" { (format!("{v:.0}")) " %" }
            }
            polyline points=(path.join(" ")) fill="none" stroke="#0b63a5" stroke-width="2" {}
            @for (i, (name, v)) in points.iter().enumerate() {
                circle cx=(format!("{:.1}", x(i))) cy=(format!("{:.1}", y(*v))) r="5" fill="#0b63a5" {
                    title { (name) ": " (percent(*v)) }
                }
                @if i % 4 == 0 {
                    text x=(format!("{:.1}", x(i))) y=(HEIGHT + 32.0) font-size="12" fill="#4a5360" text-anchor="middle" { (name) }
                }
            }
        }
    }
}

/// A sociogram (`trivsel_domain::surveys::sociogram`): one circle per pupil at the domain's
/// layout, a thick line for a mutual choice, a thin arrow for a one-way choice, and a dashed
/// red ring for a pupil nobody chose. Each circle's title names the pupil and the figures; the
/// page gives the same figures as a table beside it.
pub fn sociogram(id: &str, pupils: &[(i64, String)], choices: &[(i64, i64)], isolated: &[i64], label: &str) -> Markup {
    use trivsel_domain::surveys::sociogram::layout;
    const SIZE: f64 = 400.0;
    let ids: Vec<i64> = pupils.iter().map(|p| p.0).collect();
    let at: HashMap<i64, (f64, f64)> = layout(&ids, choices)
        .into_iter()
        .map(|(id, x, y)| (id, (x * SIZE, y * SIZE)))
        .collect();
    let chose = |a: i64, b: i64| choices.contains(&(a, b));
    let lines: Vec<(f64, f64, f64, f64, bool)> = choices
        .iter()
        .filter(|(a, b)| a != b && (!chose(*b, *a) || a < b))
        .filter_map(|(a, b)| {
            let (p, q) = (at.get(a)?, at.get(b)?);
            // Stop short of the circles so the arrowheads show.
            let (dx, dy) = (q.0 - p.0, q.1 - p.1);
            let d = (dx * dx + dy * dy).sqrt().max(1.0);
            let (ux, uy) = (dx / d * 16.0, dy / d * 16.0);
            Some((p.0 + ux, p.1 + uy, q.0 - ux, q.1 - uy, chose(*b, *a)))
        })
        .collect();
    let chosen_by = |id: i64| choices.iter().filter(|(a, b)| *b == id && *a != id).count();
    html! {
        svg.sociogram role="img" aria-labelledby={ (id) "-titel" } viewBox={ "0 0 " (SIZE) " " (SIZE) } {
            title id={ (id) "-titel" } { (label) }
            defs {
                marker id={ (id) "-pil" } viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto" {
                    path d="M0,0 L10,5 L0,10 z" fill="#767676" {}
                }
            }
            @for (x1, y1, x2, y2, mutual) in &lines {
                @if *mutual {
                    line x1=(format!("{x1:.1}")) y1=(format!("{y1:.1}")) x2=(format!("{x2:.1}")) y2=(format!("{y2:.1}")) stroke="#1f6fb2" stroke-width="3" {}
                } @else {
                    line x1=(format!("{x1:.1}")) y1=(format!("{y1:.1}")) x2=(format!("{x2:.1}")) y2=(format!("{y2:.1}")) stroke="#767676" stroke-width="1" marker-end={ "url(#" (id) "-pil)" } {}
                }
            }
            @for (pid, name) in pupils {
                @if let Some((x, y)) = at.get(pid) {
                    @let lonely = isolated.contains(pid);
                    g {
                        title { (name) ": valgt af " (chosen_by(*pid)) @if lonely { " – valgt af ingen" } }
                        circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="12"
                            fill=(if lonely { "#ffffff" } else { "#cfe8cf" })
                            stroke=(if lonely { "#b3261e" } else { "#1e6b34" })
                            stroke-width="2" stroke-dasharray=[lonely.then_some("4 2")] {}
                        text x=(format!("{x:.1}")) y=(format!("{:.1}", y + 26.0)) text-anchor="middle" font-size="11" { (name.split(' ').next().unwrap_or(name)) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heatmap_has_a_titled_square_per_weekday() {
        let first: NaiveDate = "2024-08-01".parse().unwrap();
        let last: NaiveDate = "2024-08-31".parse().unwrap();
        let days = vec![(first, vec![Code::Sickness, Code::Sickness])];
        let svg = heatmap(first, last, &days, "Fravær").into_string();
        assert_eq!(svg.matches("<rect").count(), 22, "weekdays of August 2024");
        assert!(svg.contains("01.08.2024 – syg SS"));
        assert!(svg.contains(r#"role="img" aria-label="Fravær""#));
    }

    /// A name is text in the SVG, never markup: the heatmap's and the trend's labels, titles and
    /// point names are escaped.
    #[test]
    fn text_in_charts_is_escaped() {
        let evil = r#""><img src=x onerror=alert(1)><b>XSS</b>"#;
        let first: NaiveDate = "2024-08-01".parse().unwrap();
        let heat = heatmap(first, first, &[], evil).into_string();
        let line = trend(&[(evil.to_string(), 12.5)], evil).into_string();
        for svg in [heat, line] {
            assert!(!svg.contains("<img") && !svg.contains("<b>"), "{svg}");
            assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"), "{svg}");
            assert!(
                !svg.contains(r#"aria-label="""#),
                "the attribute is not closed early: {svg}"
            );
        }
    }
}
