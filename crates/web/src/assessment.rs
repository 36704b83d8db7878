//! Trafiklysvurdering (`trivsel_domain::assessment`): on the child's page each professional
//! gives his or her own assessment of the round, sees the others' once it is given, and the team
//! records the joint one; a yellow or red joint assessment suggests a plan at the right tier and
//! shows in the chronology. The class (or daycare group) page shows the round's distribution
//! and each child's trend. Staff data: the same access as concerns.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use trivsel_domain::access::{Action, ChildContext, ChildData, ChildGrant, Resource, can};
use trivsel_domain::assessment::{FOCUS_POINTS, Light, Round, distribution, others_visible};
use trivsel_store::{Assessment, CaseTarget, ClassCard, NewAssessment};

use crate::kit::access::{Allowed, Subject, authorize, entry};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, Fields, error, error_summary, field, inline_error, invalid, text, values};
use crate::kit::format::format_time;
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const MAX_NOTE_CHARS: usize = 2000;

fn base(child_id: i64) -> String {
    links::child_page(child_id, "trafiklys")
}

async fn allowed(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    action: Action,
    audit: &str,
) -> Result<Allowed, PageError> {
    authorize(
        state,
        viewer,
        CaseTarget::Child(child_id),
        action,
        ChildData::Concerns,
        audit,
        None,
    )
    .await
}

/// A small dot in the light's colour, with its name for screen readers beside it.
fn dot(light: Light) -> Markup {
    html! {
        svg.swatch width="14" height="14" aria-hidden="true" { circle cx="7" cy="7" r="6" fill=(light.colour()) {} }
        " " (light.navn())
    }
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Page {
    let allowed = allowed(&state, &viewer, child_id, Action::Read, "assessment.read").await?;
    Ok(child_page(&state, &viewer, &allowed.subject, &[], None)
        .await?
        .into_response())
}

async fn child_page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    errors: &[FieldError],
    kept: Option<&Fields>,
) -> Result<Markup, PageError> {
    let card = subject.child_card();
    let all = state.store.assessments_of_child(subject.grant()).await?;
    let round = Round::of(today());
    let this: Vec<&Assessment> = all.iter().filter(|a| a.round == round).collect();
    let own = this.iter().find(|a| !a.joint && a.by == viewer.user.id).copied();
    let joint = this.iter().find(|a| a.joint).copied();
    let others: Vec<&Assessment> = this
        .iter()
        .filter(|a| !a.joint && a.by != viewer.user.id)
        .copied()
        .collect();
    let show_others = others_visible(own.is_some(), joint.is_some());
    let history: Vec<&Assessment> = all.iter().filter(|a| a.joint).collect();
    let name = subject.name();
    let title = format!("Trafiklys – {name}");
    Ok(shell::page(
        &title,
        Some(viewer),
        "",
        html! {
            p { a href=(links::child(card.id)) { "← " (name) } }
            h1 { (title) }
            p { "To gange om året vurderer hver fagperson barnet for sig – grøn: trives, gul: bekymring eller ekstra opmærksomhed, rød: stor bekymring – og derefter vurderer I det sammen. De andres vurderinger vises, når du har givet din egen." }
            (error_summary(errors))
            section aria-labelledby="runde-titel" {
                h2 id="runde-titel" { (round.label()) }
                @if let Some(j) = joint {
                    h3 { "Fælles vurdering" }
                    (assessment_entry(j))
                    @if let Some(tier) = j.light.suggested_tier() {
                        p.notice { "Forslag: en mål- og indsatsplan på indsatstrinnet «" (tier.navn()) "». " a href={ (links::child_page(card.id, "planer")) } { "Gå til barnets planer" } }
                    }
                }
                h3 { "Vurderinger hver for sig" }
                @if show_others {
                    @if others.is_empty() { p { "Ingen andre har vurderet barnet i denne runde." } }
                    @for a in &others { (assessment_entry(a)) }
                } @else if !others.is_empty() {
                    p {
                        @if others.len() == 1 { "En anden fagperson har vurderet barnet. Vurderingen vises" } @else { (others.len()) " andre fagpersoner har vurderet barnet. Vurderingerne vises" }
                        ", når du har givet din egen."
                    }
                }
                (assessment_form(
                    &base(card.id),
                    "Din egen vurdering",
                    "egen",
                    own,
                    errors,
                    kept.filter(|f| field(f, "art") == "egen"),
                    false,
                ))
                (assessment_form(
                    &format!("{}/faelles", base(card.id)),
                    "Fælles vurdering i teamet",
                    "faelles",
                    joint,
                    errors,
                    kept.filter(|f| field(f, "art") == "faelles"),
                    true,
                ))
            }
            section aria-labelledby="udvikling-titel" {
                h2 id="udvikling-titel" { "Udviklingen" }
                @if history.is_empty() {
                    p { "Der er ingen fælles vurderinger endnu." }
                } @else {
                    ul.links {
                        @for a in &history { li { (a.round.label()) ": " (dot(a.light)) } }
                    }
                }
            }
        },
    ))
}

fn assessment_entry(a: &Assessment) -> Markup {
    html! {
        article.entry {
            p { strong { (dot(a.light)) } }
            @if !a.focus.is_empty() { p { "Fokuspunkter: " (a.focus.join(", ")) } }
            @if !a.note.is_empty() { (text(&a.note)) }
            p.meta {
                (a.by_name) ", " (format_time(a.at))
                @if !a.participants.is_empty() { " · deltagere: " (a.participants) }
            }
        }
    }
}

fn assessment_form(
    action: &str,
    heading: &str,
    kind: &str,
    current: Option<&Assessment>,
    errors: &[FieldError],
    kept: Option<&Fields>,
    joint: bool,
) -> Markup {
    let light = kept.map_or_else(
        || current.map_or("", |a| a.light.id()).to_string(),
        |f| field(f, "lys").to_string(),
    );
    let focus: Vec<String> = kept.map_or_else(
        || current.map_or(Vec::new(), |a| a.focus.clone()),
        |f| values(f, "fokus").into_iter().map(str::to_string).collect(),
    );
    let note = kept.map_or_else(
        || current.map_or(String::new(), |a| a.note.clone()),
        |f| field(f, "note").to_string(),
    );
    let participants = kept.map_or_else(
        || current.map_or(String::new(), |a| a.participants.clone()),
        |f| field(f, "deltagere").to_string(),
    );
    let id = |name: &str| format!("{kind}-{name}");
    html! {
        form.stack method="post" action=(action) novalidate {
            h3 { (heading) @if current.is_some() { " (ret)" } }
            input type="hidden" name="art" value=(kind);
            fieldset.group id=(id("lys")) aria-invalid=[invalid(errors, &id("lys"))] {
                legend { "Trafiklys" }
                @for l in Light::ALL {
                    label.check { input type="radio" name="lys" value=(l.id()) checked[light == l.id()]; (dot(*l)) }
                }
                (inline_error(errors, &id("lys")))
            }
            fieldset.group {
                legend { "Fokuspunkter" }
                @for f in FOCUS_POINTS {
                    label.check { input type="checkbox" name="fokus" value=(f) checked[focus.iter().any(|x| x == f)]; (f) }
                }
            }
            label for=(id("note")) { "Note" }
            textarea id=(id("note")) name="note" rows="3" aria-invalid=[invalid(errors, &id("note"))] { (note) }
            (inline_error(errors, &id("note")))
            @if joint {
                label for=(id("deltagere")) { "Hvem deltog i den fælles vurdering?" }
                input id=(id("deltagere")) name="deltagere" type="text" value=(participants);
            }
            button type="submit" { @if joint { "Gem den fælles vurdering" } @else { "Gem min vurdering" } }
        }
    }
}

pub async fn save_own(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    save(state, viewer, child_id, fields, false).await
}

pub async fn save_joint(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    save(state, viewer, child_id, fields, true).await
}

async fn save(state: AppState, viewer: Viewer, child_id: i64, fields: Fields, joint: bool) -> Page {
    let action = if joint { "assessment.joint" } else { "assessment.own" };
    let allowed = allowed(&state, &viewer, child_id, Action::Write, action).await?;
    let kind = if joint { "faelles" } else { "egen" };
    let mut errors = Vec::new();
    let light = Light::from_id(field(&fields, "lys"));
    if light.is_none() {
        errors.push(error(&format!("{kind}-lys"), "Trafiklys: vælg grøn, gul eller rød."));
    }
    let note = field(&fields, "note").trim().to_string();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(error(
            &format!("{kind}-note"),
            format!("Note: højst {MAX_NOTE_CHARS} tegn."),
        ));
    }
    let focus: Vec<String> = values(&fields, "fokus")
        .into_iter()
        .filter(|f| FOCUS_POINTS.contains(f))
        .map(str::to_string)
        .collect();
    let Subject::Child { context, .. } = &allowed.subject else {
        unreachable!("a child was authorized")
    };
    // The institution the child attends; an adviser's assessment belongs to it too.
    let institution = viewer
        .user
        .institution_id
        .filter(|i| context.institution_ids.contains(i))
        .or_else(|| context.institution_ids.first().copied());
    if institution.is_none() {
        errors.push(error(
            &format!("{kind}-lys"),
            "Barnet går ikke i et dagtilbud eller en skole lige nu.",
        ));
    }
    let (Some(light), Some(institution_id), true) = (light, institution, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        allowed.audit_unchanged(&state, &reason).await?;
        return Err(PageError::unprocessable(
            child_page(&state, &viewer, &allowed.subject, &errors, Some(&fields)).await?,
        ));
    };
    let new = NewAssessment {
        institution_id,
        child_id,
        round: Round::of(today()),
        joint,
        light,
        focus,
        note,
        participants: if joint {
            field(&fields, "deltagere").trim().to_string()
        } else {
            String::new()
        },
        by: viewer.user.id,
        at: now(),
    };
    state.store.save_assessment(&new, &allowed.audit).await?;
    Ok(Redirect::to(&base(child_id)).into_response())
}

pub fn child_panel<'a>(
    state: &'a AppState,
    viewer: &'a Viewer,
    context: &'a ChildContext,
    grant: ChildGrant,
) -> PanelFuture<'a> {
    Box::pin(async move {
        if !can(
            &viewer.actor,
            Action::Read,
            &Resource::Child(context, ChildData::Concerns),
        ) {
            return Ok(None);
        }
        let all = state.store.assessments_of_child(grant).await?;
        let latest = all.iter().find(|a| a.joint);
        if latest.is_some() {
            state
                .store
                .audit(&entry(viewer, "assessment.panel", Some(context.child_id), None, true))
                .await?;
        }
        Ok(Some(html! {
            section aria-labelledby="trafiklys-titel" {
                h2 id="trafiklys-titel" { "Trafiklys" }
                @match latest {
                    Some(a) => { p { "Seneste fælles vurdering (" (a.round.label()) "): " (dot(a.light)) } }
                    None => { p { "Ingen fælles vurdering endnu." } }
                }
                p { a href=(base(context.child_id)) { "Vurdér barnet" } }
            }
        }))
    })
}

/// The class's or group's round: how many green, yellow and red, and each child's trend.
pub async fn class_page(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Page {
    let allowed = authorize(
        &state,
        &viewer,
        CaseTarget::Class(class_id),
        Action::Read,
        ChildData::Concerns,
        "assessment.class",
        None,
    )
    .await?;
    let (card, _) = allowed.into_class();
    let today = today();
    let pupils = state.store.class_pupils(class_id, today).await?;
    let joint = state.store.joint_assessments_of_class(class_id, today).await?;
    let round = Round::of(today);
    let mut by_child: BTreeMap<i64, BTreeMap<Round, Light>> = BTreeMap::new();
    for a in &joint {
        by_child.entry(a.child_id).or_default().insert(a.round, a.light);
    }
    let audits: Vec<_> = pupils
        .iter()
        .map(|p| {
            entry(
                &viewer,
                "assessment.class",
                Some(p.id),
                Some(format!("klasse {class_id}")),
                true,
            )
        })
        .collect();
    state.store.audit_all(&audits).await?;
    let [green, yellow, red] = distribution(by_child.values().filter_map(|r| r.get(&round).copied()));
    let missing = pupils.len() - (green + yellow + red).min(pupils.len());
    let title = format!("Trafiklys i {} – {}", card.name, round.label());
    Ok(shell::page(
        &title,
        Some(&viewer),
        "",
        class_body(&card, &title, &pupils, &by_child, round, [green, yellow, red], missing),
    )
    .into_response())
}

fn class_body(
    card: &ClassCard,
    title: &str,
    pupils: &[trivsel_store::PupilRow],
    by_child: &BTreeMap<i64, BTreeMap<Round, Light>>,
    round: Round,
    counts: [usize; 3],
    missing: usize,
) -> Markup {
    let previous = round.previous();
    html! {
        p { a href=(links::class(card.id)) { "← " (card.name) } }
        h1 { (title) }
        dl.figures {
            @for (l, n) in Light::ALL.iter().zip(counts) { div { dt { (dot(*l)) } dd { (n) } } }
            div { dt { "Ikke vurderet" } dd { (missing) } }
        }
        table {
            caption { "Fælles vurderinger" }
            thead { tr { th scope="col" { "Barn" } th scope="col" { (previous.label()) } th scope="col" { (round.label()) } } }
            tbody {
                @for p in pupils {
                    @let rounds = by_child.get(&p.id);
                    tr {
                        th scope="row" { a href=(base(p.id)) { (p.given_name) " " (p.family_name) } }
                        td { @match rounds.and_then(|r| r.get(&previous)) { Some(l) => { (dot(*l)) } None => { "–" } } }
                        td { @match rounds.and_then(|r| r.get(&round)) { Some(l) => { (dot(*l)) } None => { "Ikke vurderet" } } }
                    }
                }
            }
        }
    }
}

/// The class page's link.
pub fn class_panel<'a>(_state: &'a AppState, viewer: &'a Viewer, card: &'a ClassCard) -> PanelFuture<'a> {
    Box::pin(async move {
        let shown = can(&viewer.actor, Action::Read, &crate::kit::access::class_resource(card));
        Ok(
            shown
                .then(|| html! { p { a href={ (links::class(card.id)) "/trafiklys" } { "Trafiklys for alle børn" } } }),
        )
    })
}
