//! The clock. Pages take "today" from here, the local Danish date, and pass it to the domain,
//! which never reads the clock itself.

use chrono::{DateTime, Local, NaiveDate, Utc};

/// Today's local date: a consent revoked today no longer gives access today.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The current instant, for timestamps that are stored.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}
