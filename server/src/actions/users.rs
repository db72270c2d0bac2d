//! Dashboard users: add one, disable one (revoking their API tokens), set a password, change
//! one's own. Each change and its audit-log entry are written together; passwords are hashed off
//! the async threads, before the transaction.

use chrono::Utc;

use super::record;
use crate::auth::checks::PasswordCheck;
use crate::auth::password::{Password, PasswordError, hash_password_blocking};
use crate::auth::secrets::sha256_hex;
use crate::domain::{AccountId, Actor, Role, Secret, UserId, UserName};
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
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the new password is the current one")]
    SamePassword,
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

/// A user changes their own password: `current` must be theirs (checked through `check`), `new`
/// must differ from it. Their other sessions end; the one whose cookie value is `keep_session`
/// (the browser that asked) continues. A password that had to be changed no longer has to.
pub async fn change_own_password(
    store: &Store,
    account: Option<AccountId>,
    check: &PasswordCheck,
    name: &UserName,
    current: Secret,
    new: Password,
    keep_session: &str,
) -> Result<(), UserError> {
    let user = existing(store, name).await?;
    let same = current.expose() == new.expose();
    let stored = Some(user.password_hash.expose().to_owned());
    if !check.verify(stored, current).await {
        return Err(UserError::WrongPassword);
    }
    if same {
        return Err(UserError::SamePassword);
    }
    let hash = hash_password_blocking(new).await?;
    let actor = Actor::user(name.as_str());
    let mut tx = store.begin().await?;
    store::update_password(&mut tx, user.id, &hash, Utc::now()).await?;
    let ended =
        store::delete_other_sessions_of_user(&mut tx, user.id, &sha256_hex(keep_session)).await?;
    if let Some(account) = account {
        let detail = format!("changed their own password; {ended} other sessions ended");
        record(&mut tx, account, &actor, "change-password", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(user = %name, sessions.ended = ended, "password changed by its user");
    Ok(())
}

/// Disables a user, ends their sessions and revokes the API tokens they made.
pub async fn disable(
    store: &Store,
    account: Option<AccountId>,
    name: &UserName,
    actor: &Actor,
) -> Result<(), UserError> {
    let mut tx = store.begin().await?;
    let user = existing(&mut tx, name).await?;
    let now = Utc::now();
    store::disable_user(&mut tx, user.id, now).await?;
    let revoked = store::revoke_api_tokens_of_owner(&mut tx, user.id, now).await?;
    if let Some(account) = account {
        let detail = format!("disabled user {name}; {revoked} of their API tokens revoked");
        record(&mut tx, account, actor, "disable-user", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, user = %name, tokens.revoked = revoked, "user disabled");
    Ok(())
}

async fn existing(db: impl store::Db, name: &UserName) -> Result<UserRecord, UserError> {
    store::find_user_by_name(db, name.as_str())
        .await?
        .ok_or_else(|| UserError::NotFound(name.to_string()))
}
