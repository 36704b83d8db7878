//! Access policy (adgangspolitik): who may read or change what. Access follows the
//! relationship to the child and is denied by default. Every route and command asks [`can`].

use crate::model::Role;

/// The user asking, with the relationships that give access.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Option<Role>,
    pub municipality_id: i64,
    /// The institution a teacher, trivselsperson or leader works at, or that a social worker
    /// serves (for its anonymous consultations; not for its children).
    pub institution_id: Option<i64>,
    /// Classes a teacher teaches.
    pub class_ids: Vec<i64>,
    /// A guardian's children with custody, or a pupil's own record.
    pub own_children: Vec<i64>,
    /// Children whose cases a PPR psychologist, social worker, health visitor or SSP/UU
    /// counsellor is assigned to (only active assignments; a social worker's only while the
    /// guardians' consent for the social worker is in force); for an absence caseworker, the
    /// children on the schools' submitted 15 % lists.
    pub assigned_children: Vec<i64>,
}

/// A child as the policy sees it: where the child is enrolled today (`institution_ids[i]` is
/// the institution of `class_ids[i]`), and where it was before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildContext {
    pub child_id: i64,
    pub municipality_id: i64,
    pub institution_ids: Vec<i64>,
    pub class_ids: Vec<i64>,
    /// Institutions the child has left (enrolled before, not today). Their leadership keeps
    /// read access to what the institution wrote, for its archive duty, and sees nothing new.
    pub former_institution_ids: Vec<i64>,
}

/// Parts of a child's data, for field-level rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChildData {
    /// Name, birth date, school and class (stamdata).
    Identity,
    /// Absence registrations and figures (fravær).
    Absence,
    /// Goal-and-intervention plans (mål- og indsatsplaner).
    Plans,
    /// Internal staff notes (interne noter): never shown to guardians or pupils.
    StaffNotes,
    /// Concerns (bekymringer), tiers and escalation: staff data like [`ChildData::StaffNotes`].
    Concerns,
    /// The parents' perspective in a plan (forældrenes perspektiv): guardians with custody may
    /// read and write it; staff with access to [`ChildData::Plans`] too.
    ParentPerspective,
    /// Who looked at or changed the child's data (adgangslog): leaders.
    AccessLog,
    /// Dates and purposes of lookups without staff names (opslag): guardians.
    Lookups,
    /// The advisers assigned to the child (rådgivere): read by the staff who see the child,
    /// made and ended by the institution's leader or trivselsperson (tilknytning af rådgivere).
    Assignments,
    /// Fraværsmeldinger: sickness reported and leave applied for by the guardians with custody
    /// (who read and write them); read by the staff who see the child's absence.
    AbsenceNotices,
    /// «Min stemme»: the pupil's own words in his or her plans, next to the child's voice staff
    /// wrote. The pupil reads and writes them; staff who see the plans read them.
    PupilVoice,
    /// Underretninger (the duty to notify, `crate::underretning`): every staff member who sees
    /// the child writes one; the school leadership and trivselsperson read them all, the
    /// author reads his own (`underretning::may_read`); never guardians or pupils.
    Underretning,
    /// Bullying reports the child is involved in (mobning, `crate::bullying`): staff data; the
    /// guardians with custody read the child's own perspective (its role, the dates and
    /// measures), never the other children.
    Bullying,
    /// Hand-overs at a move (overlevering, `crate::transition`): written by the leadership or
    /// trivselsperson of the institution the child leaves or has left; read by the staff of
    /// both institutions (each sees the hand-overs it sent or received), the child's advisers
    /// and the guardians with custody.
    Handover,
    /// Overgangsskemaet (`crate::transition_form`): written by the child's health visitor with
    /// the parents, confirmed by a guardian with custody; the staff of the institution the
    /// child attends read it, and see only the answers the parents shared, from the start date
    /// (`transition_form::daycare_view`).
    TransitionForm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Write,
}

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    Child(&'a ChildContext, ChildData),
    /// A class or group and its list of children.
    Class {
        municipality_id: i64,
        institution_id: i64,
        class_id: i64,
    },
    /// An institution's overviews and absence alerts: its leadership and trivselsperson.
    Institution {
        municipality_id: i64,
        institution_id: i64,
    },
    /// An institution's anonymous consultations (anonym sparring), which name no child: its
    /// leadership and trivselsperson, and the social worker who serves it.
    AnonymousConsultations {
        municipality_id: i64,
        institution_id: i64,
    },
    /// Aggregated, anonymised figures for a municipality.
    Aggregates {
        municipality_id: i64,
    },
    /// User accounts of a municipality.
    Accounts {
        municipality_id: i64,
    },
    /// The schools' 15 % lists received by the municipality (indberetninger), with the
    /// hearings and decisions: its absence caseworkers.
    AbsenceReports {
        municipality_id: i64,
    },
}

impl Resource<'_> {
    fn municipality_id(&self) -> i64 {
        match self {
            Resource::Child(c, _) => c.municipality_id,
            Resource::Class { municipality_id, .. }
            | Resource::Institution { municipality_id, .. }
            | Resource::AnonymousConsultations { municipality_id, .. }
            | Resource::Aggregates { municipality_id }
            | Resource::Accounts { municipality_id }
            | Resource::AbsenceReports { municipality_id } => *municipality_id,
        }
    }
}

/// The access policy. Deny by default; nothing crosses a municipality.
pub fn can(actor: &Actor, action: Action, resource: &Resource) -> bool {
    use ChildData::*;
    use Role::*;
    let Some(role) = actor.role else { return false };
    if actor.municipality_id != resource.municipality_id() {
        return false;
    }
    let at_own_institution = |ids: &[i64]| actor.institution_id.is_some_and(|i| ids.contains(&i));
    match *resource {
        Resource::Accounts { .. } => role == Admin,
        Resource::AbsenceReports { .. } => role == AbsenceCaseworker,
        Resource::Aggregates { .. } => matches!(role, Analyst | Leader | WellbeingPerson),
        Resource::Institution { institution_id, .. } => {
            matches!(role, Leader | WellbeingPerson) && at_own_institution(&[institution_id])
        }
        Resource::AnonymousConsultations { institution_id, .. } => {
            matches!(role, Leader | WellbeingPerson | SocialWorker) && at_own_institution(&[institution_id])
        }
        Resource::Class {
            institution_id,
            class_id,
            ..
        } => match role {
            Teacher => actor.class_ids.contains(&class_id),
            Leader | WellbeingPerson => at_own_institution(&[institution_id]),
            _ => false,
        },
        Resource::Child(child, PupilVoice) if action == Action::Write => {
            role == Pupil && actor.own_children.contains(&child.child_id)
        }
        Resource::Child(child, AbsenceNotices) if action == Action::Write => {
            role == Guardian && actor.own_children.contains(&child.child_id)
        }
        Resource::Child(child, Assignments) if action == Action::Write => {
            matches!(role, Leader | WellbeingPerson) && at_own_institution(&child.institution_ids)
        }
        Resource::Child(child, Handover) if action == Action::Write => {
            matches!(role, Leader | WellbeingPerson)
                && (at_own_institution(&child.institution_ids) || at_own_institution(&child.former_institution_ids))
        }
        Resource::Child(child, TransitionForm) => match role {
            HealthVisitor => actor.assigned_children.contains(&child.child_id),
            Guardian => actor.own_children.contains(&child.child_id),
            Teacher => action == Action::Read && child.class_ids.iter().any(|c| actor.class_ids.contains(c)),
            Leader | WellbeingPerson => action == Action::Read && at_own_institution(&child.institution_ids),
            _ => false,
        },
        Resource::Child(child, Underretning) => match action {
            Action::Read => matches!(role, Leader | WellbeingPerson) && at_own_institution(&child.institution_ids),
            Action::Write => role.is_staff() && can(actor, Action::Read, &Resource::Child(child, StaffNotes)),
        },
        Resource::Child(child, data) => {
            let id = child.child_id;
            let staff_data = matches!(
                data,
                Identity
                    | Absence
                    | AbsenceNotices
                    | Plans
                    | StaffNotes
                    | Concerns
                    | ParentPerspective
                    | Assignments
                    | PupilVoice
                    | Bullying
                    | Handover
            );
            // What a former institution's leadership reads of what it wrote (its archive).
            let archive = action == Action::Read
                && matches!(
                    data,
                    Identity | Plans | StaffNotes | Concerns | ParentPerspective | PupilVoice | Bullying | Handover
                )
                && at_own_institution(&child.former_institution_ids);
            match role {
                Teacher => staff_data && child.class_ids.iter().any(|c| actor.class_ids.contains(c)),
                WellbeingPerson => (staff_data && at_own_institution(&child.institution_ids)) || archive,
                Leader => ((staff_data || data == AccessLog) && at_own_institution(&child.institution_ids)) || archive,
                Psychologist | SocialWorker | HealthVisitor | SspCounsellor | FamilyCounsellor => {
                    staff_data && actor.assigned_children.contains(&id)
                }
                Guardian => {
                    actor.own_children.contains(&id)
                        && match action {
                            Action::Read => matches!(
                                data,
                                Identity
                                    | Absence
                                    | AbsenceNotices
                                    | Plans
                                    | Lookups
                                    | ParentPerspective
                                    | Bullying
                                    | Handover
                            ),
                            Action::Write => data == ParentPerspective,
                        }
                }
                Pupil => {
                    action == Action::Read
                        && matches!(data, Identity | Absence | PupilVoice)
                        && actor.own_children.contains(&id)
                }
                // Named per child: only the children on a list the schools submitted.
                AbsenceCaseworker => {
                    action == Action::Read
                        && matches!(data, Identity | Absence)
                        && actor.assigned_children.contains(&id)
                }
                Analyst | Admin => false,
            }
        }
    }
}

/// How much of a child's case content a grant reaches (rækkevidde): what follows the child.
/// Absence registrations and enrolment history follow the pupil to every institution; case
/// content — concerns, tiers, PPV, PKU, plans, meetings and class conferences — belongs to the
/// institution that wrote it. Its staff read only that ([`Scope::Institution`]): a new school
/// gets the former one's knowledge only through a hand-over the parents consented to
/// (`transition`), and a former school reads only what it wrote. Guardians, the pupil and the
/// child's advisers read all of it ([`Scope::All`]). docs/ARCHITECTURE.md states the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Institution(i64),
}

impl Scope {
    /// Whether content written at `institution_id` is within reach. Content with no institution
    /// (rows from before institutions were recorded on them) follows the child.
    pub fn reaches(self, institution_id: Option<i64>) -> bool {
        match self {
            Scope::All => true,
            Scope::Institution(own) => institution_id.is_none_or(|i| i == own),
        }
    }
}

/// Proof that the access policy was asked about one child and said yes (adgangsbevis): the
/// store's reads of a child's data take one, so code that never asked [`can`] does not compile,
/// and they return only the content within its [`Scope`].
/// Made by [`grant`] for a user's request, or by [`ChildGrant::system`] where no user asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildGrant {
    child_id: i64,
    scope: Scope,
}

impl ChildGrant {
    pub fn child_id(self) -> i64 {
        self.child_id
    }

    pub fn scope(self) -> Scope {
        self.scope
    }

    /// Made by the domain's other rules (e.g. a meeting's runner for the meeting's child).
    pub(crate) fn new(child_id: i64, scope: Scope) -> Self {
        ChildGrant { child_id, scope }
    }

    /// For work that no user asks for: imports, the demo municipality, the CLI and tests. The web
    /// crate never calls it (its structure test checks that).
    pub fn system(child_id: i64) -> Self {
        ChildGrant {
            child_id,
            scope: Scope::All,
        }
    }
}

/// The scope of the actor's reads about the child: an institution's staff read what their
/// institution wrote; everyone else the policy lets in (guardians, the pupil, advisers) all.
pub fn scope_of(actor: &Actor, context: &ChildContext) -> Scope {
    use Role::*;
    match actor.role {
        Some(Teacher | WellbeingPerson | Leader) => {
            let by_class = || {
                context
                    .class_ids
                    .iter()
                    .position(|c| actor.class_ids.contains(c))
                    .and_then(|i| context.institution_ids.get(i).copied())
            };
            // Without an institution or a shared class the policy gives no grant at all.
            actor
                .institution_id
                .or_else(by_class)
                .map_or(Scope::Institution(0), Scope::Institution)
        }
        _ => Scope::All,
    }
}

/// Asks [`can`] about `data` of the child; a yes comes back as the child's [`ChildGrant`].
pub fn grant(actor: &Actor, action: Action, context: &ChildContext, data: ChildData) -> Option<ChildGrant> {
    can(actor, action, &Resource::Child(context, data)).then(|| ChildGrant {
        child_id: context.child_id,
        scope: scope_of(actor, context),
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_grant_only_where_the_policy_says_yes() {
        let context = ChildContext {
            child_id: 7,
            municipality_id: 1,
            institution_ids: vec![10],
            class_ids: vec![100],
            ..ChildContext::default()
        };
        let teacher = |class_ids: Vec<i64>| Actor {
            user_id: 1,
            role: Some(Role::Teacher),
            municipality_id: 1,
            institution_id: Some(10),
            class_ids,
            ..Actor::default()
        };
        let own = grant(&teacher(vec![100]), Action::Read, &context, ChildData::Identity);
        assert_eq!(own.map(ChildGrant::child_id), Some(7));
        assert_eq!(
            grant(&teacher(vec![101]), Action::Read, &context, ChildData::Identity),
            None
        );
    }

    use super::*;

    fn child() -> ChildContext {
        ChildContext {
            child_id: 7,
            municipality_id: 1,
            institution_ids: vec![10],
            class_ids: vec![100],
            former_institution_ids: vec![20],
        }
    }

    #[test]
    fn a_former_school_reads_what_it_wrote_and_nothing_new() {
        let c = child();
        let mut former = actor(Role::Leader);
        former.institution_id = Some(20);
        for data in [ChildData::Identity, ChildData::Concerns, ChildData::Plans] {
            assert!(can(&former, Action::Read, &Resource::Child(&c, data)), "{data:?}");
            assert!(!can(&former, Action::Write, &Resource::Child(&c, data)), "{data:?}");
        }
        for data in [ChildData::Absence, ChildData::AccessLog, ChildData::Underretning] {
            assert!(!can(&former, Action::Read, &Resource::Child(&c, data)), "{data:?}");
        }
        let granted = grant(&former, Action::Read, &c, ChildData::Concerns).unwrap();
        assert_eq!(granted.scope(), Scope::Institution(20));
        assert!(granted.scope().reaches(Some(20)) && !granted.scope().reaches(Some(10)));
        assert!(
            can(&former, Action::Write, &Resource::Child(&c, ChildData::Handover)),
            "it hands over"
        );
        let mut teacher = actor(Role::Teacher);
        teacher.institution_id = Some(20);
        assert!(
            !can(&teacher, Action::Read, &Resource::Child(&c, ChildData::Concerns)),
            "former teachers lose access"
        );
        assert!(!can(&teacher, Action::Write, &Resource::Child(&c, ChildData::Handover)));

        // The new school reads its own content only; guardians and advisers all of it.
        let mut current = actor(Role::WellbeingPerson);
        current.institution_id = Some(10);
        assert_eq!(
            grant(&current, Action::Read, &c, ChildData::Plans).unwrap().scope(),
            Scope::Institution(10)
        );
        let mut teacher = actor(Role::Teacher);
        teacher.class_ids = vec![100];
        assert_eq!(
            grant(&teacher, Action::Read, &c, ChildData::Plans).unwrap().scope(),
            Scope::Institution(10)
        );
        let mut guardian = actor(Role::Guardian);
        guardian.own_children = vec![7];
        assert_eq!(
            grant(&guardian, Action::Read, &c, ChildData::Plans).unwrap().scope(),
            Scope::All
        );
        let mut ppr = actor(Role::Psychologist);
        ppr.assigned_children = vec![7];
        assert_eq!(
            grant(&ppr, Action::Read, &c, ChildData::Plans).unwrap().scope(),
            Scope::All
        );
        assert!(
            Scope::Institution(10).reaches(None),
            "rows without an institution follow the child"
        );
    }

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: 1,
            role: Some(role),
            municipality_id: 1,
            ..Actor::default()
        }
    }

    #[test]
    fn the_transition_form_is_the_health_visitors_and_the_parents() {
        let c = child();
        let form = |a: &Actor, action| can(a, action, &Resource::Child(&c, ChildData::TransitionForm));
        let mut hv = actor(Role::HealthVisitor);
        assert!(!form(&hv, Action::Read), "only the child's own health visitor");
        hv.assigned_children = vec![7];
        assert!(form(&hv, Action::Write));
        let mut ppr = actor(Role::Psychologist);
        ppr.assigned_children = vec![7];
        assert!(!form(&ppr, Action::Read), "other advisers do not read it");
        let mut guardian = actor(Role::Guardian);
        guardian.own_children = vec![7];
        assert!(form(&guardian, Action::Write), "the parents confirm it");
        let mut leader = actor(Role::Leader);
        leader.institution_id = Some(10);
        assert!(form(&leader, Action::Read) && !form(&leader, Action::Write));
        let mut pedagogue = actor(Role::Teacher);
        pedagogue.class_ids = vec![100];
        assert!(form(&pedagogue, Action::Read) && !form(&pedagogue, Action::Write));
        leader.institution_id = Some(11);
        assert!(!form(&leader, Action::Read), "another institution reads nothing");
    }

    #[test]
    fn teacher_sees_own_class_only() {
        let c = child();
        let mut a = actor(Role::Teacher);
        a.institution_id = Some(10);
        assert!(
            !can(&a, Action::Read, &Resource::Child(&c, ChildData::Identity)),
            "same school is not enough"
        );
        a.class_ids = vec![100];
        assert!(can(&a, Action::Read, &Resource::Child(&c, ChildData::Absence)));
        assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::AccessLog)));
        // Removing the relationship removes the access.
        a.class_ids.clear();
        assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::Absence)));
    }

    #[test]
    fn guardian_reads_own_child_but_not_staff_notes() {
        let c = child();
        let mut a = actor(Role::Guardian);
        a.own_children = vec![7];
        assert!(can(&a, Action::Read, &Resource::Child(&c, ChildData::Plans)));
        assert!(can(&a, Action::Read, &Resource::Child(&c, ChildData::Lookups)));
        assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::StaffNotes)));
        assert!(!can(&a, Action::Write, &Resource::Child(&c, ChildData::Absence)));
        assert!(can(&a, Action::Write, &Resource::Child(&c, ChildData::AbsenceNotices)));
        a.own_children = vec![8];
        assert!(!can(&a, Action::Write, &Resource::Child(&c, ChildData::AbsenceNotices)));
        assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::Identity)));
    }

    #[test]
    fn leader_sees_institution_and_access_log_but_not_other_municipality() {
        let c = child();
        let mut a = actor(Role::Leader);
        a.institution_id = Some(10);
        assert!(can(&a, Action::Read, &Resource::Child(&c, ChildData::AccessLog)));
        a.municipality_id = 2;
        assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::Identity)));
    }

    #[test]
    fn analyst_and_admin_see_no_child() {
        let c = child();
        for role in [Role::Analyst, Role::Admin] {
            let mut a = actor(role);
            a.institution_id = Some(10);
            a.class_ids = vec![100];
            assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::Identity)));
        }
        assert!(can(
            &actor(Role::Analyst),
            Action::Read,
            &Resource::Aggregates { municipality_id: 1 }
        ));
        assert!(can(
            &actor(Role::Admin),
            Action::Write,
            &Resource::Accounts { municipality_id: 1 }
        ));
        assert!(!can(
            &actor(Role::Leader),
            Action::Write,
            &Resource::Accounts { municipality_id: 1 }
        ));
    }

    #[test]
    fn absence_caseworker_reads_identity_and_absence_of_listed_children_only() {
        let c = child();
        let mut a = actor(Role::AbsenceCaseworker);
        let reports = Resource::AbsenceReports { municipality_id: 1 };
        assert!(can(&a, Action::Write, &reports));
        assert!(!can(&actor(Role::Analyst), Action::Read, &reports));
        assert!(!can(&actor(Role::Leader), Action::Read, &reports));
        assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::Absence)));
        a.assigned_children = vec![7];
        assert!(can(&a, Action::Read, &Resource::Child(&c, ChildData::Absence)));
        assert!(can(&a, Action::Read, &Resource::Child(&c, ChildData::Identity)));
        for data in [
            ChildData::Plans,
            ChildData::Concerns,
            ChildData::StaffNotes,
            ChildData::AccessLog,
        ] {
            assert!(!can(&a, Action::Read, &Resource::Child(&c, data)), "{data:?}");
        }
        assert!(!can(&a, Action::Write, &Resource::Child(&c, ChildData::Absence)));
        a.municipality_id = 2;
        assert!(!can(&a, Action::Read, &reports));
    }

    #[test]
    fn assigned_advisers_only() {
        let c = child();
        for role in [
            Role::Psychologist,
            Role::SocialWorker,
            Role::HealthVisitor,
            Role::SspCounsellor,
        ] {
            let mut a = actor(role);
            assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::Identity)));
            a.assigned_children = vec![7];
            assert!(can(&a, Action::Read, &Resource::Child(&c, ChildData::StaffNotes)));
            assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::AccessLog)));
        }
    }

    #[test]
    fn institution_alerts_for_its_leadership_only() {
        let inst = Resource::Institution {
            municipality_id: 1,
            institution_id: 10,
        };
        for (role, allowed) in [
            (Role::Leader, true),
            (Role::WellbeingPerson, true),
            (Role::Teacher, false),
        ] {
            let mut a = actor(role);
            a.institution_id = Some(10);
            a.class_ids = vec![100];
            assert_eq!(can(&a, Action::Write, &inst), allowed, "{role:?}");
            a.institution_id = Some(11);
            assert!(!can(&a, Action::Read, &inst));
        }
    }

    #[test]
    fn anonymous_consultations_for_leadership_and_the_schools_social_worker() {
        let sparring = Resource::AnonymousConsultations {
            municipality_id: 1,
            institution_id: 10,
        };
        for (role, allowed) in [
            (Role::Leader, true),
            (Role::WellbeingPerson, true),
            (Role::SocialWorker, true),
            (Role::Teacher, false),
            (Role::Psychologist, false),
            (Role::HealthVisitor, false),
            (Role::SspCounsellor, false),
            (Role::Guardian, false),
            (Role::Pupil, false),
            (Role::Analyst, false),
            (Role::Admin, false),
        ] {
            let mut a = actor(role);
            a.institution_id = Some(10);
            a.class_ids = vec![100];
            a.own_children = vec![7];
            a.assigned_children = vec![7];
            for action in [Action::Read, Action::Write] {
                assert_eq!(can(&a, action, &sparring), allowed, "{role:?} {action:?}");
            }
            a.institution_id = Some(11);
            assert!(!can(&a, Action::Read, &sparring), "{role:?} of another institution");
            a.institution_id = None;
            assert!(!can(&a, Action::Read, &sparring), "{role:?} without institution");
            a.institution_id = Some(10);
            a.municipality_id = 2;
            assert!(!can(&a, Action::Read, &sparring), "{role:?} of another municipality");
        }
        // The social worker's institution gives no access to its children or overviews.
        let mut social = actor(Role::SocialWorker);
        social.institution_id = Some(10);
        assert!(!can(
            &social,
            Action::Read,
            &Resource::Child(&child(), ChildData::Identity)
        ));
        let inst = Resource::Institution {
            municipality_id: 1,
            institution_id: 10,
        };
        assert!(!can(&social, Action::Read, &inst));
    }

    #[test]
    fn concerns_are_staff_data_of_the_related_staff_only() {
        let c = child();
        let concerns = Resource::Child(&c, ChildData::Concerns);
        let plans = Resource::Child(&c, ChildData::Plans);
        let mut teacher = actor(Role::Teacher);
        teacher.institution_id = Some(10);
        teacher.class_ids = vec![101];
        for r in [&concerns, &plans] {
            assert!(!can(&teacher, Action::Read, r), "teacher of another class");
            assert!(!can(&teacher, Action::Write, r), "teacher of another class");
        }
        teacher.class_ids = vec![100];
        assert!(can(&teacher, Action::Write, &concerns));
        assert!(can(&teacher, Action::Write, &plans));

        let mut ppr = actor(Role::Psychologist);
        assert!(!can(&ppr, Action::Read, &concerns), "PPR without assignment");
        assert!(!can(&ppr, Action::Read, &plans), "PPR without assignment");
        ppr.assigned_children = vec![7];
        assert!(can(&ppr, Action::Read, &concerns));

        let mut leader = actor(Role::Leader);
        leader.institution_id = Some(10);
        assert!(can(&leader, Action::Write, &concerns));
        leader.institution_id = Some(11);
        assert!(!can(&leader, Action::Read, &concerns));

        for role in [Role::Guardian, Role::Pupil] {
            let mut a = actor(role);
            a.own_children = vec![7];
            assert!(!can(&a, Action::Read, &concerns), "{role:?}");
        }
    }

    #[test]
    fn guardians_write_the_parents_perspective_of_their_own_child_only() {
        let c = child();
        let perspective = Resource::Child(&c, ChildData::ParentPerspective);
        let plans = Resource::Child(&c, ChildData::Plans);
        let mut g = actor(Role::Guardian);
        g.own_children = vec![7];
        assert!(can(&g, Action::Read, &perspective));
        assert!(can(&g, Action::Write, &perspective));
        assert!(can(&g, Action::Read, &plans));
        assert!(!can(&g, Action::Write, &plans), "the rest of the plan is the staff's");
        g.own_children = vec![8];
        for action in [Action::Read, Action::Write] {
            assert!(!can(&g, action, &perspective), "guardian of another child");
            assert!(!can(&g, action, &plans), "guardian of another child");
        }
        let mut pupil = actor(Role::Pupil);
        pupil.own_children = vec![7];
        assert!(!can(&pupil, Action::Write, &perspective));
        assert!(!can(&pupil, Action::Read, &perspective));
        // Staff with access to plans read and write it too.
        let mut teacher = actor(Role::Teacher);
        teacher.class_ids = vec![100];
        assert!(can(&teacher, Action::Write, &perspective));
        teacher.class_ids = vec![101];
        assert!(!can(&teacher, Action::Read, &perspective));
    }

    #[test]
    fn no_role_no_access() {
        let c = child();
        let a = Actor {
            own_children: vec![7],
            ..Actor::default()
        };
        assert!(!can(&a, Action::Read, &Resource::Child(&c, ChildData::Identity)));
    }
}
