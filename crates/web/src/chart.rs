//! Server-rendered SVG charts. The heatmap shows a pupil's school year, one square per weekday
//! in week columns, coloured by the day's registrations; each square has a text title, and the
//! page gives the same figures as text beside it.

use std::fmt::Write;

use chrono::{Datelike, Duration, NaiveDate};
use trivsel_domain::absence::{Code, DayTally};

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
/// pupil's school days, the codes registered (in slot order).
pub fn heatmap(first: NaiveDate, last: NaiveDate, days: &[(NaiveDate, Vec<Code>)], label: &str) -> String {
    const CELL: i64 = 12;
    const GAP: i64 = 2;
    let start = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let weeks = (last - start).num_days() / 7 + 1;
    let (width, height) = (40 + weeks * (CELL + GAP), 20 + 5 * (CELL + GAP));
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{label}"><title>{label}</title>"#
    );
    for (row, name) in ["man", "tir", "ons", "tor", "fre"].iter().enumerate() {
        let y = 20 + row as i64 * (CELL + GAP) + CELL - 2;
        let _ = write!(
            svg,
            r##"<text x="0" y="{y}" font-size="9" fill="#4a5360">{name}</text>"##
        );
    }
    let lookup: std::collections::HashMap<NaiveDate, &Vec<Code>> = days.iter().map(|(d, c)| (*d, c)).collect();
    let mut month_drawn = 0;
    let mut date = first;
    while date <= last {
        let weekday = i64::from(date.weekday().num_days_from_monday());
        if weekday < 5 {
            let week = (date - start).num_days() / 7;
            let (x, y) = (40 + week * (CELL + GAP), 20 + weekday * (CELL + GAP));
            if date.month() != month_drawn && date.day() <= 7 {
                month_drawn = date.month();
                let _ = write!(
                    svg,
                    r##"<text x="{x}" y="10" font-size="9" fill="#4a5360">{}</text>"##,
                    date.format("%m/%y")
                );
            }
            let codes = lookup.get(&date);
            let (fill, what) = day_style(codes.map_or(&[][..], |c| c.as_slice()), codes.is_some());
            let letters: String = codes
                .map(|c| c.iter().map(|c| c.as_char()).collect())
                .unwrap_or_default();
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}" stroke="#c9d1da" stroke-width="0.5"><title>{} – {what} {letters}</title></rect>"##,
                date.format("%d.%m.%Y")
            );
        }
        date += Duration::days(1);
    }
    svg.push_str("</svg>");
    svg
}

/// Absence split by code: per cent of school days, each day's value divided between its
/// absence codes in proportion to their registrations. (sick, lawful, unlawful, total)
pub fn split(days: &[(DayTally, Vec<Code>)]) -> (f64, f64, f64, f64) {
    if days.is_empty() {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let (mut s, mut l, mut u) = (0.0, 0.0, 0.0);
    for (tally, codes) in days {
        let value = f64::from(tally.value_halves()) / 2.0;
        let absent = codes.iter().filter(|c| c.is_absence()).count();
        if absent == 0 {
            continue;
        }
        let share = |code: Code| value * codes.iter().filter(|c| **c == code).count() as f64 / absent as f64;
        s += share(Code::Sickness);
        l += share(Code::Lawful);
        u += share(Code::Unlawful);
    }
    let n = days.len() as f64;
    (100.0 * s / n, 100.0 * l / n, 100.0 * u / n, 100.0 * (s + l + u) / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_divides_day_values_by_code() {
        let day = |codes: Vec<Code>| (DayTally::of_codes(codes.iter().copied()), codes);
        let days = vec![
            day(vec![Code::Sickness, Code::Sickness]),
            day(vec![Code::Present, Code::Unlawful]),
            day(vec![Code::Present, Code::Present]),
            day(vec![Code::Lawful, Code::Unlawful]),
        ];
        // Values: 1, 0.5, 0, 1 (split 0.5 L + 0.5 U) of 4 days.
        let (s, l, u, total) = split(&days);
        assert_eq!((s, l, u, total), (25.0, 12.5, 25.0, 62.5));
    }

    #[test]
    fn heatmap_has_a_titled_square_per_weekday() {
        let first: NaiveDate = "2024-08-01".parse().unwrap();
        let last: NaiveDate = "2024-08-31".parse().unwrap();
        let days = vec![(first, vec![Code::Sickness, Code::Sickness])];
        let svg = heatmap(first, last, &days, "Fravær");
        assert_eq!(svg.matches("<rect").count(), 22, "weekdays of August 2024");
        assert!(svg.contains("01.08.2024 – syg SS"));
        assert!(svg.contains(r#"role="img" aria-label="Fravær""#));
    }
}
