//! `account`: the audited accounts of the estate: the hub (the keys' own account, the one row
//! without a role) and the members reached by assuming a role.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::{AccountId, AccountName, AccountUid, ExternalId, RoleArn};

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: AccountId,
    pub name: AccountName,
    /// The Alibaba Cloud account id: a member's from its role ARN, the hub's once a listing named
    /// the owner of its buckets.
    pub uid: Option<AccountUid>,
    /// The role assumed to reach it; `None` for the hub.
    pub role_arn: Option<RoleArn>,
    pub external_id: Option<ExternalId>,
    /// The OSS endpoint it was added with; `None`: the hub's.
    pub oss_endpoint: Option<String>,
    /// The endpoint it is scanned through, as last recorded.
    pub endpoint: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    /// When it was removed from the estate (kept for its history); `None` while it is scanned.
    pub removed_at: Option<DateTime<Utc>>,
}

impl AccountRecord {
    /// Whether this is the hub: the account of the keys, reached without a role.
    pub fn is_hub(&self) -> bool {
        self.role_arn.is_none()
    }
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: AccountId,
    name: String,
    uid: Option<String>,
    role_arn: Option<String>,
    external_id: Option<String>,
    oss_endpoint: Option<String>,
    endpoint: String,
    created_at: DateTime<Utc>,
    created_by: Option<String>,
    removed_at: Option<DateTime<Utc>>,
}

impl TryFrom<AccountRow> for AccountRecord {
    type Error = StoreError;

    fn try_from(row: AccountRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            name: parse_column("account.name", &row.name, AccountName::parse)?,
            uid: row
                .uid
                .map(|u| parse_column("account.uid", &u, AccountUid::parse))
                .transpose()?,
            role_arn: row
                .role_arn
                .map(|a| parse_column("account.role_arn", &a, RoleArn::parse))
                .transpose()?,
            external_id: row
                .external_id
                .map(|e| parse_column("account.external_id", &e, ExternalId::parse))
                .transpose()?,
            oss_endpoint: row.oss_endpoint,
            endpoint: row.endpoint,
            created_at: row.created_at,
            created_by: row.created_by,
            removed_at: row.removed_at,
        })
    }
}

const COLUMNS: &str = "id, name, uid, role_arn, external_id, oss_endpoint, endpoint, created_at, \
     created_by, removed_at";

/// A member account to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount<'a> {
    pub name: &'a AccountName,
    pub role_arn: &'a RoleArn,
    pub external_id: Option<&'a ExternalId>,
    pub oss_endpoint: Option<&'a str>,
    /// The endpoint it will be scanned through (the override, or the hub's).
    pub endpoint: &'a str,
    pub created_by: &'a str,
    pub now: DateTime<Utc>,
}

/// The hub row as [`ensure_hub`] left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hub {
    pub id: AccountId,
    /// The hub's previous name, when this start renamed it.
    pub renamed_from: Option<AccountName>,
}

/// Makes sure the hub row exists, is called `name` and records `endpoint`: created on the first
/// start, renamed when the name asked for changed (refused when a member has that name).
pub async fn ensure_hub(
    conn: &mut SqliteConnection,
    name: &AccountName,
    endpoint: &str,
) -> Result<Hub, StoreError> {
    let current: Option<(AccountId, String)> =
        sqlx::query_as("SELECT id, name FROM account WHERE role_arn IS NULL")
            .fetch_optional(&mut *conn)
            .await?;
    let taken = |by: &str| {
        StoreError::Conflict(format!(
            "the hub account cannot be called {name}: the member account {by} has that name"
        ))
    };
    let Some((id, old)) = current else {
        if find_account_by_name(&mut *conn, name).await?.is_some() {
            return Err(taken(name.as_str()));
        }
        let id = sqlx::query_scalar(
            "INSERT INTO account (name, endpoint, created_at) VALUES (?1, ?2, ?3) RETURNING id",
        )
        .bind(name.as_str())
        .bind(endpoint)
        .bind(Utc::now())
        .fetch_one(&mut *conn)
        .await?;
        return Ok(Hub {
            id,
            renamed_from: None,
        });
    };
    let renamed_from = if old == name.as_str() {
        None
    } else {
        if find_account_by_name(&mut *conn, name).await?.is_some() {
            return Err(taken(name.as_str()));
        }
        Some(parse_column("account.name", &old, AccountName::parse)?)
    };
    sqlx::query("UPDATE account SET name = ?2, endpoint = ?3 WHERE id = ?1")
        .bind(id)
        .bind(name.as_str())
        .bind(endpoint)
        .execute(&mut *conn)
        .await?;
    Ok(Hub { id, renamed_from })
}

/// The hub, `None` before the first start that set it up (commands that need no OSS look it up).
pub async fn find_hub(db: impl Db) -> Result<Option<AccountRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<AccountRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM account WHERE role_arn IS NULL"
    ))
    .fetch_optional(&mut *conn)
    .await?;
    row.map(AccountRecord::try_from).transpose()
}

/// The account called `name`, removed or not.
pub async fn find_account_by_name(
    db: impl Db,
    name: &AccountName,
) -> Result<Option<AccountRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<AccountRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM account WHERE name = ?1"))
            .bind(name.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    row.map(AccountRecord::try_from).transpose()
}

/// One account by id.
pub async fn get_account(db: impl Db, id: AccountId) -> Result<AccountRecord, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<AccountRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM account WHERE id = ?1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(AccountRecord::try_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("account {id}")))
}

/// The accounts, the hub first, then by name; removed ones only when `with_removed`.
pub async fn list_accounts(
    db: impl Db,
    with_removed: bool,
) -> Result<Vec<AccountRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<AccountRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM account WHERE ?1 OR removed_at IS NULL
         ORDER BY role_arn IS NOT NULL, name"
    ))
    .bind(with_removed)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(AccountRecord::try_from).collect()
}

/// Stores a new member account.
pub async fn insert_account(
    conn: &mut SqliteConnection,
    account: &NewAccount<'_>,
) -> Result<AccountId, StoreError> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO account (name, uid, role_arn, external_id, oss_endpoint, endpoint, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    )
    .bind(account.name.as_str())
    .bind(account.role_arn.uid().as_str())
    .bind(account.role_arn.as_str())
    .bind(account.external_id.map(ExternalId::as_str))
    .bind(account.oss_endpoint)
    .bind(account.endpoint)
    .bind(account.now)
    .bind(account.created_by)
    .fetch_one(conn)
    .await;
    inserted.map_err(|e| conflict(e, account.role_arn.uid()))
}

/// Brings a removed member back (or changes a member's role), with the role and endpoint given.
pub async fn update_account(
    conn: &mut SqliteConnection,
    id: AccountId,
    account: &NewAccount<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE account SET uid = ?2, role_arn = ?3, external_id = ?4, oss_endpoint = ?5, endpoint = ?6,
             removed_at = NULL
         WHERE id = ?1 AND role_arn IS NOT NULL",
    )
    .bind(id)
    .bind(account.role_arn.uid().as_str())
    .bind(account.role_arn.as_str())
    .bind(account.external_id.map(ExternalId::as_str))
    .bind(account.oss_endpoint)
    .bind(account.endpoint)
    .execute(conn)
    .await
    .map_err(|e| conflict(e, account.role_arn.uid()))?;
    Ok(())
}

/// A uid already audited under another name is a conflict the caller can explain.
fn conflict(err: sqlx::Error, uid: &AccountUid) -> StoreError {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(format!(
            "account {uid} is already audited under another name"
        )),
        other => other.into(),
    }
}

/// Takes a member out of the estate: no longer scanned, its history kept.
pub async fn mark_account_removed(
    conn: &mut SqliteConnection,
    id: AccountId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE account SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL AND role_arn IS NOT NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the account's uid once it is known (the hub's, from the owner its listing names).
pub async fn update_account_uid(
    conn: &mut SqliteConnection,
    id: AccountId,
    uid: &AccountUid,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE account SET uid = ?2 WHERE id = ?1 AND uid IS NOT ?2")
        .bind(id)
        .bind(uid.as_str())
        .execute(conn)
        .await
        .map_err(|e| conflict(e, uid))?;
    Ok(())
}
