//! Checks the absence engine against an independent reference written straight from the
//! domain brief (DOMAIN.md, "Absence rules (version 1) — exact semantics" and "Quarterly
//! unlawful-absence report").
//!
//! The reference is naive on purpose: for every school day it recomputes each condition from
//! scratch over the list of school days, with exact fractions. From the crate it uses only the
//! types it compares (`Code` letters, `Rule` ids, `Quarter`, `EnrolmentPeriod`,
//! `SchoolCalendar` holidays) and `is_working_day` (weekdays minus public holidays, checked
//! against an independent table in `holidays.rs`).
//!
//! The data come from a small deterministic generator written here: three schools with
//! different school holidays, moves between them within and across school years, enrolment
//! gaps, half days, per-lesson registration, missing and replaced registrations,
//! registrations on weekends and holidays, F/T codes, and data over three school years.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use trivsel_domain::NaiveDate;
use trivsel_domain::absence::{Code, Quarter, Rule, Thresholds, events, quarter_report, quarter_share, rules_holding};
use trivsel_domain::calendar::{EnrolmentPeriod, SchoolCalendar, is_working_day};

// ---------------------------------------------------------------------------------------------
// Exact fractions.

#[derive(Debug, Clone, Copy)]
struct Frac {
    n: i128,
    d: i128,
}

fn frac(n: i128, d: i128) -> Frac {
    assert!(d > 0);
    Frac { n, d }
}

impl Frac {
    fn add(self, o: Frac) -> Frac {
        if self.d == o.d {
            frac(self.n + o.n, self.d)
        } else {
            frac(self.n * o.d + o.n * self.d, self.d * o.d).reduced()
        }
    }

    fn reduced(self) -> Frac {
        let (mut a, mut b) = (self.n.abs(), self.d);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let g = a.max(1);
        frac(self.n / g, self.d / g)
    }

    fn ge(self, o: Frac) -> bool {
        self.n * o.d >= o.n * self.d
    }

    fn is(self, n: i128) -> bool {
        self.n == n * self.d
    }
}

// ---------------------------------------------------------------------------------------------
// The reference, from DOMAIN.md.

/// Thresholds as the brief states them: days of value as fractions, shares as fractions.
#[derive(Debug, Clone, Copy)]
struct RefThresholds {
    consecutive: usize,
    short: (usize, Frac),
    long: (usize, Frac),
    comes_and_goes: (usize, usize),
    percent: (usize, Frac),
}

/// One school day of the reference: date, school, registrations in force (slot → code).
struct RefDay {
    date: NaiveDate,
    school: char,
    codes: Vec<char>,
}

impl RefDay {
    fn count(&self, f: impl Fn(char) -> bool) -> usize {
        self.codes.iter().filter(|c| f(**c)).count()
    }

    /// "Value = 1 if R > 0 and A = R; 0.5 if 0 < A < R; 0 otherwise."
    fn value_with(&self, absent: impl Fn(char) -> bool) -> Frac {
        let r = self.codes.len();
        let a = self.count(absent);
        if r > 0 && a == r {
            frac(1, 1)
        } else if 0 < a && a < r {
            frac(1, 2)
        } else {
            frac(0, 1)
        }
    }

    fn value(&self) -> Frac {
        self.value_with(|c| matches!(c, 'S' | 'L' | 'U'))
    }

    fn unlawful(&self) -> Frac {
        self.value_with(|c| c == 'U')
    }

    fn late_or_left(&self) -> usize {
        self.count(|c| matches!(c, 'F' | 'T'))
    }
}

struct Pupil {
    enrolments: Vec<EnrolmentPeriod<char>>,
    registrations: Vec<(NaiveDate, u8, Code)>,
}

fn school_year_start(date: NaiveDate) -> NaiveDate {
    let y: i32 = date.format("%Y").to_string().parse().unwrap();
    let m: u32 = date.format("%m").to_string().parse().unwrap();
    let y = if m >= 8 { y } else { y - 1 };
    NaiveDate::from_ymd_opt(y, 8, 1).unwrap()
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap()
}

/// The school the pupil is enrolled at on `date` if `date` is one of its school days.
fn ref_school_day(pupil: &Pupil, cals: &HashMap<char, SchoolCalendar>, date: NaiveDate) -> Option<char> {
    let e = pupil
        .enrolments
        .iter()
        .find(|e| e.from <= date && e.to.is_none_or(|to| date <= to))?;
    let school_holiday = cals[&e.school].holidays.contains(&date);
    (is_working_day(date) && !school_holiday).then_some(e.school)
}

/// The registrations in force: a later one for the same (date, slot) replaces an earlier one.
fn in_force(pupil: &Pupil) -> BTreeMap<(NaiveDate, u8), char> {
    let mut map = BTreeMap::new();
    for (date, slot, code) in &pupil.registrations {
        map.insert((*date, *slot), code.as_char());
    }
    map
}

/// The pupil's school days from `from` to `to` inclusive with their registrations.
fn ref_days(
    pupil: &Pupil,
    cals: &HashMap<char, SchoolCalendar>,
    regs: &BTreeMap<(NaiveDate, u8), char>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<RefDay> {
    let mut out = Vec::new();
    let mut date = from;
    while date <= to {
        if let Some(school) = ref_school_day(pupil, cals, date) {
            let codes = regs.range((date, 0)..=(date, u8::MAX)).map(|(_, c)| *c).collect();
            out.push(RefDay { date, school, codes });
        }
        date = next_day(date);
    }
    out
}

fn sum(days: &[RefDay], f: impl Fn(&RefDay) -> Frac) -> Frac {
    days.iter().fold(frac(0, 1), |s, d| s.add(f(d)))
}

/// The last `w` school days up to and including `i` (fewer if fewer exist).
fn window(days: &[RefDay], i: usize, w: usize) -> &[RefDay] {
    &days[(i + 1).saturating_sub(w)..=i]
}

/// Whether `rule` holds on school day `i` of one school year's days, recomputed from scratch.
fn ref_holds(rule: Rule, days: &[RefDay], i: usize, t: &RefThresholds) -> bool {
    match rule.id() {
        "consecutive" => {
            let run = days[..=i].iter().rev().take_while(|d| d.value().is(1)).count();
            run >= t.consecutive
        }
        "window_7_20" => sum(window(days, i, t.short.0), RefDay::value).ge(t.short.1),
        "window_15_60" => sum(window(days, i, t.long.0), RefDay::value).ge(t.long.1),
        "comes_and_goes" => {
            let n: usize = window(days, i, t.comes_and_goes.0)
                .iter()
                .map(RefDay::late_or_left)
                .sum();
            n >= t.comes_and_goes.1
        }
        "percent_10" => {
            let so_far = i + 1;
            let share_reached = sum(&days[..=i], RefDay::value).ge(frac(t.percent.1.n * so_far as i128, t.percent.1.d));
            so_far >= t.percent.0 && share_reached
        }
        other => panic!("unknown rule {other}"),
    }
}

/// The reference's answer for one pupil: every trigger (date, rule id, whether the pupil was
/// at another school earlier in the same school year), sorted by date and rule id, and the
/// rules holding on each school day.
struct RefResult {
    events: Vec<(NaiveDate, &'static str, bool)>,
    holding: Vec<(NaiveDate, Vec<&'static str>)>,
}

/// Evaluates the school years from `first_year_start` up to the one containing `last`, each
/// from its 1 August.
fn ref_evaluate(
    pupil: &Pupil,
    cals: &HashMap<char, SchoolCalendar>,
    regs: &BTreeMap<(NaiveDate, u8), char>,
    t: &RefThresholds,
    first_year_start: NaiveDate,
    last: NaiveDate,
) -> RefResult {
    let mut out = RefResult {
        events: vec![],
        holding: vec![],
    };
    let mut start = first_year_start;
    while start <= last {
        let end = NaiveDate::from_ymd_opt(start.format("%Y").to_string().parse::<i32>().unwrap() + 1, 7, 31).unwrap();
        let days = ref_days(pupil, cals, regs, start, end);
        let holds: Vec<[bool; 5]> = (0..days.len())
            .map(|i| Rule::ALL.map(|rule| ref_holds(rule, &days, i, t)))
            .collect();
        for i in 0..days.len() {
            for (r, rule) in Rule::ALL.into_iter().enumerate() {
                let now = holds[i][r];
                let before = i > 0 && holds[i - 1][r];
                if now && !before {
                    let moved = days[..i].iter().any(|d| d.school != days[i].school);
                    out.events.push((days[i].date, rule.id(), moved));
                }
            }
            let holding = Rule::ALL
                .into_iter()
                .zip(holds[i])
                .filter(|(_, h)| *h)
                .map(|(r, _)| r.id())
                .collect();
            out.holding.push((days[i].date, holding));
        }
        start = next_day(end);
    }
    out.events.sort();
    out
}

impl RefResult {
    /// The rules holding on the pupil's last school day on or before `on` in its school year.
    fn holding_on(&self, on: NaiveDate) -> Vec<&'static str> {
        self.holding
            .iter()
            .rev()
            .find(|(date, _)| *date <= on)
            .filter(|(date, _)| school_year_start(*date) == school_year_start(on))
            .map(|(_, rules)| rules.clone())
            .unwrap_or_default()
    }
}

/// `n / d` rounded half-up to 4 decimals by long division.
fn ref_decimal(n: i128, d: i128) -> String {
    let whole = n / d;
    let mut rem = n % d;
    let mut digits = [0i128; 5];
    for digit in &mut digits {
        rem *= 10;
        *digit = rem / d;
        rem %= d;
    }
    let mut scaled = whole * 10_000 + digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
    if digits[4] >= 5 {
        scaled += 1;
    }
    format!(
        "{}.{}{}{}{}",
        scaled / 10_000,
        scaled / 1000 % 10,
        scaled / 100 % 10,
        scaled / 10 % 10,
        scaled % 10
    )
}

/// The pupil's line of the quarterly report: (school, share) if unlawful absence ≥ 15 %;
/// also the number of school days in the quarter.
fn ref_quarter(
    pupil: &Pupil,
    cals: &HashMap<char, SchoolCalendar>,
    regs: &BTreeMap<(NaiveDate, u8), char>,
    first: NaiveDate,
    last: NaiveDate,
) -> (usize, Option<(char, String)>) {
    let days = ref_days(pupil, cals, regs, first, last);
    let Some(last_day) = days.last() else {
        return (0, None);
    };
    let unlawful = sum(&days, RefDay::unlawful);
    let n = days.len() as i128;
    // share = unlawful / n ≥ 15/100
    let listed = unlawful.ge(frac(15 * n, 100));
    let line = listed.then(|| (last_day.school, ref_decimal(unlawful.n, unlawful.d * n)));
    (days.len(), line)
}

/// The engine's share formatting against the long division for every share n/d with
/// d ≤ 600 (twice the school days of a quarter, with room to spare).
#[test]
fn share_text_matches_long_division() {
    for den in 1..=600u64 {
        for num in 0..=den {
            assert_eq!(
                trivsel_domain::absence::quarter::share_text(num, den),
                ref_decimal(i128::from(num), i128::from(den)),
                "{num}/{den}"
            );
        }
    }
}

#[test]
fn reference_decimal_rounding() {
    assert_eq!(ref_decimal(1, 6), "0.1667");
    assert_eq!(ref_decimal(3, 20), "0.1500");
    assert_eq!(ref_decimal(1, 1), "1.0000");
    assert_eq!(ref_decimal(1, 20_000), "0.0001");
    assert_eq!(ref_decimal(19_999, 20_000), "1.0000");
}

// ---------------------------------------------------------------------------------------------
// Deterministic data.

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent` / 100.
    fn pct(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    (0..days).fold(date, |d, _| next_day(d))
}

fn span(from: &str, to: &str) -> Vec<NaiveDate> {
    let mut out = vec![];
    let mut date = d(from);
    while date <= d(to) {
        out.push(date);
        date = next_day(date);
    }
    out
}

/// Data run from 1 June 2023 to 31 January 2025: parts of three school years.
const FIRST: &str = "2023-06-01";
const LAST: &str = "2025-01-31";

fn calendars() -> HashMap<char, SchoolCalendar> {
    let mut a = BTreeSet::new();
    for (from, to) in [
        ("2023-06-26", "2023-08-09"),
        ("2023-10-16", "2023-10-20"),
        ("2023-12-21", "2024-01-02"),
        ("2024-02-12", "2024-02-16"),
        ("2024-03-25", "2024-03-27"),
        ("2024-05-10", "2024-05-10"),
        ("2024-06-28", "2024-08-11"),
        ("2024-10-14", "2024-10-18"),
        ("2024-12-20", "2025-01-03"),
    ] {
        a.extend(span(from, to));
    }
    let mut b = BTreeSet::new();
    for (from, to) in [
        ("2023-06-23", "2023-08-13"),
        ("2023-10-23", "2023-10-27"),
        ("2023-12-22", "2024-01-01"),
        ("2024-02-19", "2024-02-23"),
        ("2024-06-21", "2024-08-08"),
        ("2024-10-21", "2024-10-25"),
        ("2024-12-23", "2025-01-01"),
    ] {
        b.extend(span(from, to));
    }
    // School c: summer holidays and scattered single days.
    let mut rng = Rng(0xC0FF_EE00_1234_5678);
    let mut c: BTreeSet<NaiveDate> = span("2023-06-30", "2023-08-06").into_iter().collect();
    c.extend(span("2024-06-29", "2024-08-04"));
    for date in span(FIRST, LAST) {
        if rng.pct(4) {
            c.insert(date);
        }
    }
    [('A', a), ('B', b), ('C', c)]
        .into_iter()
        .map(|(s, holidays)| (s, SchoolCalendar { holidays }))
        .collect()
}

/// A random date from `from` up to `days` days later.
fn some_date(rng: &mut Rng, from: &str, days: u64) -> NaiveDate {
    plus(d(from), rng.below(days + 1))
}

fn enrolments(rng: &mut Rng) -> Vec<EnrolmentPeriod<char>> {
    let e = |school, from, to| EnrolmentPeriod { school, from, to };
    let other = |s: char| if s == 'A' { 'B' } else { 'A' };
    let s = rng.pick(&['A', 'B', 'C']);
    match rng.below(7) {
        // Enrolled throughout.
        0 => vec![e(s, d("2023-05-01"), None)],
        // A move within a school year, the next day or after a gap.
        1 | 2 => {
            let moved = some_date(rng, "2023-09-01", 500);
            let gap = rng.pick(&[0, 0, 1, 3, 12]);
            vec![
                e(s, d("2023-05-01"), Some(moved)),
                e(other(s), plus(moved, 1 + gap), None),
            ]
        }
        // A move at the end of the school year.
        3 => vec![
            e(s, d("2023-06-15"), Some(d("2024-07-31"))),
            e(other(s), d("2024-08-01"), None),
        ],
        // Starts late and ends early.
        4 => {
            let from = some_date(rng, "2023-07-01", 300);
            vec![e(s, from, Some(plus(from, rng.below(330))))]
        }
        // Leaves for a while and comes back to the same school.
        5 => {
            let left = some_date(rng, "2023-10-01", 300);
            let back = plus(left, 5 + rng.below(60));
            vec![e(s, d("2023-05-01"), Some(left)), e(s, back, None)]
        }
        // Three schools.
        _ => {
            let m1 = some_date(rng, "2023-08-15", 200);
            let m2 = plus(m1, 20 + rng.below(200));
            vec![
                e('A', d("2023-05-01"), Some(m1)),
                e('C', next_day(m1), Some(m2)),
                e('B', next_day(m2), None),
            ]
        }
    }
}

fn code(c: char) -> Code {
    Code::from_char(c).unwrap()
}

/// One pupil's registrations, day by day, in a pattern of its own.
fn registrations(rng: &mut Rng) -> Vec<(NaiveDate, u8, Code)> {
    let absence_start = rng.pick(&[1, 2, 4, 8, 15, 30]);
    let late = rng.pick(&[0, 0, 5, 15, 35]);
    let missing = rng.pick(&[0, 1, 3, 8]);
    let unlawful_bias = rng.pick(&[10, 40, 80]);
    let per_lesson = rng.pct(25);
    let weekends = rng.pct(30);
    let start = some_date(rng, FIRST, 120);
    let mut regs = Vec::new();
    let mut absent_left = 0u64;
    let mut absent_code = 'S';
    for date in span(FIRST, LAST) {
        let weekday = date.format("%u").to_string();
        if date < start || (matches!(weekday.as_str(), "6" | "7") && !(weekends && rng.pct(20))) {
            continue;
        }
        // Holidays and non-enrolled days get registrations too (they are ignored).
        if rng.pct(missing) {
            continue;
        }
        let slots: u8 = if per_lesson { 4 + rng.below(4) as u8 } else { 2 };
        if absent_left == 0 && rng.pct(absence_start) {
            let longest = rng.pick(&[2, 4, 9]);
            absent_left = 1 + rng.below(longest);
            absent_code = if rng.pct(unlawful_bias) {
                'U'
            } else {
                rng.pick(&['S', 'S', 'L'])
            };
        }
        let mut day: Vec<char> = vec!['P'; usize::from(slots)];
        if absent_left > 0 {
            absent_left -= 1;
            day.fill(absent_code);
            match rng.below(10) {
                // Partial day: absent in the morning, present in the afternoon.
                0 | 1 => day[usize::from(slots) / 2..].fill('P'),
                // Mixed absence codes.
                2 => day[0] = rng.pick(&['S', 'L', 'U']),
                _ => {}
            }
        } else if rng.pct(late) {
            let slot = rng.below(u64::from(slots)) as usize;
            day[slot] = rng.pick(&['F', 'T']);
        } else if rng.pct(3) {
            // One lesson or afternoon skipped.
            day[usize::from(slots) - 1] = rng.pick(&['U', 'L', 'S']);
        }
        for (i, c) in day.into_iter().enumerate() {
            let slot = i as u8 + 1;
            // Sometimes a registration is first made wrongly, then replaced.
            if rng.pct(6) {
                regs.push((date, slot, code(rng.pick(&['P', 'S', 'L', 'U', 'F', 'T']))));
            }
            // Sometimes a slot stays unregistered (R counts only what is there).
            if !(per_lesson && rng.pct(2)) {
                regs.push((date, slot, code(c)));
            }
        }
    }
    // Late corrections appended at the end replace earlier registrations.
    let corrections = regs.len() / 40;
    for _ in 0..corrections {
        let (date, slot, _) = regs[rng.below(regs.len() as u64) as usize];
        regs.push((date, slot, code(rng.pick(&['P', 'U', 'S', 'F']))));
    }
    // Stored order is not date order: swap some entries. A swap may also change which of two
    // registrations for the same (date, slot) is the later one; both sides read the same list,
    // so that is just another input.
    for _ in 0..regs.len() / 10 {
        let i = rng.below(regs.len() as u64) as usize;
        let j = rng.below(regs.len() as u64) as usize;
        regs.swap(i, j);
    }
    regs
}

fn to_engine(t: &RefThresholds) -> Thresholds {
    let halves = |f: Frac| {
        assert_eq!((2 * f.n) % f.d, 0);
        (2 * f.n / f.d) as u32
    };
    assert_eq!((1000 * t.percent.1.n) % t.percent.1.d, 0);
    Thresholds {
        consecutive_days: t.consecutive as u32,
        short_window_days: t.short.0 as u32,
        short_window_halves: halves(t.short.1),
        long_window_days: t.long.0 as u32,
        long_window_halves: halves(t.long.1),
        comes_and_goes_days: t.comes_and_goes.0 as u32,
        comes_and_goes_count: t.comes_and_goes.1 as u32,
        percent_min_days: t.percent.0 as u32,
        percent_permille: (1000 * t.percent.1.n / t.percent.1.d) as u32,
    }
}

// ---------------------------------------------------------------------------------------------
// The comparison.

#[test]
fn engine_matches_reference() {
    let cals = calendars();
    let brief = RefThresholds {
        consecutive: 5,
        short: (20, frac(7, 1)),
        long: (60, frac(15, 1)),
        comes_and_goes: (20, 5),
        percent: (20, frac(10, 100)),
    };
    assert_eq!(to_engine(&brief), Thresholds::default());
    // Another municipality: 3 in a row, 5 of 20, 12.5 of 40, 3 F/T in 10 days, 7.5 % after 10.
    let other = RefThresholds {
        consecutive: 3,
        short: (20, frac(5, 1)),
        long: (40, frac(25, 2)),
        comes_and_goes: (10, 3),
        percent: (10, frac(75, 1000)),
    };
    // Calendar quarters with their first and last days written out.
    let quarters: Vec<(Quarter, NaiveDate, NaiveDate)> = [
        ("2023Q2", "2023-04-01", "2023-06-30"),
        ("2023Q3", "2023-07-01", "2023-09-30"),
        ("2023Q4", "2023-10-01", "2023-12-31"),
        ("2024Q1", "2024-01-01", "2024-03-31"),
        ("2024Q2", "2024-04-01", "2024-06-30"),
        ("2024Q3", "2024-07-01", "2024-09-30"),
        ("2024Q4", "2024-10-01", "2024-12-31"),
        ("2025Q1", "2025-01-01", "2025-03-31"),
    ]
    .into_iter()
    .map(|(q, first, last)| (Quarter::parse(q).unwrap(), d(first), d(last)))
    .collect();
    for (q, first, last) in &quarters {
        assert_eq!((q.first_day(), q.last_day()), (*first, *last), "{q}");
    }
    let (first, last) = (d(FIRST), d(LAST));
    let first_year = school_year_start(d("2022-12-01"));

    let mut rng = Rng(0x7472_6976_7365_6C21);
    let pupils = 300;
    let mut compared_events = 0usize;
    let mut per_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut by_school_year: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut after_move = 0usize;
    let mut ranges = 0usize;
    let mut holding_checks = 0usize;
    let (mut listed, mut not_listed, mut quarter_b) = (0usize, 0usize, 0usize);
    for p in 0..pupils {
        let pupil = Pupil {
            enrolments: enrolments(&mut rng),
            registrations: registrations(&mut rng),
        };
        let cal = |s: &char| &cals[s];
        let regs = in_force(&pupil);

        for (name, t) in [("brief", &brief), ("other", &other)] {
            let reference = ref_evaluate(&pupil, &cals, &regs, t, first_year, last);
            let engine_t = to_engine(t);
            let mut checks = vec![
                (first, last),
                (d("2022-08-01"), d("2025-07-31")),
                (d("2024-08-01"), d("2024-08-01")),
                (d("2024-09-30"), d("2024-09-01")),
            ];
            for _ in 0..4 {
                let from = some_date(&mut rng, "2023-05-01", 660);
                let longest = rng.pick(&[3, 40, 400]);
                checks.push((from, plus(from, rng.below(longest))));
            }
            for (from, to) in checks {
                let want: Vec<(NaiveDate, &str)> = reference
                    .events
                    .iter()
                    .filter(|(date, _, _)| from <= *date && *date <= to)
                    .map(|(date, rule, _)| (*date, *rule))
                    .collect();
                let got: Vec<(NaiveDate, &str)> =
                    events(&pupil.enrolments, cal, &pupil.registrations, &engine_t, from, to)
                        .into_iter()
                        .map(|(date, rule)| (date, rule.id()))
                        .collect();
                assert_eq!(got, want, "pupil {p}, thresholds {name}, range {from}..={to}");
                compared_events += want.len();
                ranges += 1;

                let holding: Vec<&str> = rules_holding(&pupil.enrolments, cal, &pupil.registrations, &engine_t, to)
                    .into_iter()
                    .map(Rule::id)
                    .collect();
                assert_eq!(
                    holding,
                    reference.holding_on(to),
                    "pupil {p}, thresholds {name}, holding on {to}"
                );
                holding_checks += 1;
            }
            for (date, rule, moved) in &reference.events {
                *per_rule.entry((name, rule)).or_default() += 1;
                *by_school_year.entry(school_year_start(*date)).or_default() += 1;
                after_move += usize::from(*moved);
            }
        }

        for (q, q_first, q_last) in &quarters {
            let (days, want) = ref_quarter(&pupil, &cals, &regs, *q_first, *q_last);
            let got =
                quarter_report(&pupil.enrolments, cal, &pupil.registrations, *q).map(|s| (s.school, s.share_text()));
            assert_eq!(got, want, "pupil {p}, quarter {q}");
            let share = quarter_share(&pupil.enrolments, cal, &pupil.registrations, *q);
            assert_eq!(
                share.map_or(0, |s| s.school_days as usize),
                days,
                "pupil {p}, quarter {q}"
            );
            match want {
                Some((school, _)) => {
                    listed += 1;
                    quarter_b += usize::from(school == 'B');
                }
                None if days > 0 => not_listed += 1,
                None => {}
            }
        }
    }

    eprintln!(
        "{pupils} pupils, {ranges} ranges, {compared_events} events compared, \
         {holding_checks} 'holding now' checks, quarter lines {listed} listed / {not_listed} not; \
         by rule {per_rule:?}, by school year {by_school_year:?}, {after_move} after a move"
    );
    for name in ["brief", "other"] {
        for rule in Rule::ALL {
            let n = per_rule.get(&(name, rule.id())).copied().unwrap_or(0);
            assert!(n >= 3, "{rule} rarely triggers with {name}: {per_rule:?}");
        }
    }
    assert!(by_school_year.len() >= 2, "{by_school_year:?}");
    assert!(after_move > 10, "{after_move}");
    assert!(listed > 10 && not_listed > 10 && quarter_b > 0);
    assert!(compared_events > 5_000);
}
