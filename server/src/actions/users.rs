//! Dashboard users: add one, set their roles, disable one (revoking their API tokens), set a
//! password, change one's own. Each change and its audit-log entry are written together;
//! passwords are hashed off the async threads, before the transaction.

use chrono::Utc;

use super::grants::{self, GrantError};
use super::record;
use crate::auth::checks::PasswordCheck;
use crate::auth::password::{Password, PasswordError, hash_password_blocking};
use crate::auth::secrets::sha256_hex;
use crate::domain::{AccountGrant, AccountId, Actor, Role, Secret, UserId, UserName};
use crate::store::{self, Grantee, Store, StoreError, UserRecord};

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
    #[error(transparent)]
    Grants(#[from] GrantError),
}

impl From<sqlx::Error> for UserError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Adds a user with a freshly hashed password, `role` on every account except those `grants`
/// names. `account` names the audit log that records it: `None` on a database no scan or server
/// has set up yet, which has no audit log.
pub async fn add(
    store: &Store,
    account: Option<AccountId>,
    name: &UserName,
    role: Role,
    grants: &[AccountGrant],
    password: Password,
    actor: &Actor,
) -> Result<UserId, UserError> {
    let hash = hash_password_blocking(password).await?;
    let mut tx = store.begin().await?;
    let id = store::insert_user(&mut tx, name.as_str(), role, &hash, Utc::now())
        .await?
        .ok_or_else(|| UserError::NameTaken(name.to_string()))?;
    grants::replace(&mut tx, Grantee::User(id), role, grants).await?;
    let roles = grants::describe(role, grants);
    if let Some(account) = account {
        let detail = format!("added user {name} with role {roles}");
        record(&mut tx, account, actor, "create-user", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, user = %name, role = %roles, "user added");
    Ok(id)
}

/// Sets a user's role on every account and their per-account roles (replacing the ones they
/// had). Their sessions carry on with the new roles from their next request.
pub async fn set_role(
    store: &Store,
    account: Option<AccountId>,
    name: &UserName,
    role: Role,
    grants: &[AccountGrant],
    actor: &Actor,
) -> Result<(), UserError> {
    let mut tx = store.begin().await?;
    let user = existing(&mut tx, name).await?;
    let before = store::list_grants_of(&mut *tx, Grantee::User(user.id)).await?;
    store::update_user_role(&mut tx, user.id, role).await?;
    grants::replace(&mut tx, Grantee::User(user.id), role, grants).await?;
    let was: Vec<_> = before
        .into_iter()
        .map(|g| AccountGrant {
            account: g.account,
            role: g.role,
        })
        .collect();
    let roles = grants::describe(role, grants);
    if let Some(account) = account {
        let detail = format!(
            "set the role of user {name} to {roles} (was {})",
            grants::describe(user.role, &was)
        );
        record(&mut tx, account, actor, "set-role", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(%actor, user = %name, role = %roles, "user role set");
    Ok(())
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
