//! Varsling (the parents warned at 10 %): the school's pupils with at least 10 % unlawful
//! absence in the running quarter, whether and how their parents have been warned, the letter
//! to hand over or send, and recording the warning. For the school's leadership; the 15 %
//! report that may follow is `quarter`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::absence::{Quarter, WarningMethod, running_quarter_share};
use trivsel_domain::access::{Action, ChildData, Resource};
use trivsel_domain::model::Role;
use trivsel_store::{CaseTarget, NewParentWarning, StoreError};

use crate::kit::access::{
    Ask, Granted, add_criterion, audit_shown, authorize, authorize_own_institution, authorize_resource,
};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, error, error_summary, inline_error, invalid, parse_date};
use crate::kit::format::{format_date, quarter, share_percent};
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const DENIED: &str = "Varsling af forældrene er for skolens ledelse og trivselsperson.";

/// The pupils of the viewer's school due a warning this quarter: (child id, name, share),
/// with the warnings given; the read is audited on each child shown.
struct Due {
    quarter: Quarter,
    pupils: Vec<(i64, String, String)>,
    warned: std::collections::HashMap<i64, trivsel_store::ParentWarning>,
}

async fn due(state: &AppState, viewer: &Viewer, audit_action: &str) -> Result<(Due, Granted), PageError> {
    let today = today();
    let quarter = Quarter::of(today);
    let ask = Ask {
        audit_action,
        child_id: None,
        criterion: Some(format!("varsling kvartal {quarter}")),
        denied: DENIED,
    };
    let (institution_id, granted) = authorize_own_institution(state, viewer, Action::Read, ask).await?;
    let m = viewer.user.municipality_id;
    // The school's pupils today, so a front page reads one school's quarter, not the
    // municipality's.
    let mut pupils_today = Vec::new();
    for class in state.store.class_cards(&[], Some(institution_id)).await? {
        pupils_today.extend(
            state
                .store
                .class_pupils(class.id, today)
                .await?
                .into_iter()
                .map(|p| p.id),
        );
    }
    let warned = state.store.parent_warnings(m, quarter).await?;
    let data = if pupils_today.is_empty() {
        trivsel_store::AbsenceData::default()
    } else {
        state
            .store
            .absence_data(m, Some(&pupils_today), quarter.first_day(), today)
            .await?
    };
    let lines: Vec<_> = data
        .warnings_due(today)
        .into_iter()
        .filter(|l| l.institution_id == institution_id)
        .collect();
    let ids: Vec<i64> = lines.iter().map(|l| l.child_id).collect();
    let names = state.store.child_names(&ids).await?;
    let mut pupils: Vec<_> = lines
        .into_iter()
        .map(|l| (l.child_id, names.get(&l.child_id).cloned().unwrap_or_default(), l.share))
        .collect();
    // Not yet warned first, then the highest share.
    pupils.sort_by(|a, b| {
        (warned.contains_key(&a.0), std::cmp::Reverse(&a.2), &a.1).cmp(&(
            warned.contains_key(&b.0),
            std::cmp::Reverse(&b.2),
            &b.1,
        ))
    });
    Ok((
        Due {
            quarter,
            pupils,
            warned,
        },
        granted,
    ))
}

/// On the leader's front page: the pupils whose parents are still to be warned.
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let municipality_id = viewer.user.municipality_id;
    let leads = viewer.user.institution_id.is_some_and(|i| {
        trivsel_domain::access::can(
            &viewer.actor,
            Action::Read,
            &Resource::Institution {
                municipality_id,
                institution_id: i,
            },
        )
    });
    if !leads || viewer.institution_kind.is_some_and(|k| !k.has_school_days()) {
        return Ok(None);
    }
    let (due, granted) = due(state, viewer, "absence.warning.read").await?;
    let open: Vec<_> = due.pupils.iter().filter(|p| !due.warned.contains_key(&p.0)).collect();
    if open.is_empty() {
        return Ok(None);
    }
    audit_shown(state, &granted.audit, true, open.iter().map(|p| p.0)).await?;
    Ok(Some(html! {
        section aria-labelledby="varsling-titel" {
            h2 id="varsling-titel" { "Forældre der skal varsles" }
            p.error {
                a href="/fravaer/varsling" {
                    (open.len()) @if open.len() == 1 { " elev har" } @else { " elever har" }
                }
                " mindst 10 % ulovligt fravær i " (quarter(due.quarter)) ", og forældrene er ikke varslet."
            }
        }
    }))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    varslet: Option<i64>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer, Query(q): Query<ListQuery>) -> Page {
    let (due, granted) = due(&state, &viewer, "absence.warning.read").await?;
    audit_shown(&state, &granted.audit, true, due.pupils.iter().map(|p| p.0)).await?;
    Ok(list_page(&viewer, &due, q.varslet, &[]).into_response())
}

fn list_page(viewer: &Viewer, due: &Due, warned_now: Option<i64>, errors: &[FieldError]) -> Markup {
    let title = format!("Varsling af forældre – {}", quarter(due.quarter));
    let body = html! {
        h1 { (title) }
        p { "Når en elevs ulovlige fravær når 10 % af skoledagene i kvartalet, skal skolen varsle forældrene om, \
             at kommunen kan standse børne- og ungeydelsen, hvis det ulovlige fravær når 15 %. \
             Kvartalet regnes fra " (format_date(due.quarter.first_day())) " til i dag." }
        @if let Some(child) = warned_now.and_then(|c| due.pupils.iter().find(|p| p.0 == c)) {
            p.notice role="status" tabindex="-1" data-focus { "Varslingen af forældrene til " (child.1) " er registreret." }
        }
        (error_summary(errors))
        @if due.pupils.is_empty() {
            p { "Ingen elever har 10 % ulovligt fravær i kvartalet." }
        }
        @for (child, name, share) in &due.pupils {
            section.card aria-labelledby={ "varsel-" (child) } {
                h2 id={ "varsel-" (child) } { a href=(links::child(*child)) { (name) } ": " (share_percent(share)) " ulovligt fravær" }
                @if let Some(w) = due.warned.get(child) {
                    p { "Varslet " (format_date(w.warned_on)) " (" (w.method.navn().to_lowercase()) ") ved " (w.recorded_by_name)
                        ", da fraværet var " (share_percent(&w.share)) "." }
                } @else {
                    p { a href={ "/boern/" (child) "/varsling/brev" } { "Varslingsbrev til forældrene" } }
                    form.stack method="post" action={ "/boern/" (child) "/varsling" } novalidate {
                        @let field = |f: &str| format!("{f}-{child}");
                        label for=(field("maade")) { "Hvordan er forældrene varslet?" }
                        select id=(field("maade")) name="maade" aria-invalid=[invalid(errors, &field("maade"))] {
                            @for m in WarningMethod::ALL { option value=(m.id()) { (m.navn()) } }
                        }
                        p.hint { "Ved «" (WarningMethod::ParentView.navn()) "» kan forældrene læse brevet under barnets fravær i forældrevisningen, når varslingen er registreret." }
                        (inline_error(errors, &field("maade")))
                        label for=(field("dato")) { "Dato" }
                        input id=(field("dato")) name="dato" type="date" value=(today()) max=(today())
                            aria-invalid=[invalid(errors, &field("dato"))];
                        (inline_error(errors, &field("dato")))
                        button type="submit" { "Registrér varsling" }
                    }
                }
            }
        }
    };
    shell::page(&title, Some(viewer), "/fravaer/advarsler", body)
}

/// The child, if the viewer leads the child's school (the leadership warns, and answers leave
/// applications), with the child's name and the audit row.
pub(super) async fn leading(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    action: Action,
    audit_action: &str,
    criterion: &str,
    denied: &str,
) -> Result<(String, Granted), PageError> {
    let context = state.store.child_context(child_id, today()).await?;
    let resource = context
        .as_ref()
        .zip(viewer.user.institution_id)
        .filter(|(c, i)| c.municipality_id == viewer.user.municipality_id && c.institution_ids.contains(i))
        .map(|(_, i)| Resource::Institution {
            municipality_id: viewer.user.municipality_id,
            institution_id: i,
        });
    let ask = Ask {
        audit_action,
        child_id: Some(child_id),
        criterion: Some(criterion.into()),
        denied,
    };
    let granted = authorize_resource(state, viewer, action, resource.as_ref(), ask).await?;
    let name = state
        .store
        .child_names(&[child_id])
        .await?
        .remove(&child_id)
        .unwrap_or_default();
    Ok((name, granted))
}

/// The child's unlawful share in the running quarter, as stored text.
async fn running_share(state: &AppState, viewer: &Viewer, child_id: i64) -> Result<Option<String>, PageError> {
    let today = today();
    let data = state
        .store
        .absence_data(
            viewer.user.municipality_id,
            Some(&[child_id]),
            Quarter::of(today).first_day(),
            today,
        )
        .await?;
    Ok(data.pupils.get(&child_id).and_then(|p| {
        running_quarter_share(&p.enrolments, |s| data.calendar(s), &p.registrations, today).map(|s| s.share_text())
    }))
}

#[derive(Deserialize, Default)]
pub struct LetterQuery {
    kvartal: Option<String>,
}

/// The warning letter: for the leadership to print and hand over or send, with the share
/// today; for a guardian, the letter the school sent through the parent view, as it was sent.
pub async fn letter(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Query(q): Query<LetterQuery>,
) -> Page {
    if viewer.user.role == Role::Guardian {
        return sent_letter(&state, &viewer, child_id, q.kvartal.as_deref()).await;
    }
    let (name, _) = leading(
        &state,
        &viewer,
        child_id,
        Action::Read,
        "absence.warning.letter",
        "varsling",
        DENIED,
    )
    .await?;
    let share = running_share(&state, &viewer, child_id)
        .await?
        .unwrap_or_else(|| "0.0000".into());
    let today = today();
    let body = html! {
        p.no-print { a href="/fravaer/varsling" { "← Varsling af forældre" } }
        button.print.no-print type="button" hidden { "Udskriv" }
        (letter_text(&name, &share, Quarter::of(today), today, &viewer.user.name))
    };
    let title = format!("Varsling om ulovligt fravær – {name}");
    Ok(shell::page(&title, Some(&viewer), "/fravaer/advarsler", body).into_response())
}

/// A guardian reads a letter sent through the parent view (any other is 404).
async fn sent_letter(state: &AppState, viewer: &Viewer, child_id: i64, quarter: Option<&str>) -> Page {
    let allowed = authorize(
        state,
        viewer,
        CaseTarget::Child(child_id),
        Action::Read,
        ChildData::AbsenceNotices,
        "absence.warning.letter",
        Some(format!("varsling {}", quarter.unwrap_or(""))),
    )
    .await?;
    let warning = state
        .store
        .child_parent_warnings(child_id)
        .await?
        .into_iter()
        .find(|w| w.method == WarningMethod::ParentView && Some(w.quarter.to_string().as_str()) == quarter);
    let Some(w) = warning else {
        return Err(PageError::not_found_for(Some(viewer)));
    };
    let name = allowed.subject.name();
    let body = html! {
        p.no-print { a href=(links::child_page(child_id, "fravaersmelding")) { "← Fravær" } }
        button.print.no-print type="button" hidden { "Udskriv" }
        (letter_text(&name, &w.share, w.quarter, w.warned_on, &w.recorded_by_name))
    };
    let title = format!("Varsling om ulovligt fravær – {name}");
    Ok(shell::page(&title, Some(viewer), "", body).into_response())
}

/// The letter's text: the share of the quarter up to `dated`, signed by `signer`.
fn letter_text(name: &str, share: &str, q: Quarter, dated: chrono::NaiveDate, signer: &str) -> Markup {
    html! {
        article.letter {
            p { (format_date(dated)) }
            h1 { "Varsling om ulovligt fravær" }
            p { "Kære forældre til " (name) "," }
            p { (name) " har i " (quarter(q)) " indtil " (format_date(dated)) " haft ulovligt fravær på " strong { (share_percent(share)) }
                " af skoledagene. Ulovligt fravær er fravær, som skolen ikke har givet tilladelse til, og som ikke skyldes sygdom." }
            p { "Skolen er forpligtet til at varsle jer, når det ulovlige fravær når 10 % i et kvartal. Når det ulovlige fravær \
                 i et kvartal når 15 %, skal skolen indberette det til kommunen. Kommunen kan da standse udbetalingen af \
                 børne- og ungeydelsen for kvartalet, efter at den har hørt jer og barnet, hvis det er fyldt 12 år." }
            p { "Vi vil gerne tale med jer om, hvad der kan hjælpe " (name) " til at komme i skole hver dag. \
                 Kontakt skolen, så vi kan aftale et møde." }
            p { "Med venlig hilsen" br; (signer) }
        }
    }
}

#[derive(Deserialize)]
pub struct WarningForm {
    maade: Option<String>,
    dato: Option<String>,
}

/// Records that the parents were warned, with the share then.
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Form(form): Form<WarningForm>,
) -> Page {
    let (_, granted) = leading(
        &state,
        &viewer,
        child_id,
        Action::Write,
        "absence.warning.write",
        "varsling",
        DENIED,
    )
    .await?;
    let today = today();
    let mut errors = Vec::new();
    let method = WarningMethod::from_id(form.maade.as_deref().unwrap_or(""));
    if method.is_none() {
        errors.push(error(
            &format!("maade-{child_id}"),
            "Vælg, hvordan forældrene er varslet.",
        ));
    }
    let date = form.dato.as_deref().and_then(parse_date);
    match date {
        None => errors.push(error(
            &format!("dato-{child_id}"),
            "Dato: skriv datoen for varslingen (dd.mm.åååå).",
        )),
        Some(d) if d > today || d < Quarter::of(today).first_day() => errors.push(error(
            &format!("dato-{child_id}"),
            "Dato: varslingen skal være givet i dette kvartal og senest i dag.",
        )),
        Some(_) => {}
    }
    let share = running_share(&state, &viewer, child_id).await?;
    let due_now = share
        .as_deref()
        .and_then(|s| s.parse::<f64>().ok())
        .is_some_and(|s| s >= 0.1);
    if !due_now {
        errors.push(error(
            &format!("maade-{child_id}"),
            "Eleven har ikke 10 % ulovligt fravær i kvartalet; der er intet at varsle.",
        ));
    }
    let (Some(method), Some(warned_on), Some(share), true) = (method, date, share, errors.is_empty()) else {
        return Err(rejected(&state, &viewer, granted, &errors).await);
    };
    let mut audit = granted.audit.clone();
    add_criterion(
        &mut audit,
        &format!("varslet ({}) ved {}", method.navn(), share_percent(&share)),
    );
    let warning = NewParentWarning {
        municipality_id: viewer.user.municipality_id,
        child_id,
        quarter: Quarter::of(today),
        share,
        warned_on,
        method,
        recorded_by: viewer.user.id,
        at: now(),
    };
    match state.store.record_parent_warning(&warning, &audit).await {
        Ok(()) => Ok(Redirect::to(&format!("/fravaer/varsling?varslet={child_id}#varsel-{child_id}")).into_response()),
        Err(StoreError::Config(m)) => {
            Err(rejected(&state, &viewer, granted, &[error(&format!("maade-{child_id}"), m)]).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// The list again with the form's errors (422); the refused write is audited with its reason.
async fn rejected(state: &AppState, viewer: &Viewer, granted: Granted, errors: &[FieldError]) -> PageError {
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    if let Err(e) = granted.audit_unchanged(state, &reason).await {
        return e.into();
    }
    match due(state, viewer, "absence.warning.read").await {
        Ok((due, _)) => PageError::unprocessable(list_page(viewer, &due, None, errors)),
        Err(e) => e,
    }
}
