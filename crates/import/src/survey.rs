//! `trivsel import survey-results` and `trivsel import survey-answers`: the national
//! well-being survey (`trivsel_domain::surveys::national`).
//!
//! * Results as the Ministry publishes them: `school,school_year,grade_group,indicator,value`
//!   and optionally `respondents`. Danish numbers (`3,9`, `2.351`); a suppressed cell (`..`,
//!   `-`, `*`, empty) is stored as missing, never 0. `indicator` is the published name
//!   («Generel trivsel», «Social trivsel», «Faglig trivsel», «Støtte og inspiration», «Ro og
//!   orden») or its id. A figure stored before for the same school, year, grade group and
//!   indicator is replaced.
//! * Pupil-level answers: `pupil_id,school_year,question,answer`, one row per answer (1–5 as
//!   exported, before reversal; «ønsker ikke at svare» or empty is missing). The pupils'
//!   indicator scores are computed with the question mapping (the shipped default, or `--mapping
//!   FILE`: `question,indicator,reversed`) and stored with the class each pupil was in on
//!   1 February of the school year; a pupil's scores for a year replace earlier ones.
//!
//! All or nothing: the first bad value refuses the whole file, naming file, line and field.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use trivsel_domain::NaiveDate;
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::surveys::national::{Indicator, Item, parse_answer, parse_mapping, parse_number, pupil_scores};
use trivsel_store::{AuditEntry, PupilScore, Store, SurveyResult};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

/// A pupil's answers in a school year by question; keyed by (child, year) with the first line.
type Answers = BTreeMap<u16, Option<u8>>;

const RESULT_COLUMNS: [&str; 5] = ["school", "school_year", "grade_group", "indicator", "value"];
const ANSWER_COLUMNS: [&str; 4] = ["pupil_id", "school_year", "question", "answer"];

/// What a survey import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SurveySummary {
    pub rows: u64,
    /// Figures stored (results) or pupils scored (answers).
    pub stored: usize,
    /// Suppressed figures, or pupils with too few answers for any score.
    pub missing: usize,
    pub answers: bool,
}

impl fmt::Display for SurveySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.answers {
            write!(
                f,
                "{} rækker læst; gemt: indikatorer for {} elever ({} elever svarede på for få spørgsmål til en indikator)",
                self.rows, self.stored, self.missing
            )
        } else {
            write!(
                f,
                "{} rækker læst; gemt: {} tal, heraf {} skjulte (gemt som manglende, ikke 0)",
                self.rows, self.stored, self.missing
            )
        }
    }
}

fn school_year(at: &At, value: &str) -> Result<SchoolYear, ImportError> {
    SchoolYear::parse(value).ok_or_else(|| {
        at.err(
            "school_year",
            format!("«{value}» er ikke et skoleår (skriv fx 2025/26)"),
        )
    })
}

/// Reads, validates and stores published results; all or nothing.
pub async fn import_survey_results(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    audit: &AuditEntry,
    progress: &dyn Progress,
) -> Result<SurveySummary, ImportError> {
    let mut file = CsvFile::open(path, &RESULT_COLUMNS, progress)?;
    let respondents_column = file.optional("respondents");
    let schools: HashMap<String, i64> = store
        .institutions(municipality_id)
        .await?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect();
    let mut summary = SurveySummary::default();
    let mut rows = Vec::new();
    let mut seen: HashMap<(i64, i32, String, Indicator), u64> = HashMap::new();
    while let Some(line) = file.next_row()? {
        summary.rows += 1;
        progress.bytes_read(file.bytes_read());
        let at = At { file: &file.name, line };
        let code = file.get(0).trim();
        let institution_id = *schools.get(code).ok_or_else(|| {
            at.err(
                "school",
                format!("skolen «{code}» findes ikke; importér elevlisten først"),
            )
        })?;
        let year = school_year(&at, file.get(1))?;
        let grade_group = file.get(2).trim().to_string();
        if grade_group.is_empty() || grade_group.chars().count() > 40 {
            return Err(at.err("grade_group", "skal udfyldes (fx «4.-6. klasse»), højst 40 tegn"));
        }
        let ind = Indicator::parse(file.get(3)).ok_or_else(|| {
            at.err(
                "indicator",
                format!(
                    "«{}» er ikke en indikator (Generel trivsel, Social trivsel, Faglig trivsel, Støtte og inspiration, Ro og orden)",
                    file.get(3)
                ),
            )
        })?;
        let value = parse_number(file.get(4)).map_err(|m| at.err("value", m))?;
        if value.is_some_and(|v| !(1.0..=5.0).contains(&v)) {
            return Err(at.err("value", format!("«{}» ligger ikke mellem 1 og 5", file.get(4))));
        }
        let raw = file.get_optional(respondents_column);
        let respondents = parse_number(raw).map_err(|m| at.err("respondents", m))?;
        if respondents.is_some_and(|n| n < 0.0 || n.fract() != 0.0) {
            return Err(at.err("respondents", format!("«{raw}» er ikke et antal")));
        }
        if let Some(first) = seen.insert((institution_id, year.0, grade_group.clone(), ind), line) {
            return Err(at.err(
                "indicator",
                format!("samme skole, skoleår, klassetrin og indikator som linje {first}"),
            ));
        }
        summary.missing += usize::from(value.is_none());
        rows.push(SurveyResult {
            institution_id,
            school_year: year.0,
            grade_group,
            indicator: ind,
            value,
            respondents: respondents.map(|n| n as i64),
        });
    }
    progress.stage("gemmer");
    store.store_survey_results(municipality_id, &rows, audit).await?;
    summary.stored = rows.len();
    Ok(summary)
}

/// Reads a mapping file, or the shipped default.
pub fn read_mapping(path: Option<&Path>) -> Result<Vec<Item>, ImportError> {
    let Some(path) = path else {
        return Ok(trivsel_domain::surveys::national::default_mapping());
    };
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::File {
        file: name.clone(),
        message: crate::csvfile::io_message(&e),
    })?;
    parse_mapping(&text).map_err(|(line, field, message)| ImportError::Field {
        file: name,
        line: line as u64,
        field: field.into(),
        message,
    })
}

/// Reads pupil-level answers, computes the pupils' indicator scores and stores them; all or
/// nothing.
pub async fn import_survey_answers(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    mapping: &[Item],
    audit: &AuditEntry,
    progress: &dyn Progress,
) -> Result<SurveySummary, ImportError> {
    let mut file = CsvFile::open(path, &ANSWER_COLUMNS, progress)?;
    let pupils = store.child_ids(municipality_id).await?;
    let mut summary = SurveySummary {
        answers: true,
        ..SurveySummary::default()
    };
    let mut answers: BTreeMap<(i64, i32), (u64, Answers)> = BTreeMap::new();
    while let Some(line) = file.next_row()? {
        summary.rows += 1;
        progress.bytes_read(file.bytes_read());
        let at = At { file: &file.name, line };
        let pupil = file.get(0).trim();
        let child_id = *pupils.get(pupil).ok_or_else(|| {
            at.err(
                "pupil_id",
                format!("eleven «{pupil}» findes ikke; importér elevlisten først"),
            )
        })?;
        let year = school_year(&at, file.get(1))?;
        let question: u16 = file
            .get(2)
            .trim()
            .parse()
            .ok()
            .filter(|q| (1..=200).contains(q))
            .ok_or_else(|| at.err("question", format!("«{}» er ikke et spørgsmålsnummer", file.get(2))))?;
        let answer = parse_answer(file.get(3)).map_err(|m| at.err("answer", m))?;
        let entry = answers.entry((child_id, year.0)).or_insert((line, BTreeMap::new()));
        if entry.1.insert(question, answer).is_some() {
            return Err(at.err(
                "question",
                format!("eleven har svaret på spørgsmål {question} to gange i skoleåret"),
            ));
        }
    }
    progress.stage("beregner indikatorer");
    let mut scores = Vec::new();
    for ((child_id, year), (line, given)) in &answers {
        let on = NaiveDate::from_ymd_opt(year + 1, 2, 1).expect("1 February");
        let context = store.child_context(*child_id, on).await?;
        let Some((institution_id, class_id)) = context
            .as_ref()
            .and_then(|c| Some((*c.institution_ids.first()?, *c.class_ids.first()?)))
        else {
            let at = At {
                file: &file.name,
                line: *line,
            };
            return Err(at.err(
                "pupil_id",
                format!("eleven gik ikke i en klasse den 1. februar {}", year + 1),
            ));
        };
        let computed: Vec<(Indicator, f64)> = pupil_scores(given, mapping)
            .into_iter()
            .filter_map(|(ind, s)| Some((ind, s?)))
            .collect();
        if computed.is_empty() {
            summary.missing += 1;
            continue;
        }
        summary.stored += 1;
        scores.extend(computed.into_iter().map(|(indicator, score)| PupilScore {
            child_id: *child_id,
            institution_id,
            class_id,
            school_year: *year,
            indicator,
            score,
        }));
    }
    progress.stage("gemmer");
    store.store_pupil_scores(municipality_id, &scores, audit).await?;
    Ok(summary)
}
