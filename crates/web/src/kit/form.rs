//! The form kit: submitted fields, Danish validation messages that name the field, the error
//! summary at the top of a form (each error links to its field) and the field-level error with
//! its `aria-invalid` / `aria-describedby`, as WCAG asks.

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::kit::clock::today;
use crate::kit::format::format_date;

/// Submitted form fields, in order (checkbox groups repeat a name).
pub type Fields = Vec<(String, String)>;

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
            format!("{label}: teksten er for lang; skriv højst {max} tegn."),
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
