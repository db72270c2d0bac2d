//! `account_grant`: the per-account roles of users and API tokens (their role elsewhere is
//! `app_user.role` / `api_token.role`).

use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::{AccountId, AccountName, Role, TokenId, UserId};

/// Whose grants: a user's or a token's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grantee {
    User(UserId),
    Token(TokenId),
}

impl Grantee {
    fn columns(self) -> (Option<UserId>, Option<TokenId>) {
        match self {
            Self::User(id) => (Some(id), None),
            Self::Token(id) => (None, Some(id)),
        }
    }
}

/// One per-account role, with the account's name for showing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub grantee: Grantee,
    pub account_id: AccountId,
    pub account: AccountName,
    pub role: Role,
}

type GrantRow = (Option<UserId>, Option<TokenId>, AccountId, String, String);

fn into_record(row: GrantRow) -> Result<GrantRecord, StoreError> {
    let (user, token, account_id, account, role) = row;
    let grantee = match (user, token) {
        (Some(user), _) => Grantee::User(user),
        (None, Some(token)) => Grantee::Token(token),
        (None, None) => {
            return Err(StoreError::Corrupt(
                "account_grant row without a user or a token".to_owned(),
            ));
        }
    };
    Ok(GrantRecord {
        grantee,
        account_id,
        account: parse_column("account.name", &account, AccountName::parse)?,
        role: parse_column("account_grant.role", &role, Role::parse)?,
    })
}

const SELECT: &str = "SELECT g.user_id, g.token_id, g.account_id, a.name, g.role
     FROM account_grant g JOIN account a ON a.id = g.account_id";

/// The per-account roles of one user or token, by account name.
pub async fn list_grants_of(db: impl Db, grantee: Grantee) -> Result<Vec<GrantRecord>, StoreError> {
    let (user, token) = grantee.columns();
    let mut conn = db.connection().await?;
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE g.user_id IS ?1 AND g.token_id IS ?2 ORDER BY a.name"
    ))
    .bind(user)
    .bind(token)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(into_record).collect()
}

/// Every per-account role, for the lists of users and tokens.
pub async fn list_grants(db: impl Db) -> Result<Vec<GrantRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<GrantRow> = sqlx::query_as(&format!("{SELECT} ORDER BY a.name"))
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter().map(into_record).collect()
}

/// Replaces the per-account roles of one user or token with `grants`.
pub async fn replace_grants(
    conn: &mut SqliteConnection,
    grantee: Grantee,
    grants: &[(AccountId, Role)],
) -> Result<(), StoreError> {
    let (user, token) = grantee.columns();
    sqlx::query("DELETE FROM account_grant WHERE user_id IS ?1 AND token_id IS ?2")
        .bind(user)
        .bind(token)
        .execute(&mut *conn)
        .await?;
    for (account, role) in grants {
        sqlx::query(
            "INSERT INTO account_grant (user_id, token_id, account_id, role) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(user)
        .bind(token)
        .bind(*account)
        .bind(role.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
