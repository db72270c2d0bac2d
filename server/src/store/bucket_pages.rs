//! Small read queries of the bucket pages: the regions to filter by, a bounded history.

use super::states::{STATE_COLUMNS, StateRecord, StateRow, records};
use super::{Db, StoreError};
use crate::domain::{AccountId, BucketId, StateId};

/// The distinct regions of the present buckets of `account` (of every account when `None`),
/// sorted. A skip scan of the `bucket_by_region` index (one seek per account and region) rather
/// than `SELECT DISTINCT`, which reads every bucket: 28 ms against well under 1 ms with 100,000
/// buckets.
pub async fn list_bucket_regions(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<String>, StoreError> {
    let mut conn = db.connection().await?;
    let accounts: Vec<AccountId> = match account {
        Some(account) => vec![account],
        None => {
            sqlx::query_scalar("SELECT id FROM account ORDER BY id")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut regions = std::collections::BTreeSet::new();
    for account in accounts {
        let of_account: Vec<String> = sqlx::query_scalar(
            "WITH RECURSIVE regions(region) AS (
                 SELECT (SELECT region FROM bucket WHERE account_id = ?1 AND gone_at IS NULL
                         ORDER BY region LIMIT 1)
                 UNION ALL
                 SELECT (SELECT region FROM bucket WHERE account_id = ?1 AND gone_at IS NULL
                         AND region > regions.region ORDER BY region LIMIT 1)
                 FROM regions WHERE regions.region IS NOT NULL
             )
             SELECT region FROM regions WHERE region IS NOT NULL",
        )
        .bind(account)
        .fetch_all(&mut *conn)
        .await?;
        regions.extend(of_account);
    }
    Ok(regions.into_iter().collect())
}

/// One page of a bucket's history, newest first: at most `limit` states recorded before the state
/// `before` (from the newest when `None`).
pub async fn list_bucket_history_page(
    db: impl Db,
    bucket: BucketId,
    before: Option<StateId>,
    limit: i64,
) -> Result<Vec<StateRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<StateRow> = sqlx::query_as(&format!(
        "SELECT {STATE_COLUMNS}
         FROM encryption_state s LEFT JOIN account_scan part ON part.id = s.account_scan_id
         WHERE s.bucket_id = ?1 AND (s.account_scan_id IS NULL OR part.status = 'completed')
           AND (?2 IS NULL OR s.id < ?2)
         ORDER BY s.id DESC LIMIT ?3"
    ))
    .bind(bucket)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    records(rows)
}

/// A bucket's newest `limit` recorded states, newest first; rows of a scan still running are not
/// yet history (`list_bucket_history` returns them all).
pub async fn list_recent_bucket_history(
    db: impl Db,
    bucket: BucketId,
    limit: i64,
) -> Result<Vec<StateRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<StateRow> = sqlx::query_as(&format!(
        "SELECT {STATE_COLUMNS}
         FROM encryption_state s LEFT JOIN account_scan part ON part.id = s.account_scan_id
         WHERE s.bucket_id = ?1 AND (s.account_scan_id IS NULL OR part.status = 'completed')
         ORDER BY s.id DESC LIMIT ?2"
    ))
    .bind(bucket)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    records(rows)
}
