//! Betingelser for indgribende indsats og PKU-henvisning (the escalation guard).
//!
//! Moving a child to the intervening tier (indgribende) or registering a referral to the
//! Pedagogical Coordination Committee (PKU) requires, per the Haderslev model:
//! * a registered pedagogical-psychological assessment (PPV);
//! * at least one plan at the preventive tier and one at the anticipatory tier, each with at
//!   least one recorded evaluation; the plans of the child's class count as the child's (seed
//!   003: interventions are always directed at the community too);
//! * a current plan (not closed, and not past its end date).
//!
//! A school leader may override missing prerequisites with a written justification. Only the
//! school leadership refers to PKU ([`may_refer_to_pku`]).

use chrono::NaiveDate;

use super::Tier;

/// PKU referrals are made by the school leadership («skoleledelsen … efter aftale med forældre
/// og rådgivende psykolog»): the leader, not teachers or the trivselsperson.
pub fn may_refer_to_pku(role: crate::model::Role) -> bool {
    role == crate::model::Role::Leader
}

/// The shortest override justification accepted, in characters after trimming.
pub const MIN_JUSTIFICATION_CHARS: usize = 10;

/// One of a child's plans as the guard sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanFacts {
    pub tier: Tier,
    /// Recorded evaluations (evalueringer) of the plan.
    pub evaluations: usize,
    /// See [`plan_is_current`].
    pub current: bool,
}

/// What the guard needs to know about a child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationFacts {
    pub ppv_registered: bool,
    pub plans: Vec<PlanFacts>,
}

/// A plan is current (gældende) when it is not closed and, if it has an end date, the end date
/// is today or later.
pub fn plan_is_current(closed: bool, end_date: Option<NaiveDate>, today: NaiveDate) -> bool {
    !closed && end_date.is_none_or(|end| end >= today)
}

/// A missing prerequisite for escalation (manglende forudsætning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Missing {
    /// Ingen PPV.
    NoPpv,
    /// Ingen evalueret forebyggende plan.
    NoEvaluatedPreventivePlan,
    /// Ingen evalueret foregribende plan.
    NoEvaluatedAnticipatoryPlan,
    /// Ingen gældende plan.
    NoCurrentPlan,
}

impl Missing {
    /// Danish message for the user.
    pub fn navn(self) -> &'static str {
        match self {
            Self::NoPpv => "Der er ikke registreret en pædagogisk-psykologisk vurdering (PPV)",
            Self::NoEvaluatedPreventivePlan => {
                "Der er ingen plan på forebyggende niveau med mindst én registreret evaluering"
            }
            Self::NoEvaluatedAnticipatoryPlan => {
                "Der er ingen plan på foregribende niveau med mindst én registreret evaluering"
            }
            Self::NoCurrentPlan => "Der er ingen gældende mål- og indsatsplan (alle er afsluttede eller udløbne)",
        }
    }
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.navn())
    }
}

/// The prerequisites for moving to indgribende or referring to PKU that are not met, in a
/// fixed order; empty when escalation may proceed.
pub fn escalation_missing(facts: &EscalationFacts) -> Vec<Missing> {
    let evaluated_at = |tier: Tier| facts.plans.iter().any(|p| p.tier == tier && p.evaluations >= 1);
    let mut missing = Vec::new();
    if !facts.ppv_registered {
        missing.push(Missing::NoPpv);
    }
    if !evaluated_at(Tier::Preventive) {
        missing.push(Missing::NoEvaluatedPreventivePlan);
    }
    if !evaluated_at(Tier::Anticipatory) {
        missing.push(Missing::NoEvaluatedAnticipatoryPlan);
    }
    if !facts.plans.iter().any(|p| p.current) {
        missing.push(Missing::NoCurrentPlan);
    }
    missing
}

/// The guard's answer when escalation may proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationDecision {
    /// Every prerequisite is met.
    Allowed,
    /// A school leader overrode the missing prerequisites; the trimmed justification is to be
    /// stored with the change.
    Overridden {
        justification: String,
        missing: Vec<Missing>,
    },
}

impl EscalationDecision {
    /// The justification to store, if the decision was an override.
    pub fn justification(&self) -> Option<&str> {
        match self {
            Self::Allowed => None,
            Self::Overridden { justification, .. } => Some(justification),
        }
    }
}

/// Why escalation is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationRefusal {
    /// Prerequisites are missing and no override was given.
    Missing(Vec<Missing>),
    /// Someone other than a school leader tried to override.
    OverrideNeedsLeader(Vec<Missing>),
    /// The override's justification is empty or too short.
    JustificationTooShort(Vec<Missing>),
}

impl EscalationRefusal {
    pub fn missing(&self) -> &[Missing] {
        match self {
            Self::Missing(m) | Self::OverrideNeedsLeader(m) | Self::JustificationTooShort(m) => m,
        }
    }

    /// Danish message for the user, naming what is missing and what to do.
    pub fn message(&self) -> String {
        let list = self
            .missing()
            .iter()
            .map(|m| format!("{}.", m.navn()))
            .collect::<Vec<_>>()
            .join(" ");
        match self {
            Self::Missing(_) => format!(
                "Barnet kan ikke flyttes til indgribende indsats eller henvises til PKU endnu. {list} \
                 Registrér det manglende, eller bed skolelederen om at tilsidesætte kravet med en skriftlig begrundelse."
            ),
            Self::OverrideNeedsLeader(_) => {
                format!("Kun skolelederen kan tilsidesætte kravene til indgribende indsats og PKU-henvisning. {list}")
            }
            Self::JustificationTooShort(_) => format!(
                "Skriv en begrundelse på mindst {MIN_JUSTIFICATION_CHARS} tegn for at tilsidesætte kravene. {list}"
            ),
        }
    }
}

impl std::fmt::Display for EscalationRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for EscalationRefusal {}

/// Decides an escalation (indgribende or PKU referral): allowed when nothing is missing;
/// otherwise only a school leader (`is_leader`) may override, with a justification of at least
/// [`MIN_JUSTIFICATION_CHARS`] characters after trimming.
pub fn decide_escalation(
    missing: &[Missing],
    override_by_leader: Option<&str>,
    is_leader: bool,
) -> Result<EscalationDecision, EscalationRefusal> {
    if missing.is_empty() {
        return Ok(EscalationDecision::Allowed);
    }
    let missing = missing.to_vec();
    let Some(text) = override_by_leader.map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(EscalationRefusal::Missing(missing));
    };
    if !is_leader {
        return Err(EscalationRefusal::OverrideNeedsLeader(missing));
    }
    if text.chars().count() < MIN_JUSTIFICATION_CHARS {
        return Err(EscalationRefusal::JustificationTooShort(missing));
    }
    Ok(EscalationDecision::Overridden {
        justification: text.to_string(),
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(tier: Tier, evaluations: usize, current: bool) -> PlanFacts {
        PlanFacts {
            tier,
            evaluations,
            current,
        }
    }

    fn complete() -> EscalationFacts {
        EscalationFacts {
            ppv_registered: true,
            plans: vec![plan(Tier::Preventive, 1, false), plan(Tier::Anticipatory, 2, true)],
        }
    }

    #[test]
    fn nothing_missing_when_all_prerequisites_hold() {
        assert!(escalation_missing(&complete()).is_empty());
        assert_eq!(decide_escalation(&[], None, false), Ok(EscalationDecision::Allowed));
    }

    #[test]
    fn missing_ppv() {
        let facts = EscalationFacts {
            ppv_registered: false,
            ..complete()
        };
        assert_eq!(escalation_missing(&facts), [Missing::NoPpv]);
    }

    #[test]
    fn missing_evaluated_preventive_plan() {
        let mut facts = complete();
        facts.plans[0].evaluations = 0;
        assert_eq!(escalation_missing(&facts), [Missing::NoEvaluatedPreventivePlan]);
        facts.plans.remove(0);
        assert_eq!(escalation_missing(&facts), [Missing::NoEvaluatedPreventivePlan]);
    }

    #[test]
    fn missing_evaluated_anticipatory_plan() {
        let mut facts = complete();
        facts.plans[1].evaluations = 0;
        assert_eq!(escalation_missing(&facts), [Missing::NoEvaluatedAnticipatoryPlan]);
        // An intervening plan does not stand in for the anticipatory one.
        facts.plans[1].tier = Tier::Intervening;
        facts.plans[1].evaluations = 3;
        assert_eq!(escalation_missing(&facts), [Missing::NoEvaluatedAnticipatoryPlan]);
    }

    #[test]
    fn missing_current_plan() {
        let mut facts = complete();
        facts.plans[1].current = false;
        assert_eq!(escalation_missing(&facts), [Missing::NoCurrentPlan]);
    }

    #[test]
    fn everything_missing_in_order() {
        assert_eq!(
            escalation_missing(&EscalationFacts::default()),
            [
                Missing::NoPpv,
                Missing::NoEvaluatedPreventivePlan,
                Missing::NoEvaluatedAnticipatoryPlan,
                Missing::NoCurrentPlan
            ]
        );
    }

    #[test]
    fn current_means_open_and_not_past_the_end_date() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-03-10");
        assert!(plan_is_current(false, None, today));
        assert!(plan_is_current(false, Some(today), today));
        assert!(!plan_is_current(false, Some(d("2026-03-09")), today));
        assert!(!plan_is_current(true, None, today));
    }

    #[test]
    fn refusal_without_override_names_what_is_missing() {
        let err = decide_escalation(&[Missing::NoPpv], None, true).unwrap_err();
        assert_eq!(err, EscalationRefusal::Missing(vec![Missing::NoPpv]));
        assert!(err.message().contains("(PPV)"), "{err}");
        assert!(err.message().contains("skolelederen"), "{err}");
        // Blank text is no override.
        assert!(matches!(
            decide_escalation(&[Missing::NoPpv], Some("   "), true),
            Err(EscalationRefusal::Missing(_))
        ));
    }

    #[test]
    fn only_a_leader_overrides_and_only_with_a_justification() {
        let missing = [Missing::NoCurrentPlan];
        let reason = "Akut behov; PPV er bestilt og følger";
        assert!(matches!(
            decide_escalation(&missing, Some(reason), false),
            Err(EscalationRefusal::OverrideNeedsLeader(_))
        ));
        let short = decide_escalation(&missing, Some("  akut   "), true).unwrap_err();
        assert!(matches!(short, EscalationRefusal::JustificationTooShort(_)));
        assert!(short.message().contains("mindst 10 tegn"), "{short}");
        let ok = decide_escalation(&missing, Some(&format!("  {reason}\n")), true).unwrap();
        assert_eq!(ok.justification(), Some(reason));
        // Characters, not bytes: ten Danish letters are enough.
        assert!(decide_escalation(&missing, Some("æøåæøåæøåæ"), true).is_ok());
    }
}
