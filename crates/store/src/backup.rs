//! Backup and restore (sikkerhedskopi): a consistent online copy of a SQLite database with
//! `VACUUM INTO` (readers and writers go on meanwhile; the copy is one transaction's view),
//! restored by copying it into place while nothing else has the target open. PostgreSQL is
//! backed up with `pg_dump` and restored with `pg_restore` (the CLI runs them); both backends
//! check the result the same way: every table's rows counted and every audit chain verified.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{Result, Store, StoreError, with_pool};

/// What a backup or restored database holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    /// Rows per table (the migrations' bookkeeping table left out).
    pub tables: BTreeMap<String, i64>,
    /// (municipality, audit rows), every chain verified.
    pub audit_chains: Vec<(String, usize)>,
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `target` (which must not exist).
    pub async fn backup_sqlite(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(StoreError::Config(format!(
                "{} findes allerede; vælg et nyt filnavn (en sikkerhedskopi overskriver intet)",
                target.display()
            )));
        }
        let crate::Pool::Sqlite(pool) = &self.pool else {
            return Err(StoreError::Config(
                "VACUUM INTO findes kun i SQLite; brug pg_dump".into(),
            ));
        };
        sqlx::query("VACUUM INTO $1")
            .bind(target.display().to_string())
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Counts every table's rows and verifies every municipality's audit chain; an error
    /// names the first broken chain.
    pub async fn check_backup(&self) -> Result<BackupCheck> {
        let names: Vec<String> =
            with_pool!(self, |pool| {
                match self.backend() {
                crate::Backend::Sqlite => sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(pool)
                .await?,
                crate::Backend::Postgres => sqlx::query_scalar(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
                )
                .fetch_all(pool)
                .await?,
            }
            });
        let mut tables = BTreeMap::new();
        for name in names.into_iter().filter(|n| n != "_sqlx_migrations") {
            // The names come from the database's own catalogue.
            let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{name}\""));
            let n: i64 = with_pool!(self, |pool| sqlx::query_scalar(sql).fetch_one(pool).await?);
            tables.insert(name, n);
        }
        let mut audit_chains = Vec::new();
        for m in self.municipalities().await? {
            let report = self.audit_verify(m.id).await?;
            if let Some(broken) = report.broken {
                return Err(StoreError::Config(format!(
                    "revisionssporet for {} er brudt ved række {}: {}",
                    m.name, broken.seq, broken.reason
                )));
            }
            audit_chains.push((m.name, report.rows));
        }
        Ok(BackupCheck { tables, audit_chains })
    }

    /// Runs SQLite's `PRAGMA integrity_check`; `Ok` when the file is sound.
    pub async fn integrity_check(&self) -> Result<()> {
        let crate::Pool::Sqlite(pool) = &self.pool else {
            return Ok(());
        };
        let result: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Config(format!("databasefilen er beskadiget: {result}")))
        }
    }
}

impl Store {
    /// The schema of a PostgreSQL connection (`None` for SQLite).
    pub async fn current_schema(&self) -> Result<Option<String>> {
        match &self.pool {
            crate::Pool::Postgres(pool) => Ok(sqlx::query_scalar("SELECT current_schema()::text")
                .fetch_one(pool)
                .await?),
            crate::Pool::Sqlite(_) => Ok(None),
        }
    }

    /// Tables in the connection's schema (0 for a new, empty database).
    pub async fn table_count(&self) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            match self.backend() {
                crate::Backend::Sqlite => {
                    sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
                        .fetch_one(pool)
                        .await?
                }
                crate::Backend::Postgres => {
                    sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
                        .fetch_one(pool)
                        .await?
                }
            }
        }))
    }
}
