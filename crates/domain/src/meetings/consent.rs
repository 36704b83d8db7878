//! Samtykke (consent): given by a guardian with custody, for one scope, from a date, until an
//! optional expiry, until revoked.

use chrono::NaiveDate;

use crate::cases::format_date;
use crate::stored::stored_enum;

stored_enum! {
    /// What a consent covers (samtykkets omfang).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum ConsentScope {
        /// Drøftelse i Trivselsforum (the child discussed without the parents present).
        Trivselsforum = ("trivselsforum", "Drøftelse i Trivselsforum"),
        /// Inddragelse af socialrådgiver (a social worker assigned to the child).
        SocialWorker = ("socialraadgiver", "Inddragelse af socialrådgiver"),
        /// Netværksmøde eller arbejdsmøde (cross-professional meeting without the parents).
        NetworkMeeting = ("netvaerksmoede", "Netværksmøde/arbejdsmøde"),
        /// Pædagogisk-psykologisk vurdering (PPV).
        Ppv = ("ppv", "Pædagogisk-psykologisk vurdering (PPV)"),
        /// Deling af overgangsskema (transition form passed on to daycare or school).
        TransitionForm = ("overgangsskema", "Deling af overgangsskema"),
        /// Henvisning til PKU (the parents' agreement to the referral).
        Pku = ("pku", "Henvisning til PKU"),
        /// Overlevering ved skifte (a hand-over note of the child's well-being needs to the new
        /// school or daycare).
        Handover = ("overlevering", "Overlevering ved skifte af skole eller dagtilbud"),
    }
}

impl ConsentScope {
    /// What the consent lets the school do, in plain Danish for parents (forklaring).
    pub fn forklaring(self) -> &'static str {
        match self {
            Self::Trivselsforum => {
                "Skolens Trivselsforum – ledelsen, trivselspersonen og faste rådgivere – må tale om \
                 jeres barn, også når I ikke selv er med på mødet."
            }
            Self::SocialWorker => {
                "Kommunens socialrådgiver på skolen må se barnets sag i Trivsel og deltage i møder \
                 om barnet."
            }
            Self::NetworkMeeting => {
                "Fagfolk fra flere steder (fx skole, PPR og sundhedsplejen) må holde møde om jeres \
                 barn, uden at I deltager."
            }
            Self::Ppv => {
                "En psykolog fra PPR (Pædagogisk Psykologisk Rådgivning) må undersøge, hvordan \
                 barnet har det og lærer i skolen, og skrive en vurdering med råd til skolen."
            }
            Self::Pku => {
                "Skolens leder må henvise barnet til Pædagogisk Koordinationsudvalg (PKU), som \
                 vurderer, om barnet har brug for et særligt tilbud, og får skolens papirer om barnet."
            }
            Self::Handover => {
                "Når barnet skifter skole eller dagtilbud, må den gamle skole eller det gamle \
                 dagtilbud skrive til det nye om, hvad barnet har brug for for at trives."
            }
            Self::TransitionForm => {
                "Skemaet om barnets trivsel og udvikling må sendes videre til den nye skole eller \
                 det nye dagtilbud ved skiftet."
            }
        }
    }
}

stored_enum! {
    /// How a consent was given (hvordan samtykket er givet).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum ConsentMethod {
        /// Givet af forælderen selv i forældrevisningen.
        ParentView = ("foraeldrevisning", "Givet i forældrevisningen"),
        /// Registreret af en medarbejder fra en underskrevet blanket (paper).
        StaffFromPaper = ("personale_papir", "Registreret af personale fra papirblanket"),
        /// Registreret af en medarbejder efter mundtligt samtykke (orally).
        StaffOrally = ("personale_mundtligt", "Registreret af personale efter mundtligt samtykke"),
    }
}

impl ConsentMethod {
    /// Whether a staff member recorded it (and is then named as the one who did).
    pub fn recorded_by_staff(self) -> bool {
        self != Self::ParentView
    }
}

/// A consent (samtykke) as the rules see it. Dates are inclusive: the consent applies from
/// `given_on` through `expires_on` (gælder til og med), and no longer on `revoked_on` or after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub scope: ConsentScope,
    pub given_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub revoked_on: Option<NaiveDate>,
    pub method: ConsentMethod,
}

/// Why a consent that exists is not in force on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lapse {
    /// Given later than the date asked about.
    NotYetGiven(NaiveDate),
    /// Expired: the last day it applied.
    Expired(NaiveDate),
    /// Revoked (trukket tilbage) on this date.
    Revoked(NaiveDate),
}

impl Lapse {
    /// Danish, e.g. «trukket tilbage 03.03.2026».
    pub fn describe(self) -> String {
        match self {
            Self::NotYetGiven(d) => format!("gælder først fra {}", format_date(d)),
            Self::Expired(d) => format!("udløb efter {}", format_date(d)),
            Self::Revoked(d) => format!("blev trukket tilbage {}", format_date(d)),
        }
    }
}

impl Consent {
    /// In force (gældende) on `on`: given, not expired and not revoked.
    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.lapse(on).is_none()
    }

    /// Why it is not in force on `on`; `None` if it is. Revocation is named first.
    pub fn lapse(&self, on: NaiveDate) -> Option<Lapse> {
        if let Some(r) = self.revoked_on.filter(|r| *r <= on) {
            return Some(Lapse::Revoked(r));
        }
        if let Some(e) = self.expires_on.filter(|e| *e < on) {
            return Some(Lapse::Expired(e));
        }
        (self.given_on > on).then_some(Lapse::NotYetGiven(self.given_on))
    }
}

/// Checks the dates of a consent to record: an expiry, if any, not before the date given.
pub fn check_consent_dates(given_on: NaiveDate, expires_on: Option<NaiveDate>) -> Result<(), String> {
    match expires_on {
        Some(e) if e < given_on => Err(format!(
            "Udløbsdatoen {} ligger før datoen for samtykket {}. Ret datoerne.",
            format_date(e),
            format_date(given_on)
        )),
        _ => Ok(()),
    }
}

/// Whether any of `consents` for `scope` is in force on `on`.
pub fn consent_in_force(consents: &[Consent], scope: ConsentScope, on: NaiveDate) -> bool {
    consents.iter().any(|c| c.scope == scope && c.in_force(on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn consent(given: &str, expires: Option<&str>, revoked: Option<&str>) -> Consent {
        Consent {
            scope: ConsentScope::Trivselsforum,
            given_on: d(given),
            expires_on: expires.map(d),
            revoked_on: revoked.map(d),
            method: ConsentMethod::ParentView,
        }
    }

    #[test]
    fn ids_round_trip() {
        assert_eq!(ConsentScope::ALL.len(), 7);
        for s in ConsentScope::ALL {
            assert_eq!(ConsentScope::from_id(s.id()), Some(*s));
            assert!(s.id().is_ascii());
        }
        for m in ConsentMethod::ALL {
            assert_eq!(ConsentMethod::from_id(m.id()), Some(*m));
        }
        assert!(!ConsentMethod::ParentView.recorded_by_staff());
        assert!(ConsentMethod::StaffOrally.recorded_by_staff());
        assert_eq!(ConsentScope::SocialWorker.navn(), "Inddragelse af socialrådgiver");
    }

    #[test]
    fn in_force_from_given_through_expiry_until_revoked() {
        let c = consent("2026-03-02", Some("2026-06-30"), None);
        assert!(!c.in_force(d("2026-03-01")));
        assert_eq!(c.lapse(d("2026-03-01")), Some(Lapse::NotYetGiven(d("2026-03-02"))));
        assert!(c.in_force(d("2026-03-02")));
        assert!(c.in_force(d("2026-06-30")));
        assert_eq!(c.lapse(d("2026-07-01")), Some(Lapse::Expired(d("2026-06-30"))));
        let r = consent("2026-03-02", None, Some("2026-04-10"));
        assert!(r.in_force(d("2026-04-09")));
        assert!(!r.in_force(d("2026-04-10")), "revoked today: no longer in force today");
        assert_eq!(
            r.lapse(d("2026-05-01")).unwrap().describe(),
            "blev trukket tilbage 10.04.2026"
        );
    }

    #[test]
    fn any_consent_of_the_scope_counts() {
        let revoked = consent("2026-01-05", None, Some("2026-02-01"));
        let again = consent("2026-03-01", None, None);
        let mut other = consent("2026-01-05", None, None);
        other.scope = ConsentScope::Ppv;
        let all = [revoked.clone(), other];
        assert!(!consent_in_force(&all, ConsentScope::Trivselsforum, d("2026-03-02")));
        assert!(consent_in_force(&all, ConsentScope::Ppv, d("2026-03-02")));
        assert!(consent_in_force(
            &[revoked, again],
            ConsentScope::Trivselsforum,
            d("2026-03-02")
        ));
    }

    #[test]
    fn expiry_before_given_is_refused() {
        assert!(check_consent_dates(d("2026-03-02"), None).is_ok());
        assert!(check_consent_dates(d("2026-03-02"), Some(d("2026-03-02"))).is_ok());
        let err = check_consent_dates(d("2026-03-02"), Some(d("2026-03-01"))).unwrap_err();
        assert!(err.contains("01.03.2026"), "{err}");
    }
}
