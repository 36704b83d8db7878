//! Mødeindkaldelse som kalenderfil (meeting invitation, iCalendar .ics, RFC 5545). The file
//! leaves the system, so it carries no sensitive details: the summary is the kind of meeting
//! only, never a child's or class's name, and there is no description beyond a link.
//!
//! Times are local wall-clock times in Denmark, written with `TZID=Europe/Copenhagen` and a
//! VTIMEZONE that carries the EU summer-time rules (last Sunday of March and October). A
//! meeting is agreed in local time, so it stays at 10:00 in every calendar, also across a
//! change to or from summer time, without Trivsel converting through a time-zone database; the
//! VTIMEZONE makes the file self-contained for clients that do not know the zone by name.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::ical::{escape_text, fold_line};

use super::kind::MeetingKind;

/// The time zone all meeting times are in.
pub const TIME_ZONE: &str = "Europe/Copenhagen";

/// VTIMEZONE for Europe/Copenhagen (CET/CEST, EU rules since 1996).
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Copenhagen",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// A meeting invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Globally unique and stable, e.g. `moede-17@trivsel.example.dk`.
    pub uid: String,
    pub kind: MeetingKind,
    /// Local time in Denmark.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// Room or address; the caller leaves out anything sensitive.
    pub location: Option<String>,
    /// Link to the meeting in Trivsel (behind login).
    pub url: Option<String>,
    /// Incremented when the meeting is moved, so calendars replace the earlier version.
    pub sequence: u32,
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn no_controls(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// The .ics file: one VCALENDAR with the time zone and one VEVENT. `now` is the DTSTAMP.
pub fn invitation_ics(invitation: &Invitation, now: DateTime<Utc>) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Trivsel//Møder//DA".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
    ];
    lines.extend(VTIMEZONE.iter().map(|l| l.to_string()));
    lines.extend([
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", no_controls(&invitation.uid)),
        format!("DTSTAMP:{}", now.format("%Y%m%dT%H%M%SZ")),
        format!("SEQUENCE:{}", invitation.sequence),
        format!("DTSTART;TZID={TIME_ZONE}:{}", local(invitation.starts_at)),
        format!("DTEND;TZID={TIME_ZONE}:{}", local(invitation.ends_at)),
        format!("SUMMARY:{}", escape_text(invitation.kind.navn())),
    ]);
    if let Some(location) = invitation.location.as_deref().filter(|l| !l.trim().is_empty()) {
        lines.push(format!("LOCATION:{}", escape_text(location.trim())));
    }
    if let Some(url) = &invitation.url {
        let url = no_controls(url);
        lines.push(format!(
            "DESCRIPTION:{}",
            escape_text(&format!("Se mødet i Trivsel: {url}"))
        ));
        lines.push(format!("URL:{url}"));
    }
    lines.extend([
        "CLASS:CONFIDENTIAL".to_string(),
        "STATUS:CONFIRMED".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]);
    lines.iter().map(|l| fold_line(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meetings::samraad_deadline;
    use ::ical::property::Property;

    fn t(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn prop<'a>(props: &'a [Property], name: &str) -> &'a Property {
        props
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    fn value(props: &[Property], name: &str) -> String {
        prop(props, name).value.clone().unwrap_or_default()
    }

    fn parse(ics: &str) -> ::ical::parser::ical::component::IcalCalendar {
        let mut parser = ::ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
        let cal = parser.next().expect("one calendar").expect("parses");
        assert!(parser.next().is_none());
        cal
    }

    fn invitation(kind: MeetingKind, start: &str, end: &str) -> Invitation {
        Invitation {
            uid: "moede-17@trivsel.example.dk".into(),
            kind,
            starts_at: t(start),
            ends_at: t(end),
            location: Some("Mødelokale 2, Nordskolen; 1. sal".into()),
            url: Some(format!("https://trivsel.example.dk/moeder/17?{}", "x".repeat(80))),
            sequence: 0,
        }
    }

    #[test]
    fn invitation_parses_with_a_real_parser() {
        let now: DateTime<Utc> = "2027-03-23T09:15:00Z".parse().unwrap();
        // A fraværssamråd convened on 23 March 2027, at its deadline across Easter.
        let deadline = samraad_deadline("2027-03-23".parse().unwrap());
        let inv = invitation(
            MeetingKind::AbsenceCouncil,
            &format!("{deadline}T08:30:00"),
            &format!("{deadline}T10:00:00"),
        );
        let ics = invitation_ics(&inv, now);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "folded: {line}");
        }
        let cal = parse(&ics);
        assert_eq!(value(&cal.properties, "VERSION"), "2.0");
        assert_eq!(cal.timezones.len(), 1);
        assert_eq!(value(&cal.timezones[0].properties, "TZID"), TIME_ZONE);
        assert_eq!(cal.events.len(), 1);
        let ev = &cal.events[0].properties;
        assert_eq!(value(ev, "SUMMARY"), "Fraværssamråd");
        assert_eq!(value(ev, "UID"), "moede-17@trivsel.example.dk");
        assert_eq!(value(ev, "DTSTAMP"), "20270323T091500Z");
        let start = prop(ev, "DTSTART");
        assert_eq!(start.value.as_deref(), Some("20270406T083000"));
        assert_eq!(
            start.params.as_ref().unwrap()[0],
            ("TZID".to_string(), vec![TIME_ZONE.to_string()])
        );
        assert_eq!(value(ev, "DTEND"), "20270406T100000");
        assert_eq!(value(ev, "LOCATION"), r"Mødelokale 2\, Nordskolen\; 1. sal");
        assert_eq!(value(ev, "URL"), inv.url.unwrap(), "unfolded to the original");
    }

    #[test]
    fn invitation_carries_no_sensitive_details() {
        let now: DateTime<Utc> = "2027-05-03T09:15:00Z".parse().unwrap();
        // Kristi himmelfart 2027 (6 May) lies between convening and the deadline (13 May).
        let deadline = samraad_deadline("2027-05-03".parse().unwrap());
        assert_eq!(deadline, "2027-05-13".parse().unwrap());
        for kind in MeetingKind::ALL {
            let mut inv = invitation(*kind, &format!("{deadline}T13:00:00"), &format!("{deadline}T14:00:00"));
            inv.location = None;
            inv.url = None;
            let ics = invitation_ics(&inv, now);
            let cal = parse(&ics);
            let ev = &cal.events[0].properties;
            assert_eq!(value(ev, "SUMMARY"), kind.navn());
            let names: Vec<&str> = ev.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    "UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "CLASS", "STATUS"
                ]
            );
            assert_eq!(value(ev, "DTSTART"), "20270513T130000");
        }
    }

    #[test]
    fn blank_location_is_left_out_and_uid_has_no_line_breaks() {
        let now: DateTime<Utc> = "2026-01-05T08:00:00Z".parse().unwrap();
        let mut inv = invitation(MeetingKind::Trivselsforum, "2026-01-06T14:00:00", "2026-01-06T15:30:00");
        inv.location = Some("  ".into());
        inv.uid = "moede-1\r\nX-EVIL:1@trivsel".into();
        let ics = invitation_ics(&inv, now);
        assert!(!ics.contains("LOCATION"));
        assert!(!ics.contains("\r\nX-EVIL"));
    }
}
