//! Audit log (revisionsspor) as a hash chain: each record stores the SHA-256 of the previous
//! record's hash and its own content, so an edited, deleted or reordered row breaks the chain
//! at that row, and a truncated tail is caught against an exported head.

use sha2::{Digest, Sha256};

/// The previous hash of the first record of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit record: who did what to which child (or searched for what), when, from where,
/// and whether it was allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the municipality's chain, from 1 without gaps.
    pub seq: i64,
    pub municipality_id: i64,
    /// UTC, RFC 3339 with microseconds (`2026-01-02T03:04:05.123456Z`).
    pub at: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub role: String,
    /// What was done, e.g. `child.read`, `class.read`, `user.create`.
    pub action: String,
    pub child_id: Option<i64>,
    /// A search criterion, or what else identifies the object.
    pub criterion: Option<String>,
    pub allowed: bool,
    pub address: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The hash of this record's content chained to `prev_hash`.
    pub fn compute_hash(&self) -> String {
        // The fields joined by U+001F, after the previous hash and U+001E; fed to the hasher
        // piece by piece (this runs for every audited child of every save).
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let allowed = if self.allowed { "allowed" } else { "denied" };
        let fields: [&str; 11] = [
            &self.seq.to_string(),
            &self.municipality_id.to_string(),
            &self.at,
            &opt(self.user_id),
            &self.username,
            &self.role,
            &self.action,
            &opt(self.child_id),
            self.criterion.as_deref().unwrap_or_default(),
            allowed,
            self.address.as_deref().unwrap_or_default(),
        ];
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(b"\x1e");
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                h.update("\u{1f}".as_bytes());
            }
            h.update(field.as_bytes());
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for b in h.finalize() {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
        out
    }
}

/// Where a chain breaks and why (Danish, for the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub reason: String,
}

/// Checks records (sorted by seq) that follow the anchor `(seq, hash)`: the last record
/// removed by retention, or `(0, GENESIS)`. Returns the first broken record.
pub fn verify_chain(anchor: (i64, &str), records: &[AuditRecord]) -> Result<(), Broken> {
    let (mut seq, mut prev) = (anchor.0, anchor.1.to_string());
    for r in records {
        let broken = |reason: String| Err(Broken { seq: r.seq, reason });
        if r.seq != seq + 1 {
            return broken(format!(
                "række {} følger efter række {seq}: rækker mangler eller er flyttet",
                r.seq
            ));
        }
        if r.prev_hash != prev {
            return broken(format!("række {} peger ikke på den foregående rækkes hash", r.seq));
        }
        if r.compute_hash() != r.hash {
            return broken(format!("række {} er ændret efter den blev skrevet", r.seq));
        }
        seq = r.seq;
        prev = r.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    seq,
                    municipality_id: 1,
                    at: format!("2026-01-01T00:00:{seq:02}.000000Z"),
                    user_id: Some(3),
                    username: "lis".into(),
                    role: "skoleleder".into(),
                    action: "child.read".into(),
                    child_id: Some(seq),
                    criterion: None,
                    allowed: seq % 2 == 0,
                    address: Some("127.0.0.1".into()),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.compute_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    /// Stored chains must keep verifying: the hashed bytes never change (values computed
    /// independently: SHA-256 of prev_hash, U+001E and the fields joined by U+001F).
    #[test]
    fn hash_format_is_stable() {
        let mut r = AuditRecord {
            seq: 7,
            municipality_id: 3,
            at: "2026-01-02T03:04:05.123456Z".into(),
            user_id: Some(12),
            username: "lis".into(),
            role: "laerer".into(),
            action: "absence.write".into(),
            child_id: Some(99),
            criterion: None,
            allowed: true,
            address: Some("127.0.0.1".into()),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        };
        assert_eq!(
            r.compute_hash(),
            "fbf3d13562a7ddfb919656bea18c57c2312e9ee91f11190d7c579cc3c70541df"
        );
        r = AuditRecord {
            seq: 8,
            user_id: None,
            username: "system".into(),
            role: String::new(),
            action: "import".into(),
            child_id: None,
            criterion: Some("fil.csv".into()),
            allowed: false,
            address: None,
            prev_hash: "ab".repeat(32),
            ..r
        };
        assert_eq!(
            r.compute_hash(),
            "e2e7e3e5f30689180c29e547bdb6d3627c5d5bd6a2363b760ba3a28f7617f256"
        );
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify_chain((0, GENESIS), &chain(5)), Ok(()));
        let c = chain(5);
        assert_eq!(verify_chain((2, &c[1].hash), &c[2..]), Ok(()), "from a retained anchor");
    }

    #[test]
    fn edits_deletions_and_reorders_are_named() {
        let mut c = chain(5);
        c[2].allowed = !c[2].allowed;
        assert_eq!(verify_chain((0, GENESIS), &c).unwrap_err().seq, 3);

        let mut c = chain(5);
        c.remove(3);
        assert_eq!(verify_chain((0, GENESIS), &c).unwrap_err().seq, 5);

        let mut c = chain(5);
        c.swap(1, 2);
        assert_eq!(verify_chain((0, GENESIS), &c).unwrap_err().seq, 3);

        // Rewriting a row with a fresh hash still breaks the next row's link.
        let mut c = chain(5);
        c[1].username = "eve".into();
        c[1].hash = c[1].compute_hash();
        assert_eq!(verify_chain((0, GENESIS), &c).unwrap_err().seq, 3);
    }
}
