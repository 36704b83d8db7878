//! The audit log: one hash-chained row per read, search, change, export or deletion of a
//! child's data, and per denied attempt. Rows are appended in the transaction of the change
//! they record (`append_audit!`), so neither exists without the other.

use chrono::{DateTime, SubsecRound, Utc};
use trivsel_domain::audit::{AuditRecord, Broken, GENESIS, verify_chain};

use trivsel_domain::model::Role;

use crate::{Result, Store, WriteTx, with_pool};

/// A child's refused attempts by one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenialSummary {
    pub username: String,
    pub role: String,
    pub action: String,
    pub count: i64,
    pub first_at: String,
    pub last_at: String,
}

/// What to record; time, position and hashes are added when it is appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub municipality_id: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub role: String,
    pub action: String,
    pub child_id: Option<i64>,
    pub criterion: Option<String>,
    pub allowed: bool,
    pub address: Option<String>,
}

/// The chain's head and retention anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
    pub anchor_seq: i64,
    pub anchor_hash: String,
}

/// The outcome of `audit_verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub rows: usize,
    pub head: Option<AuditHead>,
    pub broken: Option<Broken>,
}

pub(crate) fn audit_time(now: DateTime<Utc>) -> String {
    now.trunc_subsecs(6).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

type RecordTuple = (
    i64,
    i64,
    String,
    Option<i64>,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    bool,
    Option<String>,
    String,
    String,
);

const RECORD_COLUMNS: &str = "seq, municipality_id, at, user_id, username, role, action, child_id, criterion, allowed, \
                              address, prev_hash, hash";

fn record(t: RecordTuple) -> AuditRecord {
    let (seq, municipality_id, at, user_id, username, role, action, child_id, criterion, allowed, address, prev, hash) =
        t;
    AuditRecord {
        seq,
        municipality_id,
        at,
        user_id,
        username,
        role,
        action,
        child_id,
        criterion,
        allowed,
        address,
        prev_hash: prev,
        hash,
    }
}

/// Audit rows per INSERT: 500 rows of 13 values stay under both backends' bind limits (SQLite
/// 32,766, PostgreSQL 65,535), and a batch of roll calls (16 saves of 28 pupils) is one INSERT.
pub(crate) const AUDIT_ROWS_PER_INSERT: usize = 500;

/// Appends `$entries` (a `&[AuditEntry]`, all of one municipality) to the municipality's chain
/// inside the open transaction `$tx`. The head row's update locks the chain until the
/// transaction ends, so concurrent writers cannot fork it.
macro_rules! append_audits {
    ($tx:expr, $entries:expr) => {{
        let entries: &[$crate::AuditEntry] = $entries;
        if let Some(first) = entries.first() {
            let m = first.municipality_id;
            assert!(
                entries.iter().all(|e| e.municipality_id == m),
                "one municipality per batch"
            );
            // Reserve n sequence numbers; a new chain starts at the genesis hash.
            let n = entries.len() as i64;
            let (last, mut prev): (i64, String) = sqlx::query_as(
                "INSERT INTO audit_heads (municipality_id, seq, hash, anchor_seq, anchor_hash) \
                 VALUES ($1, $2, $3, 0, $3) ON CONFLICT (municipality_id) \
                 DO UPDATE SET seq = audit_heads.seq + excluded.seq RETURNING seq, hash",
            )
            .bind(m)
            .bind(n)
            .bind(trivsel_domain::audit::GENESIS)
            .fetch_one(&mut *$tx)
            .await?;
            let at = $crate::audit::audit_time(chrono::Utc::now());
            let mut records = Vec::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                let mut r = trivsel_domain::audit::AuditRecord {
                    seq: last - n + 1 + i as i64,
                    municipality_id: m,
                    at: at.clone(),
                    user_id: e.user_id,
                    username: e.username.clone(),
                    role: e.role.clone(),
                    action: e.action.clone(),
                    child_id: e.child_id,
                    criterion: e.criterion.clone(),
                    allowed: e.allowed,
                    address: e.address.clone(),
                    prev_hash: prev,
                    hash: String::new(),
                };
                r.hash = r.compute_hash();
                prev = r.hash.clone();
                records.push(r);
            }
            for chunk in records.chunks($crate::audit::AUDIT_ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO audit_log (municipality_id, seq, at, user_id, username, role, action, child_id, \
                     criterion, allowed, address, prev_hash, hash) ",
                );
                q.push_values(chunk, |mut b, r| {
                    b.push_bind(r.municipality_id)
                        .push_bind(r.seq)
                        .push_bind(r.at.clone())
                        .push_bind(r.user_id)
                        .push_bind(r.username.clone())
                        .push_bind(r.role.clone())
                        .push_bind(r.action.clone())
                        .push_bind(r.child_id)
                        .push_bind(r.criterion.clone())
                        .push_bind(r.allowed)
                        .push_bind(r.address.clone())
                        .push_bind(r.prev_hash.clone())
                        .push_bind(r.hash.clone());
                });
                q.build().execute(&mut *$tx).await?;
            }
            sqlx::query("UPDATE audit_heads SET hash = $1 WHERE municipality_id = $2")
                .bind(&prev)
                .bind(m)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use append_audits;

/// Appends one `&AuditEntry`; see `append_audits!`.
macro_rules! append_audit {
    ($tx:expr, $entry:expr) => {
        $crate::audit::append_audits!($tx, std::slice::from_ref($entry))
    };
}
pub(crate) use append_audit;

impl Store {
    /// Records one audit row in a transaction of its own (reads and denied attempts).
    pub async fn audit(&self, entry: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            append_audit!(tx, entry);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn audit_head(&self, municipality_id: i64) -> Result<Option<AuditHead>> {
        let row: Option<(i64, String, i64, String)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT seq, hash, anchor_seq, anchor_hash FROM audit_heads WHERE municipality_id = $1")
                .bind(municipality_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(seq, hash, anchor_seq, anchor_hash)| AuditHead {
            seq,
            hash,
            anchor_seq,
            anchor_hash,
        }))
    }

    /// Whether row `seq` exists with this hash (to check against an exported head).
    pub async fn audit_row_hash_matches(&self, municipality_id: i64, seq: i64, hash: &str) -> Result<bool> {
        let found: Option<String> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT hash FROM audit_log WHERE municipality_id = $1 AND seq = $2")
                .bind(municipality_id)
                .bind(seq)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.as_deref() == Some(hash))
    }

    /// Audit rows about one child, newest first.
    pub async fn child_audit(&self, child_id: i64, limit: i64) -> Result<Vec<AuditRecord>> {
        let sql =
            format!("SELECT {RECORD_COLUMNS} FROM audit_log WHERE child_id = $1 ORDER BY at DESC, seq DESC LIMIT $2");
        let rows: Vec<RecordTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child_id)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(record).collect())
    }

    /// One page of a child's allowed audit rows, newest first, over the whole history: those
    /// before `before` (a `seq`), at most `limit`. With `staff_except` only rows of staff other
    /// than that user (a guardian's «Opslag»). Filtering in the query means no burst of other
    /// rows can push these out of view.
    pub async fn child_audit_page(
        &self,
        child_id: i64,
        staff_except: Option<i64>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        let staff: Vec<String> = Role::ALL
            .iter()
            .filter(|r| r.is_staff())
            .map(|r| format!("'{}'", r.id()))
            .collect();
        // $4 = 0: every allowed row; otherwise staff rows of others than user $4.
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM audit_log WHERE child_id = $1 AND allowed AND seq < $2 \
             AND ($4 = 0 OR (role IN ({}) AND user_id IS NOT NULL AND user_id <> $4)) \
             ORDER BY seq DESC LIMIT $3",
            staff.join(", ")
        );
        let rows: Vec<RecordTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(child_id)
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .bind(staff_except.unwrap_or_default())
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(record).collect())
    }

    /// A child's refused attempts, one line per account and action: however many rows a burst left, the
    /// leader sees who tried, how often and when.
    pub async fn child_denials(&self, child_id: i64) -> Result<Vec<DenialSummary>> {
        let rows: Vec<(String, String, String, i64, String, String)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT username, role, action, COUNT(*), MIN(at), MAX(at) FROM audit_log \
                 WHERE child_id = $1 AND NOT allowed GROUP BY username, role, action ORDER BY MAX(seq) DESC",
            )
            .bind(child_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(username, role, action, count, first_at, last_at)| DenialSummary {
                username,
                role,
                action,
                count,
                first_at,
                last_at,
            })
            .collect())
    }

    /// Walks the municipality's chain from its anchor and names the first broken row; a head
    /// that does not match the last row (a truncated tail) is reported too.
    pub async fn audit_verify(&self, municipality_id: i64) -> Result<AuditReport> {
        let head = self.audit_head(municipality_id).await?;
        let (anchor_seq, anchor_hash) = head
            .as_ref()
            .map_or((0, GENESIS.to_string()), |h| (h.anchor_seq, h.anchor_hash.clone()));
        let mut last = (anchor_seq, anchor_hash.clone());
        let mut rows = 0;
        const PAGE: i64 = 10_000;
        loop {
            let sql = format!(
                "SELECT {RECORD_COLUMNS} FROM audit_log WHERE municipality_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
            );
            let page: Vec<RecordTuple> = with_pool!(self, |pool| {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(municipality_id)
                    .bind(last.0)
                    .bind(PAGE)
                    .fetch_all(pool)
                    .await?
            });
            let page: Vec<AuditRecord> = page.into_iter().map(record).collect();
            if let Err(broken) = verify_chain((last.0, &last.1), &page) {
                return Ok(AuditReport {
                    rows,
                    head,
                    broken: Some(broken),
                });
            }
            rows += page.len();
            match page.last() {
                Some(r) if page.len() as i64 == PAGE => last = (r.seq, r.hash.clone()),
                Some(r) => {
                    last = (r.seq, r.hash.clone());
                    break;
                }
                None => break,
            }
        }
        let broken = head
            .as_ref()
            .filter(|h| (h.seq, &h.hash) != (last.0, &last.1))
            .map(|h| Broken {
                seq: last.0 + 1,
                reason: format!(
                    "kædens hoved er række {} men sidste række er {}: rækker efter {} mangler eller er ændret",
                    h.seq, last.0, last.0
                ),
            });
        Ok(AuditReport { rows, head, broken })
    }

    /// Deletes audit rows written before `before`, keeping the last deleted row's seq and hash
    /// as the anchor the remaining chain is verified from. Returns how many were deleted.
    pub async fn audit_prune(&self, municipality_id: i64, before: DateTime<Utc>) -> Result<u64> {
        let cutoff = audit_time(before);
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let last: Option<(i64, String)> = sqlx::query_as(
                "SELECT seq, hash FROM audit_log WHERE municipality_id = $1 AND at < $2 ORDER BY seq DESC LIMIT 1",
            )
            .bind(municipality_id)
            .bind(&cutoff)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((seq, hash)) = last else {
                tx.rollback().await?;
                return Ok(0);
            };
            sqlx::query("UPDATE audit_heads SET anchor_seq = $1, anchor_hash = $2 WHERE municipality_id = $3")
                .bind(seq)
                .bind(&hash)
                .bind(municipality_id)
                .execute(&mut *tx)
                .await?;
            let deleted = sqlx::query("DELETE FROM audit_log WHERE municipality_id = $1 AND seq <= $2")
                .bind(municipality_id)
                .bind(seq)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            deleted
        }))
    }
}
