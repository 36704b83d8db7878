//! Fraværsreglerne (the absence rules, version 1), by id and Danish name.

use std::cmp::Ordering;
use std::fmt;

/// One absence rule (fraværsregel). Conditions at school day d, over the pupil's school days in
/// the same school year up to and including d (defaults in brackets, see
/// [`Thresholds`](super::Thresholds)):
///
/// * [`Rule::Consecutive`] — «fravær i træk» (consecutive): the run of school days with value 1
///   ending at d is at least 5 days.
/// * [`Rule::Window7of20`] — «7 af 20» (window_7_20): the values of the last 20 school days sum
///   to at least 7.
/// * [`Rule::Window15of60`] — «15 af 60» (window_15_60): the values of the last 60 school days
///   sum to at least 15.
/// * [`Rule::ComesAndGoes`] — «kommer og går» (comes and goes): at least 5 `F`/`T`
///   registrations over the last 20 school days.
/// * [`Rule::Percent10`] — «10 % fravær» (percent_10): at least 20 school days have passed and
///   the values sum to at least 10 % of the school days so far.
///
/// Ordered by [`Rule::id`] as a string, so that sorting agrees with storage that orders by the
/// stored id; [`Rule::ALL`] lists the rules in the order of the domain brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Fravær i træk (consecutive).
    Consecutive,
    /// 7 af 20 skoledage (window_7_20).
    Window7of20,
    /// 15 af 60 skoledage (window_15_60).
    Window15of60,
    /// Kommer og går (comes_and_goes).
    ComesAndGoes,
    /// 10 % fravær i skoleåret (percent_10).
    Percent10,
}

impl Rule {
    /// All rules in the order of the domain brief.
    pub const ALL: [Self; 5] = [
        Self::Consecutive,
        Self::Window7of20,
        Self::Window15of60,
        Self::ComesAndGoes,
        Self::Percent10,
    ];

    /// Stored id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Consecutive => "consecutive",
            Self::Window7of20 => "window_7_20",
            Self::Window15of60 => "window_15_60",
            Self::ComesAndGoes => "comes_and_goes",
            Self::Percent10 => "percent_10",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Danish display name (named after the default thresholds).
    pub fn navn(self) -> &'static str {
        match self {
            Self::Consecutive => "Fravær i træk",
            Self::Window7of20 => "7 af 20 skoledage",
            Self::Window15of60 => "15 af 60 skoledage",
            Self::ComesAndGoes => "Kommer og går",
            Self::Percent10 => "10 % fravær i skoleåret",
        }
    }

    /// Position in [`Rule::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id().cmp(other.id())
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_order() {
        let ids = Rule::ALL.map(Rule::id);
        assert_eq!(
            ids,
            [
                "consecutive",
                "window_7_20",
                "window_15_60",
                "comes_and_goes",
                "percent_10"
            ]
        );
        for (i, rule) in Rule::ALL.into_iter().enumerate() {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
            assert_eq!(rule.index(), i);
        }
        assert_eq!(Rule::from_id("Consecutive"), None);
        let mut sorted = Rule::ALL.to_vec();
        sorted.sort();
        let mut by_string = ids.to_vec();
        by_string.sort();
        assert_eq!(sorted.iter().map(|r| r.id()).collect::<Vec<_>>(), by_string);
    }
}
