//! API tokens: `oa_` + 32 random bytes (base64url), stored as a SHA-256 digest and a prefix,
//! checked against the database on every request so a revocation takes effect at once.

use chrono::Utc;

use super::secrets::{random_token, sha256_hex};
use super::{Principal, Role};
use crate::domain::TokenId;
use crate::oss::Secret;
use crate::store::{self, NewToken, Store, StoreError};

/// What every token starts with, so secret scanners and people can recognise one.
pub const TOKEN_PREFIX: &str = "oa_";
/// How many leading characters of a token are stored and listed.
pub const SHOWN_PREFIX_LEN: usize = 10;
/// The length of a token: the prefix and 43 base64url characters.
const TOKEN_LEN: usize = TOKEN_PREFIX.len() + 43;

/// A token just created: the only time the token itself exists outside its holder.
#[derive(Debug)]
pub struct CreatedToken {
    pub id: TokenId,
    /// The token to hand over once; never stored.
    pub token: Secret,
    pub prefix: String,
}

/// A new random token.
pub fn generate() -> Secret {
    Secret::new(format!("{TOKEN_PREFIX}{}", random_token(32)))
}

/// Creates and stores a token for `name` with `role`; `created_by` names who asked (`cli:USER`).
pub async fn create(
    store: &Store,
    name: &str,
    role: Role,
    created_by: &str,
) -> Result<CreatedToken, StoreError> {
    let token = generate();
    let prefix: String = token.expose().chars().take(SHOWN_PREFIX_LEN).collect();
    let hash = sha256_hex(token.expose());
    let mut conn = store.pool().acquire().await?;
    let id = store::insert_api_token(
        &mut conn,
        &NewToken {
            name,
            role,
            token_hash: &hash,
            prefix: &prefix,
            created_by,
            now: Utc::now(),
        },
    )
    .await?;
    Ok(CreatedToken { id, token, prefix })
}

/// The principal a bearer token stands for, recording its use; `None` for a malformed, unknown
/// or revoked token.
pub async fn authenticate(store: &Store, bearer: &str) -> Result<Option<Principal>, StoreError> {
    let bearer = bearer.trim();
    // Malformed values are refused before the database, and never hashed into a lookup.
    if bearer.len() != TOKEN_LEN || !bearer.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let mut conn = store.pool().acquire().await?;
    let Some(record) = store::find_api_token_by_hash(&mut conn, &sha256_hex(bearer)).await? else {
        return Ok(None);
    };
    if record.revoked_at.is_some() {
        return Ok(None);
    }
    store::touch_api_token(&mut conn, record.id, Utc::now()).await?;
    Ok(Some(Principal::Token {
        id: record.id,
        name: record.name,
        role: record.role,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_prefix_and_length() {
        let token = generate();
        assert!(token.expose().starts_with("oa_"));
        assert_eq!(token.expose().len(), TOKEN_LEN);
        assert_ne!(token.expose(), generate().expose());
    }
}
