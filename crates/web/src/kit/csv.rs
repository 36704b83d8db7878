//! CSV exports, written by the csv crate (quoting as needed), with every cell that a
//! spreadsheet would run as a formula neutralised: a leading `=`, `+`, `-`, `@`, tab or
//! carriage return gets a `'` first, as OWASP advises against CSV injection.

/// The file: `header`, then one line per row.
pub fn export<I, R>(header: &[&str], rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut out = csv::Writer::from_writer(Vec::new());
    let cell = |value: &str| -> String {
        match value.chars().next() {
            Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
            _ => value.to_string(),
        }
    };
    // Writing to memory cannot fail.
    out.write_record(header).expect("in memory");
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|v| cell(v.as_ref())).collect();
        out.write_record(&cells).expect("in memory");
    }
    String::from_utf8(out.into_inner().expect("in memory")).expect("written from strings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_cells_quoted() {
        let rows = [
            vec!["=HYPERLINK(\"http://x\")", "X", "1.0000"],
            vec!["a,b", "@SUM(A1)", "-2"],
            vec!["plain", "+1", "\tTAB"],
        ];
        assert_eq!(
            export(&["pupil_id", "school", "unlawful_share"], rows),
            "pupil_id,school,unlawful_share\n\
             \"'=HYPERLINK(\"\"http://x\"\")\",X,1.0000\n\
             \"a,b\",'@SUM(A1),'-2\n\
             plain,'+1,'\tTAB\n"
        );
    }
}
