//! Validation of values that come from outside (imports, forms), with Danish messages.

use chrono::NaiveDate;

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(value: &str) -> Result<NaiveDate, String> {
    let v = value.trim();
    if v.len() != 10 {
        return Err(format!("ugyldig dato «{v}» (skal skrives ÅÅÅÅ-MM-DD)"));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| format!("ugyldig dato «{v}» (skal skrives ÅÅÅÅ-MM-DD)"))
}

/// The earliest date an absence registration may have: older registrations belong to no school
/// year the system keeps.
pub const FIRST_ABSENCE_DATE: (i32, u32, u32) = (2000, 1, 1);

/// An absence registration's date (fraværsdato): not after `today` (absence is not registered
/// ahead, as the roll call refuses too) and not before [`FIRST_ABSENCE_DATE`].
pub fn absence_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, String> {
    let (y, m, d) = FIRST_ABSENCE_DATE;
    let first = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let shown = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
    if date > today {
        Err(format!(
            "datoen {} ligger efter i dag ({}); fravær registreres ikke frem i tiden",
            shown(date),
            shown(today)
        ))
    } else if date < first {
        Err(format!("datoen {} ligger før {}", shown(date), shown(first)))
    } else {
        Ok(date)
    }
}

/// Whether a value looks like a Danish CPR number (DDMMÅÅ-XXXX with a valid day and month).
/// CPR numbers must never be used as keys or stored in free text.
pub fn looks_like_cpr(value: &str) -> bool {
    let digits: String = value.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let day: u32 = digits[0..2].parse().unwrap_or(0);
    let month: u32 = digits[2..4].parse().unwrap_or(0);
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// Numbers in free text that look like CPR numbers (ligner CPR-numre): six digits (a valid
/// day and month first), optionally a hyphen or one space, and four digits, standing alone
/// (not part of a longer number or word), e.g. `010203-1234` or `0102031234`. In text order.
pub fn cpr_like_numbers(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let digits_at = |i: usize, n: usize| i + n <= bytes.len() && bytes[i..i + n].iter().all(u8::is_ascii_digit);
    // A neighbour that makes the digits part of a longer token (ASCII only: the rest of UTF-8
    // never starts with a byte below 0x80, so a multi-byte letter counts as a separator).
    let joins = |b: u8| b.is_ascii_alphanumeric();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit() && (i == 0 || !joins(bytes[i - 1]));
        if starts && digits_at(i, 6) {
            let sep = usize::from(matches!(bytes.get(i + 6), Some(b'-' | b' ')));
            let end = i + 6 + sep + 4;
            if digits_at(i + 6 + sep, 4) && bytes.get(end).is_none_or(|b| !joins(*b)) {
                let candidate = &text[i..end];
                if looks_like_cpr(candidate) {
                    found.push(candidate);
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    found
}

/// A source-system identifier (pupil, school, class): non-empty, at most 64 characters, no
/// control characters, and not a CPR number.
pub fn source_id(value: &str) -> Result<&str, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("mangler en værdi".into());
    }
    if v.chars().count() > 64 {
        return Err(format!("«{v}» er længere end 64 tegn"));
    }
    if v.chars().any(char::is_control) {
        return Err("indeholder kontroltegn".into());
    }
    if looks_like_cpr(v) {
        return Err("ligner et CPR-nummer; brug kildesystemets elev-id, aldrig CPR".into());
    }
    Ok(v)
}

/// A non-empty name of at most 200 characters, without control characters or angle brackets
/// (no real name has them; markup in a name is refused at the door, and every page escapes
/// text anyway).
pub fn name(value: &str) -> Result<&str, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("mangler en værdi".into());
    }
    if v.chars().count() > 200 {
        return Err("er længere end 200 tegn".into());
    }
    if v.chars().any(char::is_control) {
        return Err("indeholder kontroltegn".into());
    }
    if v.contains(['<', '>']) {
        return Err(format!("«{v}» indeholder < eller >, som et navn ikke kan indeholde"));
    }
    Ok(v)
}

#[cfg(test)]
mod absence_date_tests {
    use super::*;

    #[test]
    fn absence_is_not_registered_ahead_or_before_2000() {
        let today: NaiveDate = "2026-12-04".parse().unwrap();
        assert!(absence_date(today, today).is_ok());
        let future = absence_date("2099-01-02".parse().unwrap(), today).unwrap_err();
        assert_eq!(
            future,
            "datoen 02.01.2099 ligger efter i dag (04.12.2026); fravær registreres ikke frem i tiden"
        );
        assert!(
            absence_date("0001-01-01".parse().unwrap(), today)
                .unwrap_err()
                .contains("før 01.01.2000")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name(" Anne-Sofie O'Brien "), Ok("Anne-Sofie O'Brien"));
        assert_eq!(name("Skole & SFO \"Nord\""), Ok("Skole & SFO \"Nord\""));
        assert!(name(r#""><img src=x onerror=alert(1)><b>XSS</b>"#).is_err());
        assert!(name("a\u{0}b").is_err());
        assert!(name(" ").is_err());
    }

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("1.8.2024").is_err());
        assert!(parse_date("2024-8-1").is_err());
    }

    #[test]
    fn cpr_is_refused() {
        assert!(looks_like_cpr("010203-1234"));
        assert!(looks_like_cpr("0102031234"));
        assert!(!looks_like_cpr("E123456789"));
        assert!(!looks_like_cpr("9913031234"));
        assert!(source_id("010203-1234").is_err());
        assert_eq!(source_id(" E-17 "), Ok("E-17"));
        assert!(source_id("  ").is_err());
    }

    #[test]
    fn cpr_like_numbers_in_text() {
        assert_eq!(
            cpr_like_numbers("Elev 010203-1234 og 0102031234, samt 311299 1234."),
            vec!["010203-1234", "0102031234", "311299 1234"]
        );
        // Not a date, too long, part of a word or a longer number, a phone number.
        assert!(cpr_like_numbers("9913031234 01020312345 x010203-1234 1010203-1234 tlf 12345678").is_empty());
        assert!(cpr_like_numbers("010203--1234 010203-123").is_empty());
        assert_eq!(cpr_like_numbers("(010203-1234)"), vec!["010203-1234"]);
        assert_eq!(cpr_like_numbers("å010203-1234æ"), vec!["010203-1234"]);
        assert!(cpr_like_numbers("").is_empty());
    }
}
