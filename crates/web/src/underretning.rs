//! Underretning (Barnets Lov § 133, `trivsel_domain::underretning`): the guided form for the
//! professional's duty to notify, the printable underretning with the municipality's receipt
//! (due within 6 working days; until then a follow-up task for the author) and feedback, and
//! the school leadership's list. Trivsel never sends it: it is printed (or saved as PDF from
//! the browser) and sent through the municipality's secure channel.
//!
//! Who: every staff member who sees the child writes one (`ChildData::Underretning`, write);
//! each is read only by its author and the child's school leadership and trivselsperson
//! (`underretning::may_read`). Every read, write and refusal is audited with the child.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDateTime;
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::ChildGrant;
use trivsel_domain::access::{Action, ChildData, Resource, can};
use trivsel_domain::underretning::{Answers, Feedback, check, may_read, receipt_overdue};
use trivsel_store::{AuditEntry, CaseTarget, NewUnderretning, StoreError, Underretning, UnderretningStatus};

use crate::kit::access::{Ask, Subject, add_criterion, audit_shown, authorize_own_institution, authorize_with, decide};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_past_date, check_text, described, error, error_summary, field, inline_error, invalid,
    text,
};
use crate::kit::format::{format_date, local_time};
use crate::kit::state::PanelFuture;
use crate::kit::{AppState, Page, PageError, Viewer, links, shell};

const DENIED: &str = "Underretninger skrives af personale, der arbejder med barnet, og læses kun af den, der skrev dem, og skolens ledelse og trivselsperson. Forsøget er registreret.";
const LIST: &str = "/underretninger";
/// Longest free text of the form.
const TEXT_MAX: usize = trivsel_domain::cases::MAX_TEXT_CHARS;

fn child_path(child_id: i64) -> String {
    links::child_page(child_id, "underretninger")
}

fn path(id: i64) -> String {
    format!("{LIST}/{id}")
}

/// The receipt in words: received, overdue (with the deadline) or awaited.
fn receipt(s: &UnderretningStatus) -> Markup {
    html! {
        @if let Some(on) = s.receipt_on {
            "Modtaget " (format_date(on))
        } @else if receipt_overdue(s.sent_on, None, today()) {
            strong.overdue { "Overskredet – frist " (format_date(s.receipt_due)) }
        } @else {
            "Afventer, frist " (format_date(s.receipt_due))
        }
    }
}

/// The child's page of underretninger: those the viewer may read, and the way to write one.
pub async fn child_list(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Page {
    let allowed = authorize_with(
        &state,
        &viewer,
        CaseTarget::Child(child_id),
        Action::Write,
        ChildData::Underretning,
        "underretning.list",
        None,
        Some(DENIED),
    )
    .await?;
    let Subject::Child { context, grant, .. } = &allowed.subject else {
        unreachable!("a child was authorized")
    };
    let readable: Vec<UnderretningStatus> = state
        .store
        .child_underretninger(*grant)
        .await?
        .into_iter()
        .filter(|u| may_read(&viewer.actor, context, u.author_user_id).is_some())
        .collect();
    state.store.audit(&allowed.audit).await?;
    let name = allowed.subject.name();
    let title = format!("Underretninger – {name}");
    let body = html! {
        p { a href=(links::child(child_id)) { "← " (name) } }
        h1 { (title) }
        p { "Du har pligt til at underrette kommunen, hvis du får kendskab til eller grund til at antage, at et barn kan have behov for særlig støtte (Barnets Lov § 133). Underretningen kan kun ses af dig og skolens ledelse og trivselsperson." }
        p { a href=(child_path(child_id) + "/ny") { strong { "Skriv en underretning" } } }
        @if readable.is_empty() {
            p { "Der er ingen underretninger, du kan se." }
        } @else {
            (status_table(&readable, None))
        }
    };
    Ok(shell::page(&title, Some(&viewer), "", body).into_response())
}

/// A table of underretninger; `names` adds the child's name (the leadership's list).
fn status_table(rows: &[UnderretningStatus], names: Option<&std::collections::HashMap<i64, String>>) -> Markup {
    html! {
        table.stacked {
            thead { tr {
                @if names.is_some() { th scope="col" { "Barn" } }
                th scope="col" { "Sendt" } th scope="col" { "Til" } th scope="col" { "Kommunens kvittering" }
                th scope="col" { "Tilbagemelding" } th scope="col" { "Skrevet af" }
            } }
            tbody {
                @for u in rows {
                    tr {
                        @if let Some(names) = names {
                            td data-label="Barn" { (names.get(&u.child_id).map_or("", String::as_str)) }
                        }
                        td data-label="Sendt" {
                            a href=(path(u.id)) { (format_date(u.sent_on)) }
                            @if u.acute { " (akut)" }
                        }
                        td data-label="Til" { (u.recipient) }
                        td data-label="Kommunens kvittering" { (receipt(u)) }
                        td data-label="Tilbagemelding" {
                            @if let (Some(f), Some(on)) = (u.feedback, u.feedback_on) { (f.navn()) " (" (format_date(on)) ")" } @else { "–" }
                        }
                        td data-label="Skrevet af" { (u.author_name) }
                    }
                }
            }
        }
    }
}

/// The form's values as typed.
#[derive(Debug, Clone, Default)]
struct UnderretningForm {
    acute: String,
    phoned_at: String,
    phoned_to: String,
    observations: String,
    observed_on: String,
    statements: String,
    tried: String,
    parents: String,
    not_informed: String,
    recipient: String,
    sent_on: String,
}

impl UnderretningForm {
    fn of(fields: &Fields) -> Self {
        let f = |name| field(fields, name).to_string();
        UnderretningForm {
            acute: f("akut"),
            phoned_at: f("ringet"),
            phoned_to: f("ringet_til"),
            observations: f("observationer"),
            observed_on: f("observeret"),
            statements: f("udsagn"),
            tried: f("forsoegt"),
            parents: f("foraeldre"),
            not_informed: f("hvorfor_ikke"),
            recipient: f("modtager"),
            sent_on: f("sendt"),
        }
    }
}

/// The guided form.
pub async fn new_form(State(state): State<AppState>, viewer: Viewer, Path(child_id): Path<i64>) -> Page {
    let allowed = authorize_with(
        &state,
        &viewer,
        CaseTarget::Child(child_id),
        Action::Write,
        ChildData::Underretning,
        "underretning.prepare",
        None,
        Some(DENIED),
    )
    .await?;
    state.store.audit(&allowed.audit).await?;
    let form = UnderretningForm {
        acute: "nej".into(),
        recipient: municipality_name(&state, &viewer).await?,
        sent_on: today().to_string(),
        ..UnderretningForm::default()
    };
    Ok(form_page(&viewer, &allowed.subject, &form, &[]).into_response())
}

async fn municipality_name(state: &AppState, viewer: &Viewer) -> Result<String, PageError> {
    Ok(state
        .store
        .municipalities()
        .await?
        .into_iter()
        .find(|m| m.id == viewer.user.municipality_id)
        .map(|m| m.name)
        .unwrap_or_default())
}

fn form_page(viewer: &Viewer, subject: &Subject, form: &UnderretningForm, errors: &[FieldError]) -> Markup {
    let name = subject.name();
    let child_id = subject.child_id().expect("a child");
    let title = format!("Ny underretning om {name}");
    let area = |id: &'static str, label: &str, hint: Option<&str>, value: &str, rows: u8| {
        html! {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id={ (id) "-hint" } { (hint) } }
            textarea id=(id) name=(id) rows=(rows) aria-invalid=[invalid(errors, id)]
                aria-describedby=[described(errors, id).or(hint.map(|_| format!("{id}-hint")))] { (value) }
            (inline_error(errors, id))
        }
    };
    let radio = |name: &'static str, value: &'static str, label: &str, current: &str| {
        html! {
            label.check {
                input type="radio" name=(name) value=(value) checked[current == value];
                " " (label)
            }
        }
    };
    html_page(
        viewer,
        &title,
        html! {
            p { a href=(child_path(child_id)) { "← Underretninger om " (name) } }
            h1 { (title) }
            p { "Skriv, hvad du har set og hørt, så kommunen kan vurdere barnets behov. Du skal ikke selv vurdere, om der er tale om omsorgssvigt." }
            p.notice {
                strong { "Trivsel sender ikke underretningen. " }
                "Gem den, udskriv den (eller gem den som PDF fra browseren), og send den via kommunens sikre kanal – aldrig med almindelig e-mail."
            }
            (error_summary(errors))
            form.stack method="post" action=(child_path(child_id)) novalidate {
                fieldset.group aria-describedby="akut-hint" {
                    legend { "Er det akut?" }
                    p.hint id="akut-hint" { "Er barnet i akut fare, skal du ringe til kommunen straks – uden for åbningstid til døgnvagten eller politiet (114, ved fare 112) – og bagefter skrive underretningen." }
                    (radio("akut", "nej", "Nej", &form.acute))
                    (radio("akut", "ja", "Ja – jeg har ringet til kommunen", &form.acute))
                    label for="ringet" { "Hvornår ringede du? (kun ved akut)" }
                    input id="ringet" name="ringet" type="datetime-local" value=(form.phoned_at)
                        aria-invalid=[invalid(errors, "ringet")] aria-describedby=[described(errors, "ringet")];
                    (inline_error(errors, "ringet"))
                    label for="ringet_til" { "Hvem talte du med? (kun ved akut)" }
                    input id="ringet_til" name="ringet_til" type="text" value=(form.phoned_to)
                        aria-invalid=[invalid(errors, "ringet_til")] aria-describedby=[described(errors, "ringet_til")];
                    (inline_error(errors, "ringet_til"))
                }
                (area("observationer", "Hvad giver anledning til bekymring?", Some("Beskriv konkret, hvad du har set og hørt, med datoer."), &form.observations, 8))
                label for="observeret" { "Hvornår så eller hørte du det første gang?" }
                input id="observeret" name="observeret" type="date" value=(form.observed_on) max=(today().to_string())
                    aria-invalid=[invalid(errors, "observeret")] aria-describedby=[described(errors, "observeret")];
                (inline_error(errors, "observeret"))
                (area("udsagn", "Hvad har barnet eller andre sagt? (valgfrit)", Some("Gengiv så ordret som muligt, og skriv hvem der sagde det."), &form.statements, 4))
                (area("forsoegt", "Hvad er forsøgt?", Some("Fx samtaler med barnet eller forældrene, indsatser i klassen, sparring."), &form.tried, 4))
                fieldset {
                    legend { "Er forældrene orienteret om underretningen?" }
                    (radio("foraeldre", "ja", "Ja", &form.parents))
                    (radio("foraeldre", "nej", "Nej", &form.parents))
                    (inline_error(errors, "foraeldre"))
                    span id="foraeldre" {}
                }
                (area("hvorfor_ikke", "Hvis nej: hvorfor ikke?", Some("Fx mistanke om vold eller seksuelle overgreb i familien – så må forældrene ikke orienteres."), &form.not_informed, 3))
                label for="modtager" { "Modtagerkommune (barnets bopælskommune)" }
                input id="modtager" name="modtager" type="text" required value=(form.recipient)
                    aria-invalid=[invalid(errors, "modtager")] aria-describedby=[described(errors, "modtager")];
                (inline_error(errors, "modtager"))
                label for="sendt" { "Sendt til kommunen den" }
                input id="sendt" name="sendt" type="date" required value=(form.sent_on) max=(today().to_string())
                    aria-invalid=[invalid(errors, "sendt")] aria-describedby=[described(errors, "sendt")];
                (inline_error(errors, "sendt"))
                button type="submit" { "Gem underretningen" }
            }
        },
    )
}

fn html_page(viewer: &Viewer, title: &str, body: Markup) -> Markup {
    shell::page(title, Some(viewer), "", body)
}

/// Stores the underretning as sent, with the follow-up task for its receipt.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(child_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let allowed = authorize_with(
        &state,
        &viewer,
        CaseTarget::Child(child_id),
        Action::Write,
        ChildData::Underretning,
        "underretning.create",
        None,
        Some(DENIED),
    )
    .await?;
    let form = UnderretningForm::of(&fields);
    let mut errors = Vec::new();
    let observations = check_text(
        &mut errors,
        "observationer",
        "Hvad giver anledning til bekymring",
        &form.observations,
        false,
        TEXT_MAX,
    );
    let statements = check_text(&mut errors, "udsagn", "Udsagn", &form.statements, false, TEXT_MAX);
    let tried = check_text(&mut errors, "forsoegt", "Hvad er forsøgt", &form.tried, false, TEXT_MAX);
    let not_informed = check_text(
        &mut errors,
        "hvorfor_ikke",
        "Hvorfor ikke",
        &form.not_informed,
        false,
        TEXT_MAX,
    );
    let phoned_to = check_text(&mut errors, "ringet_til", "Ringet til", &form.phoned_to, false, 200);
    let recipient = check_text(&mut errors, "modtager", "Modtagerkommune", &form.recipient, false, 200);
    let sent_on = check_past_date(&mut errors, "sendt", "Sendt", &form.sent_on);
    let observed_on = if form.observed_on.is_empty() {
        None
    } else {
        check_past_date(&mut errors, "observeret", "Observeret", &form.observed_on)
    };
    let acute = form.acute == "ja";
    let phoned_at = if !acute || form.phoned_at.is_empty() {
        None
    } else {
        let parsed = NaiveDateTime::parse_from_str(&form.phoned_at, "%Y-%m-%dT%H:%M").ok();
        if parsed.is_none() {
            errors.push(error(
                "ringet",
                format!("Ringet: «{}» er ikke et gyldigt tidspunkt.", form.phoned_at),
            ));
        }
        parsed
    };
    let answers = Answers {
        observations: &observations,
        statements: &statements,
        observed_on,
        tried: &tried,
        parents_informed: match form.parents.as_str() {
            "ja" => Some(true),
            "nej" => Some(false),
            _ => None,
        },
        not_informed_reason: &not_informed,
        acute,
        phoned_at: phoned_at.or((acute && errors.iter().any(|e| e.id == "ringet")).then(NaiveDateTime::default)),
        phoned_to: &phoned_to,
        recipient: &recipient,
        sent_on,
    };
    for p in check(&answers, today()) {
        if !errors.iter().any(|e| e.id == p.field) {
            errors.push(error(p.field, p.message));
        }
    }
    let (Some(sent_on), Some(parents_informed), true) = (sent_on, answers.parents_informed, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        allowed.audit_unchanged(&state, &reason).await?;
        return Err(PageError::unprocessable(form_page(
            &viewer,
            &allowed.subject,
            &form,
            &errors,
        )));
    };
    let Some(institution_id) = allowed.subject.institution_for(&viewer) else {
        allowed.audit_unchanged(&state, "barnet er ikke indskrevet").await?;
        let errors = [error(
            "sendt",
            "Barnet er ikke indskrevet i en institution i dag; underretningen kan ikke gemmes her.",
        )];
        return Err(PageError::unprocessable(form_page(
            &viewer,
            &allowed.subject,
            &form,
            &errors,
        )));
    };
    let new = NewUnderretning {
        institution_id,
        child_id,
        author_user_id: viewer.user.id,
        observations,
        statements,
        observed_on,
        tried,
        parents_informed,
        not_informed_reason: not_informed,
        acute,
        phoned_at,
        phoned_to,
        recipient,
        sent_on,
        at: now(),
    };
    let mut audit = allowed.audit.clone();
    if acute {
        add_criterion(&mut audit, "akut, ringet til kommunen");
    }
    let id = state.store.create_underretning(&new, &audit).await?;
    Ok(Redirect::to(&format!("{}?gemt=1", path(id))).into_response())
}

/// An underretning the viewer may read, with the policy's grant for its child.
struct One {
    u: Underretning,
    grant: ChildGrant,
    audit: AuditEntry,
}

/// The underretning the viewer may read, with the audit of the request (written for a read,
/// handed back for a write); anything else is refused like an unknown id.
async fn authorize_one(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    write: bool,
    audit_action: &str,
) -> Result<One, PageError> {
    let parties = state.store.underretning_parties(id).await?;
    let context = match parties {
        Some((child, _)) => state.store.child_context(child, today()).await?,
        None => None,
    };
    let grant = match (&context, parties) {
        (Some(context), Some((_, author))) => may_read(&viewer.actor, context, author),
        _ => None,
    };
    let ask = Ask {
        audit_action,
        child_id: parties.map(|p| p.0),
        criterion: Some(format!("underretning {id}")),
        denied: DENIED,
    };
    let granted = decide(state, viewer, grant.is_some(), write, ask).await?;
    let grant = grant.expect("granted");
    let u = state
        .store
        .underretning(grant, id)
        .await?
        .ok_or_else(|| PageError::not_found_for(Some(viewer)))?;
    Ok(One {
        u,
        grant,
        audit: granted.audit,
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    gemt: Option<String>,
}

/// The printable underretning, with the receipt and the feedback.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Page {
    let one = authorize_one(&state, &viewer, id, false, "underretning.read").await?;
    Ok(document(&state, &viewer, &one, q.gemt.is_some(), &[])
        .await?
        .into_response())
}

async fn document(
    state: &AppState,
    viewer: &Viewer,
    one: &One,
    saved: bool,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let (u, s) = (&one.u, &one.u.status);
    let card = state
        .store
        .child_card(one.grant)
        .await?
        .ok_or_else(PageError::not_found)?;
    let institution = state
        .store
        .institutions(viewer.user.municipality_id)
        .await?
        .into_iter()
        .find(|i| i.id == s.institution_id)
        .map(|i| i.name)
        .unwrap_or_default();
    let name = format!("{} {}", card.given_name, card.family_name);
    let title = format!("Underretning om {name}");
    let today = today();
    Ok(html_page(
        viewer,
        &title,
        html! {
            p.no-print { a href=(child_path(s.child_id)) { "← Underretninger om " (name) } }
            @if saved {
                p.notice role="status" { "Underretningen er gemt. Udskriv den (Ctrl+P, eller «Del» → «Udskriv» på telefonen), og send den via kommunens sikre kanal. Du har fået en opgave om at følge op på kommunens kvittering." }
            }
            h1 { (title) }
            p.meta { "Underretning efter Barnets Lov § 133" @if s.acute { " – " strong { "akut" } } }
            dl.facts {
                dt { "Barn" } dd { (name) ", født " (format_date(card.birth_date)) }
                dt { "Institution" } dd { (institution) }
                dt { "Skrevet af" } dd { (s.author_name) }
                dt { "Sendt" } dd { (format_date(s.sent_on)) " til " (s.recipient) }
                @if s.acute {
                    dt { "Ringet til kommunen" } dd {
                        (u.phoned_at.map(local_time).unwrap_or_default()) ", talte med " (u.phoned_to.as_deref().unwrap_or(""))
                    }
                }
            }
            h2 { "Hvad giver anledning til bekymring" }
            @if let Some(on) = u.observed_on { p.meta { "Først set eller hørt " (format_date(on)) } }
            (text(&u.observations))
            @if let Some(statements) = &u.statements {
                h2 { "Udsagn" }
                (text(statements))
            }
            h2 { "Hvad er forsøgt" }
            (text(&u.tried))
            h2 { "Forældrene" }
            @if u.parents_informed {
                p { "Forældrene er orienteret om underretningen." }
            } @else {
                p { "Forældrene er " strong { "ikke" } " orienteret. Begrundelse:" }
                (text(u.not_informed_reason.as_deref().unwrap_or("")))
            }
            (error_summary(errors))
            section aria-labelledby="kvittering-titel" {
                h2 id="kvittering-titel" { "Kommunens kvittering" }
                p { (receipt(s)) }
                @if s.receipt_on.is_none() {
                    form.stack method="post" action={ (path(s.id)) "/kvittering" } novalidate {
                        label for="kvittering" { "Kvittering modtaget den" }
                        input id="kvittering" name="dato" type="date" required value=(today.to_string()) max=(today.to_string())
                            aria-invalid=[invalid(errors, "kvittering")] aria-describedby=[described(errors, "kvittering")];
                        (inline_error(errors, "kvittering"))
                        button type="submit" { "Registrér kvittering" }
                    }
                }
            }
            section aria-labelledby="tilbagemelding-titel" {
                h2 id="tilbagemelding-titel" { "Kommunens tilbagemelding" }
                @if let (Some(f), Some(on)) = (s.feedback, s.feedback_on) {
                    p { (f.navn()) " (" (format_date(on)) ")" }
                    @if let Some(note) = &s.feedback_note { (text(note)) }
                } @else {
                    p { "Ingen tilbagemelding endnu." }
                }
                form.stack method="post" action={ (path(s.id)) "/tilbagemelding" } novalidate {
                    fieldset id="tilbagemelding" aria-invalid=[invalid(errors, "tilbagemelding")] aria-describedby=[described(errors, "tilbagemelding")] {
                        legend { "Hvad har kommunen iværksat?" }
                        @for f in Feedback::ALL {
                            label.check { input type="radio" name="tilbagemelding" value=(f.id()) checked[s.feedback == Some(*f)]; " " (f.navn()) }
                        }
                        (inline_error(errors, "tilbagemelding"))
                    }
                    label for="tilbagemelding_dato" { "Tilbagemelding modtaget den" }
                    input id="tilbagemelding_dato" name="dato" type="date" value=(today.to_string()) max=(today.to_string())
                        aria-invalid=[invalid(errors, "tilbagemelding_dato")] aria-describedby=[described(errors, "tilbagemelding_dato")];
                    (inline_error(errors, "tilbagemelding_dato"))
                    label for="note" { "Note (valgfri)" }
                    textarea id="note" name="note" rows="3" {}
                    button type="submit" { "Registrér tilbagemelding" }
                }
            }
        },
    ))
}

/// Nothing stored: audits why and shows the underretning with the errors (422).
async fn unchanged(state: &AppState, viewer: &Viewer, one: &One, errors: &[FieldError]) -> Page {
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    let mut audit = one.audit.clone();
    add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
    state.store.audit(&audit).await?;
    Err(PageError::unprocessable(
        document(state, viewer, one, false, errors).await?,
    ))
}

/// Records the municipality's receipt; the follow-up task is done with it.
pub async fn record_receipt(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let one = authorize_one(&state, &viewer, id, true, "underretning.receipt").await?;
    let mut errors = Vec::new();
    let Some(on) = check_past_date(&mut errors, "kvittering", "Kvittering modtaget", field(&fields, "dato")) else {
        return unchanged(&state, &viewer, &one, &errors).await;
    };
    let saved = state
        .store
        .record_underretning_receipt(one.grant, id, on, viewer.user.id, now(), &one.audit)
        .await;
    match saved {
        Ok(()) => Ok(Redirect::to(&path(id)).into_response()),
        Err(StoreError::Config(message)) => unchanged(&state, &viewer, &one, &[error("kvittering", message)]).await,
        Err(e) => Err(e.into()),
    }
}

/// Records the municipality's feedback on what it did.
pub async fn record_feedback(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let one = authorize_one(&state, &viewer, id, true, "underretning.feedback").await?;
    let mut errors = Vec::new();
    let feedback = Feedback::from_id(field(&fields, "tilbagemelding"));
    if feedback.is_none() {
        errors.push(error(
            "tilbagemelding",
            "Tilbagemelding: vælg, hvad kommunen har iværksat.",
        ));
    }
    let on = check_past_date(
        &mut errors,
        "tilbagemelding_dato",
        "Tilbagemelding modtaget",
        field(&fields, "dato"),
    );
    let note = check_text(&mut errors, "note", "Note", field(&fields, "note"), false, TEXT_MAX);
    let (Some(feedback), Some(on), true) = (feedback, on, errors.is_empty()) else {
        return unchanged(&state, &viewer, &one, &errors).await;
    };
    let saved = state
        .store
        .record_underretning_feedback(one.grant, id, feedback, on, &note, viewer.user.id, &one.audit)
        .await;
    match saved {
        Ok(()) => Ok(Redirect::to(&path(id)).into_response()),
        Err(StoreError::Config(message)) => {
            unchanged(&state, &viewer, &one, &[error("tilbagemelding_dato", message)]).await
        }
        Err(e) => Err(e.into()),
    }
}

const DENIED_LIST: &str = "Skolens underretninger ses af skolens ledelse og trivselsperson. Forsøget er registreret.";

/// The school leadership's list of the institution's underretninger, those waiting for a
/// receipt first; each child shown is audited.
pub async fn institution_list(State(state): State<AppState>, viewer: Viewer) -> Page {
    let ask = Ask {
        audit_action: "underretning.institution",
        child_id: None,
        criterion: Some("skolens underretninger".into()),
        denied: DENIED_LIST,
    };
    let (institution_id, granted) = authorize_own_institution(&state, &viewer, Action::Read, ask).await?;
    let rows = state.store.institution_underretninger(institution_id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.child_id).collect();
    let names = state.store.child_names(&ids).await?;
    audit_shown(&state, &granted.audit, true, ids).await?;
    let overdue = rows
        .iter()
        .filter(|r| receipt_overdue(r.sent_on, r.receipt_on, today()))
        .count();
    let title = "Underretninger";
    let body = html! {
        h1 { (title) }
        p { "Institutionens underretninger til kommunen. Kommunen skal kvittere inden for 6 arbejdsdage; en udeblevet kvittering følges op af den, der skrev underretningen." }
        @if overdue > 0 {
            p.error { (overdue) @if overdue == 1 { " underretning mangler" } @else { " underretninger mangler" } " kommunens kvittering efter fristen." }
        }
        @if rows.is_empty() {
            p { "Der er ingen underretninger." }
        } @else {
            (status_table(&rows, Some(&names)))
        }
    };
    Ok(shell::page(title, Some(&viewer), LIST, body).into_response())
}

pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

/// For the leadership: how many underretninger wait for a receipt, and how many are overdue.
/// Counts only, naming no child.
async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    let Some(institution_id) = viewer.user.institution_id else {
        return Ok(None);
    };
    let leads = can(
        &viewer.actor,
        Action::Read,
        &Resource::Institution {
            municipality_id: viewer.user.municipality_id,
            institution_id,
        },
    );
    if !leads {
        return Ok(None);
    }
    let rows = state.store.institution_underretninger(institution_id).await?;
    let waiting: Vec<_> = rows.iter().filter(|r| r.receipt_on.is_none()).collect();
    if waiting.is_empty() {
        return Ok(None);
    }
    let overdue = waiting
        .iter()
        .filter(|r| receipt_overdue(r.sent_on, None, today()))
        .count();
    Ok(Some(html! {
        section aria-labelledby="underretning-titel" {
            h2 id="underretning-titel" { "Underretninger" }
            p {
                a href=(LIST) { (waiting.len()) @if waiting.len() == 1 { " underretning afventer" } @else { " underretninger afventer" } }
                " kommunens kvittering"
                @if overdue > 0 { ", " strong.overdue { (overdue) " efter fristen" } }
                "."
            }
        }
    }))
}
