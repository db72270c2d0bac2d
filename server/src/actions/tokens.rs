//! API tokens: create one (the token exists outside its holder only in the answer) and revoke
//! one, each recorded in the audit log in the same transaction.

use chrono::Utc;

use super::record;
use crate::auth::secrets::sha256_hex;
use crate::auth::tokens::{SHOWN_PREFIX_LEN, generate};
use crate::domain::{AccountId, Actor, Role, Secret, TokenId};
use crate::store::{self, NewToken, Store, StoreError};

/// A token just created: the only time the token itself exists outside its holder.
#[derive(Debug)]
pub struct CreatedToken {
    pub id: TokenId,
    /// The token to hand over once; never stored.
    pub token: Secret,
    pub prefix: String,
}

/// Creates and stores a token called `name` with `role`. `account` names the audit log that
/// records it: `None` on a database no scan or server has set up yet, which has no audit log.
pub async fn create(
    store: &Store,
    account: Option<AccountId>,
    name: &str,
    role: Role,
    actor: &Actor,
) -> Result<CreatedToken, StoreError> {
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
            now: Utc::now(),
        },
    )
    .await?;
    if let Some(account) = account {
        let detail = format!("created API token {id} {name:?} with role {role}");
        record(&mut tx, account, actor, "create-token", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, token.id = %id, %role, "API token created");
    Ok(CreatedToken { id, token, prefix })
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
