//! API tokens: `oa_` + 32 random bytes (base64url), stored as a SHA-256 digest and a prefix,
//! checked against the database on every request so a revocation or an expiry takes effect at
//! once.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Principal;
use super::secrets::{random_token, sha256_hex};
use crate::domain::Secret;
use crate::store::{self, Grantee, Store, StoreError};

/// What every token starts with, so secret scanners and people can recognise one.
pub const TOKEN_PREFIX: &str = "oa_";
/// How many leading characters of a token are stored and listed.
pub const SHOWN_PREFIX_LEN: usize = 10;
/// The length of a token: the prefix and 43 base64url characters.
const TOKEN_LEN: usize = TOKEN_PREFIX.len() + 43;

/// How long a token works: at least a minute, at most two years, 90 days unless asked otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime(Duration);

/// Why a lifetime was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifetimeError {
    #[error("a token must live at least a minute")]
    TooShort,
    #[error("a token may live at most 730 days")]
    TooLong,
}

impl TokenLifetime {
    /// The lifetime of a token when none is asked for.
    pub const DEFAULT_DAYS: u64 = 90;
    /// The longest lifetime, in days.
    pub const MAX_DAYS: u64 = 730;

    /// A lifetime of `duration`, within the bounds.
    pub fn new(duration: Duration) -> Result<Self, LifetimeError> {
        if duration < Duration::from_secs(60) {
            Err(LifetimeError::TooShort)
        } else if duration > Self::days_duration(Self::MAX_DAYS) {
            Err(LifetimeError::TooLong)
        } else {
            Ok(Self(duration))
        }
    }

    /// A lifetime of `days` days (1 to 730).
    pub fn days(days: u64) -> Result<Self, LifetimeError> {
        if days == 0 {
            return Err(LifetimeError::TooShort);
        }
        Self::new(Self::days_duration(days.min(Self::MAX_DAYS + 1)))
    }

    fn days_duration(days: u64) -> Duration {
        Duration::from_secs(days * 24 * 60 * 60)
    }

    /// When a token made at `now` stops working.
    pub fn expiry_from(self, now: DateTime<Utc>) -> DateTime<Utc> {
        // Bounded by two years above, so the conversion cannot overflow.
        now + chrono::Duration::from_std(self.0).unwrap_or(chrono::Duration::MAX)
    }
}

impl Default for TokenLifetime {
    fn default() -> Self {
        Self(Self::days_duration(Self::DEFAULT_DAYS))
    }
}

/// What a bearer value turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// A live token: the principal it stands for (its use is recorded).
    Valid(Principal),
    /// A token that was valid until `at`: the caller is told so, to ask for a new one.
    Expired { at: DateTime<Utc> },
    /// Malformed, unknown or revoked.
    Invalid,
}

/// A new random token.
pub fn generate() -> Secret {
    Secret::new(format!("{TOKEN_PREFIX}{}", random_token(32)))
}

/// The principal a bearer token stands for, recording its use; `None` for a malformed, unknown,
/// revoked or expired token.
pub async fn authenticate(store: &Store, bearer: &str) -> Result<Option<Principal>, StoreError> {
    Ok(match check(store, bearer).await? {
        TokenCheck::Valid(principal) => Some(principal),
        TokenCheck::Expired { .. } | TokenCheck::Invalid => None,
    })
}

/// What `bearer` is: a live token (its use recorded), an expired one, or nothing.
pub async fn check(store: &Store, bearer: &str) -> Result<TokenCheck, StoreError> {
    let bearer = bearer.trim();
    // Malformed values are refused before the database, and never hashed into a lookup.
    if bearer.len() != TOKEN_LEN || !bearer.starts_with(TOKEN_PREFIX) {
        return Ok(TokenCheck::Invalid);
    }
    let Some(record) = store::find_api_token_by_hash(store, &sha256_hex(bearer)).await? else {
        return Ok(TokenCheck::Invalid);
    };
    if record.revoked_at.is_some() {
        return Ok(TokenCheck::Invalid);
    }
    let now = Utc::now();
    if let Some(at) = record.expires_at.filter(|_| record.expired(now)) {
        return Ok(TokenCheck::Expired { at });
    }
    store::touch_api_token(store, record.id, now).await?;
    let access =
        super::principal::load_access(store, Grantee::Token(record.id), record.role).await?;
    Ok(TokenCheck::Valid(Principal::Token {
        id: record.id,
        name: record.name,
        access,
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

    #[test]
    fn lifetimes_are_bounded_and_default_to_ninety_days() {
        let now = Utc::now();
        let default = TokenLifetime::default().expiry_from(now) - now;
        assert_eq!(default.num_days(), 90);
        assert_eq!(TokenLifetime::days(0), Err(LifetimeError::TooShort));
        assert_eq!(TokenLifetime::days(731), Err(LifetimeError::TooLong));
        assert_eq!(TokenLifetime::days(u64::MAX), Err(LifetimeError::TooLong));
        assert!(TokenLifetime::days(730).is_ok());
        assert_eq!(
            TokenLifetime::new(Duration::from_secs(59)),
            Err(LifetimeError::TooShort)
        );
    }
}
