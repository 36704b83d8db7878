//! The domain's vocabulary: institution kinds and user roles, with their Danish names.

/// Kind of institution (institutionstype).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstitutionKind {
    /// Skole (folkeskole with SFO).
    School,
    /// Dagtilbud (vuggestue, børnehave).
    Daycare,
    /// Ungdomsskole / ungecenter.
    YouthCentre,
}

/// An institution's words (ord): klasse/elev in a school, stue/barn in a daycare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// «klasse» / «stue».
    pub group: &'static str,
    /// «Klasser» / «Stuer».
    pub groups: &'static str,
    /// «elev» / «barn».
    pub child: &'static str,
    /// «elever» / «børn».
    pub children: &'static str,
    /// «Klassefællesskabet» / «Børnefællesskabet».
    pub community: &'static str,
}

impl InstitutionKind {
    pub const ALL: [Self; 3] = [Self::School, Self::Daycare, Self::YouthCentre];

    /// Stored value.
    pub fn id(self) -> &'static str {
        match self {
            Self::School => "school",
            Self::Daycare => "daycare",
            Self::YouthCentre => "youth_centre",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether the institution keeps school days: roll call, the absence rules, the monthly
    /// absence review, class conferences and PKU. Daycare attendance is not compulsory, so a
    /// daycare has none of them.
    pub fn has_school_days(self) -> bool {
        self == Self::School
    }

    /// The words pages use for the institution's groups and children.
    pub fn words(self) -> Words {
        match self {
            Self::Daycare => Words {
                group: "stue",
                groups: "Stuer",
                child: "barn",
                children: "børn",
                community: "Børnefællesskabet",
            },
            Self::School | Self::YouthCentre => Words {
                group: "klasse",
                groups: "Klasser",
                child: "elev",
                children: "elever",
                community: "Klassefællesskabet",
            },
        }
    }

    pub fn navn(self) -> &'static str {
        match self {
            Self::School => "Skole",
            Self::Daycare => "Dagtilbud",
            Self::YouthCentre => "Ungecenter",
        }
    }
}

/// A user's role (rolle). What each role may see is decided by the access policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Lærer eller pædagog.
    Teacher,
    /// Trivselsperson (LKT-team, ressourcecenter).
    WellbeingPerson,
    /// Skoleleder / institutionsleder.
    Leader,
    /// PPR-psykolog.
    Psychologist,
    /// Socialrådgiver.
    SocialWorker,
    /// Sundhedsplejerske.
    HealthVisitor,
    /// SSP- eller UU-vejleder.
    SspCounsellor,
    /// Familierådgiver (family counsellor, e.g. in Trivselsforum).
    FamilyCounsellor,
    /// Forælder (guardian).
    Guardian,
    /// Elev.
    Pupil,
    /// Kommunal analytiker: aggregates only.
    Analyst,
    /// Administrator: manages accounts, sees no child data.
    Admin,
    /// Kommunal fraværssagsbehandler: receives the schools' 15 % lists and decides on the child
    /// benefit; sees the identity and absence of the children on a submitted list only.
    AbsenceCaseworker,
}

impl Role {
    pub const ALL: [Self; 13] = [
        Self::Teacher,
        Self::WellbeingPerson,
        Self::Leader,
        Self::Psychologist,
        Self::SocialWorker,
        Self::HealthVisitor,
        Self::SspCounsellor,
        Self::FamilyCounsellor,
        Self::Guardian,
        Self::Pupil,
        Self::Analyst,
        Self::Admin,
        Self::AbsenceCaseworker,
    ];

    /// Stored value (ASCII Danish).
    pub fn id(self) -> &'static str {
        match self {
            Self::Teacher => "laerer",
            Self::WellbeingPerson => "trivselsperson",
            Self::Leader => "skoleleder",
            Self::Psychologist => "ppr",
            Self::SocialWorker => "socialraadgiver",
            Self::HealthVisitor => "sundhedsplejerske",
            Self::SspCounsellor => "ssp",
            Self::FamilyCounsellor => "familieraadgiver",
            Self::Guardian => "foraelder",
            Self::Pupil => "elev",
            Self::Analyst => "analytiker",
            Self::Admin => "admin",
            Self::AbsenceCaseworker => "fravaerssagsbehandler",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The Danish name at an institution of `kind`: at a daycare the leader is «Daglig leder»
    /// and the teacher role «Pædagog»; at a school «Skoleleder» and «Lærer».
    pub fn navn_at(self, kind: Option<InstitutionKind>) -> &'static str {
        match (self, kind) {
            (Self::Leader, Some(InstitutionKind::Daycare)) => "Daglig leder",
            (Self::Teacher, Some(InstitutionKind::Daycare)) => "Pædagog",
            (Self::Teacher, Some(InstitutionKind::School)) => "Lærer",
            _ => self.navn(),
        }
    }

    /// Danish display name.
    pub fn navn(self) -> &'static str {
        match self {
            Self::Teacher => "Lærer/pædagog",
            Self::WellbeingPerson => "Trivselsperson",
            Self::Leader => "Skoleleder",
            Self::Psychologist => "PPR-psykolog",
            Self::SocialWorker => "Socialrådgiver",
            Self::HealthVisitor => "Sundhedsplejerske",
            Self::SspCounsellor => "SSP/UU-vejleder",
            Self::FamilyCounsellor => "Familierådgiver",
            Self::Guardian => "Forælder",
            Self::Pupil => "Elev",
            Self::Analyst => "Kommunal analytiker",
            Self::Admin => "Administrator",
            Self::AbsenceCaseworker => "Kommunal fraværssagsbehandler",
        }
    }

    /// Professionals who work with children (teachers, the trivselsperson, leaders, advisers):
    /// they own tasks and take part in meetings.
    pub fn works_with_children(self) -> bool {
        matches!(
            self,
            Self::Teacher
                | Self::WellbeingPerson
                | Self::Leader
                | Self::Psychologist
                | Self::SocialWorker
                | Self::HealthVisitor
                | Self::SspCounsellor
                | Self::FamilyCounsellor
        )
    }

    /// Advisers (rådgivere) see the children assigned to them: PPR, social workers, health
    /// visitors, SSP/UU and family counsellors.
    pub fn is_adviser(self) -> bool {
        matches!(
            self,
            Self::Psychologist
                | Self::SocialWorker
                | Self::HealthVisitor
                | Self::SspCounsellor
                | Self::FamilyCounsellor
        )
    }

    /// Staff roles; these need a second factor outside demo mode.
    pub fn is_staff(self) -> bool {
        !matches!(self, Self::Guardian | Self::Pupil)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for r in Role::ALL {
            assert_eq!(Role::from_id(r.id()), Some(r));
        }
        for k in InstitutionKind::ALL {
            assert_eq!(InstitutionKind::from_id(k.id()), Some(k));
        }
        assert_eq!(Role::from_id("rektor"), None);
    }
}
