//! Reading CSV files as Danish municipalities write them: UTF-8, comma or semicolon separated
//! (detected from the header line), columns found by header name in any order.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

/// Why an import was refused. Shown to the user as is, in Danish.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A problem with one value: file, line (1-based, the header is line 1), field.
    #[error("{file}, linje {line}, felt «{field}»: {message}")]
    Field {
        file: String,
        line: u64,
        field: String,
        message: String,
    },
    /// A problem with the file as a whole.
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error(transparent)]
    Store(#[from] trivsel_store::StoreError),
}

/// Receives progress while a file is read (bytes read so far) and stored (named stages).
pub trait Progress {
    fn bytes_read(&self, bytes: u64);
    fn stage(&self, _name: &str) {}
}

impl Progress for () {
    fn bytes_read(&self, _: u64) {}
}

/// An open CSV file with its required columns located.
pub(crate) struct CsvFile {
    pub name: String,
    reader: csv::Reader<BufReader<File>>,
    columns: Vec<usize>,
    /// Every column name of the header, lower case.
    names: Vec<String>,
    record: csv::StringRecord,
}

impl CsvFile {
    /// Opens `path` and finds `required` columns in its header.
    pub fn open(path: &Path, required: &[&str]) -> Result<CsvFile, ImportError> {
        let name = path.display().to_string();
        let file_error = |message: String| ImportError::File {
            file: name.clone(),
            message,
        };
        let mut file = File::open(path).map_err(|e| file_error(format!("kan ikke åbne filen: {e}")))?;
        let delimiter = detect_delimiter(&mut file).map_err(|e| file_error(format!("kan ikke læse filen: {e}")))?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(BufReader::with_capacity(1 << 20, file));
        let header = reader.headers().map_err(|e| csv_error(&name, e))?.clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        let mut columns = Vec::with_capacity(required.len());
        for want in required {
            match names.iter().position(|n| n == want) {
                Some(i) => columns.push(i),
                None => {
                    return Err(ImportError::Field {
                        file: name,
                        line: 1,
                        field: (*want).into(),
                        message: format!(
                            "kolonnen mangler i overskriften (fundet: {}; forventet: {})",
                            names.join(", "),
                            required.join(", ")
                        ),
                    });
                }
            }
        }
        Ok(CsvFile {
            name,
            reader,
            columns,
            names,
            record: csv::StringRecord::new(),
        })
    }

    /// Reads the next row; returns its line number, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<u64>, ImportError> {
        loop {
            if !self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| csv_error(&self.name, e))?
            {
                return Ok(None);
            }
            // Spreadsheets leave empty lines at the end; they carry nothing.
            if self.record.iter().all(str::is_empty) {
                continue;
            }
            return Ok(Some(self.record.position().map_or(0, |p| p.line())));
        }
    }

    /// The value of the `i`th required column in the current row ("" if the row is short).
    pub fn get(&self, i: usize) -> &str {
        self.record.get(self.columns[i]).unwrap_or("")
    }

    /// The position of an optional column, if the header has it.
    pub fn optional(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The value of an optional column in the current row ("" if the header or row lacks it).
    pub fn get_optional(&self, column: Option<usize>) -> &str {
        column.and_then(|i| self.record.get(i)).unwrap_or("")
    }

    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Semicolon if the header line has more semicolons than commas, else comma.
fn detect_delimiter(file: &mut File) -> std::io::Result<u8> {
    let mut first = String::new();
    BufReader::new(file.by_ref()).take(64 * 1024).read_line(&mut first)?;
    file.rewind()?;
    let count = |c| first.matches(c).count();
    Ok(if count(';') > count(',') { b';' } else { b',' })
}

fn csv_error(file: &str, e: csv::Error) -> ImportError {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "teksten er ikke gyldig UTF-8; gem filen som «CSV UTF-8»".to_string(),
        csv::ErrorKind::Io(io) => format!("kan ikke læse filen: {io}"),
        other => format!("ugyldig CSV: {other:?}"),
    };
    if line > 0 {
        ImportError::Field {
            file: file.into(),
            line,
            field: "(hele linjen)".into(),
            message,
        }
    } else {
        ImportError::File {
            file: file.into(),
            message,
        }
    }
}

/// Builds field errors for one row of a file.
pub(crate) struct At<'a> {
    pub file: &'a str,
    pub line: u64,
}

impl At<'_> {
    pub fn err(&self, field: &str, message: impl fmt::Display) -> ImportError {
        ImportError::Field {
            file: self.file.into(),
            line: self.line,
            field: field.into(),
            message: message.to_string(),
        }
    }
}
