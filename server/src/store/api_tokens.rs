//! `api_token`: bearer tokens for the JSON API, stored as SHA-256 digests.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::{Role, TokenId, UserId};

/// A token as stored: never the token itself, only its digest and first characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: TokenId,
    pub name: String,
    pub role: Role,
    /// The first characters of the token, so a person can tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working; `None` only for a row written without one (never by oss-audit).
    pub expires_at: Option<DateTime<Utc>>,
    /// The user who made it: disabling them revokes it. `None` for tokens made with the CLI.
    pub owner: Option<UserId>,
}

impl TokenRecord {
    /// Whether the token has expired at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A new token row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub role: Role,
    /// SHA-256 (hex) of the token.
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub created_by: &'a str,
    pub owner: Option<UserId>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

type TokenRow = (
    TokenId,
    String,
    String,
    String,
    DateTime<Utc>,
    String,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<UserId>,
);

const TOKEN_COLUMNS: &str = "id, name, role, prefix, created_at, created_by, last_used_at, revoked_at, expires_at, owner_id";

fn into_record(row: TokenRow) -> Result<TokenRecord, StoreError> {
    let (
        id,
        name,
        role,
        prefix,
        created_at,
        created_by,
        last_used_at,
        revoked_at,
        expires_at,
        owner,
    ) = row;
    Ok(TokenRecord {
        id,
        name,
        role: parse_column("api_token.role", &role, Role::parse)?,
        prefix,
        created_at,
        created_by,
        last_used_at,
        revoked_at,
        expires_at,
        owner,
    })
}

/// Stores a new token.
pub async fn insert_api_token(
    conn: &mut SqliteConnection,
    token: &NewToken<'_>,
) -> Result<TokenId, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_token (name, role, token_hash, prefix, created_at, created_by, owner_id,
                                expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    )
    .bind(token.name)
    .bind(token.role.as_str())
    .bind(token.token_hash)
    .bind(token.prefix)
    .bind(token.now)
    .bind(token.created_by)
    .bind(token.owner)
    .bind(token.expires_at)
    .fetch_one(conn)
    .await?)
}

/// Every token, revoked ones included, oldest first.
pub async fn list_api_tokens(db: impl Db) -> Result<Vec<TokenRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_token ORDER BY id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(into_record).collect()
}

/// Revokes a token; false when there is no such token. Revoking twice keeps the first date.
pub async fn revoke_api_token(
    conn: &mut SqliteConnection,
    id: TokenId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE api_token SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1")
            .bind(id)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live token `owner` made (they were disabled); returns how many.
pub async fn revoke_api_tokens_of_owner(
    conn: &mut SqliteConnection,
    owner: UserId,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE api_token SET revoked_at = ?2 WHERE owner_id = ?1 AND revoked_at IS NULL",
    )
    .bind(owner)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The token `id`, revoked or not.
pub async fn find_api_token(db: impl Db, id: TokenId) -> Result<Option<TokenRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_token WHERE id = ?1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(into_record).transpose()
}

/// The token whose digest is `token_hash`, revoked or not.
pub async fn find_api_token_by_hash(
    db: impl Db,
    token_hash: &str,
) -> Result<Option<TokenRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<TokenRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_token WHERE token_hash = ?1"
    ))
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(into_record).transpose()
}

/// Records that a token was just used.
pub async fn touch_api_token(
    db: impl Db,
    id: TokenId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query("UPDATE api_token SET last_used_at = ?2 WHERE id = ?1")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
