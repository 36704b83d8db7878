//! Reading children (børn), their placements and classes, for pages that show them. Every
//! caller checks access with `trivsel_domain::access::can` first, using `child_context`.

use chrono::NaiveDate;
use trivsel_domain::access::ChildContext;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::model::InstitutionKind;

use crate::{Result, Store, with_pool};

/// One enrolment as shown on a child's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub institution_name: String,
    pub kind: InstitutionKind,
    pub class_id: i64,
    pub class_name: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildCard {
    pub id: i64,
    pub municipality_id: i64,
    pub source_id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    /// Newest first.
    pub placements: Vec<Placement>,
    /// (name, custody)
    pub guardians: Vec<(String, bool)>,
}

impl ChildCard {
    /// Whether the child has ever been at a school (then the school-day pages apply: absence,
    /// PKU); a child only ever in daycare has none of them.
    pub fn at_school(&self) -> bool {
        self.placements.iter().any(|p| p.kind.has_school_days())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassCard {
    pub id: i64,
    pub municipality_id: i64,
    pub institution_id: i64,
    pub institution_name: String,
    /// The institution's kind: a daycare's «class» is a group (stue).
    pub kind: InstitutionKind,
    pub name: String,
}

/// A child in a class list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilRow {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
}

const CLASS_COLUMNS: &str = "c.id, c.municipality_id, c.institution_id, i.name, i.kind, c.name";

impl Store {
    /// Where the child is enrolled on `date`, for the access policy. `None` if no such child.
    pub async fn child_context(&self, child_id: i64, date: NaiveDate) -> Result<Option<ChildContext>> {
        let municipality: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT municipality_id FROM children WHERE id = $1")
                .bind(child_id)
                .fetch_optional(pool)
                .await?
        });
        let Some(municipality_id) = municipality else {
            return Ok(None);
        };
        let rows: Vec<(i64, i64)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT c.institution_id, c.id FROM enrolments e JOIN classes c ON c.id = e.class_id \
                 WHERE e.child_id = $1 AND e.enrolled_from <= $2 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2)",
            )
            .bind(child_id)
            .bind(date)
            .fetch_all(pool)
            .await?
        });
        let left: Vec<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT DISTINCT c.institution_id FROM enrolments e JOIN classes c ON c.id = e.class_id \
                 WHERE e.child_id = $1 AND e.enrolled_to IS NOT NULL AND e.enrolled_to < $2",
            )
            .bind(child_id)
            .bind(date)
            .fetch_all(pool)
            .await?
        });
        let institution_ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        Ok(Some(ChildContext {
            child_id,
            municipality_id,
            former_institution_ids: left.into_iter().filter(|i| !institution_ids.contains(i)).collect(),
            institution_ids,
            class_ids: rows.iter().map(|r| r.1).collect(),
        }))
    }

    pub async fn child_card(&self, child: ChildGrant) -> Result<Option<ChildCard>> {
        let child_id = child.child_id();
        let row: Option<(i64, i64, String, String, String, NaiveDate)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, municipality_id, source_id, given_name, family_name, birth_date FROM children WHERE id = $1",
            )
            .bind(child_id)
            .fetch_optional(pool)
            .await?
        });
        let Some((id, municipality_id, source_id, given_name, family_name, birth_date)) = row else {
            return Ok(None);
        };
        let (placements, guardians) = with_pool!(self, |pool| {
            type PlacementRow = (String, String, i64, String, NaiveDate, Option<NaiveDate>);
            let placements: Vec<PlacementRow> = sqlx::query_as(
                "SELECT i.name, i.kind, c.id, c.name, e.enrolled_from, e.enrolled_to FROM enrolments e \
                 JOIN classes c ON c.id = e.class_id JOIN institutions i ON i.id = c.institution_id \
                 WHERE e.child_id = $1 ORDER BY e.enrolled_from DESC",
            )
            .bind(child_id)
            .fetch_all(pool)
            .await?;
            let guardians: Vec<(String, bool)> = sqlx::query_as(
                "SELECT g.name, gs.custody FROM guardianships gs JOIN guardians g ON g.id = gs.guardian_id \
                 WHERE gs.child_id = $1 ORDER BY g.name",
            )
            .bind(child_id)
            .fetch_all(pool)
            .await?;
            (placements, guardians)
        });
        Ok(Some(ChildCard {
            id,
            municipality_id,
            source_id,
            given_name,
            family_name,
            birth_date,
            placements: placements
                .into_iter()
                .map(|(institution_name, kind, class_id, class_name, from, to)| Placement {
                    institution_name,
                    kind: kind_of(&kind),
                    class_id,
                    class_name,
                    from,
                    to,
                })
                .collect(),
            guardians,
        }))
    }

    pub async fn class_card(&self, class_id: i64) -> Result<Option<ClassCard>> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM classes c JOIN institutions i ON i.id = c.institution_id WHERE c.id = $1"
        );
        let row: Option<ClassRow> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(class_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(class_card))
    }

    /// Classes by id, or every class of an institution, sorted by institution and name.
    pub async fn class_cards(&self, class_ids: &[i64], institution_id: Option<i64>) -> Result<Vec<ClassCard>> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM classes c JOIN institutions i ON i.id = c.institution_id \
             WHERE c.institution_id = $1 ORDER BY i.name, c.name"
        );
        let mut cards = Vec::new();
        if let Some(institution_id) = institution_id {
            let rows: Vec<ClassRow> = with_pool!(self, |pool| {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(institution_id)
                    .fetch_all(pool)
                    .await?
            });
            cards.extend(rows.into_iter().map(class_card));
        }
        for id in class_ids {
            if !cards.iter().any(|c| c.id == *id)
                && let Some(card) = self.class_card(*id).await?
            {
                cards.push(card);
            }
        }
        Ok(cards)
    }

    /// Children enrolled in the class on `date`, by name.
    pub async fn class_pupils(&self, class_id: i64, date: NaiveDate) -> Result<Vec<PupilRow>> {
        let rows: Vec<(i64, String, String, NaiveDate)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT ch.id, ch.given_name, ch.family_name, ch.birth_date FROM enrolments e \
                 JOIN children ch ON ch.id = e.child_id WHERE e.class_id = $1 \
                 AND e.enrolled_from <= $2 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2) \
                 ORDER BY ch.given_name, ch.family_name, ch.id",
            )
            .bind(class_id)
            .bind(date)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, given_name, family_name, birth_date)| PupilRow {
                id,
                given_name,
                family_name,
                birth_date,
            })
            .collect())
    }

    /// Children enrolled at the institution at some time from `from` to `to`.
    pub async fn enrolled_between(&self, institution_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<i64>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT DISTINCT e.child_id FROM enrolments e JOIN classes c ON c.id = e.class_id \
                 WHERE c.institution_id = $1 AND e.enrolled_from <= $3 \
                 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2) ORDER BY e.child_id",
            )
            .bind(institution_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }
}

/// id, municipality, institution, institution name, kind, name.
type ClassRow = (i64, i64, i64, String, String, String);

fn class_card((id, municipality_id, institution_id, institution_name, kind, name): ClassRow) -> ClassCard {
    ClassCard {
        id,
        municipality_id,
        institution_id,
        institution_name,
        kind: kind_of(&kind),
        name,
    }
}

/// A stored institution kind; anything unknown is read as a school.
fn kind_of(id: &str) -> InstitutionKind {
    InstitutionKind::from_id(id).unwrap_or(InstitutionKind::School)
}
