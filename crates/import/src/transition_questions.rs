//! `trivsel import transition-questions`: the municipality's questions of the overgangsskema
//! (`trivsel_domain::transition_form`), replacing the shipped default set.
//!
//! Columns: key (lower-case a–z, digits, `_`; unique), question (the wording parents and the
//! health visitor see, at most 300 characters). The file's order is the form's order. Forms
//! already filled in keep the wording they were filled in with.

use std::fmt;
use std::path::Path;

use trivsel_domain::transition_form::{Question, check_questions};
use trivsel_store::{AuditEntry, Store};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

const COLUMNS: [&str; 2] = ["key", "question"];

/// What a question import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct QuestionsSummary {
    pub stored: usize,
}

impl fmt::Display for QuestionsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gemt: {} spørgsmål i overgangsskemaet", self.stored)
    }
}

/// Reads, validates and stores the question set; all or nothing.
pub async fn import_transition_questions(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    audit: &AuditEntry,
    progress: &dyn Progress,
) -> Result<QuestionsSummary, ImportError> {
    let mut file = CsvFile::open(path, &COLUMNS, progress)?;
    let mut questions = Vec::new();
    let mut lines = Vec::new();
    while let Some(line) = file.next_row()? {
        progress.bytes_read(file.bytes_read());
        questions.push(Question {
            key: file.get(0).trim().to_string(),
            text: file.get(1).trim().to_string(),
        });
        lines.push(line);
    }
    if let Err((n, message)) = check_questions(&questions) {
        let Some(line) = n.checked_sub(1).and_then(|i| lines.get(i)) else {
            return Err(ImportError::File {
                file: file.name.clone(),
                message,
            });
        };
        let field = if message.starts_with("nøglen") {
            "key"
        } else {
            "question"
        };
        return Err(At {
            file: &file.name,
            line: *line,
        }
        .err(field, message));
    }
    store
        .set_transition_questions(municipality_id, &questions, audit)
        .await?;
    Ok(QuestionsSummary {
        stored: questions.len(),
    })
}
