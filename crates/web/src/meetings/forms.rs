//! The forms on an open meeting's page, for its manager, prefilled from what is stored or
//! what was just submitted; `edit` takes what they send. Also which form a rejected
//! submission came from, and the check of a meeting's date and times that the convening form
//! shares.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, NaiveTime};
use maud::{Markup, html};
use trivsel_domain::meetings::{MeetingKind, MeetingStatus, Minutes, ParticipantRole, Statement, meeting_child_grant};
use trivsel_domain::model::Role;
use trivsel_store::{AgendaItem, User};

use super::common::{Loaded, selectable_staff};
use crate::kit::clock::today;
use crate::kit::form::{FieldError, Fields, described, error, field, inline_error, invalid, parse_date};
use crate::kit::{AppState, PageError, Viewer};

/// The minutes' rounds as fields: (field name, heading). Round 2 has two questions.
pub(super) const ROUND_LABELS: [&str; 4] = [
    "Runde 1: Hvad håber hver deltager, at mødet fører til?",
    "Runde 2: Hvad forhindrer eleven i at komme i skole?",
    "Runde 2: Hvad hjælper eleven til at komme i skole?",
    "Runde 3: Hvad kan hver deltager bidrage med?",
];
pub(super) const ROUND_FIELDS: [&str; 4] = ["runde1", "runde2_hindrer", "runde2_hjaelper", "runde3"];
pub(super) const MAX_LINE: usize = 200;

/// Which form an error belongs to, so the page shows the submitted values there.
pub(super) struct Rejected<'a> {
    pub form: &'a str,
    pub fields: &'a Fields,
}

/// The forms of a meeting page that is still open, for its manager.
pub(super) struct Forms {
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
pub(super) fn role_of_user(role: Role) -> ParticipantRole {
    match role {
        Role::Teacher => ParticipantRole::Teacher,
        Role::WellbeingPerson => ParticipantRole::WellbeingPerson,
        Role::Leader => ParticipantRole::SchoolLeader,
        Role::Psychologist => ParticipantRole::Psychologist,
        Role::SocialWorker => ParticipantRole::SocialWorker,
        Role::HealthVisitor => ParticipantRole::HealthVisitor,
        Role::SspCounsellor => ParticipantRole::Ssp,
        Role::FamilyCounsellor => ParticipantRole::FamilyCounsellor,
        Role::Guardian => ParticipantRole::Parent,
        Role::Pupil => ParticipantRole::Pupil,
        Role::Analyst | Role::Admin | Role::AbsenceCaseworker => ParticipantRole::Other,
    }
}

/// People with an account who may be added: staff and advisers, and the child's guardians
/// with custody. (user id, name, default role).
pub(super) async fn candidates(
    state: &AppState,
    staff: &[User],
    loaded: &Loaded,
) -> Result<Vec<(i64, String, ParticipantRole)>, PageError> {
    let m = &loaded.meeting;
    let mut out: Vec<(i64, String, ParticipantRole)> = staff
        .iter()
        .map(|u| (u.id, format!("{} ({})", u.name, u.role.navn()), role_of_user(u.role)))
        .collect();
    if let Some(child) = meeting_child_grant(loaded.access, m.child_id()) {
        let guardians = state.store.guardians_of_child(child).await?;
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

/// The forms for an open meeting, prefilled from what is stored or what was just submitted.
pub(super) async fn forms(
    state: &AppState,
    viewer: &Viewer,
    loaded: &Loaded,
    agenda: &[AgendaItem],
    errors: &[FieldError],
    rejected: Option<Rejected<'_>>,
) -> Result<Forms, PageError> {
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
        let classes = state.store.class_cards(&[], Some(m.institution_id)).await?;
        let mut pupils = Vec::with_capacity(classes.len());
        for c in &classes {
            let p = state.store.class_pupils(c.id, today()).await?;
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

fn parse_time(value: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M").ok()
}

/// A meeting's date and times from a form, today or later; errors name the fields `{id}dato`,
/// `{id}fra` and `{id}til`.
pub(super) fn check_when(
    errors: &mut Vec<FieldError>,
    id: &str,
    date: &str,
    from: &str,
    to: &str,
) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let date = match parse_date(date) {
        None => {
            errors.push(error(&format!("{id}dato"), "Dato: skriv mødets dato (fx 12.03.2027)."));
            None
        }
        Some(d) if d < today() => {
            errors.push(error(
                &format!("{id}dato"),
                "Dato: mødet kan ikke lægges på en dag, der er gået.",
            ));
            None
        }
        Some(d) => Some(d),
    };
    let (from, to) = (parse_time(from), parse_time(to));
    if from.is_none() {
        errors.push(error(&format!("{id}fra"), "Fra kl.: skriv et klokkeslæt som 09:00."));
    }
    if to.is_none() {
        errors.push(error(&format!("{id}til"), "Til kl.: skriv et klokkeslæt som 10:30."));
    }
    let (date, from, to) = (date?, from?, to?);
    if to <= from {
        errors.push(error(
            &format!("{id}til"),
            "Til kl.: mødet skal slutte efter det begynder.",
        ));
        return None;
    }
    Some((NaiveDateTime::new(date, from), NaiveDateTime::new(date, to)))
}
