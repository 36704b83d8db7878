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

/// A non-empty name of at most 200 characters.
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
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
