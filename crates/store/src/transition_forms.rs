//! Overgangsskema (`trivsel_domain::transition_form`): the health visitor's form with the
//! parents before daycare start, the parents' confirmation as a consent with the daycare's task
//! for the start conversation (one transaction), and the municipality's questions and ADBB
//! cut-off. What a reader gets back is decided here from the grant: the receiving daycare only
//! the shared answers, only from the start date and only while the consent is in force.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::{ChildGrant, Scope};
use trivsel_domain::meetings::{ConsentMethod, ConsentScope};
use trivsel_domain::transition::conversation_due;
use trivsel_domain::transition_form::{Adbb, DaycareView, Question, check_questions, daycare_view, default_questions};

use crate::audit::append_audit;
use crate::consents::{in_force_sql, insert_consent, refused};
use crate::handovers::receiving_task;
use crate::{AuditEntry, NewConsent, Result, Store, StoreError, WriteTx, with_pool};

/// The title of the daycare's task; it names no child.
pub const START_TASK_TITLE: &str = "Opstartssamtale efter overgangsskema";

/// One answer of a form, with the wording of its question when it was filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormAnswer {
    pub key: String,
    pub question: String,
    pub answer: String,
    /// Whether the parents chose to pass it on to the daycare.
    pub shared: bool,
}

/// A form to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransitionForm {
    pub child_id: i64,
    pub to_institution_id: i64,
    pub starts_on: NaiveDate,
    pub visited_on: NaiveDate,
    pub answers: Vec<FormAnswer>,
    pub adbb: Option<Adbb>,
    pub adbb_shared: bool,
    pub written_by: i64,
    pub at: DateTime<Utc>,
}

/// The parents' confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormConfirmation {
    pub form_id: i64,
    pub guardian_id: i64,
    pub method: ConsentMethod,
    /// The parents' choice per answer (by position) and for the screening; `None` keeps the
    /// choices recorded at the visit.
    pub shared: Option<(Vec<bool>, bool)>,
    /// The guardian's account in the parent view, else the health visitor who recorded it.
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

/// A stored form as the reader may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionForm {
    pub id: i64,
    pub child_id: i64,
    pub to_institution_id: i64,
    pub to_name: String,
    pub starts_on: NaiveDate,
    pub visited_on: NaiveDate,
    pub written_by_name: String,
    /// The answers within reach: all for the health visitor and the parents, the shared ones for
    /// the daycare (none before the start date).
    pub answers: Vec<FormAnswer>,
    /// The screening with the cut-off it was judged by, if within reach.
    pub adbb: Option<(Adbb, u32)>,
    pub adbb_shared: bool,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Whether the parents' consent (their confirmation) is in force today.
    pub consent_in_force: bool,
    /// What the receiving daycare sees today.
    pub daycare: DaycareView,
}

type FormRow = (
    i64,
    i64,
    i64,
    String,
    NaiveDate,
    NaiveDate,
    String,
    Option<String>,
    Option<i32>,
    bool,
    Option<DateTime<Utc>>,
    i64,
);

/// (form id, key, question, answer, shared)
type AnswerRow = (i64, String, String, String, bool);

impl Store {
    /// The municipality's questions, or the shipped default set if it has none.
    pub async fn transition_questions(&self, municipality_id: i64) -> Result<Vec<Question>> {
        let rows: Vec<(String, String)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT question_key, question FROM transition_form_questions WHERE municipality_id = $1 \
                 ORDER BY position",
            )
            .bind(municipality_id)
            .fetch_all(pool)
            .await?
        });
        if rows.is_empty() {
            return Ok(default_questions());
        }
        Ok(rows.into_iter().map(|(key, text)| Question { key, text }).collect())
    }

    /// Replaces the municipality's questions (forms already filled in keep their wording), with
    /// the audit row. Refused, changing nothing, if the set does not pass `check_questions`.
    pub async fn set_transition_questions(
        &self,
        municipality_id: i64,
        questions: &[Question],
        audit: &AuditEntry,
    ) -> Result<()> {
        check_questions(questions).map_err(|(n, why)| StoreError::Config(format!("spørgsmål {n}: {why}")))?;
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("DELETE FROM transition_form_questions WHERE municipality_id = $1")
                .bind(municipality_id)
                .execute(&mut *tx)
                .await?;
            for (i, q) in questions.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO transition_form_questions (municipality_id, position, question_key, question) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(municipality_id)
                .bind(i as i32 + 1)
                .bind(&q.key)
                .bind(q.text.trim())
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The municipality's ADBB cut-off.
    pub async fn adbb_cutoff(&self, municipality_id: i64) -> Result<u32> {
        let n: i32 = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT adbb_cutoff FROM municipalities WHERE id = $1")
                .bind(municipality_id)
                .fetch_one(pool)
                .await?
        });
        Ok(n as u32)
    }

    /// Sets the municipality's ADBB cut-off, with the audit row (forms keep the cut-off they
    /// were judged by).
    pub async fn set_adbb_cutoff(&self, municipality_id: i64, cutoff: u32, audit: &AuditEntry) -> Result<()> {
        trivsel_domain::transition_form::check_cutoff(cutoff).map_err(StoreError::Config)?;
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("UPDATE municipalities SET adbb_cutoff = $2 WHERE id = $1")
                .bind(municipality_id)
                .bind(cutoff as i32)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores a form with its answers and the audit row; the screening is judged by the
    /// municipality's cut-off today. Returns its id.
    pub async fn create_transition_form(&self, new: &NewTransitionForm, audit: &AuditEntry) -> Result<i64> {
        if new.answers.iter().all(|a| a.answer.trim().is_empty()) && new.adbb.is_none() {
            return Err(StoreError::Config(
                "Overgangsskemaet er tomt: skriv mindst ét svar, eller udfyld ADBB.".into(),
            ));
        }
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO transition_forms (municipality_id, child_id, to_institution_id, starts_on, visited_on, \
                 written_by, written_at, adbb, adbb_cutoff, adbb_shared) \
                 SELECT c.municipality_id, c.id, $2, $3, $4, $5, $6, $7, CASE WHEN $7 IS NULL THEN NULL \
                 ELSE m.adbb_cutoff END, $8 FROM children c JOIN municipalities m ON m.id = c.municipality_id \
                 WHERE c.id = $1 RETURNING id",
            )
            .bind(new.child_id)
            .bind(new.to_institution_id)
            .bind(new.starts_on)
            .bind(new.visited_on)
            .bind(new.written_by)
            .bind(new.at)
            .bind(new.adbb.map(Adbb::stored))
            .bind(new.adbb.is_some() && new.adbb_shared)
            .fetch_one(&mut *tx)
            .await?;
            for (i, a) in new.answers.iter().filter(|a| !a.answer.trim().is_empty()).enumerate() {
                sqlx::query(
                    "INSERT INTO transition_form_answers (form_id, position, question_key, question, answer, shared) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(i as i32 + 1)
                .bind(&a.key)
                .bind(&a.question)
                .bind(a.answer.trim())
                .bind(a.shared)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// The parents' confirmation: the sharing choices (if given), the consent of scope
    /// «overgangsskema» from a guardian with custody, and the daycare's task for the start
    /// conversation, with the audit row, in one transaction. Refused (nothing written) if the
    /// form is confirmed already or the guardian may not consent. Returns the task's id (none if
    /// the daycare has no leader or trivselsperson).
    pub async fn confirm_transition_form(&self, c: &FormConfirmation, audit: &AuditEntry) -> Result<Option<i64>> {
        let today = c.at.date_naive();
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let form: Option<(i64, i64, NaiveDate)> = sqlx::query_as(
                "SELECT child_id, to_institution_id, starts_on FROM transition_forms \
                 WHERE id = $1 AND consent_id IS NULL",
            )
            .bind(c.form_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((child_id, to_institution_id, starts_on)) = form else {
                tx.rollback().await?;
                return Err(StoreError::Config("Overgangsskemaet er allerede bekræftet.".into()));
            };
            let consent = NewConsent {
                child_id,
                guardian_id: c.guardian_id,
                scope: ConsentScope::TransitionForm,
                given_on: today,
                expires_on: None,
                method: c.method,
                recorded_by: c.recorded_by,
                at: c.at,
            };
            let Some(consent_id) = insert_consent!(tx, &consent) else {
                tx.rollback().await?;
                return Err(refused(c.method));
            };
            if let Some((answers, adbb)) = &c.shared {
                for (i, shared) in answers.iter().enumerate() {
                    sqlx::query("UPDATE transition_form_answers SET shared = $3 WHERE form_id = $1 AND position = $2")
                        .bind(c.form_id)
                        .bind(i as i32 + 1)
                        .bind(*shared)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE transition_forms SET adbb_shared = adbb IS NOT NULL AND $2 WHERE id = $1")
                    .bind(c.form_id)
                    .bind(*adbb)
                    .execute(&mut *tx)
                    .await?;
            }
            let task = receiving_task!(
                tx,
                to_institution_id,
                child_id,
                conversation_due(today, starts_on),
                START_TASK_TITLE,
                c.at
            );
            sqlx::query("UPDATE transition_forms SET consent_id = $2, confirmed_at = $3, task_id = $4 WHERE id = $1")
                .bind(c.form_id)
                .bind(consent_id)
                .bind(c.at)
                .bind(task)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            task
        }))
    }

    /// The child's forms as the grant reaches them on `today`: everything for the health
    /// visitor and the parents ([`Scope::All`]); for an institution's staff only the forms to
    /// that institution the parents confirmed, with only the shared answers and only from the
    /// start date (`transition_form::daycare_view`). Newest first.
    pub async fn transition_forms_of_child(&self, child: ChildGrant, today: NaiveDate) -> Result<Vec<TransitionForm>> {
        let sql = format!(
            "SELECT f.id, f.child_id, f.to_institution_id, i.name, f.starts_on, f.visited_on, u.name, f.adbb, \
             f.adbb_cutoff, f.adbb_shared, f.confirmed_at, \
             (SELECT COUNT(*) FROM consents c WHERE c.id = f.consent_id AND {}) \
             FROM transition_forms f JOIN institutions i ON i.id = f.to_institution_id \
             JOIN users u ON u.id = f.written_by WHERE f.child_id = $1 ORDER BY f.written_at DESC, f.id DESC",
            in_force_sql("c", "$2", "$3")
        );
        let (rows, answers): (Vec<FormRow>, Vec<AnswerRow>) = with_pool!(self, |pool| {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child.child_id())
                .bind(ConsentScope::TransitionForm.id())
                .bind(today)
                .fetch_all(pool)
                .await?;
            let answers = sqlx::query_as(
                "SELECT a.form_id, a.question_key, a.question, a.answer, a.shared FROM transition_form_answers a \
                 JOIN transition_forms f ON f.id = a.form_id WHERE f.child_id = $1 ORDER BY a.form_id, a.position",
            )
            .bind(child.child_id())
            .fetch_all(pool)
            .await?;
            (rows, answers)
        });
        let mut forms = Vec::new();
        for (id, child_id, to, to_name, starts_on, visited_on, by, adbb, cutoff, adbb_shared, confirmed, in_force) in
            rows
        {
            let consent_in_force = in_force > 0;
            let daycare = daycare_view(consent_in_force, starts_on, today);
            let daycare_only = match child.scope() {
                Scope::All => false,
                Scope::Institution(i) if i == to && daycare != DaycareView::NotPassed => true,
                Scope::Institution(_) => continue,
            };
            let shows = |shared: bool| !daycare_only || (shared && daycare == DaycareView::Shared);
            let adbb = match (adbb, cutoff) {
                (Some(a), Some(c)) if shows(adbb_shared) => Some((
                    Adbb::parse(&a).map_err(|e| StoreError::Db(sqlx::Error::Decode(e.into())))?,
                    c as u32,
                )),
                _ => None,
            };
            forms.push(TransitionForm {
                id,
                child_id,
                to_institution_id: to,
                to_name,
                starts_on,
                visited_on,
                written_by_name: by,
                answers: answers
                    .iter()
                    .filter(|a| a.0 == id && shows(a.4))
                    .map(|(_, key, question, answer, shared)| FormAnswer {
                        key: key.clone(),
                        question: question.clone(),
                        answer: answer.clone(),
                        shared: *shared,
                    })
                    .collect(),
                adbb,
                adbb_shared,
                confirmed_at: confirmed,
                consent_in_force,
                daycare,
            });
        }
        Ok(forms)
    }
}
