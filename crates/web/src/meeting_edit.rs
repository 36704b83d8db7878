//! Running a meeting (mødeforløb): participants, Trivselsforum agenda items with their outcome,
//! the minutes (a fraværssamråd's three interview rounds), the action plan (each action a task
//! for its owner) and closing, which sends the action plan to every participant and the
//! child's guardians. Only the institution's leader and trivselsperson change a meeting
//! (`MeetingAccess::Manage`), and only until it is closed.
//!
//! Every change is stored with its audit row; a rejected form shows the page again with the
//! submitted values and a Danish error naming the field, and stores nothing.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use maud::{Markup, html};
use trivsel_domain::cases::format_date;
use trivsel_domain::meetings::{
    ConsentAction, MeetingAccess, MeetingKind, MeetingStatus, Minutes, ParticipantRole, SamraadMinutes, Statement,
    check_consent,
};
use trivsel_domain::model::Role;
use trivsel_store::{
    AgendaItem, AuditEntry, CaseTarget, NewAgendaItem, NewMeetingAction, NewParticipant, StoreError, User,
};

use crate::cases::{
    FieldError, Fields, add_criterion, check_text, described, error, field, inline_error, invalid, parse_date, today,
};
use crate::meetings::{Loaded, Rejected, check_when, load, meeting_page, selectable_staff};
use crate::session::Viewer;
use crate::{AppState, layout};

/// The minutes' rounds as fields: (field name, heading). Round 2 has two questions.
pub(crate) const ROUND_LABELS: [&str; 4] = [
    "Runde 1: Hvad håber hver deltager, at mødet fører til?",
    "Runde 2: Hvad forhindrer eleven i at komme i skole?",
    "Runde 2: Hvad hjælper eleven til at komme i skole?",
    "Runde 3: Hvad kan hver deltager bidrage med?",
];
const ROUND_FIELDS: [&str; 4] = ["runde1", "runde2_hindrer", "runde2_hjaelper", "runde3"];
const MAX_TEXT: usize = 20_000;
const MAX_LINE: usize = 200;

/// The forms of a meeting page that is still open, for its manager.
pub(crate) struct Forms {
    /// Moving the meeting, while it is not held.
    pub reschedule: Option<Markup>,
    pub participants: Markup,
    pub agenda: Markup,
    pub outcomes: HashMap<i64, Markup>,
    pub minutes: Markup,
    pub actions: Markup,
    pub close: Markup,
}

/// The role a user takes part in by default.
fn role_of_user(role: Role) -> ParticipantRole {
    match role {
        Role::Teacher => ParticipantRole::Teacher,
        Role::WellbeingPerson => ParticipantRole::WellbeingPerson,
        Role::Leader => ParticipantRole::SchoolLeader,
        Role::Psychologist => ParticipantRole::Psychologist,
        Role::SocialWorker => ParticipantRole::SocialWorker,
        Role::HealthVisitor => ParticipantRole::HealthVisitor,
        Role::SspCounsellor => ParticipantRole::Ssp,
        Role::Guardian => ParticipantRole::Parent,
        Role::Pupil => ParticipantRole::Pupil,
        Role::Analyst | Role::Admin => ParticipantRole::Other,
    }
}

/// People with an account who may be added: staff and advisers, and the child's guardians
/// with custody. (user id, name, default role).
async fn candidates(
    state: &AppState,
    staff: &[User],
    loaded: &Loaded,
) -> Result<Vec<(i64, String, ParticipantRole)>, Response> {
    let m = &loaded.meeting;
    let mut out: Vec<(i64, String, ParticipantRole)> = staff
        .iter()
        .map(|u| (u.id, format!("{} ({})", u.name, u.role.navn()), role_of_user(u.role)))
        .collect();
    if let Some(child) = m.child_id() {
        let guardians = state
            .store
            .guardians_of_child(child)
            .await
            .map_err(|e| layout::server_error(&e))?;
        out.extend(
            guardians
                .into_iter()
                .filter_map(|(_, name, user)| user.map(|u| (u, format!("{name} (forælder)"), ParticipantRole::Parent))),
        );
    }
    out.retain(|(id, _, _)| !loaded.participants.iter().any(|p| p.user_id == Some(*id)));
    Ok(out)
}

/// The submitted value of `name` if `form` was rejected, else `default`.
fn value<'a>(rejected: &'a Option<Rejected<'_>>, form: &str, name: &str, default: &'a str) -> &'a str {
    match rejected {
        Some(r) if r.form == form => field(r.fields, name),
        _ => default,
    }
}

fn statements_text(statements: &[Statement]) -> String {
    statements
        .iter()
        .map(|s| {
            if s.speaker.is_empty() {
                s.text.clone()
            } else {
                format!("{}: {}", s.speaker, s.text)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// «Forælder: Vi håber …» per line → statements; a line without «:» has no speaker.
fn parse_statements(text: &str) -> Vec<Statement> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once(':') {
            Some((speaker, said)) if !speaker.trim().is_empty() && speaker.chars().count() <= 60 => Statement {
                speaker: speaker.trim().to_string(),
                text: said.trim().to_string(),
            },
            _ => Statement {
                speaker: String::new(),
                text: line.to_string(),
            },
        })
        .collect()
}

/// The forms for an open meeting, prefilled from what is stored or what was just submitted.
pub(crate) async fn forms(
    state: &AppState,
    viewer: &Viewer,
    loaded: &Loaded,
    agenda: &[AgendaItem],
    errors: &[FieldError],
    rejected: Option<Rejected<'_>>,
) -> Result<Forms, Response> {
    let m = &loaded.meeting;
    let base = format!("/moeder/{}", m.id);
    // Staff and advisers: the participants to choose from and the actions' owners.
    let owners = selectable_staff(state, viewer, m.institution_id).await?;
    let people = candidates(state, &owners, loaded).await?;
    let v = |form: &str, name: &str, default: &'static str| value(&rejected, form, name, default).to_string();
    let participants = html! {
        form.stack.no-print method="post" action={ (base) "/deltagere" } novalidate {
            h3 { "Tilføj deltager" }
            label for="bruger" { "Person med adgang til Trivsel" }
            select id="bruger" name="bruger" aria-invalid=[invalid(errors, "bruger")] aria-describedby=[described(errors, "bruger")] {
                option value="" { "– vælg –" }
                @for (id, name, _) in &people {
                    option value=(id) selected[v("deltager", "bruger", "") == id.to_string()] { (name) }
                }
            }
            (inline_error(errors, "bruger"))
            label for="navn" { "… eller navn på en deltager uden adgang (fx eleven)" }
            input id="navn" name="navn" type="text" maxlength=(MAX_LINE) value=(v("deltager", "navn", ""))
                aria-invalid=[invalid(errors, "navn")] aria-describedby=[described(errors, "navn")];
            (inline_error(errors, "navn"))
            label for="rolle" { "Rolle" }
            select id="rolle" name="rolle" {
                option value="" { "Ud fra personens rolle" }
                @for r in ParticipantRole::ALL {
                    option value=(r.id()) selected[v("deltager", "rolle", "") == r.id()] { (r.navn()) }
                }
            }
            button type="submit" { "Tilføj deltager" }
        }
    };
    let agenda_form = if m.kind == MeetingKind::Trivselsforum {
        let classes = state
            .store
            .class_cards(&[], Some(m.institution_id))
            .await
            .map_err(|e| layout::server_error(&e))?;
        let mut pupils = Vec::with_capacity(classes.len());
        for c in &classes {
            let p = state
                .store
                .class_pupils(c.id, today())
                .await
                .map_err(|e| layout::server_error(&e))?;
            pupils.push((c, p));
        }
        html! {
            form.stack.no-print method="post" action={ (base) "/dagsorden" } novalidate {
                h3 { "Sæt et punkt på dagsordenen" }
                label for="elev" { "Elev" }
                select id="elev" name="elev" aria-invalid=[invalid(errors, "elev")] aria-describedby=[described(errors, "elev")] {
                    option value="" { "– ingen (punktet gælder en klasse) –" }
                    @for (c, list) in &pupils {
                        optgroup label=(c.name) {
                            @for p in list {
                                option value=(p.id) selected[v("punkt", "elev", "") == p.id.to_string()] { (p.given_name) " " (p.family_name) }
                            }
                        }
                    }
                }
                (inline_error(errors, "elev"))
                label for="klasse" { "… eller klasse" }
                select id="klasse" name="klasse" {
                    option value="" { "– ingen –" }
                    @for (c, _) in &pupils {
                        option value=(c.id) selected[v("punkt", "klasse", "") == c.id.to_string()] { (c.name) }
                    }
                }
                label for="emne" { "Emne" }
                input id="emne" name="emne" type="text" required maxlength=(MAX_LINE) value=(v("punkt", "emne", ""))
                    aria-invalid=[invalid(errors, "emne")] aria-describedby=[described(errors, "emne")];
                (inline_error(errors, "emne"))
                label {
                    input type="checkbox" name="foraeldre" value="ja" checked[v("punkt", "foraeldre", "") == "ja"];
                    " Forældrene deltager under punktet"
                }
                p.hint { "Et barn kan kun sættes på dagsordenen, hvis forældrene deltager, eller hvis de har givet samtykke til drøftelse i Trivselsforum." }
                button type="submit" { "Tilføj punkt" }
            }
        }
    } else {
        html! {}
    };
    let mut outcomes = HashMap::new();
    for item in agenda {
        let form = format!("udfald-{}", item.id);
        let plan = value(&rejected, &form, "plan", &item.plan).to_string();
        let informed = value(&rejected, &form, "informeres", &item.parents_informed).to_string();
        let (plan_id, informed_id) = (format!("plan-{}", item.id), format!("informeres-{}", item.id));
        outcomes.insert(
            item.id,
            html! {
                form.stack method="post" action={ (base) "/dagsorden/" (item.id) } novalidate {
                    label for=(plan_id) { "Aftale: hvem gør hvad" }
                    textarea id=(plan_id) name="plan" rows="3" aria-invalid=[invalid(errors, &plan_id)] aria-describedby=[described(errors, &plan_id)] { (plan) }
                    (inline_error(errors, &plan_id))
                    label for=(informed_id) { "Sådan informeres forældrene" }
                    textarea id=(informed_id) name="informeres" rows="2" aria-invalid=[invalid(errors, &informed_id)] aria-describedby=[described(errors, &informed_id)] { (informed) }
                    (inline_error(errors, &informed_id))
                    button type="submit" { "Gem aftale" }
                }
            },
        );
    }
    let stored_rounds = match &m.minutes {
        Some(Minutes::Rounds(r)) => [&r.hopes, &r.obstacles, &r.helps, &r.contributions].map(|s| statements_text(s)),
        _ => Default::default(),
    };
    let stored_notes = match &m.minutes {
        Some(Minutes::Notes { text }) => text.clone(),
        _ => String::new(),
    };
    let held_default = m.held_on.unwrap_or(m.starts_at.date().min(today())).to_string();
    let minutes = html! {
        @if m.minutes.is_some() { p.hint { "Referatet er gemt. Du kan rette det, indtil mødet er afsluttet." } }
        form.stack method="post" action={ (base) "/referat" } novalidate {
            label for="holdt" { "Mødet blev holdt den" }
            input id="holdt" name="holdt" type="date" required max=(today().to_string()) value=(value(&rejected, "referat", "holdt", &held_default))
                aria-invalid=[invalid(errors, "holdt")] aria-describedby=[described(errors, "holdt")];
            (inline_error(errors, "holdt"))
            @if m.kind == MeetingKind::AbsenceCouncil {
                p.hint id="runder-hjaelp" { "Skriv én udtalelse pr. linje, fx «Mor: Vi håber, at Ida kommer i skole hver dag»." }
                @for (n, (name, label)) in ROUND_FIELDS.iter().zip(ROUND_LABELS).enumerate() {
                    label for=(name) { (label) }
                    textarea id=(name) name=(name) rows="4" aria-describedby="runder-hjaelp" { (value(&rejected, "referat", name, &stored_rounds[n])) }
                }
                (inline_error(errors, "runde1"))
            } @else {
                label for="noter" { "Referat" }
                textarea id="noter" name="noter" rows="8" aria-invalid=[invalid(errors, "noter")] aria-describedby=[described(errors, "noter")] { (value(&rejected, "referat", "noter", &stored_notes)) }
                (inline_error(errors, "noter"))
            }
            button type="submit" { "Gem referat" }
        }
    };
    let actions = html! {
        form.stack.no-print method="post" action={ (base) "/handlinger" } novalidate {
            h3 { "Tilføj handling" }
            p.hint { "Handlingen bliver en opgave på den ansvarliges «Mine opgaver». Skriv ikke barnets navn." }
            label for="handling" { "Handling" }
            input id="handling" name="handling" type="text" required maxlength=(MAX_LINE) value=(v("handling", "handling", ""))
                aria-invalid=[invalid(errors, "handling")] aria-describedby=[described(errors, "handling")];
            (inline_error(errors, "handling"))
            label for="ansvarlig" { "Ansvarlig" }
            select id="ansvarlig" name="ansvarlig" aria-invalid=[invalid(errors, "ansvarlig")] aria-describedby=[described(errors, "ansvarlig")] {
                option value="" { "– vælg –" }
                @for u in &owners {
                    option value=(u.id) selected[v("handling", "ansvarlig", "") == u.id.to_string()] { (u.name) " (" (u.role.navn()) ")" }
                }
            }
            (inline_error(errors, "ansvarlig"))
            label for="handling-frist" { "Frist" }
            input id="handling-frist" name="frist" type="date" required min=(today().to_string()) value=(v("handling", "frist", ""))
                aria-invalid=[invalid(errors, "handling-frist")] aria-describedby=[described(errors, "handling-frist")];
            (inline_error(errors, "handling-frist"))
            button type="submit" { "Tilføj handling" }
        }
    };
    // The follow-up form's default: two weeks after the meeting.
    let follow_default = (m.held_on.unwrap_or(m.starts_at.date()) + Duration::days(14)).to_string();
    let close = html! {
        form.stack.no-print method="post" action={ (base) "/afslut" } novalidate {
            p { "Når mødet afsluttes, sendes handleplanen til alle deltagere med adgang til Trivsel og til barnets forældre (i forældrevisningen)." }
            label for="opfoelgningsdato" {
                "Dato for opfølgningsmøde"
                @if m.kind.needs_follow_up() { " (skal udfyldes)" }
            }
            input id="opfoelgningsdato" name="opfoelgning" type="date" required[m.kind.needs_follow_up()]
                value=(value(&rejected, "afslut", "opfoelgning", if m.kind.needs_follow_up() { &follow_default } else { "" }))
                aria-invalid=[invalid(errors, "opfoelgningsdato")] aria-describedby=[described(errors, "opfoelgningsdato")];
            (inline_error(errors, "opfoelgningsdato"))
            button type="submit" { "Afslut møde og send handleplan" }
        }
    };
    let reschedule = (m.status == MeetingStatus::Planned).then(|| {
        let (date, from, to) = (
            m.starts_at.date().to_string(),
            m.starts_at.format("%H:%M").to_string(),
            m.ends_at.format("%H:%M").to_string(),
        );
        let place = m.location.clone().unwrap_or_default();
        let open = matches!(&rejected, Some(r) if r.form == "flyt");
        html! {
            details.no-print open[open] {
                summary { "Flyt mødet" }
                form.stack method="post" action={ (base) "/flyt" } novalidate {
                    p.hint { "Hent kalenderinvitationen igen efter flytningen; kalenderen erstatter den gamle." }
                    label for="flyt-dato" { "Ny dato" }
                    input id="flyt-dato" name="dato" type="date" required min=(today().to_string()) value=(value(&rejected, "flyt", "dato", &date))
                        aria-invalid=[invalid(errors, "flyt-dato")] aria-describedby=[described(errors, "flyt-dato")];
                    (inline_error(errors, "flyt-dato"))
                    label for="flyt-fra" { "Fra kl." }
                    input id="flyt-fra" name="fra" type="time" required value=(value(&rejected, "flyt", "fra", &from))
                        aria-invalid=[invalid(errors, "flyt-fra")] aria-describedby=[described(errors, "flyt-fra")];
                    (inline_error(errors, "flyt-fra"))
                    label for="flyt-til" { "Til kl." }
                    input id="flyt-til" name="til" type="time" required value=(value(&rejected, "flyt", "til", &to))
                        aria-invalid=[invalid(errors, "flyt-til")] aria-describedby=[described(errors, "flyt-til")];
                    (inline_error(errors, "flyt-til"))
                    label for="flyt-sted" { "Sted (uden personoplysninger)" }
                    input id="flyt-sted" name="sted" type="text" maxlength=(MAX_LINE) value=(value(&rejected, "flyt", "sted", &place));
                    button type="submit" { "Flyt mødet" }
                }
            }
        }
    });
    Ok(Forms {
        reschedule,
        participants,
        agenda: agenda_form,
        outcomes,
        minutes,
        actions,
        close,
    })
}

/// Loads the meeting for a change by its manager; closed meetings are not changed.
async fn managed(state: &AppState, viewer: &Viewer, id: i64, action: &str) -> Result<Loaded, Response> {
    let loaded = load(state, viewer, id, MeetingAccess::Manage, action).await?;
    if loaded.meeting.status == MeetingStatus::Closed {
        let mut audit = loaded.audit.clone();
        add_criterion(&mut audit, "ikke gemt: mødet er afsluttet");
        state.store.audit(&audit).await.map_err(|e| layout::server_error(&e))?;
        return Err(meeting_page(
            state,
            viewer,
            &loaded,
            None,
            &[error("status", "Mødet er afsluttet og kan ikke ændres.")],
            None,
            StatusCode::CONFLICT,
        )
        .await);
    }
    Ok(loaded)
}

/// Nothing stored: audits why (on `audit`, as a refusal if `denied`) and shows the page again
/// with the submitted form.
async fn reject_as(
    state: &AppState,
    viewer: &Viewer,
    loaded: &Loaded,
    audit: &AuditEntry,
    rejected: Rejected<'_>,
    errors: &[FieldError],
    denied: bool,
) -> Response {
    let mut audit = audit.clone();
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    if denied {
        audit.allowed = false;
        add_criterion(&mut audit, &format!("afvist: {reason}"));
    } else {
        add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
    }
    if let Err(e) = state.store.audit(&audit).await {
        return layout::server_error(&e);
    }
    meeting_page(
        state,
        viewer,
        loaded,
        None,
        errors,
        Some(rejected),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Nothing stored: the form's errors, audited on the request's row.
async fn reject(
    state: &AppState,
    viewer: &Viewer,
    loaded: &Loaded,
    form: &str,
    fields: &Fields,
    errors: &[FieldError],
) -> Response {
    let rejected = Rejected { form, fields };
    reject_as(state, viewer, loaded, &loaded.audit, rejected, errors, false).await
}

fn saved(id: i64, what: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/moeder/{id}?besked={what}#{anchor}")).into_response()
}

pub async fn add_participant(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.participant").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let staff = match selectable_staff(&state, &viewer, loaded.meeting.institution_id).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let people = match candidates(&state, &staff, &loaded).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let (user, name) = (field(&fields, "bruger"), field(&fields, "navn"));
    let role = ParticipantRole::from_id(field(&fields, "rolle"));
    let mut errors = Vec::new();
    let new = match (user.is_empty(), name.is_empty()) {
        (true, true) => {
            errors.push(error("bruger", "Deltager: vælg en person, eller skriv et navn."));
            None
        }
        (false, false) => {
            errors.push(error(
                "navn",
                "Navn: vælg enten en person eller skriv et navn – ikke begge.",
            ));
            None
        }
        (false, true) => match people.iter().find(|(id, _, _)| id.to_string() == user) {
            Some((user_id, _, default)) => Some(NewParticipant::User {
                user_id: *user_id,
                role: role.unwrap_or(*default),
            }),
            None => {
                errors.push(error(
                    "bruger",
                    "Deltager: personen kan ikke vælges (deltager allerede, eller findes ikke).",
                ));
                None
            }
        },
        (true, false) => {
            if name.chars().count() > MAX_LINE {
                errors.push(error("navn", format!("Navn: skriv højst {MAX_LINE} tegn.")));
                None
            } else {
                Some(NewParticipant::External {
                    name: name.to_string(),
                    role: role.unwrap_or(ParticipantRole::Other),
                })
            }
        }
    };
    let Some(new) = new else {
        return reject(&state, &viewer, &loaded, "deltager", &fields, &errors).await;
    };
    let mut audit = loaded.audit.clone();
    let role = match &new {
        NewParticipant::User { role, .. } | NewParticipant::External { role, .. } => *role,
    };
    add_criterion(&mut audit, &format!("deltager tilføjet som {}", role.navn()));
    match state.store.add_participant(id, &new, &audit).await {
        Ok(_) => saved(id, "deltager", "deltagere"),
        Err(StoreError::Config(message)) => {
            let errors = [error("bruger", format!("Deltager: {message}"))];
            reject(&state, &viewer, &loaded, "deltager", &fields, &errors).await
        }
        Err(e) => layout::server_error(&e),
    }
}

pub async fn add_agenda_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.agenda").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let m = &loaded.meeting;
    let mut errors = Vec::new();
    if m.kind != MeetingKind::Trivselsforum {
        errors.push(error("emne", "Kun Trivselsforum har en dagsorden med punkter."));
    }
    let topic = check_text(&mut errors, "emne", "Emne", field(&fields, "emne"), true, MAX_LINE);
    let parents_attend = field(&fields, "foraeldre") == "ja";
    let child: Option<i64> = field(&fields, "elev").parse().ok();
    let class: Option<i64> = field(&fields, "klasse").parse().ok();
    let target = match (child, class) {
        (Some(c), None) => {
            let context = match state.store.child_context(c, today()).await {
                Ok(ctx) => ctx,
                Err(e) => return layout::server_error(&e),
            };
            if context.is_some_and(|ctx| ctx.institution_ids.contains(&m.institution_id)) {
                Some(CaseTarget::Child(c))
            } else {
                errors.push(error("elev", "Elev: eleven går ikke på skolen."));
                None
            }
        }
        (None, Some(k)) => {
            let card = match state.store.class_card(k).await {
                Ok(card) => card,
                Err(e) => return layout::server_error(&e),
            };
            if card.is_some_and(|card| card.institution_id == m.institution_id) {
                Some(CaseTarget::Class(k))
            } else {
                errors.push(error("elev", "Klasse: klassen hører ikke til skolen."));
                None
            }
        }
        (Some(_), Some(_)) => {
            errors.push(error("elev", "Elev: vælg enten en elev eller en klasse – ikke begge."));
            None
        }
        (None, None) => {
            errors.push(error("elev", "Elev: vælg den elev eller klasse, punktet handler om."));
            None
        }
    };
    let mut audit = loaded.audit.clone();
    audit.child_id = target.and_then(CaseTarget::child_id);
    let (Some(target), true) = (target, errors.is_empty()) else {
        return reject_as(
            &state,
            &viewer,
            &loaded,
            &audit,
            Rejected {
                form: "punkt",
                fields: &fields,
            },
            &errors,
            false,
        )
        .await;
    };
    if let CaseTarget::Child(child) = target {
        let consents = match state.store.consent_facts(child).await {
            Ok(c) => c,
            Err(e) => return layout::server_error(&e),
        };
        if let Err(refusal) = check_consent(
            ConsentAction::TrivselsforumAgendaItem { parents_attend },
            &consents,
            today(),
        ) {
            let errors = [error("elev", refusal.message())];
            return reject_as(
                &state,
                &viewer,
                &loaded,
                &audit,
                Rejected {
                    form: "punkt",
                    fields: &fields,
                },
                &errors,
                true,
            )
            .await;
        }
    }
    add_criterion(
        &mut audit,
        if parents_attend {
            "punkt på dagsorden; forældre deltager"
        } else {
            "punkt på dagsorden; samtykke"
        },
    );
    let item = NewAgendaItem {
        target,
        topic,
        parents_attend,
    };
    match state.store.add_agenda_item(id, &item, &audit).await {
        Ok(_) => saved(id, "punkt", "dagsorden"),
        Err(StoreError::Config(message)) => {
            let errors = [error("emne", message)];
            reject(&state, &viewer, &loaded, "punkt", &fields, &errors).await
        }
        Err(e) => layout::server_error(&e),
    }
}

pub async fn record_outcome(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, item_id)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.agenda_outcome").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let items = match state.store.agenda_items(id).await {
        Ok(i) => i,
        Err(e) => return layout::server_error(&e),
    };
    let Some(item) = items.iter().find(|i| i.id == item_id) else {
        return crate::tasks::refuse(
            &state,
            &viewer,
            "meeting.agenda_outcome",
            None,
            format!("ukendt punkt {item_id}"),
            "Punktet findes ikke på dette møde.",
        )
        .await;
    };
    let mut audit = loaded.audit.clone();
    audit.child_id = item.target.child_id();
    let mut errors = Vec::new();
    let plan = check_text(
        &mut errors,
        &format!("plan-{item_id}"),
        "Aftale",
        field(&fields, "plan"),
        true,
        MAX_TEXT,
    );
    let informed = check_text(
        &mut errors,
        &format!("informeres-{item_id}"),
        "Sådan informeres forældrene",
        field(&fields, "informeres"),
        true,
        MAX_TEXT,
    );
    let form = format!("udfald-{item_id}");
    if !errors.is_empty() {
        return reject_as(
            &state,
            &viewer,
            &loaded,
            &audit,
            Rejected {
                form: &form,
                fields: &fields,
            },
            &errors,
            false,
        )
        .await;
    }
    add_criterion(&mut audit, "aftale og forældreinformation");
    match state
        .store
        .record_agenda_outcome(item_id, &plan, &informed, &audit)
        .await
    {
        Ok(_) => saved(id, "udfald", &format!("punkt-{item_id}")),
        Err(e) => layout::server_error(&e),
    }
}

pub async fn record_minutes(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.minutes").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let m = &loaded.meeting;
    let mut errors = Vec::new();
    let held = match parse_date(field(&fields, "holdt")) {
        None => {
            errors.push(error("holdt", "Mødet blev holdt den: skriv datoen (fx 12.03.2027)."));
            None
        }
        Some(d) if d > today() => {
            errors.push(error(
                "holdt",
                "Mødet blev holdt den: datoen må ikke ligge efter i dag.",
            ));
            None
        }
        Some(d) if d < m.convened_on => {
            errors.push(error(
                "holdt",
                format!(
                    "Mødet blev holdt den: datoen ligger før indkaldelsen ({}).",
                    format_date(m.convened_on)
                ),
            ));
            None
        }
        Some(d) => Some(d),
    };
    let minutes = if m.kind == MeetingKind::AbsenceCouncil {
        for name in ROUND_FIELDS {
            check_text(&mut errors, name, "Referat", field(&fields, name), false, MAX_TEXT);
        }
        let [hopes, obstacles, helps, contributions] = ROUND_FIELDS.map(|n| parse_statements(field(&fields, n)));
        let rounds = SamraadMinutes {
            hopes,
            obstacles,
            helps,
            contributions,
        };
        let empty = rounds.empty_rounds();
        if !empty.is_empty() {
            let list: Vec<String> = empty.iter().map(|r| r.to_string()).collect();
            errors.push(error(
                "runde1",
                format!("Referat: skriv mindst én udtalelse i runde {}.", list.join(" og ")),
            ));
        }
        Minutes::Rounds(rounds)
    } else {
        Minutes::Notes {
            text: check_text(&mut errors, "noter", "Referat", field(&fields, "noter"), true, MAX_TEXT),
        }
    };
    let (Some(held), true) = (held, errors.is_empty()) else {
        return reject(&state, &viewer, &loaded, "referat", &fields, &errors).await;
    };
    let mut audit = loaded.audit.clone();
    add_criterion(&mut audit, &format!("referat; holdt {}", format_date(held)));
    match state.store.record_minutes(id, held, &minutes, &audit).await {
        Ok(true) => saved(id, "referat", "referat"),
        Ok(false) => {
            let errors = [error("holdt", "Mødet er afsluttet og kan ikke ændres.")];
            reject(&state, &viewer, &loaded, "referat", &fields, &errors).await
        }
        Err(e) => layout::server_error(&e),
    }
}

pub async fn add_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.action").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let owners = match selectable_staff(&state, &viewer, loaded.meeting.institution_id).await {
        Ok(o) => o,
        Err(response) => return response,
    };
    let mut errors = Vec::new();
    let action = check_text(
        &mut errors,
        "handling",
        "Handling",
        field(&fields, "handling"),
        true,
        MAX_LINE,
    );
    let owner = owners.iter().find(|u| u.id.to_string() == field(&fields, "ansvarlig"));
    if owner.is_none() {
        errors.push(error("ansvarlig", "Ansvarlig: vælg en person fra listen."));
    }
    let due = match parse_date(field(&fields, "frist")) {
        None => {
            errors.push(error("handling-frist", "Frist: skriv datoen (fx 12.03.2027)."));
            None
        }
        Some(d) if d < today() => {
            errors.push(error("handling-frist", "Frist: datoen er allerede gået."));
            None
        }
        Some(d) => Some(d),
    };
    let (Some(owner), Some(due), true) = (owner, due, errors.is_empty()) else {
        return reject(&state, &viewer, &loaded, "handling", &fields, &errors).await;
    };
    let mut audit = loaded.audit.clone();
    add_criterion(&mut audit, &format!("handling til {}", owner.username));
    let new = NewMeetingAction {
        action,
        owner_user_id: owner.id,
        due,
    };
    match state.store.add_action(id, &new, Utc::now(), &audit).await {
        Ok(_) => saved(id, "handling", "handleplan"),
        Err(StoreError::Config(message)) => {
            let errors = [error("handling", message)];
            reject(&state, &viewer, &loaded, "handling", &fields, &errors).await
        }
        Err(e) => layout::server_error(&e),
    }
}

pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.close").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let raw = field(&fields, "opfoelgning");
    let follow_up = parse_date(raw);
    if !raw.is_empty() && follow_up.is_none() {
        let errors = [error(
            "opfoelgningsdato",
            "Dato for opfølgningsmøde: skriv en gyldig dato (fx 12.03.2027).",
        )];
        return reject(&state, &viewer, &loaded, "afslut", &fields, &errors).await;
    }
    let mut audit = loaded.audit.clone();
    if let Some(f) = follow_up {
        add_criterion(&mut audit, &format!("opfølgning {}", format_date(f)));
    }
    match state
        .store
        .close_meeting(id, follow_up, viewer.user.id, Utc::now(), &[audit])
        .await
    {
        Ok(Ok(_recipients)) => saved(id, "afsluttet", "handleplan"),
        Ok(Err(refusal)) => {
            let errors = [error("opfoelgningsdato", refusal.message())];
            reject(&state, &viewer, &loaded, "afslut", &fields, &errors).await
        }
        Err(e) => layout::server_error(&e),
    }
}

/// Moves a meeting that is not held yet; its invitation's SEQUENCE goes up.
pub async fn reschedule(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.reschedule").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let mut errors = Vec::new();
    if loaded.meeting.status != MeetingStatus::Planned {
        errors.push(error("flyt-dato", "Mødet er holdt og kan ikke flyttes."));
    }
    let when = check_when(
        &mut errors,
        "flyt-",
        field(&fields, "dato"),
        field(&fields, "fra"),
        field(&fields, "til"),
    );
    let location = check_text(
        &mut errors,
        "flyt-sted",
        "Sted",
        field(&fields, "sted"),
        false,
        MAX_LINE,
    );
    let (Some((starts_at, ends_at)), true) = (when, errors.is_empty()) else {
        return reject(&state, &viewer, &loaded, "flyt", &fields, &errors).await;
    };
    let mut audit = loaded.audit.clone();
    add_criterion(
        &mut audit,
        &format!("flyttet til {}", starts_at.format("%d.%m.%Y %H:%M")),
    );
    let location = Some(location.as_str()).filter(|l| !l.is_empty());
    match state
        .store
        .reschedule_meeting(id, starts_at, ends_at, location, &audit)
        .await
    {
        Ok(true) => saved(id, "flyttet", "indhold"),
        Ok(false) => {
            let errors = [error("flyt-dato", "Mødet er holdt og kan ikke flyttes.")];
            reject(&state, &viewer, &loaded, "flyt", &fields, &errors).await
        }
        Err(e) => layout::server_error(&e),
    }
}

/// Removes a participant added by mistake (while the meeting is open).
pub async fn remove_participant(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, participant)): Path<(i64, i64)>,
) -> Response {
    let loaded = match managed(&state, &viewer, id, "meeting.participant_remove").await {
        Ok(l) => l,
        Err(response) => return response,
    };
    let Some(p) = loaded.participants.iter().find(|p| p.id == participant) else {
        let reason = "Deltageren findes ikke på dette møde.";
        return crate::tasks::refuse(
            &state,
            &viewer,
            "meeting.participant_remove",
            loaded.meeting.child_id(),
            format!("ukendt deltager {participant}"),
            reason,
        )
        .await;
    };
    let mut audit = loaded.audit.clone();
    add_criterion(&mut audit, &format!("deltager fjernet ({})", p.role.navn()));
    match state.store.remove_participant(id, participant, &audit).await {
        Ok(_) => saved(id, "fjernet", "deltagere"),
        Err(e) => layout::server_error(&e),
    }
}
