//! Bekymringer, kronologi, indsatstrin, PPV og PKU-henvisning (concerns, a child's chronology,
//! tiers with the escalation guard, PPV registration and the PKU referral with its printable
//! bundle), for a child and for a class (the learning community).
//!
//! Every handler goes through `kit::access::authorize` (concerns, chronology and tiers are
//! `ChildData::Concerns`, staff only; a class is `Resource::Class`), which audits the outcome,
//! allowed or denied. A write passes its audit row to the store, so it is written in the
//! change's transaction.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildData, Scope};
use trivsel_domain::cases::{
    ChronologyKind, ConcernCategory, EscalationDecision, EscalationRefusal, MAX_TEXT_CHARS, Missing, Severity, Tier,
    decide_escalation, escalation_missing,
};
use trivsel_domain::meetings::{ConsentAction, check_consent};
use trivsel_domain::model::Role;
use trivsel_store::{CaseTarget, NewConcern, NewPkuReferral, NewTierChange};

use crate::cases::nav::case_nav;
use crate::kit::access::{Allowed, Subject, add_criterion, authorize, may};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_past_date, check_text, described, error, error_summary, field, inline_error, invalid,
    text, values,
};
use crate::kit::format::{format_date, format_time};
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

// ---------------------------------------------------------------------------------------------
// Bekymringer (concerns)

/// The concern form's submitted values, to show again with errors.
#[derive(Debug, Clone, Default)]
struct ConcernForm {
    date: String,
    categories: Vec<String>,
    description: String,
    severity: String,
}

impl ConcernForm {
    fn fresh() -> Self {
        ConcernForm {
            date: today().to_string(),
            ..ConcernForm::default()
        }
    }

    fn of(fields: &Fields) -> Self {
        ConcernForm {
            date: field(fields, "dato").into(),
            categories: values(fields, "kategori").into_iter().map(String::from).collect(),
            description: field(fields, "beskrivelse").into(),
            severity: field(fields, "alvor").into(),
        }
    }
}

pub async fn child_concerns(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    concerns(state, viewer, CaseTarget::Child(id)).await
}

pub async fn class_concerns(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    concerns(state, viewer, CaseTarget::Class(id)).await
}

async fn concerns(state: AppState, viewer: Viewer, target: CaseTarget) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Read,
        ChildData::Concerns,
        "concern.read",
        None,
    )
    .await?;
    let page = concerns_page(&state, &viewer, &allowed.subject, &ConcernForm::fresh(), &[]).await?;
    Ok(page.into_response())
}

async fn concerns_page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    form: &ConcernForm,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let list = match subject {
        Subject::Child { grant, .. } => state.store.concerns_of_child(*grant).await,
        Subject::Class(card) => state.store.concerns_of_class(card.id).await,
    }?;
    let base = subject.base();
    let writable = may(viewer, subject, Action::Write, ChildData::Concerns);
    let title = format!("Bekymringer – {}", subject.name());
    let body = html! {
        (case_nav(viewer, subject, &format!("{base}/bekymringer")))
        h1 { (title) }
        (error_summary(errors))
        @if writable {
            section.no-print aria-labelledby="ny-bekymring" {
                h2 id="ny-bekymring" { "Registrér en bekymring eller observation" }
                form.stack method="post" action={ (base) "/bekymringer" } novalidate {
                    label for="dato" { "Dato" }
                    input id="dato" name="dato" type="date" required value=(form.date) max=(today().to_string())
                        aria-invalid=[invalid(errors, "dato")] aria-describedby=[described(errors, "dato")];
                    (inline_error(errors, "dato"))
                    fieldset aria-describedby=[described(errors, "kategori-faglig")] {
                        legend { "Kategorier (vælg en eller flere)" }
                        @for c in ConcernCategory::ALL {
                            label.check {
                                input type="checkbox" name="kategori" value=(c.id()) id={ "kategori-" (c.id()) }
                                    checked[form.categories.iter().any(|v| v == c.id())];
                                (c.navn())
                            }
                        }
                        (inline_error(errors, "kategori-faglig"))
                    }
                    label for="beskrivelse" { "Beskrivelse" }
                    textarea id="beskrivelse" name="beskrivelse" rows="5" required
                        aria-invalid=[invalid(errors, "beskrivelse")] aria-describedby=[described(errors, "beskrivelse")] {
                        (form.description)
                    }
                    (inline_error(errors, "beskrivelse"))
                    fieldset aria-describedby=[described(errors, "alvor-lav")] {
                        legend { "Hvor alvorlig er bekymringen?" }
                        @for s in Severity::ALL {
                            label.check {
                                input type="radio" name="alvor" value=(s.id()) id={ "alvor-" (s.id()) }
                                    checked[form.severity == s.id()];
                                (s.navn())
                            }
                        }
                        (inline_error(errors, "alvor-lav"))
                    }
                    button type="submit" { "Registrér bekymring" }
                }
            }
        }
        section aria-labelledby="bekymringer-titel" {
            h2 id="bekymringer-titel" { "Registrerede bekymringer (" (list.len()) ")" }
            @if list.is_empty() {
                p { "Der er ikke registreret bekymringer." }
            }
            @for c in &list {
                article.entry id={ "bekymring-" (c.id) } {
                    h3 { (format_date(c.date)) " – alvor: " (c.severity.navn()) }
                    p.meta {
                        "Kategorier: " (c.categories.iter().map(|k| k.navn()).collect::<Vec<_>>().join(", "))
                        " · registreret af " (c.created_by_name) ", " (format_time(c.created_at))
                    }
                    (text(&c.description))
                }
            }
        }
    };
    Ok(shell::page(&title, Some(viewer), "", body))
}

pub async fn add_child_concern(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    add_concern(state, viewer, CaseTarget::Child(id), fields).await
}

pub async fn add_class_concern(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    add_concern(state, viewer, CaseTarget::Class(id), fields).await
}

async fn add_concern(state: AppState, viewer: Viewer, target: CaseTarget, fields: Fields) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Write,
        ChildData::Concerns,
        "concern.create",
        None,
    )
    .await?;
    let form = ConcernForm::of(&fields);
    let mut errors = Vec::new();
    let date = check_past_date(&mut errors, "dato", "Dato", &form.date);
    let mut categories = Vec::new();
    for v in &form.categories {
        match ConcernCategory::from_id(v) {
            Some(c) => categories.push(c),
            None => errors.push(error(
                "kategori-faglig",
                format!("Kategorier: «{v}» er ikke en kendt kategori."),
            )),
        }
    }
    if form.categories.is_empty() {
        errors.push(error("kategori-faglig", "Kategorier: vælg mindst én kategori."));
    }
    let description = check_text(
        &mut errors,
        "beskrivelse",
        "Beskrivelse",
        &form.description,
        true,
        MAX_TEXT_CHARS,
    );
    let severity = Severity::from_id(&form.severity);
    if severity.is_none() {
        errors.push(error(
            "alvor-lav",
            "Hvor alvorlig er bekymringen: vælg lav, middel eller høj.",
        ));
    }
    let institution_id = allowed.subject.institution_for(&viewer);
    if institution_id.is_none() {
        errors.push(error(
            "dato",
            "Barnet er ikke indskrevet på en institution i dag, så bekymringen kan ikke registreres.",
        ));
    }
    let (Some(date), Some(severity), Some(institution_id), true) = (date, severity, institution_id, errors.is_empty())
    else {
        allowed.audit_unchanged(&state, "fejl i formularen").await?;
        let page = concerns_page(&state, &viewer, &allowed.subject, &form, &errors).await?;
        return Err(PageError::unprocessable(page));
    };
    let concern = NewConcern {
        institution_id,
        target,
        date,
        description,
        severity,
        categories,
        by: viewer.user.id,
        at: now(),
    };
    let id = state.store.add_concern(&concern, &allowed.audit).await?;
    Ok(Redirect::to(&format!("{}/bekymringer#bekymring-{id}", allowed.subject.base())).into_response())
}

// ---------------------------------------------------------------------------------------------
// Kronologi (a child's chronology)

#[derive(Deserialize, Default)]
pub struct ChronologyQuery {
    /// Kind of entry (`ChronologyKind` id); empty for all.
    art: Option<String>,
    /// Concern category id; empty for all.
    kategori: Option<String>,
}

pub async fn chronology(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<ChronologyQuery>,
) -> Page {
    let kind = q.art.as_deref().and_then(ChronologyKind::from_id);
    let category = q.kategori.as_deref().and_then(ConcernCategory::from_id);
    let criterion = match (kind, category) {
        (None, None) => None,
        _ => Some(format!(
            "filter: {} {}",
            kind.map_or("alle", |k| k.id()),
            category.map_or("alle", |c| c.id())
        )),
    };
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Child(id),
        Action::Read,
        ChildData::Concerns,
        "chronology.read",
        criterion,
    )
    .await?;
    let items = state.store.chronology(allowed.subject.grant()).await?;
    let total = items.len();
    let shown: Vec<_> = items
        .into_iter()
        .filter(|i| kind.is_none_or(|k| i.kind == k))
        .filter(|i| category.is_none_or(|c| i.categories.contains(&c)))
        .collect();
    let subject = &allowed.subject;
    let base = subject.base();
    let title = format!("Kronologi – {}", subject.name());
    let link = |i: &trivsel_store::ChronologyItem| -> Option<String> {
        match i.kind {
            ChronologyKind::Plan | ChronologyKind::PlanVersion => Some(format!("/planer/{}", i.ref_id)),
            ChronologyKind::Concern => Some(format!("{base}/bekymringer#bekymring-{}", i.ref_id)),
            ChronologyKind::Pku => Some(format!("{base}/pku/{}", i.ref_id)),
            ChronologyKind::Consent => Some(links::child_page(id, "samtykker")),
            ChronologyKind::Meeting => Some(links::meeting(i.ref_id)),
            ChronologyKind::Assignment => Some(links::child_page(id, "raadgivere")),
            ChronologyKind::Assessment => Some(links::child_page(id, "trafiklys")),
            _ => None,
        }
    };
    let body = html! {
        (case_nav(&viewer, subject, &format!("{base}/kronologi")))
        h1 { (title) }
        p { "Bekymringer, fraværsadvarsler, planer og evalueringer, indsatstrin, PPV, PKU-henvisninger, "
            "klassekonferencer og samtykker, nyeste først." }
        form.inline.no-print method="get" action={ (base) "/kronologi" } {
            label for="art" { "Art" }
            select id="art" name="art" {
                option value="" { "Alle" }
                @for k in ChronologyKind::ALL {
                    option value=(k.id()) selected[kind == Some(*k)] { (k.navn()) }
                }
            }
            label for="kategori" { "Kategori" }
            select id="kategori" name="kategori" {
                option value="" { "Alle" }
                @for c in ConcernCategory::ALL {
                    option value=(c.id()) selected[category == Some(*c)] { (c.navn()) }
                }
            }
            button type="submit" { "Filtrér" }
            button.print type="button" hidden { "Udskriv" }
        }
        p role="status" {
            "Viser " (shown.len()) " af " (total) " hændelser"
            @if kind.is_some() || category.is_some() { " (filtreret)" } "."
            span.no-print { " Siden kan udskrives; menuer og formularer kommer ikke med." }
        }
        @if shown.is_empty() {
            p { "Ingen hændelser." }
        } @else {
            ol.chronology {
                @for i in &shown {
                    li {
                        article.entry {
                            h2 {
                                span.date { (format_date(i.date)) }
                                " "
                                span.kind { (i.kind.navn()) }
                                " – "
                                @if let Some(href) = link(i) { a href=(href) { (i.title) } } @else { (i.title) }
                            }
                            @if !i.categories.is_empty() {
                                p.meta { "Kategorier: " (i.categories.iter().map(|c| c.navn()).collect::<Vec<_>>().join(", ")) }
                            }
                            @if !i.summary.trim().is_empty() { p.text { (i.summary) } }
                            @if let Some(by) = &i.by { p.meta { "Registreret af " (by) } }
                        }
                    }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(&viewer), "", body).into_response())
}

// ---------------------------------------------------------------------------------------------
// Indsatstrin, PPV og PKU (tiers, PPV, PKU referral)

/// The values of the tier page's three forms, to show again with errors.
#[derive(Debug, Clone, Default)]
struct TierForms {
    tier: String,
    reason: String,
    justification: String,
    ppv_date: String,
    ppv_reference: String,
    pku_date: String,
    pku_note: String,
    pku_justification: String,
    pku_psychologist: String,
    pku_psychologist_date: String,
}

impl TierForms {
    fn fresh() -> Self {
        TierForms {
            ppv_date: today().to_string(),
            pku_date: today().to_string(),
            pku_psychologist_date: today().to_string(),
            ..TierForms::default()
        }
    }
}

/// A met prerequisite, said positively (the checklist shows missing ones with the guard's own
/// message).
fn met(m: Missing) -> &'static str {
    match m {
        Missing::NoPpv => "Der er registreret en pædagogisk-psykologisk vurdering (PPV)",
        Missing::NoEvaluatedPreventivePlan => "Der er en plan på forebyggende niveau med mindst én evaluering",
        Missing::NoEvaluatedAnticipatoryPlan => "Der er en plan på foregribende niveau med mindst én evaluering",
        Missing::NoCurrentPlan => "Der er en gældende mål- og indsatsplan",
    }
}

const ALL_MISSING: [Missing; 4] = [
    Missing::NoPpv,
    Missing::NoEvaluatedPreventivePlan,
    Missing::NoEvaluatedAnticipatoryPlan,
    Missing::NoCurrentPlan,
];

fn is_leader(viewer: &Viewer) -> bool {
    viewer.user.role == Role::Leader
}

pub async fn child_tiers(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    tiers(state, viewer, CaseTarget::Child(id)).await
}

pub async fn class_tiers(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    tiers(state, viewer, CaseTarget::Class(id)).await
}

async fn tiers(state: AppState, viewer: Viewer, target: CaseTarget) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Read,
        ChildData::Concerns,
        "tier.read",
        None,
    )
    .await?;
    let page = tiers_page(&state, &viewer, &allowed.subject, &TierForms::fresh(), &[]).await?;
    Ok(page.into_response())
}

async fn tiers_page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    form: &TierForms,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let target = subject.target();
    let scope = subject.child_grant().map_or(Scope::All, |g| g.scope());
    let history = state.store.tier_history(target, scope).await?;
    let current = history.first().map(|t| t.tier);
    let (missing, ppvs, referrals) = match subject.child_grant() {
        Some(child) => {
            let facts = state.store.escalation_facts(child.child_id(), today()).await?;
            let ppvs = state.store.ppv_registrations(child).await?;
            let referrals = state.store.pku_referrals(child).await?;
            (Some(escalation_missing(&facts)), ppvs, referrals)
        }
        None => (None, vec![], vec![]),
    };
    let base = subject.base();
    let writable = may(viewer, subject, Action::Write, ChildData::Concerns);
    let leader = is_leader(viewer);
    let psychologists = if leader && subject.child_id().is_some() {
        psychologists(state, viewer).await?
    } else {
        Vec::new()
    };
    let title = format!("Indsatstrin – {}", subject.name());
    let body = html! {
            (case_nav(viewer, subject, &format!("{base}/indsatstrin")))
            h1 { (title) }
            (error_summary(errors))
            p.current-tier {
                "Nuværende indsatstrin: "
                strong { (current.unwrap_or(Tier::Preventive).navn()) }
                @if current.is_none() { " (intet skift registreret; forebyggende indsats gælder alle)" }
            }
            @if let Some(missing) = &missing {
                section id="krav" aria-labelledby="krav-titel" {
                    h2 id="krav-titel" { "Krav før indgribende indsats og PKU-henvisning" }
                    @if missing.is_empty() {
                        p { "Alle krav er opfyldt." }
                    } @else {
                        p { "Der mangler " (missing.len()) " af 4 krav. Skolelederen kan tilsidesætte kravene med en skriftlig begrundelse." }
                    }
                    ul.checklist {
                        @for m in ALL_MISSING {
                            @if missing.contains(&m) {
                                li.missing { span.mark aria-hidden="true" { "✗" } " " strong { "Mangler: " } (m.navn()) }
                            } @else {
                                li.ok { span.mark aria-hidden="true" { "✓" } " " strong { "Opfyldt: " } (met(m)) }
                            }
                        }
                    }
                }
            }
            @if writable {
                section.no-print aria-labelledby="skift-titel" {
                    h2 id="skift-titel" { "Skift indsatstrin" }
                    form.stack method="post" action={ (base) "/indsatstrin" } novalidate {
                        fieldset aria-describedby=[described(errors, "trin-forebyggende")] {
                            legend { "Nyt indsatstrin" }
                            @for t in Tier::ALL {
                                label.check {
                                    input type="radio" name="trin" value=(t.id()) id={ "trin-" (t.id()) }
                                        checked[form.tier == t.id()];
                                    (t.navn())
                                }
                            }
                            (inline_error(errors, "trin-forebyggende"))
                        }
                        label for="begrundelse" { "Begrundelse for skiftet" }
                        textarea id="begrundelse" name="begrundelse" rows="3" required
                            aria-invalid=[invalid(errors, "begrundelse")] aria-describedby=[described(errors, "begrundelse")] {
                            (form.reason)
                        }
                        (inline_error(errors, "begrundelse"))
                        @if missing.is_some() {
                            @if leader {
                                label for="tilsidesaet" { "Skolelederens begrundelse for at tilsidesætte manglende krav (kun ved indgribende)" }
                                textarea id="tilsidesaet" name="tilsidesaet" rows="3"
                                    aria-invalid=[invalid(errors, "tilsidesaet")] aria-describedby=[described(errors, "tilsidesaet")] {
                                    (form.justification)
                                }
                                (inline_error(errors, "tilsidesaet"))
                            } @else {
                                p.hint { "Mangler der krav, kan kun skolelederen tilsidesætte dem." }
                            }
                        }
                        button type="submit" { "Skift indsatstrin" }
                    }
                }
            }
            section aria-labelledby="historik-titel" {
                h2 id="historik-titel" { "Historik" }
                @if history.is_empty() {
                    p { "Intet skift registreret." }
                } @else {
                    table {
                        thead { tr {
                            th scope="col" { "Tidspunkt" } th scope="col" { "Indsatstrin" } th scope="col" { "Begrundelse" }
                            th scope="col" { "Ændret af" }
                        } }
                        tbody {
                            @for t in &history {
                                tr {
                                    td { (format_time(t.changed_at)) }
                                    td { (t.tier.navn()) }
                                    td {
                                        (t.reason)
                                        @if let Some(j) = &t.override_justification {
                                            br; strong { "Skolelederen tilsidesatte kravene: " } (j)
                                        }
                                    }
                                    td { (t.changed_by_name) }
                                }
                            }
                        }
                    }
                }
            }
            @if subject.child_id().is_some() {
                section aria-labelledby="ppv-titel" {
                    h2 id="ppv-titel" { "Pædagogisk-psykologisk vurdering (PPV)" }
                    @if ppvs.is_empty() { p { "Ingen PPV registreret." } } @else {
                        ul { @for p in &ppvs { li { (format_date(p.date)) ": " (p.reference) } } }
                    }
                    @if writable {
                        form.stack.no-print method="post" action={ (base) "/ppv" } novalidate {
                            label for="ppv-dato" { "Dato for PPV" }
                            input id="ppv-dato" name="dato" type="date" required value=(form.ppv_date)
                                aria-invalid=[invalid(errors, "ppv-dato")] aria-describedby=[described(errors, "ppv-dato")];
                            (inline_error(errors, "ppv-dato"))
                            label for="ppv-reference" { "Reference (journalnummer eller dokument)" }
                            input id="ppv-reference" name="reference" type="text" required value=(form.ppv_reference)
                                aria-invalid=[invalid(errors, "ppv-reference")] aria-describedby=[described(errors, "ppv-reference")];
                            (inline_error(errors, "ppv-reference"))
                            button type="submit" { "Registrér PPV" }
                        }
                    }
                }
    @if subject.has_school_days() {
                section aria-labelledby="pku-titel" {
                    h2 id="pku-titel" { "Henvisning til PKU" }
                    @if referrals.is_empty() { p { "Barnet er ikke henvist til PKU." } } @else {
                        ul.links { @for r in &referrals {
                            li { a href={ (base) "/pku/" (r.id) } { "Henvisning af " (format_date(r.date)) " (udskriftsvenlig samlet mappe)" } }
                        } }
                    }
                    @if writable && !leader {
                        p.hint { "Skolens leder henviser til PKU, efter aftale med forældrene og den rådgivende psykolog." }
                    }
                    @if writable && leader {
                        form.stack.no-print method="post" action={ (base) "/pku" } novalidate {
                            p.hint { "Henvisningen kræver det samme som indgribende indsats (se kravene ovenfor), forældrenes \
                                      samtykke til henvisningen og en aftale med den rådgivende PPR-psykolog." }
                            label for="pku-psykolog" { "Aftalt med PPR-psykolog" }
                            select id="pku-psykolog" name="psykolog" aria-invalid=[invalid(errors, "pku-psykolog")]
                                aria-describedby=[described(errors, "pku-psykolog")] {
                                option value="" { "Vælg psykolog" }
                                @for u in &psychologists {
                                    option value=(u.id) selected[form.pku_psychologist == u.id.to_string()] { (u.name) }
                                }
                            }
                            (inline_error(errors, "pku-psykolog"))
                            label for="pku-psykolog-dato" { "Dato for aftalen med psykologen" }
                            input id="pku-psykolog-dato" name="psykolog_dato" type="date" required value=(form.pku_psychologist_date)
                                aria-invalid=[invalid(errors, "pku-psykolog-dato")] aria-describedby=[described(errors, "pku-psykolog-dato")];
                            (inline_error(errors, "pku-psykolog-dato"))
                            label for="pku-dato" { "Dato for henvisningen" }
                            input id="pku-dato" name="dato" type="date" required value=(form.pku_date)
                                aria-invalid=[invalid(errors, "pku-dato")] aria-describedby=[described(errors, "pku-dato")];
                            (inline_error(errors, "pku-dato"))
                            label for="pku-note" { "Beskrivelse af henvisningen" }
                            textarea id="pku-note" name="note" rows="3" required
                                aria-invalid=[invalid(errors, "pku-note")] aria-describedby=[described(errors, "pku-note")] {
                                (form.pku_note)
                            }
                            (inline_error(errors, "pku-note"))
                            @if leader {
                                label for="pku-tilsidesaet" { "Skolelederens begrundelse for at tilsidesætte manglende krav" }
                                textarea id="pku-tilsidesaet" name="tilsidesaet" rows="3"
                                    aria-invalid=[invalid(errors, "pku-tilsidesaet")] aria-describedby=[described(errors, "pku-tilsidesaet")] {
                                    (form.pku_justification)
                                }
                                (inline_error(errors, "pku-tilsidesaet"))
                            }
                            button type="submit" { "Henvis til PKU" }
                        }
                    }
                }
                }
            }
        };
    Ok(shell::page(&title, Some(viewer), "", body))
}

/// The error for a refusal by the escalation guard, linking to the override field for a leader
/// and to the checklist for anyone else.
fn refusal_error(refusal: &EscalationRefusal, override_id: &str, leader: bool) -> FieldError {
    error(if leader { override_id } else { "krav" }, refusal.message())
}

fn missing_ids(missing: &[Missing]) -> String {
    missing
        .iter()
        .map(|m| match m {
            Missing::NoPpv => "ppv",
            Missing::NoEvaluatedPreventivePlan => "forebyggende-evaluering",
            Missing::NoEvaluatedAnticipatoryPlan => "foregribende-evaluering",
            Missing::NoCurrentPlan => "gaeldende-plan",
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub async fn change_child_tier(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    change_tier(state, viewer, CaseTarget::Child(id), fields).await
}

pub async fn change_class_tier(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    change_tier(state, viewer, CaseTarget::Class(id), fields).await
}

async fn change_tier(state: AppState, viewer: Viewer, target: CaseTarget, fields: Fields) -> Page {
    let mut allowed = authorize(
        &state,
        &viewer,
        target,
        Action::Write,
        ChildData::Concerns,
        "tier.change",
        None,
    )
    .await?;
    let form = TierForms {
        tier: field(&fields, "trin").into(),
        reason: field(&fields, "begrundelse").into(),
        justification: field(&fields, "tilsidesaet").into(),
        ..TierForms::fresh()
    };
    let mut errors = Vec::new();
    let tier = Tier::from_id(&form.tier);
    if tier.is_none() {
        errors.push(error(
            "trin-forebyggende",
            "Nyt indsatstrin: vælg forebyggende, foregribende eller indgribende.",
        ));
    }
    let reason = check_text(
        &mut errors,
        "begrundelse",
        "Begrundelse for skiftet",
        &form.reason,
        true,
        2000,
    );
    check_text(
        &mut errors,
        "tilsidesaet",
        "Skolelederens begrundelse",
        &form.justification,
        false,
        2000,
    );
    let Some(tier) = tier.filter(|_| errors.is_empty()) else {
        return refuse_tiers(&state, &viewer, &allowed, &form, &errors, None).await;
    };
    let mut override_justification = None;
    if let (Some(child_id), true) = (allowed.subject.child_id(), tier.needs_escalation_check()) {
        match guard(&state, &viewer, child_id, &form.justification).await? {
            Ok(EscalationDecision::Allowed) => {}
            Ok(EscalationDecision::Overridden { justification, missing }) => {
                allowed.audit.action = "tier.override".into();
                add_criterion(
                    &mut allowed.audit,
                    &format!(
                        "indgribende; tilsidesatte krav: {}; begrundelse: {justification}",
                        missing_ids(&missing)
                    ),
                );
                override_justification = Some(justification);
            }
            Err(refusal) => {
                let errors = [refusal_error(&refusal, "tilsidesaet", is_leader(&viewer))];
                let reason = format!("indgribende uden opfyldte krav ({})", missing_ids(refusal.missing()));
                return refuse_tiers(&state, &viewer, &allowed, &form, &errors, Some(&reason)).await;
            }
        }
    }
    let change = NewTierChange {
        target,
        tier,
        reason,
        override_justification,
        by: viewer.user.id,
        at: now(),
    };
    if allowed.audit.action == "tier.change" {
        add_criterion(&mut allowed.audit, tier.id());
    }
    state.store.set_tier(&change, &allowed.audit).await?;
    Ok(Redirect::to(&format!("{}/indsatstrin", allowed.subject.base())).into_response())
}

/// Asks the escalation guard for the child today; the inner `Err` is the guard's refusal.
async fn guard(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    justification: &str,
) -> Result<Result<EscalationDecision, EscalationRefusal>, PageError> {
    let facts = state.store.escalation_facts(child_id, today()).await?;
    let missing = escalation_missing(&facts);
    let justification = Some(justification).filter(|j| !j.trim().is_empty());
    Ok(decide_escalation(&missing, justification, is_leader(viewer)))
}

/// Shows the tier page again with the errors (422), always as an `Err`; `refusal` writes a
/// denied audit row (the guard said no), otherwise the row says nothing was stored.
async fn refuse_tiers(
    state: &AppState,
    viewer: &Viewer,
    allowed: &Allowed,
    form: &TierForms,
    errors: &[FieldError],
    refusal: Option<&str>,
) -> Page {
    match refusal {
        Some(reason) => allowed.audit_refused(state, reason).await?,
        None => allowed.audit_unchanged(state, "fejl i formularen").await?,
    }
    let page = tiers_page(state, viewer, &allowed.subject, form, errors).await?;
    Err(PageError::unprocessable(page))
}

pub async fn register_ppv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Child(id),
        Action::Write,
        ChildData::Concerns,
        "ppv.register",
        None,
    )
    .await?;
    let form = TierForms {
        ppv_date: field(&fields, "dato").into(),
        ppv_reference: field(&fields, "reference").into(),
        ..TierForms::fresh()
    };
    let mut errors = Vec::new();
    let date = check_past_date(&mut errors, "ppv-dato", "Dato for PPV", &form.ppv_date);
    let reference = check_text(
        &mut errors,
        "ppv-reference",
        "Reference",
        &form.ppv_reference,
        true,
        500,
    );
    let Some(date) = date.filter(|_| errors.is_empty()) else {
        return refuse_tiers(&state, &viewer, &allowed, &form, &errors, None).await;
    };
    // A PPV needs the parents' consent, in force on the day it was started.
    let consents = state.store.consent_facts(id).await?;
    if let Err(refusal) = check_consent(ConsentAction::Ppv, &consents, date) {
        let message = refusal.message();
        let errors = [error("ppv-dato", message.clone())];
        return refuse_tiers(&state, &viewer, &allowed, &form, &errors, Some(&message)).await;
    }
    state
        .store
        .register_ppv(id, date, &reference, viewer.user.id, now(), &allowed.audit)
        .await?;
    Ok(Redirect::to(&format!("/boern/{id}/indsatstrin")).into_response())
}

/// The municipality's active PPR psychologists, who may agree to a PKU referral.
async fn psychologists(state: &AppState, viewer: &Viewer) -> Result<Vec<trivsel_store::User>, PageError> {
    let mut users = state.store.users(viewer.user.municipality_id).await?;
    users.retain(|u| u.role == Role::Psychologist && !u.disabled);
    Ok(users)
}

pub async fn refer_pku(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let mut allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Child(id),
        Action::Write,
        ChildData::Concerns,
        "pku.refer",
        None,
    )
    .await?;
    if !trivsel_domain::cases::may_refer_to_pku(viewer.user.role) {
        allowed
            .audit_refused(&state, "kun skolelederen henviser til PKU")
            .await?;
        crate::kit::access::count_refusals(&state, &viewer, 1).await?;
        return Err(PageError::forbidden(
            &viewer,
            "Kun skolens leder henviser til PKU, efter aftale med forældrene og den rådgivende psykolog.",
        ));
    }
    if !allowed.subject.has_school_days() {
        allowed.audit_unchanged(&state, "dagtilbud: ingen PKU").await?;
        return Err(PageError::no_school_days());
    }
    let form = TierForms {
        pku_date: field(&fields, "dato").into(),
        pku_note: field(&fields, "note").into(),
        pku_justification: field(&fields, "tilsidesaet").into(),
        pku_psychologist: field(&fields, "psykolog").into(),
        pku_psychologist_date: field(&fields, "psykolog_dato").into(),
        ..TierForms::fresh()
    };
    let mut errors = Vec::new();
    let date = check_past_date(&mut errors, "pku-dato", "Dato for henvisningen", &form.pku_date);
    let note = check_text(
        &mut errors,
        "pku-note",
        "Beskrivelse af henvisningen",
        &form.pku_note,
        true,
        MAX_TEXT_CHARS,
    );
    check_text(
        &mut errors,
        "pku-tilsidesaet",
        "Skolelederens begrundelse",
        &form.pku_justification,
        false,
        2000,
    );
    // «Efter aftale med forældre og rådgivende psykolog»: the psychologist's agreement is
    // recorded here, the parents' is their consent.
    let psychologists = psychologists(&state, &viewer).await?;
    let psychologist = form
        .pku_psychologist
        .parse::<i64>()
        .ok()
        .filter(|p| psychologists.iter().any(|u| u.id == *p));
    if psychologist.is_none() {
        errors.push(error(
            "pku-psykolog",
            "Vælg den PPR-psykolog, henvisningen er aftalt med.",
        ));
    }
    let agreed_on = check_past_date(
        &mut errors,
        "pku-psykolog-dato",
        "Dato for aftalen med psykologen",
        &form.pku_psychologist_date,
    );
    let (Some(date), Some(psychologist), Some(agreed_on)) =
        (date.filter(|_| errors.is_empty()), psychologist, agreed_on)
    else {
        return refuse_tiers(&state, &viewer, &allowed, &form, &errors, None).await;
    };
    let override_justification = match guard(&state, &viewer, id, &form.pku_justification).await? {
        Ok(EscalationDecision::Allowed) => None,
        Ok(EscalationDecision::Overridden { justification, missing }) => {
            allowed.audit.action = "pku.override".into();
            add_criterion(
                &mut allowed.audit,
                &format!(
                    "tilsidesatte krav: {}; begrundelse: {justification}",
                    missing_ids(&missing)
                ),
            );
            Some(justification)
        }
        Err(refusal) => {
            let errors = [refusal_error(&refusal, "pku-tilsidesaet", is_leader(&viewer))];
            let reason = format!("PKU uden opfyldte krav ({})", missing_ids(refusal.missing()));
            return refuse_tiers(&state, &viewer, &allowed, &form, &errors, Some(&reason)).await;
        }
    };
    // The parents' agreement, in force on the day of the referral.
    let consents = state.store.consent_facts(id).await?;
    if let Err(refusal) = check_consent(ConsentAction::PkuReferral, &consents, date) {
        let message = refusal.message();
        let errors = [error("pku-dato", message.clone())];
        return refuse_tiers(&state, &viewer, &allowed, &form, &errors, Some(&message)).await;
    }
    let referral = NewPkuReferral {
        child_id: id,
        date,
        note,
        override_justification,
        psychologist: (psychologist, agreed_on),
        by: viewer.user.id,
        at: now(),
    };
    let rid = state.store.register_pku_referral(&referral, &allowed.audit).await?;
    Ok(Redirect::to(&format!("/boern/{id}/pku/{rid}")).into_response())
}
