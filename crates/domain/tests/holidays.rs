//! Checks the holiday calendar against a table from an independent source
//! (`fixtures/danish_holidays_2000_2040.csv`; its header says where it comes from).

use std::collections::BTreeMap;

use trivsel_domain::NaiveDate;
use trivsel_domain::calendar::{is_working_day, public_holidays};

#[test]
fn holidays_2000_to_2040_match_independent_table() {
    let table = include_str!("fixtures/danish_holidays_2000_2040.csv");
    let mut expected: BTreeMap<i32, Vec<(NaiveDate, String)>> = BTreeMap::new();
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let (date, name) = line.split_once(',').expect("date,holiday");
        let date: NaiveDate = date.parse().expect("date");
        expected
            .entry(date.format("%Y").to_string().parse().unwrap())
            .or_default()
            .push((date, name.to_string()));
    }
    assert_eq!(expected.len(), 41, "the table covers 2000–2040");
    for (year, want) in expected {
        let got: Vec<(NaiveDate, String)> = public_holidays(year)
            .into_iter()
            .map(|(d, h)| (d, h.id().to_string()))
            .collect();
        assert_eq!(got, want, "holidays of {year}");
        for (date, _) in &got {
            assert!(!is_working_day(*date), "{date} is a holiday, not a working day");
        }
    }
}
