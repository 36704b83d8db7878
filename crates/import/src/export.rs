//! CSV exports (the web pages' downloads and the commands' `--format csv`), written by the csv crate (quoting as needed), with every cell that a
//! spreadsheet would run as a formula neutralised: a leading `=`, `+`, `-`, `@`, tab or
//! carriage return gets a `'` first, as OWASP advises against CSV injection. XLSX downloads
//! are written by rust_xlsxwriter, text cells as strings (never formulas).

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

/// A cell of an XLSX sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum XlsxCell {
    Text(String),
    Number(f64),
    /// A share in per cent (15.8 is shown as «15,8 %» by a Danish spreadsheet).
    Percent(f64),
}

/// One sheet named `sheet` (at most 31 characters, as Excel allows): a bold header row, then
/// the rows.
pub fn xlsx(sheet: &str, header: &[&str], rows: &[Vec<XlsxCell>]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| format!("Regnearket kunne ikke skrives: {e}");
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let name: String = sheet.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    let ws = book.add_worksheet();
    ws.set_name(&name).map_err(fail)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).map_err(fail)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                XlsxCell::Text(t) => ws.write_string(r, c, t.as_str()).map(|_| ()),
                XlsxCell::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                XlsxCell::Percent(p) => ws.write_number_with_format(r, c, *p / 100.0, &percent).map(|_| ()),
            }
            .map_err(fail)?;
        }
    }
    ws.set_column_width(0, 28).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
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
