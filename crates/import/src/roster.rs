//! `trivsel import roster`: schools, classes, pupils and enrolments from the school system.
//!
//! Columns: school, school_name, class, pupil_id, given_name, family_name, birth_date,
//! enrolled_from, enrolled_to (may be empty). One pupil may have several rows with disjoint
//! enrolment periods (moving class or school). Enrolments are keyed by (pupil, enrolled_from).
//!
//! A row with school, school_name, class, enrolled_from and enrolled_to all empty registers a
//! child with the municipality before any institution (e.g. a baby the health visitor follows).
//!
//! Optional columns: `kind` — `skole` (the default) or `dagtilbud`, the institution's kind (a
//! daycare's «class» is a group, stue); `login` — the pupil's login identity at the
//! municipality's OpenID Connect provider (e.g. the UNI-Login user name): a pupil without an
//! account gets one (role elev) that logs in through the provider, never with a password.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use trivsel_domain::NaiveDate;
use trivsel_domain::calendar::EnrolmentPeriod;
use trivsel_domain::model::{InstitutionKind, Role};
use trivsel_domain::validate;
use trivsel_store::{EnrolmentRow, RosterChanges, Store};

use crate::csvfile::{At, CsvFile, ImportError, Progress};

const COLUMNS: [&str; 9] = [
    "school",
    "school_name",
    "class",
    "pupil_id",
    "given_name",
    "family_name",
    "birth_date",
    "enrolled_from",
    "enrolled_to",
];

/// What a roster import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RosterSummary {
    pub rows: u64,
    pub schools_created: usize,
    pub schools_updated: usize,
    pub classes_created: usize,
    pub pupils_created: usize,
    pub pupils_updated: usize,
    pub enrolments_created: usize,
    pub enrolments_updated: usize,
    pub logins_created: usize,
}

impl fmt::Display for RosterSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rækker læst; oprettet: {} skoler, {} klasser, {} elever, {} indskrivninger; \
             opdateret: {} skoler, {} elever, {} indskrivninger",
            self.rows,
            self.schools_created,
            self.classes_created,
            self.pupils_created,
            self.enrolments_created,
            self.schools_updated,
            self.pupils_updated,
            self.enrolments_updated
        )?;
        if self.logins_created > 0 {
            write!(f, "; elevlogins oprettet: {}", self.logins_created)?;
        }
        Ok(())
    }
}

struct Pupil {
    line: u64,
    given: String,
    family: String,
    birth: NaiveDate,
}

struct Enrolment {
    line: u64,
    row: EnrolmentRow,
}

/// Reads, validates and stores a roster file for the municipality; all or nothing.
pub async fn import_roster(
    store: &Store,
    municipality_id: i64,
    path: &Path,
    progress: &dyn Progress,
) -> Result<RosterSummary, ImportError> {
    let mut file = CsvFile::open(path, &COLUMNS, progress)?;
    let (kind_column, login_column) = (file.optional("kind"), file.optional("login"));
    let mut summary = RosterSummary::default();
    let mut schools: HashMap<String, (u64, String, InstitutionKind)> = HashMap::new();
    // Pupil id → (line, login).
    let mut logins: HashMap<String, (u64, String)> = HashMap::new();
    let mut pupils: HashMap<String, Pupil> = HashMap::new();
    let mut enrolments: HashMap<String, Vec<Enrolment>> = HashMap::new();

    while let Some(line) = file.next_row()? {
        summary.rows += 1;
        if summary.rows % 10_000 == 0 {
            progress.bytes_read(file.bytes_read());
        }
        let at = At { file: &file.name, line };
        let text = |i: usize, check: fn(&str) -> Result<&str, String>| {
            check(file.get(i))
                .map(str::to_string)
                .map_err(|m| at.err(COLUMNS[i], m))
        };
        let date = |i: usize| validate::parse_date(file.get(i)).map_err(|m| at.err(COLUMNS[i], m));
        // A child registered with the municipality before any institution (followed by the
        // health visitor from birth): no school, class or enrolment on the row.
        if [0, 1, 2, 7, 8].iter().all(|i| file.get(*i).is_empty()) {
            let pupil_id = text(3, validate::source_id)?;
            let (given, family, birth) = (text(4, validate::name)?, text(5, validate::name)?, date(6)?);
            if !file.get_optional(login_column).is_empty() || !file.get_optional(kind_column).is_empty() {
                return Err(at.err(
                    "login",
                    "et barn uden indskrivning har hverken login eller institutionstype",
                ));
            }
            remember(&mut pupils, &at, &pupil_id, given, family, birth)?;
            continue;
        }
        let school = text(0, validate::source_id)?;
        let school_name = text(1, validate::name)?;
        let class = text(2, validate::source_id)?;
        let pupil_id = text(3, validate::source_id)?;
        let given = text(4, validate::name)?;
        let family = text(5, validate::name)?;
        let birth = date(6)?;
        let from = date(7)?;
        let to = if file.get(8).is_empty() { None } else { Some(date(8)?) };
        if let Some(to) = to
            && to < from
        {
            return Err(at.err("enrolled_to", format!("slutdatoen {to} ligger før startdatoen {from}")));
        }
        if birth > from {
            return Err(at.err(
                "birth_date",
                format!("fødselsdatoen {birth} ligger efter indskrivningen {from}"),
            ));
        }
        let kind = match file.get_optional(kind_column).to_lowercase().as_str() {
            "" | "skole" | "school" => InstitutionKind::School,
            "dagtilbud" | "daycare" | "børnehave" | "vuggestue" => InstitutionKind::Daycare,
            other => {
                return Err(at.err(
                    "kind",
                    format!("ukendt institutionstype «{other}» (skriv «skole» eller «dagtilbud»)"),
                ));
            }
        };
        match schools.get(&school) {
            Some((first, name, _)) if *name != school_name => {
                return Err(at.err(
                    "school_name",
                    format!("skole {school} hedder «{name}» i linje {first}, men «{school_name}» her"),
                ));
            }
            Some((first, _, earlier)) if *earlier != kind => {
                return Err(at.err(
                    "kind",
                    format!("institution {school} har en anden type i linje {first}"),
                ));
            }
            Some(_) => {}
            None => {
                schools.insert(school.clone(), (line, school_name, kind));
            }
        }
        let login = file.get_optional(login_column).to_lowercase();
        if !login.is_empty() {
            if login.len() > 64 || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(at.err("login", "skal være højst 64 tegn og uden mellemrum"));
            }
            match logins.get(&pupil_id) {
                Some((first, earlier)) if *earlier != login => {
                    return Err(at.err("login", format!("elev {pupil_id} har et andet login i linje {first}")));
                }
                Some(_) => {}
                None => {
                    logins.insert(pupil_id.clone(), (line, login));
                }
            }
        }
        remember(&mut pupils, &at, &pupil_id, given, family, birth)?;
        let rows = enrolments.entry(pupil_id.clone()).or_default();
        let period = EnrolmentPeriod { school: (), from, to };
        if let Some(other) = rows.iter().find(|e| {
            period.overlaps(&EnrolmentPeriod {
                school: (),
                from: e.row.from,
                to: e.row.to,
            })
        }) {
            return Err(at.err(
                "enrolled_from",
                format!(
                    "elev {pupil_id}s indskrivning {} overlapper linje {} ({})",
                    span(from, to),
                    other.line,
                    span(other.row.from, other.row.to)
                ),
            ));
        }
        rows.push(Enrolment {
            line,
            row: EnrolmentRow {
                institution_code: school,
                class_name: class,
                from,
                to,
            },
        });
    }
    progress.bytes_read(file.bytes_read());
    if summary.rows == 0 {
        return Err(ImportError::File {
            file: file.name,
            message: "filen har ingen rækker under overskriften".into(),
        });
    }

    let snapshot = store.roster_snapshot(municipality_id).await?;
    let mut changes = RosterChanges::default();
    for (code, (_, name, kind)) in &schools {
        // Without a `kind` column an institution keeps the kind it has.
        let stored = snapshot.institutions.get(code);
        let kind = match (kind_column, stored) {
            (None, Some((_, old))) => *old,
            _ => *kind,
        };
        match stored {
            None => {
                summary.schools_created += 1;
                changes.institutions.push((code.clone(), name.clone(), kind));
            }
            Some((old, old_kind)) if old != name || *old_kind != kind => {
                summary.schools_updated += 1;
                changes.institutions.push((code.clone(), name.clone(), kind));
            }
            Some(_) => {}
        }
    }
    let child_ids = store.child_ids(municipality_id).await?;
    for (pupil_id, (line, login)) in &logins {
        match store.user_by_username(login).await? {
            Some(u)
                if u.role == Role::Pupil && u.child_id.is_some() && u.child_id == child_ids.get(pupil_id).copied() => {}
            Some(_) => {
                return Err(ImportError::Field {
                    file: file.name,
                    line: *line,
                    field: "login".into(),
                    message: format!("«{login}» er allerede brugernavn for en anden bruger"),
                });
            }
            None => {
                summary.logins_created += 1;
                changes.pupil_logins.push((pupil_id.clone(), login.clone()));
            }
        }
    }
    for (pupil_id, p) in &pupils {
        let changed = match snapshot.children.get(pupil_id) {
            None => {
                summary.pupils_created += 1;
                true
            }
            Some(c)
                if (c.given_name.as_str(), c.family_name.as_str(), c.birth_date)
                    != (p.given.as_str(), p.family.as_str(), p.birth) =>
            {
                summary.pupils_updated += 1;
                true
            }
            Some(_) => false,
        };
        if changed {
            changes
                .children
                .push((pupil_id.clone(), p.given.clone(), p.family.clone(), p.birth));
        }
    }
    let mut new_classes = std::collections::HashSet::new();
    for (pupil_id, rows) in &enrolments {
        let stored = snapshot.enrolments.get(pupil_id).map(Vec::as_slice).unwrap_or_default();
        for e in rows {
            let key = (e.row.institution_code.clone(), e.row.class_name.clone());
            if !snapshot.classes.contains(&key) && new_classes.insert(key.clone()) {
                changes.classes.push(key);
            }
            match stored.iter().find(|s| s.from == e.row.from) {
                Some(s) if *s == e.row => continue,
                Some(_) => summary.enrolments_updated += 1,
                None => summary.enrolments_created += 1,
            }
            changes.enrolments.push((pupil_id.clone(), e.row.clone()));
        }
        // Stored enrolments the file does not replace must not overlap the file's.
        for s in stored.iter().filter(|s| rows.iter().all(|e| e.row.from != s.from)) {
            let stored_period = EnrolmentPeriod {
                school: (),
                from: s.from,
                to: s.to,
            };
            if let Some(e) = rows.iter().find(|e| {
                stored_period.overlaps(&EnrolmentPeriod {
                    school: (),
                    from: e.row.from,
                    to: e.row.to,
                })
            }) {
                return Err(ImportError::Field {
                    file: file.name,
                    line: e.line,
                    field: "enrolled_from".into(),
                    message: format!(
                        "elev {pupil_id}s indskrivning {} overlapper en gemt indskrivning ({}, skole {}, klasse {}); \
                         afslut den gemte med en række med samme enrolled_from og en enrolled_to",
                        span(e.row.from, e.row.to),
                        span(s.from, s.to),
                        s.institution_code,
                        s.class_name
                    ),
                });
            }
        }
    }
    summary.classes_created = changes.classes.len();
    store.apply_roster(municipality_id, &changes).await?;
    Ok(summary)
}

/// Adds a pupil read on a row, or checks that an earlier row of the same pupil agrees.
fn remember(
    pupils: &mut HashMap<String, Pupil>,
    at: &At,
    pupil_id: &str,
    given: String,
    family: String,
    birth: NaiveDate,
) -> Result<(), ImportError> {
    match pupils.get(pupil_id) {
        Some(p) if (p.given.as_str(), p.family.as_str(), p.birth) != (given.as_str(), family.as_str(), birth) => {
            let field = if p.birth != birth { "birth_date" } else { "given_name" };
            Err(at.err(
                field,
                format!(
                    "elev {pupil_id} har andet navn eller anden fødselsdato end i linje {}",
                    p.line
                ),
            ))
        }
        Some(_) => Ok(()),
        None => {
            pupils.insert(
                pupil_id.to_string(),
                Pupil {
                    line: at.line,
                    given,
                    family,
                    birth,
                },
            );
            Ok(())
        }
    }
}

fn span(from: NaiveDate, to: Option<NaiveDate>) -> String {
    match to {
        Some(to) => format!("{from}–{to}"),
        None => format!("{from}–(åben)"),
    }
}
