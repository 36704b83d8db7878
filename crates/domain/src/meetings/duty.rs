//! Fraværssamrådets funktioner (the duties at an absence council): the school leader chairs
//! (mødeleder); of the two PPR psychologists one leads the interview rounds (samtaleleder) and
//! one takes the minutes (referent). One holder per duty; the duties are filled in from the
//! participant list when it changes, and can be moved by hand to another eligible participant.

use super::kind::ParticipantRole;
use crate::stored::stored_enum;

stored_enum! {
    /// A participant's duty at a fraværssamråd.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum MeetingDuty {
        /// Mødeleder: the school leader chairs.
        Chair = ("moedeleder", "Mødeleder"),
        /// Samtaleleder: a PPR psychologist leads the interview rounds.
        Interviewer = ("samtaleleder", "Samtaleleder"),
        /// Referent: the other PPR psychologist takes the minutes.
        NoteTaker = ("referent", "Referent"),
    }
}

impl MeetingDuty {
    /// The participant role that holds the duty.
    pub fn held_by(self) -> ParticipantRole {
        match self {
            Self::Chair => ParticipantRole::SchoolLeader,
            Self::Interviewer | Self::NoteTaker => ParticipantRole::Psychologist,
        }
    }
}

/// The duties of `participants` (role, current duty) after filling in each duty nobody holds
/// with the first eligible participant without one; held duties stay where they are.
pub fn fill_duties(participants: &[(ParticipantRole, Option<MeetingDuty>)]) -> Vec<Option<MeetingDuty>> {
    let mut duties: Vec<Option<MeetingDuty>> = participants.iter().map(|p| p.1).collect();
    for duty in MeetingDuty::ALL.iter().copied() {
        if duties.contains(&Some(duty)) {
            continue;
        }
        let free = participants
            .iter()
            .zip(&duties)
            .position(|((role, _), d)| *role == duty.held_by() && d.is_none());
        if let Some(i) = free {
            duties[i] = Some(duty);
        }
    }
    duties
}

/// The Danish warning for duties nobody holds, if any.
pub fn duty_warning(duties: &[Option<MeetingDuty>]) -> Option<String> {
    let missing: Vec<String> = MeetingDuty::ALL
        .iter()
        .copied()
        .filter(|d| !duties.contains(&Some(*d)))
        .map(|d| format!("{} ({})", d.navn().to_lowercase(), d.held_by().navn()))
        .collect();
    (!missing.is_empty()).then(|| format!("Ingen er {} endnu.", missing.join(" eller ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingDuty::*;
    use ParticipantRole::*;

    #[test]
    fn the_leader_chairs_and_the_two_psychologists_interview_and_take_notes() {
        let people = [
            (Parent, None),
            (Psychologist, None),
            (SchoolLeader, None),
            (Psychologist, None),
        ];
        assert_eq!(
            fill_duties(&people),
            [None, Some(Interviewer), Some(Chair), Some(NoteTaker)]
        );
        assert_eq!(duty_warning(&fill_duties(&people)), None);
    }

    #[test]
    fn a_duty_moved_by_hand_stays_and_a_missing_holder_is_warned() {
        let people = [(Psychologist, None), (Psychologist, Some(Interviewer)), (Teacher, None)];
        let duties = fill_duties(&people);
        assert_eq!(duties, [Some(NoteTaker), Some(Interviewer), None]);
        assert_eq!(
            duty_warning(&duties).as_deref(),
            Some("Ingen er mødeleder (Skoleleder/ledelsesrepræsentant) endnu.")
        );
        let one = fill_duties(&[(Psychologist, None)]);
        assert_eq!(one, [Some(Interviewer)]);
        assert!(duty_warning(&one).unwrap().contains("referent (PPR-psykolog)"));
    }
}
