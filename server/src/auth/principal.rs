//! `Principal`: who is making a request, a signed-in user or an API token, with the role it
//! holds on each account.

use crate::domain::{Access, AccountId, Actor, Role, TokenId, UserId};
use crate::store::{self, Grantee, Store, StoreError};

/// Who is making a request: a logged-in user or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User {
        id: UserId,
        name: String,
        access: Access,
    },
    Token {
        id: TokenId,
        name: String,
        access: Access,
    },
}

impl Principal {
    /// The roles the request acts with, per account.
    pub fn access(&self) -> &Access {
        match self {
            Self::User { access, .. } | Self::Token { access, .. } => access,
        }
    }

    /// The role held on every account: what estate-wide actions need.
    pub fn role(&self) -> Role {
        self.access().everywhere_role()
    }

    /// The role held on `account`: what an action on one of its buckets needs.
    pub fn role_for(&self, account: AccountId) -> Role {
        self.access().role_for(account)
    }

    /// How the audit log names this principal: `user:NAME` or `token:NAME`.
    pub fn actor(&self) -> Actor {
        match self {
            Self::User { name, .. } => Actor::user(name),
            Self::Token { name, .. } => Actor::token(name),
        }
    }
}

/// The roles of a user or token whose role elsewhere is `base`, read with its grants.
pub async fn load_access(
    store: &Store,
    grantee: Grantee,
    base: Role,
) -> Result<Access, StoreError> {
    let grants = store::list_grants_of(store, grantee).await?;
    Access::new(
        base,
        grants
            .into_iter()
            .map(|g| (g.account_id, g.account, g.role)),
    )
    .map_err(|e| StoreError::Corrupt(format!("account_grant: {e}")))
}
