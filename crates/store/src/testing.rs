//! Fresh databases for tests, on the backend chosen by `TRIVSEL_TEST_DB`: unset or `sqlite`
//! gives a new SQLite file; a `postgres://…` URL gives a new schema in that database, dropped
//! again when the test ends.

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};

use crate::Store;

/// A store on a database of its own, removed on drop.
pub struct TestDb {
    pub store: Store,
    /// The URL a separate process (the `trivsel` binary) can open.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

fn unique_name() -> String {
    format!("trivsel_t_{}_{:016x}", std::process::id(), rand::random::<u64>())
}

/// Which backend the tests run on, for messages.
pub fn backend_name() -> String {
    std::env::var("TRIVSEL_TEST_DB").unwrap_or_else(|_| "sqlite".into())
}

impl TestDb {
    /// A migrated, empty database.
    pub async fn new() -> TestDb {
        let db = Self::unmigrated().await;
        db.store.migrate().await.expect("migrations run");
        db
    }

    /// An empty database without migrations.
    pub async fn unmigrated() -> TestDb {
        let name = unique_name();
        match std::env::var("TRIVSEL_TEST_DB") {
            Ok(url) if url.starts_with("postgres") => {
                let mut admin = PgConnection::connect(&url)
                    .await
                    .expect("PostgreSQL for tests is reachable");
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
                    .await
                    .expect("create schema");
                admin.close().await.ok();
                let options = PgConnectOptions::from_str(&url)
                    .expect("url")
                    .options([("search_path", name.as_str())])
                    .application_name(&name);
                let store = Store::open_postgres(options).await.expect("open schema");
                let sep = if url.contains('?') { '&' } else { '?' };
                let schema_url = format!("{url}{sep}options=-c%20search_path%3D{name}");
                TestDb {
                    store,
                    url: schema_url,
                    cleanup: Cleanup::Postgres { url, schema: name },
                }
            }
            _ => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                let url = format!("sqlite://{}", path.display());
                let store = Store::open(&url).await.expect("open SQLite");
                TestDb {
                    store,
                    url,
                    cleanup: Cleanup::Sqlite(path),
                }
            }
        }
    }
}

impl TestDb {
    /// Runs raw SQL, as someone with direct database access would (tamper tests).
    pub async fn execute(&self, sql: &str) -> u64 {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        crate::with_pool!(self.store, |pool| {
            sqlx::query(sql).execute(pool).await.expect("raw SQL").rows_affected()
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres { url, schema } => {
                let (url, schema) = (url.clone(), schema.clone());
                // Drop runs inside the test's runtime: use a thread with a runtime of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        if let Ok(mut c) = PgConnection::connect(&url).await {
                            // The test's own pool cannot run while Drop blocks its runtime, so
                            // end its connections (they may hold locks) before dropping.
                            let terminate = format!(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{schema}'"
                            );
                            let _ = c.execute(sqlx::AssertSqlSafe(terminate)).await;
                            let _ = c
                                .execute(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// A second, empty database on the test backend (a restore target): a new SQLite path, or a new
/// PostgreSQL database reached with the same search path as `like` (a [`TestDb::url`]). Dropped
/// with the value.
pub struct EmptyDatabase {
    pub url: String,
    drop_database: Option<(String, String)>,
}

impl EmptyDatabase {
    pub async fn like(like: &str) -> EmptyDatabase {
        let name = unique_name();
        match std::env::var("TRIVSEL_TEST_DB") {
            Ok(base) if base.starts_with("postgres") => {
                let mut admin = PgConnection::connect(&base)
                    .await
                    .expect("PostgreSQL for tests is reachable");
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("create database");
                admin.close().await.ok();
                let (without_query, query) = like.split_once('?').unwrap_or((like, ""));
                let server = &without_query[..without_query.rfind('/').expect("a database in the URL")];
                EmptyDatabase {
                    url: format!("{server}/{name}?{query}"),
                    drop_database: Some((base, name)),
                }
            }
            _ => EmptyDatabase {
                url: format!("sqlite://{}", std::env::temp_dir().join(format!("{name}.db")).display()),
                drop_database: None,
            },
        }
    }
}

impl Drop for EmptyDatabase {
    fn drop(&mut self) {
        match self.drop_database.take() {
            Some((base, name)) => {
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        if let Ok(mut c) = PgConnection::connect(&base).await {
                            let _ = c
                                .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
                                .await;
                        }
                    });
                })
                .join();
            }
            None => {
                let path = self.url.trim_start_matches("sqlite://").to_string();
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }
}

/// A roster of one school, «S1 Nordskolen», with the given classes and pupils (source id,
/// given name, family name, birth date, class), every pupil enrolled from `from` with no end.
pub fn school_roster(
    classes: &[&str],
    pupils: &[(&str, &str, &str, chrono::NaiveDate, &str)],
    from: chrono::NaiveDate,
) -> crate::RosterChanges {
    crate::RosterChanges {
        institutions: vec![(
            "S1".into(),
            "Nordskolen".into(),
            trivsel_domain::model::InstitutionKind::School,
        )],
        classes: classes.iter().map(|c| ("S1".into(), (*c).into())).collect(),
        children: pupils
            .iter()
            .map(|(id, given, family, born, _)| ((*id).into(), (*given).into(), (*family).into(), *born))
            .collect(),
        enrolments: pupils
            .iter()
            .map(|(id, _, _, _, class)| {
                (
                    (*id).into(),
                    crate::EnrolmentRow {
                        institution_code: "S1".into(),
                        class_name: (*class).into(),
                        from,
                        to: None,
                    },
                )
            })
            .collect(),
        pupil_logins: Vec::new(),
    }
}

/// Assigns an adviser to a child without an audit row, for fixtures whose tests count a
/// child's audit rows; the product assigns through [`Store::assign_advisers`].
pub async fn assign_adviser(store: &Store, user_id: i64, child_id: i64) -> crate::Result<()> {
    use crate::WriteTx;
    crate::with_pool!(store, |pool| {
        let mut tx = pool.begin_write(store).await?;
        sqlx::query(
            "INSERT INTO case_assignments (municipality_id, user_id, child_id, assigned_at) \
             SELECT municipality_id, $1, $2, $3 FROM users WHERE id = $1 ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(child_id)
        .bind(chrono::Utc::now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    });
    Ok(())
}
