//! Monthly absence reviews (månedlig gennemgang) at the four named schools, so the municipal
//! overview's compliance figure has something to count: most classes' months reviewed by the
//! deadline, some late, a few not at all.

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use trivsel_domain::calendar::SchoolYear;
use trivsel_domain::deadlines::{Month, monthly_review_deadline};
use trivsel_store::{Institution, Store, StoreError};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>, schools: &[&Institution]) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(19);
    let mut reviewed = 0;
    let first = Month::of(SchoolYear::of(place.today).first_day());
    for school in schools {
        for class in store.classes(school.id).await? {
            if store.class_pupils(class.id, place.today).await?.is_empty() {
                continue;
            }
            let mut month = first;
            while monthly_review_deadline(month) < place.today {
                let deadline = monthly_review_deadline(month);
                let on: Option<NaiveDate> = match rng.random_range(0..100) {
                    0..80 => Some(deadline - Days::new(rng.random_range(0..20))),
                    80..93 => Some(deadline + Days::new(rng.random_range(1..12))),
                    _ => None,
                };
                if let Some(on) = on.filter(|d| *d < place.today) {
                    let at = on.and_hms_opt(14, 0, 0).expect("time").and_utc();
                    let audit = place.audit("leder", "absence.review", None);
                    store
                        .record_review(class.id, month, place.users["leder"], at, None, &audit)
                        .await?;
                    reviewed += 1;
                }
                month = month.next();
            }
        }
    }
    Ok(reviewed)
}
