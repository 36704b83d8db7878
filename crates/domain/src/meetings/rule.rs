//! Samtykkereglen (the consent rule): which actions need which consent, and when the parents'
//! own participation takes its place. The software refuses an action whose consent is not in
//! force and says what is missing.

use chrono::NaiveDate;

use super::consent::{Consent, ConsentScope, Lapse};

/// An action on a child that may need consent (handling der kræver samtykke).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentAction {
    /// Sætte barnet på dagsordenen i Trivselsforum. Needs the parents present or consent
    /// [`ConsentScope::Trivselsforum`].
    TrivselsforumAgendaItem { parents_attend: bool },
    /// Holde netværksmøde eller arbejdsmøde om barnet. Needs the parents taking part or consent
    /// [`ConsentScope::NetworkMeeting`].
    NetworkMeeting { parents_participate: bool },
    /// Tildele (og fortsat give) en socialrådgiver adgang til barnet: consent
    /// [`ConsentScope::SocialWorker`] in force, on every request.
    SocialWorkerAccess,
    /// Igangsætte en pædagogisk-psykologisk vurdering: consent [`ConsentScope::Ppv`].
    Ppv,
    /// Dele overgangsskemaet: consent [`ConsentScope::TransitionForm`].
    ShareTransitionForm,
    /// Henvise til PKU: consent [`ConsentScope::Pku`] (the parents' agreement).
    PkuReferral,
    /// Send a hand-over note's content at a move: consent [`ConsentScope::Handover`].
    HandoverNote,
}

impl ConsentAction {
    /// The consent the action needs.
    pub fn scope(self) -> ConsentScope {
        match self {
            Self::TrivselsforumAgendaItem { .. } => ConsentScope::Trivselsforum,
            Self::NetworkMeeting { .. } => ConsentScope::NetworkMeeting,
            Self::SocialWorkerAccess => ConsentScope::SocialWorker,
            Self::Ppv => ConsentScope::Ppv,
            Self::ShareTransitionForm => ConsentScope::TransitionForm,
            Self::PkuReferral => ConsentScope::Pku,
            Self::HandoverNote => ConsentScope::Handover,
        }
    }

    /// Whether the parents' participation makes consent unnecessary here.
    pub fn parents_take_part(self) -> bool {
        match self {
            Self::TrivselsforumAgendaItem { parents_attend } => parents_attend,
            Self::NetworkMeeting { parents_participate } => parents_participate,
            _ => false,
        }
    }

    /// Danish: what is refused, e.g. «Barnet kan ikke sættes på dagsordenen i Trivselsforum».
    fn refused(self) -> &'static str {
        match self {
            Self::TrivselsforumAgendaItem { .. } => "Barnet kan ikke sættes på dagsordenen i Trivselsforum",
            Self::NetworkMeeting { .. } => "Netværksmødet/arbejdsmødet om barnet kan ikke holdes",
            Self::SocialWorkerAccess => "Socialrådgiveren kan ikke få adgang til barnet",
            Self::Ppv => "Den pædagogisk-psykologiske vurdering (PPV) kan ikke sættes i gang",
            Self::ShareTransitionForm => "Overgangsskemaet kan ikke deles",
            Self::PkuReferral => "Barnet kan ikke henvises til PKU",
            Self::HandoverNote => "Overleveringsnotatet kan ikke sendes med",
        }
    }

    /// Danish: what would make it allowed.
    fn remedy(self) -> &'static str {
        match self {
            Self::TrivselsforumAgendaItem { .. } => {
                "Aftal at forældrene deltager, eller indhent deres samtykke til drøftelse i Trivselsforum."
            }
            Self::NetworkMeeting { .. } => {
                "Aftal at forældrene deltager, eller indhent deres samtykke til netværksmøde/arbejdsmøde."
            }
            _ => "Indhent forældrenes samtykke (i forældrevisningen eller registreret af personale).",
        }
    }
}

/// A refusal (afvisning) with a Danish explanation of what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRefusal {
    pub action: ConsentAction,
    /// The consent that is missing.
    pub scope: ConsentScope,
    /// Why the latest consent of that scope no longer applies, if there was one.
    pub lapse: Option<Lapse>,
}

impl ConsentRefusal {
    /// The Danish message for the user.
    pub fn message(&self) -> String {
        let parents = if matches!(
            self.action,
            ConsentAction::TrivselsforumAgendaItem { .. } | ConsentAction::NetworkMeeting { .. }
        ) {
            "forældrene deltager ikke, og "
        } else {
            ""
        };
        let missing = match self.lapse {
            Some(lapse) => format!("samtykket til {} {}", lower_first(self.scope.navn()), lapse.describe()),
            None => format!("der er ikke givet samtykke til {}", lower_first(self.scope.navn())),
        };
        format!(
            "{}: {parents}{missing}. {}",
            self.action.refused(),
            self.action.remedy()
        )
    }
}

impl std::fmt::Display for ConsentRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ConsentRefusal {}

/// «Drøftelse i Trivselsforum» → «drøftelse i Trivselsforum».
pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The consent rule: allowed if the parents take part where that suffices, or a consent of the
/// action's scope from a guardian with custody is in force on `on`. `consents` are the child's
/// consents from guardians who have custody today (the caller loads them fresh).
pub fn check_consent(action: ConsentAction, consents: &[Consent], on: NaiveDate) -> Result<(), ConsentRefusal> {
    let scope = action.scope();
    let of_scope: Vec<&Consent> = consents.iter().filter(|c| c.scope == scope).collect();
    if action.parents_take_part() || of_scope.iter().any(|c| c.in_force(on)) {
        return Ok(());
    }
    // Explain with the most recently given consent of the scope, if any.
    let lapse = of_scope
        .iter()
        .max_by_key(|c| (c.given_on, c.revoked_on))
        .and_then(|c| c.lapse(on));
    Err(ConsentRefusal { action, scope, lapse })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meetings::ConsentMethod;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn given(scope: ConsentScope, on: &str) -> Consent {
        Consent {
            scope,
            given_on: d(on),
            expires_on: None,
            revoked_on: None,
            method: ConsentMethod::StaffFromPaper,
        }
    }

    /// Every action without a substitute: refused without, allowed with, refused after
    /// revocation, and the refusal names what is missing.
    #[test]
    fn each_scope_refused_without_allowed_with_refused_after_revocation() {
        let actions = [
            ConsentAction::TrivselsforumAgendaItem { parents_attend: false },
            ConsentAction::NetworkMeeting {
                parents_participate: false,
            },
            ConsentAction::SocialWorkerAccess,
            ConsentAction::Ppv,
            ConsentAction::ShareTransitionForm,
            ConsentAction::PkuReferral,
            ConsentAction::HandoverNote,
        ];
        let today = d("2026-03-10");
        for action in actions {
            let scope = action.scope();
            let refusal = check_consent(action, &[], today).unwrap_err();
            assert_eq!(refusal.scope, scope);
            assert_eq!(refusal.lapse, None);
            let msg = refusal.message();
            assert!(msg.contains(&lower_first(scope.navn())), "{msg}");
            assert!(msg.to_lowercase().contains("indhent"), "{msg}");

            // A consent of another scope does not help.
            let others: Vec<Consent> = ConsentScope::ALL
                .iter()
                .filter(|s| **s != scope)
                .map(|s| given(*s, "2026-03-01"))
                .collect();
            assert!(check_consent(action, &others, today).is_err());

            let mut consent = given(scope, "2026-03-01");
            assert_eq!(check_consent(action, &[consent.clone()], today), Ok(()));

            consent.revoked_on = Some(d("2026-03-10"));
            let refusal = check_consent(action, &[consent], today).unwrap_err();
            assert_eq!(refusal.lapse, Some(Lapse::Revoked(d("2026-03-10"))));
            assert!(
                refusal.message().contains("trukket tilbage 10.03.2026"),
                "{}",
                refusal.message()
            );
        }
        assert_eq!(ConsentScope::ALL.len(), actions.len(), "every scope has an action");
    }

    #[test]
    fn parents_taking_part_substitute_only_for_meetings() {
        let today = d("2026-03-10");
        assert_eq!(
            check_consent(
                ConsentAction::TrivselsforumAgendaItem { parents_attend: true },
                &[],
                today
            ),
            Ok(())
        );
        assert_eq!(
            check_consent(
                ConsentAction::NetworkMeeting {
                    parents_participate: true
                },
                &[],
                today
            ),
            Ok(())
        );
        let msg = check_consent(
            ConsentAction::TrivselsforumAgendaItem { parents_attend: false },
            &[],
            today,
        )
        .unwrap_err()
        .message();
        assert_eq!(
            msg,
            "Barnet kan ikke sættes på dagsordenen i Trivselsforum: forældrene deltager ikke, og der er ikke \
             givet samtykke til drøftelse i Trivselsforum. Aftal at forældrene deltager, eller indhent deres \
             samtykke til drøftelse i Trivselsforum."
        );
    }

    #[test]
    fn an_expired_consent_is_explained() {
        let mut c = given(ConsentScope::Ppv, "2025-09-01");
        c.expires_on = Some(d("2026-01-31"));
        let refusal = check_consent(ConsentAction::Ppv, &[c], d("2026-03-10")).unwrap_err();
        assert!(refusal.to_string().contains("udløb efter 31.01.2026"), "{refusal}");
    }
}
