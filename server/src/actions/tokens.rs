//! API tokens: create one (the token exists outside its holder only in the answer, and stops
//! working after its lifetime) and revoke one (its owner or an admin), each recorded in the audit
//! log in the same transaction.

use chrono::{DateTime, Utc};

use super::grants::{self, GrantError};
use super::record;
use crate::auth::Principal;
use crate::auth::secrets::sha256_hex;
use crate::auth::tokens::{SHOWN_PREFIX_LEN, TokenLifetime, generate};
use crate::domain::{AccountGrant, AccountId, Actor, Role, Secret, TokenId, UserId};
use crate::store::{self, Grantee, NewToken, Store, StoreError};

/// A token just created: the only time the token itself exists outside its holder.
#[derive(Debug)]
pub struct CreatedToken {
    pub id: TokenId,
    /// The token to hand over once; never stored.
    pub token: Secret,
    pub prefix: String,
    pub expires_at: DateTime<Utc>,
}

/// What a new token is: its name, role, per-account roles, lifetime and the user who answers
/// for it.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    pub name: &'a str,
    /// The role on every account except those `grants` names.
    pub role: Role,
    pub grants: &'a [AccountGrant],
    pub lifetime: TokenLifetime,
    /// The signed-in user who made it (`None` from the CLI): disabling them revokes it.
    pub owner: Option<UserId>,
}

/// Why a token could not be revoked.
#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    #[error("there is no token {0}")]
    NotFound(TokenId),
    #[error("only the token's owner or an admin may revoke it")]
    NotYours,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for RevokeError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Creates and stores a token. `account` names the audit log that records it: `None` on a
/// database no scan or server has set up yet, which has no audit log.
pub async fn create(
    store: &Store,
    account: Option<AccountId>,
    request: &TokenRequest<'_>,
    actor: &Actor,
) -> Result<CreatedToken, GrantError> {
    let &TokenRequest {
        name,
        role,
        grants,
        lifetime,
        owner,
    } = request;
    let now = Utc::now();
    let expires_at = lifetime.expiry_from(now);
    let token = generate();
    let prefix: String = token.expose().chars().take(SHOWN_PREFIX_LEN).collect();
    let hash = sha256_hex(token.expose());
    let mut tx = store.begin().await?;
    let id = store::insert_api_token(
        &mut tx,
        &NewToken {
            name,
            role,
            token_hash: &hash,
            prefix: &prefix,
            created_by: actor.as_str(),
            owner,
            now,
            expires_at,
        },
    )
    .await?;
    grants::replace(&mut tx, Grantee::Token(id), role, grants).await?;
    let roles = grants::describe(role, grants);
    if let Some(account) = account {
        let detail = format!(
            "created API token {id} {name:?} with role {roles}, expiring {}",
            expires_at.format("%Y-%m-%d %H:%M UTC")
        );
        record(&mut tx, account, actor, "create-token", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, token.id = %id, role = %roles, "API token created");
    Ok(CreatedToken {
        id,
        token,
        prefix,
        expires_at,
    })
}

/// Revokes token `id` for `by`, a signed-in user: an admin may revoke any token, anyone else only
/// the tokens they made.
pub async fn revoke_as(
    store: &Store,
    account: AccountId,
    id: TokenId,
    by: &Principal,
) -> Result<(), RevokeError> {
    let token = store::find_api_token(store, id)
        .await?
        .ok_or(RevokeError::NotFound(id))?;
    let owns = matches!(by, Principal::User { id: user, .. } if token.owner == Some(*user));
    if !owns && !by.role().allows(Role::Admin) {
        return Err(RevokeError::NotYours);
    }
    if revoke(store, Some(account), id, &by.actor()).await? {
        Ok(())
    } else {
        Err(RevokeError::NotFound(id))
    }
}

/// Revokes token `id`: it stops working at once. False when there is no such token.
pub async fn revoke(
    store: &Store,
    account: Option<AccountId>,
    id: TokenId,
    actor: &Actor,
) -> Result<bool, StoreError> {
    let mut tx = store.begin().await?;
    if !store::revoke_api_token(&mut tx, id, Utc::now()).await? {
        return Ok(false);
    }
    if let Some(account) = account {
        record(
            &mut tx,
            account,
            actor,
            "revoke-token",
            &format!("revoked API token {id}"),
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, token.id = %id, "API token revoked");
    Ok(true)
}
