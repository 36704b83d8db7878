//! Addresses of pages, for links from one feature to another's page: a feature links through
//! these builders instead of importing the other feature. The paths are those of
//! `crate::routes()`.

/// A child's page.
pub fn child(id: i64) -> String {
    format!("/boern/{id}")
}

/// A page under a child's page, e.g. `child_page(7, "planer")` → `/boern/7/planer`.
pub fn child_page(id: i64, page: &str) -> String {
    format!("/boern/{id}/{page}")
}

/// A class's page.
pub fn class(id: i64) -> String {
    format!("/klasser/{id}")
}

/// A page under a class's page, e.g. `class_page(3, "fremmoede")` → `/klasser/3/fremmoede`.
pub fn class_page(id: i64, page: &str) -> String {
    format!("/klasser/{id}/{page}")
}

/// A class conference.
pub fn conference(class_id: i64, id: i64) -> String {
    format!("/klasser/{class_id}/konferencer/{id}")
}

/// A goal-and-intervention plan.
pub fn plan(id: i64) -> String {
    format!("/planer/{id}")
}

/// A meeting.
pub fn meeting(id: i64) -> String {
    format!("/moeder/{id}")
}
