//! Running a meeting (mødeforløb): participants, Trivselsforum agenda items with their outcome,
//! the minutes (a fraværssamråd's three interview rounds), the action plan (each action a task
//! for its owner) and closing, which sends the action plan to every participant and the
//! child's guardians. Only the institution's leader and trivselsperson change a meeting
//! (`MeetingAccess::Manage`), and only until it is closed.
//!
//! Every change is stored with its audit row; a rejected form shows the page again with the
//! submitted values and a Danish error naming the field, and stores nothing. The forms
//! themselves are in `forms`.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use trivsel_domain::meetings::{
    ConsentAction, MeetingAccess, MeetingDuty, MeetingKind, MeetingStatus, Minutes, ParticipantRole, SamraadMinutes,
    Statement, check_consent,
};
use trivsel_store::{AuditEntry, CaseTarget, NewAgendaItem, NewMeetingAction, NewParticipant, StoreError};

use super::common::{Loaded, load, may_take_part, selectable_staff};
use super::forms::{MAX_LINE, ROUND_FIELDS, Rejected, candidates, check_when};
use super::pages::meeting_page;
use crate::kit::access::{add_criterion, refuse};
use crate::kit::clock::{now, today};
use crate::kit::form::{FieldError, Fields, check_text, error, field, parse_date};
use crate::kit::format::format_date;
use crate::kit::{AppState, Page, PageError, Viewer};

const MAX_TEXT: usize = 20_000;

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

/// Loads the meeting for a change by its manager; closed meetings are not changed (409).
async fn managed(state: &AppState, viewer: &Viewer, id: i64, action: &str) -> Result<Loaded, PageError> {
    let loaded = load(state, viewer, id, MeetingAccess::Manage, action).await?;
    if loaded.meeting.status == MeetingStatus::Closed {
        let mut audit = loaded.audit.clone();
        add_criterion(&mut audit, "ikke gemt: mødet er afsluttet");
        state.store.audit(&audit).await?;
        let errors = [error("status", "Mødet er afsluttet og kan ikke ændres.")];
        let page = meeting_page(state, viewer, &loaded, None, &errors, None).await?;
        return Err(PageError::status(StatusCode::CONFLICT, page));
    }
    Ok(loaded)
}

/// Nothing stored: audits why (on `audit`, as a refusal if `denied`) and shows the page again
/// with the submitted form (422); if that fails, the failure is the error.
async fn reject_as(
    state: &AppState,
    viewer: &Viewer,
    loaded: &Loaded,
    audit: &AuditEntry,
    rejected: Rejected<'_>,
    errors: &[FieldError],
    denied: bool,
) -> PageError {
    let mut audit = audit.clone();
    let reason = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
    if denied {
        audit.allowed = false;
        add_criterion(&mut audit, &format!("afvist: {reason}"));
    } else {
        add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
    }
    let shown = async {
        state.store.audit(&audit).await?;
        meeting_page(state, viewer, loaded, None, errors, Some(rejected)).await
    };
    shown.await.map_or_else(|e| e, PageError::unprocessable)
}

/// Nothing stored: the form's errors, audited on the request's row.
async fn reject(
    state: &AppState,
    viewer: &Viewer,
    loaded: &Loaded,
    form: &str,
    fields: &Fields,
    errors: &[FieldError],
) -> PageError {
    let rejected = Rejected { form, fields };
    reject_as(state, viewer, loaded, &loaded.audit, rejected, errors, false).await
}

/// Back to the meeting page with the confirmation `what`, at `anchor`.
fn saved(id: i64, what: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/moeder/{id}?besked={what}#{anchor}")).into_response()
}

/// Whether the user may be added to the meeting: anyone to a meeting without a child, else
/// only someone who may see that child today.
async fn may_join(state: &AppState, loaded: &Loaded, user_id: i64) -> Result<bool, PageError> {
    let Some(child) = loaded.meeting.child_id() else {
        return Ok(true);
    };
    match state.store.user_by_id(user_id).await? {
        Some(user) => may_take_part(state, &user, child).await,
        None => Ok(false),
    }
}

pub async fn add_participant(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.participant").await?;
    let staff = selectable_staff(&state, &viewer, loaded.meeting.institution_id).await?;
    let people = candidates(&state, &staff, &loaded).await?;
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
            Some((user_id, name, _)) if !may_join(&state, &loaded, *user_id).await? => {
                errors.push(error(
                    "bruger",
                    format!(
                        "Deltager: {name} har ikke adgang til barnet og kan ikke deltage – fx fordi \
                         forældrenes samtykke ikke er givet eller er trukket tilbage, eller fordi \
                         barnet ikke er tildelt vedkommende."
                    ),
                ));
                None
            }
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
        return Err(reject(&state, &viewer, &loaded, "deltager", &fields, &errors).await);
    };
    let mut audit = loaded.audit.clone();
    let role = match &new {
        NewParticipant::User { role, .. } | NewParticipant::External { role, .. } => *role,
    };
    add_criterion(&mut audit, &format!("deltager tilføjet som {}", role.navn()));
    match state.store.add_participant(id, &new, &audit).await {
        Err(StoreError::Config(message)) => {
            let errors = [error("bruger", format!("Deltager: {message}"))];
            Err(reject(&state, &viewer, &loaded, "deltager", &fields, &errors).await)
        }
        added => {
            added?;
            Ok(saved(id, "deltager", "deltagere"))
        }
    }
}

pub async fn add_agenda_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.agenda").await?;
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
            let context = state.store.child_context(c, today()).await?;
            if context.is_some_and(|ctx| ctx.institution_ids.contains(&m.institution_id)) {
                Some(CaseTarget::Child(c))
            } else {
                errors.push(error("elev", "Elev: eleven går ikke på skolen."));
                None
            }
        }
        (None, Some(k)) => {
            let card = state.store.class_card(k).await?;
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
        return Err(reject_as(
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
        .await);
    };
    if let CaseTarget::Child(child) = target {
        let consents = state.store.consent_facts(child).await?;
        if let Err(refusal) = check_consent(
            ConsentAction::TrivselsforumAgendaItem { parents_attend },
            &consents,
            today(),
        ) {
            let errors = [error("elev", refusal.message())];
            return Err(reject_as(
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
            .await);
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
        Err(StoreError::Config(message)) => {
            let errors = [error("emne", message)];
            Err(reject(&state, &viewer, &loaded, "punkt", &fields, &errors).await)
        }
        added => {
            added?;
            Ok(saved(id, "punkt", "dagsorden"))
        }
    }
}

pub async fn record_outcome(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, item_id)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.agenda_outcome").await?;
    let items = state.store.agenda_items(id).await?;
    let Some(item) = items.iter().find(|i| i.id == item_id) else {
        return Err(refuse(
            &state,
            &viewer,
            "meeting.agenda_outcome",
            None,
            format!("ukendt punkt {item_id}"),
            "Punktet findes ikke på dette møde.",
        )
        .await);
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
        return Err(reject_as(
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
        .await);
    }
    add_criterion(&mut audit, "aftale og forældreinformation");
    state
        .store
        .record_agenda_outcome(item_id, &plan, &informed, &audit)
        .await?;
    Ok(saved(id, "udfald", &format!("punkt-{item_id}")))
}

pub async fn record_minutes(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.minutes").await?;
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
        return Err(reject(&state, &viewer, &loaded, "referat", &fields, &errors).await);
    };
    let mut audit = loaded.audit.clone();
    add_criterion(&mut audit, &format!("referat; holdt {}", format_date(held)));
    if !state.store.record_minutes(id, held, &minutes, &audit).await? {
        let errors = [error("holdt", "Mødet er afsluttet og kan ikke ændres.")];
        return Err(reject(&state, &viewer, &loaded, "referat", &fields, &errors).await);
    }
    Ok(saved(id, "referat", "referat"))
}

pub async fn add_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.action").await?;
    let owners = selectable_staff(&state, &viewer, loaded.meeting.institution_id).await?;
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
        return Err(reject(&state, &viewer, &loaded, "handling", &fields, &errors).await);
    };
    let mut audit = loaded.audit.clone();
    add_criterion(&mut audit, &format!("handling til {}", owner.username));
    let new = NewMeetingAction {
        action,
        owner_user_id: owner.id,
        due,
    };
    match state.store.add_action(id, &new, now(), &audit).await {
        Err(StoreError::Config(message)) => {
            let errors = [error("handling", message)];
            Err(reject(&state, &viewer, &loaded, "handling", &fields, &errors).await)
        }
        added => {
            added?;
            Ok(saved(id, "handling", "handleplan"))
        }
    }
}

pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.close").await?;
    let raw = field(&fields, "opfoelgning");
    let follow_up = parse_date(raw);
    if !raw.is_empty() && follow_up.is_none() {
        let errors = [error(
            "opfoelgningsdato",
            "Dato for opfølgningsmøde: skriv en gyldig dato (fx 12.03.2027).",
        )];
        return Err(reject(&state, &viewer, &loaded, "afslut", &fields, &errors).await);
    }
    let mut audit = loaded.audit.clone();
    if let Some(f) = follow_up {
        add_criterion(&mut audit, &format!("opfølgning {}", format_date(f)));
    }
    let closed = state
        .store
        .close_meeting(id, follow_up, viewer.user.id, now(), &[audit])
        .await?;
    if let Err(refusal) = closed {
        let errors = [error("opfoelgningsdato", refusal.message())];
        return Err(reject(&state, &viewer, &loaded, "afslut", &fields, &errors).await);
    }
    Ok(saved(id, "afsluttet", "handleplan"))
}

/// Moves a meeting that is not held yet; its invitation's SEQUENCE goes up.
pub async fn reschedule(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.reschedule").await?;
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
        return Err(reject(&state, &viewer, &loaded, "flyt", &fields, &errors).await);
    };
    let mut audit = loaded.audit.clone();
    add_criterion(
        &mut audit,
        &format!("flyttet til {}", starts_at.format("%d.%m.%Y %H:%M")),
    );
    let location = Some(location.as_str()).filter(|l| !l.is_empty());
    if !state
        .store
        .reschedule_meeting(id, starts_at, ends_at, location, &audit)
        .await?
    {
        let errors = [error("flyt-dato", "Mødet er holdt og kan ikke flyttes.")];
        return Err(reject(&state, &viewer, &loaded, "flyt", &fields, &errors).await);
    }
    Ok(saved(id, "flyttet", "indhold"))
}

/// Removes a participant added by mistake (while the meeting is open).
pub async fn remove_participant(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, participant)): Path<(i64, i64)>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.participant_remove").await?;
    let Some(p) = loaded.participants.iter().find(|p| p.id == participant) else {
        let reason = "Deltageren findes ikke på dette møde.";
        return Err(refuse(
            &state,
            &viewer,
            "meeting.participant_remove",
            loaded.meeting.child_id(),
            format!("ukendt deltager {participant}"),
            reason,
        )
        .await);
    };
    let mut audit = loaded.audit.clone();
    add_criterion(&mut audit, &format!("deltager fjernet ({})", p.role.navn()));
    state.store.remove_participant(id, participant, &audit).await?;
    Ok(saved(id, "fjernet", "deltagere"))
}

/// Gives a participant of a fraværssamråd a duty (mødeleder, samtaleleder, referent) or none.
pub async fn set_duty(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, participant)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> Page {
    let loaded = managed(&state, &viewer, id, "meeting.duty").await?;
    let value = field(&fields, "funktion");
    let duty = MeetingDuty::from_id(value);
    let known = loaded.participants.iter().find(|p| p.id == participant);
    let (Some(p), true) = (known, duty.is_some() || value.is_empty()) else {
        return Err(refuse(
            &state,
            &viewer,
            "meeting.duty",
            loaded.meeting.child_id(),
            format!("deltager {participant}, funktion «{value}»"),
            "Vælg en funktion fra listen for en af mødets deltagere.",
        )
        .await);
    };
    let mut audit = loaded.audit.clone();
    let what = duty.map_or("ingen funktion", |d| d.navn());
    add_criterion(&mut audit, &format!("{}: {what}", p.role.navn()));
    match state.store.set_duty(id, participant, duty, &audit).await {
        Ok(()) => Ok(saved(id, "funktion", "deltagere")),
        Err(StoreError::Config(m)) => {
            let errors = [error(&format!("funktion-{participant}"), m)];
            Err(reject(&state, &viewer, &loaded, "funktion", &fields, &errors).await)
        }
        Err(e) => Err(e.into()),
    }
}
