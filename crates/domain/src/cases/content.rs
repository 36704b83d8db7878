//! Mål- og indsatsplanens indhold (a plan's content), structured after SMTTE: sammenhæng
//! (context), mål (goals), tegn (signs), tiltag (actions), evaluering (evaluation dates), plus
//! barnets stemme (the child's voice) and forældrenes perspektiv (the parents' perspective).
//! Every save is a new version; [`diff`] compares any two.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::stored_enum;

/// One action (tiltag): what is done, by whom, in which period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAction {
    /// Hvad (what is done).
    pub what: String,
    /// Ansvarlig (the responsible user), when the person has an account; gets a task.
    #[serde(default)]
    pub responsible_user_id: Option<i64>,
    /// Ansvarlig as free text (e.g. «Mor», «PPR»), shown in the plan.
    #[serde(default)]
    pub responsible_name: String,
    /// Fra (from).
    pub from: NaiveDate,
    /// Til (to), not before `from`.
    pub to: NaiveDate,
}

/// The content of one version of a plan. Fields are plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanContent {
    /// Sammenhæng (context): the situation and why a plan is made.
    pub context: String,
    /// Mål (goals).
    pub goals: String,
    /// Tegn (signs): what we will see when the goals are reached.
    pub signs: String,
    /// Tiltag (actions).
    pub actions: Vec<PlanAction>,
    /// Evalueringsdatoer (evaluation dates); each gives an evaluation task.
    pub evaluation_dates: Vec<NaiveDate>,
    /// Barnets stemme (the child's voice).
    pub child_voice: String,
    /// Forældrenes perspektiv (the parents' perspective); guardians may write it.
    pub parents_perspective: String,
    /// Elevens egne ord («Min stemme»): written by the pupil, next to the child's voice staff
    /// wrote (seed 003: the child has direct influence on his or her own everyday life).
    pub pupil_voice: String,
    /// Gælder til (end date): after it the plan is no longer current.
    pub end_date: Option<NaiveDate>,
}

/// A content field's Danish label.
pub mod label {
    pub const CONTEXT: &str = "Sammenhæng";
    pub const GOALS: &str = "Mål";
    pub const SIGNS: &str = "Tegn";
    pub const ACTIONS: &str = "Tiltag";
    pub const EVALUATION_DATES: &str = "Evalueringsdatoer";
    pub const CHILD_VOICE: &str = "Barnets stemme";
    pub const PARENTS_PERSPECTIVE: &str = "Forældrenes perspektiv";
    pub const PUPIL_VOICE: &str = "Elevens egne ord";
    pub const END_DATE: &str = "Gælder til";
}

/// Longest text accepted in one field, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// A validation error naming the field (in Danish) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    /// Danish field label, e.g. «Mål» or «Tiltag 2».
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A date as shown to users: `DD.MM.ÅÅÅÅ`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

impl PlanAction {
    /// One line for display and comparison.
    pub fn summary(&self) -> String {
        let who = self.responsible_name.trim();
        let who = if who.is_empty() { "ikke angivet" } else { who };
        format!(
            "{} (ansvarlig: {who}; {}–{})",
            self.what.trim(),
            format_date(self.from),
            format_date(self.to)
        )
    }
}

impl PlanContent {
    /// Every problem with the content, in field order; empty when it may be saved.
    pub fn validate(&self) -> Vec<ContentError> {
        let mut errors = Vec::new();
        let mut err = |field: &str, message: String| {
            errors.push(ContentError {
                field: field.to_string(),
                message,
            })
        };
        let texts = [
            (label::CONTEXT, &self.context),
            (label::GOALS, &self.goals),
            (label::SIGNS, &self.signs),
            (label::CHILD_VOICE, &self.child_voice),
            (label::PARENTS_PERSPECTIVE, &self.parents_perspective),
            (label::PUPIL_VOICE, &self.pupil_voice),
        ];
        for (field, text) in texts {
            if text.chars().count() > MAX_TEXT_CHARS {
                err(
                    field,
                    format!("Teksten er for lang; skriv højst {MAX_TEXT_CHARS} tegn."),
                );
            }
        }
        if self.goals.trim().is_empty() {
            err(label::GOALS, "Skriv mindst ét mål for indsatsen.".into());
        }
        for (i, a) in self.actions.iter().enumerate() {
            let field = format!("{} {}", label::ACTIONS, i + 1);
            if a.what.trim().is_empty() {
                err(&field, "Beskriv hvad tiltaget går ud på.".into());
            }
            if a.to < a.from {
                err(
                    &field,
                    format!(
                        "Slutdatoen «til» ({}) ligger før startdatoen «fra» ({}); ret datoerne.",
                        format_date(a.to),
                        format_date(a.from)
                    ),
                );
            }
            if a.what.chars().count() > MAX_TEXT_CHARS || a.responsible_name.chars().count() > 200 {
                err(&field, "Teksten er for lang.".into());
            }
        }
        if self.evaluation_dates.is_empty() {
            err(label::EVALUATION_DATES, "Sæt mindst én evalueringsdato.".into());
        }
        if let (Some(end), Some(first)) = (self.end_date, self.evaluation_dates.iter().min())
            && end < *first
        {
            err(
                label::END_DATE,
                format!(
                    "Planen slutter ({}) før første evalueringsdato ({}); ret datoerne.",
                    format_date(end),
                    format_date(*first)
                ),
            );
        }
        errors
    }

    /// The same content with evaluation dates sorted and without duplicates.
    pub fn normalised(mut self) -> Self {
        self.evaluation_dates.sort_unstable();
        self.evaluation_dates.dedup();
        self
    }

    /// The stored form (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plan content serialises")
    }

    /// Reads the stored form; fields missing from older versions get their defaults.
    pub fn from_json(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("planens indhold kan ikke læses: {e}"))
    }
}

/// One changed field between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Danish label, e.g. «Mål», «Tiltag 2».
    pub field_label: String,
    /// Empty when the field did not exist before (e.g. an added action).
    pub before: String,
    pub after: String,
}

/// The fields that differ between versions `a` (before) and `b` (after), in field order.
pub fn diff(a: &PlanContent, b: &PlanContent) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut push = |label: String, before: String, after: String| {
        if before != after {
            changes.push(FieldChange {
                field_label: label,
                before,
                after,
            });
        }
    };
    push(label::CONTEXT.into(), a.context.clone(), b.context.clone());
    push(label::GOALS.into(), a.goals.clone(), b.goals.clone());
    push(label::SIGNS.into(), a.signs.clone(), b.signs.clone());
    for i in 0..a.actions.len().max(b.actions.len()) {
        let line = |c: &PlanContent| c.actions.get(i).map(PlanAction::summary).unwrap_or_default();
        // Compare whole actions: a change of responsible user id alone is a change too.
        if a.actions.get(i) != b.actions.get(i) {
            let (before, mut after) = (line(a), line(b));
            if before == after {
                after.push_str(" (ny ansvarlig bruger)");
            }
            push(format!("{} {}", label::ACTIONS, i + 1), before, after);
        }
    }
    let dates = |c: &PlanContent| {
        c.evaluation_dates
            .iter()
            .map(|d| format_date(*d))
            .collect::<Vec<_>>()
            .join(", ")
    };
    push(label::EVALUATION_DATES.into(), dates(a), dates(b));
    push(label::CHILD_VOICE.into(), a.child_voice.clone(), b.child_voice.clone());
    push(
        label::PARENTS_PERSPECTIVE.into(),
        a.parents_perspective.clone(),
        b.parents_perspective.clone(),
    );
    push(label::PUPIL_VOICE.into(), a.pupil_voice.clone(), b.pupil_voice.clone());
    let end = |c: &PlanContent| c.end_date.map(format_date).unwrap_or_default();
    push(label::END_DATE.into(), end(a), end(b));
    changes
}

stored_enum! {
    /// The result of an evaluation (evalueringens resultat).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum EvaluationResult {
        /// Opnået (achieved).
        Achieved = ("opnaaet", "Opnået"),
        /// Delvist opnået (partly achieved).
        PartlyAchieved = ("delvist_opnaaet", "Delvist opnået"),
        /// Ikke opnået (not achieved).
        NotAchieved = ("ikke_opnaaet", "Ikke opnået"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(crate) fn sample() -> PlanContent {
        PlanContent {
            context: "Ida trækker sig i frikvartererne.".into(),
            goals: "Ida deltager i leg med mindst to klassekammerater.".into(),
            signs: "Ida står i kø til boldspil.".into(),
            actions: vec![PlanAction {
                what: "Legegrupper i frikvarteret".into(),
                responsible_user_id: Some(3),
                responsible_name: "Lis Lærer".into(),
                from: d("2026-03-02"),
                to: d("2026-04-24"),
            }],
            evaluation_dates: vec![d("2026-04-27")],
            child_voice: "Jeg vil gerne lege, men ved ikke hvordan.".into(),
            parents_perspective: String::new(),
            pupil_voice: String::new(),
            end_date: Some(d("2026-06-30")),
        }
    }

    #[test]
    fn json_round_trip_and_old_versions_read() {
        let c = sample();
        assert_eq!(PlanContent::from_json(&c.to_json()).unwrap(), c);
        // A version stored before a field existed reads with the default.
        let old =
            PlanContent::from_json(r#"{"goals":"Mål","actions":[{"what":"x","from":"2026-01-01","to":"2026-01-02"}]}"#)
                .unwrap();
        assert_eq!(old.goals, "Mål");
        assert_eq!(old.actions[0].responsible_user_id, None);
        assert_eq!(old.end_date, None);
        assert!(PlanContent::from_json("{").unwrap_err().contains("kan ikke læses"));
    }

    #[test]
    fn a_complete_plan_validates() {
        assert_eq!(sample().validate(), []);
    }

    #[test]
    fn validation_names_the_field() {
        let mut c = sample();
        c.goals = "  ".into();
        c.actions[0].to = d("2026-03-01");
        c.actions.push(PlanAction {
            what: String::new(),
            ..c.actions[0].clone()
        });
        c.evaluation_dates.clear();
        let errors = c.validate();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["Mål", "Tiltag 1", "Tiltag 2", "Tiltag 2", "Evalueringsdatoer"],
            "{errors:?}"
        );
        assert!(
            errors[1]
                .to_string()
                .starts_with("Tiltag 1: Slutdatoen «til» (01.03.2026) ligger før")
        );
    }

    #[test]
    fn end_date_not_before_the_first_evaluation() {
        let mut c = sample();
        c.end_date = Some(d("2026-04-01"));
        assert_eq!(c.validate()[0].field, "Gælder til");
    }

    #[test]
    fn too_long_text_is_refused() {
        let mut c = sample();
        c.child_voice = "x".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(c.validate()[0].field, "Barnets stemme");
    }

    #[test]
    fn normalised_sorts_and_dedups_dates() {
        let mut c = sample();
        c.evaluation_dates = vec![d("2026-05-01"), d("2026-04-01"), d("2026-05-01")];
        assert_eq!(c.normalised().evaluation_dates, [d("2026-04-01"), d("2026-05-01")]);
    }

    #[test]
    fn diff_lists_changed_fields_only() {
        let a = sample();
        assert_eq!(diff(&a, &a), []);
        let mut b = a.clone();
        b.goals = "Nyt mål".into();
        b.parents_perspective = "Vi oplever det samme derhjemme.".into();
        b.actions.push(PlanAction {
            what: "Samtale med trivselsperson".into(),
            responsible_user_id: None,
            responsible_name: String::new(),
            from: d("2026-03-09"),
            to: d("2026-03-09"),
        });
        b.evaluation_dates.push(d("2026-06-01"));
        let changes = diff(&a, &b);
        let labels: Vec<&str> = changes.iter().map(|c| c.field_label.as_str()).collect();
        assert_eq!(
            labels,
            ["Mål", "Tiltag 2", "Evalueringsdatoer", "Forældrenes perspektiv"]
        );
        assert_eq!(changes[0].before, a.goals);
        assert_eq!(changes[0].after, "Nyt mål");
        assert_eq!(changes[1].before, "");
        assert_eq!(
            changes[1].after,
            "Samtale med trivselsperson (ansvarlig: ikke angivet; 09.03.2026–09.03.2026)"
        );
        assert_eq!(changes[2].after, "27.04.2026, 01.06.2026");
        // Reversed, before and after swap.
        let back = diff(&b, &a);
        assert_eq!(back[0].before, "Nyt mål");
        // Only the responsible user changes: still a change.
        let mut c = a.clone();
        c.actions[0].responsible_user_id = Some(4);
        assert_eq!(diff(&a, &c)[0].field_label, "Tiltag 1");
    }

    #[test]
    fn evaluation_results_round_trip() {
        for r in EvaluationResult::ALL {
            assert_eq!(EvaluationResult::from_id(r.id()), Some(*r));
        }
        assert_eq!(EvaluationResult::PartlyAchieved.navn(), "Delvist opnået");
    }
}
