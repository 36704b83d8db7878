//! Write transactions: one writer at a time, and durable before they are acknowledged.
//!
//! SQLite allows one writer. Left to itself, a connection that finds the write lock taken
//! sleeps in SQLite's busy handler (1, 2, 5 … 100 ms) and the lock sits idle meanwhile, so
//! under concurrent saves most of the time went to sleeping. Here the writers of a process
//! queue on a fair async lock (the gate) instead, and each gets the lock the moment the previous
//! one commits. The busy timeout still covers writers in other processes (a CLI import).
//!
//! **Group sync.** The SQLite connections run in WAL mode with `synchronous=NORMAL`: a commit
//! appends its frames to the WAL without flushing it, and SQLite flushes the WAL before each
//! checkpoint. [`WriteTransaction::commit`] then flushes the WAL itself (`fsync`) before it
//! returns, so nothing is acknowledged before it is on disk, exactly as with
//! `synchronous=FULL`. But one flush covers every transaction committed before it started:
//! commits that arrive while a flush runs wait for the next one and share it (group commit),
//! so concurrent saves no longer queue for a flush each. PostgreSQL does the same by itself.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::{Database, PgPool, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::Store;

/// SQLite's writer gate and WAL group sync for one database file.
#[derive(Debug)]
pub(crate) struct SqliteWriter {
    gate: Arc<Mutex<()>>,
    wal: PathBuf,
    /// Commits that asked for a flush so far (a ticket is taken after the commit).
    tickets: AtomicU64,
    /// The highest ticket known to be on disk; the lock is held during a flush.
    flushed: Mutex<u64>,
    /// Flushes done (the tests check that concurrent commits share them).
    flushes: AtomicU64,
}

impl SqliteWriter {
    pub(crate) fn new(database: &str) -> Self {
        SqliteWriter {
            gate: Arc::new(Mutex::new(())),
            wal: PathBuf::from(format!("{database}-wal")),
            tickets: AtomicU64::new(0),
            flushed: Mutex::new(0),
            flushes: AtomicU64::new(0),
        }
    }

    /// Returns once everything committed before the call is on disk.
    pub(crate) async fn sync(&self) -> std::io::Result<()> {
        let ticket = self.tickets.fetch_add(1, Ordering::SeqCst) + 1;
        let mut flushed = self.flushed.lock().await;
        if *flushed >= ticket {
            return Ok(()); // a flush that started after our commit has finished
        }
        // Every ticket up to here was taken after its commit, so this flush covers them all.
        let covers = self.tickets.load(Ordering::SeqCst);
        let wal = self.wal.clone();
        tokio::task::spawn_blocking(move || match std::fs::OpenOptions::new().write(true).open(&wal) {
            Ok(file) => file.sync_data(),
            // No WAL: the last connection checkpointed it into the database (flushed) and removed it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
        .await
        .map_err(std::io::Error::other)??;
        self.flushes.fetch_add(1, Ordering::Relaxed);
        *flushed = covers;
        Ok(())
    }
}

/// A write transaction on a connection of its own. Derefs to the connection (`&mut *tx` is an
/// executor). Dropped without [`commit`](Self::commit) or [`rollback`](Self::rollback), or
/// after either failed (a full disk: SQLite may have ended the transaction itself, or kept it
/// open), the connection is closed rather than handed back to the pool, so the next request
/// never gets a connection mid-transaction; closing ends whatever transaction it had.
pub(crate) struct WriteTransaction<DB: Database> {
    conn: PoolConnection<DB>,
    open: bool,
    gate: Option<OwnedMutexGuard<()>>,
    writer: Option<Arc<SqliteWriter>>,
}

impl<DB: Database> Drop for WriteTransaction<DB> {
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

impl<DB: Database> WriteTransaction<DB>
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    async fn begin(
        mut conn: PoolConnection<DB>,
        sql: &'static str,
        gate: Option<OwnedMutexGuard<()>>,
        writer: Option<Arc<SqliteWriter>>,
    ) -> sqlx::Result<Self> {
        sqlx::raw_sql(sql).execute(&mut *conn).await?;
        Ok(WriteTransaction {
            conn,
            open: true,
            gate,
            writer,
        })
    }

    /// Commits and returns once the commit is durable.
    pub(crate) async fn commit(self) -> sqlx::Result<()> {
        self.commit_unsynced().await?.wait().await
    }

    /// Commits and lets the next writer in; the commit is durable once the returned
    /// [`Commit::wait`] has returned. Nothing may be acknowledged before that.
    pub(crate) async fn commit_unsynced(mut self) -> sqlx::Result<Commit> {
        sqlx::raw_sql("COMMIT").execute(&mut *self.conn).await?;
        self.open = false;
        drop(self.gate.take());
        Ok(Commit {
            writer: self.writer.take(),
        })
    }

    /// Undoes the transaction (as dropping it does, but keeps the connection).
    pub(crate) async fn rollback(mut self) -> sqlx::Result<()> {
        sqlx::raw_sql("ROLLBACK").execute(&mut *self.conn).await?;
        self.open = false;
        Ok(())
    }
}

/// A commit on its way to the disk.
#[must_use = "a commit is durable only after wait()"]
pub(crate) struct Commit {
    writer: Option<Arc<SqliteWriter>>,
}

impl Commit {
    pub(crate) async fn wait(self) -> sqlx::Result<()> {
        if let Some(writer) = self.writer {
            writer.sync().await.map_err(sqlx::Error::Io)?;
        }
        Ok(())
    }
}

impl<DB: Database> Deref for WriteTransaction<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.conn
    }
}

impl<DB: Database> DerefMut for WriteTransaction<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.conn
    }
}

/// Starts a write transaction on a pool of `store`. SQLite takes the write lock at once
/// (`BEGIN IMMEDIATE`), so a transaction never fails half-way upgrading from a read lock.
pub(crate) trait WriteTx {
    type Db: Database;
    fn begin_write(&self, store: &Store) -> impl Future<Output = sqlx::Result<WriteTransaction<Self::Db>>> + Send;
}

impl WriteTx for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self, store: &Store) -> sqlx::Result<WriteTransaction<sqlx::Sqlite>> {
        let writer = store.writer.clone();
        let gate = match &writer {
            Some(w) => Some(w.gate.clone().lock_owned().await),
            None => None,
        };
        WriteTransaction::begin(self.acquire().await?, "BEGIN IMMEDIATE", gate, writer).await
    }
}

impl WriteTx for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self, _store: &Store) -> sqlx::Result<WriteTransaction<sqlx::Postgres>> {
        WriteTransaction::begin(self.acquire().await?, "BEGIN", None, None).await
    }
}

impl Store {
    /// WAL flushes done by this process's SQLite writer (`None` on PostgreSQL).
    pub fn wal_flushes(&self) -> Option<u64> {
        self.writer.as_ref().map(|w| w.flushes.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::TestDb;
    use crate::{Pool, WriteTx};

    /// A commit that fails and leaves SQLite's transaction open (a deferred foreign key, as a
    /// full disk can) must not hand the connection back mid-transaction: every later write
    /// gets a clean connection.
    #[tokio::test]
    async fn a_failed_commit_leaves_no_connection_mid_transaction() {
        let db = TestDb::new().await;
        let Pool::Sqlite(pool) = &db.store.pool else {
            eprintln!("SQLite only: PostgreSQL ends a transaction whose COMMIT fails");
            return;
        };
        let mut tx = pool.begin_write(&db.store).await.unwrap();
        sqlx::raw_sql("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::raw_sql("INSERT INTO institutions (municipality_id, code, name, kind) VALUES (999, 'X', 'X', 'school')")
            .execute(&mut *tx)
            .await
            .unwrap();
        assert!(tx.commit().await.is_err(), "the deferred foreign key fails the commit");
        // SQLite ending the transaction itself (as on SQLITE_FULL): the commit finds none.
        let mut tx = pool.begin_write(&db.store).await.unwrap();
        sqlx::raw_sql("ROLLBACK").execute(&mut *tx).await.unwrap();
        assert!(tx.commit().await.is_err(), "no transaction is active");
        for i in 0..20 {
            db.store
                .upsert_municipality(&format!("{i:03}"), "Kommune")
                .await
                .unwrap_or_else(|e| panic!("write {i} after the failed commit: {e}"));
        }
        assert_eq!(db.store.municipalities().await.unwrap().len(), 20);
    }

    /// A full disk (a 2 MiB tmpfs, mounted for the test: it needs root, and says loudly when
    /// it cannot): writes fail while it is full and every write succeeds once space is freed.
    #[tokio::test]
    async fn writes_work_again_once_a_full_disk_has_space() {
        if std::env::var("TRIVSEL_TEST_DB").is_ok_and(|u| u.starts_with("postgres")) {
            return;
        }
        let dir = std::env::temp_dir().join(format!("trivsel-full-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("SKIPPED: the full-disk test needs root to mount a tmpfs");
            return;
        }
        // Unmounted however the test ends.
        struct Mounted(std::path::PathBuf);
        impl Drop for Mounted {
            fn drop(&mut self) {
                let _ = std::process::Command::new("umount").arg(&self.0).status();
                let _ = std::fs::remove_dir(&self.0);
            }
        }
        let _mounted = Mounted(dir.clone());
        let store = crate::Store::connect(&format!("sqlite://{}/full.db", dir.display()))
            .await
            .unwrap();
        store.upsert_municipality("000", "Kommune").await.unwrap();
        // Fill the disk.
        let filler = dir.join("fyld");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while std::io::Write::write_all(&mut f, &block).is_ok() {}
        drop(f);
        let mut failed = 0;
        // Growing rows: the first fit in the WAL's old frames, later ones need the disk (some
        // fail in the statement, some at COMMIT).
        for i in 0..10 {
            let name = "x".repeat(1_000_000 + 150_000 * i);
            if store
                .upsert_municipality(&format!("{:03}", i + 1), &name)
                .await
                .is_err()
            {
                failed += 1;
            }
        }
        assert!(failed > 0, "the full disk refused writes");
        std::fs::remove_file(&filler).unwrap();
        for i in 0..10 {
            store
                .upsert_municipality(&format!("{:03}", i + 100), "Kommune")
                .await
                .unwrap_or_else(|e| panic!("write {i} after space was freed: {e}"));
        }
        store.close().await;
    }
}
