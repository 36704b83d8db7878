//! Kalenderabonnement (iCalendar feed, RFC 5545) of a user's tasks. Entries name the kind of
//! task and link to it; they never carry a child's name, since calendars leave the system.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ical::{escape_text, fold_line};

/// One task in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// Globally unique and stable, e.g. `opgave-17@trivsel.example.dk`.
    pub uid: String,
    pub due: NaiveDate,
    /// The kind of task, e.g. [`TaskKind::feed_label`](super::TaskKind::feed_label).
    pub kind_label: String,
    /// Link to the task in Trivsel (behind login).
    pub url: String,
}

/// The feed: a VCALENDAR with one all-day VEVENT per entry. `now` is the DTSTAMP.
pub fn ical_feed(entries: &[FeedEntry], calendar_name: &str, now: DateTime<Utc>) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Trivsel//Opgaver//DA".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(calendar_name)),
    ];
    for e in entries {
        // Property values are not allowed to carry line breaks, even where they are not TEXT.
        let url: String = e.url.chars().filter(|c| !c.is_control()).collect();
        let uid: String = e.uid.chars().filter(|c| !c.is_control()).collect();
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{uid}"),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", e.due.format("%Y%m%d")),
            format!(
                "DTEND;VALUE=DATE:{}",
                e.due.succ_opt().unwrap_or(e.due).format("%Y%m%d")
            ),
            format!("SUMMARY:{}", escape_text(&e.kind_label)),
            format!("DESCRIPTION:{}", escape_text(&format!("Åbn opgaven i Trivsel: {url}"))),
            format!("URL:{url}"),
            "TRANSP:TRANSPARENT".into(),
            "END:VEVENT".into(),
        ]);
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold_line(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(uid: &str, due: &str, label: &str) -> FeedEntry {
        FeedEntry {
            uid: uid.into(),
            due: due.parse().unwrap(),
            kind_label: label.into(),
            url: format!("https://trivsel.example.dk/opgaver/{uid}"),
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-03-01T08:30:00Z".parse().unwrap()
    }

    #[test]
    fn feed_has_all_day_events_and_crlf_only() {
        let feed = ical_feed(
            &[
                entry("opgave-1@trivsel", "2026-03-31", "Evaluering af mål- og indsatsplan"),
                entry("opgave-2@trivsel", "2026-12-31", "Opfølgning; møde, igen\\ny"),
            ],
            "Trivsel – mine opgaver",
            now(),
        );
        assert!(feed.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(feed.ends_with("END:VCALENDAR\r\n"));
        assert!(!feed.replace("\r\n", "").contains('\n'), "bare LF");
        assert!(feed.contains("DTSTART;VALUE=DATE:20260331\r\nDTEND;VALUE=DATE:20260401\r\n"));
        assert!(feed.contains("DTEND;VALUE=DATE:20270101\r\n"));
        assert!(feed.contains("DTSTAMP:20260301T083000Z\r\n"));
        assert!(feed.contains(r"SUMMARY:Opfølgning\; møde\, igen\\ny"));
        assert_eq!(feed.matches("BEGIN:VEVENT").count(), 2);
    }

    #[test]
    fn feed_parses_with_an_independent_parser() {
        let long_url = format!("https://trivsel.example.dk/opgaver/{}", "x".repeat(120));
        let mut e = entry(
            "opgave-3@trivsel",
            "2026-05-04",
            "Tiltag i mål- og indsatsplan, uge 19; vigtigt",
        );
        e.url = long_url.clone();
        let feed = ical_feed(&[e], "Trivsel, opgaver", now());
        assert!(feed.lines().any(|l| l.starts_with(' ')), "long lines are folded");
        let mut parser = ::ical::IcalParser::new(std::io::BufReader::new(feed.as_bytes()));
        let cal = parser.next().expect("one calendar").expect("parses");
        assert!(parser.next().is_none());
        let prop = |props: &[::ical::property::Property], name: &str| {
            props
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap_or_else(|| panic!("{name} missing"))
        };
        assert_eq!(prop(&cal.properties, "VERSION"), "2.0");
        assert_eq!(prop(&cal.properties, "X-WR-CALNAME"), r"Trivsel\, opgaver");
        assert_eq!(cal.events.len(), 1);
        let ev = &cal.events[0].properties;
        assert_eq!(prop(ev, "URL"), long_url, "unfolded to the original");
        assert_eq!(prop(ev, "SUMMARY"), r"Tiltag i mål- og indsatsplan\, uge 19\; vigtigt");
        let start = ev.iter().find(|p| p.name == "DTSTART").unwrap();
        assert_eq!(start.value.as_deref(), Some("20260504"));
        assert_eq!(
            start.params.as_ref().unwrap()[0],
            ("VALUE".to_string(), vec!["DATE".to_string()])
        );
    }
}
