//! Tærskler (thresholds) of the absence rules, configurable per municipality.

/// Thresholds of the absence rules (fraværsreglernes tærskler). [`Default`] gives the numbers
/// of the domain brief (the Frederiksberg guideline plus the 10 % warning).
///
/// Units are chosen so that every comparison is exact integer arithmetic:
/// * `*_days` fields count **school days** (skoledage);
/// * `*_halves` fields are sums of day values in **half-days** (a day value of 1 is 2 halves,
///   0.5 is 1 half), so 7 days of absence is 14;
/// * `comes_and_goes_count` counts **registrations** with code `F` or `T`;
/// * `percent_permille` is a share in **per mille** (‰) of the school days so far: 10 % is 100.
///
/// A window of 0 days sums nothing (its sum is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Thresholds {
    /// Fravær i træk (consecutive): run length in school days with value 1. Default 5.
    pub consecutive_days: u32,
    /// Kort vindue (window_7_20): window length in school days. Default 20.
    pub short_window_days: u32,
    /// Kort vindue (window_7_20): minimum sum in half-days. Default 14 (7 days).
    pub short_window_halves: u32,
    /// Langt vindue (window_15_60): window length in school days. Default 60.
    pub long_window_days: u32,
    /// Langt vindue (window_15_60): minimum sum in half-days. Default 30 (15 days).
    pub long_window_halves: u32,
    /// Kommer og går (comes_and_goes): window length in school days. Default 20.
    pub comes_and_goes_days: u32,
    /// Kommer og går (comes_and_goes): minimum number of `F`/`T` registrations. Default 5.
    pub comes_and_goes_count: u32,
    /// Procent (percent_10): school days that must have passed in the school year. Default 20.
    pub percent_min_days: u32,
    /// Procent (percent_10): minimum share of the school days so far, in per mille. Default 100.
    pub percent_permille: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            consecutive_days: 5,
            short_window_days: 20,
            short_window_halves: 14,
            long_window_days: 60,
            long_window_halves: 30,
            comes_and_goes_days: 20,
            comes_and_goes_count: 5,
            percent_min_days: 20,
            percent_permille: 100,
        }
    }
}

impl Thresholds {
    /// Whether a sum of `halves` over `days` school days reaches the percent threshold:
    /// `halves / 2 / days >= permille / 1000`, i.e. `500 × halves >= permille × days`.
    pub fn reaches_percent(&self, halves: u64, days: u64) -> bool {
        500 * halves >= u64::from(self.percent_permille) * days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_exact() {
        let t = Thresholds::default();
        // 2 days of 20 is exactly 10 %.
        assert!(t.reaches_percent(4, 20));
        // 1.5 days of 20 is 7.5 %.
        assert!(!t.reaches_percent(3, 20));
        // 2.5 of 25 is exactly 10 %; 2.5 of 26 is not.
        assert!(t.reaches_percent(5, 25));
        assert!(!t.reaches_percent(5, 26));
        let t = Thresholds {
            percent_permille: 75,
            ..t
        };
        // 1.5 days of 20 is exactly 7.5 %.
        assert!(t.reaches_percent(3, 20));
        assert!(!t.reaches_percent(3, 21));
    }
}
