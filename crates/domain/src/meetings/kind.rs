//! Mødetyper, status, deltagerroller og notifikationer (meeting kinds, status, participant
//! roles and notification kinds).

use crate::stored::stored_enum;

use super::rule::ConsentAction;

stored_enum! {
    /// Kind of meeting (mødetype).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum MeetingKind {
        /// Trivselsforum: the school's fixed forum; agenda items per child or class.
        Trivselsforum = ("trivselsforum", "Trivselsforum"),
        /// Fraværssamråd (absence council): held within 7 working days of being convened.
        AbsenceCouncil = ("fravaerssamraad", "Fraværssamråd"),
        /// Netværksmøde (network meeting): child, parents, team, advisers, leadership.
        NetworkMeeting = ("netvaerksmoede", "Netværksmøde"),
        /// Arbejdsmøde (working meeting), like a network meeting.
        WorkingMeeting = ("arbejdsmoede", "Arbejdsmøde"),
        /// Klassekonference (class conference): a class and its focus pupils.
        ClassConference = ("klassekonference", "Klassekonference"),
        /// Anonym sparring (monthly consultation with the social worker): no child identity.
        AnonymousConsultation = ("anonym_sparring", "Anonym sparring"),
    }
}

impl MeetingKind {
    /// Whether a meeting of this kind may name a child or a class. An anonymous consultation
    /// never does.
    pub fn may_identify_child(self) -> bool {
        self != Self::AnonymousConsultation
    }

    /// The consent a meeting of this kind about a child needs (netværksmøde, arbejdsmøde);
    /// Trivselsforum asks per agenda item instead.
    pub fn consent_action(self, parents_participate: bool) -> Option<ConsentAction> {
        matches!(self, Self::NetworkMeeting | Self::WorkingMeeting)
            .then_some(ConsentAction::NetworkMeeting { parents_participate })
    }

    /// Whether closing needs a follow-up meeting date (opfølgningsmøde).
    pub fn needs_follow_up(self) -> bool {
        self == Self::AbsenceCouncil
    }
}

stored_enum! {
    /// A meeting's status.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum MeetingStatus {
        /// Planlagt: convened, not yet held.
        Planned = ("planned", "Planlagt"),
        /// Afholdt: minutes recorded.
        Held = ("held", "Afholdt"),
        /// Afsluttet: closed; the action plan has gone out.
        Closed = ("closed", "Afsluttet"),
    }
}

stored_enum! {
    /// A participant's role at a meeting, and a fixed member's role in Trivselsforum
    /// (deltagerrolle).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum ParticipantRole {
        /// Eleven (the pupil).
        Pupil = ("elev", "Elev"),
        /// Forælder (a parent or other guardian).
        Parent = ("foraelder", "Forælder"),
        /// Skoleleder or another member of the leadership (ledelsesrepræsentant).
        SchoolLeader = ("skoleleder", "Skoleleder/ledelsesrepræsentant"),
        /// Klasselærer eller anden lærer.
        Teacher = ("laerer", "Klasselærer/lærer"),
        /// PPR-psykolog.
        Psychologist = ("ppr", "PPR-psykolog"),
        /// Skolens socialrådgiver.
        SocialWorker = ("socialraadgiver", "Socialrådgiver"),
        /// Trivselsperson.
        WellbeingPerson = ("trivselsperson", "Trivselsperson"),
        /// Sundhedsplejerske (health visitor).
        HealthVisitor = ("sundhedsplejerske", "Sundhedsplejerske"),
        /// Familierådgiver (family counsellor).
        FamilyCounsellor = ("familieraadgiver", "Familierådgiver"),
        /// SSP-konsulent.
        Ssp = ("ssp", "SSP"),
        /// UU-vejleder (youth guidance counsellor).
        UuCounsellor = ("uu", "UU-vejleder"),
        /// Anden deltager (ad hoc).
        Other = ("anden", "Anden deltager"),
    }
}

stored_enum! {
    /// Kind of in-app notification (notifikation).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum NotificationKind {
        /// A closed meeting's action plan (handleplan), for every participant and the guardians.
        ActionPlan = ("handleplan", "Handleplan fra møde"),
        /// Indkaldelse: the user was added as a participant.
        Invitation = ("indkaldelse", "Indkaldelse til møde"),
        /// The meeting the user takes part in was moved (flyttet).
        Moved = ("flyttet", "Mødet er flyttet"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        assert_eq!(MeetingKind::ALL.len(), 6);
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::from_id(k.id()), Some(*k));
        }
        for r in ParticipantRole::ALL {
            assert_eq!(ParticipantRole::from_id(r.id()), Some(*r));
        }
        for s in MeetingStatus::ALL {
            assert_eq!(MeetingStatus::from_id(s.id()), Some(*s));
        }
        assert_eq!(MeetingKind::AbsenceCouncil.navn(), "Fraværssamråd");
        assert!(!MeetingKind::AnonymousConsultation.may_identify_child());
        assert!(MeetingKind::AbsenceCouncil.needs_follow_up());
        assert!(!MeetingKind::Trivselsforum.needs_follow_up());
    }

    #[test]
    fn network_and_working_meetings_need_consent_or_parents() {
        assert_eq!(
            MeetingKind::WorkingMeeting.consent_action(false),
            Some(ConsentAction::NetworkMeeting {
                parents_participate: false
            })
        );
        assert_eq!(MeetingKind::AbsenceCouncil.consent_action(false), None);
        assert_eq!(MeetingKind::Trivselsforum.consent_action(false), None);
    }
}
