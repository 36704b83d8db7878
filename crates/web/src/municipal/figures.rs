//! The overview's tables, built from the store's facts and the absence overview: per school,
//! compliance per institution, per daycare, alerts by rule and status, and month by month.
//! Every table is published through `Table::publish`, which suppresses small groups.

use std::collections::HashMap;

use chrono::NaiveDate;
use trivsel_domain::absence::overview::Summary;
use trivsel_domain::absence::{AlertCause, Rule};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::cases::Tier;
use trivsel_domain::deadlines::Month;
use trivsel_domain::model::InstitutionKind;
use trivsel_domain::municipal::{Cell, Compliance, DutyKind, Table};
use trivsel_store::{Institution, MunicipalFacts};

use crate::kit::{AppState, PageError};

/// The period the figures cover (within one school year) and the institution they are
/// limited to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: SchoolYear,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// School year `year` up to `today`.
    pub fn school_year(year: SchoolYear, today: NaiveDate) -> Period {
        Period {
            year,
            from: year.first_day(),
            to: year.last_day().min(today),
        }
    }

    /// `from..=to` clipped to today, in the school year of its last day.
    pub fn between(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Period {
        let to = to.min(today).max(from);
        Period {
            year: SchoolYear::of(to),
            from,
            to,
        }
    }

    fn months(self) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = Month::of(self.from);
        while m <= Month::of(self.to) {
            out.push(m);
            m = m.next();
        }
        out
    }
}

/// The tables the overview publishes, each with a file name for its downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableId {
    Schools,
    Compliance,
    Daycares,
    Alerts,
    Months,
}

impl TableId {
    pub const ALL: [TableId; 5] = [
        TableId::Schools,
        TableId::Compliance,
        TableId::Daycares,
        TableId::Alerts,
        TableId::Months,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            TableId::Schools => "skoler",
            TableId::Compliance => "rettidighed",
            TableId::Daycares => "dagtilbud",
            TableId::Alerts => "advarsler",
            TableId::Months => "maaneder",
        }
    }

    pub fn from_slug(slug: &str) -> Option<TableId> {
        TableId::ALL.into_iter().find(|t| t.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            TableId::Schools => "Skolerne: fravær, indsatstrin, planer og møder",
            TableId::Compliance => "Rettidighed",
            TableId::Daycares => "Dagtilbuddene",
            TableId::Alerts => "Fraværsadvarsler efter regel og status",
            TableId::Months => "Måned for måned",
        }
    }
}

/// Everything the tables are built from.
pub struct Figures {
    pub period: Period,
    pub institutions: Vec<Institution>,
    /// Only this institution's figures, if set.
    pub only: Option<i64>,
    facts: MunicipalFacts,
    /// Each school's pupils (enrolled on the period's last day) summed.
    absence: HashMap<i64, Summary>,
    /// A duty of a past period still counts as overdue from its deadline to today.
    today: NaiveDate,
}

impl Figures {
    pub async fn load(
        state: &AppState,
        municipality_id: i64,
        period: Period,
        only: Option<i64>,
    ) -> Result<Figures, PageError> {
        let institutions = state.store.institutions(municipality_id).await?;
        let facts = state
            .store
            .municipal_facts(municipality_id, period.from, period.to)
            .await?;
        let today = crate::kit::clock::today();
        let absence = state
            .store
            .with_school_year_overview(municipality_id, period.year, today, |o| {
                o.summed_by_school(period.to.min(o.today))
            })
            .await?;
        Ok(Figures {
            period,
            institutions,
            only,
            facts,
            absence,
            today,
        })
    }

    fn shown(&self, kind: InstitutionKind) -> Vec<&Institution> {
        self.institutions
            .iter()
            .filter(|i| i.kind == kind && self.only.is_none_or(|o| o == i.id))
            .collect()
    }

    fn in_scope(&self, institution: Option<i64>) -> bool {
        self.only.is_none() || institution == self.only
    }

    /// A total row only when the table has several rows to add up.
    fn with_total(&self, columns: Vec<&'static str>, rows: Vec<(String, Vec<Cell>)>) -> Table {
        let total = self.only.is_none().then(|| ("Kommunen".to_string(), sum_rows(&rows)));
        Table { columns, rows, total }
    }

    fn tier(&self, institution: i64, tier: Tier) -> Cell {
        Cell::Children(self.facts.tiers.get(&(institution, tier)).copied().unwrap_or(0))
    }

    fn open_plans(&self, institution: Option<i64>, on: NaiveDate) -> u64 {
        let plans = self.facts.plans.iter();
        plans
            .filter(|p| institution.is_none_or(|i| i == p.institution_id) && self.in_scope(Some(p.institution_id)))
            .filter(|p| p.open_on(on))
            .count() as u64
    }

    fn held(&self, institution: i64, month: Option<Month>) -> u64 {
        let held = self.facts.meetings_held.iter();
        held.filter(|(i, on)| *i == institution && month.is_none_or(|m| Month::of(*on) == m))
            .count() as u64
    }

    fn absence_of(&self, institution: i64) -> Option<&Summary> {
        self.absence.get(&institution)
    }

    fn rates(&self, summary: Option<&Summary>, months: (Month, Month)) -> [Cell; 4] {
        let pupils = summary.map_or(0, |s| s.pupils as u64);
        let (s, l, u, total) = summary.map_or((0.0, 0.0, 0.0, 0.0), |s| s.months(months.0, months.1).split());
        [total, s, l, u].map(|percent| Cell::Rate { percent, group: pupils })
    }

    pub fn table(&self, id: TableId) -> Table {
        match id {
            TableId::Schools => self.schools(),
            TableId::Compliance => self.compliance(),
            TableId::Daycares => self.daycares(),
            TableId::Alerts => self.alerts(),
            TableId::Months => self.months(),
        }
    }

    fn schools(&self) -> Table {
        let span = (Month::of(self.period.from), Month::of(self.period.to));
        let rows = self
            .shown(InstitutionKind::School)
            .into_iter()
            .map(|inst| {
                let summary = self.absence_of(inst.id);
                let mut cells = vec![Cell::Children(summary.map_or(0, |s| s.pupils as u64))];
                cells.extend(self.rates(summary, span));
                cells.extend(Tier::ALL.iter().map(|t| self.tier(inst.id, *t)));
                cells.push(Cell::Children(self.open_plans(Some(inst.id), self.period.to)));
                cells.push(Cell::Children(self.held(inst.id, None)));
                let alerts = self.facts.alerts.iter().filter(|a| a.institution_id == Some(inst.id));
                cells.push(Cell::Children(alerts.map(|a| a.count).sum()));
                (inst.name.clone(), cells)
            })
            .collect();
        let mut table = self.with_total(
            vec![
                "Elever",
                "Fravær i alt",
                "Syg",
                "Lovligt",
                "Ulovligt",
                "Forebyggende",
                "Foregribende",
                "Indgribende",
                "Åbne planer",
                "Møder holdt",
                "Advarsler",
            ],
            rows,
        );
        // The municipality's absence is its pupils' days summed, not the rows' rates added.
        if let Some((_, total)) = &mut table.total {
            let rates = self.rates(self.scope_absence().as_ref(), span);
            total[1..5].copy_from_slice(&rates);
        }
        table
    }

    fn compliance_of(&self, institution: Option<i64>, month: Option<Month>) -> Compliance {
        let mut c = Compliance::default();
        let duties = self.facts.duties.iter();
        for d in duties
            .filter(|d| institution.is_none_or(|i| i == d.institution_id) && self.in_scope(Some(d.institution_id)))
        {
            if month.is_none_or(|m| Month::of(d.due) == m) {
                c.add(d, self.today);
            }
        }
        c
    }

    fn compliance_cells(c: &Compliance) -> Vec<Cell> {
        DutyKind::ALL
            .iter()
            .map(|k| {
                if k.about_children() {
                    Cell::Share(c.get(*k))
                } else {
                    Cell::ShareOfCount(c.get(*k))
                }
            })
            .collect()
    }

    fn compliance(&self) -> Table {
        let mut institutions = self.shown(InstitutionKind::School);
        institutions.extend(self.shown(InstitutionKind::Daycare));
        let rows = institutions
            .into_iter()
            .map(|inst| {
                (
                    inst.name.clone(),
                    Self::compliance_cells(&self.compliance_of(Some(inst.id), None)),
                )
            })
            .collect();
        self.with_total(DutyKind::ALL.iter().map(|k| k.navn()).collect(), rows)
    }

    fn daycares(&self) -> Table {
        let rows = self
            .shown(InstitutionKind::Daycare)
            .into_iter()
            .map(|inst| {
                let mut cells = vec![Cell::Children(self.facts.enrolled.get(&inst.id).copied().unwrap_or(0))];
                cells.extend(Tier::ALL.iter().map(|t| self.tier(inst.id, *t)));
                cells.push(Cell::Children(self.open_plans(Some(inst.id), self.period.to)));
                cells.push(Cell::Children(self.held(inst.id, None)));
                let moved = self.facts.transitions.iter().filter(|(i, _)| *i == inst.id).count();
                cells.push(Cell::Children(moved as u64));
                (inst.name.clone(), cells)
            })
            .collect();
        self.with_total(
            vec![
                "Børn",
                "Forebyggende",
                "Foregribende",
                "Indgribende",
                "Åbne planer",
                "Møder holdt",
                "Overgange",
            ],
            rows,
        )
    }

    fn alerts(&self) -> Table {
        let causes = Rule::ALL
            .iter()
            .map(|r| AlertCause::Rule(*r))
            .chain([AlertCause::WorryingReason]);
        let rows: Vec<(String, Vec<Cell>)> = causes
            .map(|cause| {
                let of_cause: Vec<_> = self
                    .facts
                    .alerts
                    .iter()
                    .filter(|a| a.cause == cause.id() && self.in_scope(a.institution_id))
                    .collect();
                let cells = ["open", "closed", "withdrawn"]
                    .map(|s| Cell::Children(of_cause.iter().filter(|a| a.status == s).map(|a| a.count).sum()));
                (cause.navn().to_string(), cells.to_vec())
            })
            .collect();
        let total = sum_rows(&rows);
        Table {
            columns: vec!["Åbne", "Lukkede", "Trukket tilbage"],
            rows,
            total: Some(("I alt".into(), total)),
        }
    }

    /// The scope's absence: the shown schools' pupils summed.
    fn scope_absence(&self) -> Option<Summary> {
        let mut all: Option<Summary> = None;
        for inst in self.shown(InstitutionKind::School) {
            if let Some(s) = self.absence_of(inst.id) {
                all.get_or_insert_with(|| Summary::new(self.period.year.first_day()))
                    .add(s);
            }
        }
        all
    }

    fn months(&self) -> Table {
        let absence = self.scope_absence();
        let institutions: Vec<i64> = self
            .institutions
            .iter()
            .filter(|i| self.in_scope(Some(i.id)))
            .map(|i| i.id)
            .collect();
        let row = |span: (Month, Month), month: Option<Month>, plans_on: NaiveDate| {
            let mut cells = vec![self.rates(absence.as_ref(), span)[0]];
            let alerts = self.facts.alerts.iter().filter(|a| self.in_scope(a.institution_id));
            cells.push(Cell::Children(
                alerts
                    .filter(|a| month.is_none_or(|m| a.month == m))
                    .map(|a| a.count)
                    .sum(),
            ));
            cells.push(Cell::Children(institutions.iter().map(|i| self.held(*i, month)).sum()));
            cells.push(Cell::Children(self.open_plans(None, plans_on)));
            cells.extend(Self::compliance_cells(&self.compliance_of(None, month)));
            cells
        };
        let rows = self
            .period
            .months()
            .into_iter()
            .map(|m| {
                let last = m.next().first_day().pred_opt().expect("valid date").min(self.period.to);
                (m.navn(), row((m, m), Some(m), last))
            })
            .collect();
        let span = (Month::of(self.period.from), Month::of(self.period.to));
        let mut columns = vec![
            "Fravær i alt",
            "Nye advarsler",
            "Møder holdt",
            "Åbne planer ved månedens udgang",
        ];
        columns.extend(DutyKind::ALL.iter().map(|k| k.navn()));
        Table {
            columns,
            rows,
            total: Some(("Hele perioden".into(), row(span, None, self.period.to))),
        }
    }
}

/// The rows' cells added column by column (rates and shares are replaced by the caller where
/// adding them is wrong).
fn sum_rows(rows: &[(String, Vec<Cell>)]) -> Vec<Cell> {
    let width = rows.first().map_or(0, |(_, c)| c.len());
    (0..width)
        .map(|col| {
            rows.iter()
                .fold(None, |acc: Option<Cell>, (_, cells)| {
                    let c = cells[col];
                    Some(match (acc, c) {
                        (None, c) => c,
                        (Some(Cell::Children(a)), Cell::Children(b)) => Cell::Children(a + b),
                        (Some(Cell::Count(a)), Cell::Count(b)) => Cell::Count(a + b),
                        (Some(Cell::Share(a)), Cell::Share(b)) => Cell::Share(add(a, b)),
                        (Some(Cell::ShareOfCount(a)), Cell::ShareOfCount(b)) => Cell::ShareOfCount(add(a, b)),
                        (Some(Cell::Rate { group: a, .. }), Cell::Rate { group: b, .. }) => Cell::Rate {
                            percent: 0.0,
                            group: a + b,
                        },
                        (Some(a), _) => a,
                    })
                })
                .unwrap_or(Cell::Children(0))
        })
        .collect()
}

fn add(
    a: trivsel_domain::meetings::InTimeShare,
    b: trivsel_domain::meetings::InTimeShare,
) -> trivsel_domain::meetings::InTimeShare {
    trivsel_domain::meetings::InTimeShare {
        in_time: a.in_time + b.in_time,
        counted: a.counted + b.counted,
    }
}
