//! Dagsværdi (day value): what one school day of one pupil counts for the rules.

use super::Code;

/// The counts of one pupil's registrations on one school day (dagens optælling). This is the
/// layout the rules work on, independent of how registrations are stored.
///
/// * `registrations` — R, the number of registrations (after replacements);
/// * `absent` — A, those with code `S`, `L` or `U`;
/// * `unlawful` — those with code `U`;
/// * `late_or_left` — those with code `F` or `T`.
///
/// R = 0 is a *manglende registrering* (missing registration): value 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DayTally {
    pub registrations: u16,
    pub absent: u16,
    pub unlawful: u16,
    pub late_or_left: u16,
}

/// Registrations a school takes per pupil and school day unless it sets its own number (seed
/// 004: «minimum to gange dagligt»).
pub const DEFAULT_REGISTRATIONS_PER_DAY: u8 = 2;

/// Manglende registreringer (missing registrations) for the teacher to complete: a school day
/// with fewer registrations than the school's `required` number. The rules still count only
/// R = 0 as value 0; this is the list of work, not a rule.
pub fn lacks_registrations(registrations: usize, required: u8) -> bool {
    registrations < usize::from(required.max(1))
}

/// The day value formula in half-days: 2 if `0 < r` and `a = r`; 1 if `0 < a < r`; else 0.
#[inline]
fn halves(r: u16, a: u16) -> u32 {
    if a == 0 {
        0
    } else if a >= r {
        2
    } else {
        1
    }
}

impl DayTally {
    /// The tally of one day's registrations (already with replacements applied).
    pub fn of_codes(codes: impl IntoIterator<Item = Code>) -> Self {
        let mut tally = Self::default();
        for code in codes {
            tally.add(code);
        }
        tally
    }

    /// Counts one more registration.
    #[inline]
    pub fn add(&mut self, code: Code) {
        self.registrations += 1;
        self.absent += u16::from(code.is_absence());
        self.unlawful += u16::from(code.is_unlawful());
        self.late_or_left += u16::from(code.is_late_or_left());
    }

    /// Dagsværdi (day value) in half-days: 2 (value 1) if every registration is absence,
    /// 1 (value 0.5) if some but not all are, 0 if none are or there are no registrations.
    #[inline]
    pub fn value_halves(&self) -> u32 {
        halves(self.registrations, self.absent)
    }

    /// Ulovlig dagsværdi (unlawful day value) in half-days: the same formula with only `U`
    /// counted as absence.
    #[inline]
    pub fn unlawful_halves(&self) -> u32 {
        halves(self.registrations, self.unlawful)
    }

    /// Manglende registrering (missing registration): no registrations on a school day.
    pub fn is_missing(&self) -> bool {
        self.registrations == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_lacks_registrations_below_the_schools_number() {
        assert!(lacks_registrations(0, 2));
        assert!(lacks_registrations(1, 2));
        assert!(!lacks_registrations(2, 2));
        assert!(!lacks_registrations(1, 1));
        assert!(lacks_registrations(0, 0), "at least one is always required");
    }
    use Code::*;

    fn t(codes: &[Code]) -> DayTally {
        DayTally::of_codes(codes.iter().copied())
    }

    #[test]
    fn day_values() {
        assert_eq!(t(&[]).value_halves(), 0);
        assert!(t(&[]).is_missing());
        assert_eq!(t(&[Present, Present]).value_halves(), 0);
        assert_eq!(t(&[Sickness, Lawful]).value_halves(), 2);
        assert_eq!(t(&[Sickness]).value_halves(), 2);
        assert_eq!(t(&[Unlawful, Present]).value_halves(), 1);
        // Late and left early are present.
        assert_eq!(t(&[Late, LeftEarly]).value_halves(), 0);
        assert_eq!(t(&[Sickness, Late]).value_halves(), 1);
        // Per lesson: 1 of 6 absent is still a half day.
        assert_eq!(
            t(&[Present, Present, Present, Present, Present, Sickness]).value_halves(),
            1
        );
    }

    #[test]
    fn unlawful_values_count_only_u() {
        assert_eq!(t(&[Unlawful, Unlawful]).unlawful_halves(), 2);
        assert_eq!(t(&[Unlawful, Sickness]).unlawful_halves(), 1);
        assert_eq!(t(&[Unlawful, Sickness]).value_halves(), 2);
        assert_eq!(t(&[Sickness, Lawful]).unlawful_halves(), 0);
        assert_eq!(t(&[Late, Unlawful]).late_or_left, 1);
    }
}
