//! Fraværsmelding: in the parent view a guardian reports sickness from today or applies for
//! leave; the school's leadership answers leave applications (`/fravaer/frihed`). The roll
//! call proposes S for reported sickness and L for approved leave
//! (`trivsel_domain::absence::notice`).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::absence::WarningMethod;
use trivsel_domain::absence::notice::{NoticeKind, NoticeStatus, check_notice};
use trivsel_domain::access::{Action, ChildData, can};
use trivsel_store::{AbsenceNotice, CaseTarget, NewAbsenceNotice, StoreError};

use crate::kit::access::{
    Ask, Granted, Subject, add_criterion, audit_shown, authorize, authorize_own_institution, may,
};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, error, error_summary, inline_error, invalid, parse_date};
use crate::kit::format::{format_date, format_time, quarter};
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const LEAVE: &str = "/fravaer/frihed";
const DENIED_LEAVE: &str = "Ansøgninger om frihed besvares af skolens ledelse.";

fn path(child_id: i64) -> String {
    links::child_page(child_id, "fravaersmelding")
}

/// A report in words: «Sygdom 02.12.2026–04.12.2026: reason (Meldt af …)».
fn period(n: &AbsenceNotice) -> String {
    if n.from == n.to {
        format_date(n.from)
    } else {
        format!("{}–{}", format_date(n.from), format_date(n.to))
    }
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    meldt: Option<i64>,
}

/// The child's reports; for a guardian with custody the form to report.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Child(child_id),
        Action::Read,
        ChildData::AbsenceNotices,
        "absence.notice.read",
        None,
    )
    .await?;
    let from_school = FromSchool::load(&state, child_id).await?;
    let notices = state.store.child_absence_notices(child_id).await?;
    Ok(notice_page(
        &viewer,
        &allowed.subject,
        &notices,
        &from_school,
        &[],
        q.meldt.is_some(),
        None,
    )
    .into_response())
}

/// What the school sent the guardians through the parent view about the child's unlawful
/// absence: messages after a day's U, and warning letters at 10 %.
struct FromSchool {
    contacts: Vec<trivsel_store::ParentContact>,
    warnings: Vec<trivsel_store::ParentWarning>,
}

impl FromSchool {
    async fn load(state: &AppState, child_id: i64) -> Result<Self, PageError> {
        Ok(Self {
            contacts: state.store.child_contacts(child_id).await?,
            warnings: state
                .store
                .child_parent_warnings(child_id)
                .await?
                .into_iter()
                .filter(|w| w.method == WarningMethod::ParentView)
                .collect(),
        })
    }

    fn section(&self, child_id: i64) -> Markup {
        let messages = super::contacts::parent_messages(&self.contacts);
        html! {
            @if !messages.is_empty() || !self.warnings.is_empty() {
                section aria-labelledby="fra-skolen" {
                    h2 id="fra-skolen" { "Fra skolen om fravær" }
                    ul.cards {
                        @for w in &self.warnings {
                            li.card { p {
                                strong { "Varsling om ulovligt fravær, " (quarter(w.quarter)) } " (" (format_date(w.warned_on)) "). "
                                a href={ (links::child_page(child_id, "varsling/brev")) "?kvartal=" (w.quarter) } { "Læs brevet" }
                            } }
                        }
                        @for (day, text, sent) in messages {
                            li.card {
                                p { strong { "Ulovligt fravær " (format_date(day)) } " (besked " (format_date(sent)) ")" }
                                p { (text) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn notice_page(
    viewer: &Viewer,
    subject: &Subject,
    notices: &[AbsenceNotice],
    from_school: &FromSchool,
    errors: &[FieldError],
    reported: bool,
    form: Option<&NoticeForm>,
) -> Markup {
    let name = subject.name();
    let child_id = subject.child_id().expect("a child");
    let writes = may(viewer, subject, Action::Write, ChildData::AbsenceNotices);
    let today = today();
    let value =
        |f: fn(&NoticeForm) -> &Option<String>, default: String| form.and_then(|x| f(x).clone()).unwrap_or(default);
    let kind = form.and_then(|f| f.art.as_deref()).unwrap_or("sygdom");
    let title = format!("Fraværsmelding – {name}");
    let body = html! {
        p { a href=(links::child(child_id)) { "← " (name) } }
        h1 { (title) }
        @if reported {
            p.notice role="status" tabindex="-1" data-focus { "Tak. Meldingen er sendt til skolen." }
        }
        @if writes {
            p { "Meld sygdom fra i dag, så skolen ved det ved fremmødet. Søg om frihed i god tid; skolens leder \
                 svarer, og en godkendt frihed registreres som lovligt fravær." }
            (error_summary(errors))
            form.stack method="post" action=(path(child_id)) novalidate {
                fieldset {
                    legend { "Hvad vil du melde?" }
                    @for k in NoticeKind::ALL {
                        label.check {
                            input type="radio" name="art" value=(k.id()) id={ "art-" (k.id()) } checked[k.id() == kind];
                            (k.navn())
                        }
                    }
                }
                label for="fra" { "Første dag" }
                input id="fra" name="fra" type="date" min=(today) value=(value(|f| &f.fra, today.to_string()))
                    aria-invalid=[invalid(errors, "fra")];
                (inline_error(errors, "fra"))
                label for="til" { "Til og med" }
                input id="til" name="til" type="date" min=(today) value=(value(|f| &f.til, today.to_string()))
                    aria-invalid=[invalid(errors, "til")];
                (inline_error(errors, "til"))
                label for="aarsag" { "Årsag (skal udfyldes ved frihed)" }
                textarea id="aarsag" name="aarsag" rows="3" maxlength="1000" aria-invalid=[invalid(errors, "aarsag")] {
                    (value(|f| &f.aarsag, String::new()))
                }
                (inline_error(errors, "aarsag"))
                button type="submit" { "Send til skolen" }
            }
        }
        (from_school.section(child_id))
        h2 { "Meldinger" }
        @if notices.is_empty() { p { "Ingen meldinger endnu." } }
        ul.cards {
            @for n in notices {
                li.card {
                    p { strong { (n.kind.navn()) " " (period(n)) } ": " (n.status.navn().to_lowercase()) }
                    @if !n.reason.is_empty() { p { (n.reason) } }
                    p.hint { "Meldt " (format_time(n.reported_at)) " af " (n.reported_by_name) "."
                        @if let Some(by) = &n.decided_by_name { " Besvaret af " (by) "." } }
                    @if let Some(note) = n.decision_note.as_deref().filter(|s| !s.is_empty()) { p { "Skolens svar: " (note) } }
                }
            }
        }
    };
    shell::page(&title, Some(viewer), "", body)
}

#[derive(Deserialize, Default)]
pub struct NoticeForm {
    art: Option<String>,
    fra: Option<String>,
    til: Option<String>,
    aarsag: Option<String>,
}

/// A guardian with custody reports sickness or applies for leave.
pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Form(form): Form<NoticeForm>,
) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Child(child_id),
        Action::Write,
        ChildData::AbsenceNotices,
        "absence.notice.create",
        None,
    )
    .await?;
    let today = today();
    let mut errors = Vec::new();
    let kind = NoticeKind::from_id(form.art.as_deref().unwrap_or(""));
    if kind.is_none() {
        errors.push(error("art-sygdom", "Vælg sygdom eller frihed."));
    }
    let date = |errors: &mut Vec<FieldError>, id: &'static str, label: &str, v: &Option<String>| {
        let v = v.as_deref().unwrap_or("").trim();
        let d = parse_date(v);
        if d.is_none() {
            errors.push(error(id, format!("{label}: skriv en dato (dd.mm.åååå).")));
        }
        d
    };
    let from = date(&mut errors, "fra", "Første dag", &form.fra);
    let to = date(&mut errors, "til", "Til og med", &form.til);
    let reason = form.aarsag.as_deref().unwrap_or("").trim().to_string();
    if let (Some(kind), Some(from), Some(to)) = (kind, from, to)
        && let Err(e) = check_notice(kind, from, to, &reason, today)
    {
        errors.push(error(e.field, e.message));
    }
    let (Some(kind), Some(from), Some(to), true) = (kind, from, to, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        allowed.audit_refused(&state, &reason).await?;
        let notices = state.store.child_absence_notices(child_id).await?;
        let from_school = FromSchool::load(&state, child_id).await?;
        return Err(PageError::unprocessable(notice_page(
            &viewer,
            &allowed.subject,
            &notices,
            &from_school,
            &errors,
            false,
            Some(&form),
        )));
    };
    let mut audit = allowed.audit.clone();
    add_criterion(&mut audit, &format!("{} {from}–{to}", kind.navn().to_lowercase()));
    let notice = NewAbsenceNotice {
        municipality_id: viewer.user.municipality_id,
        child_id,
        kind,
        from,
        to,
        reason,
        reported_by: viewer.user.id,
        at: now(),
    };
    state.store.add_absence_notice(&notice, &audit).await?;
    Ok(Redirect::to(&format!("{}?meldt=1", path(child_id))).into_response())
}

/// The school's leave applications, waiting first, with the names of its pupils.
async fn applications(
    state: &AppState,
    viewer: &Viewer,
    audit_action: &str,
) -> Result<(Vec<(AbsenceNotice, String)>, Granted), PageError> {
    let ask = Ask {
        audit_action,
        child_id: None,
        criterion: Some("ansøgninger om frihed".into()),
        denied: DENIED_LEAVE,
    };
    let (institution_id, granted) = authorize_own_institution(state, viewer, Action::Read, ask).await?;
    let notices = state.store.institution_leave(institution_id, today()).await?;
    let ids: Vec<i64> = notices.iter().map(|n| n.child_id).collect();
    let names = state.store.child_names(&ids).await?;
    audit_shown(state, &granted.audit, true, ids).await?;
    Ok((
        notices
            .into_iter()
            .map(|n| {
                let name = names.get(&n.child_id).cloned().unwrap_or_default();
                (n, name)
            })
            .collect(),
        granted,
    ))
}

pub async fn leave_list(State(state): State<AppState>, viewer: Viewer) -> Page {
    let (list, _) = applications(&state, &viewer, "absence.leave.read").await?;
    Ok(leave_page(&viewer, &list, &[]).into_response())
}

fn leave_page(viewer: &Viewer, list: &[(AbsenceNotice, String)], errors: &[FieldError]) -> Markup {
    let title = "Ansøgninger om frihed";
    let body = html! {
        h1 { (title) }
        p { "Forældrenes ansøgninger om frihed for skolens elever. En godkendt frihed foreslås som lovligt fravær (L) \
             ved fremmødet i perioden; en afvist frihed er ulovligt fravær, hvis eleven udebliver." }
        (error_summary(errors))
        @if list.is_empty() { p { "Ingen ansøgninger." } }
        @for (n, name) in list {
            section.card aria-labelledby={ "frihed-" (n.id) } {
                h2 id={ "frihed-" (n.id) } { a href=(path(n.child_id)) { (name) } ": " (period(n)) }
                p { (n.reason) }
                p.hint { "Søgt " (format_time(n.reported_at)) " af " (n.reported_by_name) "." }
                @if n.status == NoticeStatus::Pending {
                    form.stack method="post" action={ (LEAVE) "/" (n.id) } {
                        label for={ "svar-note-" (n.id) } { "Bemærkning til forældrene (valgfri)" }
                        textarea id={ "svar-note-" (n.id) } name="note" rows="2" maxlength="1000"
                            aria-invalid=[invalid(errors, &format!("svar-note-{}", n.id))] {}
                        (inline_error(errors, &format!("svar-note-{}", n.id)))
                        div.buttons {
                            button type="submit" name="svar" value="godkend" { "Godkend" }
                            button type="submit" name="svar" value="afvis" { "Afvis" }
                        }
                    }
                } @else {
                    p { strong { (n.status.navn()) } @if let Some(by) = &n.decided_by_name { " af " (by) } "."
                        @if let Some(note) = n.decision_note.as_deref().filter(|s| !s.is_empty()) { " " (note) } }
                }
            }
        }
    };
    shell::page(title, Some(viewer), "/fravaer/advarsler", body)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    svar: Option<String>,
    note: Option<String>,
}

/// The leadership approves or refuses an application of a pupil of its school.
pub async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Page {
    let notice = state
        .store
        .absence_notice(id)
        .await?
        .filter(|n| n.kind == NoticeKind::Leave);
    let child_id = notice.as_ref().map_or(0, |n| n.child_id);
    let (_, granted) = super::warnings::leading(
        &state,
        &viewer,
        child_id,
        Action::Write,
        "absence.leave.answer",
        &format!("ansøgning om frihed {id}"),
        DENIED_LEAVE,
    )
    .await?;
    let note = form.note.as_deref().unwrap_or("").trim().to_string();
    let field = format!("svar-note-{id}");
    let approved = match form.svar.as_deref() {
        Some("godkend") => Some(true),
        Some("afvis") => Some(false),
        _ => None,
    };
    let problem = match approved {
        None => Some("Vælg Godkend eller Afvis."),
        Some(_) if note.chars().count() > 1000 => Some("Bemærkning: skriv højst 1.000 tegn."),
        Some(_) => None,
    };
    if let Some(message) = problem {
        return Err(not_answered(&state, &viewer, granted, &field, message).await);
    }
    let approved = approved.expect("checked");
    let mut audit = granted.audit.clone();
    add_criterion(&mut audit, if approved { "godkendt" } else { "afvist" });
    match state
        .store
        .decide_leave(id, approved, &note, viewer.user.id, now(), &audit)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{LEAVE}#frihed-{id}")).into_response()),
        Err(StoreError::Config(m)) => Err(not_answered(&state, &viewer, granted, &field, &m).await),
        Err(e) => Err(e.into()),
    }
}

async fn not_answered(state: &AppState, viewer: &Viewer, granted: Granted, field: &str, message: &str) -> PageError {
    if let Err(e) = granted.audit_unchanged(state, message).await {
        return e.into();
    }
    match applications(state, viewer, "absence.leave.read").await {
        Ok((list, _)) => PageError::unprocessable(leave_page(viewer, &list, &[error(field, message)])),
        Err(e) => e,
    }
}

/// On the leadership's front page: applications waiting for an answer.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let Some(institution_id) = viewer.user.institution_id else {
        return Ok(None);
    };
    let institution = trivsel_domain::access::Resource::Institution {
        municipality_id: viewer.user.municipality_id,
        institution_id,
    };
    if !can(&viewer.actor, Action::Read, &institution) || viewer.institution_kind.is_some_and(|k| !k.has_school_days())
    {
        return Ok(None);
    }
    // Counts only: no child is named here, so nothing to audit.
    let waiting = state
        .store
        .institution_leave(institution_id, today())
        .await?
        .iter()
        .filter(|n| n.status == NoticeStatus::Pending)
        .count();
    if waiting == 0 {
        return Ok(None);
    }
    Ok(Some(html! {
        section aria-labelledby="frihed-titel" {
            h2 id="frihed-titel" { "Ansøgninger om frihed" }
            p { a href=(LEAVE) { (waiting) @if waiting == 1 { " ansøgning venter" } @else { " ansøgninger venter" } } " på svar." }
        }
    }))
}
