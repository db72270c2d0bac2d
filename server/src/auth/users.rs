//! Managing users and checking their passwords: hashing happens here, off the async threads.

use chrono::Utc;

use super::Role;
use super::password::{Password, PasswordError, hash_password_blocking, verify_password_blocking};
use super::user_name::UserName;
use crate::domain::UserId;
use crate::oss::Secret;
use crate::store::{self, Store, StoreError, UserRecord};

/// Why a user could not be added or changed.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("a user called {0:?} already exists")]
    NameTaken(String),
    #[error("there is no user called {0:?}")]
    NotFound(String),
}

/// Adds a user with a freshly hashed password.
pub async fn create_user(
    store: &Store,
    name: &UserName,
    role: Role,
    password: Password,
) -> Result<UserId, UserError> {
    let hash = hash_password_blocking(password).await?;
    let mut conn = store.acquire().await?;
    store::insert_user(&mut conn, name.as_str(), role, &hash, Utc::now())
        .await?
        .ok_or_else(|| UserError::NameTaken(name.to_string()))
}

/// Replaces a user's password and ends their sessions (whoever held one may have known the old
/// password).
pub async fn set_password(
    store: &Store,
    name: &UserName,
    password: Password,
) -> Result<(), UserError> {
    let hash = hash_password_blocking(password).await?;
    let mut tx = store.begin().await?;
    let user = store::find_user_by_name(&mut tx, name.as_str())
        .await?
        .ok_or_else(|| UserError::NotFound(name.to_string()))?;
    store::update_password(&mut tx, user.id, &hash, Utc::now()).await?;
    store::delete_sessions_of_user(&mut tx, user.id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Disables a user and ends their sessions.
pub async fn disable_user(store: &Store, name: &UserName) -> Result<(), UserError> {
    let mut tx = store.begin().await?;
    let user = store::find_user_by_name(&mut tx, name.as_str())
        .await?
        .ok_or_else(|| UserError::NotFound(name.to_string()))?;
    store::disable_user(&mut tx, user.id, Utc::now()).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The enabled user `name` when `password` is theirs, else `None`. Unknown names, invalid names
/// and disabled users cost one argon2 verification too, so the time taken does not tell which.
pub async fn verify_credentials(
    store: &Store,
    name: &str,
    password: Secret,
) -> Result<Option<UserRecord>, StoreError> {
    let user = match UserName::parse(name) {
        Ok(name) => {
            let mut conn = store.pool().acquire().await?;
            store::find_user_by_name(&mut conn, name.as_str()).await?
        }
        Err(_) => None,
    };
    let stored = user.as_ref().map(|u| u.password_hash.expose().to_owned());
    let matches = verify_password_blocking(stored, password).await;
    Ok(user.filter(|u| matches && u.disabled_at.is_none()))
}
