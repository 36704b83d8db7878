//! Klassekonference (class conference): the trivselsperson or the school leader walks through
//! every pupil of a class with the pupil's absence this school year, open absence alerts,
//! concerns and open plans beside each, marks focus pupils (fokuselever), writes notes and
//! agrees follow-up tasks. The conference is saved as a dated record; the class's teachers may
//! read the records.

use std::collections::{HashMap, HashSet};

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use trivsel_domain::access::{Action, ChildData, can};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::model::Role;
use trivsel_store::{
    AlertFilter, AuditEntry, ClassCard, ConferencePupil, ConferenceTask, NewConference, PupilRow, User,
};

use crate::kit::access::{Ask, class_resource, decide, entry, no_school_days, visible_children};
use crate::kit::clock::{now, today};
use crate::kit::format::{danish_date, format_date, percent};
use crate::kit::links;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

/// Rows for agreed tasks on the form.
const TASK_ROWS: usize = 5;
const MAX_NOTE_CHARS: usize = 2000;
const MAX_NOTES_CHARS: usize = 20_000;
const MAX_TITLE_CHARS: usize = 200;

const NO_CLASS: &str = "Du har ikke adgang til denne klasse. Forsøget er registreret.";
const NOT_CONDUCTOR: &str =
    "Klassekonferencen holdes af skolens trivselsperson eller ledelse. Forsøget er registreret.";

/// Whether the viewer may hold the class's conferences: its trivselsperson or school leader.
fn may_conduct(viewer: &Viewer, card: &ClassCard) -> bool {
    matches!(viewer.user.role, Role::Leader | Role::WellbeingPerson)
        && can(&viewer.actor, Action::Write, &class_resource(card))
}

/// The class, if the viewer may read (`conduct`: hold) its conferences, with the request's
/// audit row («klasse N»), which the page writes with its other rows. A refusal is audited here.
async fn checked_class(
    state: &AppState,
    viewer: &Viewer,
    class_id: i64,
    conduct: bool,
    action: &str,
) -> Result<(ClassCard, AuditEntry), PageError> {
    let card = state.store.class_card(class_id).await?;
    let readable = card
        .as_ref()
        .is_some_and(|c| can(&viewer.actor, Action::Read, &class_resource(c)));
    let allowed = readable && (!conduct || card.as_ref().is_some_and(|c| may_conduct(viewer, c)));
    let ask = Ask {
        audit_action: action,
        child_id: None,
        criterion: Some(format!("klasse {class_id}")),
        denied: if conduct && readable { NOT_CONDUCTOR } else { NO_CLASS },
    };
    let granted = decide(state, viewer, allowed, true, ask).await?;
    let card = card.expect("granted");
    if !card.kind.has_school_days() {
        return Err(no_school_days(state, granted.audit, "ingen klassekonferencer").await);
    }
    Ok((card, granted.audit))
}

/// What is shown beside a pupil on the form.
#[derive(Default)]
struct PupilFigures {
    /// Absence share this school year, in per cent; `None` before the first school day.
    absence: Option<f64>,
    open_alerts: usize,
    concerns: i64,
    open_plans: Vec<&'static str>,
}

/// The submitted (or empty) form.
#[derive(Default)]
struct Values {
    date: String,
    notes: String,
    focus: HashSet<i64>,
    pupil_notes: HashMap<i64, String>,
    tasks: Vec<TaskRow>,
}

#[derive(Default, Clone)]
struct TaskRow {
    what: String,
    owner: String,
    due: String,
    child: String,
}

impl Values {
    fn empty(today: NaiveDate) -> Self {
        Values {
            date: today.to_string(),
            tasks: vec![TaskRow::default(); TASK_ROWS],
            ..Values::default()
        }
    }

    fn parse(fields: &[(String, String)]) -> Self {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map_or(String::new(), |(_, v)| v.trim().to_string())
        };
        let mut values = Values {
            date: get("dato"),
            notes: get("noter"),
            ..Values::default()
        };
        for (k, v) in fields {
            if let Some(id) = k.strip_prefix("fokus_").and_then(|id| id.parse().ok()) {
                values.focus.insert(id);
            } else if let Some(id) = k.strip_prefix("note_").and_then(|id| id.parse().ok()) {
                let v = v.trim();
                if !v.is_empty() {
                    values.pupil_notes.insert(id, v.to_string());
                }
            }
        }
        values.tasks = (1..=TASK_ROWS)
            .map(|n| TaskRow {
                what: get(&format!("opgave_{n}_hvad")),
                owner: get(&format!("opgave_{n}_ansvarlig")),
                due: get(&format!("opgave_{n}_frist")),
                child: get(&format!("opgave_{n}_elev")),
            })
            .collect();
        values
    }
}

/// The class's pupils today with their figures.
async fn pupils_with_figures(
    state: &AppState,
    card: &ClassCard,
) -> Result<Vec<(PupilRow, PupilFigures)>, trivsel_store::StoreError> {
    let today = today();
    let first = SchoolYear::of(today).first_day();
    let pupils = state.store.class_pupils(card.id, today).await?;
    let ids: Vec<i64> = pupils.iter().map(|p| p.id).collect();
    let filter = AlertFilter {
        class: Some((card.id, today)),
        status: Some("open".into()),
        ..AlertFilter::default()
    };
    let (data, alerts, counts) = tokio::try_join!(
        state.store.absence_data(card.municipality_id, Some(&ids), first, today),
        state.store.alerts(&filter),
        state.store.case_counts(&ids, first)
    )?;
    Ok(pupils
        .into_iter()
        .map(|p| {
            let summary = data.summary(p.id, first, today);
            let absence = (summary.days > 0).then(|| summary.split().3);
            let counts = counts.get(&p.id).cloned().unwrap_or_default();
            let figures = PupilFigures {
                absence,
                open_alerts: alerts.iter().filter(|a| a.child_id == p.id).count(),
                concerns: counts.concerns,
                open_plans: counts.open_plans.iter().map(|t| t.navn()).collect(),
            };
            (p, figures)
        })
        .collect())
}

/// The conference form.
pub async fn form(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Page {
    let (card, audit) = checked_class(&state, &viewer, class_id, true, "conference.prepare").await?;
    let mut values = Values::empty(today());
    // Focus pupils marked since (e.g. from a class survey's sociogram) come pre-ticked, with why.
    for f in state.store.focus_pupils(class_id).await? {
        values.focus.insert(f.child_id);
        values
            .pupil_notes
            .insert(f.child_id, format!("Fokuselev: {}.", f.reason));
    }
    Ok(form_page(&state, &viewer, &card, audit, &values, &[])
        .await?
        .into_response())
}

/// The form with the class's pupils; `audit` is the class's «conference.prepare» row, written
/// with one row per pupil shown.
async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    card: &ClassCard,
    audit: AuditEntry,
    values: &Values,
    errors: &[String],
) -> Result<Markup, PageError> {
    let (pupils, staff) = tokio::try_join!(
        pupils_with_figures(state, card),
        state.store.institution_staff(card.institution_id)
    )?;
    let mut audits = vec![audit];
    audits.extend(
        pupils
            .iter()
            .map(|(p, _)| entry(viewer, "conference.prepare", Some(p.id), None, true)),
    );
    state.store.audit_all(&audits).await?;
    let title = format!("Klassekonference {} – {}", card.name, card.institution_name);
    let year = SchoolYear::of(today());
    let body = html! {
        h1 { (title) }
        p { "Gå klassen igennem elev for elev. Fravær, advarsler og bekymringer gælder skoleåret "
            (year.label()) ". " a href={ "/klasser/" (card.id) "/konferencer" } { "Tidligere klassekonferencer" } }
        @if !errors.is_empty() {
            div.error role="alert" id="konference-fejl" {
                p { "Konferencen er ikke gemt. Ret følgende:" }
                ul { @for e in errors { li { (e) } } }
            }
        }
        form.conference method="post" action={ "/klasser/" (card.id) "/konference" } {
            label for="dato" { "Dato" }
            input id="dato" name="dato" type="date" required value=(values.date);
            table {
                caption { "Eleverne i " (card.name) }
                thead { tr {
                    th scope="col" { "Elev" } th scope="col" { "Fravær" } th scope="col" { "Åbne advarsler" }
                    th scope="col" { "Bekymringer" } th scope="col" { "Åbne planer" } th scope="col" { "Fokuselev" }
                    th scope="col" { "Note" }
                } }
                tbody {
                    @for (p, f) in &pupils {
                        @let name = format!("{} {}", p.given_name, p.family_name);
                        tr {
                            th scope="row" { a href=(links::child(p.id)) { (name) } }
                            td { @if let Some(a) = f.absence { (percent(a)) } @else { "–" } }
                            td { @if f.open_alerts > 0 { strong { (f.open_alerts) } } @else { "0" } }
                            td { (f.concerns) }
                            td { @if f.open_plans.is_empty() { "–" } @else { (f.open_plans.join(", ")) } }
                            td {
                                label.check {
                                    input type="checkbox" name={ "fokus_" (p.id) } value="1" checked[values.focus.contains(&p.id)];
                                    span.visually-hidden { (name) " er fokuselev" }
                                }
                            }
                            td {
                                label.visually-hidden for={ "note_" (p.id) } { "Note om " (name) }
                                textarea id={ "note_" (p.id) } name={ "note_" (p.id) } rows="1" {
                                    (values.pupil_notes.get(&p.id).map_or("", String::as_str))
                                }
                            }
                        }
                    }
                }
            }
            label for="noter" { "Generelle noter om klassen" }
            textarea id="noter" name="noter" rows="4" { (values.notes) }
            fieldset {
                legend { "Aftalte opgaver" }
                p.hint { "Skriv ikke barnets navn i opgaven – vælg eleven i feltet «Elev». Opgaven kommer på den ansvarliges «Mine opgaver»." }
                @for (i, row) in values.tasks.iter().enumerate() {
                    @let n = i + 1;
                    div.task-row {
                        label for={ "opgave_" (n) "_hvad" } { "Opgave " (n) ": hvad" }
                        input id={ "opgave_" (n) "_hvad" } name={ "opgave_" (n) "_hvad" } type="text" value=(row.what);
                        label for={ "opgave_" (n) "_ansvarlig" } { "Ansvarlig" }
                        select id={ "opgave_" (n) "_ansvarlig" } name={ "opgave_" (n) "_ansvarlig" } {
                            option value="" { "(vælg)" }
                            @for u in &staff { option value=(u.id) selected[row.owner == u.id.to_string()] { (u.name) } }
                        }
                        label for={ "opgave_" (n) "_frist" } { "Frist" }
                        input id={ "opgave_" (n) "_frist" } name={ "opgave_" (n) "_frist" } type="date" value=(row.due);
                        label for={ "opgave_" (n) "_elev" } { "Elev (valgfri)" }
                        select id={ "opgave_" (n) "_elev" } name={ "opgave_" (n) "_elev" } {
                            option value="" { "(hele klassen)" }
                            @for (p, _) in &pupils {
                                option value=(p.id) selected[row.child == p.id.to_string()] { (p.given_name) " " (p.family_name) }
                            }
                        }
                    }
                }
            }
            button type="submit" { "Gem klassekonferencen" }
        }
    };
    Ok(shell::page(&title, Some(viewer), "/klasser", body))
}

/// Checks the form against the class's pupils and the institution's staff.
fn validate(
    values: &Values,
    pupils: &[PupilRow],
    staff: &[User],
    today: NaiveDate,
) -> Result<(NaiveDate, Vec<ConferenceTask>), Vec<String>> {
    let mut errors = Vec::new();
    let in_class = |id: i64| pupils.iter().any(|p| p.id == id);
    let date = match values.date.parse::<NaiveDate>() {
        Ok(d) if d > today => {
            errors.push(format!(
                "Feltet «Dato»: konferencen kan ikke dateres efter i dag ({}).",
                format_date(today)
            ));
            None
        }
        Ok(d) if d < today - Duration::days(366) => {
            errors.push("Feltet «Dato»: vælg en dato inden for det seneste år.".into());
            None
        }
        Ok(d) => Some(d),
        Err(_) if values.date.is_empty() => {
            errors.push("Feltet «Dato» skal udfyldes.".into());
            None
        }
        Err(_) => {
            errors.push(format!("Feltet «Dato»: «{}» er ikke en gyldig dato.", values.date));
            None
        }
    };
    if values.notes.chars().count() > MAX_NOTES_CHARS {
        errors.push(format!(
            "Feltet «Generelle noter om klassen» må højst have {MAX_NOTES_CHARS} tegn."
        ));
    }
    if values
        .focus
        .iter()
        .chain(values.pupil_notes.keys())
        .any(|id| !in_class(*id))
    {
        errors.push("En markeret elev går ikke i klassen; åbn konferencen igen.".into());
    }
    for (id, note) in &values.pupil_notes {
        if note.chars().count() > MAX_NOTE_CHARS
            && let Some(p) = pupils.iter().find(|p| p.id == *id)
        {
            errors.push(format!(
                "Feltet «Note om {} {}» må højst have {MAX_NOTE_CHARS} tegn.",
                p.given_name, p.family_name
            ));
        }
    }
    let mut tasks = Vec::new();
    for (i, row) in values.tasks.iter().enumerate() {
        let n = i + 1;
        if row.what.is_empty() && row.owner.is_empty() && row.due.is_empty() && row.child.is_empty() {
            continue;
        }
        let mut ok = true;
        if row.what.is_empty() {
            errors.push(format!("Opgave {n}, feltet «hvad»: beskriv opgaven."));
            ok = false;
        } else if row.what.chars().count() > MAX_TITLE_CHARS {
            errors.push(format!(
                "Opgave {n}, feltet «hvad» må højst have {MAX_TITLE_CHARS} tegn."
            ));
            ok = false;
        }
        let owner = row
            .owner
            .parse::<i64>()
            .ok()
            .filter(|id| staff.iter().any(|u| u.id == *id));
        if owner.is_none() {
            errors.push(format!(
                "Opgave {n}, feltet «Ansvarlig»: vælg en medarbejder på skolen."
            ));
            ok = false;
        }
        let due = match row.due.parse::<NaiveDate>() {
            Ok(d) if date.is_some_and(|date| d < date) => {
                errors.push(format!("Opgave {n}, feltet «Frist» ligger før konferencens dato."));
                None
            }
            Ok(d) if d > today + Duration::days(2 * 366) => {
                errors.push(format!("Opgave {n}, feltet «Frist» ligger mere end to år frem."));
                None
            }
            Ok(d) => Some(d),
            Err(_) if row.due.is_empty() => {
                errors.push(format!("Opgave {n}, feltet «Frist» skal udfyldes."));
                None
            }
            Err(_) => {
                errors.push(format!(
                    "Opgave {n}, feltet «Frist»: «{}» er ikke en gyldig dato.",
                    row.due
                ));
                None
            }
        };
        let child = if row.child.is_empty() {
            None
        } else {
            match row.child.parse::<i64>().ok().filter(|id| in_class(*id)) {
                Some(id) => Some(id),
                None => {
                    errors.push(format!("Opgave {n}, feltet «Elev»: vælg en elev i klassen."));
                    ok = false;
                    None
                }
            }
        };
        if let (true, Some(owner_user_id), Some(due)) = (ok, owner, due) {
            tasks.push(ConferenceTask {
                owner_user_id,
                due,
                title: row.what.clone(),
                child_id: child,
            });
        }
    }
    match date {
        Some(date) if errors.is_empty() => Ok((date, tasks)),
        _ => Err(errors),
    }
}

/// Saves the conference with its follow-up tasks.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(class_id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Page {
    let (card, audit) = checked_class(&state, &viewer, class_id, true, "conference.save").await?;
    let today = today();
    let (pupils, staff) = tokio::try_join!(
        state.store.class_pupils(class_id, today),
        state.store.institution_staff(card.institution_id)
    )?;
    let values = Values::parse(&fields);
    let (held_on, tasks) = match validate(&values, &pupils, &staff, today) {
        Ok(ok) => ok,
        Err(errors) => {
            // Nothing is saved: the form shown again is audited as prepared.
            let prepare = entry(
                &viewer,
                "conference.prepare",
                None,
                Some(format!("klasse {class_id}")),
                true,
            );
            let page = form_page(&state, &viewer, &card, prepare, &values, &errors).await?;
            return Err(PageError::unprocessable(page));
        }
    };
    let conference = NewConference {
        class_id,
        held_on,
        notes: values.notes.clone(),
        pupils: pupils
            .iter()
            .map(|p| ConferencePupil {
                child_id: p.id,
                focus: values.focus.contains(&p.id),
                note: values.pupil_notes.get(&p.id).cloned().unwrap_or_default(),
            })
            .collect(),
        tasks,
        by: viewer.user.id,
        at: now(),
    };
    let mut audits = vec![audit];
    audits.extend(
        pupils
            .iter()
            .map(|p| entry(&viewer, "conference.save", Some(p.id), None, true)),
    );
    let id = state.store.save_class_conference(&conference, &audits).await?;
    Ok(Redirect::to(&format!("/klasser/{class_id}/konferencer/{id}")).into_response())
}

/// The class's past conferences.
pub async fn list(State(state): State<AppState>, viewer: Viewer, Path(class_id): Path<i64>) -> Page {
    let (card, audit) = checked_class(&state, &viewer, class_id, false, "conference.list").await?;
    let conferences = state.store.class_conferences(class_id).await?;
    state.store.audit(&audit).await?;
    let title = format!("Klassekonferencer {} – {}", card.name, card.institution_name);
    let body = html! {
        h1 { (title) }
        @if may_conduct(&viewer, &card) {
            p { a href={ "/klasser/" (card.id) "/konference" } { "Hold en ny klassekonference" } }
        }
        @if conferences.is_empty() {
            p { "Der er ikke holdt nogen klassekonference for klassen." }
        } @else {
            table {
                thead { tr {
                    th scope="col" { "Dato" } th scope="col" { "Fokuselever" } th scope="col" { "Skrevet af" }
                } }
                tbody {
                    @for c in &conferences {
                        tr {
                            td { a href={ "/klasser/" (card.id) "/konferencer/" (c.id) } { (danish_date(c.held_on)) } }
                            td { (c.pupils.iter().filter(|p| p.focus).count()) " af " (c.pupils.len()) }
                            td { (c.created_by_name) }
                        }
                    }
                }
            }
        }
        p { a href=(links::class(card.id)) { "Tilbage til klassen" } }
    };
    Ok(shell::page(&title, Some(&viewer), "/klasser", body).into_response())
}

/// One conference: pupils the viewer may see (focus pupils first), notes and agreed tasks.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((class_id, conference_id)): Path<(i64, i64)>,
) -> Page {
    // The page's own row names the conference, not the class.
    let (card, _) = checked_class(&state, &viewer, class_id, false, "conference.read").await?;
    let conference = state
        .store
        .class_conference(conference_id)
        .await?
        .filter(|c| c.class_id == class_id)
        .ok_or_else(PageError::not_found)?;
    let (tasks, users) = tokio::try_join!(
        state.store.conference_tasks(conference_id),
        state.store.users(viewer.user.municipality_id)
    )?;
    let extra = vec![entry(
        &viewer,
        "conference.read",
        None,
        Some(format!("klassekonference {conference_id}")),
        true,
    )];
    let ids = conference
        .pupils
        .iter()
        .map(|p| p.child_id)
        .chain(tasks.iter().filter_map(|t| t.child_id));
    let names = visible_children(&state, &viewer, ids, ChildData::StaffNotes, "conference.read", extra).await?;
    let owners: HashMap<i64, &str> = users.iter().map(|u| (u.id, u.name.as_str())).collect();
    let mut shown: Vec<_> = conference
        .pupils
        .iter()
        .filter_map(|p| names.get(&p.child_id).map(|name| (p, name)))
        .collect();
    shown.sort_by(|a, b| b.0.focus.cmp(&a.0.focus).then_with(|| a.1.cmp(b.1)));
    let hidden = conference.pupils.len() - shown.len();
    let today = today();
    let title = format!("Klassekonference {} {}", card.name, format_date(conference.held_on));
    let body = html! {
        h1 { (title) }
        p { (card.institution_name) " · holdt " (danish_date(conference.held_on)) " · skrevet af "
            (conference.created_by_name) }
        h2 { "Generelle noter" }
        @if conference.notes.is_empty() { p { "Ingen." } } @else { p.pre { (conference.notes) } }
        h2 { "Eleverne" }
        table {
            thead { tr { th scope="col" { "Elev" } th scope="col" { "Fokuselev" } th scope="col" { "Note" } } }
            tbody {
                @for (p, name) in &shown {
                    tr {
                        th scope="row" { a href=(links::child(p.child_id)) { (name) } }
                        td { @if p.focus { strong { "Fokuselev" } } @else { "–" } }
                        td { (p.note) }
                    }
                }
            }
        }
        @if hidden > 0 { p.hint { (hidden) " elever vises ikke, fordi du ikke har adgang til dem." } }
        h2 { "Aftalte opgaver" }
        @if tasks.is_empty() { p { "Ingen." } } @else {
            table {
                thead { tr {
                    th scope="col" { "Opgave" } th scope="col" { "Ansvarlig" } th scope="col" { "Frist" }
                    th scope="col" { "Elev" } th scope="col" { "Status" }
                } }
                tbody {
                    @for t in &tasks {
                        tr {
                            td { (t.title) }
                            td { (owners.get(&t.owner_user_id).copied().unwrap_or("ukendt")) }
                            td { (danish_date(t.due)) }
                            td { @if let Some(name) = t.child_id.and_then(|id| names.get(&id)) { (name) } @else { "–" } }
                            td {
                                @if t.is_done() { "Udført" }
                                @else if t.is_overdue(today) { strong.overdue { "Overskredet" } }
                                @else { "Åben" }
                            }
                        }
                    }
                }
            }
        }
        p { a href={ "/klasser/" (card.id) "/konferencer" } { "Alle klassekonferencer for " (card.name) } }
    };
    Ok(shell::page(&title, Some(&viewer), "/klasser", body).into_response())
}
