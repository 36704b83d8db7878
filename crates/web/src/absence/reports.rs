//! Indberetning af ulovligt fravær: the school's leadership submits the quarter's 15 % list to
//! the municipality; the municipality's absence caseworker (fraværssagsbehandler) acknowledges
//! it, records the hearing of the parents (and of a child from 12) and decides per pupil on the
//! child benefit. Overdue submissions and unacknowledged lists are shown to both sides. The
//! rules and deadlines are `trivsel_domain::absence::report`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::absence::Quarter;
use trivsel_domain::absence::report::{
    BenefitDecision, acknowledge_deadline, age_on, check_decision, child_is_heard, may_submit, quarter_due,
    submission_deadline,
};
use trivsel_domain::access::{Action, Resource, can};
use trivsel_store::{AbsenceReport, NewAbsenceReport, ReportPupilUpdate, StoreError};

use crate::kit::access::{
    Ask, Granted, add_criterion, audit_shown, authorize_own_institution, authorize_resource, entry,
};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, check_past_date, check_text, error, error_summary, inline_error, invalid};
use crate::kit::format::{format_date, format_time, quarter, share_percent};
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const DENIED_SCHOOL: &str = "Indberetningen til kommunen er for skolens ledelse og trivselsperson.";
const DENIED_MUNICIPAL: &str = "Indberetningerne er for kommunens fraværssagsbehandlere. Forsøget er registreret.";
const LIST: &str = "/fravaer/indberetninger";

fn reports_resource(viewer: &Viewer) -> Resource<'static> {
    Resource::AbsenceReports {
        municipality_id: viewer.user.municipality_id,
    }
}

/// The pupils of the school at or above 15 % in the quarter, with their shares.
async fn listed(state: &AppState, m: i64, institution_id: i64, q: Quarter) -> Result<Vec<(i64, String)>, PageError> {
    let data = state.store.absence_data(m, None, q.first_day(), q.last_day()).await?;
    Ok(data
        .quarter_report(q)
        .into_iter()
        .filter(|l| l.institution_id == institution_id)
        .map(|l| (l.child_id, l.share))
        .collect())
}

/// The school's side, on the quarter page: submitted or not, acknowledged or not, deadlines.
pub async fn school_section(
    state: &AppState,
    viewer: &Viewer,
    institution_id: i64,
    q: Quarter,
    pupils: usize,
) -> Result<Markup, PageError> {
    let report = state
        .store
        .absence_reports(viewer.user.municipality_id, Some(q), Some(institution_id))
        .await?
        .pop();
    let today = today();
    let deadline = submission_deadline(q);
    Ok(html! {
        section aria-labelledby="indberetning-titel" {
            h2 id="indberetning-titel" { "Indberetning til kommunen" }
            @if let Some(r) = &report {
                p { "Indberettet " (format_time(r.submitted_at)) " af " (r.submitted_by_name) " med "
                    (r.pupils.len()) @if r.pupils.len() == 1 { " elev." } @else { " elever." } }
                (acknowledgement(r, today))
                @let decided = r.pupils.iter().filter(|p| p.decision.is_some()).count();
                @if !r.pupils.is_empty() {
                    p { "Kommunen har truffet afgørelse for " (decided) " af " (r.pupils.len()) " elever." }
                }
            } @else if !may_submit(q, today) {
                p.hint { "Listen kan indberettes, når kvartalet er slut. Fristen er " (format_date(deadline)) "." }
            } @else {
                p.error[today > deadline] {
                    "Listen er ikke indberettet. Fristen " @if today > deadline { "var " } @else { "er " }
                    (format_date(deadline)) "."
                }
                form.stack method="post" action="/fravaer/kvartal/indberetning" {
                    input type="hidden" name="kvartal" value=(q);
                    button type="submit" {
                        "Indberet listen til kommunen (" (pupils) @if pupils == 1 { " elev)" } @else { " elever)" }
                    }
                }
                @if pupils == 0 { p.hint { "En tom liste fortæller kommunen, at ingen elever nåede 15 %." } }
            }
        }
    })
}

/// Whether the municipality has acknowledged the list, or by when it should.
fn acknowledgement(r: &AbsenceReport, today: chrono::NaiveDate) -> Markup {
    let due = acknowledge_deadline(r.submitted_at.date_naive());
    html! {
        @match (&r.acknowledged_by_name, r.acknowledged_at) {
            (Some(by), Some(at)) => p { "Modtaget af kommunen " (format_time(at)) " (" (by) ")." },
            _ => p.error[today > due] {
                "Kommunen har ikke kvitteret for modtagelsen. Fristen " @if today > due { "var " } @else { "er " }
                (format_date(due)) "."
            },
        }
    }
}

#[derive(Deserialize)]
pub struct SubmitForm {
    kvartal: Option<String>,
}

/// The leadership submits the quarter's list, with one audit row per pupil on it.
pub async fn submit(State(state): State<AppState>, viewer: Viewer, Form(form): Form<SubmitForm>) -> Page {
    let q = Quarter::parse(form.kvartal.as_deref().unwrap_or(""));
    let ask = Ask {
        audit_action: "absence.report.submit",
        child_id: None,
        criterion: Some(format!("kvartal {}", form.kvartal.as_deref().unwrap_or(""))),
        denied: DENIED_SCHOOL,
    };
    let (institution_id, granted) = authorize_own_institution(&state, &viewer, Action::Write, ask).await?;
    let q = match q {
        Ok(q) if may_submit(q, today()) => q,
        Ok(q) => {
            let m = format!(
                "{} er ikke slut endnu; listen kan indberettes fra dagen efter.",
                quarter(q)
            );
            return Err(not_submitted(&state, granted, &viewer, &m).await);
        }
        Err(m) => return Err(not_submitted(&state, granted, &viewer, &m).await),
    };
    let m = viewer.user.municipality_id;
    let pupils = listed(&state, m, institution_id, q).await?;
    let mut audits = vec![granted.audit.clone()];
    audits.extend(pupils.iter().map(|(child, share)| {
        let mut row = granted.audit.clone();
        row.child_id = Some(*child);
        add_criterion(&mut row, &format!("indberettet med {}", share_percent(share)));
        row
    }));
    let report = NewAbsenceReport {
        municipality_id: m,
        institution_id,
        quarter: q,
        pupils,
        submitted_by: viewer.user.id,
        at: now(),
    };
    match state.store.submit_absence_report(&report, &audits).await {
        Ok(_) => Ok(Redirect::to(&format!("/fravaer/kvartal?kvartal={q}#indberetning-titel")).into_response()),
        Err(StoreError::Config(msg)) => Err(not_submitted(&state, granted, &viewer, &msg).await),
        Err(e) => Err(e.into()),
    }
}

/// A submission that could not be made (422), audited with the reason.
async fn not_submitted(state: &AppState, granted: Granted, viewer: &Viewer, reason: &str) -> PageError {
    if let Err(e) = granted.audit_unchanged(state, reason).await {
        return e.into();
    }
    let body = html! {
        h1 { "Listen er ikke indberettet" }
        p.error role="alert" { (reason) }
        p { a href="/fravaer/kvartal" { "Tilbage til kvartalsopgørelsen" } }
    };
    PageError::unprocessable(shell::page(
        "Listen er ikke indberettet",
        Some(viewer),
        "/fravaer/kvartal",
        body,
    ))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    kvartal: Option<String>,
}

/// The caseworker's overview of one quarter: every school, whether its list is in, on time,
/// acknowledged and decided. Counts only; the pupils are on each list's page.
pub async fn list(State(state): State<AppState>, viewer: Viewer, Query(query): Query<ListQuery>) -> Page {
    let today = today();
    let q = match query.kvartal.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Quarter::parse(k).map_err(|m| PageError::status(StatusCode::BAD_REQUEST, bad_request(&viewer, &m))),
        None => Ok(quarter_due(today)),
    };
    let ask = Ask {
        audit_action: "absence.report.list",
        child_id: None,
        criterion: q.as_ref().ok().map(|q| format!("kvartal {q}")),
        denied: DENIED_MUNICIPAL,
    };
    authorize_resource(&state, &viewer, Action::Read, Some(&reports_resource(&viewer)), ask).await?;
    let q = q?;
    let m = viewer.user.municipality_id;
    let reports = state.store.absence_reports(m, Some(q), None).await?;
    let schools: Vec<_> = state
        .store
        .institutions(m)
        .await?
        .into_iter()
        .filter(|i| i.kind.has_school_days())
        .collect();
    let deadline = submission_deadline(q);
    let choices = super::quarter_choices(q);
    let title = format!("Indberetninger – {}", quarter(q));
    let body = html! {
        h1 { (title) }
        p { "Skolernes lister over elever med mindst 15\u{a0}% ulovligt fravær i kvartalet. Fristen for skolerne er "
            (format_date(deadline)) ". Kvittér for modtagelsen, hør forældrene (og barnet, hvis det er fyldt 12 år), \
             og træf afgørelse om børne- og ungeydelsen for hver elev." }
        form.inline method="get" action=(LIST) {
            label for="kvartal" { "Kvartal" }
            select id="kvartal" name="kvartal" {
                @for c in &choices { option value=(c) selected[*c == q] { (quarter(*c)) } }
            }
            button type="submit" { "Vis" }
        }
        div.table-scroll tabindex="0" role="region" aria-label="Skolernes indberetninger" {
            table {
                thead { tr { th scope="col" { "Skole" } th scope="col" { "Indberettet" } th scope="col" { "Elever" }
                    th scope="col" { "Kvitteret" } th scope="col" { "Afgjort" } } }
                tbody {
                    @for school in &schools {
                        @let report = reports.iter().find(|r| r.institution_id == school.id);
                        tr {
                            th scope="row" {
                                @if let Some(r) = report { a href={ (LIST) "/" (r.id) } { (school.name) } } @else { (school.name) }
                            }
                            @if let Some(r) = report {
                                td { (format_date(r.submitted_at.date_naive())) }
                                td { (r.pupils.len()) }
                                td { @if let Some(at) = r.acknowledged_at { (format_date(at.date_naive())) }
                                     @else { span.error[today > acknowledge_deadline(r.submitted_at.date_naive())] { "Mangler" } } }
                                td { (r.pupils.iter().filter(|p| p.decision.is_some()).count()) " af " (r.pupils.len()) }
                            } @else {
                                td colspan="4" {
                                    @if !may_submit(q, today) { "Kvartalet er ikke slut" }
                                    @else if today > deadline { span.error { "Ikke indberettet – fristen er overskredet" } }
                                    @else { "Ikke indberettet endnu" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(&viewer), LIST, body).into_response())
}

fn bad_request(viewer: &Viewer, message: &str) -> Markup {
    shell::page(
        "Ugyldig forespørgsel",
        Some(viewer),
        LIST,
        html! { h1 { "Ugyldig forespørgsel" } p.error { (message) } },
    )
}

/// One list, if the viewer is the municipality's caseworker; the refusal and the read are
/// audited (an unknown id is refused like a forbidden one).
async fn authorized(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    action: Action,
    audit_action: &str,
    child_id: Option<i64>,
) -> Result<(AbsenceReport, Granted), PageError> {
    let report = if can(&viewer.actor, action, &reports_resource(viewer)) {
        state.store.absence_report(viewer.user.municipality_id, id).await?
    } else {
        None
    };
    let resource = report.as_ref().map(|_| reports_resource(viewer));
    let ask = Ask {
        audit_action,
        child_id,
        criterion: Some(format!("indberetning {id}")),
        denied: DENIED_MUNICIPAL,
    };
    let granted = authorize_resource(state, viewer, action, resource.as_ref(), ask).await?;
    Ok((report.expect("granted for a list"), granted))
}

pub async fn detail(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let (report, granted) = authorized(&state, &viewer, id, Action::Read, "absence.report.read", None).await?;
    audit_shown(&state, &granted.audit, true, report.pupils.iter().map(|p| p.child_id)).await?;
    Ok(detail_page(&viewer, &report, &[], None).into_response())
}

fn detail_page(viewer: &Viewer, r: &AbsenceReport, errors: &[FieldError], failed: Option<i64>) -> Markup {
    let today = today();
    let title = format!("{} – {}", r.institution_name, quarter(r.quarter));
    let acknowledged = r.acknowledged_at.is_some();
    let body = html! {
            p { a href={ (LIST) "?kvartal=" (r.quarter) } { "← Indberetninger " (quarter(r.quarter)) } }
            h1 { (title) }
            p { "Indberettet " (format_time(r.submitted_at)) " af " (r.submitted_by_name) "." }
            (acknowledgement(r, today))
            @if !acknowledged {
                form.stack method="post" action={ (LIST) "/" (r.id) "/kvittering" } {
                    button type="submit" { "Kvittér for modtagelsen" }
                }
            }
            (error_summary(errors))
            @if r.pupils.is_empty() { p { "Skolen har ingen elever med mindst 15 % ulovligt fravær i kvartalet." } }
            @for p in &r.pupils {
                @let field = |f: &str| format!("{f}-{}", p.child_id);
                @let errs: &[FieldError] = if failed == Some(p.child_id) { errors } else { &[] };
                section.card aria-labelledby={ "elev-" (p.child_id) } {
                    h2 id={ "elev-" (p.child_id) } { a href=(links::child(p.child_id)) { (p.name) } ": "
                        (share_percent(&p.share)) " ulovligt fravær" }
                    p { (age_on(p.birth_date, today)) " år (født " (format_date(p.birth_date)) ")." }
                    @if let (Some(d), Some(on)) = (p.decision, p.decided_on) {
                        dl.facts {
                            dt { "Forældrene hørt" } dd { (p.parents_heard_on.map(format_date).unwrap_or_else(|| "–".into())) }
                            dt { "Barnet hørt" } dd { (p.child_heard_on.map(format_date).unwrap_or_else(|| "Ikke relevant (under 12 år)".into())) }
                            dt { "Afgørelse" } dd { (d.navn()) " (" (format_date(on)) ", " (p.decided_by_name.as_deref().unwrap_or("")) ")" }
                            dt { "Begrundelse" } dd { (p.decision_reason.as_deref().unwrap_or("")) }
                        }
                    } @else if !acknowledged {
                        p.hint { "Kvittér for listen, før høring og afgørelse registreres." }
                    } @else {
                        form.stack method="post" action={ (LIST) "/" (r.id) "/afgoerelse" } novalidate {
                            input type="hidden" name="barn" value=(p.child_id);
                            label for=(field("foraeldre")) { "Forældrene hørt den" }
                            input id=(field("foraeldre")) name="foraeldre_hoert" type="date" max=(today)
                                value=[p.parents_heard_on] aria-invalid=[invalid(errs, &field("foraeldre"))];
                            (inline_error(errs, &field("foraeldre")))
                            label for=(field("barn")) { "Barnet hørt den" }
                            input id=(field("barn")) name="barn_hoert" type="date" max=(today)
                                value=[p.child_heard_on] aria-invalid=[invalid(errs, &field("barn"))]
                                aria-describedby=(field("barn-hjaelp"));
                            p.hint id=(field("barn-hjaelp")) {
                                @if child_is_heard(p.birth_date, today) { "Barnet er fyldt 12 år og skal høres." }
                                @else { "Barnet er under 12 år; høring af barnet er ikke et krav." }
                            }
                            (inline_error(errs, &field("barn")))
                            label for=(field("afgoerelse")) { "Afgørelse" }
                            select id=(field("afgoerelse")) name="afgoerelse" aria-invalid=[invalid(errs, &field("afgoerelse"))] {
                                option value="" { "Ingen afgørelse endnu (gem høringen)" }
                                @for d in BenefitDecision::ALL { option value=(d.id()) { (d.navn()) } }
                            }
                            (inline_error(errs, &field("afgoerelse")))
                            label for=(field("begrundelse")) { "Begrundelse" }
                            textarea id=(field("begrundelse")) name="begrundelse" rows="3"
                                aria-invalid=[invalid(errs, &field("begrundelse"))] {}
                            (inline_error(errs, &field("begrundelse")))
                            label for=(field("dato")) { "Afgørelsens dato" }
                            input id=(field("dato")) name="dato" type="date" value=(today) max=(today)
                                aria-invalid=[invalid(errs, &field("dato"))];
                            (inline_error(errs, &field("dato")))
                            button type="submit" { "Gem" }
                        }
                    }
                }
            }
    };
    shell::page(&title, Some(viewer), LIST, body)
}

/// The caseworker acknowledges the list.
pub async fn acknowledge(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let (report, granted) = authorized(&state, &viewer, id, Action::Write, "absence.report.acknowledge", None).await?;
    match state
        .store
        .acknowledge_absence_report(report.id, viewer.user.id, now(), &granted.audit)
        .await
    {
        Ok(()) | Err(StoreError::Config(_)) => Ok(Redirect::to(&format!("{LIST}/{id}")).into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    barn: Option<i64>,
    foraeldre_hoert: Option<String>,
    barn_hoert: Option<String>,
    afgoerelse: Option<String>,
    begrundelse: Option<String>,
    dato: Option<String>,
}

/// A date field that may be empty; a bad or future date is an error naming the field.
fn optional_date(
    errors: &mut Vec<FieldError>,
    id: &str,
    label: &str,
    value: Option<&str>,
) -> Option<chrono::NaiveDate> {
    let value = value.unwrap_or("");
    (!value.trim().is_empty())
        .then(|| check_past_date(errors, id, label, value))
        .flatten()
}

/// Records the hearing and, when given, the decision for one pupil on the list.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Page {
    let (report, granted) =
        authorized(&state, &viewer, id, Action::Write, "absence.report.decision", form.barn).await?;
    let Some(pupil) = form.barn.and_then(|c| report.pupils.iter().find(|p| p.child_id == c)) else {
        let reason = "Barnet er ikke på listen.";
        return Err(rejected(&state, &viewer, granted, &report, &[error("barn", reason)], None).await);
    };
    let child = pupil.child_id;
    let field = |f: &str| format!("{f}-{child}");
    let mut errors = Vec::new();
    let parents = optional_date(
        &mut errors,
        &field("foraeldre"),
        "Forældrene hørt",
        form.foraeldre_hoert.as_deref(),
    );
    let heard = optional_date(&mut errors, &field("barn"), "Barnet hørt", form.barn_hoert.as_deref());
    let decision = match form.afgoerelse.as_deref().unwrap_or("") {
        "" => None,
        d => match BenefitDecision::from_id(d) {
            Some(d) => Some(d),
            None => {
                errors.push(error(&field("afgoerelse"), "Afgørelse: vælg en af mulighederne."));
                None
            }
        },
    };
    let mut decided = None;
    if let Some(d) = decision {
        let reason = check_text(
            &mut errors,
            &field("begrundelse"),
            "Begrundelse",
            form.begrundelse.as_deref().unwrap_or(""),
            true,
            2000,
        );
        let on = optional_date(&mut errors, &field("dato"), "Afgørelsens dato", form.dato.as_deref());
        match on {
            None if errors.is_empty() => errors.push(error(&field("dato"), "Afgørelsens dato: angiv en dato.")),
            Some(on) if on < report.submitted_at.date_naive() => errors.push(error(
                &field("dato"),
                "Afgørelsens dato: afgørelsen kan ikke ligge før indberetningen.",
            )),
            Some(on) => match check_decision(pupil.birth_date, on, parents, heard) {
                Ok(()) => decided = Some((d, reason, on)),
                Err(m) => {
                    let id = if m.contains("Forældrene") {
                        field("foraeldre")
                    } else {
                        field("barn")
                    };
                    errors.push(error(&id, m));
                }
            },
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(rejected(&state, &viewer, granted, &report, &errors, Some(child)).await);
    }
    let mut audit = granted.audit.clone();
    let what = match &decided {
        Some((d, _, _)) => d.navn().to_string(),
        None => "høring registreret".into(),
    };
    add_criterion(&mut audit, &what);
    let update = ReportPupilUpdate {
        report_id: report.id,
        child_id: child,
        parents_heard_on: parents,
        child_heard_on: heard,
        decision: decided,
        by: viewer.user.id,
    };
    match state.store.update_report_pupil(&update, &audit).await {
        Ok(()) => Ok(Redirect::to(&format!("{LIST}/{id}#elev-{child}")).into_response()),
        Err(StoreError::Config(m)) => Err(rejected(
            &state,
            &viewer,
            granted,
            &report,
            &[error(&field("afgoerelse"), m)],
            Some(child),
        )
        .await),
        Err(e) => Err(e.into()),
    }
}

/// The list again with the form's errors (422); the refused write is audited with its reason.
async fn rejected(
    state: &AppState,
    viewer: &Viewer,
    granted: Granted,
    report: &AbsenceReport,
    errors: &[FieldError],
    child: Option<i64>,
) -> PageError {
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    if let Err(e) = granted.audit_unchanged(state, &reason).await {
        return e.into();
    }
    PageError::unprocessable(detail_page(viewer, report, errors, child))
}

/// On the front page: for the caseworker the lists to acknowledge and the pupils to decide;
/// for the school's leadership the quarter's list until it is submitted, and an unacknowledged
/// one past its deadline.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let m = viewer.user.municipality_id;
    let today = today();
    if can(&viewer.actor, Action::Read, &reports_resource(viewer)) {
        let reports = state.store.absence_reports(m, None, None).await?;
        let waiting: Vec<_> = reports.iter().filter(|r| r.acknowledged_at.is_none()).collect();
        let open: usize = reports
            .iter()
            .map(|r| r.pupils.iter().filter(|p| p.decision.is_none()).count())
            .sum();
        let due = quarter_due(today);
        let submitted = reports.iter().filter(|r| r.quarter == due).count();
        state
            .store
            .audit(&entry(
                viewer,
                "absence.report.list",
                None,
                Some("forside".into()),
                true,
            ))
            .await?;
        return Ok(Some(html! {
            section aria-labelledby="indberetninger-titel" {
                h2 id="indberetninger-titel" { "Indberetninger" }
                ul {
                    li { a href=(LIST) { (submitted) @if submitted == 1 { " skole har" } @else { " skoler har" } " indberettet " (quarter(due)) } }
                    @for r in &waiting {
                        li.error[today > acknowledge_deadline(r.submitted_at.date_naive())] {
                            a href={ (LIST) "/" (r.id) } { (r.institution_name) ", " (quarter(r.quarter)) }
                            " venter på kvittering"
                        }
                    }
                    li { (open) @if open == 1 { " elev mangler" } @else { " elever mangler" } " afgørelse" }
                }
            }
        }));
    }
    let Some(institution_id) = viewer.user.institution_id else {
        return Ok(None);
    };
    let institution = Resource::Institution {
        municipality_id: m,
        institution_id,
    };
    if !can(&viewer.actor, Action::Read, &institution) || viewer.institution_kind.is_some_and(|k| !k.has_school_days())
    {
        return Ok(None);
    }
    let q = quarter_due(today);
    let report = state
        .store
        .absence_reports(m, Some(q), Some(institution_id))
        .await?
        .pop();
    let deadline = submission_deadline(q);
    let link = format!("/fravaer/kvartal?kvartal={q}#indberetning-titel");
    let markup = match report {
        None => html! {
            p.error[today > deadline] {
                a href=(link) { "Listen for " (quarter(q)) " er ikke indberettet til kommunen" }
                "; fristen " @if today > deadline { "var " } @else { "er " } (format_date(deadline)) "."
            }
        },
        Some(r) if r.acknowledged_at.is_none() && today > acknowledge_deadline(r.submitted_at.date_naive()) => html! {
            p.error { a href=(link) { "Kommunen har ikke kvitteret for listen for " (quarter(q)) } "." }
        },
        Some(_) => return Ok(None),
    };
    Ok(Some(html! {
        section aria-labelledby="indberetning-front-titel" {
            h2 id="indberetning-front-titel" { "Indberetning af ulovligt fravær" }
            (markup)
        }
    }))
}
