//! Reading CSV files as Danish municipalities write them: UTF-8, or Windows-1252 as Danish
//! Excel saves «CSV (semikolonsepareret)» (decided from the first [`ENCODING_SCAN_BYTES`]: if
//! they are not valid UTF-8 the file is read as Windows-1252, and the import says so), comma
//! or semicolon separated (detected from the header line), columns found by header name in any
//! order.
//!
//! Hostile files are refused early and in Danish: only regular files are read (a directory, a
//! named pipe or a device is refused before reading), a physical line longer than
//! [`MAX_LINE_BYTES`] or a record spanning more than [`MAX_RECORD_LINES`] lines (an unclosed
//! quote) stops the reading, no message quotes more than [`MAX_MESSAGE_CHARS`] characters of
//! the file, a duplicated header column or a row with more fields than the header is refused.
//! Line numbers are counted here from the newlines actually read, so they are right for CRLF
//! files too (the csv crate's own count is one too low there, rust-csv#395).

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Longest physical line read (1 MiB): far beyond any real row.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Most physical lines one record may span: a quoted value with line breaks is rare and short.
pub const MAX_RECORD_LINES: u64 = 100;
/// How much of a file decides its encoding.
pub const ENCODING_SCAN_BYTES: usize = 16 << 20;

/// Windows-1252's characters for the bytes 0x80–0x9F (the rest of the upper half is Latin-1);
/// the five bytes the code page leaves undefined become U+FFFD.
const CP1252_80_9F: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž', '\u{fffd}', '\u{fffd}',
    '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}', 'ž', 'Ÿ',
];

/// A Windows-1252 byte as a character.
fn cp1252(b: u8) -> char {
    match b {
        0x80..=0x9f => CP1252_80_9F[(b - 0x80) as usize],
        _ => char::from(b),
    }
}

/// Reads Windows-1252 bytes as UTF-8. A single-byte code page is one table, so it is decoded
/// here rather than with a crate that carries every encoding of the web.
struct Cp1252Reader<R> {
    inner: R,
    out: Vec<u8>,
    at: usize,
}

impl<R: Read> Read for Cp1252Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.out.len() {
            let mut raw = vec![0u8; (buf.len() / 3).clamp(1, 64 * 1024)];
            let n = self.inner.read(&mut raw)?;
            self.out.clear();
            self.at = 0;
            let mut tmp = [0u8; 4];
            for b in &raw[..n] {
                self.out.extend_from_slice(cp1252(*b).encode_utf8(&mut tmp).as_bytes());
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Whether the start of the file is valid UTF-8 (a character cut at the end of the scan is
/// not held against it). The file is rewound.
fn starts_as_utf8(file: &mut File) -> std::io::Result<bool> {
    let mut head = Vec::new();
    file.by_ref().take(ENCODING_SCAN_BYTES as u64).read_to_end(&mut head)?;
    file.rewind()?;
    Ok(match std::str::from_utf8(&head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() == ENCODING_SCAN_BYTES,
    })
}

/// Longest message text about a file's content.
pub const MAX_MESSAGE_CHARS: usize = 300;

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
    /// Something the user should know about how the file was read (its encoding).
    fn note(&self, _text: &str) {}
}

impl Progress for () {
    fn bytes_read(&self, _: u64) {}
}

/// The newlines read so far that no record has been placed after yet, and the lines before
/// them; shared between the reader below the csv crate and [`CsvFile`].
#[derive(Debug, Default)]
struct Newlines {
    /// Byte offsets of newlines read ahead.
    pending: VecDeque<u64>,
    /// Lines that end before `pending`'s first newline.
    lines_before: u64,
}

/// Counts lines as the csv crate reads and refuses a line longer than [`MAX_LINE_BYTES`].
struct LineReader<R> {
    inner: R,
    offset: u64,
    line_bytes: usize,
    line: u64,
    newlines: Arc<Mutex<Newlines>>,
}

/// Why [`LineReader`] stopped.
#[derive(Debug)]
struct LineTooLong(u64);

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "linje {} er for lang", self.0)
    }
}

impl std::error::Error for LineTooLong {}

impl<R: Read> Read for LineReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.lock().expect("not poisoned");
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                newlines.pending.push_back(self.offset + i as u64);
                self.line += 1;
                self.line_bytes = 0;
            } else {
                self.line_bytes += 1;
                if self.line_bytes > MAX_LINE_BYTES {
                    return Err(std::io::Error::other(LineTooLong(self.line + 1)));
                }
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// An open CSV file with its required columns located.
pub(crate) struct CsvFile {
    pub name: String,
    reader: csv::Reader<BufReader<LineReader<Box<dyn Read + Send>>>>,
    columns: Vec<usize>,
    /// Every column name of the header, lower case.
    names: Vec<String>,
    record: csv::StringRecord,
    newlines: Arc<Mutex<Newlines>>,
}

/// `text` cut to [`MAX_MESSAGE_CHARS`] characters, for a message.
pub(crate) fn shortened(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// A Danish description of an error opening or reading a file.
pub(crate) fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "filen findes ikke".into(),
        PermissionDenied => "ingen adgang til at læse filen".into(),
        IsADirectory => "det er en mappe, ikke en fil".into(),
        InvalidData => {
            "teksten er ikke gyldig UTF-8; gem filen som «CSV UTF-8» eller «CSV (semikolonsepareret)»".into()
        }
        UnexpectedEof => "filen slutter midt i en række".into(),
        Interrupted | TimedOut | WouldBlock => "læsningen blev afbrudt; prøv igen".into(),
        _ => match e.raw_os_error() {
            Some(code) => format!("filen kan ikke læses (systemfejl {code})"),
            None => "filen kan ikke læses".into(),
        },
    }
}

impl CsvFile {
    /// Opens `path` and finds `required` columns in its header; a file read as Windows-1252 is
    /// told to `progress`.
    pub fn open(path: &Path, required: &[&str], progress: &dyn Progress) -> Result<CsvFile, ImportError> {
        let name = path.display().to_string();
        let file_error = |message: String| ImportError::File {
            file: name.clone(),
            message,
        };
        // A pipe without a writer or a device would block or never end: only regular files.
        let meta = std::fs::metadata(path).map_err(|e| file_error(io_message(&e)))?;
        if meta.is_dir() {
            return Err(file_error("det er en mappe, ikke en fil".into()));
        }
        if !meta.is_file() {
            return Err(file_error(
                "er ikke en almindelig fil (fx en navngiven kanal eller en enhed); gem data i en fil først".into(),
            ));
        }
        let mut file = File::open(path).map_err(|e| file_error(io_message(&e)))?;
        let delimiter = detect_delimiter(&mut file).map_err(|e| file_error(io_message(&e)))?;
        let utf8 = starts_as_utf8(&mut file).map_err(|e| file_error(io_message(&e)))?;
        let inner: Box<dyn Read + Send> = if utf8 {
            Box::new(file)
        } else {
            progress.note(&format!(
                "{name}: filen er ikke UTF-8 og læses som Windows-1252 (Excels «CSV (semikolonsepareret)»)"
            ));
            Box::new(Cp1252Reader {
                inner: file,
                out: Vec::new(),
                at: 0,
            })
        };
        let newlines = Arc::new(Mutex::new(Newlines::default()));
        let lines = LineReader {
            inner,
            offset: 0,
            line_bytes: 0,
            line: 0,
            newlines: newlines.clone(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(BufReader::with_capacity(1 << 20, lines));
        let header = reader.headers().map_err(|e| csv_error(&name, 1, e))?.clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        if let Some((i, dup)) = names
            .iter()
            .enumerate()
            .find(|(i, n)| !n.is_empty() && names[..*i].contains(n))
        {
            return Err(ImportError::Field {
                file: name,
                line: 1,
                field: shortened(dup),
                message: format!("kolonnen står mere end én gang i overskriften (kolonne {})", i + 1),
            });
        }
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
                            shortened(&names.join(", ")),
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
            newlines,
        })
    }

    /// The 1-based line a record starting at byte `offset` is on, from the newlines read;
    /// lines before it are forgotten (rows come in file order). After a CRLF the csv crate puts
    /// the next record's start on the LF, which still ends the line before: hence `<=`.
    fn line_at(&self, offset: u64) -> u64 {
        let mut n = self.newlines.lock().expect("not poisoned");
        while n.pending.front().is_some_and(|nl| *nl <= offset) {
            n.pending.pop_front();
            n.lines_before += 1;
        }
        n.lines_before + 1
    }

    /// The line the reader has come to (for an error before a record is complete).
    fn current_line(&self) -> u64 {
        let n = self.newlines.lock().expect("not poisoned");
        n.lines_before + n.pending.len() as u64 + 1
    }

    /// Reads the next row; returns its line number, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<u64>, ImportError> {
        loop {
            let read = self.reader.read_record(&mut self.record);
            let read = match read {
                Ok(read) => read,
                Err(e) => {
                    let line = e
                        .position()
                        .map_or_else(|| self.current_line(), |p| self.line_at(p.byte()));
                    return Err(csv_error(&self.name, line, e));
                }
            };
            if !read {
                return Ok(None);
            }
            let start = self.record.position().map_or(0, |p| p.byte());
            let line = self.line_at(start);
            let end = self.line_at(self.reader.position().byte());
            if end.saturating_sub(line) > MAX_RECORD_LINES {
                return Err(ImportError::Field {
                    file: self.name.clone(),
                    line,
                    field: "(hele linjen)".into(),
                    message: format!(
                        "rækken fortsætter over mere end {MAX_RECORD_LINES} linjer; mangler et afsluttende citationstegn («\"»)?"
                    ),
                });
            }
            // Spreadsheets leave empty lines at the end; they carry nothing.
            if self.record.iter().all(str::is_empty) {
                continue;
            }
            let extra = self.record.iter().skip(self.names.len()).any(|v| !v.is_empty());
            if extra {
                return Err(ImportError::Field {
                    file: self.name.clone(),
                    line,
                    field: "(hele linjen)".into(),
                    message: format!(
                        "rækken har {} felter, men overskriften har {} kolonner",
                        self.record.len(),
                        self.names.len()
                    ),
                });
            }
            return Ok(Some(line));
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

/// Semicolon if the header line has more semicolons than commas, else comma. The line is read
/// as bytes: its encoding is checked when the header is read.
fn detect_delimiter(file: &mut File) -> std::io::Result<u8> {
    let mut first = Vec::new();
    BufReader::new(file.by_ref())
        .take(64 * 1024)
        .read_until(b'\n', &mut first)?;
    file.rewind()?;
    let count = |c| first.iter().filter(|b| **b == c).count();
    Ok(if count(b';') > count(b',') { b';' } else { b',' })
}

fn csv_error(file: &str, line: u64, e: csv::Error) -> ImportError {
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "teksten er ikke gyldig UTF-8; gem filen som «CSV UTF-8»".to_string(),
        csv::ErrorKind::Io(io) => match io.get_ref().and_then(|e| e.downcast_ref::<LineTooLong>()) {
            Some(LineTooLong(long)) => {
                return ImportError::Field {
                    file: file.into(),
                    line: *long,
                    field: "(hele linjen)".into(),
                    message: format!(
                        "linjen er længere end {} MiB; er det den rigtige fil?",
                        MAX_LINE_BYTES >> 20
                    ),
                };
            }
            None => io_message(io),
        },
        _ => "filen kan ikke læses som CSV".to_string(),
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
    /// The error, with the message cut to [`MAX_MESSAGE_CHARS`] (it may quote the file).
    pub fn err(&self, field: &str, message: impl fmt::Display) -> ImportError {
        ImportError::Field {
            file: self.file.into(),
            line: self.line,
            field: field.into(),
            message: shortened(&message.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_decodes_danish_letters_and_the_dash() {
        let bytes = b"S\xf8ndre \xc6r\xf8 \xe5 \x96 \x80";
        let mut out = String::new();
        Cp1252Reader {
            inner: &bytes[..],
            out: Vec::new(),
            at: 0,
        }
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "Søndre Ærø å – €");
    }

    #[test]
    fn utf8_is_decided_from_the_start_of_the_file() {
        let dir = std::env::temp_dir().join(format!("trivsel-enc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let check = |bytes: &[u8]| {
            let path = dir.join("f.csv");
            std::fs::write(&path, bytes).unwrap();
            starts_as_utf8(&mut File::open(&path).unwrap()).unwrap()
        };
        assert!(check("a,b\nø,å\n".as_bytes()));
        assert!(!check(b"a,b\n\xf8,\xe5\n"));
        // Past the scanned start, a bad byte is the reader's (a Danish UTF-8 error with the line).
        let mut late = vec![b'a'; ENCODING_SCAN_BYTES];
        late.push(0xf8);
        assert!(check(&late));
        // A character cut by the end of the scan is not held against the file.
        let mut cut = vec![b'a'; ENCODING_SCAN_BYTES - 1];
        cut.extend_from_slice("ø".as_bytes());
        assert!(check(&cut));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
