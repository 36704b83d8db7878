//! The national well-being survey in the demo, through the same imports a municipality runs:
//! published results for every named school for the last two school years (one suppressed
//! cell), and pupil-level answers of Nordskolen's grades 4–8 in the last school year (today's
//! 5.A–9.A), from which the indicators are computed with the shipped question mapping.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::surveys::national::{Indicator, default_mapping};
use trivsel_store::{AuditEntry, Store};

use crate::imports::Files;

pub(crate) async fn seed(
    store: &Store,
    municipality_id: i64,
    schools: &[&str],
    last_year: SchoolYear,
    pupils: &[String],
    audit: &AuditEntry,
) -> Result<(), trivsel_import::ImportError> {
    // Its own generator, so the rest of the demo is the same with or without it.
    let mut rng = StdRng::seed_from_u64(562);
    let files = Files::new()?;
    let mut results = String::from("school;school_year;grade_group;indicator;value;respondents\n");
    for (s, code) in schools.iter().enumerate() {
        for year in [SchoolYear(last_year.0 - 1), last_year] {
            for group in ["4.-6. klasse", "7.-9. klasse"] {
                for ind in Indicator::ALL {
                    let suppressed = s == 3 && year != last_year && ind == Indicator::Order && group.starts_with('7');
                    let value = if suppressed {
                        "..".to_string()
                    } else {
                        format!("{:.1}", rng.random_range(3.6..4.3)).replace('.', ",")
                    };
                    results.push_str(&format!("{code};{};{group};{};{value};84\n", year.label(), ind.navn()));
                }
            }
        }
    }
    let mut answers = String::from("pupil_id,school_year,question,answer\n");
    let items = default_mapping();
    for pupil in pupils {
        // Most pupils thrive; some less so; a few skip questions.
        let mood: i32 = [5, 4, 4, 4, 3, 4, 5, 2, 4, 3][rng.random_range(0..10)];
        for item in &items {
            let answer = if rng.random_bool(0.05) {
                "Ønsker ikke at svare".to_string()
            } else {
                let value = (mood + rng.random_range(-1..=1)).clamp(1, 5);
                // A question asked the other way round is answered the other way round.
                (if item.reversed { 6 - value } else { value }).to_string()
            };
            answers.push_str(&format!("{pupil},{},{},{answer}\n", last_year.label(), item.question));
        }
    }
    let m = municipality_id;
    trivsel_import::import_survey_results(store, m, &files.write("trivselsmaaling.csv", &results)?, audit, &()).await?;
    trivsel_import::import_survey_answers(store, m, &files.write("elevsvar.csv", &answers)?, &items, audit, &())
        .await?;
    Ok(())
}
