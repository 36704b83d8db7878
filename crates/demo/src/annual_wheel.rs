//! Nordskolen's trivselshjul for this school year: the four default activities with `trivsel`
//! responsible, a year-group activity for 5. årgang with `laerer` responsible, and the first
//! period's activity done with a note (if the school year has come that far); and the
//! municipality's template that the other schools can start a year from.

use trivsel_domain::annual_wheel::{DEFAULT_ACTIVITIES, Level, period_dates};
use trivsel_domain::calendar::SchoolYear;
use trivsel_store::{NewActivity, Store, StoreError, TemplateActivity};

use crate::cases::Place;

pub(crate) async fn seed(store: &Store, place: &Place<'_>) -> Result<(), StoreError> {
    let year = SchoolYear::of(place.today);
    let at = year.first_day().and_hms_opt(9, 0, 0).expect("time").and_utc();
    let activity = |period: usize, title: &str, level: Level, level_name: &str, who: &str| {
        let (starts_on, due_on) = period_dates(year, period);
        NewActivity {
            institution_id: place.school_id,
            school_year: year.0,
            period,
            title: title.into(),
            level,
            level_name: level_name.into(),
            responsible_user_id: Some(place.users[who]),
            responsible_team: "LKT-teamet".into(),
            starts_on,
            due_on,
            by: place.users["leder"],
            at,
        }
    };
    let mut all: Vec<NewActivity> = DEFAULT_ACTIVITIES
        .iter()
        .map(|(p, t)| activity(*p, t, Level::School, "", "trivsel"))
        .collect();
    all.push(activity(
        1,
        "Venskabsklasser med 1. årgang",
        Level::YearGroup,
        "5. årgang",
        "laerer",
    ));
    let ids = store
        .add_activities(&all, &place.audit("leder", "annual_wheel.defaults", None))
        .await?;
    let template = DEFAULT_ACTIVITIES
        .iter()
        .map(|(p, t)| (*p, *t, Level::School, ""))
        .chain([(
            1,
            "Venskabsklasser på tværs af årgange",
            Level::YearGroup,
            "1. og 6. årgang",
        )]);
    for (period, title, level, level_name) in template {
        let item = TemplateActivity {
            id: 0,
            period,
            title: title.into(),
            level,
            level_name: level_name.into(),
            responsible_team: "LKT-teamet".into(),
        };
        let audit = place.audit("kommune", "annual_wheel.template.add", None);
        store
            .add_template_activity(place.municipality_id, &item, place.users["kommune"], at, &audit)
            .await?;
    }
    let (_, first_due) = period_dates(year, 0);
    if place.today > first_due {
        let done = first_due.and_hms_opt(15, 0, 0).expect("time").and_utc();
        store
            .complete_activity(
                place.school_id,
                ids[0],
                "Klasseregler hænger i alle klasser; trivselsdag holdt 12. september.",
                place.users["trivsel"],
                done,
                &place.audit("trivsel", "annual_wheel.done", None),
            )
            .await?;
    }
    Ok(())
}
