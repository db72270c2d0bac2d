//! Passwords: the length rule, argon2id hashing to a PHC string, and verification that takes as
//! long for an unknown user as for a known one.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use crate::domain::Secret;

/// The shortest accepted password, in characters.
pub const MIN_PASSWORD_LEN: usize = 12;
/// The longest accepted password, in characters; longer input is refused rather than hashed, so a
/// megabyte "password" cannot make the server work for it.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// A password that meets the length rule. Holds a [`Secret`], so it never prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Password(Secret);

/// Why a password was refused or could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password is empty")]
    Empty,
    #[error("the password is too short: use at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
    #[error("the password is too long: use at most {MAX_PASSWORD_LEN} characters")]
    TooLong,
    #[error("could not hash the password: {0}")]
    Hash(String),
}

impl Password {
    /// Checks a new password against the length rule (trailing line breaks from stdin removed).
    pub fn new(raw: &str) -> Result<Self, PasswordError> {
        let raw = raw.trim_end_matches(['\r', '\n']);
        match raw.chars().count() {
            0 => Err(PasswordError::Empty),
            n if n < MIN_PASSWORD_LEN => Err(PasswordError::TooShort),
            n if n > MAX_PASSWORD_LEN => Err(PasswordError::TooLong),
            _ => Ok(Self(Secret::new(raw))),
        }
    }

    /// A random password of 24 base64url characters (144 bits), for the bootstrap admin.
    pub fn generate() -> Self {
        Self(Secret::new(super::secrets::random_token(18)))
    }

    /// The password itself; read only to hash it or to print a generated one once.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The password as a [`Secret`].
    pub fn into_secret(self) -> Secret {
        self.0
    }
}

/// Hashes `password` with argon2id (the crate's default parameters, OWASP's recommendation:
/// 19 MiB, 2 passes, 1 lane) and a random salt, as a PHC string. CPU-bound: call it from
/// `spawn_blocking` (see [`hash_password_blocking`]).
pub fn hash_password(password: &Password) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `candidate` matches the PHC string `stored`. An unparsable hash never matches.
pub fn verify_password(stored: &str, candidate: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("a stored password hash is not a valid PHC string");
        return false;
    };
    Argon2::default()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok()
}

/// A hash of a random password nobody knows, with the default parameters: verified against
/// when the user does not exist, so that answer takes as long as a wrong password.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bm90LWEtcmVhbC1zYWx0$x3CPc3SBA6hm2NY6GZ3tGr2GfAbtCBpPGF8T+5j0XzI";

/// [`hash_password`] on the blocking thread pool.
pub async fn hash_password_blocking(password: Password) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))?
}

/// [`verify_password`] on the blocking thread pool; `stored: None` verifies against
/// [`DUMMY_HASH`] and answers false. Called through [`super::checks::PasswordCheck`], which
/// bounds and counts verifications.
pub(super) async fn verify_password_blocking(stored: Option<String>, candidate: Secret) -> bool {
    let known = stored.is_some();
    let result = tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or(DUMMY_HASH);
        verify_password(hash, candidate.expose())
    })
    .await;
    known && result.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_empty_and_huge_passwords_are_refused() {
        assert_eq!(Password::new(""), Err(PasswordError::Empty));
        assert_eq!(Password::new("\n"), Err(PasswordError::Empty));
        assert_eq!(Password::new("elevenchars"), Err(PasswordError::TooShort));
        assert_eq!(
            Password::new(&"x".repeat(MAX_PASSWORD_LEN + 1)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            Password::new("twelve chars\n").unwrap().expose(),
            "twelve chars"
        );
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() {
        let password = Password::new("correct horse battery").unwrap();
        let hash = hash_password(&password).unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert_ne!(hash, hash_password(&password).unwrap(), "salts differ");
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_password(&Password::generate()).unwrap();
        let params = |h: &str| h.split('$').nth(3).map(str::to_owned);
        assert_eq!(params(DUMMY_HASH), params(&real));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password(DUMMY_HASH, "anything at all"));
    }

    #[test]
    fn generated_passwords_pass_the_length_rule() {
        let generated = Password::generate();
        assert!(Password::new(generated.expose()).is_ok());
        assert_eq!(format!("{generated:?}"), "Password(Secret(***))");
    }
}
