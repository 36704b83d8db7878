//! Opening a database from its URL and running the backend's migrations.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::writer::SqliteWriter;
use crate::{Pool, Result, Store, StoreError};

/// Used when neither `--db` nor `TRIVSEL_DATABASE_URL` is given.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://trivsel.db";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One migration per file and backend, embedded in the binary. Never edit one that has landed.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "identity_audit",
        include_str!("../migrations/sqlite/0002_identity_audit.sql"),
    ),
    (3, "absence", include_str!("../migrations/sqlite/0003_absence.sql")),
    (
        4,
        "absence_reviews",
        include_str!("../migrations/sqlite/0004_absence_reviews.sql"),
    ),
    (5, "cases", include_str!("../migrations/sqlite/0005_cases.sql")),
    (
        6,
        "alert_evaluations",
        include_str!("../migrations/sqlite/0006_alert_evaluations.sql"),
    ),
    (7, "meetings", include_str!("../migrations/sqlite/0007_meetings.sql")),
    (
        8,
        "meeting_sequence",
        include_str!("../migrations/sqlite/0008_meeting_sequence.sql"),
    ),
    (
        9,
        "notification_kinds",
        include_str!("../migrations/sqlite/0009_notification_kinds.sql"),
    ),
    (
        10,
        "second_factor_attempts",
        include_str!("../migrations/sqlite/0010_second_factor_attempts.sql"),
    ),
    (
        11,
        "login_devices",
        include_str!("../migrations/sqlite/0011_login_devices.sql"),
    ),
    (
        12,
        "guardians_and_assignments",
        include_str!("../migrations/sqlite/0012_guardians_and_assignments.sql"),
    ),
    (
        13,
        "one_samraad_per_alert",
        include_str!("../migrations/sqlite/0013_one_samraad_per_alert.sql"),
    ),
    (
        14,
        "parent_warnings",
        include_str!("../migrations/sqlite/0014_parent_warnings.sql"),
    ),
    (
        15,
        "absence_reports",
        include_str!("../migrations/sqlite/0015_absence_reports.sql"),
    ),
    (
        16,
        "absence_notices",
        include_str!("../migrations/sqlite/0016_absence_notices.sql"),
    ),
    (
        17,
        "pku_agreements",
        include_str!("../migrations/sqlite/0017_pku_agreements.sql"),
    ),
    (
        18,
        "parent_contacts",
        include_str!("../migrations/sqlite/0018_parent_contacts.sql"),
    ),
    (
        19,
        "pku_decisions",
        include_str!("../migrations/sqlite/0019_pku_decisions.sql"),
    ),
    (
        20,
        "meeting_duties",
        include_str!("../migrations/sqlite/0020_meeting_duties.sql"),
    ),
    (
        21,
        "absence_years",
        include_str!("../migrations/sqlite/0021_absence_years.sql"),
    ),
    (
        22,
        "absence_versions",
        include_str!("../migrations/sqlite/0022_absence_versions.sql"),
    ),
    (
        23,
        "underretninger",
        include_str!("../migrations/sqlite/0023_underretninger.sql"),
    ),
    (24, "bullying", include_str!("../migrations/sqlite/0024_bullying.sql")),
    (
        25,
        "what_follows_the_child",
        include_str!("../migrations/sqlite/0025_what_follows_the_child.sql"),
    ),
    (
        26,
        "transition_forms",
        include_str!("../migrations/sqlite/0026_transition_forms.sql"),
    ),
    (
        27,
        "class_surveys",
        include_str!("../migrations/sqlite/0027_class_surveys.sql"),
    ),
    (
        28,
        "national_survey",
        include_str!("../migrations/sqlite/0028_national_survey.sql"),
    ),
    (
        29,
        "assessments",
        include_str!("../migrations/sqlite/0029_assessments.sql"),
    ),
    (
        30,
        "learning_groups",
        include_str!("../migrations/sqlite/0030_learning_groups.sql"),
    ),
    (
        31,
        "annual_wheel",
        include_str!("../migrations/sqlite/0031_annual_wheel.sql"),
    ),
    (
        32,
        "status_texts",
        include_str!("../migrations/sqlite/0032_status_texts.sql"),
    ),
    (
        33,
        "wheel_templates",
        include_str!("../migrations/sqlite/0033_wheel_templates.sql"),
    ),
    (
        34,
        "alert_reevaluation",
        include_str!("../migrations/sqlite/0034_alert_reevaluation.sql"),
    ),
    (
        35,
        "year_groups",
        include_str!("../migrations/sqlite/0035_year_groups.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "identity_audit",
        include_str!("../migrations/postgres/0002_identity_audit.sql"),
    ),
    (3, "absence", include_str!("../migrations/postgres/0003_absence.sql")),
    (
        4,
        "absence_reviews",
        include_str!("../migrations/postgres/0004_absence_reviews.sql"),
    ),
    (5, "cases", include_str!("../migrations/postgres/0005_cases.sql")),
    (
        6,
        "alert_evaluations",
        include_str!("../migrations/postgres/0006_alert_evaluations.sql"),
    ),
    (7, "meetings", include_str!("../migrations/postgres/0007_meetings.sql")),
    (
        8,
        "meeting_sequence",
        include_str!("../migrations/postgres/0008_meeting_sequence.sql"),
    ),
    (
        9,
        "notification_kinds",
        include_str!("../migrations/postgres/0009_notification_kinds.sql"),
    ),
    (
        10,
        "second_factor_attempts",
        include_str!("../migrations/postgres/0010_second_factor_attempts.sql"),
    ),
    (
        11,
        "login_devices",
        include_str!("../migrations/postgres/0011_login_devices.sql"),
    ),
    (
        12,
        "guardians_and_assignments",
        include_str!("../migrations/postgres/0012_guardians_and_assignments.sql"),
    ),
    (
        13,
        "one_samraad_per_alert",
        include_str!("../migrations/postgres/0013_one_samraad_per_alert.sql"),
    ),
    (
        14,
        "parent_warnings",
        include_str!("../migrations/postgres/0014_parent_warnings.sql"),
    ),
    (
        15,
        "absence_reports",
        include_str!("../migrations/postgres/0015_absence_reports.sql"),
    ),
    (
        16,
        "absence_notices",
        include_str!("../migrations/postgres/0016_absence_notices.sql"),
    ),
    (
        17,
        "pku_agreements",
        include_str!("../migrations/postgres/0017_pku_agreements.sql"),
    ),
    (
        18,
        "parent_contacts",
        include_str!("../migrations/postgres/0018_parent_contacts.sql"),
    ),
    (
        19,
        "pku_decisions",
        include_str!("../migrations/postgres/0019_pku_decisions.sql"),
    ),
    (
        20,
        "meeting_duties",
        include_str!("../migrations/postgres/0020_meeting_duties.sql"),
    ),
    (
        21,
        "absence_years",
        include_str!("../migrations/postgres/0021_absence_years.sql"),
    ),
    (
        22,
        "absence_versions",
        include_str!("../migrations/postgres/0022_absence_versions.sql"),
    ),
    (
        23,
        "underretninger",
        include_str!("../migrations/postgres/0023_underretninger.sql"),
    ),
    (24, "bullying", include_str!("../migrations/postgres/0024_bullying.sql")),
    (
        25,
        "what_follows_the_child",
        include_str!("../migrations/postgres/0025_what_follows_the_child.sql"),
    ),
    (
        26,
        "transition_forms",
        include_str!("../migrations/postgres/0026_transition_forms.sql"),
    ),
    (
        27,
        "class_surveys",
        include_str!("../migrations/postgres/0027_class_surveys.sql"),
    ),
    (
        28,
        "national_survey",
        include_str!("../migrations/postgres/0028_national_survey.sql"),
    ),
    (
        29,
        "assessments",
        include_str!("../migrations/postgres/0029_assessments.sql"),
    ),
    (
        30,
        "learning_groups",
        include_str!("../migrations/postgres/0030_learning_groups.sql"),
    ),
    (
        31,
        "annual_wheel",
        include_str!("../migrations/postgres/0031_annual_wheel.sql"),
    ),
    (
        32,
        "status_texts",
        include_str!("../migrations/postgres/0032_status_texts.sql"),
    ),
    (
        33,
        "wheel_templates",
        include_str!("../migrations/postgres/0033_wheel_templates.sql"),
    ),
    (
        34,
        "alert_reevaluation",
        include_str!("../migrations/postgres/0034_alert_reevaluation.sql"),
    ),
    (
        35,
        "year_groups",
        include_str!("../migrations/postgres/0035_year_groups.sql"),
    ),
];

/// Number of migrations (the same for both backends).
pub const MIGRATION_COUNT: usize = SQLITE_MIGRATIONS.len();
const _: () = assert!(
    SQLITE_MIGRATIONS.len() == POSTGRES_MIGRATIONS.len(),
    "one migration per backend"
);

fn migrator(files: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        files
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Store {
    /// Opens the database at `url` (`sqlite://PATH` or `postgres://…`) without migrating.
    pub async fn open(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("ugyldig PostgreSQL-adresse: {e}")))?;
            return Self::open_postgres(options).await;
        }
        let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
            return Err(StoreError::Config(format!(
                "ukendt databaseadresse «{url}»: brug sqlite://STI eller postgres://…"
            )));
        };
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() {
            return Err(StoreError::Config(
                "databaseadressen mangler en filsti efter sqlite://".into(),
            ));
        }
        // Refuse to create a database in a folder that does not exist: that is a typo, not a wish.
        let parent = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(dir) = parent
            && !dir.is_dir()
        {
            return Err(StoreError::Config(format!(
                "mappen «{}» findes ikke, så SQLite-databasen «{path}» kan ikke oprettes",
                dir.display()
            )));
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Commits are flushed by the writer's group sync before they are acknowledged.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // Connections stay open for the life of the process, so the WAL file is never removed
        // and created again under a running server.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        // The new database and WAL files' directory entries must survive a power cut too.
        let dir = parent.map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf);
        std::fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(sqlx::Error::Io)?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
            writer: Some(std::sync::Arc::new(SqliteWriter::new(path))),
            absence_queue: Default::default(),
            overviews: Default::default(),
            quarter_reports: Default::default(),
        })
    }

    /// Opens PostgreSQL with the given options (tests use them to set a schema).
    pub async fn open_postgres(options: PgConnectOptions) -> Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
            writer: None,
            absence_queue: Default::default(),
            overviews: Default::default(),
            quarter_reports: Default::default(),
        })
    }

    /// Opens the database and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = Self::open(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Runs the backend's migrations that have not run yet; returns how many ran. A long
    /// conversion logs its progress.
    pub async fn migrate(&self) -> Result<usize> {
        let last = std::sync::atomic::AtomicU64::new(0);
        self.migrate_with(&|done, total| {
            // About every tenth of the way, so a large database shows it is working.
            let step = (total / 10).max(1);
            if total > 0 && (done == total || done >= last.load(std::sync::atomic::Ordering::Relaxed) + step) {
                last.store(done, std::sync::atomic::Ordering::Relaxed);
                tracing::info!(done, total, "converting absence registrations to school-year rows");
            }
        })
        .await
    }

    /// [`Store::migrate`], reporting the progress of a long data conversion as (done, total).
    pub async fn migrate_with(&self, progress: crate::absence_years::MigrationProgress<'_>) -> Result<usize> {
        let before = applied_count(self).await;
        let total = match &self.pool {
            Pool::Sqlite(pool) => {
                migrator(SQLITE_MIGRATIONS).run(pool).await?;
                SQLITE_MIGRATIONS.len()
            }
            Pool::Postgres(pool) => {
                migrator(POSTGRES_MIGRATIONS).run(pool).await?;
                POSTGRES_MIGRATIONS.len()
            }
        };
        self.convert_registration_rows(progress).await?;
        if let Some(writer) = &self.writer {
            writer.sync().await.map_err(sqlx::Error::Io)?;
        }
        Ok(total.saturating_sub(before))
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes the pool, waiting for connections to finish (SQLite then checkpoints its WAL).
    pub async fn close(&self) {
        crate::with_pool!(self, |pool| pool.close().await)
    }

    /// Table and column names of the schema, sorted, to compare the two backends' migrations.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        let mut columns: Vec<(String, String)> = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                )
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        columns.sort();
        Ok(columns)
    }
}

/// Migrations already applied (0 on a new database).
async fn applied_count(store: &Store) -> usize {
    let count: std::result::Result<i64, _> = crate::with_pool!(store, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
    });
    count.map_or(0, |n| n as usize)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

    /// A migration edited after it landed makes every database migrated with it refuse to open
    /// (sqlx's checksum), so the landed ones are pinned in `migrations/landed.txt`.
    #[test]
    fn landed_migrations_are_never_edited() {
        let landed = include_str!("../migrations/landed.txt");
        let mut failures = Vec::new();
        for (backend, files) in [("sqlite", SQLITE_MIGRATIONS), ("postgres", POSTGRES_MIGRATIONS)] {
            for (version, name, sql) in files {
                let hash: String = Sha256::digest(sql.as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let key = format!("{backend} {version:04} ");
                match landed.lines().find(|l| l.starts_with(&key)) {
                    Some(line) if line.ends_with(&hash) => {}
                    Some(_) => failures.push(format!(
                        "{backend} {version:04}_{name} was edited after it landed; write a new migration instead"
                    )),
                    None => failures.push(format!(
                        "{backend} {version:04}_{name} is new: add «{key}{hash}» to landed.txt"
                    )),
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
