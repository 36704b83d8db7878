//! iCalendar (RFC 5545) text helpers shared by the task feed (`cases`) and meeting invitations
//! (`meetings`): escaping of TEXT values and folding of content lines.

/// Escapes an RFC 5545 TEXT value: backslash, semicolon, comma and newline.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line into lines of at most 75 octets (excluding CRLF), continuation lines
/// starting with one space, never splitting a UTF-8 character; each line ends in CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape_text("linje 1\r\nlinje 2\nlinje 3"), r"linje 1\nlinje 2\nlinje 3");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "æ".repeat(60));
        let folded = fold_line(&line);
        assert!(folded.ends_with("\r\n"));
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
        assert_eq!(fold_line("KORT:x"), "KORT:x\r\n");
        // Exactly 75 octets fit on one line.
        let exact = "X".repeat(75);
        assert_eq!(fold_line(&exact), format!("{exact}\r\n"));
        assert_eq!(fold_line(&"X".repeat(76)), format!("{exact}\r\n X\r\n"));
    }
}
