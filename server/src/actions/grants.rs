//! Per-account roles as users and tokens are given them: account names resolved to the estate's
//! accounts inside the caller's transaction, checked (admin is estate-wide), stored, and put in
//! words for the audit log.

use sqlx::SqliteConnection;

use crate::domain::{Access, AccessError, AccountGrant, AccountName, Role};
use crate::store::{self, Grantee, StoreError};

/// Why per-account roles could not be given.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error("there is no account called {0} (see `account list`)")]
    UnknownAccount(AccountName),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for GrantError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Stores `grants` as the per-account roles of `grantee`, whose role elsewhere is `base`,
/// replacing any it had. An account named twice keeps the last role given.
pub(super) async fn replace(
    conn: &mut SqliteConnection,
    grantee: Grantee,
    base: Role,
    grants: &[AccountGrant],
) -> Result<(), GrantError> {
    let mut resolved = Vec::with_capacity(grants.len());
    for grant in grants {
        let account = store::find_account_by_name(&mut *conn, &grant.account)
            .await?
            .filter(|a| a.removed_at.is_none())
            .ok_or_else(|| GrantError::UnknownAccount(grant.account.clone()))?;
        resolved.retain(|(id, _, _)| *id != account.id);
        resolved.push((account.id, account.name, grant.role));
    }
    let access = Access::new(base, resolved.iter().cloned())?;
    let rows: Vec<_> = access.grants().map(|(id, _, role)| (id, role)).collect();
    store::replace_grants(conn, grantee, &rows).await?;
    Ok(())
}

/// `viewer`, or `viewer, operator on payments-prod`: a role and its per-account roles in words.
pub fn describe(base: Role, grants: &[AccountGrant]) -> String {
    let mut text = base.to_string();
    for grant in grants {
        text.push_str(&format!(", {} on {}", grant.role, grant.account));
    }
    text
}
