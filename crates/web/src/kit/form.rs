//! The form kit: submitted fields, Danish validation messages that name the field, the error
//! summary at the top of a form (each error links to its field) and the field-level error with
//! its `aria-invalid` / `aria-describedby`, as WCAG asks.

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::kit::clock::today;
use crate::kit::format::{format_date, number};

/// Submitted form fields, in order (checkbox groups repeat a name). A form whose values are far
/// beyond what any field accepts is refused whole as unreadable (the Danish 422 page), so a
/// rejected form never echoes megabytes back into the page.
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

/// Characters one value may have before the form is refused unread: twice the longest text any
/// field accepts (`MAX_TEXT_CHARS`), so a text a little too long still gets its own message.
pub const VALUE_MAX_CHARS: usize = 2 * trivsel_domain::cases::MAX_TEXT_CHARS;
/// Characters all values together may have.
pub const FORM_MAX_CHARS: usize = 10 * trivsel_domain::cases::MAX_TEXT_CHARS;

impl std::ops::Deref for Fields {
    type Target = Vec<(String, String)>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<Vec<(String, String)>> for Fields {
    fn from(fields: Vec<(String, String)>) -> Self {
        Fields(fields)
    }
}

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = Vec::<(String, String)>::deserialize(deserializer)?;
        let mut total = 0;
        for (name, value) in &fields {
            let chars = value.chars().count();
            total += chars;
            if chars > VALUE_MAX_CHARS || total > FORM_MAX_CHARS {
                return Err(serde::de::Error::custom(format!("feltet «{name}» er for langt")));
            }
        }
        Ok(Fields(fields))
    }
}

/// A field's value, trimmed; empty when missing.
pub fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
}

/// Every value of a repeated field.
pub fn values<'a>(fields: &'a Fields, name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .collect()
}

/// A date from a date field (`ÅÅÅÅ-MM-DD`, or `DD.MM.ÅÅÅÅ` typed by hand).
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d.%m.%Y"))
        .ok()
}

/// A validation error: the id of the field it is about (the summary links to it) and a Danish
/// message naming the field and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

pub fn error(id: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        id: id.into(),
        message: message.into(),
    }
}

/// The error summary at the top of a form page: one link per error to its field.
pub fn error_summary(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" aria-labelledby="fejl-titel" {
                h2 id="fejl-titel" { "Der er " (errors.len()) " fejl – intet er gemt" }
                ul {
                    @for e in errors {
                        li { a href={ "#" (e.id) } { (e.message) } }
                    }
                }
            }
        }
    }
}

/// The error next to a field, if any (`id` is the field's id; the message gets `id-fejl`).
pub fn inline_error(errors: &[FieldError], id: &str) -> Markup {
    html! {
        @for e in errors.iter().filter(|e| e.id == id) {
            p.error id={ (id) "-fejl" } { (e.message) }
        }
    }
}

/// `aria-invalid` for a field with an error.
pub fn invalid(errors: &[FieldError], id: &str) -> Option<&'static str> {
    errors.iter().any(|e| e.id == id).then_some("true")
}

/// `aria-describedby` for a field with an error.
pub fn described(errors: &[FieldError], id: &str) -> Option<String> {
    errors.iter().any(|e| e.id == id).then(|| format!("{id}-fejl"))
}

/// A required, bounded free text; the error names the field.
pub fn check_text(
    errors: &mut Vec<FieldError>,
    id: &str,
    label: &str,
    value: &str,
    required: bool,
    max: usize,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.push(error(id, format!("{label}: skal udfyldes.")));
    } else if value.chars().count() > max {
        errors.push(error(
            id,
            format!("{label}: teksten er for lang; skriv højst {} tegn.", number(max as i64)),
        ));
    }
    value.to_string()
}

/// A date not after today; the error names the field.
pub fn check_past_date(errors: &mut Vec<FieldError>, id: &str, label: &str, value: &str) -> Option<NaiveDate> {
    match parse_date(value) {
        None if value.trim().is_empty() => {
            errors.push(error(id, format!("{label}: angiv en dato.")));
            None
        }
        None => {
            errors.push(error(
                id,
                format!(
                    "{label}: «{value}» er ikke en gyldig dato (skriv fx {}).",
                    format_date(today())
                ),
            ));
            None
        }
        Some(d) if d > today() => {
            errors.push(error(id, format!("{label}: datoen må ikke ligge efter i dag.")));
            None
        }
        Some(d) => Some(d),
    }
}

/// A plain text shown with its line breaks.
pub fn text(value: &str) -> Markup {
    html! {
        @if value.trim().is_empty() {
            p.hint { "Ikke udfyldt." }
        } @else {
            p.text { (value) }
        }
    }
}
