//! The aggregate queries of the dashboard's overview.

use super::states::state_from_columns;
use super::{Db, StoreError, in_accounts};
use crate::domain::{AccountId, AccountName, EncryptionState, ScanId};

/// Present buckets of `account` (of every account in the estate when `None`) counted by algorithm
/// kind: (algorithm, has a CMK, KMS data encryption SM4, count).
pub async fn count_buckets_by_algorithm(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<(String, bool, bool, i64)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT s.sse_algorithm, s.kms_master_key_id IS NOT NULL, coalesce(s.kms_data_encryption = 'SM4', 0), count(*)
         FROM bucket b JOIN encryption_state s ON s.id = b.state_id
         WHERE {} AND b.gone_at IS NULL AND b.status = 'encrypted'
         GROUP BY 1, 2, 3",
        in_accounts("b.account_id", account)
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// Present buckets of `account` (of every account when `None`) per region: (region, buckets,
/// non-compliant).
pub async fn count_buckets_by_region(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT b.region, count(*), coalesce(sum(b.compliant = 0 AND b.exemption_id IS NULL), 0)
         FROM bucket b WHERE {} AND b.gone_at IS NULL AND b.state_id IS NOT NULL
         GROUP BY b.region ORDER BY b.region",
        in_accounts("b.account_id", account)
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// A change a scan recorded: the bucket, its state before (none when first seen) and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanChange {
    /// The account of the bucket.
    pub account: AccountName,
    pub bucket: String,
    pub before: Option<EncryptionState>,
    pub after: EncryptionState,
}

/// The columns `into_change` reads: the bucket's name, the state row `s` and the bucket's state
/// row before it `p`, which [`PREVIOUS_STATE`] joins.
pub(super) const CHANGE_COLUMNS: &str =
    "a.name, b.name, s.status, s.sse_algorithm, s.kms_master_key_id, s.kms_data_encryption, s.error_code,
     p.status, p.sse_algorithm, p.kms_master_key_id, p.kms_data_encryption, p.error_code";

/// Joins `p`, the state row of `s`'s bucket just before `s` (none when `s` is its first).
pub(super) const PREVIOUS_STATE: &str = "LEFT JOIN encryption_state p ON p.id =
     (SELECT max(id) FROM encryption_state WHERE bucket_id = s.bucket_id AND id < s.id)";

/// A row of [`CHANGE_COLUMNS`].
pub(super) type ChangeRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Rebuilds the states of a [`ChangeRow`].
pub(super) fn into_change(r: ChangeRow) -> Result<ScanChange, StoreError> {
    let after = state_from_columns(
        &r.2,
        r.3.as_deref(),
        r.4.as_deref(),
        r.5.as_deref(),
        r.6.as_deref(),
        None,
    )?;
    let before =
        r.7.as_deref()
            .map(|status| {
                state_from_columns(
                    status,
                    r.8.as_deref(),
                    r.9.as_deref(),
                    r.10.as_deref(),
                    r.11.as_deref(),
                    None,
                )
            })
            .transpose()?;
    Ok(ScanChange {
        account: super::parse_column("account.name", &r.0, AccountName::parse)?,
        bucket: r.1,
        before,
        after,
    })
}

/// The first `limit` changes `scan` recorded of buckets seen before, in the order it saw them
/// (first sightings are not changes: [`count_scan_first_sightings`] counts them). Ordering by the
/// state row (not the name) lets SQLite stop after `limit` rows instead of sorting them all.
pub async fn list_scan_changes(
    db: impl Db,
    scan: ScanId,
    limit: i64,
) -> Result<Vec<ScanChange>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<ChangeRow> = sqlx::query_as(&format!(
        "SELECT {CHANGE_COLUMNS}
         FROM encryption_state s JOIN bucket b ON b.id = s.bucket_id JOIN account a ON a.id = b.account_id
         {PREVIOUS_STATE}
         WHERE s.account_scan_id IN (SELECT id FROM account_scan WHERE scan_id = ?1)
           AND p.id IS NOT NULL
         ORDER BY s.id LIMIT ?2"
    ))
    .bind(scan)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(into_change).collect()
}

/// How many buckets `scan` saw for the first time (its state rows with none before them). An
/// account's first completed part saw every bucket of it for the first time, so its count is its
/// number of changes, without reading 100,000 state rows again.
pub async fn count_scan_first_sightings(db: impl Db, scan: ScanId) -> Result<i64, StoreError> {
    let mut conn = db.connection().await?;
    let parts: Vec<(i64, Option<i64>, bool)> = sqlx::query_as(
        "SELECT p.id, p.changes,
                p.id = (SELECT min(f.id) FROM account_scan f
                        WHERE f.account_id = p.account_id AND f.status = 'completed')
         FROM account_scan p WHERE p.scan_id = ?1 AND p.status = 'completed'",
    )
    .bind(scan)
    .fetch_all(&mut *conn)
    .await?;
    let mut total = 0;
    for (part, changes, first) in parts {
        total += match (first, changes) {
            (true, Some(changes)) => changes,
            _ => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT count(*) FROM encryption_state s
                     WHERE s.account_scan_id = ?1
                       AND NOT EXISTS (SELECT 1 FROM encryption_state e
                                       WHERE e.bucket_id = s.bucket_id AND e.id < s.id)",
                )
                .bind(part)
                .fetch_one(&mut *conn)
                .await?
            }
        };
    }
    Ok(total)
}

/// What the overview's counts depend on: the newest state row, the last completed part of a
/// scan, the policy's last change and the accounts in the estate. Each is a primary-key or
/// tiny-table lookup, so checking it costs almost nothing, while recounting 100,000 buckets does
/// not.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OverviewVersion {
    last_state: Option<i64>,
    last_part: Option<i64>,
    policy_at: Option<String>,
    accounts: Option<String>,
    exemptions: Option<String>,
}

/// The [`OverviewVersion`] now.
pub async fn find_overview_version(db: impl Db) -> Result<OverviewVersion, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(
        "SELECT (SELECT max(id) FROM encryption_state) AS last_state,
                (SELECT max(id) FROM account_scan WHERE status = 'completed') AS last_part,
                (SELECT max(updated_at) FROM policy) AS policy_at,
                (SELECT group_concat(id || ':' || coalesce(removed_at, ''), ',') FROM account) AS accounts,
                (SELECT group_concat(id, ',') FROM exemption WHERE status = 'approved') AS exemptions",
    )
    .fetch_one(&mut *conn)
    .await?)
}
