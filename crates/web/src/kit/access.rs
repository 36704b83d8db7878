//! The one way to access a child's data: ask the policy (`trivsel_domain::access::can`, or for
//! meetings the domain's meeting rule), write the audit row whether the answer is yes or no,
//! and hand back what was granted. A refusal is a Danish 403 page and a denied audit row; an
//! unknown id is refused like a forbidden one, so ids cannot be probed. A read's row is written
//! at once; a write's row is handed back to be stored in the change's own transaction.

use std::collections::{BTreeSet, HashMap};

use trivsel_domain::access::{Action, ChildContext, ChildData, ChildGrant, Resource, can, grant};
use trivsel_store::{AuditEntry, CaseTarget, ChildCard, ClassCard, StoreError};

use crate::kit::clock::{self, today};
use crate::kit::error::PageError;
use crate::kit::links;
use crate::kit::state::AppState;
use crate::kit::viewer::Viewer;

/// An audit entry for what `viewer` did (or tried).
pub fn entry(
    viewer: &Viewer,
    action: &str,
    child_id: Option<i64>,
    criterion: Option<String>,
    allowed: bool,
) -> AuditEntry {
    AuditEntry {
        municipality_id: viewer.user.municipality_id,
        user_id: Some(viewer.user.id),
        username: viewer.user.username.clone(),
        role: viewer.user.role.id().into(),
        action: action.into(),
        child_id,
        criterion,
        allowed,
        address: Some(viewer.address.clone()),
    }
}

/// What was decided and how it is audited: the audit action, the child (if one), the criterion,
/// and the reason shown on a refusal.
pub struct Ask<'a> {
    pub audit_action: &'a str,
    pub child_id: Option<i64>,
    pub criterion: Option<String>,
    pub denied: &'a str,
}

/// A granted request: its audit row, written already for a read, to be written with the change
/// for a write. Only [`decide`] makes one.
pub struct Granted {
    pub audit: AuditEntry,
    _private: (),
}

/// Records a decision a domain rule made: a refusal is audited as denied and answered with the
/// Danish 403 page; a yes is audited at once when `write` is false, and handed back otherwise.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    allowed: bool,
    write: bool,
    ask: Ask<'_>,
) -> Result<Granted, PageError> {
    let audit = entry(viewer, ask.audit_action, ask.child_id, ask.criterion, allowed);
    if !allowed || !write {
        state.store.audit(&audit).await?;
    }
    if allowed {
        Ok(Granted { audit, _private: () })
    } else {
        count_refusals(state, viewer, 1).await?;
        Err(PageError::forbidden(viewer, ask.denied))
    }
}

/// Counts `count` refusals (already audited) of the viewer toward the refusal throttle
/// (`trivsel_domain::login::refusal_wait`); the moment a burst pauses the account is audited
/// once, as «access.paused».
pub async fn count_refusals(state: &AppState, viewer: &Viewer, count: usize) -> Result<(), StoreError> {
    if count == 0 || !state.refusals.record(viewer.user.id, count, clock::now()) {
        return Ok(());
    }
    tracing::warn!(user_id = viewer.user.id, "account paused after a burst of refusals");
    let criterion = format!(
        "{} afviste forsøg inden for {} minutter",
        trivsel_domain::login::REFUSAL_BURST,
        trivsel_domain::login::REFUSAL_WINDOW.num_minutes()
    );
    state
        .store
        .audit(&entry(viewer, "access.paused", None, Some(criterion), false))
        .await
}

impl Granted {
    /// Writes the audit row of an allowed write that stored nothing (a form's errors, a rule's
    /// refusal), with the reason in the criterion.
    pub async fn audit_unchanged(&self, state: &AppState, reason: &str) -> Result<(), StoreError> {
        audit_unchanged(state, &self.audit, reason).await
    }
}

/// Writes `audit`, the row of an allowed write that stored nothing, with the reason.
pub async fn audit_unchanged(state: &AppState, audit: &AuditEntry, reason: &str) -> Result<(), StoreError> {
    let mut audit = audit.clone();
    add_criterion(&mut audit, &format!("ikke gemt: {reason}"));
    state.store.audit(&audit).await
}

/// Asks `access::can` about a resource that is not one child or class (an institution's
/// figures, the municipality's aggregates, accounts) and records the answer; `None` is an
/// unknown resource, refused.
pub async fn authorize_resource(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    resource: Option<&Resource<'_>>,
    ask: Ask<'_>,
) -> Result<Granted, PageError> {
    let allowed = resource.is_some_and(|r| can(&viewer.actor, action, r));
    decide(state, viewer, allowed, action != Action::Read, ask).await
}

/// The viewer's own institution, if `access::can` lets them `action` on it (its figures, its
/// alerts); the answer is recorded like [`authorize_resource`]'s.
pub async fn authorize_own_institution(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    ask: Ask<'_>,
) -> Result<(i64, Granted), PageError> {
    let resource = viewer.user.institution_id.map(|institution_id| Resource::Institution {
        municipality_id: viewer.user.municipality_id,
        institution_id,
    });
    let granted = authorize_resource(state, viewer, action, resource.as_ref(), ask).await?;
    Ok((viewer.user.institution_id.expect("granted for an institution"), granted))
}

/// Audits a refusal that a page decided (a rule of the domain said no) and answers with the
/// Danish 403 page.
pub async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    action: &str,
    child_id: Option<i64>,
    criterion: String,
    reason: &str,
) -> PageError {
    let audited = state
        .store
        .audit(&entry(viewer, action, child_id, Some(criterion), false))
        .await;
    match audited.and(count_refusals(state, viewer, 1).await) {
        Ok(()) => PageError::forbidden(viewer, reason),
        Err(e) => e.into(),
    }
}

/// The children among `ids` the viewer may see (`data`), with their names. Each one shown gets
/// an audit row (`action`), written with `extra` in one transaction.
pub async fn visible_children(
    state: &AppState,
    viewer: &Viewer,
    ids: impl IntoIterator<Item = i64>,
    data: ChildData,
    action: &str,
    extra: Vec<AuditEntry>,
) -> Result<HashMap<i64, String>, PageError> {
    let today = today();
    let ids: BTreeSet<i64> = ids.into_iter().collect();
    let mut allowed = Vec::new();
    for id in ids {
        let context = state.store.child_context(id, today).await?;
        if context.is_some_and(|c| can(&viewer.actor, Action::Read, &Resource::Child(&c, data))) {
            allowed.push(id);
        }
    }
    let names = state.store.child_names(&allowed).await?;
    let mut audits = extra;
    audits.extend(allowed.iter().map(|id| entry(viewer, action, Some(*id), None, true)));
    state.store.audit_all(&audits).await?;
    Ok(names)
}

/// The policy's name for a class (its learning community).
pub fn class_resource(card: &ClassCard) -> Resource<'static> {
    Resource::Class {
        municipality_id: card.municipality_id,
        institution_id: card.institution_id,
        class_id: card.id,
    }
}

/// The audit of a page that shows many children: its own row (unless `row_written`) and one
/// row per child shown, with the same action and criterion, in one transaction, so the read
/// appears in each child's access log.
pub async fn audit_shown(
    state: &AppState,
    row: &AuditEntry,
    row_written: bool,
    children: impl IntoIterator<Item = i64>,
) -> Result<(), PageError> {
    let shown: BTreeSet<i64> = children.into_iter().collect();
    let mut rows: Vec<AuditEntry> = if row_written { Vec::new() } else { vec![row.clone()] };
    rows.extend(shown.into_iter().map(|child| AuditEntry {
        child_id: Some(child),
        ..row.clone()
    }));
    Ok(state.store.audit_all(&rows).await?)
}

/// What a case page is about, once access is granted.
pub enum Subject {
    Child {
        context: ChildContext,
        card: ChildCard,
        /// What the store's reads of the child's data take.
        grant: ChildGrant,
    },
    Class(ClassCard),
}

impl Subject {
    pub fn target(&self) -> CaseTarget {
        match self {
            Subject::Child { card, .. } => CaseTarget::Child(card.id),
            Subject::Class(card) => CaseTarget::Class(card.id),
        }
    }

    /// The child's name, or the class's name and school.
    pub fn name(&self) -> String {
        match self {
            Subject::Child { card, .. } => format!("{} {}", card.given_name, card.family_name),
            Subject::Class(card) => format!("{} – {}", card.name, card.institution_name),
        }
    }

    /// «Barnet X» / «Klassen X», for headings.
    pub fn described(&self) -> String {
        match self {
            Subject::Child { .. } => self.name(),
            Subject::Class(card) => format!("klassen {}", card.name),
        }
    }

    /// The child's or class's page.
    pub fn base(&self) -> String {
        match self {
            Subject::Child { card, .. } => links::child(card.id),
            Subject::Class(card) => links::class(card.id),
        }
    }

    /// Whether the school-day pages apply (absence, class conferences, PKU): a school class, or
    /// a child who has been at a school; not a daycare group or a child only ever in daycare.
    pub fn has_school_days(&self) -> bool {
        match self {
            Subject::Child { card, .. } => card.at_school(),
            Subject::Class(card) => card.kind.has_school_days(),
        }
    }

    /// The policy's yes for the child, for the store's reads of its data.
    pub fn child_grant(&self) -> Option<ChildGrant> {
        match self {
            Subject::Child { grant, .. } => Some(*grant),
            Subject::Class(_) => None,
        }
    }

    /// The policy's yes for the child, for a page that authorized a `CaseTarget::Child`.
    pub fn grant(&self) -> ChildGrant {
        self.child_grant().expect("a child was authorized")
    }

    /// The child's card, for a page that authorized a `CaseTarget::Child`.
    pub fn child_card(&self) -> &ChildCard {
        match self {
            Subject::Child { card, .. } => card,
            Subject::Class(_) => unreachable!("a child was authorized"),
        }
    }

    pub fn child_id(&self) -> Option<i64> {
        match self {
            Subject::Child { card, .. } => Some(card.id),
            Subject::Class(_) => None,
        }
    }

    /// The resource the policy is asked about.
    pub fn resource(&self, data: ChildData) -> Resource<'_> {
        match self {
            Subject::Child { context, .. } => Resource::Child(context, data),
            Subject::Class(card) => class_resource(card),
        }
    }

    /// The institution new records belong to: the viewer's own if the child is enrolled there,
    /// else the child's (first) institution today.
    pub fn institution_for(&self, viewer: &Viewer) -> Option<i64> {
        match self {
            Subject::Child { context, .. } => viewer
                .user
                .institution_id
                .filter(|i| context.institution_ids.contains(i))
                .or_else(|| context.institution_ids.first().copied()),
            Subject::Class(card) => Some(card.institution_id),
        }
    }
}

/// Whether the viewer may do `action` on `data` of the subject.
pub fn may(viewer: &Viewer, subject: &Subject, action: Action, data: ChildData) -> bool {
    can(&viewer.actor, action, &subject.resource(data))
}

/// Access granted: the subject, and the audit row of the request. A read's row is written
/// already; a write's row is to be passed to the store with the change (or written with
/// [`Allowed::audit_unchanged`] when nothing is stored).
pub struct Allowed {
    pub subject: Subject,
    pub audit: AuditEntry,
}

impl Allowed {
    /// The class and the audit row, for a page that authorized a `CaseTarget::Class`.
    pub fn into_class(self) -> (ClassCard, AuditEntry) {
        match self.subject {
            Subject::Class(card) => (card, self.audit),
            Subject::Child { .. } => unreachable!("a class was authorized"),
        }
    }

    /// Writes the audit row of an allowed write that stored nothing (a validation error), with
    /// the reason in the criterion.
    pub async fn audit_unchanged(&self, state: &AppState, reason: &str) -> Result<(), PageError> {
        Ok(audit_unchanged(state, &self.audit, reason).await?)
    }

    /// Writes a refusal (e.g. by the escalation guard) as a denied audit row.
    pub async fn audit_refused(&self, state: &AppState, reason: &str) -> Result<(), PageError> {
        let mut audit = self.audit.clone();
        audit.allowed = false;
        add_criterion(&mut audit, &format!("afvist: {reason}"));
        Ok(state.store.audit(&audit).await?)
    }
}

/// Refuses a school-day page (roll call, review, class conference) for a daycare group: the
/// request's not-yet-written audit row is written with `what` in its criterion, and the answer
/// is the Danish «Findes ikke i dagtilbud» page.
pub async fn no_school_days(state: &AppState, mut audit: AuditEntry, what: &str) -> PageError {
    add_criterion(&mut audit, &format!("dagtilbud: {what}"));
    match state.store.audit(&audit).await {
        Ok(()) => PageError::no_school_days(),
        Err(e) => e.into(),
    }
}

/// Adds to an audit row's criterion.
pub fn add_criterion(audit: &mut AuditEntry, extra: &str) {
    audit.criterion = Some(match audit.criterion.take() {
        Some(c) => format!("{c}; {extra}"),
        None => extra.to_string(),
    });
}

const CHILD_DENIED: &str = "Du har ikke adgang til dette barns oplysninger. Forsøget er registreret.";
const CLASS_DENIED: &str = "Du har ikke adgang til denne klasse. Forsøget er registreret.";

/// The access check of a child's or class's page: asks the policy about `data` of the child or
/// class, records the answer and hands back the subject with its audit row.
pub async fn authorize(
    state: &AppState,
    viewer: &Viewer,
    target: CaseTarget,
    action: Action,
    data: ChildData,
    audit_action: &str,
    criterion: Option<String>,
) -> Result<Allowed, PageError> {
    authorize_with(state, viewer, target, action, data, audit_action, criterion, None).await
}

/// [`authorize`] with the page's own refusal text instead of the general one.
#[allow(clippy::too_many_arguments)]
pub async fn authorize_with(
    state: &AppState,
    viewer: &Viewer,
    target: CaseTarget,
    action: Action,
    data: ChildData,
    audit_action: &str,
    criterion: Option<String>,
    denied: Option<&str>,
) -> Result<Allowed, PageError> {
    let (subject, child_id, criterion, general) = match target {
        CaseTarget::Child(id) => {
            let context = state.store.child_context(id, today()).await?;
            let yes = context.as_ref().and_then(|c| grant(&viewer.actor, action, c, data));
            let card = match yes {
                Some(yes) => state.store.child_card(yes).await?,
                None => None,
            };
            let known = context.as_ref().map(|c| c.child_id);
            let criterion = if known.is_none() {
                Some(format!("ukendt barn {id}"))
            } else {
                criterion
            };
            let subject = match (context, card, yes) {
                (Some(context), Some(card), Some(grant)) => Some(Subject::Child { context, card, grant }),
                _ => None,
            };
            (subject, known, criterion, CHILD_DENIED)
        }
        CaseTarget::Class(id) => {
            let card = state.store.class_card(id).await?;
            let allowed = card
                .as_ref()
                .is_some_and(|c| can(&viewer.actor, action, &class_resource(c)));
            let criterion = Some(match criterion {
                Some(c) => format!("{c}, klasse {id}"),
                None => format!("klasse {id}"),
            });
            (
                card.filter(|_| allowed).map(Subject::Class),
                None,
                criterion,
                CLASS_DENIED,
            )
        }
    };
    let ask = Ask {
        audit_action,
        child_id,
        criterion,
        denied: denied.unwrap_or(general),
    };
    let granted = decide(state, viewer, subject.is_some(), action != Action::Read, ask).await?;
    Ok(Allowed {
        subject: subject.expect("granted"),
        audit: granted.audit,
    })
}

/// What an action means, for access logs.
pub fn purpose(action: &str) -> &'static str {
    match action {
        "child.read" => "Stamdata vist",
        "assignment.read" => "Rådgivere vist",
        "assignment.create" => "Rådgiver tilknyttet",
        "assignment.end" => "Rådgivers tilknytning afsluttet",
        "assignment.import" => "Rådgivere importeret",
        "assignment.mine" => "Mine børn vist",
        "plan.pupil_voice.read" => "Min stemme vist",
        "plan.pupil_voice" => "Min stemme skrevet",
        "guardian.import" => "Forældre og forældremyndighed importeret",
        "access.paused" => "Konto sat på pause efter mange afviste forsøg",
        "child.access_log.read" => "Adgangslog vist",
        "child.lookups.read" => "Opslagsliste vist",
        "child.list" => "Børneliste vist",
        "class.read" => "Klasseliste vist",
        "absence.read" => "Fremmøde vist",
        "absence.write" => "Fravær registreret",
        "class.absence.read" => "Klassens fravær vist",
        "absence.alerts.read" => "Fraværsadvarsler vist",
        "absence.quarter.read" => "Kvartalsopgørelse vist",
        "absence.quarter.export" => "Kvartalsopgørelse hentet",
        "user.create" => "Bruger oprettet",
        "user.update" => "Bruger ændret",
        "user.status" => "Bruger (de)aktiveret",
        "user.unlock" => "Login låst op",
        "user.totp_reset" => "Totrinskode nulstillet",
        "user.totp_setup" => "Totrinskode oprettet",
        "user.password" => "Adgangskode sat",
        "user.admin" => "Brugeradministration",
        "concern.read" => "Bekymringer vist",
        "concern.create" => "Bekymring registreret",
        "chronology.read" => "Kronologi vist",
        "tier.read" => "Indsatstrin vist",
        "tier.change" => "Indsatstrin ændret",
        "tier.override" => "Indgribende indsats; krav tilsidesat af skoleleder",
        "ppv.register" => "PPV registreret",
        "pku.refer" => "Henvist til PKU",
        "pku.override" => "Henvist til PKU; krav tilsidesat af skoleleder",
        "pku.read" => "PKU-henvisning vist",
        "plan.list" => "Planer vist",
        "plan.create" => "Plan oprettet",
        "plan.read" => "Plan vist",
        "plan.save" => "Plan ændret",
        "plan.versions" => "Planversioner sammenlignet",
        "plan.evaluate" => "Plan evalueret",
        "plan.close" => "Plan afsluttet",
        "plan.parents" => "Forældrenes perspektiv skrevet",
        "task.list" => "Opgaveliste vist",
        "task.complete" => "Opgave markeret som udført",
        "conference.prepare" => "Klassekonference forberedt",
        "conference.save" => "Klassekonference gemt",
        "conference.read" => "Klassekonference vist",
        "consent.read" => "Samtykker vist",
        "consent.give" => "Samtykke givet i forældrevisningen",
        "consent.record" => "Samtykke registreret af personale",
        "consent.revoke" => "Samtykke trukket tilbage",
        "sparring.read" => "Anonym sparring vist",
        "sparring.save" => "Anonym sparring gemt",
        "absence.alert.write" => "Fraværsadvarsel behandlet",
        "absence.quarter.aggregate" => "Kvartalsopgørelse (samlede tal) vist",
        "absence.review" => "Månedlig gennemgang registreret",
        "class.list" => "Klasser vist",
        "conference.list" => "Klassekonferencer vist",
        "forum.read" => "Trivselsforums medlemmer vist",
        "forum.save" => "Trivselsforums medlemmer ændret",
        "institution.absence.read" => "Skolens fravær vist",
        "municipality.absence.read" => "Kommunens fravær vist",
        "municipality.overview.read" => "Kommunens overblik vist",
        "annual_wheel.template.read" => "Kommunens skabelon for trivselshjulet vist",
        "annual_wheel.template.add" => "Aktivitet føjet til kommunens skabelon for trivselshjulet",
        "annual_wheel.template.remove" => "Aktivitet fjernet fra kommunens skabelon for trivselshjulet",
        "annual_wheel.from_template" => "Trivselshjul startet fra kommunens skabelon",
        "year_groups.read" => "Årgange og koordinatorer vist",
        "year_groups.save" => "Årgangenes koordinatorer gemt",
        "preventive.read" => "Forebyggende plan vist",
        "preventive.create" => "Forebyggende plan oprettet",
        "preventive.close" => "Forebyggende plan evalueret og lukket",
        "municipality.overview.export.csv" => "Tabel fra kommunens overblik hentet som CSV",
        "municipality.overview.export.xlsx" => "Tabel fra kommunens overblik hentet som XLSX",
        "municipality.status.read" => "Halvårlig status vist",
        "municipality.status.write" => "Tekster til halvårlig status gemt",
        "meeting.action" => "Handling i møde aftalt",
        "meeting.agenda" => "Punkt sat på dagsordenen",
        "meeting.agenda_outcome" => "Aftale om dagsordenspunkt skrevet",
        "meeting.child" => "Barnets møder vist",
        "meeting.close" => "Møde afsluttet",
        "meeting.create" => "Møde indkaldt",
        "meeting.invitation" => "Mødeindkaldelse hentet",
        "meeting.list" => "Møder vist",
        "meeting.minutes" => "Referat skrevet",
        "meeting.participant" => "Mødedeltager tilføjet",
        "meeting.participant_remove" => "Mødedeltager fjernet",
        "meeting.prepare" => "Mødeindkaldelse forberedt",
        "meeting.read" => "Møde vist",
        "meeting.reschedule" => "Møde flyttet",
        "notification.read" => "Besked læst",
        "tasks.overdue.read" => "Skolens overskredne opgaver vist",
        "tasks.read" => "Opgaver vist",
        "handover.prepare" => "Overlevering påbegyndt",
        "handover.create" => "Overlevering sendt",
        "handover.read" => "Overleveringer vist",
        "transition_form.read" => "Overgangsskema vist",
        "assessment.read" => "Trafiklysvurderinger vist",
        "assessment.panel" => "Trafiklys nævnt på barnets side",
        "assessment.own" => "Trafiklysvurdering givet",
        "assessment.joint" => "Fælles trafiklysvurdering givet",
        "assessment.class" => "Klassens trafiklys vist",
        "transition_form.panel" => "Overgangsskema nævnt på barnets side",
        "transition_form.prepare" => "Overgangsskema påbegyndt",
        "transition_form.create" => "Overgangsskema udfyldt",
        "transition_form.confirm" => "Overgangsskema bekræftet",
        "bullying.prepare" => "Elevliste vist for at registrere mobning",
        "bullying.create" => "Mobning registreret",
        "bullying.read" => "Mobningssag vist",
        "bullying.measures" => "Midlertidige tiltag mod mobning registreret",
        "bullying.plan" => "Handlingsplan mod mobning lavet",
        "bullying.informed" => "Orientering om handlingsplan mod mobning registreret",
        "bullying.list" => "Skolens mobningssager vist",
        "bullying.child" => "Barnets mobningssager vist",
        "underretning.list" => "Underretninger vist",
        "underretning.prepare" => "Underretning påbegyndt",
        "underretning.create" => "Underretning gemt",
        "underretning.read" => "Underretning vist",
        "underretning.receipt" => "Kommunens kvittering for underretning registreret",
        "underretning.feedback" => "Kommunens tilbagemelding på underretning registreret",
        "underretning.institution" => "Institutionens underretninger vist",
        _ => "Anden handling",
    }
}
