//! Mobning (bullying, `trivsel_domain::bullying`): staff report bullying from a class page with
//! the children involved and their roles and when they first learned of it; the school
//! leadership starts temporary measures, makes the written action plan (a goal-and-intervention
//! plan for a class or a child) within 10 working days, and records that pupils and parents
//! were informed. Overdue plans show on the leadership's front page.
//!
//! Who: a report is made by staff who may write the concerns of every child named in it; the
//! report page is for the institution's leadership, and for staff who see at least one child in
//! it (they see only those children); the leadership manages it. Each child's page shows the
//! reports from that child's perspective: a guardian sees the child's own role and the dates,
//! never another child. Every read and write is audited once per child shown or named.

use std::collections::{BTreeSet, HashMap};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Duration;
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildContext, ChildData, ChildGrant, Resource, can};
use trivsel_domain::bullying::{InvolvedRole, LearnedHow, check_involved, perspective, plan_in_time, plan_overdue};
use trivsel_domain::cases::{PlanAction, PlanContent, Tier};
use trivsel_domain::model::Role;
use trivsel_store::{AuditEntry, BullyingReport, CaseTarget, ClassCard, NewBullyingReport, NewPlan, StoreError};

use crate::kit::access::{Ask, add_criterion, class_resource, entry, refuse};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_past_date, check_text, described, error, error_summary, field, inline_error, invalid,
    parse_date, text, values,
};
use crate::kit::format::format_date;
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const LIST: &str = "/mobning";
const DENIED: &str = "Mobningssager ses af skolens ledelse og trivselsperson og af personale, der arbejder med et af børnene. Forsøget er registreret.";
const DENIED_MANAGE: &str = "Handlingsplan, midlertidige tiltag og orientering registreres af skolens ledelse og trivselsperson. Forsøget er registreret.";
const TEXT_MAX: usize = trivsel_domain::cases::MAX_TEXT_CHARS;

fn path(id: i64) -> String {
    format!("{LIST}/{id}")
}

/// Whether the viewer leads the institution (its leader or trivselsperson).
fn leads(viewer: &Viewer, institution_id: i64) -> bool {
    can(
        &viewer.actor,
        Action::Read,
        &Resource::Institution {
            municipality_id: viewer.user.municipality_id,
            institution_id,
        },
    )
}

/// The plan's state in words: made (in time or late), overdue, or due.
fn plan_status(r: &BullyingReport) -> Markup {
    html! {
        @if let Some((_, on)) = r.plan {
            "Lavet " (format_date(on))
            @if !plan_in_time(r.learned_on, on) { " – " strong.overdue { "efter fristen " (format_date(r.plan_due)) } }
        } @else if plan_overdue(r.learned_on, None, today()) {
            strong.overdue { "Overskredet – frist " (format_date(r.plan_due)) }
        } @else {
            "Frist " (format_date(r.plan_due))
        }
    }
}

// ---------------------------------------------------------------- the new report

/// The classes the viewer works with (a teacher's own, the whole institution for its
/// leadership): those a report can name children from.
async fn own_classes(state: &AppState, viewer: &Viewer) -> Result<Vec<ClassCard>, PageError> {
    let institution = match viewer.user.role {
        Role::Leader | Role::WellbeingPerson => viewer.user.institution_id,
        _ => None,
    };
    let cards = state.store.class_cards(&viewer.actor.class_ids, institution).await?;
    Ok(cards
        .into_iter()
        .filter(|c| c.kind.has_school_days() && can(&viewer.actor, Action::Read, &class_resource(c)))
        .collect())
}

/// The chosen classes, each one the viewer may see (a class the viewer may not is refused and
/// audited), with their pupils today.
async fn chosen(
    state: &AppState,
    viewer: &Viewer,
    ids: &[i64],
    audit_action: &str,
) -> Result<Vec<(ClassCard, Vec<trivsel_store::PupilRow>)>, PageError> {
    let own = own_classes(state, viewer).await?;
    let mut out = Vec::new();
    for id in ids.iter().collect::<BTreeSet<_>>() {
        let Some(card) = own.iter().find(|c| c.id == *id) else {
            return Err(refuse(state, viewer, audit_action, None, format!("klasse {id}"), DENIED).await);
        };
        out.push((card.clone(), state.store.class_pupils(*id, today()).await?));
    }
    Ok(out)
}

/// The form's values as typed.
#[derive(Debug, Clone, Default)]
struct ReportForm {
    description: String,
    digital: bool,
    learned_on: String,
    learned_how: String,
    learned_by: String,
    roles: HashMap<i64, String>,
}

impl ReportForm {
    fn of(fields: &Fields) -> Self {
        let roles = fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("rolle_")?.parse().ok()?, v.trim().to_string())))
            .filter(|(_, v): &(i64, String)| !v.is_empty())
            .collect();
        ReportForm {
            description: field(fields, "beskrivelse").into(),
            digital: field(fields, "digital") == "ja",
            learned_on: field(fields, "kendt_dato").into(),
            learned_how: field(fields, "kendt_hvordan").into(),
            learned_by: field(fields, "kendt_af").into(),
            roles,
        }
    }
}

/// The form: first the classes, then the pupils of the chosen classes with a role each.
pub async fn new_form(State(state): State<AppState>, viewer: Viewer, Query(q): Query<Vec<(String, String)>>) -> Page {
    if !matches!(viewer.user.role, Role::Teacher | Role::Leader | Role::WellbeingPerson) {
        return Err(refuse(
            &state,
            &viewer,
            "bullying.prepare",
            None,
            "ny mobningssag".into(),
            DENIED,
        )
        .await);
    }
    // The classes chosen (`?klasse=1&klasse=2`); a value that is no id is ignored.
    let ids: Vec<i64> = q
        .iter()
        .filter(|(k, _)| k == "klasse")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let classes = chosen(&state, &viewer, &ids, "bullying.prepare").await?;
    let shown: Vec<i64> = classes.iter().flat_map(|(_, p)| p.iter().map(|p| p.id)).collect();
    let row = entry(
        &viewer,
        "bullying.prepare",
        None,
        Some(format!("klasser {ids:?}")),
        true,
    );
    crate::kit::access::audit_shown(&state, &row, false, shown).await?;
    let form = ReportForm {
        learned_on: today().to_string(),
        learned_how: LearnedHow::Oral.id().into(),
        learned_by: viewer.user.name.clone(),
        ..ReportForm::default()
    };
    let own = own_classes(&state, &viewer).await?;
    Ok(form_page(&viewer, &own, &classes, &form, &[]).into_response())
}

fn form_page(
    viewer: &Viewer,
    own: &[ClassCard],
    classes: &[(ClassCard, Vec<trivsel_store::PupilRow>)],
    form: &ReportForm,
    errors: &[FieldError],
) -> Markup {
    let title = "Registrér mobning";
    let chosen: Vec<i64> = classes.iter().map(|(c, _)| c.id).collect();
    shell::page(
        title,
        Some(viewer),
        "",
        html! {
            h1 { (title) }
            p { "Registrér mobning, så snart du får kendskab til den. Skolens ledelse skal lave en skriftlig handlingsplan inden for 10 arbejdsdage fra den dag, en medarbejder fik kendskab til mobningen (undervisningsmiljøloven § 1 c), og sætte midlertidige tiltag i gang med det samme." }
            form.stack method="get" action="/mobning/ny" {
                fieldset.group {
                    legend { "Hvilke klasser går børnene i?" }
                    @for c in own {
                        label.check { input type="checkbox" name="klasse" value=(c.id) checked[chosen.contains(&c.id)]; " " (c.name) }
                    }
                }
                button type="submit" { "Vis eleverne" }
            }
            @if !classes.is_empty() {
                (error_summary(errors))
                form.stack method="post" action=(LIST) novalidate {
                    @for id in &chosen { input type="hidden" name="klasse" value=(id); }
                    label for="beskrivelse" { "Hvad er der sket?" }
                    p.hint id="beskrivelse-hint" { "Beskriv handlingerne og mønsteret, ikke børnenes personlighed." }
                    textarea id="beskrivelse" name="beskrivelse" rows="6" aria-invalid=[invalid(errors, "beskrivelse")]
                        aria-describedby=[described(errors, "beskrivelse").or(Some("beskrivelse-hint".into()))] { (form.description) }
                    (inline_error(errors, "beskrivelse"))
                    label.check { input type="checkbox" name="digital" value="ja" checked[form.digital]; " Digital mobning (fx i en chatgruppe eller på sociale medier)" }
                    label for="kendt_dato" { "Hvornår fik en medarbejder første gang kendskab til det?" }
                    input id="kendt_dato" name="kendt_dato" type="date" value=(form.learned_on) max=(today().to_string())
                        aria-invalid=[invalid(errors, "kendt_dato")] aria-describedby=[described(errors, "kendt_dato")];
                    (inline_error(errors, "kendt_dato"))
                    fieldset.group {
                        legend { "Hvordan?" }
                        @for how in LearnedHow::ALL {
                            label.check { input type="radio" name="kendt_hvordan" value=(how.id()) checked[form.learned_how == how.id()]; " " (how.navn()) }
                        }
                    }
                    label for="kendt_af" { "Hvem fik kendskab til det?" }
                    input id="kendt_af" name="kendt_af" type="text" value=(form.learned_by)
                        aria-invalid=[invalid(errors, "kendt_af")] aria-describedby=[described(errors, "kendt_af")];
                    (inline_error(errors, "kendt_af"))
                    h2 id="boern" tabindex="-1" { "Børnene og deres roller" }
                    (inline_error(errors, "boern"))
                    @for (class, pupils) in classes {
                        table.stacked {
                            caption { (class.name) }
                            thead { tr { th scope="col" { "Elev" } th scope="col" { "Rolle" } } }
                            tbody {
                                @for p in pupils {
                                    @let id = format!("rolle_{}", p.id);
                                    @let current = form.roles.get(&p.id).map_or("", String::as_str);
                                    tr {
                                        th scope="row" data-label="Elev" { label for=(id) { (p.given_name) " " (p.family_name) } }
                                        td data-label="Rolle" {
                                            select id=(id) name=(id) {
                                                option value="" selected[current.is_empty()] { "Ikke involveret" }
                                                @for role in InvolvedRole::ALL {
                                                    option value=(role.id()) selected[current == role.id()] { (role.navn()) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    button type="submit" { "Registrér mobning" }
                }
            }
        },
    )
}

/// Stores the report, with one audit row per child named.
pub async fn create(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    if !matches!(viewer.user.role, Role::Teacher | Role::Leader | Role::WellbeingPerson) {
        return Err(refuse(
            &state,
            &viewer,
            "bullying.create",
            None,
            "ny mobningssag".into(),
            DENIED,
        )
        .await);
    }
    let class_ids: Vec<i64> = values(&fields, "klasse")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let classes = chosen(&state, &viewer, &class_ids, "bullying.create").await?;
    let form = ReportForm::of(&fields);
    // Every child named must be a pupil of a chosen class whose concerns the viewer may write.
    let mut children = Vec::new();
    let mut errors = Vec::new();
    for (child, role) in &form.roles {
        let listed = classes.iter().any(|(_, pupils)| pupils.iter().any(|p| p.id == *child));
        let context = state.store.child_context(*child, today()).await?;
        let writes =
            context.is_some_and(|c| can(&viewer.actor, Action::Write, &Resource::Child(&c, ChildData::Concerns)));
        if !listed || !writes {
            return Err(refuse(
                &state,
                &viewer,
                "bullying.create",
                Some(*child),
                "mobningssag".into(),
                DENIED,
            )
            .await);
        }
        match InvolvedRole::from_id(role) {
            Some(role) => children.push((*child, role)),
            None => errors.push(error(&format!("rolle_{child}"), "Rolle: vælg en af rollerne.")),
        }
    }
    children.sort_by_key(|(c, role)| (*role, *c));
    let description = check_text(
        &mut errors,
        "beskrivelse",
        "Hvad er der sket",
        &form.description,
        true,
        TEXT_MAX,
    );
    let learned_by = check_text(
        &mut errors,
        "kendt_af",
        "Hvem fik kendskab til det",
        &form.learned_by,
        true,
        200,
    );
    let learned_on = check_past_date(&mut errors, "kendt_dato", "Kendskab", &form.learned_on);
    let learned_how = LearnedHow::from_id(&form.learned_how).unwrap_or(LearnedHow::Oral);
    if let Err(message) = check_involved(&children) {
        errors.push(error("boern", message));
    }
    let institution = viewer.user.institution_id;
    let (Some(learned_on), Some(institution_id), true) = (learned_on, institution, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        let mut audit = entry(&viewer, "bullying.create", None, None, true);
        add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
        state.store.audit(&audit).await?;
        let own = own_classes(&state, &viewer).await?;
        return Err(PageError::unprocessable(form_page(
            &viewer, &own, &classes, &form, &errors,
        )));
    };
    let new = NewBullyingReport {
        institution_id,
        created_by: viewer.user.id,
        description,
        digital: form.digital,
        learned_on,
        learned_how,
        learned_by,
        children: children.clone(),
        at: now(),
    };
    let audits: Vec<AuditEntry> = children
        .iter()
        .map(|(c, role)| {
            entry(
                &viewer,
                "bullying.create",
                Some(*c),
                Some(format!("rolle {}", role.navn())),
                true,
            )
        })
        .collect();
    let id = state.store.create_bullying_report(&new, &audits).await?;
    Ok(Redirect::to(&format!("{}?gemt=1", path(id))).into_response())
}

// ---------------------------------------------------------------- one report

/// A report as the viewer may see it: the children shown (with names) and how many are not.
struct Seen {
    report: BullyingReport,
    leads: bool,
    names: HashMap<i64, String>,
    hidden: usize,
}

/// The report, if the viewer leads its institution or sees one of its children (staff only);
/// otherwise refused and audited like an unknown id. A read's rows (one per child shown) are
/// written; a write's are handed back.
async fn authorize_report(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    write: bool,
    audit_action: &str,
) -> Result<(Seen, Vec<AuditEntry>), PageError> {
    let report = state.store.bullying_report(id).await?;
    let mut shown = Vec::new();
    if let Some(r) = &report
        && viewer.user.role.is_staff()
    {
        for (child, _) in &r.children {
            let context = state.store.child_context(*child, today()).await?;
            if context.is_some_and(|c| can(&viewer.actor, Action::Read, &Resource::Child(&c, ChildData::Bullying))) {
                shown.push(*child);
            }
        }
    }
    let leading = report.as_ref().is_some_and(|r| leads(viewer, r.institution_id));
    let allowed =
        report.is_some() && viewer.user.role.is_staff() && (!shown.is_empty() || leading) && (!write || leading);
    let criterion = format!("mobningssag {id}");
    if !allowed {
        let denied = if write { DENIED_MANAGE } else { DENIED };
        return Err(refuse(state, viewer, audit_action, None, criterion, denied).await);
    }
    let criterion = Some(criterion);
    let report = report.expect("allowed");
    let audits: Vec<AuditEntry> = if write {
        report
            .children
            .iter()
            .map(|(c, _)| entry(viewer, audit_action, Some(*c), criterion.clone(), true))
            .collect()
    } else {
        shown
            .iter()
            .map(|c| entry(viewer, audit_action, Some(*c), criterion.clone(), true))
            .collect()
    };
    if !write {
        let mut rows = vec![entry(viewer, audit_action, None, criterion.clone(), true)];
        rows.extend(audits.iter().cloned());
        state.store.audit_all(&rows).await?;
    }
    let names = state.store.child_names(&shown).await?;
    let hidden = report.children.len() - shown.len();
    Ok((
        Seen {
            report,
            leads: leading,
            names,
            hidden,
        },
        if write { audits } else { Vec::new() },
    ))
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    gemt: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Page {
    let (seen, _) = authorize_report(&state, &viewer, id, false, "bullying.read").await?;
    Ok(report_page(&state, &viewer, &seen, q.gemt.is_some(), &[])
        .await?
        .into_response())
}

/// The classes of the children shown today, and the exposed children shown: what a plan can be
/// for.
async fn plan_targets(state: &AppState, seen: &Seen) -> Result<Vec<(String, String)>, PageError> {
    let mut targets = Vec::new();
    let mut classes = BTreeSet::new();
    for (child, _) in &seen.report.children {
        if seen.names.contains_key(child)
            && let Some(context) = state.store.child_context(*child, today()).await?
        {
            classes.extend(context.class_ids);
        }
    }
    for class in classes {
        if let Some(card) = state.store.class_card(class).await? {
            targets.push((format!("klasse:{}", card.id), format!("Klassen {}", card.name)));
        }
    }
    for (child, role) in &seen.report.children {
        if *role == InvolvedRole::Exposed
            && let Some(name) = seen.names.get(child)
        {
            targets.push((format!("barn:{child}"), name.clone()));
        }
    }
    Ok(targets)
}

async fn report_page(
    state: &AppState,
    viewer: &Viewer,
    seen: &Seen,
    saved: bool,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let r = &seen.report;
    let title = format!("Mobning – kendt fra {}", format_date(r.learned_on));
    let targets = if seen.leads && r.plan.is_none() {
        plan_targets(state, seen).await?
    } else {
        Vec::new()
    };
    let today = today();
    Ok(shell::page(
        &title,
        Some(viewer),
        "",
        html! {
            @if seen.leads { p.no-print { a href=(LIST) { "← Skolens mobningssager" } } }
            @if saved { p.notice role="status" { "Mobningen er registreret. Skolens ledelse skal lave en skriftlig handlingsplan senest " (format_date(r.plan_due)) "." } }
            h1 { (title) }
            dl.facts {
                dt { "Kendskab" } dd { (format_date(r.learned_on)) ", " (r.learned_how.navn().to_lowercase()) ", " (r.learned_by) }
                dt { "Digital mobning" } dd { @if r.digital { "Ja" } @else { "Nej" } }
                dt { "Registreret af" } dd { (r.created_by_name) }
                dt { "Handlingsplan" } dd { (plan_status(r)) }
            }
            h2 { "Hvad er der sket" }
            (text(&r.description))
            h2 { "Børnene" }
            ul {
                @for (child, role) in &r.children {
                    @if let Some(name) = seen.names.get(child) {
                        li { a href=(links::child(*child)) { (name) } " – " (role.navn()) }
                    }
                }
            }
            @if seen.hidden > 0 {
                p.hint { (seen.hidden) @if seen.hidden == 1 { " barn mere" } @else { " børn mere" } ", som du ikke har adgang til." }
            }
            (error_summary(errors))
            section aria-labelledby="tiltag-titel" {
                h2 id="tiltag-titel" { "Midlertidige tiltag" }
                @if let Some((measures, on)) = &r.measures {
                    p.meta { "Sat i gang " (format_date(*on)) }
                    (text(measures))
                } @else {
                    p { "Ingen midlertidige tiltag registreret." }
                }
                @if seen.leads {
                    form.stack method="post" action={ (path(r.id)) "/tiltag" } novalidate {
                        label for="tiltag" { "Midlertidige tiltag (sættes i gang med det samme)" }
                        textarea id="tiltag" name="tiltag" rows="3" aria-invalid=[invalid(errors, "tiltag")] aria-describedby=[described(errors, "tiltag")] {
                            @if let Some((m, _)) = &r.measures { (m) }
                        }
                        (inline_error(errors, "tiltag"))
                        label for="tiltag_dato" { "Sat i gang den" }
                        input id="tiltag_dato" name="dato" type="date" value=(today.to_string()) max=(today.to_string())
                            aria-invalid=[invalid(errors, "tiltag_dato")] aria-describedby=[described(errors, "tiltag_dato")];
                        (inline_error(errors, "tiltag_dato"))
                        button type="submit" { "Gem midlertidige tiltag" }
                    }
                }
            }
            section aria-labelledby="plan-titel" {
                h2 id="plan-titel" { "Skriftlig handlingsplan" }
                @if let Some((plan, on)) = r.plan {
                    p { a href=(links::plan(plan)) { "Handlingsplanen" } " blev lavet " (format_date(on)) "." }
                } @else {
                    p { (plan_status(r)) }
                    @if seen.leads {
                        form.stack method="post" action={ (path(r.id)) "/handlingsplan" } novalidate {
                            fieldset.group id="for" {
                                legend { "Planen gælder" }
                                @for (i, (value, label)) in targets.iter().enumerate() {
                                    label.check { input type="radio" name="for" value=(value) checked[i == 0]; " " (label) }
                                }
                                (inline_error(errors, "for"))
                            }
                            label for="maal" { "Mål" }
                            textarea id="maal" name="maal" rows="3" aria-invalid=[invalid(errors, "maal")] aria-describedby=[described(errors, "maal")] {}
                            (inline_error(errors, "maal"))
                            label for="indsats" { "Tiltag" }
                            textarea id="indsats" name="indsats" rows="3" aria-invalid=[invalid(errors, "indsats")] aria-describedby=[described(errors, "indsats")] {}
                            (inline_error(errors, "indsats"))
                            label for="evaluering" { "Evalueringsdato" }
                            input id="evaluering" name="evaluering" type="date" value=((today + Duration::days(28)).to_string()) min=(today.to_string())
                                aria-invalid=[invalid(errors, "evaluering")] aria-describedby=[described(errors, "evaluering")];
                            (inline_error(errors, "evaluering"))
                            button type="submit" { "Lav handlingsplanen" }
                        }
                    }
                }
            }
            section aria-labelledby="orientering-titel" {
                h2 id="orientering-titel" { "Orientering af elever og forældre" }
                @if let Some((on, note)) = &r.informed {
                    p { "Eleverne og forældrene er orienteret om planens indhold " (format_date(*on)) "." }
                    @if let Some(note) = note { (text(note)) }
                } @else {
                    p { "Eleverne og forældrene er ikke orienteret om planen endnu." }
                    @if seen.leads && r.plan.is_some() {
                        form.stack method="post" action={ (path(r.id)) "/orientering" } novalidate {
                            label for="orienteret" { "Orienteret den" }
                            input id="orienteret" name="dato" type="date" value=(today.to_string()) max=(today.to_string())
                                aria-invalid=[invalid(errors, "orienteret")] aria-describedby=[described(errors, "orienteret")];
                            (inline_error(errors, "orienteret"))
                            label for="hvordan" { "Hvordan (valgfrit)" }
                            input id="hvordan" name="hvordan" type="text" placeholder="Fx møde med forældrene, brev i forældreintra";
                            button type="submit" { "Registrér orienteringen" }
                        }
                    }
                }
            }
        },
    ))
}

/// Nothing stored: audits why and shows the report with the errors (422).
async fn unchanged(state: &AppState, viewer: &Viewer, id: i64, audits: &[AuditEntry], errors: &[FieldError]) -> Page {
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    let mut rows = audits.to_vec();
    for row in &mut rows {
        add_criterion(row, &format!("ikke gemt: {reason}"));
    }
    state.store.audit_all(&rows).await?;
    let (seen, _) = authorize_report(state, viewer, id, false, "bullying.read").await?;
    Err(PageError::unprocessable(
        report_page(state, viewer, &seen, false, errors).await?,
    ))
}

fn stored(
    result: Result<(), StoreError>,
    id: i64,
    field: &str,
) -> Result<Result<Response, Vec<FieldError>>, PageError> {
    match result {
        Ok(()) => Ok(Ok(Redirect::to(&path(id)).into_response())),
        Err(StoreError::Config(message)) => Ok(Err(vec![error(field, message)])),
        Err(e) => Err(e.into()),
    }
}

type Response = axum::response::Response;

pub async fn record_measures(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (_, audits) = authorize_report(&state, &viewer, id, true, "bullying.measures").await?;
    let mut errors = Vec::new();
    let measures = check_text(
        &mut errors,
        "tiltag",
        "Midlertidige tiltag",
        field(&fields, "tiltag"),
        true,
        TEXT_MAX,
    );
    let on = check_past_date(&mut errors, "tiltag_dato", "Sat i gang", field(&fields, "dato"));
    let (Some(on), true) = (on, errors.is_empty()) else {
        return unchanged(&state, &viewer, id, &audits, &errors).await;
    };
    let result = state.store.record_bullying_measures(id, &measures, on, &audits).await;
    match stored(result, id, "tiltag_dato")? {
        Ok(done) => Ok(done),
        Err(errors) => unchanged(&state, &viewer, id, &audits, &errors).await,
    }
}

pub async fn create_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (seen, audits) = authorize_report(&state, &viewer, id, true, "bullying.plan").await?;
    let targets = plan_targets(&state, &seen).await?;
    let mut errors = Vec::new();
    let chosen = field(&fields, "for");
    let target = targets
        .iter()
        .find(|(value, _)| value == chosen)
        .and_then(|(value, label)| {
            let (kind, id) = value.split_once(':')?;
            let id: i64 = id.parse().ok()?;
            Some(match kind {
                "klasse" => (CaseTarget::Class(id), label.clone()),
                _ => (CaseTarget::Child(id), label.clone()),
            })
        });
    if target.is_none() {
        errors.push(error("for", "Planen gælder: vælg klassen eller barnet."));
    }
    let goals = check_text(&mut errors, "maal", "Mål", field(&fields, "maal"), true, TEXT_MAX);
    let action = check_text(
        &mut errors,
        "indsats",
        "Tiltag",
        field(&fields, "indsats"),
        true,
        TEXT_MAX,
    );
    let today = today();
    let evaluation = match parse_date(field(&fields, "evaluering")) {
        Some(d) if d > today => Some(d),
        _ => {
            errors.push(error("evaluering", "Evalueringsdato: vælg en dato efter i dag."));
            None
        }
    };
    let (Some((target, for_whom)), Some(evaluation), true) = (target, evaluation, errors.is_empty()) else {
        return unchanged(&state, &viewer, id, &audits, &errors).await;
    };
    let plan = NewPlan {
        institution_id: seen.report.institution_id,
        target,
        tier: Tier::Preventive,
        title: format!("Handlingsplan mod mobning – {for_whom}"),
        content: PlanContent {
            context: format!(
                "Skriftlig handlingsplan efter undervisningsmiljøloven § 1 c; mobning kendt fra {}.",
                format_date(seen.report.learned_on)
            ),
            goals,
            actions: vec![PlanAction {
                what: action,
                responsible_user_id: Some(viewer.user.id),
                responsible_name: viewer.user.name.clone(),
                from: today,
                to: evaluation,
            }],
            evaluation_dates: vec![evaluation],
            ..PlanContent::default()
        },
        by: viewer.user.id,
        at: now(),
    };
    match state.store.create_bullying_plan(id, &plan, today, &audits).await {
        Ok(_) => Ok(Redirect::to(&path(id)).into_response()),
        Err(StoreError::Config(message)) => unchanged(&state, &viewer, id, &audits, &[error("for", message)]).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn record_informed(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let (_, audits) = authorize_report(&state, &viewer, id, true, "bullying.informed").await?;
    let mut errors = Vec::new();
    let on = check_past_date(&mut errors, "orienteret", "Orienteret", field(&fields, "dato"));
    let how = check_text(&mut errors, "hvordan", "Hvordan", field(&fields, "hvordan"), false, 500);
    let (Some(on), true) = (on, errors.is_empty()) else {
        return unchanged(&state, &viewer, id, &audits, &errors).await;
    };
    let result = state.store.record_bullying_informed(id, on, &how, &audits).await;
    match stored(result, id, "orienteret")? {
        Ok(done) => Ok(done),
        Err(errors) => unchanged(&state, &viewer, id, &audits, &errors).await,
    }
}

// ---------------------------------------------------------------- lists and panels

/// The institution's reports for its leadership, those without a plan first.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Page {
    let ask = Ask {
        audit_action: "bullying.list",
        child_id: None,
        criterion: Some("skolens mobningssager".into()),
        denied: "Skolens mobningssager ses af skolens ledelse og trivselsperson. Forsøget er registreret.",
    };
    let (institution_id, _) = crate::kit::access::authorize_own_institution(&state, &viewer, Action::Read, ask).await?;
    let mut reports = state.store.institution_bullying_reports(institution_id).await?;
    reports.sort_by_key(|r| (r.plan.is_some(), r.plan_due));
    let title = "Mobning";
    Ok(shell::page(title, Some(&viewer), LIST, html! {
        h1 { (title) }
        p { a href="/mobning/ny" { strong { "Registrér mobning" } } }
        @if reports.is_empty() {
            p { "Der er ingen mobningssager." }
        } @else {
            table.stacked {
                thead { tr {
                    th scope="col" { "Kendt fra" } th scope="col" { "Børn" } th scope="col" { "Handlingsplan" }
                    th scope="col" { "Midlertidige tiltag" } th scope="col" { "Orienteret" }
                } }
                tbody {
                    @for r in &reports {
                        tr {
                            td data-label="Kendt fra" { a href=(path(r.id)) { (format_date(r.learned_on)) } @if r.digital { " (digital)" } }
                            td data-label="Børn" { (r.children.len()) }
                            td data-label="Handlingsplan" { (plan_status(r)) }
                            td data-label="Midlertidige tiltag" { @if let Some((_, on)) = &r.measures { (format_date(*on)) } @else { "–" } }
                            td data-label="Orienteret" { @if let Some((on, _)) = &r.informed { (format_date(*on)) } @else { "–" } }
                        }
                    }
                }
            }
        }
    }).into_response())
}

pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

/// For a school's leadership: reports waiting for their action plan, and how many are overdue.
async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let Some(institution_id) = viewer.user.institution_id.filter(|i| leads(viewer, *i)) else {
        return Ok(None);
    };
    if viewer.institution_kind.is_some_and(|k| !k.has_school_days()) {
        return Ok(None);
    }
    let reports = state.store.institution_bullying_reports(institution_id).await?;
    let waiting: Vec<_> = reports.iter().filter(|r| r.plan.is_none()).collect();
    let overdue = waiting
        .iter()
        .filter(|r| plan_overdue(r.learned_on, None, today()))
        .count();
    Ok(Some(html! {
        section aria-labelledby="mobning-titel" {
            h2 id="mobning-titel" { "Mobning" }
            p {
                @if waiting.is_empty() {
                    a href=(LIST) { "Ingen mobningssager" } " venter på en handlingsplan."
                } @else {
                    a href=(LIST) { (waiting.len()) @if waiting.len() == 1 { " mobningssag venter" } @else { " mobningssager venter" } }
                    " på en skriftlig handlingsplan"
                    @if overdue > 0 { ", " strong.overdue { (overdue) " efter fristen på 10 arbejdsdage" } }
                    "."
                }
            }
        }
    }))
}

pub fn class_panel<'a>(_state: &'a AppState, viewer: &'a Viewer, card: &'a ClassCard) -> PanelFuture<'a> {
    Box::pin(async move {
        let shown = card.kind.has_school_days()
            && matches!(viewer.user.role, Role::Teacher | Role::Leader | Role::WellbeingPerson);
        Ok(shown.then(|| {
            html! {
                p { a href={ "/mobning/ny?klasse=" (card.id) } { "Registrér mobning i klassen" } }
            }
        }))
    })
}

pub fn child_panel<'a>(
    state: &'a AppState,
    viewer: &'a Viewer,
    context: &'a ChildContext,
    grant: ChildGrant,
) -> PanelFuture<'a> {
    Box::pin(child_section(state, viewer, context, grant))
}

/// The child's reports from the child's perspective: staff see the child's role with a link to
/// the report; a guardian sees the role, the dates and the measures, never another child.
async fn child_section(
    state: &AppState,
    viewer: &Viewer,
    context: &ChildContext,
    grant: ChildGrant,
) -> Result<Option<Markup>, PageError> {
    if !can(
        &viewer.actor,
        Action::Read,
        &Resource::Child(context, ChildData::Bullying),
    ) {
        return Ok(None);
    }
    let reports = state.store.child_bullying_reports(grant).await?;
    if reports.is_empty() {
        return Ok(None);
    }
    let staff = viewer.user.role.is_staff();
    let entries: Vec<_> = reports
        .iter()
        .filter_map(|r| Some((r, perspective(context.child_id, &r.children)?)))
        .collect();
    state
        .store
        .audit(&entry(viewer, "bullying.child", Some(context.child_id), None, true))
        .await?;
    Ok(Some(html! {
        section aria-labelledby="mobning-barn" {
            h2 id="mobning-barn" { "Mobning" }
            ul.cards {
                @for (r, p) in &entries {
                    li.card {
                        p {
                            strong { @if staff { a href=(path(r.id)) { "Mobning kendt fra " (format_date(r.learned_on)) } } @else { "Mobning kendt fra " (format_date(r.learned_on)) } }
                            @if r.digital { " (digital)" }
                        }
                        p { @if staff { "Rolle: " } @else { "Dit barn er registreret som: " } (p.role.navn().to_lowercase()) }
                        @if let Some((_, on)) = &r.measures { p { "Midlertidige tiltag sat i gang " (format_date(*on)) "." } }
                        p { "Skriftlig handlingsplan: " (plan_status(r)) }
                        @if let Some((on, _)) = &r.informed { p { "Orientering om planen: " (format_date(*on)) } }
                    }
                }
            }
        }
    }))
}
