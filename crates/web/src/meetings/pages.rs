//! Møder (meetings): the institution's list with the share of fraværssamråd held in time,
//! convening a meeting (a fraværssamråd from an absence alert), the meeting page, its
//! iCalendar invitation, and the fixed members of the school's Trivselsforum. The forms on a
//! meeting page are in `forms`, the changes they make in `edit`.
//!
//! Who: the rule is `trivsel_domain::meetings::meeting_access` — the institution's leader and
//! trivselsperson run meetings (only the leader convenes a fraværssamråd), staff taking part
//! read them, guardians get the action plan in the parent view (`messages`). Every read
//! names the children shown in the audit log; every refusal is audited.

use std::collections::{HashMap, HashSet};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use chrono::Duration;
use maud::{Markup, html};
use serde::Deserialize;
use trivsel_domain::access::{Action, ChildData, ChildGrant};
use trivsel_domain::calendar::add_working_days;
use trivsel_domain::meetings::{
    DeadlineState, Invitation, MeetingAccess, MeetingDuty, MeetingKind, MeetingStatus, Minutes, ParticipantRole,
    check_consent, duty_warning, forum_missing, forum_missing_warning, invitation_ics, may_convene, meeting_access,
    missing_participants, missing_participants_warning, runs_meetings, samraad_deadline, samraad_proposed_date,
};
use trivsel_domain::model::Role;
use trivsel_store::{
    ALERT_TAKEN, AlertFilter, AuditEntry, CaseTarget, Meeting, MeetingAction, NewMeeting, NewParticipant, StoreError,
    User,
};

use super::common::{Loaded, NOT_RUNNER, load, may_see_child, may_take_part, sees_child, selectable_staff};
use super::forms::{ROUND_LABELS, Rejected, check_when, forms, role_of_user};
use crate::kit::access::{add_criterion, authorize, entry, refuse};
use crate::kit::clock::{now, today};
use crate::kit::form::{
    FieldError, Fields, check_text, described, error, error_summary, field, inline_error, invalid, text, values,
};
use crate::kit::format::{format_date, local_time};
use crate::kit::links;
use crate::kit::panels::PanelFuture;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

/// The front page's section on meetings (`front_section`).
pub fn front_panel<'a>(state: &'a AppState, viewer: &'a Viewer) -> PanelFuture<'a> {
    Box::pin(front_section(state, viewer))
}

const MAX_TITLE_CHARS: usize = 200;

/// Working days before a fraværssamråd's deadline from which the front page reminds of it.
const DEADLINE_SOON: u32 = 2;

/// The kinds convened on this page (a class conference and anonym sparring have their own).
const CONVENED: [MeetingKind; 4] = [
    MeetingKind::AbsenceCouncil,
    MeetingKind::NetworkMeeting,
    MeetingKind::WorkingMeeting,
    MeetingKind::Trivselsforum,
];

/// «Fraværssamråd 12.03.2027 kl. 09:00».
pub(super) fn when(m: &Meeting) -> String {
    format!(
        "{} kl. {}–{}",
        format_date(m.starts_at.date()),
        m.starts_at.format("%H:%M"),
        m.ends_at.format("%H:%M")
    )
}

/// The deadline cell of a fraværssamråd; empty for other kinds.
fn deadline_state(m: &Meeting) -> Option<DeadlineState> {
    (m.kind == MeetingKind::AbsenceCouncil).then(|| DeadlineState::of(m.convened_on, m.held_on, today()))
}

/// Names of the children and classes meetings are about, for the viewer's list.
async fn target_names(
    state: &AppState,
    targets: impl Iterator<Item = CaseTarget>,
) -> Result<HashMap<CaseTarget, String>, PageError> {
    let targets: Vec<CaseTarget> = targets.collect();
    let child_ids: Vec<i64> = targets.iter().filter_map(|t| t.child_id()).collect();
    let children = state.store.child_names(&child_ids).await?;
    let mut names: HashMap<CaseTarget, String> =
        children.into_iter().map(|(id, n)| (CaseTarget::Child(id), n)).collect();
    for t in targets {
        if let CaseTarget::Class(id) = t
            && !names.contains_key(&t)
            && let Some(card) = state.store.class_card(id).await?
        {
            names.insert(t, format!("klasse {}", card.name));
        }
    }
    Ok(names)
}

/// The meetings list: the institution's for its leadership and trivselsperson (with the share
/// of fraværssamråd held in time), and the meetings the viewer takes part in.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Page {
    let institution = viewer
        .user
        .institution_id
        .filter(|i| runs_meetings(&viewer.actor, viewer.user.municipality_id, *i));
    let store = &state.store;
    let own = match institution {
        Some(i) => store.meetings_of_institution(i, None).await?,
        None => Vec::new(),
    };
    let taking_part: Vec<Meeting> = store
        .meetings_of_participant(viewer.user.id)
        .await?
        .into_iter()
        .filter(|m| !own.iter().any(|o| o.id == m.id))
        .collect();
    let share = match institution {
        Some(i) => Some(store.samraad_share_in_time(i, today()).await?),
        None => None,
    };
    // Staff other than the leadership only see the meetings they take part in.
    let taking_part: Vec<Meeting> = taking_part
        .into_iter()
        .filter(|m| meeting_access(&viewer.actor, m.municipality_id, m.institution_id, true) >= MeetingAccess::Read)
        .collect();
    let shown: Vec<&Meeting> = own.iter().chain(&taking_part).collect();
    let names = target_names(&state, shown.iter().filter_map(|m| m.target)).await?;
    let mut audits = vec![entry(
        &viewer,
        "meeting.list",
        None,
        Some(format!("{} møder", shown.len())),
        true,
    )];
    let mut children: Vec<i64> = shown.iter().filter_map(|m| m.child_id()).collect();
    children.sort_unstable();
    children.dedup();
    audits.extend(
        children
            .iter()
            .map(|c| entry(&viewer, "meeting.list", Some(*c), None, true)),
    );
    state.store.audit_all(&audits).await?;
    let table = |meetings: &[&Meeting]| {
        html! {
            table {
                thead { tr {
                    th scope="col" { "Møde" } th scope="col" { "Type" } th scope="col" { "Om" }
                    th scope="col" { "Tidspunkt" } th scope="col" { "Status" } th scope="col" { "Frist" }
                } }
                tbody {
                    @for m in meetings {
                        tr {
                            td { a href={ "/moeder/" (m.id) } { (m.title) } }
                            td { (m.kind.navn()) }
                            td { @if let Some(t) = m.target { (names.get(&t).map_or("–", String::as_str)) } @else { "–" } }
                            td { (when(m)) }
                            td { (m.status.navn()) }
                            td {
                                @if let Some(d) = deadline_state(m) {
                                    @if d.warning().is_some() { strong.warning { (d.label()) } } @else { (d.label()) }
                                } @else { "–" }
                            }
                        }
                    }
                }
            }
        }
    };
    let own_refs: Vec<&Meeting> = own.iter().collect();
    let part_refs: Vec<&Meeting> = taking_part.iter().collect();
    let body = html! {
        h1 { "Møder" }
        @if institution.is_some() {
            p.actions {
                a.button href="/moeder/ny" { "Indkald til Trivselsforum" }
                " "
                a href="/moeder/trivselsforum" { "Trivselsforums faste medlemmer" }
            }
            p.hint { "Fraværssamråd indkaldes fra en fraværsadvarsel; netværks- og arbejdsmøder fra barnets møder." }
            @if let Some(share) = share {
                section aria-labelledby="rettidig" {
                    h2 id="rettidig" { "Fraværssamråd holdt inden for 7 arbejdsdage" }
                    p id="andel-rettidig" {
                        @match share.percent() {
                            Some(p) => { strong { (p) " %" } " (" (share.in_time) " af " (share.counted) " fraværssamråd)" }
                            None => { "Ingen fraværssamråd at opgøre endnu." }
                        }
                    }
                    p.hint { "Samråd, hvis frist ikke er nået endnu, tælles først med, når de er holdt eller fristen er overskredet." }
                }
            }
            section aria-labelledby="skolens" {
                h2 id="skolens" { "Skolens møder (" (own.len()) ")" }
                @if own.is_empty() { p { "Der er ingen møder endnu." } } @else { (table(&own_refs)) }
            }
        }
        section aria-labelledby="mine" {
            h2 id="mine" { "Møder jeg deltager i (" (taking_part.len()) ")" }
            @if taking_part.is_empty() { p { "Du deltager ikke i andre møder." } } @else { (table(&part_refs)) }
        }
    };
    Ok(shell::page("Møder", Some(&viewer), "/moeder", body).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct NewQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    barn: Option<i64>,
    advarsel: Option<i64>,
}

/// The submitted (or prefilled) convening form.
#[derive(Debug, Clone, Default)]
struct ConveneForm {
    kind: String,
    child: Option<i64>,
    alert: Option<i64>,
    title: String,
    date: String,
    from: String,
    to: String,
    location: String,
    parents: bool,
    /// The invitees ticked (values of [`Invitee`]); `None` before the form is sent: all.
    invited: Option<Vec<String>>,
}

impl ConveneForm {
    fn of(fields: &Fields) -> Self {
        ConveneForm {
            kind: field(fields, "type").into(),
            child: field(fields, "barn").parse().ok(),
            alert: field(fields, "advarsel").parse().ok(),
            title: field(fields, "titel").into(),
            date: field(fields, "dato").into(),
            from: field(fields, "fra").into(),
            to: field(fields, "til").into(),
            location: field(fields, "sted").into(),
            parents: field(fields, "foraeldre") == "ja",
            invited: Some(values(fields, "deltager").into_iter().map(String::from).collect()),
        }
    }

    fn invites(&self, invitee: &Invitee) -> bool {
        self.invited.as_ref().is_none_or(|v| v.contains(&invitee.value))
    }
}

/// Someone who belongs at a meeting about the child, offered (ticked) on the convening form.
struct Invitee {
    /// The form value: `u<user id>`, `v<guardian id>` for a guardian without an account, or
    /// `elev` for a pupil without one.
    value: String,
    label: String,
    participant: NewParticipant,
}

/// The people known to belong at a meeting about the child: the convener, the class's
/// teachers, the pupil, the guardians with custody and the advisers assigned to the child who
/// may see it today (a social worker needs the parents' consent).
async fn known_invitees(
    state: &AppState,
    viewer: &Viewer,
    grant: ChildGrant,
    child_name: &str,
) -> Result<Vec<Invitee>, PageError> {
    let user = |u: &User| Invitee {
        value: format!("u{}", u.id),
        label: format!("{} ({})", u.name, u.role.navn()),
        participant: NewParticipant::User {
            user_id: u.id,
            role: role_of_user(u.role),
        },
    };
    let mut out = vec![user(&viewer.user)];
    let people = state.store.child_meeting_people(grant, today()).await?;
    if !people.iter().any(|u| u.role == Role::Pupil) {
        out.push(Invitee {
            value: "elev".into(),
            label: format!("{child_name} (elev)"),
            participant: NewParticipant::External {
                name: child_name.to_string(),
                role: ParticipantRole::Pupil,
            },
        });
    }
    for u in &people {
        if u.id != viewer.user.id && may_take_part(state, u, grant.child_id()).await? {
            out.push(user(u));
        }
    }
    for (guardian, name, account) in state.store.guardians_of_child(grant).await? {
        out.push(match account {
            Some(id) => Invitee {
                value: format!("u{id}"),
                label: format!("{name} (forælder)"),
                participant: NewParticipant::User {
                    user_id: id,
                    role: ParticipantRole::Parent,
                },
            },
            None => Invitee {
                value: format!("v{guardian}"),
                label: format!("{name} (forælder, uden login)"),
                participant: NewParticipant::External {
                    name,
                    role: ParticipantRole::Parent,
                },
            },
        });
    }
    Ok(out)
}

/// What the meeting will be about, once access to it is checked.
struct Convening {
    institution_id: i64,
    child: Option<(i64, String)>,
    kinds: Vec<MeetingKind>,
    /// Known participants of a meeting about a child (empty for a Trivselsforum).
    invitees: Vec<Invitee>,
}

/// Checks who may convene what about whom: a child's meeting needs write access to the child's
/// plans at the viewer's own institution; a Trivselsforum is the institution's.
async fn convening(
    state: &AppState,
    viewer: &Viewer,
    child: Option<i64>,
    action: &str,
) -> Result<(Convening, AuditEntry), PageError> {
    let municipality = viewer.user.municipality_id;
    let Some(institution_id) = viewer
        .user
        .institution_id
        .filter(|i| runs_meetings(&viewer.actor, municipality, *i))
    else {
        return Err(refuse(state, viewer, action, child, "møde".into(), NOT_RUNNER).await);
    };
    let (child, invitees, audit) = match child {
        Some(id) => {
            let allowed = authorize(
                state,
                viewer,
                CaseTarget::Child(id),
                Action::Write,
                ChildData::Plans,
                action,
                None,
            )
            .await?;
            let name = allowed.subject.name();
            let invitees = known_invitees(state, viewer, allowed.subject.grant(), &name).await?;
            (Some((id, name)), invitees, allowed.audit)
        }
        None => (None, Vec::new(), entry(viewer, action, None, None, true)),
    };
    let kinds = CONVENED
        .into_iter()
        .filter(|k| (*k == MeetingKind::Trivselsforum) == child.is_none())
        .filter(|k| may_convene(&viewer.actor, *k, municipality, institution_id))
        .collect();
    Ok((
        Convening {
            institution_id,
            child,
            kinds,
            invitees,
        },
        audit,
    ))
}

/// The convening form, e.g. `/moeder/ny?type=fravaerssamraad&barn=7&advarsel=3`.
pub async fn new(State(state): State<AppState>, viewer: Viewer, Query(q): Query<NewQuery>) -> Page {
    let (convening, audit) = convening(&state, &viewer, q.barn, "meeting.prepare").await?;
    state.store.audit(&audit).await?;
    if let Some(existing) = match q.advarsel {
        Some(a) => state.store.meeting_of_alert(a).await?,
        None => None,
    } && existing.child_id() == q.barn
    {
        return Ok(already_convened(&viewer, &existing).into_response());
    }
    let kind = q
        .kind
        .as_deref()
        .and_then(MeetingKind::from_id)
        .filter(|k| convening.kinds.contains(k))
        .or(convening.kinds.first().copied());
    let date = match kind {
        Some(MeetingKind::AbsenceCouncil) => samraad_proposed_date(today()),
        _ => add_working_days(today(), 5),
    };
    let form = ConveneForm {
        kind: kind.map(|k| k.id().to_string()).unwrap_or_default(),
        child: q.barn,
        alert: q.advarsel,
        title: match (kind, &convening.child) {
            (Some(k), Some((_, name))) => format!("{} – {name}", k.navn()),
            (Some(k), None) => format!("{} {}", k.navn(), format_date(date)),
            _ => String::new(),
        },
        date: date.to_string(),
        from: "09:00".into(),
        to: "10:30".into(),
        location: String::new(),
        parents: kind == Some(MeetingKind::AbsenceCouncil),
        invited: None,
    };
    Ok(convene_page(&viewer, &convening, &form, &[]).into_response())
}

fn convene_page(viewer: &Viewer, convening: &Convening, form: &ConveneForm, errors: &[FieldError]) -> Markup {
    let title = match &convening.child {
        Some((_, name)) => format!("Indkald til møde om {name}"),
        None => "Indkald til Trivselsforum".to_string(),
    };
    let deadline = samraad_deadline(today());
    let body = html! {
        h1 { (title) }
        (error_summary(errors))
        @if convening.kinds.is_empty() {
            p { "Du kan ikke indkalde til møder af denne type." }
        } @else {
            form.stack method="post" action="/moeder" novalidate {
                @if let Some((id, _)) = convening.child { input type="hidden" name="barn" value=(id); }
                @if let Some(a) = form.alert { input type="hidden" name="advarsel" value=(a); }
                label for="type" { "Mødetype" }
                @let samraad = convening.kinds.contains(&MeetingKind::AbsenceCouncil);
                select id="type" name="type" aria-describedby=[samraad.then_some("frist")] {
                    @for k in &convening.kinds {
                        option value=(k.id()) selected[form.kind == k.id()] { (k.navn()) }
                    }
                }
                @if samraad {
                    p.hint id="frist" {
                        "Et fraværssamråd indkaldt i dag skal holdes senest " strong { (format_date(deadline)) }
                        " (7 arbejdsdage; weekender og helligdage tæller ikke)."
                    }
                }
                label for="titel" { "Titel" }
                input id="titel" name="titel" type="text" required value=(form.title) maxlength=(MAX_TITLE_CHARS)
                    aria-invalid=[invalid(errors, "titel")] aria-describedby=[described(errors, "titel")];
                (inline_error(errors, "titel"))
                p.hint { "Titlen vises kun i Trivsel – ikke i kalenderinvitationen." }
                label for="dato" { "Dato" }
                input id="dato" name="dato" type="date" required value=(form.date) min=(today().to_string())
                    aria-invalid=[invalid(errors, "dato")] aria-describedby=[described(errors, "dato")];
                (inline_error(errors, "dato"))
                label for="fra" { "Fra kl." }
                input id="fra" name="fra" type="time" required value=(form.from)
                    aria-invalid=[invalid(errors, "fra")] aria-describedby=[described(errors, "fra")];
                (inline_error(errors, "fra"))
                label for="til" { "Til kl." }
                input id="til" name="til" type="time" required value=(form.to)
                    aria-invalid=[invalid(errors, "til")] aria-describedby=[described(errors, "til")];
                (inline_error(errors, "til"))
                label for="sted" { "Sted (uden personoplysninger)" }
                input id="sted" name="sted" type="text" value=(form.location) maxlength="200";
                @if !convening.invitees.is_empty() {
                    fieldset {
                        legend { "Deltagere der indkaldes" }
                        p.hint { "Kendt fra klassen, barnets rådgivere og forældremyndigheden. Fjern fluebenet ved dem, der ikke skal med; flere kan tilføjes på mødet." }
                        @for i in &convening.invitees {
                            label.check {
                                input type="checkbox" name="deltager" value=(i.value) checked[form.invites(i)];
                                " " (i.label)
                            }
                        }
                    }
                }
                @if convening.child.is_some() {
                    label {
                        input id="foraeldre" type="checkbox" name="foraeldre" value="ja" checked[form.parents]
                            aria-invalid=[invalid(errors, "foraeldre")] aria-describedby=[described(errors, "foraeldre")];
                        " Forældrene deltager i mødet"
                    }
                    (inline_error(errors, "foraeldre"))
                    p.hint { "Netværks- og arbejdsmøder kræver, at forældrene deltager, eller at de har givet samtykke." }
                }
                button type="submit" { "Indkald" }
            }
        }
    };
    shell::page(&title, Some(viewer), "/moeder", body)
}

/// Convenes a meeting; a network or working meeting about a child is refused without the
/// parents taking part or their consent.
pub async fn create(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let form = ConveneForm::of(&fields);
    let (convening, mut audit) = convening(&state, &viewer, form.child, "meeting.create").await?;
    let mut errors = Vec::new();
    let kind = MeetingKind::from_id(&form.kind).filter(|k| convening.kinds.contains(k));
    let Some(kind) = kind else {
        let criterion = format!("mødetype «{}»", form.kind);
        return Err(refuse(&state, &viewer, "meeting.create", form.child, criterion, NOT_RUNNER).await);
    };
    let title = check_text(&mut errors, "titel", "Titel", &form.title, true, MAX_TITLE_CHARS);
    let when = check_when(&mut errors, "", &form.date, &form.from, &form.to);
    // The alert a fraværssamråd is convened from must be about the child, at this school;
    // convened without one, it takes the child's open alert there, so each alert has one.
    let alert = match (form.alert, kind == MeetingKind::AbsenceCouncil) {
        (_, false) => None,
        (Some(a), true) => state
            .store
            .alert(a)
            .await?
            .filter(|found| {
                Some(found.child_id) == form.child && found.institution_id == Some(convening.institution_id)
            })
            .map(|found| found.id),
        (None, true) => open_alert(&state, &convening).await?,
    };
    if let Some(existing) = match alert {
        Some(a) => state.store.meeting_of_alert(a).await?,
        None => None,
    } {
        add_criterion(&mut audit, &format!("ikke gemt: {ALERT_TAKEN}"));
        state.store.audit(&audit).await?;
        return Err(PageError::status(
            StatusCode::CONFLICT,
            already_convened(&viewer, &existing),
        ));
    }
    if form.alert.is_some() && kind == MeetingKind::AbsenceCouncil && alert.is_none() {
        errors.push(error(
            "type",
            "Advarslen findes ikke for dette barn på skolen; indkald fra listen over advarsler.",
        ));
    }
    if let (Some(action), Some((child, _))) = (kind.consent_action(form.parents), &convening.child) {
        let consents = state.store.consent_facts(*child).await?;
        if let Err(refusal) = check_consent(action, &consents, today()) {
            add_criterion(&mut audit, &format!("afvist: {}", refusal.message()));
            audit.allowed = false;
            state.store.audit(&audit).await?;
            let errors = [error("foraeldre", refusal.message())];
            let page = convene_page(&viewer, &convening, &form, &errors);
            return Err(PageError::unprocessable(page));
        }
    }
    let (Some((starts_at, ends_at)), true) = (when, errors.is_empty()) else {
        let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
        add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
        state.store.audit(&audit).await?;
        let page = convene_page(&viewer, &convening, &form, &errors);
        return Err(PageError::unprocessable(page));
    };
    add_criterion(&mut audit, kind.navn());
    let new = NewMeeting {
        institution_id: convening.institution_id,
        kind,
        target: convening.child.as_ref().map(|(id, _)| CaseTarget::Child(*id)),
        title,
        starts_at,
        ends_at,
        location: Some(form.location.clone()).filter(|l| !l.is_empty()),
        convened_on: today(),
        convened_by: viewer.user.id,
        alert_id: alert,
        parents_attend: form.parents,
        invited: convening
            .invitees
            .iter()
            .filter(|i| form.invites(i))
            .map(|i| i.participant.clone())
            .collect(),
        at: now(),
    };
    match state.store.create_meeting(&new, &audit).await {
        Ok(id) => Ok(Redirect::to(&format!("/moeder/{id}")).into_response()),
        // The same form sent twice at once: the second finds the first's meeting.
        Err(StoreError::Config(m)) if m == ALERT_TAKEN => {
            let existing = state.store.meeting_of_alert(alert.unwrap_or_default()).await?;
            let page = match existing {
                Some(m) => already_convened(&viewer, &m),
                None => shell::page(ALERT_TAKEN, Some(&viewer), "/moeder", html! { h1 { (ALERT_TAKEN) } }),
            };
            Err(PageError::status(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// The child's newest open alert at the convening school.
async fn open_alert(state: &AppState, convening: &Convening) -> Result<Option<i64>, PageError> {
    let Some((child, _)) = convening.child else {
        return Ok(None);
    };
    let filter = AlertFilter {
        institution_id: Some(convening.institution_id),
        child_id: Some(child),
        status: Some("open".into()),
        ..AlertFilter::default()
    };
    let alerts = state.store.alerts(&filter).await?;
    Ok(alerts.iter().max_by_key(|a| (a.trigger_date, a.id)).map(|a| a.id))
}

/// The answer when the alert already has its fraværssamråd: a link to it.
fn already_convened(viewer: &Viewer, m: &Meeting) -> Markup {
    let body = html! {
        h1 { "Fraværssamrådet er allerede indkaldt" }
        p { (ALERT_TAKEN) " Der indkaldes ét samråd pr. advarsel." }
        p { a href={ "/moeder/" (m.id) } { (m.title) " – " (local_time(m.starts_at)) } }
    };
    shell::page("Fraværssamrådet er allerede indkaldt", Some(viewer), "/moeder", body)
}

#[derive(Debug, Deserialize, Default)]
pub struct ShowQuery {
    besked: Option<String>,
}

/// The meeting page.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Page {
    let loaded = load(&state, &viewer, id, MeetingAccess::Read, "meeting.read").await?;
    let notice = q.besked.as_deref().and_then(notice);
    let page = meeting_page(&state, &viewer, &loaded, notice, &[], None).await?;
    Ok(page.into_response())
}

/// The confirmation after a change (by code, so no text is taken from the address).
fn notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "deltager" => "Deltageren er tilføjet.",
        "punkt" => "Punktet er sat på dagsordenen.",
        "udfald" => "Aftalen er gemt.",
        "referat" => "Referatet er gemt.",
        "handling" => "Handlingen er tilføjet og ligger som opgave hos den ansvarlige.",
        "afsluttet" => "Mødet er afsluttet, og handleplanen er sendt til deltagerne og forældrene.",
        "flyttet" => "Mødet er flyttet. Hent kalenderinvitationen igen.",
        "fjernet" => "Deltageren er fjernet fra mødet.",
        "funktion" => "Funktionen er gemt.",
        _ => return None,
    })
}

/// The meeting page, with `errors` from a rejected form (`rejected`) if any.
pub(super) async fn meeting_page(
    state: &AppState,
    viewer: &Viewer,
    loaded: &Loaded,
    notice: Option<&str>,
    errors: &[FieldError],
    rejected: Option<Rejected<'_>>,
) -> Result<Markup, PageError> {
    let m = &loaded.meeting;
    let store = &state.store;
    let agenda = store.agenda_items(m.id).await?;
    let actions = store.meeting_actions(m.id).await?;
    // An agenda item about a child the viewer may not see is shown without the child and its
    // content; the meeting's runners see every item.
    let mut hidden = HashSet::new();
    if loaded.access != MeetingAccess::Manage {
        for item in &agenda {
            if let Some(child) = item.target.child_id()
                && !may_see_child(state, viewer, child).await?
            {
                hidden.insert(item.id);
            }
        }
    }
    let targets = m
        .target
        .into_iter()
        .chain(agenda.iter().filter(|a| !hidden.contains(&a.id)).map(|a| a.target));
    let names = target_names(state, targets).await?;
    // The agenda's children shown are audited too: one read row each.
    let agenda_children: Vec<i64> = agenda
        .iter()
        .filter(|a| !hidden.contains(&a.id))
        .filter_map(|a| a.target.child_id())
        .collect();
    if !agenda_children.is_empty() {
        let audits: Vec<AuditEntry> = agenda_children
            .iter()
            .map(|c| {
                entry(
                    viewer,
                    "meeting.read",
                    Some(*c),
                    Some(format!("dagsorden, møde {}", m.id)),
                    true,
                )
            })
            .collect();
        store.audit_all(&audits).await?;
    }
    let manage = loaded.access == MeetingAccess::Manage && m.status != MeetingStatus::Closed;
    let edit = if manage {
        Some(forms(state, viewer, loaded, &agenda, errors, rejected).await?)
    } else {
        None
    };
    let deadline = deadline_state(m);
    let roles: Vec<ParticipantRole> = loaded.participants.iter().map(|p| p.role).collect();
    let duties: Vec<Option<MeetingDuty>> = loaded.participants.iter().map(|p| p.duty).collect();
    let missing = match m.kind {
        _ if m.status == MeetingStatus::Closed => None,
        MeetingKind::AbsenceCouncil => {
            let warnings: Vec<String> = [
                missing_participants_warning(&missing_participants(&roles)),
                duty_warning(&duties),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!warnings.is_empty()).then(|| warnings.join(" "))
        }
        MeetingKind::Trivselsforum => forum_missing_warning(&forum_missing(&roles)),
        _ => None,
    };
    let planned_late =
        deadline.is_some_and(|d| matches!(d, DeadlineState::Pending { deadline } if m.starts_at.date() > deadline));
    let about = m.target.and_then(|t| names.get(&t).cloned());
    // The child's meetings page follows the child's plans; a participant without them (PPR
    // not assigned, say) sees the name without a link.
    let child_meetings = match m.child_id() {
        Some(c) if sees_child(state, &viewer.actor, c, ChildData::Plans).await? => Some(c),
        _ => None,
    };
    let body = html! {
        p.no-print { a href="/moeder" { "← Møder" } }
        h1 { (m.title) }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        (error_summary(errors))
        dl.facts {
            dt { "Type" } dd { (m.kind.navn()) }
            @if let Some(about) = &about {
                dt { "Om" }
                dd { @if let Some(c) = child_meetings { a href={ "/boern/" (c) "/moeder" } { (about) } } @else { (about) } }
            }
            dt { "Tidspunkt" } dd { (when(m)) }
            @if let Some(l) = &m.location { dt { "Sted" } dd { (l) } }
            dt { "Indkaldt" } dd { (format_date(m.convened_on)) }
            dt { "Status" } dd id="status" { (m.status.navn()) }
            @if let Some(d) = deadline { dt { "Frist" } dd id="frist" { (d.label()) } }
            @if let Some(h) = m.held_on { dt { "Holdt" } dd { (format_date(h)) } }
            @if let Some(f) = m.follow_up_on { dt { "Opfølgningsmøde" } dd id="opfoelgning" { (format_date(f)) } }
            @if m.child_id().is_some() {
                dt { "Forældrene deltager" } dd { @if m.parents_attend { "Ja" } @else { "Nej" } }
            }
        }
        @if let Some(w) = deadline.and_then(|d| d.warning()) { p.warning role="alert" { (w) } }
        @if planned_late {
            p.warning role="alert" { "Mødet er planlagt efter fristen. Flyt det, så det holdes senest " (deadline.map(|d| d.label()).unwrap_or_default()) "." }
        }
        p.no-print { a href={ "/moeder/" (m.id) "/invitation.ics" } download { "Hent kalenderinvitation (.ics)" } }
        @if let Some(r) = edit.as_ref().and_then(|f| f.reschedule.as_ref()) { (r) }
        section aria-labelledby="deltagere" {
            h2 id="deltagere" { "Deltagere (" (loaded.participants.len()) ")" }
            @if let Some(w) = &missing { p.warning role="alert" id="mangler" { (w) } }
            @if loaded.participants.is_empty() { p { "Ingen deltagere endnu." } } @else {
                ul id="deltagerliste" {
                    @for p in &loaded.participants {
                        li {
                            (p.name) " – " (p.role.navn())
                            @if let Some(d) = p.duty { " · " strong { (d.navn()) } }
                            @if edit.is_some() && m.kind == MeetingKind::AbsenceCouncil
                                && MeetingDuty::ALL.iter().any(|d| d.held_by() == p.role) {
                                " "
                                form.inline.no-print method="post" action={ "/moeder/" (m.id) "/deltagere/" (p.id) "/funktion" } {
                                    label for={ "funktion-" (p.id) } { "Funktion for " (p.name) }
                                    select id={ "funktion-" (p.id) } name="funktion" {
                                        option value="" { "(ingen)" }
                                        @for d in MeetingDuty::ALL.iter().filter(|d| d.held_by() == p.role) {
                                            option value=(d.id()) selected[p.duty == Some(*d)] { (d.navn()) }
                                        }
                                    }
                                    button type="submit" { "Gem" }
                                }
                            }
                            @if edit.is_some() {
                                " "
                                form.inline.no-print method="post" action={ "/moeder/" (m.id) "/deltagere/" (p.id) "/fjern" } {
                                    button type="submit" aria-label={ "Fjern " (p.name) " fra mødet" } { "Fjern" }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(f) = &edit { (f.participants) }
        }
        @if m.kind == MeetingKind::Trivselsforum {
            section aria-labelledby="dagsorden" {
                h2 id="dagsorden" { "Dagsorden" }
                @if agenda.is_empty() { p { "Ingen punkter endnu." } }
                ol {
                    @for item in &agenda {
                        @if hidden.contains(&item.id) {
                            li id={ "punkt-" (item.id) } { h3 { "Et barn (ikke tilgængeligt for dig)" } }
                        } @else {
                        li id={ "punkt-" (item.id) } {
                            h3 { (names.get(&item.target).map_or("–", String::as_str)) ": " (item.topic) }
                            p { @if item.parents_attend { "Forældrene deltager." } @else { "Drøftes med forældrenes samtykke." } }
                            @if let Some(f) = edit.as_ref().and_then(|f| f.outcomes.get(&item.id)) { (f) } @else {
                                dl {
                                    dt { "Aftale (hvem gør hvad)" } dd { @if item.plan.is_empty() { "Ikke aftalt endnu." } @else { (text(&item.plan)) } }
                                    dt { "Sådan informeres forældrene" } dd { @if item.parents_informed.is_empty() { "Ikke aftalt endnu." } @else { (text(&item.parents_informed)) } }
                                }
                            }
                        }
                        }
                    }
                }
                @if let Some(f) = &edit { (f.agenda) }
            }
        }
        section aria-labelledby="referat" {
            h2 id="referat" { "Referat" }
            @if m.kind == MeetingKind::AbsenceCouncil {
                p id="funktioner" {
                    @for (i, d) in MeetingDuty::ALL.iter().enumerate() {
                        @if i > 0 { " · " }
                        (d.navn()) ": "
                        (loaded.participants.iter().find(|p| p.duty == Some(*d)).map_or("–", |p| p.name.as_str()))
                    }
                }
            }
            @if let Some(f) = &edit { (f.minutes) } @else {
                (minutes_view(m.minutes.as_ref()))
            }
        }
        section aria-labelledby="handleplan" {
            h2 id="handleplan" { "Handleplan" }
            (action_table(&actions))
            @if let Some(c) = m.child_id().filter(|_| loaded.access == MeetingAccess::Manage) {
                p.no-print { "Aftaler, der ændrer barnets mål eller tiltag, skrives i " a href=(links::child_page(c, "planer")) { "barnets mål- og indsatsplan" } "." }
            }
            @if let Some(f) = &edit { (f.actions) }
        }
        @if let Some(f) = &edit {
            section aria-labelledby="afslut" { h2 id="afslut" { "Afslut mødet" } (f.close) }
        }
    };
    Ok(shell::page(&m.title, Some(viewer), "/moeder", body))
}

/// The minutes as read.
fn minutes_view(minutes: Option<&Minutes>) -> Markup {
    html! {
        @match minutes {
            None => p { "Der er ikke skrevet referat endnu." },
            Some(Minutes::Notes { text: t }) => div { (text(t)) },
            Some(Minutes::Rounds(r)) => {
                @for (question, statements) in [
                    (ROUND_LABELS[0], &r.hopes),
                    (ROUND_LABELS[1], &r.obstacles),
                    (ROUND_LABELS[2], &r.helps),
                    (ROUND_LABELS[3], &r.contributions),
                ] {
                    h3 { (question) }
                    @if statements.is_empty() { p { "–" } }
                    ul { @for s in statements { li { @if !s.speaker.is_empty() { strong { (s.speaker) ": " } } (s.text) } } }
                }
            }
        }
    }
}

/// The action plan as a table.
pub(super) fn action_table(actions: &[MeetingAction]) -> Markup {
    html! {
        @if actions.is_empty() { p { "Ingen handlinger endnu." } } @else {
            table id="handlinger" {
                thead { tr { th scope="col" { "Handling" } th scope="col" { "Ansvarlig" } th scope="col" { "Frist" } th scope="col" { "Udført" } } }
                tbody {
                    @for a in actions {
                        tr { td { (a.action) } td { (a.owner_name) } td { (format_date(a.due)) } td { @if a.done { "Ja" } @else { "Nej" } } }
                    }
                }
            }
        }
    }
}

/// The meeting's iCalendar invitation: type, time, place and a link, nothing about the child.
pub async fn invitation(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let loaded = load(&state, &viewer, id, MeetingAccess::Read, "meeting.invitation").await?;
    let m = &loaded.meeting;
    let base = state.config.public_url.trim_end_matches('/');
    let host = base.split_once("://").map_or(base, |(_, rest)| rest);
    let invitation = Invitation {
        uid: format!("moede-{}@{host}", m.id),
        kind: m.kind,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        location: m.location.clone(),
        url: Some(format!("{base}/moeder/{}", m.id)),
        sequence: m.sequence,
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"moede.ics\""),
        ],
        invitation_ics(&invitation, now()),
    )
        .into_response())
}

/// Rows on the fixed members form.
const MEMBER_ROWS: usize = 10;

/// The roles a fixed Trivselsforum member may have.
const FORUM_ROLES: [ParticipantRole; 8] = [
    ParticipantRole::SchoolLeader,
    ParticipantRole::WellbeingPerson,
    ParticipantRole::Psychologist,
    ParticipantRole::HealthVisitor,
    ParticipantRole::FamilyCounsellor,
    ParticipantRole::Ssp,
    ParticipantRole::SocialWorker,
    ParticipantRole::Teacher,
];

/// The institution whose forum the viewer runs, or the audited refusal.
async fn forum_institution(state: &AppState, viewer: &Viewer, action: &str) -> Result<i64, PageError> {
    match viewer
        .user
        .institution_id
        .filter(|i| runs_meetings(&viewer.actor, viewer.user.municipality_id, *i))
    {
        Some(i) => Ok(i),
        None => Err(refuse(state, viewer, action, None, "Trivselsforum".into(), NOT_RUNNER).await),
    }
}

pub async fn forum_members(State(state): State<AppState>, viewer: Viewer) -> Page {
    let institution = forum_institution(&state, &viewer, "forum.read").await?;
    let audit = entry(&viewer, "forum.read", None, None, true);
    state.store.audit(&audit).await?;
    let page = forum_page(&state, &viewer, institution, None, &[]).await?;
    Ok(page.into_response())
}

async fn forum_page(
    state: &AppState,
    viewer: &Viewer,
    institution: i64,
    notice: Option<&str>,
    errors: &[FieldError],
) -> Result<Markup, PageError> {
    let members = state.store.forum_members(institution).await?;
    let staff = selectable_staff(state, viewer, institution).await?;
    let rows = MEMBER_ROWS.max(members.len() + 2);
    let body = html! {
        p.no-print { a href="/moeder" { "← Møder" } }
        h1 { "Trivselsforums faste medlemmer" }
        p { "De faste medlemmer indkaldes automatisk til hvert Trivselsforum. Ad hoc-deltagere tilføjes på det enkelte møde." }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(w) = forum_missing_warning(&forum_missing(&members.iter().map(|m| m.role).collect::<Vec<_>>())) {
            p.warning id="mangler" { (w) }
        }
        (error_summary(errors))
        form.stack method="post" action="/moeder/trivselsforum" {
            table {
                thead { tr { th scope="col" { "Medlem" } th scope="col" { "Rolle" } } }
                tbody {
                    @for n in 0..rows {
                        @let current = members.get(n);
                        tr {
                            td {
                                label.visually-hidden for={ "medlem_" (n) } { "Medlem " (n + 1) }
                                select id={ "medlem_" (n) } name={ "medlem_" (n) } {
                                    option value="" { "– ingen –" }
                                    @for u in &staff {
                                        option value=(u.id) selected[current.is_some_and(|c| c.user_id == u.id)] { (u.name) " (" (u.role.navn()) ")" }
                                    }
                                }
                            }
                            td {
                                label.visually-hidden for={ "rolle_" (n) } { "Rolle for medlem " (n + 1) }
                                select id={ "rolle_" (n) } name={ "rolle_" (n) } {
                                    @for r in FORUM_ROLES {
                                        option value=(r.id()) selected[current.is_some_and(|c| c.role == r)] { (r.navn()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { "Gem medlemmer" }
        }
    };
    let title = "Trivselsforums faste medlemmer";
    Ok(shell::page(title, Some(viewer), "/moeder", body))
}

pub async fn save_forum_members(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    let institution = forum_institution(&state, &viewer, "forum.save").await?;
    let staff = selectable_staff(&state, &viewer, institution).await?;
    let mut members: Vec<(i64, ParticipantRole)> = Vec::new();
    let mut errors = Vec::new();
    for (key, value) in fields.iter() {
        let Some(n) = key.strip_prefix("medlem_") else { continue };
        if value.trim().is_empty() {
            continue;
        }
        let id = format!("medlem_{n}");
        let user = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|u| staff.iter().any(|s| s.id == *u));
        let role = ParticipantRole::from_id(field(&fields, &format!("rolle_{n}"))).filter(|r| FORUM_ROLES.contains(r));
        match (user, role) {
            (Some(u), Some(_)) if members.iter().any(|(m, _)| *m == u) => {
                errors.push(error(
                    &id,
                    format!(
                        "Medlem {}: personen står der allerede.",
                        n.parse::<usize>().unwrap_or(0) + 1
                    ),
                ));
            }
            (Some(u), Some(r)) => members.push((u, r)),
            _ => errors.push(error(
                &id,
                format!(
                    "Medlem {}: vælg en person og en rolle fra listerne.",
                    n.parse::<usize>().unwrap_or(0) + 1
                ),
            )),
        }
    }
    let mut audit = entry(
        &viewer,
        "forum.save",
        None,
        Some(format!("{} medlemmer", members.len())),
        true,
    );
    if !errors.is_empty() {
        add_criterion(&mut audit, "ikke gemt: ugyldige medlemmer");
        state.store.audit(&audit).await?;
        let page = forum_page(&state, &viewer, institution, None, &errors).await?;
        return Err(PageError::unprocessable(page));
    }
    state.store.set_forum_members(institution, &members, &audit).await?;
    let page = forum_page(&state, &viewer, institution, Some("Medlemmerne er gemt."), &[]).await?;
    Ok(page.into_response())
}

/// The front page's note on meetings, in counts only (no child named): unread messages, and for
/// the school's leadership the meetings of the next 14 days and the fraværssamråd past their
/// deadline.
async fn front_section(state: &AppState, viewer: &Viewer) -> Result<Option<Markup>, PageError> {
    // Guardians and pupils read their news per child (`children::front_panel`).
    if matches!(viewer.user.role, Role::Guardian | Role::Pupil) {
        return Ok(None);
    }
    let unread = state.store.notifications_of_user(viewer.user.id, true).await?.len();
    let institution = viewer
        .user
        .institution_id
        .filter(|i| runs_meetings(&viewer.actor, viewer.user.municipality_id, *i));
    let (upcoming, overdue, due) = match institution {
        Some(i) => {
            let meetings = state.store.meetings_of_institution(i, None).await?;
            let soon = today() + Duration::days(14);
            let upcoming = meetings
                .iter()
                .filter(|m| m.status == MeetingStatus::Planned && (today()..=soon).contains(&m.starts_at.date()))
                .count();
            let overdue = meetings
                .iter()
                .filter(|m| matches!(deadline_state(m), Some(DeadlineState::Overdue { .. })))
                .count();
            let soon = add_working_days(today(), DEADLINE_SOON);
            let due = meetings
                .iter()
                .filter(|m| matches!(deadline_state(m), Some(DeadlineState::Pending { deadline }) if deadline <= soon))
                .count();
            (upcoming, overdue, due)
        }
        None => (0, 0, 0),
    };
    if unread == 0 && upcoming == 0 && overdue == 0 && due == 0 {
        return Ok(None);
    }
    Ok(Some(html! {
        section aria-labelledby="moeder-titel" {
            h2 id="moeder-titel" { "Møder og beskeder" }
            ul {
                @if unread > 0 { li { a href="/beskeder" { (unread) @if unread == 1 { " ny besked" } @else { " nye beskeder" } } } }
                @if upcoming > 0 { li { a href="/moeder" { (upcoming) " møder de næste 14 dage" } } }
                @if overdue > 0 {
                    li { strong.warning { a href="/moeder" { (overdue) " fraværssamråd har overskredet fristen på 7 arbejdsdage" } } }
                }
                @if due > 0 {
                    li { a href="/moeder" { (due) " fraværssamråd skal holdes inden for " (DEADLINE_SOON) " arbejdsdage" } }
                }
            }
        }
    }))
}
