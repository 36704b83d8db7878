//! Trivselsforum's fixed representatives (faste repræsentanter), as the municipality's
//! guideline names them: the leadership, the trivselsperson, the school's PPR psychologist,
//! the health visitor, the family counsellor and the SSP teacher. Ad hoc members, parents and
//! pupils come on top.

use super::{MissingParticipant, ParticipantRole};

/// The roles every Trivselsforum needs at least once. SSP is listed too; where the
/// trivselsperson is also the SSP teacher, add him or her with the SSP role as well.
pub const FORUM_REQUIRED: &[(ParticipantRole, usize)] = &[
    (ParticipantRole::SchoolLeader, 1),
    (ParticipantRole::WellbeingPerson, 1),
    (ParticipantRole::Psychologist, 1),
    (ParticipantRole::HealthVisitor, 1),
    (ParticipantRole::FamilyCounsellor, 1),
    (ParticipantRole::Ssp, 1),
];

/// The fixed representatives not among `roles` (one entry per participant or member), in the
/// order of [`FORUM_REQUIRED`].
pub fn forum_missing(roles: &[ParticipantRole]) -> Vec<MissingParticipant> {
    super::samraad::missing_from(FORUM_REQUIRED, roles)
}

/// The Danish warning for missing representatives, if any.
pub fn forum_missing_warning(missing: &[MissingParticipant]) -> Option<String> {
    (!missing.is_empty()).then(|| {
        let list: Vec<&str> = missing.iter().map(|m| m.role.navn()).collect();
        format!(
            "Trivselsforum mangler faste repræsentanter: {}. Tilføj dem som faste medlemmer eller til mødet.",
            list.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParticipantRole::*;

    #[test]
    fn the_forum_names_each_missing_representative() {
        let all = [
            SchoolLeader,
            WellbeingPerson,
            Psychologist,
            HealthVisitor,
            FamilyCounsellor,
            Ssp,
        ];
        assert!(forum_missing(&all).is_empty());
        assert_eq!(forum_missing_warning(&[]), None);
        // Teachers and social workers do not stand in for a representative.
        let some = [SchoolLeader, WellbeingPerson, Teacher, SocialWorker];
        let missing: Vec<_> = forum_missing(&some).iter().map(|m| m.role).collect();
        assert_eq!(missing, [Psychologist, HealthVisitor, FamilyCounsellor, Ssp]);
        assert_eq!(
            forum_missing_warning(&forum_missing(&some)).unwrap(),
            "Trivselsforum mangler faste repræsentanter: PPR-psykolog, Sundhedsplejerske, \
             Familierådgiver, SSP. Tilføj dem som faste medlemmer eller til mødet."
        );
    }
}
