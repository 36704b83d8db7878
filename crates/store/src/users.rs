//! Accounts (brugere), guardians (forældremyndighed), login sessions, login attempts and the
//! relationships that give access to children.

use chrono::{DateTime, NaiveDate, Utc};
use trivsel_domain::access::{Actor, ChildGrant};
use trivsel_domain::meetings::ConsentScope;
use trivsel_domain::model::Role;

use crate::audit::append_audit;
use crate::consents::in_force_sql;
use crate::{AuditEntry, Result, Store, WriteTx, with_pool};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub municipality_id: i64,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub institution_id: Option<i64>,
    /// For a pupil's own account: the child.
    pub child_id: Option<i64>,
    /// PHC string (Argon2id); `None` for accounts that log in only by single sign-on.
    pub password_hash: Option<String>,
    /// Demo accounts log in only while the server runs in demo mode.
    pub demo_only: bool,
    /// Classes the user teaches.
    pub class_ids: Vec<i64>,
}

/// A guardian with custody of `children`, optionally with an account.
#[derive(Debug, Clone)]
pub struct NewGuardian {
    pub name: String,
    pub user_id: Option<i64>,
    pub children: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub municipality_id: i64,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub institution_id: Option<i64>,
    pub child_id: Option<i64>,
    pub password_hash: Option<String>,
    pub demo_only: bool,
    pub disabled: bool,
    /// Base32 TOTP secret once the second factor is set up.
    pub totp_secret: Option<String>,
}

/// A live session's user, and whether the second factor is still owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub user: User,
    pub mfa_pending: bool,
    /// When the password was accepted (the session began).
    pub created_at: DateTime<Utc>,
}

/// Changes an administrator makes to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserUpdate {
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub institution_id: Option<i64>,
    pub class_ids: Vec<i64>,
}

type UserTuple = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    bool,
    bool,
    Option<String>,
);

/// A user's columns followed by a session's created, last seen and second-factor-pending.
type SessionTuple = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    bool,
    bool,
    Option<String>,
    DateTime<Utc>,
    DateTime<Utc>,
    bool,
);

const USER_COLUMNS: &str = "u.id, u.municipality_id, u.username, u.name, u.email, u.role, u.institution_id, \
                            u.child_id, u.password_hash, u.demo_only, u.disabled, u.totp_secret";

fn user(t: UserTuple) -> Option<User> {
    let (
        id,
        municipality_id,
        username,
        name,
        email,
        role,
        institution_id,
        child_id,
        password_hash,
        demo_only,
        disabled,
        totp,
    ) = t;
    Some(User {
        id,
        municipality_id,
        username,
        name,
        email,
        role: Role::from_id(&role)?,
        institution_id,
        child_id,
        password_hash,
        demo_only,
        disabled,
        totp_secret: totp,
    })
}

impl Store {
    /// Creates a user and the user's class relations in one transaction, with an audit row
    /// when `audit` is given. Returns the new id.
    pub async fn create_user(&self, new: &NewUser, audit: Option<&AuditEntry>) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (municipality_id, username, name, email, role, institution_id, child_id, \
                 password_hash, demo_only) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(new.municipality_id)
            .bind(&new.username)
            .bind(&new.name)
            .bind(&new.email)
            .bind(new.role.id())
            .bind(new.institution_id)
            .bind(new.child_id)
            .bind(&new.password_hash)
            .bind(new.demo_only)
            .fetch_one(&mut *tx)
            .await?;
            for class_id in &new.class_ids {
                sqlx::query("INSERT INTO user_classes (municipality_id, user_id, class_id) VALUES ($1, $2, $3)")
                    .bind(new.municipality_id)
                    .bind(id)
                    .bind(class_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(entry) = audit {
                append_audit!(tx, entry);
            }
            tx.commit().await?;
            id
        }))
    }

    /// Creates (`None`) or updates (`Some(id)`) accounts in one transaction, with one audit row
    /// each made from `audit` (its criterion set to the user name). Passwords are not touched.
    pub async fn import_users(&self, rows: &[(Option<i64>, NewUser)], audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            for (existing, new) in rows {
                let id: i64 = match existing {
                    Some(id) => {
                        sqlx::query(
                            "UPDATE users SET name = $1, email = $2, role = $3, institution_id = $4, child_id = $5 \
                             WHERE id = $6",
                        )
                        .bind(&new.name)
                        .bind(&new.email)
                        .bind(new.role.id())
                        .bind(new.institution_id)
                        .bind(new.child_id)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("DELETE FROM user_classes WHERE user_id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        *id
                    }
                    None => sqlx::query_scalar(
                        "INSERT INTO users (municipality_id, username, name, email, role, institution_id, child_id) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(new.municipality_id)
                    .bind(&new.username)
                    .bind(&new.name)
                    .bind(&new.email)
                    .bind(new.role.id())
                    .bind(new.institution_id)
                    .bind(new.child_id)
                    .fetch_one(&mut *tx)
                    .await?,
                };
                for class_id in &new.class_ids {
                    sqlx::query("INSERT INTO user_classes (municipality_id, user_id, class_id) VALUES ($1, $2, $3)")
                        .bind(new.municipality_id)
                        .bind(id)
                        .bind(class_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let action = if existing.is_some() {
                    "user.update"
                } else {
                    "user.create"
                };
                let entry = AuditEntry {
                    action: action.into(),
                    criterion: Some(new.username.clone()),
                    ..audit.clone()
                };
                append_audit!(tx, &entry);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Changes name, role, institution and classes of an account, with its audit row.
    pub async fn update_user(&self, user_id: i64, update: &UserUpdate, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("UPDATE users SET name = $1, email = $2, role = $3, institution_id = $4 WHERE id = $5")
                .bind(&update.name)
                .bind(&update.email)
                .bind(update.role.id())
                .bind(update.institution_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM user_classes WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            for class_id in &update.class_ids {
                sqlx::query(
                    "INSERT INTO user_classes (municipality_id, user_id, class_id) \
                     SELECT municipality_id, $1, $2 FROM users WHERE id = $1",
                )
                .bind(user_id)
                .bind(class_id)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Disables or enables an account. Disabling ends its sessions at once.
    pub async fn set_disabled(&self, user_id: i64, disabled: bool, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                .bind(disabled)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Sets a new password hash and ends the account's sessions.
    pub async fn set_password(&self, user_id: i64, hash: &str, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Sets (or with `None` removes, to be set up again) the TOTP secret.
    pub async fn set_totp_secret(&self, user_id: i64, secret: Option<&str>, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            // A new secret keeps the last used step, so the code that confirmed it cannot be
            // used again; removing the secret starts over.
            let sql = if secret.is_some() {
                "UPDATE users SET totp_secret = $1 WHERE id = $2"
            } else {
                "UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2"
            };
            sqlx::query(sql).bind(secret).bind(user_id).execute(&mut *tx).await?;
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Accepts a TOTP time step once: false if this or a later step was used already.
    pub async fn accept_totp_step(&self, user_id: i64, step: i64) -> Result<bool> {
        let done = with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let done = sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            done
        });
        Ok(done == 1)
    }

    /// Lets the account log in again at once after failed attempts (administrator unlock).
    pub async fn reset_login_throttle(&self, user_id: i64, now: DateTime<Utc>, audit: &AuditEntry) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("UPDATE users SET throttle_reset_at = $1 WHERE id = $2")
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row: Option<UserTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(user))
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
        let row: Option<UserTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(username)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(user))
    }

    /// The municipality's accounts, by user name.
    pub async fn users(&self, municipality_id: i64) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.municipality_id = $1 ORDER BY u.username");
        let rows: Vec<UserTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(municipality_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().filter_map(user).collect())
    }

    /// Active staff accounts of an institution, by name (to assign alerts to).
    pub async fn institution_staff(&self, institution_id: i64) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.institution_id = $1 AND NOT u.disabled \
             AND u.role IN ('laerer', 'trivselsperson', 'skoleleder') ORDER BY u.name"
        );
        let rows: Vec<UserTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(institution_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().filter_map(user).collect())
    }

    /// The accounts that belong at a meeting about the child on `on`: the teachers of the
    /// child's class, the pupil's own account and the advisers assigned to the child then.
    pub async fn child_meeting_people(&self, child: ChildGrant, on: NaiveDate) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE NOT u.disabled AND (\
             (u.role = 'laerer' AND u.id IN (SELECT uc.user_id FROM user_classes uc JOIN enrolments e \
               ON e.class_id = uc.class_id WHERE e.child_id = $1 AND e.enrolled_from <= $2 \
               AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2))) \
             OR (u.role = 'elev' AND u.child_id = $1) \
             OR u.id IN (SELECT a.user_id FROM case_assignments a WHERE a.child_id = $1 \
               AND a.ended_at IS NULL AND (a.ends_on IS NULL OR a.ends_on >= $2))) \
             ORDER BY u.name, u.id"
        );
        let rows: Vec<UserTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(child.child_id())
                .bind(on)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().filter_map(user).collect())
    }

    /// Ids of the classes a user teaches.
    pub async fn user_class_ids(&self, user_id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT class_id FROM user_classes WHERE user_id = $1 ORDER BY class_id")
                .bind(user_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The user with the relationships that give access, read fresh on every request so a
    /// removed relationship takes effect at once. A social worker (socialrådgiver) counts an
    /// assigned child only while a consent `socialraadgiver` from a guardian with custody is in
    /// force on `today` (the local Danish date); other advisers count their assignments as is.
    /// An assignment counts until it is ended or its last day has passed. An absence caseworker
    /// (fraværssagsbehandler) is assigned the children on the municipality's submitted lists.
    pub async fn actor(&self, user: &User, today: NaiveDate) -> Result<Actor> {
        // One query for the three relationships: this runs on every request, so a revoked
        // consent ends a social worker's access on the next one.
        let sql = format!(
            "SELECT 1, class_id FROM user_classes WHERE user_id = $1 \
             UNION ALL SELECT 2, gs.child_id FROM guardians g JOIN guardianships gs ON gs.guardian_id = g.id \
             WHERE g.user_id = $1 AND gs.custody \
             UNION ALL SELECT 3, a.child_id FROM case_assignments a WHERE a.user_id = $1 \
             AND a.ended_at IS NULL AND (a.ends_on IS NULL OR a.ends_on >= $4) \
             AND (NOT $2 OR EXISTS (SELECT 1 FROM consents c WHERE c.child_id = a.child_id AND {})) \
             UNION ALL SELECT 3, p.child_id FROM absence_report_pupils p JOIN absence_reports r ON r.id = p.report_id \
             WHERE $5 AND r.municipality_id = $6",
            in_force_sql("c", "$3", "$4")
        );
        let rows: Vec<(i32, i64)> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(user.id)
                .bind(user.role == Role::SocialWorker)
                .bind(ConsentScope::SocialWorker.id())
                .bind(today)
                .bind(user.role == Role::AbsenceCaseworker)
                .bind(user.municipality_id)
                .fetch_all(pool)
                .await?
        });
        let of = |kind: i32| -> Vec<i64> { rows.iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id).collect() };
        let (class_ids, guarded, assigned) = (of(1), of(2), of(3));
        let own_children = match user.role {
            Role::Guardian => guarded,
            Role::Pupil => user.child_id.into_iter().collect(),
            _ => Vec::new(),
        };
        Ok(Actor {
            user_id: user.id,
            role: Some(user.role),
            municipality_id: user.municipality_id,
            institution_id: user.institution_id,
            class_ids,
            own_children,
            assigned_children: assigned,
        })
    }

    /// Creates guardians (forældre) with custody of their children, in one transaction.
    pub async fn add_guardians(&self, municipality_id: i64, guardians: &[NewGuardian]) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            for g in guardians {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO guardians (municipality_id, name, user_id) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(municipality_id)
                .bind(&g.name)
                .bind(g.user_id)
                .fetch_one(&mut *tx)
                .await?;
                for child_id in &g.children {
                    sqlx::query(
                        "INSERT INTO guardianships (municipality_id, guardian_id, child_id, custody) \
                         VALUES ($1, $2, $3, TRUE)",
                    )
                    .bind(municipality_id)
                    .bind(id)
                    .bind(child_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Starts a login session; the token itself is never stored, only its hash. A session
    /// with `mfa_pending` waits for the second factor.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &User,
        now: DateTime<Utc>,
        mfa_pending: bool,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, municipality_id, user_id, created_at, last_seen_at, mfa_pending) \
                 VALUES ($1, $2, $3, $4, $4, $5)",
            )
            .bind(token_hash)
            .bind(user.municipality_id)
            .bind(user.id)
            .bind(now)
            .bind(mfa_pending)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replaces a session waiting for its second factor by a full session under a new token.
    pub async fn complete_mfa(&self, old_hash: &str, new_hash: &str, now: DateTime<Utc>) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, municipality_id, user_id, created_at, last_seen_at, mfa_pending) \
                 SELECT $1, municipality_id, user_id, $2, $2, FALSE FROM sessions WHERE token_hash = $3",
            )
            .bind(new_hash)
            .bind(now)
            .bind(old_hash)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(old_hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The user of a live session, marking it as seen now. A session idle since before
    /// `idle_since`, created before `created_since`, or of a disabled account is deleted.
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_since: DateTime<Utc>,
        created_since: DateTime<Utc>,
    ) -> Result<Option<SessionInfo>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.created_at, s.last_seen_at, s.mfa_pending FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        );
        let session: Option<SessionTuple> = with_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(token_hash)
                .fetch_optional(pool)
                .await?
        });
        let Some((
            id,
            m,
            username,
            name,
            email,
            role,
            institution,
            child,
            hash,
            demo,
            disabled,
            totp,
            created,
            seen,
            mfa_pending,
        )) = session
        else {
            return Ok(None);
        };
        let found = user((
            id,
            m,
            username,
            name,
            email,
            role,
            institution,
            child,
            hash,
            demo,
            disabled,
            totp,
        ));
        let live = found.as_ref().is_some_and(|u| !u.disabled) && seen >= idle_since && created >= created_since;
        if !live {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        // Marking the session as seen is a durable write; a tenth of the idle timeout (at most a
        // minute) is precise enough and spares most requests a disk flush.
        let touch_after = ((now - idle_since) / 10).min(chrono::Duration::seconds(60));
        if now - seen > touch_after {
            with_pool!(self, |pool| {
                let mut tx = pool.begin_write(self).await?;
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            });
        }
        Ok(found.map(|user| SessionInfo {
            user,
            mfa_pending,
            created_at: created,
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records a login attempt (every one, successful or not). `device` is the hash of the
    /// device cookie the attempt came with, when it named this account.
    pub async fn record_login_attempt(
        &self,
        username: &str,
        address: &str,
        success: bool,
        at: DateTime<Utc>,
        device: Option<&str>,
    ) -> Result<()> {
        self.record_attempt(username, address, success, at, "password", device)
            .await
    }

    /// Records an attempt at the second factor (a TOTP code) of `username`.
    pub async fn record_second_factor_attempt(
        &self,
        username: &str,
        address: &str,
        success: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.record_attempt(username, address, success, at, "totp", None).await
    }

    async fn record_attempt(
        &self,
        username: &str,
        address: &str,
        success: bool,
        at: DateTime<Utc>,
        factor: &str,
        device: Option<&str>,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "INSERT INTO login_attempts (attempted_at, username, address, success, factor, device) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(at)
            .bind(username)
            .bind(address)
            .bind(success)
            .bind(factor)
            .bind(device)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Remembers a device cookie (its hash) for `username`, and forgets cookies older than
    /// `expired_before`.
    pub async fn add_login_device(
        &self,
        token_hash: &str,
        username: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("DELETE FROM login_devices WHERE created_at < $1")
                .bind(expired_before)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO login_devices (token_hash, username, created_at) VALUES ($1, $2, $3)")
                .bind(token_hash)
                .bind(username)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The account a device cookie (its hash) was given to, unless it is older than
    /// `expired_before`.
    pub async fn login_device(&self, token_hash: &str, expired_before: DateTime<Utc>) -> Result<Option<String>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT username FROM login_devices WHERE token_hash = $1 AND created_at >= $2")
                .bind(token_hash)
                .bind(expired_before)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Times of failed logins (passwords) for `username` since `since`, after its last
    /// successful login and any administrator unlock, newest first: those made with the device
    /// cookie `device` (its hash), or with none (untrusted attempts) when `device` is `None`.
    pub async fn account_failures(
        &self,
        username: &str,
        since: DateTime<Utc>,
        device: Option<&str>,
    ) -> Result<Vec<DateTime<Utc>>> {
        self.failures(username, since, "password", device).await
    }

    /// Times of wrong second-factor codes for `username` since `since`, after its last accepted
    /// code and any administrator unlock, newest first. A correct password does not reset them.
    pub async fn second_factor_failures(&self, username: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
        self.failures(username, since, "totp", None).await
    }

    async fn failures(
        &self,
        username: &str,
        since: DateTime<Utc>,
        factor: &str,
        device: Option<&str>,
    ) -> Result<Vec<DateTime<Utc>>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT a.attempted_at FROM login_attempts a WHERE a.username = $1 AND NOT a.success \
                 AND a.factor = $3 AND a.attempted_at >= $2 AND COALESCE(a.device, '') = $4 \
                 AND a.attempted_at > COALESCE((SELECT MAX(s.attempted_at) FROM login_attempts s \
                     WHERE s.username = $1 AND s.success AND s.factor = $3), $2) \
                 AND a.attempted_at > COALESCE((SELECT u.throttle_reset_at FROM users u WHERE u.username = $1), $2) \
                 ORDER BY a.attempted_at DESC",
            )
            .bind(username)
            .bind(since)
            .bind(factor)
            .bind(device.unwrap_or(""))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Number of failed logins from `address` since `since`.
    pub async fn address_failures(&self, address: &str, since: DateTime<Utc>) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_attempts WHERE address = $1 AND NOT success AND attempted_at >= $2",
            )
            .bind(address)
            .bind(since)
            .fetch_one(pool)
            .await?
        }))
    }
}
