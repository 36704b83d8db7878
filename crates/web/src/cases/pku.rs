//! Henvisning til PKU, after the referral (`concerns` makes it): the referral as one printable
//! bundle for the committee, and PKU's decision recorded by the school leader — approved with
//! the placement's start (its end follows, one year later) and a revisitation date that becomes
//! the leader's task, or refused; both with PKU's reason (`trivsel_domain::cases::pku`).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use trivsel_domain::access::{Action, ChildData};
use trivsel_domain::cases::may_refer_to_pku;
use trivsel_domain::cases::pku::{PkuDecision, Placement, check_pku_decision, proposed_revisit};
use trivsel_store::{CaseTarget, NewPkuDecision, PkuReferral, StoreError};

use crate::cases::plan_view::{content_view, evaluations_view};
use crate::kit::access::{Subject, add_criterion, authorize, may};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_past_date, check_text, described, error, error_summary, field, inline_error, invalid,
    parse_date, text,
};
use crate::kit::format::format_date;
use crate::kit::{AppState, Page, PageError, Viewer, shell};

/// The decision form's values as typed.
#[derive(Default)]
struct DecisionForm {
    decision: String,
    decided_on: String,
    reason: String,
    start: String,
    revisit: String,
}

/// PKU's decision on the referral, or for the school leader the form to record it.
fn decision_section(
    viewer: &Viewer,
    subject: &Subject,
    referral: &PkuReferral,
    form: &DecisionForm,
    errors: &[FieldError],
) -> Markup {
    let records = may_refer_to_pku(viewer.user.role) && may(viewer, subject, Action::Write, ChildData::Concerns);
    let action = format!("/boern/{}/pku/{}/afgoerelse", referral.child_id, referral.id);
    let today = today();
    html! {
        h2 { "PKU's afgørelse" }
        (error_summary(errors))
        @match &referral.decision {
            Some(d) => {
                p { strong { (d.decision.navn()) } " den " (format_date(d.decided_on)) " (registreret af " (d.decided_by_name) ")." }
                (text(&d.reason))
                @if let Some((start, end, revisit)) = d.placement {
                    p { "Placering fra " (format_date(start)) " til og med " (format_date(end))
                        ". Revisitation senest " (format_date(revisit)) " (en opgave for skolelederen)." }
                }
            }
            None if !records => { p { "PKU's afgørelse er ikke registreret endnu." } }
            None => {
                form.stack.no-print method="post" action=(action) novalidate {
                    fieldset {
                        legend { "Afgørelse" }
                        @for d in PkuDecision::ALL {
                            label.check {
                                input type="radio" name="afgoerelse" value=(d.id()) id={ "pku-afgoerelse-" (d.id()) }
                                    checked[form.decision == d.id()];
                                (d.navn())
                            }
                        }
                    }
                    (inline_error(errors, "pku-afgoerelse-bevilget"))
                    label for="pku-afgoerelse-dato" { "Dato for afgørelsen" }
                    input id="pku-afgoerelse-dato" name="dato" type="date" max=(today)
                        value=(if form.decided_on.is_empty() { today.to_string() } else { form.decided_on.clone() })
                        aria-invalid=[invalid(errors, "pku-afgoerelse-dato")] aria-describedby=[described(errors, "pku-afgoerelse-dato")];
                    (inline_error(errors, "pku-afgoerelse-dato"))
                    label for="pku-begrundelse" { "PKU's begrundelse" }
                    textarea id="pku-begrundelse" name="begrundelse" rows="3" maxlength="2000"
                        aria-invalid=[invalid(errors, "pku-begrundelse")] aria-describedby=[described(errors, "pku-begrundelse")] {
                        (form.reason)
                    }
                    (inline_error(errors, "pku-begrundelse"))
                    p.hint { "Ved bevilling: placeringen varer et år fra starten. Revisitationen foreslås tre måneder før \
                              slutningen, hvis feltet står tomt." }
                    label for="pku-start" { "Placeringens start (ved bevilling)" }
                    input id="pku-start" name="start" type="date" value=(form.start)
                        aria-invalid=[invalid(errors, "pku-start")] aria-describedby=[described(errors, "pku-start")];
                    (inline_error(errors, "pku-start"))
                    label for="pku-revisitation" { "Revisitation (ved bevilling, valgfri)" }
                    input id="pku-revisitation" name="revisitation" type="date" value=(form.revisit)
                        aria-invalid=[invalid(errors, "pku-revisitation")] aria-describedby=[described(errors, "pku-revisitation")];
                    (inline_error(errors, "pku-revisitation"))
                    button type="submit" { "Registrér afgørelsen" }
                }
            }
        }
    }
}

/// The school leader records PKU's decision on a referral of the child.
pub async fn record_decision(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, rid)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Child(id),
        Action::Write,
        ChildData::Concerns,
        "pku.decision",
        Some(format!("henvisning {rid}")),
    )
    .await?;
    if !may_refer_to_pku(viewer.user.role) {
        allowed
            .audit_refused(&state, "kun skolelederen registrerer PKU's afgørelse")
            .await?;
        crate::kit::access::count_refusals(&state, &viewer, 1).await?;
        return Err(PageError::forbidden(
            &viewer,
            "Kun skolens leder registrerer PKU's afgørelse.",
        ));
    }
    let referral = state
        .store
        .pku_referrals(allowed.subject.grant())
        .await?
        .into_iter()
        .find(|r| r.id == rid);
    let Some(referral) = referral else {
        allowed.audit_unchanged(&state, "ukendt henvisning").await?;
        return Err(PageError::not_found());
    };
    let form = DecisionForm {
        decision: field(&fields, "afgoerelse").into(),
        decided_on: field(&fields, "dato").into(),
        reason: field(&fields, "begrundelse").into(),
        start: field(&fields, "start").into(),
        revisit: field(&fields, "revisitation").into(),
    };
    let mut errors = Vec::new();
    let decision = PkuDecision::from_id(&form.decision);
    if decision.is_none() {
        errors.push(error(
            "pku-afgoerelse-bevilget",
            "Afgørelse: vælg bevilget eller afslået.",
        ));
    }
    let decided_on = check_past_date(
        &mut errors,
        "pku-afgoerelse-dato",
        "Dato for afgørelsen",
        &form.decided_on,
    );
    // The placement's dates are optional and may lie ahead.
    let date = |errors: &mut Vec<FieldError>, id: &'static str, label: &str, value: &str| {
        let parsed = parse_date(value);
        if parsed.is_none() && !value.is_empty() {
            errors.push(error(id, format!("{label}: skriv en dato (dd.mm.åååå).")));
        }
        parsed
    };
    let start = date(&mut errors, "pku-start", "Placeringens start", &form.start);
    let revisit = date(&mut errors, "pku-revisitation", "Revisitation", &form.revisit);
    check_text(
        &mut errors,
        "pku-begrundelse",
        "PKU's begrundelse",
        &form.reason,
        false,
        2000,
    );
    let placement = start.map(|start| Placement {
        start,
        revisit: revisit.unwrap_or_else(|| proposed_revisit(start)),
    });
    if let (Some(decision), Some(on), true) = (decision, decided_on, errors.is_empty())
        && let Err(e) = check_pku_decision(decision, on, referral.date, &form.reason, placement, today())
    {
        errors.push(error(e.field, e.message));
    }
    let (Some(decision), Some(decided_on), true) = (decision, decided_on, errors.is_empty()) else {
        allowed.audit_unchanged(&state, "fejl i formularen").await?;
        let page = bundle(&state, &viewer, id, rid, &form, &errors).await?;
        return Err(PageError::unprocessable(page));
    };
    let placement = placement.filter(|_| decision == PkuDecision::Approved);
    let mut audit = allowed.audit.clone();
    add_criterion(&mut audit, &format!("afgørelse: {}", decision.navn().to_lowercase()));
    let new = NewPkuDecision {
        referral_id: rid,
        decision,
        reason: form.reason.clone(),
        decided_on,
        placement: placement.map(|p| (p.start, p.revisit)),
        institution_id: allowed
            .subject
            .institution_for(&viewer)
            .or(viewer.user.institution_id)
            .unwrap_or_default(),
        by: viewer.user.id,
        at: now(),
    };
    match state.store.record_pku_decision(&new, &audit).await {
        Ok(()) => Ok(Redirect::to(&format!("/boern/{id}/pku/{rid}")).into_response()),
        Err(StoreError::Config(m)) => {
            allowed.audit_unchanged(&state, &m).await?;
            let page = bundle(&state, &viewer, id, rid, &form, &[error("pku-afgoerelse-bevilget", m)]).await?;
            Err(PageError::unprocessable(page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The referral as one printable document bundle for PKU: the referral, PPVs, every plan of
/// the child and of the child's classes with its current content and evaluations, and a
/// summary of the chronology.
pub async fn pku_bundle(State(state): State<AppState>, viewer: Viewer, Path((id, rid)): Path<(i64, i64)>) -> Page {
    Ok(bundle(&state, &viewer, id, rid, &DecisionForm::default(), &[])
        .await?
        .into_response())
}

/// The bundle page, with the decision form's values and errors.
async fn bundle(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    rid: i64,
    form: &DecisionForm,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let allowed = authorize(
        state,
        viewer,
        CaseTarget::Child(id),
        Action::Read,
        ChildData::Concerns,
        "pku.read",
        Some(format!("henvisning {rid}")),
    )
    .await?;
    let child = allowed.subject.grant();
    let referrals = state.store.pku_referrals(child).await?;
    let Some(referral) = referrals.into_iter().find(|r| r.id == rid) else {
        return Err(PageError::not_found());
    };
    let (ppvs, mut summaries, chronology) = tokio::try_join!(
        state.store.ppv_registrations(child),
        state.store.plans_of_child(child),
        state.store.chronology(child)
    )?;
    // The plans of the child's classes belong to the referral too (seed 003: interventions are
    // always directed at the community), as the escalation guard counts them.
    if let Subject::Child { context, .. } = &allowed.subject {
        for class_id in &context.class_ids {
            summaries.extend(state.store.plans_of_class(*class_id).await?);
        }
    }
    let mut plans = Vec::new();
    for s in &summaries {
        if let (Some(plan), evaluations) = tokio::try_join!(state.store.plan(s.id), state.store.evaluations(s.id))?
            && child.scope().reaches(Some(plan.institution_id))
        {
            plans.push((plan, evaluations));
        }
    }
    let Subject::Child { card, .. } = &allowed.subject else {
        return Err(PageError::not_found());
    };
    let name = allowed.subject.name();
    let title = format!("Henvisning til PKU – {name}");
    let body = html! {
        p.no-print { a href={ "/boern/" (id) "/indsatstrin" } { "← Tilbage til indsatstrin" } " "
            button.print type="button" hidden { "Udskriv" } }
        article.bundle {
            h1 { (title) }
            dl.facts {
                dt { "Barn" } dd { (name) }
                dt { "Fødselsdato" } dd { (format_date(card.birth_date)) }
                dt { "Elev-id" } dd { (card.source_id) }
                @if let Some(p) = card.placements.first() {
                    dt { "Institution og klasse" } dd { (p.institution_name) ", " (p.class_name) }
                }
                dt { "Henvisningsdato" } dd { (format_date(referral.date)) }
            }
            h2 { "Henvisningen" }
            (text(&referral.note))
            @if let Some((name, on)) = &referral.psychologist {
                p { "Aftalt med PPR-psykolog " (name) " den " (format_date(*on)) ", og med forældrene (samtykke til henvisning)." }
            }
            @if let Some(j) = &referral.override_justification {
                p { strong { "Skolelederen tilsidesatte kravene til henvisning: " } (j) }
            }
            (decision_section(viewer, &allowed.subject, &referral, form, errors))
            h2 { "Pædagogisk-psykologisk vurdering (PPV)" }
            @if ppvs.is_empty() { p { "Ingen PPV registreret." } } @else {
                ul { @for p in &ppvs { li { (format_date(p.date)) ": " (p.reference) } } }
            }
            h2 { "Mål- og indsatsplaner (" (plans.len()) ")" }
            @for (plan, evaluations) in &plans {
                section.plan {
                    h3 { (plan.title) @if matches!(plan.target, CaseTarget::Class(_)) { " (klassens plan)" } }
                    p.meta { (plan.tier.navn()) " indsats · version " (plan.current_version) " · "
                        @if plan.closed { "afsluttet" } @else { "åben" } }
                    (content_view(&plan.content, 4))
                    h4 { "Evalueringer" }
                    (evaluations_view(evaluations))
                }
            }
            h2 { "Kronologi (resumé)" }
            table {
                thead { tr { th scope="col" { "Dato" } th scope="col" { "Art" } th scope="col" { "Hændelse" } } }
                tbody {
                    @for i in &chronology {
                        tr { td { (format_date(i.date)) } td { (i.kind.navn()) } td { (i.title) } }
                    }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(viewer), "", body))
}
