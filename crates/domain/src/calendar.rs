//! Danish calendar (dansk kalender): public holidays (helligdage), working days (arbejdsdage),
//! school years (skoleår) and school days (skoledage).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A Danish public holiday (helligdag) as listed in the domain brief. Påskedag and pinsedag are
/// left out: they are always Sundays and so never working or school days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PublicHoliday {
    Nytaarsdag,
    Skaertorsdag,
    Langfredag,
    AndenPaaskedag,
    /// Store bededag: abolished as a holiday from 2024 on.
    StoreBededag,
    KristiHimmelfartsdag,
    AndenPinsedag,
    Grundlovsdag,
    Juledag,
    AndenJuledag,
}

impl PublicHoliday {
    /// Machine name, ASCII, used in files and tests.
    pub fn id(self) -> &'static str {
        match self {
            Self::Nytaarsdag => "nytaarsdag",
            Self::Skaertorsdag => "skaertorsdag",
            Self::Langfredag => "langfredag",
            Self::AndenPaaskedag => "anden_paaskedag",
            Self::StoreBededag => "store_bededag",
            Self::KristiHimmelfartsdag => "kristi_himmelfartsdag",
            Self::AndenPinsedag => "anden_pinsedag",
            Self::Grundlovsdag => "grundlovsdag",
            Self::Juledag => "juledag",
            Self::AndenJuledag => "anden_juledag",
        }
    }

    /// Danish display name.
    pub fn navn(self) -> &'static str {
        match self {
            Self::Nytaarsdag => "Nytårsdag",
            Self::Skaertorsdag => "Skærtorsdag",
            Self::Langfredag => "Langfredag",
            Self::AndenPaaskedag => "2. påskedag",
            Self::StoreBededag => "Store bededag",
            Self::KristiHimmelfartsdag => "Kristi himmelfartsdag",
            Self::AndenPinsedag => "2. pinsedag",
            Self::Grundlovsdag => "Grundlovsdag",
            Self::Juledag => "Juledag",
            Self::AndenJuledag => "2. juledag",
        }
    }
}

/// Easter Sunday (påskedag) in the Gregorian calendar (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// Easter Sunday of `year`, from a table computed once for 1900–2199 (the rules ask about every
/// school day of every pupil, so the computation would otherwise run millions of times).
fn easter(year: i32) -> NaiveDate {
    static TABLE: std::sync::OnceLock<Vec<NaiveDate>> = std::sync::OnceLock::new();
    const FIRST: i32 = 1900;
    let table = TABLE.get_or_init(|| (FIRST..2200).map(easter_sunday).collect());
    usize::try_from(year - FIRST)
        .ok()
        .and_then(|i| table.get(i).copied())
        .unwrap_or_else(|| easter_sunday(year))
}

/// The public holidays (helligdage) of one year, sorted by date.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, PublicHoliday)> {
    use PublicHoliday::*;
    let easter = easter_sunday(year);
    let from_easter = |days: i64| easter + chrono::Duration::days(days);
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("fixed holiday");
    let mut days = vec![
        (fixed(1, 1), Nytaarsdag),
        (from_easter(-3), Skaertorsdag),
        (from_easter(-2), Langfredag),
        (from_easter(1), AndenPaaskedag),
        (from_easter(39), KristiHimmelfartsdag),
        (from_easter(50), AndenPinsedag),
        (fixed(6, 5), Grundlovsdag),
        (fixed(12, 25), Juledag),
        (fixed(12, 26), AndenJuledag),
    ];
    if year <= 2023 {
        days.push((from_easter(26), StoreBededag));
    }
    days.sort();
    days
}

/// The public holiday on `date`, if any. Computed directly (no list), because school-day
/// calculations ask it for every date of every pupil.
pub fn public_holiday(date: NaiveDate) -> Option<PublicHoliday> {
    use PublicHoliday::*;
    let (year, month, day) = (date.year(), date.month(), date.day());
    if (3..=6).contains(&month) {
        let found = match (date - easter(year)).num_days() {
            -3 => Some(Skaertorsdag),
            -2 => Some(Langfredag),
            1 => Some(AndenPaaskedag),
            26 if year <= 2023 => Some(StoreBededag),
            39 => Some(KristiHimmelfartsdag),
            50 => Some(AndenPinsedag),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    match (month, day) {
        (1, 1) => Some(Nytaarsdag),
        (6, 5) => Some(Grundlovsdag),
        (12, 25) => Some(Juledag),
        (12, 26) => Some(AndenJuledag),
        _ => None,
    }
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Working day (arbejdsdag): Monday–Friday and not a public holiday. School holidays are
/// working days.
pub fn is_working_day(date: NaiveDate) -> bool {
    is_weekday(date) && public_holiday(date).is_none()
}

/// The `n`th working day after `date` (`date` itself is not counted; `n = 0` gives `date`).
/// Used for deadlines such as "fraværssamråd within 7 working days".
pub fn add_working_days(date: NaiveDate, n: u32) -> NaiveDate {
    let mut day = date;
    let mut left = n;
    while left > 0 {
        day = day.succ_opt().expect("date in range");
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// School year (skoleår): 1 August to 31 July, named by the year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchoolYear(pub i32);

impl SchoolYear {
    pub fn of(date: NaiveDate) -> Self {
        if date.month() >= 8 {
            SchoolYear(date.year())
        } else {
            SchoolYear(date.year() - 1)
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 8, 1).expect("1 August")
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 7, 31).expect("31 July")
    }

    /// Danish label, e.g. "2024/25".
    pub fn label(self) -> String {
        format!("{}/{:02}", self.0, (self.0 + 1) % 100)
    }

    /// Reads «2024/25», «2024/2025», «2024-25» or «2024».
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (start, end) = match s.split_once(['/', '-']) {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (s, None),
        };
        let year: i32 = start.parse().ok().filter(|y| (1990..=2100).contains(y))?;
        match end {
            None => Some(SchoolYear(year)),
            Some(e) if e == format!("{:02}", (year + 1) % 100) || e == (year + 1).to_string() => Some(SchoolYear(year)),
            Some(_) => None,
        }
    }
}

/// One school's calendar (skolekalender): its school holidays (skoleferier) by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolCalendar {
    pub holidays: BTreeSet<NaiveDate>,
}

impl SchoolCalendar {
    /// School day at this school (skoledag): a working day that is not a school holiday.
    pub fn is_school_day(&self, date: NaiveDate) -> bool {
        is_working_day(date) && !self.holidays.contains(&date)
    }
}

/// A period in which a pupil is enrolled at one school (indskrivning); `to` is inclusive and
/// `None` means open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrolmentPeriod<S> {
    pub school: S,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl<S> EnrolmentPeriod<S> {
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.from && self.to.is_none_or(|to| date <= to)
    }

    /// Whether two periods share at least one date.
    pub fn overlaps<T>(&self, other: &EnrolmentPeriod<T>) -> bool {
        let ends_before = |to: Option<NaiveDate>, from: NaiveDate| to.is_some_and(|to| to < from);
        !(ends_before(self.to, other.from) || ends_before(other.to, self.from))
    }
}

/// A pupil's school days (elevens skoledage) from `from` to `to` inclusive: on each date the
/// calendar of the school the pupil is enrolled at on that date applies. `calendar_of` returns
/// the calendar of a school.
pub fn pupil_school_days<'a, S: 'a>(
    enrolments: &'a [EnrolmentPeriod<S>],
    calendar_of: impl Fn(&S) -> &'a SchoolCalendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| {
            enrolments
                .iter()
                .find(|e| e.contains(*d))
                .is_some_and(|e| calendar_of(&e.school).is_school_day(*d))
        })
        .collect()
}

/// All dates from `from` to `to` inclusive.
pub fn dates(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

/// `date` plus `n` calendar days.
pub fn plus_days(date: NaiveDate, n: u64) -> NaiveDate {
    date.checked_add_days(Days::new(n)).expect("date in range")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_known_dates() {
        assert_eq!(easter_sunday(2024), d("2024-03-31"));
        assert_eq!(easter_sunday(2025), d("2025-04-20"));
        assert_eq!(easter_sunday(2038), d("2038-04-25"));
        for year in [1899, 1900, 2026, 2199, 2200] {
            assert_eq!(easter(year), easter_sunday(year), "{year}: the table agrees");
        }
    }

    #[test]
    fn holiday_lookup_agrees_with_the_yearly_list() {
        for date in dates(d("2000-01-01"), d("2040-12-31")) {
            let listed = public_holidays(date.year())
                .into_iter()
                .find(|(h, _)| *h == date)
                .map(|(_, h)| h);
            assert_eq!(public_holiday(date), listed, "{date}");
        }
    }

    #[test]
    fn store_bededag_ends_after_2023() {
        assert_eq!(public_holiday(d("2023-05-05")), Some(PublicHoliday::StoreBededag));
        assert_eq!(public_holiday(d("2024-04-26")), None);
        assert!(is_working_day(d("2024-04-26")));
    }

    #[test]
    fn working_days_skip_weekends_and_easter() {
        // Friday 2025-04-11 + 7 working days: 14, 15, 16 (Mon–Wed), skærtorsdag 17,
        // langfredag 18 and 2. påskedag 21 are holidays, then 22, 23, 24, 25.
        assert_eq!(add_working_days(d("2025-04-11"), 7), d("2025-04-25"));
        assert_eq!(add_working_days(d("2025-04-11"), 0), d("2025-04-11"));
        // Saturday counts from the next working day.
        assert_eq!(add_working_days(d("2024-11-23"), 1), d("2024-11-25"));
    }

    #[test]
    fn school_year_boundaries() {
        assert_eq!(SchoolYear::of(d("2024-07-31")), SchoolYear(2023));
        assert_eq!(SchoolYear::of(d("2024-08-01")), SchoolYear(2024));
        assert_eq!(SchoolYear(2024).label(), "2024/25");
        assert_eq!(SchoolYear(2099).label(), "2099/00");
    }

    #[test]
    fn school_days_follow_enrolment_and_calendar() {
        let a = SchoolCalendar {
            holidays: [d("2024-10-14"), d("2024-10-15")].into(),
        };
        let b = SchoolCalendar::default();
        let enrolments = [
            EnrolmentPeriod {
                school: 'a',
                from: d("2024-10-01"),
                to: Some(d("2024-10-15")),
            },
            EnrolmentPeriod {
                school: 'b',
                from: d("2024-10-17"),
                to: None,
            },
        ];
        let days = pupil_school_days(
            &enrolments,
            |s| if *s == 'a' { &a } else { &b },
            d("2024-10-10"),
            d("2024-10-21"),
        );
        // 10, 11 at a; 12–13 weekend; 14–15 holiday at a; 16 not enrolled; 17, 18 at b;
        // 19–20 weekend; 21 at b.
        let want: Vec<_> = ["2024-10-10", "2024-10-11", "2024-10-17", "2024-10-18", "2024-10-21"]
            .map(d)
            .to_vec();
        assert_eq!(days, want);
    }

    #[test]
    fn overlap_is_inclusive() {
        let p = |from: &str, to: Option<&str>| EnrolmentPeriod {
            school: (),
            from: d(from),
            to: to.map(d),
        };
        assert!(p("2024-08-01", Some("2024-12-31")).overlaps(&p("2024-12-31", None)));
        assert!(!p("2024-08-01", Some("2024-12-30")).overlaps(&p("2024-12-31", None)));
        assert!(p("2024-08-01", None).overlaps(&p("2020-01-01", None)));
        assert!(!p("2025-01-01", None).overlaps(&p("2024-01-01", Some("2024-12-31"))));
    }
}
