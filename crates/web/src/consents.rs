//! Samtykker (consents) for a child: the list, giving a consent and revoking one.
//!
//! A guardian with custody gives and revokes his or her own consents in the parent view
//! (`ChildData::ParentPerspective`, write). Staff with access to the child's plans
//! (`ChildData::Plans`) may read the list; the school's leader and trivselsperson may also
//! record a consent a guardian gave on paper or orally, and revoke one on a guardian's behalf.
//! Every outcome is audited, allowed or denied; a write's row is stored with the change.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildContext, ChildData, ChildGrant, grant};
use trivsel_domain::meetings::{ConsentMethod, ConsentScope};
use trivsel_domain::model::Role;
use trivsel_store::{NewConsent, StoreError};

use crate::kit::access::{Allowed, Ask, Subject, add_criterion, decide};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, Fields, described, error, error_summary, field, inline_error, invalid, parse_date};
use crate::kit::format::format_date;
use crate::kit::links;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

const DENIED: &str = "Du har ikke adgang til dette barns samtykker. Forsøget er registreret.";

/// Whether the viewer may see the child's consents: staff with access to the plans, and a
/// guardian with custody.
fn may_read(viewer: &Viewer, context: &ChildContext) -> Option<ChildGrant> {
    grant(&viewer.actor, Action::Read, context, ChildData::Plans)
}

/// Whether the viewer may give, record or revoke consents: a guardian with custody (as
/// himself or herself), or the school's leader or trivselsperson (on a guardian's behalf).
fn may_write(viewer: &Viewer, context: &ChildContext) -> Option<ChildGrant> {
    match viewer.user.role {
        Role::Guardian => grant(&viewer.actor, Action::Write, context, ChildData::ParentPerspective),
        Role::Leader | Role::WellbeingPerson => grant(&viewer.actor, Action::Write, context, ChildData::Plans),
        _ => None,
    }
}

/// Asks [`may_read`] or [`may_write`] and records the answer through `kit::access`: a refusal,
/// or a read, is audited at once. An unknown child is refused like a forbidden one.
async fn authorize(
    state: &AppState,
    viewer: &Viewer,
    child_id: i64,
    write: bool,
    action: &str,
    criterion: Option<String>,
) -> Result<Allowed, PageError> {
    let context = state.store.child_context(child_id, today()).await?;
    let yes = context.as_ref().and_then(|c| {
        if write {
            may_write(viewer, c)
        } else {
            may_read(viewer, c)
        }
    });
    let card = match yes {
        Some(yes) => state.store.child_card(yes).await?,
        None => None,
    };
    let known = context.as_ref().map(|c| c.child_id);
    let criterion = if known.is_none() {
        Some(format!("ukendt barn {child_id}"))
    } else {
        criterion
    };
    let ask = Ask {
        audit_action: action,
        child_id: known,
        criterion,
        denied: DENIED,
    };
    let granted = decide(state, viewer, card.is_some(), write, ask).await?;
    Ok(Allowed {
        subject: Subject::Child {
            context: context.expect("granted"),
            card: card.expect("granted"),
            grant: yes.expect("granted"),
        },
        audit: granted.audit,
    })
}

/// The child whose consents were granted.
/// The give-consent form's submitted values.
#[derive(Debug, Clone, Default)]
struct ConsentForm {
    scope: String,
    expires: String,
    guardian: String,
    method: String,
}

impl ConsentForm {
    fn of(fields: &Fields) -> Self {
        ConsentForm {
            scope: field(fields, "omfang").into(),
            expires: field(fields, "udloeber").into(),
            guardian: field(fields, "foraelder").into(),
            method: field(fields, "form").into(),
        }
    }
}

/// What was just done, shown once at the top of the list.
#[derive(Deserialize)]
pub struct Done {
    givet: Option<i64>,
    tilbagekaldt: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Page {
    let allowed = authorize(&state, &viewer, id, false, "consent.read", None).await?;
    let notice = match (done.givet, done.tilbagekaldt) {
        (_, Some(_)) => Some("Samtykket er trukket tilbage. Det gælder ikke længere fra i dag."),
        (Some(_), None) => Some("Samtykket er registreret."),
        (None, None) => None,
    };
    Ok(
        page(&state, &viewer, &allowed.subject, &ConsentForm::default(), &[], notice)
            .await?
            .into_response(),
    )
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    subject: &Subject,
    form: &ConsentForm,
    errors: &[FieldError],
    notice: Option<&str>,
) -> Result<Markup, PageError> {
    let card = subject.child_card();
    let consents = state.store.consents_of_child(subject.grant()).await?;
    let Subject::Child { context, .. } = subject else {
        unreachable!("consents are a child's")
    };
    let write_grant = may_write(viewer, context);
    let writable = write_grant.is_some();
    let guardian_view = viewer.user.role == Role::Guardian;
    let own_guardian = if guardian_view {
        state.store.guardian_of_user(viewer.user.id).await?
    } else {
        None
    };
    let guardians = match write_grant {
        Some(child) if !guardian_view => state.store.guardians_of_child(child).await?,
        _ => Vec::new(),
    };
    let today = today();
    let base = format!("/boern/{}/samtykker", card.id);
    let name = format!("{} {}", card.given_name, card.family_name);
    let title = format!("Samtykker – {name}");
    let body = html! {
        p { a href=(links::child(card.id)) { "Tilbage til barnets side" } }
        h1 { (title) }
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        (error_summary(errors))
        @if guardian_view {
            details.terms {
                summary { "Hvad betyder samtykkerne?" }
                p { "Et samtykke gælder, til det udløber, eller til I trækker det tilbage her. I kan altid trække et samtykke tilbage." }
                dl {
                    @for scope in ConsentScope::ALL {
                        dt { (scope.navn()) }
                        dd { (scope.forklaring()) }
                    }
                }
            }
        }
        section aria-labelledby="samtykker-titel" {
            h2 id="samtykker-titel" { "Registrerede samtykker (" (consents.len()) ")" }
            @if consents.is_empty() {
                p { "Der er ikke registreret samtykker." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Omfang" } th scope="col" { "Forælder" } th scope="col" { "Givet" }
                        th scope="col" { "Udløber" } th scope="col" { "Trukket tilbage" } th scope="col" { "Hvordan" }
                        th scope="col" { "Registreret af" } th scope="col" { "Status" }
                    } }
                    tbody {
                        @for c in &consents {
                            @let revocable = writable && c.consent.revoked_on.is_none()
                                && (c.consent.in_force(today) || c.consent.given_on > today)
                                && (!guardian_view || own_guardian == Some(c.guardian_id));
                            tr id={ "samtykke-" (c.id) } {
                                td { (c.consent.scope.navn()) }
                                td {
                                    (c.guardian_name)
                                    @if guardian_view && own_guardian == Some(c.guardian_id) { " (dig)" }
                                    @if !c.custody { " (uden forældremyndighed)" }
                                }
                                td { (format_date(c.consent.given_on)) }
                                td { @if let Some(e) = c.consent.expires_on { (format_date(e)) } @else { "–" } }
                                td { @if let Some(r) = c.consent.revoked_on { (format_date(r)) } @else { "–" } }
                                td { (c.consent.method.navn()) }
                                td { @if c.consent.method.recorded_by_staff() { (c.recorded_by_name) } @else { "–" } }
                                td {
                                    @if c.custody && c.consent.in_force(today) {
                                        "Gælder"
                                    } @else if let Some(lapse) = c.consent.lapse(today) {
                                        "Gælder ikke: " (lapse.describe())
                                    } @else {
                                        "Gælder ikke: forælderen har ikke forældremyndighed"
                                    }
                                    @if revocable {
                                        form.inline method="post" action={ (base) "/" (c.id) "/tilbagekald" } {
                                            button type="submit" { "Træk samtykket tilbage" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if writable {
            section.no-print aria-labelledby="nyt-samtykke" {
                h2 id="nyt-samtykke" {
                    @if guardian_view { "Giv samtykke" } @else { "Registrér samtykke givet på papir eller mundtligt" }
                }
                form.stack method="post" action=(base) novalidate {
                    @if !guardian_view {
                        label for="foraelder" { "Forælder, der har givet samtykket" }
                        select id="foraelder" name="foraelder" required
                            aria-invalid=[invalid(errors, "foraelder")] aria-describedby=[described(errors, "foraelder")] {
                            option value="" { "Vælg forælder" }
                            @for (id, gname, _) in &guardians {
                                option value=(id) selected[form.guardian == id.to_string()] { (gname) }
                            }
                        }
                        (inline_error(errors, "foraelder"))
                        label for="form" { "Hvordan er samtykket givet?" }
                        select id="form" name="form" required
                            aria-invalid=[invalid(errors, "form")] aria-describedby=[described(errors, "form")] {
                            option value="" { "Vælg" }
                            @for m in ConsentMethod::ALL.iter().filter(|m| m.recorded_by_staff()) {
                                option value=(m.id()) selected[form.method == m.id()] { (m.navn()) }
                            }
                        }
                        (inline_error(errors, "form"))
                    }
                    label for="omfang" { "Hvad gælder samtykket?" }
                    select id="omfang" name="omfang" required
                        aria-invalid=[invalid(errors, "omfang")] aria-describedby=[described(errors, "omfang")] {
                        option value="" { "Vælg omfang" }
                        @for s in ConsentScope::ALL {
                            option value=(s.id()) selected[form.scope == s.id()] { (s.navn()) }
                        }
                    }
                    (inline_error(errors, "omfang"))
                    label for="udloeber" { "Udløbsdato (valgfri, gælder til og med)" }
                    input id="udloeber" name="udloeber" type="date" value=(form.expires) min=(today.to_string())
                        aria-invalid=[invalid(errors, "udloeber")] aria-describedby=[described(errors, "udloeber")];
                    (inline_error(errors, "udloeber"))
                    button type="submit" { @if guardian_view { "Giv samtykke" } @else { "Registrér samtykke" } }
                }
            }
        }
    };
    Ok(shell::page(&title, Some(viewer), "", body))
}

pub async fn give(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let guardian_view = viewer.user.role == Role::Guardian;
    let action = if guardian_view {
        "consent.give"
    } else {
        "consent.record"
    };
    let form = ConsentForm::of(&fields);
    let criterion = Some(format!("samtykke {}", form.scope));
    let allowed = authorize(&state, &viewer, id, true, action, criterion).await?;
    let mut errors = Vec::new();
    let scope = ConsentScope::from_id(&form.scope);
    if scope.is_none() {
        errors.push(error("omfang", "Hvad gælder samtykket: vælg et omfang på listen."));
    }
    let expires_on = if form.expires.is_empty() {
        None
    } else {
        match parse_date(&form.expires) {
            None => {
                errors.push(error(
                    "udloeber",
                    format!(
                        "Udløbsdato: «{}» er ikke en gyldig dato (skriv fx {}).",
                        form.expires,
                        format_date(today())
                    ),
                ));
                None
            }
            Some(d) if d < today() => {
                errors.push(error(
                    "udloeber",
                    "Udløbsdato: datoen må ikke ligge før i dag. Ret datoen, eller lad feltet stå tomt.",
                ));
                None
            }
            Some(d) => Some(d),
        }
    };
    let guardians = state.store.guardians_of_child(allowed.subject.grant()).await?;
    let (guardian_id, method) = if guardian_view {
        let own = state
            .store
            .guardian_of_user(viewer.user.id)
            .await?
            .filter(|g| guardians.iter().any(|(id, _, _)| id == g));
        if own.is_none() {
            errors.push(error(
                "omfang",
                "Du er ikke registreret som forælder med forældremyndighed over barnet og kan ikke give samtykke.",
            ));
        }
        (own, Some(ConsentMethod::ParentView))
    } else {
        let guardian = form
            .guardian
            .parse::<i64>()
            .ok()
            .filter(|g| guardians.iter().any(|(id, _, _)| id == g));
        if guardian.is_none() {
            errors.push(error(
                "foraelder",
                "Forælder: vælg den forælder med forældremyndighed, der har givet samtykket.",
            ));
        }
        let method = ConsentMethod::from_id(&form.method).filter(|m| m.recorded_by_staff());
        if method.is_none() {
            errors.push(error(
                "form",
                "Hvordan er samtykket givet: vælg papirblanket eller mundtligt samtykke.",
            ));
        }
        (guardian, method)
    };
    let (Some(scope), Some(guardian_id), Some(method), true) = (scope, guardian_id, method, errors.is_empty()) else {
        return Err(refuse(&state, &viewer, &allowed, &form, &errors).await);
    };
    let consent = NewConsent {
        child_id: id,
        guardian_id,
        scope,
        given_on: today(),
        expires_on,
        method,
        recorded_by: viewer.user.id,
        at: now(),
    };
    let mut audit = allowed.audit.clone();
    add_criterion(&mut audit, &format!("forælder {guardian_id}, {}", method.id()));
    match state.store.give_consent(&consent, &audit).await {
        Ok(cid) => Ok(Redirect::to(&format!("/boern/{id}/samtykker?givet={cid}#samtykke-{cid}")).into_response()),
        Err(StoreError::Config(message)) => {
            let errors = [error("omfang", message)];
            Err(refuse(&state, &viewer, &allowed, &form, &errors).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// Nothing stored: audits why and shows the form again with the errors (422).
async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    allowed: &Allowed,
    form: &ConsentForm,
    errors: &[FieldError],
) -> PageError {
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    let shown = async {
        allowed.audit_unchanged(state, &reason).await?;
        page(state, viewer, &allowed.subject, form, errors, None).await
    };
    shown.await.map_or_else(|e| e, PageError::unprocessable)
}

/// Revokes a consent once confirmed: the list's button asks first («Er du sikker?», with what
/// the consent allows and what revoking it means); only the confirmation's `bekraeft=ja`
/// revokes.
pub async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, cid)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> Page {
    let criterion = Some(format!("samtykke {cid}"));
    let allowed = authorize(&state, &viewer, id, true, "consent.revoke", criterion).await?;
    let Some(record) = state.store.consent(cid).await?.filter(|r| r.child_id == id) else {
        // Another child's consent, or none: refused like an unknown one.
        allowed.audit_refused(&state, "samtykket hører ikke til barnet").await?;
        return Err(PageError::not_found());
    };
    if viewer.user.role == Role::Guardian {
        let own = state.store.guardian_of_user(viewer.user.id).await?;
        if own != Some(record.guardian_id) {
            allowed
                .audit_refused(&state, "samtykket er givet af en anden forælder")
                .await?;
            return Err(PageError::forbidden(
                &viewer,
                "Du kan kun trække dine egne samtykker tilbage. Forsøget er registreret.",
            ));
        }
    }
    let back = format!("/boern/{id}/samtykker?tilbagekaldt={cid}#samtykke-{cid}");
    const REVOKED: &str = "samtykket er allerede trukket tilbage";
    if record.consent.revoked_on.is_some() {
        allowed.audit_unchanged(&state, REVOKED).await?;
        return Ok(Redirect::to(&back).into_response());
    }
    if field(&fields, "bekraeft") != "ja" {
        allowed.audit_unchanged(&state, "afventer bekræftelse").await?;
        let scope = record.consent.scope.navn();
        let list = format!("/boern/{id}/samtykker#samtykke-{cid}");
        let body = html! {
            h1 { "Træk samtykket tilbage?" }
            p { "Samtykke: " strong { (scope) } ", givet " (format_date(record.consent.given_on)) "." }
            p { "Når samtykket er trukket tilbage, gælder det ikke længere fra i dag. Det, der allerede er sket "
                "med samtykket, bliver ikke slettet, men der kan ikke bygges videre på det. Du kan give et nyt "
                "samtykke senere." }
            form.stack method="post" action={ "/boern/" (id) "/samtykker/" (cid) "/tilbagekald" } {
                input type="hidden" name="bekraeft" value="ja";
                button type="submit" { "Ja, træk samtykket tilbage" }
            }
            p { a href=(list) { "Nej, behold samtykket" } }
        };
        return Ok(shell::page("Træk samtykket tilbage?", Some(&viewer), "", body).into_response());
    }
    match state
        .store
        .revoke_consent(cid, today(), viewer.user.id, now(), &allowed.audit)
        .await
    {
        Ok(true) => {}
        Ok(false) => allowed.audit_unchanged(&state, REVOKED).await?,
        Err(StoreError::Config(message)) => {
            let errors = [error("omfang", message)];
            return Err(refuse(&state, &viewer, &allowed, &ConsentForm::default(), &errors).await);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&back).into_response())
}
