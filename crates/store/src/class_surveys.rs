//! Klassetrivselsundersøgelser (`trivsel_domain::surveys::class_survey`): the survey with its
//! questions and class code, each pupil's one response (written with its audit row in one
//! transaction, refused once the pupil has answered or the survey is closed), the responses for
//! the staff's results, and the class's focus pupils.

use chrono::{DateTime, Utc};
use rand::Rng;
use trivsel_domain::surveys::class_survey::{QuestionKind, class_code};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A survey to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClassSurvey {
    pub class_id: i64,
    pub title: String,
    pub max_choices: usize,
    pub questions: Vec<(QuestionKind, String)>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// A stored survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSurvey {
    pub id: i64,
    pub municipality_id: i64,
    pub institution_id: i64,
    pub class_id: i64,
    pub title: String,
    pub max_choices: usize,
    /// The class code for the shared tablet.
    pub code: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub questions: Vec<(QuestionKind, String)>,
    pub responses: usize,
}

/// How a pupil answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// On the pupil's own login.
    Login,
    /// On a shared tablet with the class code.
    ClassCode,
}

impl Via {
    fn id(self) -> &'static str {
        match self {
            Via::Login => "login",
            Via::ClassCode => "klassekode",
        }
    }
}

/// A pupil's response: per question (by position, from 1), the scale value or the chosen
/// classmates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResponse {
    pub survey_id: i64,
    pub child_id: i64,
    pub via: Via,
    pub scale: Vec<(usize, Option<u8>)>,
    pub choices: Vec<(usize, Vec<i64>)>,
    pub at: DateTime<Utc>,
}

/// A stored response, for the staff's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub child_id: i64,
    pub scale: Vec<(usize, Option<u8>)>,
    pub choices: Vec<(usize, i64)>,
}

/// A focus pupil (fokuselev) of a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusPupil {
    pub child_id: i64,
    pub reason: String,
    pub marked_at: DateTime<Utc>,
}

type SurveyRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    i32,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    i64,
);

/// (response, position, value)
type ScaleRow = (i64, i32, Option<i32>);
/// (response, position, chosen child)
type ChoiceRow = (i64, i32, i64);

enum By<'a> {
    Id(i64),
    OpenCode(&'a str),
    Class(i64),
}

const SURVEY_SQL: &str = "SELECT s.id, s.municipality_id, s.institution_id, s.class_id, s.title, s.max_choices, s.code, \
     u.name, s.created_at, s.closed_at, (SELECT COUNT(*) FROM class_survey_responses r WHERE r.survey_id = s.id) \
     FROM class_surveys s JOIN users u ON u.id = s.created_by";

impl Store {
    /// Creates the survey with a fresh class code and its audit row; returns its id.
    pub async fn create_class_survey(&self, new: &NewClassSurvey, audit: &AuditEntry) -> Result<i64> {
        if new.questions.is_empty() {
            return Err(StoreError::Config("Undersøgelsen har ingen spørgsmål.".into()));
        }
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            // A code no other survey has: 31⁶ codes, so a clash is rare and simply retried.
            let mut code;
            loop {
                code = {
                    let mut rng = rand::rng();
                    class_code(6, |n| rng.random_range(0..n))
                };
                let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM class_surveys WHERE code = $1")
                    .bind(&code)
                    .fetch_one(&mut *tx)
                    .await?;
                if taken == 0 {
                    break;
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO class_surveys (municipality_id, institution_id, class_id, title, max_choices, code, \
                 created_by, created_at) SELECT municipality_id, institution_id, id, $2, $3, $4, $5, $6 FROM classes \
                 WHERE id = $1 RETURNING id",
            )
            .bind(new.class_id)
            .bind(new.title.trim())
            .bind(new.max_choices as i32)
            .bind(&code)
            .bind(new.created_by)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            for (i, (kind, text)) in new.questions.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO class_survey_questions (survey_id, position, kind, question) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(i as i32 + 1)
                .bind(kind.id())
                .bind(text.trim())
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    async fn surveys_by(&self, by: By<'_>) -> Result<Vec<ClassSurvey>> {
        let (filter, id, code) = match by {
            By::Id(id) => ("s.id = $1", id, None),
            By::OpenCode(code) => ("s.code = $1 AND s.closed_at IS NULL", 0, Some(code.to_string())),
            By::Class(id) => ("s.class_id = $1", id, None),
        };
        let sql = format!("{SURVEY_SQL} WHERE {filter} ORDER BY s.created_at DESC, s.id DESC");
        let (rows, questions): (Vec<SurveyRow>, Vec<(i64, String, String)>) = with_pool!(self, |pool| {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            let query = match &code {
                Some(code) => query.bind(code.clone()),
                None => query.bind(id),
            };
            let rows = query.fetch_all(pool).await?;
            let ids: Vec<i64> = rows.iter().map(|r: &SurveyRow| r.0).collect();
            let mut questions = Vec::new();
            for sid in ids {
                let q: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT survey_id, kind, question FROM class_survey_questions WHERE survey_id = $1 ORDER BY position",
                )
                .bind(sid)
                .fetch_all(pool)
                .await?;
                questions.extend(q);
            }
            (rows, questions)
        });
        rows.into_iter()
            .map(|(id, m, inst, class, title, max, code, by, at, closed, responses)| {
                let questions = questions
                    .iter()
                    .filter(|q| q.0 == id)
                    .map(|(_, kind, text)| {
                        QuestionKind::from_id(kind).map(|k| (k, text.clone())).ok_or_else(|| {
                            StoreError::Db(sqlx::Error::Decode(format!("ukendt spørgsmålstype «{kind}»").into()))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(ClassSurvey {
                    id,
                    municipality_id: m,
                    institution_id: inst,
                    class_id: class,
                    title,
                    max_choices: max as usize,
                    code,
                    created_by_name: by,
                    created_at: at,
                    closed_at: closed,
                    questions,
                    responses: responses as usize,
                })
            })
            .collect()
    }

    pub async fn class_survey(&self, id: i64) -> Result<Option<ClassSurvey>> {
        Ok(self.surveys_by(By::Id(id)).await?.pop())
    }

    /// The open survey with this class code.
    pub async fn class_survey_by_code(&self, code: &str) -> Result<Option<ClassSurvey>> {
        Ok(self.surveys_by(By::OpenCode(code)).await?.pop())
    }

    /// The class's surveys, newest first.
    pub async fn class_surveys_of_class(&self, class_id: i64) -> Result<Vec<ClassSurvey>> {
        self.surveys_by(By::Class(class_id)).await
    }

    /// The children who have answered the survey.
    pub async fn survey_answered(&self, survey_id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT child_id FROM class_survey_responses WHERE survey_id = $1")
                .bind(survey_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Stores a pupil's response with its audit row. Refused (nothing written) if the survey is
    /// closed or the pupil has answered it already.
    pub async fn save_survey_response(&self, r: &NewResponse, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let open: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM class_surveys WHERE id = $1 AND closed_at IS NULL")
                    .bind(r.survey_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let answered: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM class_survey_responses WHERE survey_id = $1 AND child_id = $2",
            )
            .bind(r.survey_id)
            .bind(r.child_id)
            .fetch_one(&mut *tx)
            .await?;
            if open == 0 || answered > 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(if open == 0 {
                    "Undersøgelsen er lukket.".into()
                } else {
                    "Du har allerede svaret på undersøgelsen.".into()
                }));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO class_survey_responses (survey_id, child_id, via, answered_at) VALUES ($1, $2, $3, $4) \
                 RETURNING id",
            )
            .bind(r.survey_id)
            .bind(r.child_id)
            .bind(r.via.id())
            .bind(r.at)
            .fetch_one(&mut *tx)
            .await?;
            for (position, value) in &r.scale {
                sqlx::query("INSERT INTO class_survey_answers (response_id, position, value) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(*position as i32)
                    .bind(value.map(i32::from))
                    .execute(&mut *tx)
                    .await?;
            }
            for (position, chosen) in &r.choices {
                for c in chosen {
                    sqlx::query(
                        "INSERT INTO class_survey_choices (response_id, position, chosen_child_id) VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(*position as i32)
                    .bind(*c)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every response of the survey (for the staff with access to the class).
    pub async fn survey_responses(&self, survey_id: i64) -> Result<Vec<Response>> {
        let (children, scale, choices): (Vec<(i64, i64)>, Vec<ScaleRow>, Vec<ChoiceRow>) = with_pool!(self, |pool| {
            let children = sqlx::query_as("SELECT id, child_id FROM class_survey_responses WHERE survey_id = $1")
                .bind(survey_id)
                .fetch_all(pool)
                .await?;
            let scale = sqlx::query_as(
                "SELECT a.response_id, a.position, a.value FROM class_survey_answers a \
                     JOIN class_survey_responses r ON r.id = a.response_id WHERE r.survey_id = $1",
            )
            .bind(survey_id)
            .fetch_all(pool)
            .await?;
            let choices = sqlx::query_as(
                "SELECT c.response_id, c.position, c.chosen_child_id FROM class_survey_choices c \
                     JOIN class_survey_responses r ON r.id = c.response_id WHERE r.survey_id = $1",
            )
            .bind(survey_id)
            .fetch_all(pool)
            .await?;
            (children, scale, choices)
        });
        Ok(children
            .into_iter()
            .map(|(rid, child_id)| Response {
                child_id,
                scale: scale
                    .iter()
                    .filter(|a| a.0 == rid)
                    .map(|a| (a.1 as usize, a.2.map(|v| v as u8)))
                    .collect(),
                choices: choices
                    .iter()
                    .filter(|c| c.0 == rid)
                    .map(|c| (c.1 as usize, c.2))
                    .collect(),
            })
            .collect())
    }

    /// Closes the survey (the class code stops working), with its audit row.
    pub async fn close_class_survey(&self, survey_id: i64, at: DateTime<Utc>, audit: &AuditEntry) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let n = sqlx::query("UPDATE class_surveys SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
                .bind(survey_id)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            append_audit!(tx, audit);
            tx.commit().await?;
            n > 0
        }))
    }

    /// Marks a pupil of the class as focus pupil with the reason, with its audit row (once: a
    /// pupil marked already keeps the first reason). Returns whether it was new.
    pub async fn mark_focus_pupil(
        &self,
        class_id: i64,
        child_id: i64,
        reason: &str,
        by: i64,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let n = sqlx::query(
                "INSERT INTO focus_pupils (municipality_id, class_id, child_id, reason, marked_by, marked_at) \
                 SELECT municipality_id, id, $2, $3, $4, $5 FROM classes WHERE id = $1 AND NOT EXISTS \
                 (SELECT 1 FROM focus_pupils f WHERE f.class_id = $1 AND f.child_id = $2)",
            )
            .bind(class_id)
            .bind(child_id)
            .bind(reason)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            append_audit!(tx, audit);
            tx.commit().await?;
            n > 0
        }))
    }

    /// The class's focus pupils.
    pub async fn focus_pupils(&self, class_id: i64) -> Result<Vec<FocusPupil>> {
        let rows: Vec<(i64, String, DateTime<Utc>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT child_id, reason, marked_at FROM focus_pupils WHERE class_id = $1 ORDER BY marked_at",
            )
            .bind(class_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(child_id, reason, marked_at)| FocusPupil {
                child_id,
                reason,
                marked_at,
            })
            .collect())
    }
}
