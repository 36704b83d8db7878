//! CSV exports (the web pages' downloads and the commands' `--format csv`), written by the csv crate (quoting as needed), with every cell that a
//! spreadsheet would run as a formula neutralised: a leading `=`, `+`, `-`, `@`, tab or
//! carriage return gets a `'` first, as OWASP advises against CSV injection.

/// The file: `header`, then one line per row.
pub fn csv<I, R>(header: &[&str], rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    write_csv(&mut out, header, rows).expect("in memory");
    String::from_utf8(out).expect("written from strings")
}

/// Writes the file to `out` as it goes (for exports too large to hold twice).
pub fn write_csv<W, I, R>(out: W, header: &[&str], rows: I) -> std::io::Result<()>
where
    W: std::io::Write,
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header)?;
    for row in rows {
        for value in row {
            writer.write_field(neutralised(value.as_ref()).as_bytes())?;
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()
}

/// A cell a spreadsheet cannot run as a formula.
fn neutralised(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
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
            csv(&["pupil_id", "school", "unlawful_share"], rows),
            "pupil_id,school,unlawful_share\n\
             \"'=HYPERLINK(\"\"http://x\"\")\",X,1.0000\n\
             \"a,b\",'@SUM(A1),'-2\n\
             plain,'+1,'\tTAB\n"
        );
    }
}
