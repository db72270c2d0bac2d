//! `change_log`: every change made through the API, the pages or the CLI.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, SqliteConnection};

use super::{Db, StoreError};
use crate::domain::{AccountId, AccountName, ChangeId, RunId};

/// A change to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange<'a> {
    /// The account of the bucket changed; the hub for estate-wide changes.
    pub account: AccountId,
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub action: &'a str,
    pub bucket: Option<&'a str>,
    /// JSON of the state before and after.
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<&'a str>,
    /// `ok`, or the error code.
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
    /// The run (remediation or revert) this change is part of.
    pub run: Option<RunId>,
    /// The entry this change undoes (a `revert`).
    pub reverts: Option<ChangeId>,
}

impl<'a> NewChange<'a> {
    /// An administrative change made now (a setting, a token, a user, a notification target): no
    /// bucket, no state before or after, `ok`, and what was done in `detail`.
    pub fn admin(account: AccountId, actor: &'a str, action: &'a str, detail: &'a str) -> Self {
        Self {
            account,
            at: Utc::now(),
            actor,
            action,
            bucket: None,
            before: None,
            after: None,
            request_id: None,
            outcome: "ok",
            detail: Some(detail),
            run: None,
            reverts: None,
        }
    }
}

/// A recorded change.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangeRecord {
    pub id: ChangeId,
    /// The account of the bucket changed; the hub for estate-wide changes.
    pub account_id: AccountId,
    #[sqlx(try_from = "String")]
    pub account: AccountName,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub bucket: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
    /// The run (remediation or revert) it was part of.
    pub run_id: Option<RunId>,
    /// The entry it undid, for a `revert`.
    pub reverts_change_id: Option<ChangeId>,
}

/// Which changes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
    /// Only changes recorded against this account (every account's when `None`).
    pub account: Option<AccountId>,
    pub bucket: Option<String>,
    pub actor: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only entries older than this id (paging backwards).
    pub before_id: Option<ChangeId>,
    pub limit: i64,
}

/// Records a change.
pub async fn insert_change(
    conn: &mut SqliteConnection,
    change: &NewChange<'_>,
) -> Result<ChangeId, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO change_log (account_id, at, actor, action, bucket, before, after, request_id, outcome, detail,
                                 run_id, reverts_change_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
    )
    .bind(change.account)
    .bind(change.at)
    .bind(change.actor)
    .bind(change.action)
    .bind(change.bucket)
    .bind(&change.before)
    .bind(&change.after)
    .bind(change.request_id)
    .bind(change.outcome)
    .bind(change.detail)
    .bind(change.run)
    .bind(change.reverts)
    .fetch_one(conn)
    .await?)
}

/// The columns of a [`ChangeRecord`], from `change_log c JOIN account a`.
pub(super) const CHANGE_RECORD_SELECT: &str = "SELECT c.id, c.account_id, a.name AS account, c.at, \
     c.actor, c.action, c.bucket, c.before, c.after, c.request_id, c.outcome, c.detail, \
     c.run_id, c.reverts_change_id FROM change_log c JOIN account a ON a.id = c.account_id";

/// The newest changes first.
pub async fn list_changes(
    db: impl Db,
    filter: &ChangeFilter,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let mut query = QueryBuilder::new(CHANGE_RECORD_SELECT);
    query.push(" WHERE 1 = 1");
    if let Some(account) = filter.account {
        query.push(" AND c.account_id = ").push_bind(account);
    }
    if let Some(bucket) = &filter.bucket {
        query.push(" AND c.bucket = ").push_bind(bucket);
    }
    if let Some(actor) = &filter.actor {
        query.push(" AND c.actor = ").push_bind(actor);
    }
    if let Some(since) = filter.since {
        query.push(" AND c.at >= ").push_bind(since);
    }
    if let Some(until) = filter.until {
        query.push(" AND c.at < ").push_bind(until);
    }
    if let Some(before) = filter.before_id {
        query.push(" AND c.id < ").push_bind(before);
    }
    query
        .push(" ORDER BY c.id DESC LIMIT ")
        .push_bind(filter.limit);
    Ok(query.build_query_as().fetch_all(&mut *conn).await?)
}

/// The entry `id` (ids are estate-wide: the entry of a member's bucket is found as the hub's).
pub async fn find_change(db: impl Db, id: ChangeId) -> Result<Option<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(
        sqlx::query_as(&format!("{CHANGE_RECORD_SELECT} WHERE c.id = ?1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Every entry of run `run`, oldest first, whatever accounts its buckets are in.
pub async fn list_run_changes(db: impl Db, run: RunId) -> Result<Vec<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "{CHANGE_RECORD_SELECT} WHERE c.run_id = ?1 ORDER BY c.id"
    ))
    .bind(run)
    .fetch_all(&mut *conn)
    .await?)
}
