//! Danish formats for everything a page shows: dates (01.12.2026), weekdays, local times,
//! numbers (2.351) and percentages (15,8 %). Pages format through here, never by hand.

use chrono::{DateTime, Datelike, Local, NaiveDate, Utc};

pub use trivsel_domain::cases::format_date;

const WEEKDAYS: [&str; 7] = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"];

/// «mandag 01.12.2026».
pub fn danish_date(date: NaiveDate) -> String {
    format!(
        "{} {}",
        WEEKDAYS[date.weekday().num_days_from_monday() as usize],
        format_date(date)
    )
}

/// A time as shown to users, in local time: «01.12.2026 kl. 14:05».
pub fn format_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%d.%m.%Y kl. %H:%M").to_string()
}

/// The local date of an instant: «01.12.2026».
pub fn local_date(at: DateTime<Utc>) -> String {
    format_date(at.with_timezone(&Local).date_naive())
}

/// A local time as stored for meetings (Danish time already): «04.12.2026 kl. 09:00».
pub fn local_time(at: chrono::NaiveDateTime) -> String {
    at.format("%d.%m.%Y kl. %H:%M").to_string()
}

/// A share with one decimal and a decimal comma: «15,8 %».
pub fn percent(value: f64) -> String {
    format!("{} %", decimal(value, 1))
}

/// A quarter in words: «1. kvartal 2026».
pub fn quarter(q: trivsel_domain::absence::Quarter) -> String {
    format!("{}. kvartal {}", q.q, q.year)
}

/// A stored share («0.1579», as the store and the CSV files keep it) as a percentage: «15,8 %».
pub fn share_percent(share: &str) -> String {
    share
        .parse::<f64>()
        .map_or_else(|_| share.to_string(), |v| percent(v * 100.0))
}

/// A number with `places` decimals and a decimal comma: «3,9».
pub fn decimal(value: f64, places: usize) -> String {
    format!("{value:.places$}").replace('.', ",")
}

/// A whole number with thousands separated by points: «2.351».
pub fn number(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_formats() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(danish_date(date), "tirsdag 01.12.2026");
        assert_eq!(percent(15.84), "15,8 %");
        assert_eq!(percent(0.0), "0,0 %");
        assert_eq!(decimal(3.9, 1), "3,9");
        assert_eq!(number(2351), "2.351");
        assert_eq!(number(1_234_567), "1.234.567");
        assert_eq!(number(-999), "-999");
        assert_eq!(number(0), "0");
        let q = trivsel_domain::absence::Quarter::new(2026, 1).unwrap();
        assert_eq!(quarter(q), "1. kvartal 2026");
        assert_eq!(quarter(q.previous()), "4. kvartal 2025");
    }
}
