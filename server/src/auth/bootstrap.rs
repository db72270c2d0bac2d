//! The first administrator: created on an empty user table so a new installation can be used.

use chrono::Utc;

use super::password::{Password, PasswordError, hash_password_blocking};
use crate::domain::{Role, Secret};
use crate::store::{self, Store, StoreError};

/// The name of the bootstrap administrator.
pub const ADMIN_USER: &str = "admin";

/// Why the administrator could not be created.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("OSS_AUDIT_ADMIN_PASSWORD: {0}")]
    Password(#[from] PasswordError),
}

/// On an empty user table, creates the user `admin` (role admin) with `password`, or with a
/// random password when none is given, which must be changed at the first sign-in (nothing else
/// opens until then). Returns the generated password, which the caller shows once and never
/// logs; `None` when a password was given or users already exist (then `password` is ignored).
pub async fn ensure_admin(
    store: &Store,
    password: Option<Secret>,
) -> Result<Option<Secret>, BootstrapError> {
    if store::count_users(store).await? > 0 {
        if password.is_some() {
            tracing::info!("users exist; OSS_AUDIT_ADMIN_PASSWORD is ignored");
        }
        return Ok(None);
    }
    let (password, generated) = match password {
        Some(given) => (Password::new(given.expose())?, false),
        None => (Password::generate(), true),
    };
    let hash = hash_password_blocking(password.clone()).await?;
    let mut tx = store.begin().await?;
    // Checked again in the transaction: another process may have bootstrapped meanwhile, and a
    // second admin with a password nobody saw must not appear.
    if store::count_users(&mut tx).await? > 0 {
        return Ok(None);
    }
    let Some(created) =
        store::insert_user(&mut tx, ADMIN_USER, Role::Admin, &hash, Utc::now()).await?
    else {
        return Ok(None);
    };
    if generated {
        // A password that was printed is a password someone else may have seen.
        store::require_password_change(&mut tx, created).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    if generated {
        Ok(Some(password.into_secret()))
    } else {
        tracing::info!(
            user = ADMIN_USER,
            "created the administrator from OSS_AUDIT_ADMIN_PASSWORD"
        );
        Ok(None)
    }
}
