//! Checking a user's password at sign-in, off the async threads.

use super::password::verify_password_blocking;
use crate::domain::{Secret, UserName};
use crate::store::{self, Store, StoreError, UserRecord};

/// The enabled user `name` when `password` is theirs, else `None`. Unknown names, invalid names
/// and disabled users cost one argon2 verification too, so the time taken does not tell which.
pub async fn verify_credentials(
    store: &Store,
    name: &str,
    password: Secret,
) -> Result<Option<UserRecord>, StoreError> {
    let user = match UserName::parse(name) {
        Ok(name) => store::find_user_by_name(store, name.as_str()).await?,
        Err(_) => None,
    };
    let stored = user.as_ref().map(|u| u.password_hash.expose().to_owned());
    let matches = verify_password_blocking(stored, password).await;
    Ok(user.filter(|u| matches && u.disabled_at.is_none()))
}
