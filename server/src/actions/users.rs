//! Dashboard users: add one, disable one, set a password. Each change and its audit-log entry
//! are written together; passwords are hashed off the async threads, before the transaction.

use chrono::Utc;

use super::record;
use crate::auth::password::{Password, PasswordError, hash_password_blocking};
use crate::domain::{AccountId, Actor, Role, UserId, UserName};
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

impl From<sqlx::Error> for UserError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Adds a user with a freshly hashed password. `account` names the audit log that records it:
/// `None` on a database no scan or server has set up yet, which has no audit log.
pub async fn add(
    store: &Store,
    account: Option<AccountId>,
    name: &UserName,
    role: Role,
    password: Password,
    actor: &Actor,
) -> Result<UserId, UserError> {
    let hash = hash_password_blocking(password).await?;
    let mut tx = store.begin().await?;
    let id = store::insert_user(&mut tx, name.as_str(), role, &hash, Utc::now())
        .await?
        .ok_or_else(|| UserError::NameTaken(name.to_string()))?;
    if let Some(account) = account {
        let detail = format!("added user {name} with role {role}");
        record(&mut tx, account, actor, "create-user", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, user = %name, %role, "user added");
    Ok(id)
}

/// Replaces a user's password and ends their sessions (whoever held one may have known the old
/// password).
pub async fn set_password(
    store: &Store,
    account: Option<AccountId>,
    name: &UserName,
    password: Password,
    actor: &Actor,
) -> Result<(), UserError> {
    let hash = hash_password_blocking(password).await?;
    let mut tx = store.begin().await?;
    let user = existing(&mut tx, name).await?;
    store::update_password(&mut tx, user.id, &hash, Utc::now()).await?;
    store::delete_sessions_of_user(&mut tx, user.id).await?;
    if let Some(account) = account {
        let detail = format!("set the password of user {name}");
        record(&mut tx, account, actor, "set-password", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, user = %name, "password set");
    Ok(())
}

/// Disables a user and ends their sessions.
pub async fn disable(
    store: &Store,
    account: Option<AccountId>,
    name: &UserName,
    actor: &Actor,
) -> Result<(), UserError> {
    let mut tx = store.begin().await?;
    let user = existing(&mut tx, name).await?;
    store::disable_user(&mut tx, user.id, Utc::now()).await?;
    if let Some(account) = account {
        let detail = format!("disabled user {name}");
        record(&mut tx, account, actor, "disable-user", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, user = %name, "user disabled");
    Ok(())
}

async fn existing(
    conn: &mut sqlx::SqliteConnection,
    name: &UserName,
) -> Result<UserRecord, UserError> {
    store::find_user_by_name(conn, name.as_str())
        .await?
        .ok_or_else(|| UserError::NotFound(name.to_string()))
}
