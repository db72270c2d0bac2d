//! `change_log`: every change made through the API, the pages or the CLI.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, SqliteConnection};

use super::{Db, StoreError};
use crate::domain::{AccountId, ChangeId, RunId};

/// A change to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange<'a> {
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

/// The columns of a [`ChangeRecord`], for every query that selects one.
pub(super) const CHANGE_COLUMNS: &str = "id, at, actor, action, bucket, before, after, request_id, outcome, detail, run_id, reverts_change_id";

/// Which changes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
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

/// The newest changes first.
pub async fn list_changes(
    db: impl Db,
    account: AccountId,
    filter: &ChangeFilter,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let mut query = QueryBuilder::new(format!(
        "SELECT {CHANGE_COLUMNS} FROM change_log WHERE account_id = "
    ));
    query.push_bind(account);
    if let Some(bucket) = &filter.bucket {
        query.push(" AND bucket = ").push_bind(bucket);
    }
    if let Some(actor) = &filter.actor {
        query.push(" AND actor = ").push_bind(actor);
    }
    if let Some(since) = filter.since {
        query.push(" AND at >= ").push_bind(since);
    }
    if let Some(until) = filter.until {
        query.push(" AND at < ").push_bind(until);
    }
    if let Some(before) = filter.before_id {
        query.push(" AND id < ").push_bind(before);
    }
    query
        .push(" ORDER BY id DESC LIMIT ")
        .push_bind(filter.limit);
    Ok(query.build_query_as().fetch_all(&mut *conn).await?)
}

/// The entry `id` of `account`, if there is one.
pub async fn find_change(
    db: impl Db,
    account: AccountId,
    id: ChangeId,
) -> Result<Option<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {CHANGE_COLUMNS} FROM change_log WHERE account_id = ?1 AND id = ?2"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every entry of run `run`, oldest first.
pub async fn list_run_changes(
    db: impl Db,
    account: AccountId,
    run: RunId,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {CHANGE_COLUMNS} FROM change_log WHERE account_id = ?1 AND run_id = ?2 ORDER BY id"
    ))
    .bind(account)
    .bind(run)
    .fetch_all(&mut *conn)
    .await?)
}
