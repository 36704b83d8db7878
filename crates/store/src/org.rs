//! Municipalities (kommuner), institutions (institutioner) and classes (klasser/grupper).

use chrono::NaiveDate;
use trivsel_domain::model::InstitutionKind;

use crate::{Result, Store, StoreError, with_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Institution {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: InstitutionKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub id: i64,
    pub institution_id: i64,
    pub name: String,
}

/// Aggregate figures for a municipality (no child data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overview {
    pub institutions: i64,
    pub classes: i64,
    pub children_enrolled: i64,
}

impl Store {
    /// Creates the municipality, or renames it if the code exists.
    pub async fn upsert_municipality(&self, code: &str, name: &str) -> Result<Municipality> {
        let id: i64 = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO municipalities (code, name) VALUES ($1, $2) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id",
            )
            .bind(code)
            .bind(name)
            .fetch_one(pool)
            .await?
        });
        Ok(Municipality {
            id,
            code: code.into(),
            name: name.into(),
        })
    }

    pub async fn municipalities(&self) -> Result<Vec<Municipality>> {
        let rows: Vec<(i64, String, String)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT id, code, name FROM municipalities ORDER BY code")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, code, name)| Municipality { id, code, name })
            .collect())
    }

    /// The municipality with `code`, or, without a code, the only one in the database.
    pub async fn find_municipality(&self, code: Option<&str>) -> Result<Municipality> {
        let all = self.municipalities().await?;
        match code {
            Some(code) => all.into_iter().find(|m| m.code == code).ok_or_else(|| {
                StoreError::Config(format!(
                    "kommunen «{code}» findes ikke; opret den med `trivsel municipality add {code} NAVN`"
                ))
            }),
            None => match all.len() {
                1 => Ok(all.into_iter().next().expect("one")),
                0 => Err(StoreError::Config(
                    "databasen har ingen kommune endnu; opret den med `trivsel municipality add KODE NAVN`".into(),
                )),
                _ => Err(StoreError::Config(
                    "databasen har flere kommuner; vælg én med --municipality KODE".into(),
                )),
            },
        }
    }

    /// The kind of an institution (school, daycare, …), if it exists.
    pub async fn institution_kind(&self, institution_id: i64) -> Result<Option<InstitutionKind>> {
        let kind: Option<String> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT kind FROM institutions WHERE id = $1")
                .bind(institution_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(kind.as_deref().and_then(InstitutionKind::from_id))
    }

    pub async fn institutions(&self, municipality_id: i64) -> Result<Vec<Institution>> {
        let rows: Vec<(i64, String, String, String)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT id, code, name, kind FROM institutions WHERE municipality_id = $1 ORDER BY code")
                .bind(municipality_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, code, name, kind)| Institution {
                id,
                code,
                name,
                kind: InstitutionKind::from_id(&kind).unwrap_or(InstitutionKind::School),
            })
            .collect())
    }

    pub async fn classes(&self, institution_id: i64) -> Result<Vec<Class>> {
        let rows: Vec<(i64, String)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT id, name FROM classes WHERE institution_id = $1 ORDER BY name")
                .bind(institution_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name)| Class {
                id,
                institution_id,
                name,
            })
            .collect())
    }

    /// Counts for the front page: institutions, classes, and children enrolled on `date`.
    pub async fn overview(&self, municipality_id: i64, date: NaiveDate) -> Result<Overview> {
        let (institutions, classes, children_enrolled): (i64, i64, i64) = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM institutions WHERE municipality_id = $1), \
                        (SELECT COUNT(*) FROM classes WHERE municipality_id = $1), \
                        (SELECT COUNT(DISTINCT child_id) FROM enrolments WHERE municipality_id = $1 \
                           AND enrolled_from <= $2 AND (enrolled_to IS NULL OR enrolled_to >= $2))",
            )
            .bind(municipality_id)
            .bind(date)
            .fetch_one(pool)
            .await?
        });
        Ok(Overview {
            institutions,
            classes,
            children_enrolled,
        })
    }

    /// The registrations the institution takes per pupil and school day (default 2).
    pub async fn registrations_per_day(&self, institution_id: i64) -> Result<u8> {
        let n: Option<i32> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT registrations_per_day FROM institutions WHERE id = $1")
                .bind(institution_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(n.and_then(|n| u8::try_from(n).ok())
            .unwrap_or(trivsel_domain::absence::DEFAULT_REGISTRATIONS_PER_DAY))
    }

    /// Sets the school's registrations per day (1–12), with its audit row.
    pub async fn set_registrations_per_day(
        &self,
        municipality_id: i64,
        code: &str,
        n: u8,
        audit: &crate::AuditEntry,
    ) -> Result<()> {
        if !(1..=12).contains(&n) {
            return Err(StoreError::Config(
                "Antal registreringer pr. dag skal være 1–12.".into(),
            ));
        }
        with_pool!(self, |pool| {
            let mut tx = crate::WriteTx::begin_write(pool, self).await?;
            let changed = sqlx::query(
                "UPDATE institutions SET registrations_per_day = $1 WHERE municipality_id = $2 AND code = $3",
            )
            .bind(i32::from(n))
            .bind(municipality_id)
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Config(format!("Institutionen «{code}» findes ikke.")));
            }
            crate::audit::append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
