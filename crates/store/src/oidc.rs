//! Single sign-on settings per municipality, logins under way, and the link from a provider's
//! subject to a Trivsel account.

use chrono::{DateTime, Utc};

use crate::{Result, Store, User, WriteTx, with_pool};

/// A municipality's OpenID Connect provider. The client secret never leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcProvider {
    pub municipality_id: i64,
    /// Button text, e.g. «UNI-Login» or «Frederiksberg Kommune (Entra ID)».
    pub label: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The ID-token claim that holds the Trivsel user name (e.g. `preferred_username`).
    pub username_claim: String,
}

impl std::fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProvider")
            .field("municipality_id", &self.municipality_id)
            .field("label", &self.label)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("username_claim", &self.username_claim)
            .finish()
    }
}

/// A login sent to the provider and not yet returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcLogin {
    pub municipality_id: i64,
    pub pkce_verifier: String,
    pub nonce: String,
    pub created_at: DateTime<Utc>,
}

type ProviderTuple = (i64, String, String, String, String, String);

fn provider((municipality_id, label, issuer, client_id, client_secret, username_claim): ProviderTuple) -> OidcProvider {
    OidcProvider {
        municipality_id,
        label,
        issuer,
        client_id,
        client_secret,
        username_claim,
    }
}

impl Store {
    pub async fn set_oidc_provider(&self, p: &OidcProvider) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "INSERT INTO oidc_providers (municipality_id, label, issuer, client_id, client_secret, username_claim) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (municipality_id) DO UPDATE SET label = excluded.label, \
                 issuer = excluded.issuer, client_id = excluded.client_id, client_secret = excluded.client_secret, \
                 username_claim = excluded.username_claim",
            )
            .bind(p.municipality_id)
            .bind(&p.label)
            .bind(&p.issuer)
            .bind(&p.client_id)
            .bind(&p.client_secret)
            .bind(&p.username_claim)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every configured provider, for the login page's buttons.
    pub async fn oidc_providers(&self) -> Result<Vec<OidcProvider>> {
        let rows: Vec<ProviderTuple> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT municipality_id, label, issuer, client_id, client_secret, username_claim FROM oidc_providers \
                 ORDER BY label",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(provider).collect())
    }

    pub async fn start_oidc_login(&self, state: &str, login: &OidcLogin) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query(
                "INSERT INTO oidc_logins (state, municipality_id, pkce_verifier, nonce, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(state)
            .bind(login.municipality_id)
            .bind(&login.pkce_verifier)
            .bind(&login.nonce)
            .bind(login.created_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Takes a login under way by its state (once: it is deleted).
    pub async fn take_oidc_login(&self, state: &str) -> Result<Option<OidcLogin>> {
        let row: Option<(i64, String, String, DateTime<Utc>)> = with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let row = sqlx::query_as(
                "DELETE FROM oidc_logins WHERE state = $1 RETURNING municipality_id, pkce_verifier, nonce, created_at",
            )
            .bind(state)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            row
        });
        Ok(
            row.map(|(municipality_id, pkce_verifier, nonce, created_at)| OidcLogin {
                municipality_id,
                pkce_verifier,
                nonce,
                created_at,
            }),
        )
    }

    /// The account a provider's subject is linked to; on first use, the account named by the
    /// user-name claim, which is then linked to the subject for good.
    pub async fn oidc_user(&self, municipality_id: i64, subject: &str, username: Option<&str>) -> Result<Option<User>> {
        let linked: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM users WHERE municipality_id = $1 AND oidc_subject = $2")
                .bind(municipality_id)
                .bind(subject)
                .fetch_optional(pool)
                .await?
        });
        if let Some(id) = linked {
            return self.user_by_id(id).await;
        }
        let Some(username) = username else { return Ok(None) };
        let Some(user) = self.user_by_username(&username.to_lowercase()).await? else {
            return Ok(None);
        };
        if user.municipality_id != municipality_id {
            return Ok(None);
        }
        let linked = with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let done = sqlx::query("UPDATE users SET oidc_subject = $1 WHERE id = $2 AND oidc_subject IS NULL")
                .bind(subject)
                .bind(user.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            done
        });
        // An account already linked to another subject is not taken over by a name claim.
        Ok((linked == 1).then_some(user))
    }
}
