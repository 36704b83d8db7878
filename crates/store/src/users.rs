//! Staff and guardian accounts (brugere), guardians (forældremyndighed) and login sessions.

use chrono::{DateTime, Utc};
use trivsel_domain::model::Role;

use crate::{Result, Store, with_pool};

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
    pub role: Role,
    pub institution_id: Option<i64>,
    pub child_id: Option<i64>,
    pub password_hash: Option<String>,
    pub demo_only: bool,
    pub disabled: bool,
}

type UserTuple = (
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    bool,
    bool,
);

const USER_COLUMNS: &str = "u.id, u.municipality_id, u.username, u.name, u.role, u.institution_id, u.child_id, u.password_hash, u.demo_only, u.disabled";

fn user(t: UserTuple) -> Option<User> {
    let (
        id,
        municipality_id,
        username,
        name,
        role,
        institution_id,
        child_id,
        password_hash,
        demo_only,
        disabled,
    ) = t;
    Some(User {
        id,
        municipality_id,
        username,
        name,
        role: Role::from_id(&role)?,
        institution_id,
        child_id,
        password_hash,
        demo_only,
        disabled,
    })
}

impl Store {
    /// Creates a user and the user's class relations in one transaction.
    pub async fn create_user(&self, new: &NewUser) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
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
            tx.commit().await?;
            id
        }))
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

    /// Creates guardians (forældre) with custody of their children, in one transaction.
    pub async fn add_guardians(
        &self,
        municipality_id: i64,
        guardians: &[NewGuardian],
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
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

    /// Starts a login session; the token itself is never stored, only its hash.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &User,
        now: DateTime<Utc>,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, municipality_id, user_id, created_at, last_seen_at) \
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(token_hash)
            .bind(user.municipality_id)
            .bind(user.id)
            .bind(now)
            .execute(pool)
            .await?;
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
    ) -> Result<Option<User>> {
        let session: Option<(i64, DateTime<Utc>, DateTime<Utc>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT user_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        let Some((user_id, created, seen)) = session else {
            return Ok(None);
        };
        let found = self.user_by_id(user_id).await?;
        let live = found.as_ref().is_some_and(|u| !u.disabled)
            && seen >= idle_since
            && created >= created_since;
        if !live {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        with_pool!(self, |pool| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(found)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        with_pool!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
