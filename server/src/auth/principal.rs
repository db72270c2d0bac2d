//! `Principal`: who is making a request, a signed-in user or an API token.

use crate::domain::{Actor, Role, TokenId, UserId};

/// Who is making a request: a logged-in user or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User {
        id: UserId,
        name: String,
        role: Role,
    },
    Token {
        id: TokenId,
        name: String,
        role: Role,
    },
}

impl Principal {
    /// The role the request acts with.
    pub fn role(&self) -> Role {
        match self {
            Self::User { role, .. } | Self::Token { role, .. } => *role,
        }
    }

    /// How the audit log names this principal: `user:NAME` or `token:NAME`.
    pub fn actor(&self) -> Actor {
        match self {
            Self::User { name, .. } => Actor::user(name),
            Self::Token { name, .. } => Actor::token(name),
        }
    }
}
