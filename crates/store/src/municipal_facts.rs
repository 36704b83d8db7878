//! The facts behind the municipal overview (kommunalt overblik): per institution, the
//! children enrolled and their tiers on a day, and the alerts, plans, meetings, transitions
//! and duties of a period. Rows are counted here, never a child's name or text; the web
//! layer turns them into suppressed tables (`trivsel_domain::municipal`).

use std::collections::HashMap;

use chrono::{DateTime, Local, NaiveDate, NaiveTime, Utc};
use trivsel_domain::cases::Tier;
use trivsel_domain::deadlines::Month;
use trivsel_domain::meetings::MeetingKind;
use trivsel_domain::municipal::Duty;

use crate::{Backend, Result, Store, with_pool};

/// The alerts of one institution, month, cause and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFact {
    pub institution_id: Option<i64>,
    /// The month the alerts were triggered in.
    pub month: Month,
    /// `AlertCause::id`.
    pub cause: String,
    /// open, closed or withdrawn.
    pub status: String,
    pub count: u64,
}

/// A child's plan: open from `created` until `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanFact {
    pub institution_id: i64,
    pub created: NaiveDate,
    pub closed: Option<NaiveDate>,
}

impl PlanFact {
    /// Open at the end of `on`.
    pub fn open_on(&self, on: NaiveDate) -> bool {
        self.created <= on && self.closed.is_none_or(|c| c > on)
    }
}

/// Everything the overview counts for one municipality and period.
#[derive(Debug, Clone, Default)]
pub struct MunicipalFacts {
    /// Children enrolled on the last day, per institution other than a school.
    pub enrolled: HashMap<i64, u64>,
    /// Children by their tier in force on the last day, per (institution, tier).
    pub tiers: HashMap<(i64, Tier), u64>,
    /// Alerts triggered in the period, counted by month.
    pub alerts: Vec<AlertFact>,
    /// Children's plans open at some time in the period.
    pub plans: Vec<PlanFact>,
    /// Meetings held in the period: (institution, held on).
    pub meetings_held: Vec<(i64, NaiveDate)>,
    /// Hand-overs to another institution starting in the period: (from institution, starts).
    pub transitions: Vec<(i64, NaiveDate)>,
    /// Duties whose deadline falls in the period.
    pub duties: Vec<Duty>,
}

fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Local).date_naive()
}

/// The first instant after the local day `on`, in UTC.
fn end_of(on: NaiveDate) -> DateTime<Utc> {
    let next = on.succ_opt().unwrap_or(on).and_time(NaiveTime::MIN);
    next.and_local_timezone(Local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| next.and_utc())
}

type Counted = (i64, i64);
type TierRow = (i64, String, i64);
type AlertRow = (Option<i64>, String, String, String, i64);
type PlanRow = (i64, DateTime<Utc>, Option<DateTime<Utc>>);
type DatedRow = (i64, NaiveDate, Option<NaiveDate>);
type TaskRow = (i64, NaiveDate, Option<DateTime<Utc>>);
type ReceiptRow = (i64, NaiveDate, Option<NaiveDate>, Option<DateTime<Utc>>);
type ReviewRow = (i64, String, DateTime<Utc>);

impl Store {
    /// The facts of municipality `municipality_id` from `from` to `to` (both included; `to`
    /// no later than today, so that a duty still within its deadline is not counted late).
    pub async fn municipal_facts(
        &self,
        municipality_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<MunicipalFacts> {
        let m = municipality_id;
        let (start, end) = (end_of(from.pred_opt().unwrap_or(from)), end_of(to));
        let in_period = |d: NaiveDate| from <= d && d <= to;
        let month = match self.backend() {
            Backend::Sqlite => "substr(trigger_date, 1, 7)",
            Backend::Postgres => "to_char(trigger_date, 'YYYY-MM')",
        };
        let mut facts = MunicipalFacts::default();
        with_pool!(self, |pool| {
            // Schools' pupils are counted from the absence overview; this counts the rest.
            let enrolled: Vec<Counted> = sqlx::query_as(
                "SELECT c.institution_id, COUNT(DISTINCT e.child_id) FROM institutions i \
                 JOIN classes c ON c.institution_id = i.id JOIN enrolments e ON e.class_id = c.id \
                 WHERE i.municipality_id = $1 AND i.kind <> 'school' AND e.enrolled_from <= $2 \
                 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2) GROUP BY c.institution_id",
            )
            .bind(m)
            .bind(to)
            .fetch_all(pool)
            .await?;
            facts.enrolled = enrolled.into_iter().map(|(i, n)| (i, n as u64)).collect();

            // Each child's latest tier change by the end of the period, at the institution
            // the child is enrolled at on its last day.
            let tiers: Vec<TierRow> = sqlx::query_as(
                "SELECT c.institution_id, t.tier, COUNT(DISTINCT t.child_id) FROM \
                 (SELECT child_id, tier, ROW_NUMBER() OVER (PARTITION BY child_id ORDER BY changed_at DESC, id DESC) AS n \
                  FROM tier_changes WHERE municipality_id = $1 AND child_id IS NOT NULL AND changed_at < $3) t \
                 JOIN enrolments e ON e.child_id = t.child_id AND e.enrolled_from <= $2 \
                  AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2) \
                 JOIN classes c ON c.id = e.class_id WHERE t.n = 1 GROUP BY c.institution_id, t.tier",
            )
            .bind(m)
            .bind(to)
            .bind(end)
            .fetch_all(pool)
            .await?;
            for (institution, tier, n) in tiers {
                if let Some(tier) = Tier::from_id(&tier) {
                    *facts.tiers.entry((institution, tier)).or_default() += n as u64;
                }
            }

            // Counted in the database: a large municipality has tens of thousands a year.
            // `month` is one of two constant expressions.
            let alerts: Vec<AlertRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT institution_id, {month} AS month, rule, status, COUNT(*) FROM absence_alerts \
                 WHERE municipality_id = $1 AND trigger_date >= $2 AND trigger_date <= $3 \
                 GROUP BY institution_id, {month}, rule, status"
            )))
            .bind(m)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            facts.alerts = alerts
                .into_iter()
                .filter_map(|(institution_id, month, cause, status, count)| {
                    Some(AlertFact {
                        institution_id,
                        month: Month::parse(&month)?,
                        cause,
                        status,
                        count: count as u64,
                    })
                })
                .collect();

            let plans: Vec<PlanRow> = sqlx::query_as(
                "SELECT institution_id, created_at, closed_at FROM plans WHERE municipality_id = $1 \
                 AND child_id IS NOT NULL AND created_at < $3 AND (closed_at IS NULL OR closed_at >= $2)",
            )
            .bind(m)
            .bind(start)
            .bind(end)
            .fetch_all(pool)
            .await?;
            facts.plans = plans
                .into_iter()
                .map(|(institution_id, created, closed)| PlanFact {
                    institution_id,
                    created: local_day(created),
                    closed: closed.map(local_day),
                })
                .collect();

            let held: Vec<(i64, NaiveDate)> = sqlx::query_as(
                "SELECT institution_id, held_on FROM meetings WHERE municipality_id = $1 \
                 AND held_on >= $2 AND held_on <= $3",
            )
            .bind(m)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            facts.meetings_held = held;

            let transitions: Vec<(i64, NaiveDate)> = sqlx::query_as(
                "SELECT from_institution_id, starts_on FROM handovers WHERE municipality_id = $1 \
                 AND starts_on >= $2 AND starts_on <= $3",
            )
            .bind(m)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            facts.transitions = transitions;

            // Duties: the deadline decides the period, so rows are read a little wider and
            // filtered by deadline below.
            let samraad: Vec<DatedRow> = sqlx::query_as(
                "SELECT institution_id, convened_on, held_on FROM meetings WHERE municipality_id = $1 AND kind = $2",
            )
            .bind(m)
            .bind(MeetingKind::AbsenceCouncil.id())
            .fetch_all(pool)
            .await?;
            facts.duties.extend(
                samraad
                    .into_iter()
                    .map(|(i, convened, held)| Duty::samraad(i, convened, held)),
            );
            let bullying: Vec<DatedRow> = sqlx::query_as(
                "SELECT institution_id, learned_on, plan_on FROM bullying_reports WHERE municipality_id = $1",
            )
            .bind(m)
            .fetch_all(pool)
            .await?;
            facts.duties.extend(
                bullying
                    .into_iter()
                    .map(|(i, learned, plan)| Duty::bullying_plan(i, learned, plan)),
            );
            let evaluations: Vec<TaskRow> = sqlx::query_as(
                "SELECT institution_id, due_date, done_at FROM tasks WHERE municipality_id = $1 \
                 AND kind = 'evaluering' AND due_date >= $2 AND due_date <= $3",
            )
            .bind(m)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            facts.duties.extend(
                evaluations
                    .into_iter()
                    .map(|(i, due, done)| Duty::plan_evaluation(i, due, done.map(local_day))),
            );
            let receipts: Vec<ReceiptRow> = sqlx::query_as(
                "SELECT n.institution_id, n.sent_on, n.receipt_on, t.done_at FROM underretninger n \
                 LEFT JOIN tasks t ON t.id = n.receipt_task_id WHERE n.municipality_id = $1",
            )
            .bind(m)
            .fetch_all(pool)
            .await?;
            facts
                .duties
                .extend(receipts.into_iter().map(|(i, sent, receipt, task_done)| {
                    let followed_up = match (receipt, task_done.map(local_day)) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    Duty::receipt(i, sent, followed_up)
                }));

            // The monthly review: every school class with pupils in a month of the school
            // year (August to June) owes one, due by the end of the next month, so the month
            // before the period can fall due in it.
            let first_month = Month::of(Month::of(from).first_day().pred_opt().unwrap_or(from));
            let classes: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT c.id, c.institution_id FROM classes c JOIN institutions i ON i.id = c.institution_id \
                 WHERE c.municipality_id = $1 AND i.kind = 'school' AND EXISTS (SELECT 1 FROM enrolments e \
                 WHERE e.class_id = c.id AND e.enrolled_from <= $3 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2))",
            )
            .bind(m)
            .bind(first_month.first_day())
            .bind(to)
            .fetch_all(pool)
            .await?;
            let reviews: Vec<ReviewRow> = sqlx::query_as(
                "SELECT class_id, month, reviewed_at FROM absence_reviews WHERE municipality_id = $1 \
                 AND month >= $2 AND month <= $3",
            )
            .bind(m)
            .bind(first_month.id())
            .bind(Month::of(to).id())
            .fetch_all(pool)
            .await?;
            let reviewed: HashMap<(i64, String), NaiveDate> = reviews
                .into_iter()
                .map(|(class, month, at)| ((class, month), local_day(at)))
                .collect();
            let mut month = first_month;
            while month <= Month::of(to) {
                if month.month != 7 {
                    for (class, institution) in &classes {
                        let done = reviewed.get(&(*class, month.id())).copied();
                        facts.duties.push(Duty::monthly_review(*institution, month, done));
                    }
                }
                month = month.next();
            }
        });
        facts.duties.retain(|d| in_period(d.due));
        Ok(facts)
    }
}
