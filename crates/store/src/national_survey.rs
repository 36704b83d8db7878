//! Den nationale trivselsmåling (`trivsel_domain::surveys::national`): the published results
//! and the pupils' indicator scores, each import's rows written in one transaction with its
//! audit row; the reads the overview pages aggregate.

use trivsel_domain::surveys::national::Indicator;

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// A published figure: a school, school year, grade group and indicator; `value` is `None`
/// where the cell was suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResult {
    pub institution_id: i64,
    pub school_year: i32,
    pub grade_group: String,
    pub indicator: Indicator,
    pub value: Option<f64>,
    pub respondents: Option<i64>,
}

/// A pupil's indicator score for a school year, with the class the pupil was in.
#[derive(Debug, Clone, PartialEq)]
pub struct PupilScore {
    pub child_id: i64,
    pub institution_id: i64,
    pub class_id: i64,
    pub school_year: i32,
    pub indicator: Indicator,
    pub score: f64,
}

/// (institution, school year, grade group, indicator, value, respondents)
type ResultRow = (i64, i32, String, String, Option<f64>, Option<i64>);

fn indicator(id: &str) -> Result<Indicator> {
    Indicator::parse(id).ok_or_else(|| StoreError::Db(sqlx::Error::Decode(format!("ukendt indikator «{id}»").into())))
}

impl Store {
    /// Stores published results (a figure already stored for the same school, year, grade group
    /// and indicator is replaced), with the audit row, in one transaction.
    pub async fn store_survey_results(
        &self,
        municipality_id: i64,
        rows: &[SurveyResult],
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            for r in rows {
                sqlx::query(
                    "INSERT INTO survey_results (municipality_id, institution_id, school_year, grade_group, indicator, \
                     value, respondents) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (institution_id, school_year, grade_group, indicator) \
                     DO UPDATE SET value = excluded.value, respondents = excluded.respondents",
                )
                .bind(municipality_id)
                .bind(r.institution_id)
                .bind(r.school_year)
                .bind(&r.grade_group)
                .bind(r.indicator.id())
                .bind(r.value)
                .bind(r.respondents)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores pupils' scores: each pupil's scores for a school year in the file replace those
    /// stored before for that year; with the audit row, in one transaction.
    pub async fn store_pupil_scores(
        &self,
        municipality_id: i64,
        scores: &[PupilScore],
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut pupils: Vec<(i64, i32)> = scores.iter().map(|s| (s.child_id, s.school_year)).collect();
        pupils.sort_unstable();
        pupils.dedup();
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            for (child, year) in &pupils {
                sqlx::query("DELETE FROM survey_pupil_scores WHERE child_id = $1 AND school_year = $2")
                    .bind(*child)
                    .bind(*year)
                    .execute(&mut *tx)
                    .await?;
            }
            for s in scores {
                sqlx::query(
                    "INSERT INTO survey_pupil_scores (municipality_id, institution_id, class_id, child_id, school_year, \
                     indicator, score) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(municipality_id)
                .bind(s.institution_id)
                .bind(s.class_id)
                .bind(s.child_id)
                .bind(s.school_year)
                .bind(s.indicator.id())
                .bind(s.score)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The published results of the institutions, by school, year, grade group, indicator.
    pub async fn survey_results(&self, institution_ids: &[i64]) -> Result<Vec<SurveyResult>> {
        let mut out = Vec::new();
        for id in institution_ids {
            let rows: Vec<ResultRow> = with_pool!(self, |pool| {
                sqlx::query_as(
                    "SELECT institution_id, school_year, grade_group, indicator, value, respondents FROM survey_results \
                     WHERE institution_id = $1 ORDER BY school_year, grade_group, indicator",
                )
                .bind(*id)
                .fetch_all(pool)
                .await?
            });
            for (institution_id, school_year, grade_group, ind, value, respondents) in rows {
                out.push(SurveyResult {
                    institution_id,
                    school_year,
                    grade_group,
                    indicator: indicator(&ind)?,
                    value,
                    respondents,
                });
            }
        }
        Ok(out)
    }

    /// The pupils' scores at an institution, every year (for aggregates only: the pages never
    /// show one pupil's score).
    pub async fn pupil_scores_of_institution(&self, institution_id: i64) -> Result<Vec<PupilScore>> {
        let rows: Vec<(i64, i64, i64, i32, String, f64)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT child_id, institution_id, class_id, school_year, indicator, score FROM survey_pupil_scores \
                 WHERE institution_id = $1",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(child_id, institution_id, class_id, school_year, ind, score)| {
                Ok(PupilScore {
                    child_id,
                    institution_id,
                    class_id,
                    school_year,
                    indicator: indicator(&ind)?,
                    score,
                })
            })
            .collect()
    }
}
