//! API tokens: `oa_` + 32 random bytes (base64url), stored as a SHA-256 digest and a prefix,
//! checked against the database on every request so a revocation takes effect at once.

use chrono::Utc;

use super::Principal;
use super::secrets::{random_token, sha256_hex};
use crate::domain::Secret;
use crate::store::{self, Store, StoreError};

/// What every token starts with, so secret scanners and people can recognise one.
pub const TOKEN_PREFIX: &str = "oa_";
/// How many leading characters of a token are stored and listed.
pub const SHOWN_PREFIX_LEN: usize = 10;
/// The length of a token: the prefix and 43 base64url characters.
const TOKEN_LEN: usize = TOKEN_PREFIX.len() + 43;

/// A new random token.
pub fn generate() -> Secret {
    Secret::new(format!("{TOKEN_PREFIX}{}", random_token(32)))
}

/// The principal a bearer token stands for, recording its use; `None` for a malformed, unknown
/// or revoked token.
pub async fn authenticate(store: &Store, bearer: &str) -> Result<Option<Principal>, StoreError> {
    let bearer = bearer.trim();
    // Malformed values are refused before the database, and never hashed into a lookup.
    if bearer.len() != TOKEN_LEN || !bearer.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let Some(record) = store::find_api_token_by_hash(store, &sha256_hex(bearer)).await? else {
        return Ok(None);
    };
    if record.revoked_at.is_some() {
        return Ok(None);
    }
    store::touch_api_token(store, record.id, Utc::now()).await?;
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
