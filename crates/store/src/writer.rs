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

use sqlx::{Database, PgPool, SqlitePool, Transaction};
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

/// A write transaction. Derefs to the connection (`&mut *tx` is an executor); dropped without
/// [`commit`](Self::commit) it rolls back.
pub(crate) struct WriteTransaction<DB: Database> {
    tx: Transaction<'static, DB>,
    gate: Option<OwnedMutexGuard<()>>,
    writer: Option<Arc<SqliteWriter>>,
}

impl<DB: Database> WriteTransaction<DB> {
    /// Commits and returns once the commit is durable.
    pub(crate) async fn commit(self) -> sqlx::Result<()> {
        self.commit_unsynced().await?.wait().await
    }

    /// Commits and lets the next writer in; the commit is durable once the returned
    /// [`Commit::wait`] has returned. Nothing may be acknowledged before that.
    pub(crate) async fn commit_unsynced(self) -> sqlx::Result<Commit> {
        self.tx.commit().await?;
        drop(self.gate);
        Ok(Commit { writer: self.writer })
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

impl<DB: Database> WriteTransaction<DB> {
    /// Undoes the transaction (as dropping it does, but waits for it).
    pub(crate) async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl<DB: Database> Deref for WriteTransaction<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: Database> DerefMut for WriteTransaction<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
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
        let tx = self.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTransaction { tx, gate, writer })
    }
}

impl WriteTx for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self, _store: &Store) -> sqlx::Result<WriteTransaction<sqlx::Postgres>> {
        Ok(WriteTransaction {
            tx: self.begin().await?,
            gate: None,
            writer: None,
        })
    }
}

impl Store {
    /// WAL flushes done by this process's SQLite writer (`None` on PostgreSQL).
    pub fn wal_flushes(&self) -> Option<u64> {
        self.writer.as_ref().map(|w| w.flushes.load(Ordering::Relaxed))
    }
}
