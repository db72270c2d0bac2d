//! What a report is made of, read inside the transaction that stores it: the current state of
//! every bucket, the scans and changes of the report's window, the policy and the high-water
//! marks where the window ends.

use chrono::{DateTime, Utc};
use futures_util::{Stream, TryStreamExt};
use sqlx::SqliteConnection;

use super::change_log::CHANGE_COLUMNS;
use super::scans::SCAN_COLUMNS;
use super::{ChangeRecord, Db, ScanRecord, StoreError};
use crate::domain::{AccountId, ScanId};

/// One present bucket's current state, and the last change a person made to it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportBucketRow {
    pub name: String,
    pub region: String,
    pub compliant: Option<bool>,
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub error_code: Option<String>,
    /// When this state was first seen (states are stored as changes).
    pub state_since: DateTime<Utc>,
    /// The last successful change through oss-audit (put, delete, remediate).
    pub change_at: Option<DateTime<Utc>>,
    pub change_actor: Option<String>,
    pub change_action: Option<String>,
    pub change_request_id: Option<String>,
}

/// One state row of the window with the state it replaced.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportStateChangeRow {
    pub bucket: String,
    pub observed_at: DateTime<Utc>,
    /// The scan that saw it; `None` for the re-read after a change.
    pub scan_id: Option<ScanId>,
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub error_code: Option<String>,
    /// The state before (all `None` when the bucket was seen for the first time).
    pub before_status: Option<String>,
    pub before_sse_algorithm: Option<String>,
    pub before_kms_master_key_id: Option<String>,
    pub before_kms_data_encryption: Option<String>,
    pub before_error_code: Option<String>,
}

/// The ends of a report's window: everything up to these ids (`> after`, `<= upto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdWindow {
    pub after: i64,
    pub upto: i64,
}

/// The account's name.
pub async fn get_account_name(db: impl Db, account: AccountId) -> Result<String, StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query_scalar("SELECT name FROM account WHERE id = ?1")
        .bind(account)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("account {account}")))
}

/// The account called `name`, if it exists (commands that need no OSS credentials use it).
pub async fn find_account_by_name(
    db: impl Db,
    name: &str,
) -> Result<Option<AccountId>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar("SELECT id FROM account WHERE name = ?1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?)
}

/// When and by whom the account's policy was last set (`None`: never set, the default applies).
pub async fn find_policy_change(
    db: impl Db,
    account: AccountId,
) -> Result<Option<(DateTime<Utc>, String)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(
        sqlx::query_as("SELECT updated_at, updated_by FROM policy WHERE account_id = ?1")
            .bind(account)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The newest state row and the account's newest audit-log entry (0 when none): where a report
/// made now ends its window.
pub async fn find_report_high_water(
    db: impl Db,
    account: AccountId,
) -> Result<(i64, i64), StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(
        "SELECT (SELECT coalesce(max(id), 0) FROM encryption_state),
                (SELECT coalesce(max(id), 0) FROM change_log WHERE account_id = ?1)",
    )
    .bind(account)
    .fetch_one(&mut *conn)
    .await?)
}

/// Every present bucket with a state, by name, as a stream (a report of 100,000 buckets never
/// holds the raw rows at once).
pub fn stream_report_buckets<'c>(
    conn: &'c mut SqliteConnection,
    account: AccountId,
) -> impl Stream<Item = Result<ReportBucketRow, StoreError>> + 'c {
    sqlx::query_as(
        "SELECT b.name, b.region, b.compliant, s.status, s.sse_algorithm, s.kms_master_key_id,
                s.kms_data_encryption, s.error_code, s.observed_at AS state_since,
                c.at AS change_at, c.actor AS change_actor, c.action AS change_action,
                c.request_id AS change_request_id
         FROM bucket b
         JOIN encryption_state s ON s.id = b.state_id
         LEFT JOIN change_log c ON c.id = (
             SELECT max(id) FROM change_log
             WHERE account_id = b.account_id AND bucket = b.name AND outcome = 'ok')
         WHERE b.account_id = ?1 AND b.gone_at IS NULL
         ORDER BY b.name",
    )
    .bind(account)
    .fetch(conn)
    .map_err(StoreError::from)
}

/// The completed scans with ids in `window`, oldest first.
pub async fn list_completed_scans_in(
    db: impl Db,
    account: AccountId,
    window: IdWindow,
) -> Result<Vec<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan
         WHERE account_id = ?1 AND status = 'completed' AND id > ?2 AND id <= ?3 ORDER BY id"
    ))
    .bind(account)
    .bind(window.after)
    .bind(window.upto)
    .fetch_all(&mut *conn)
    .await?)
}

/// The encryption states recorded in the window, in the order recorded: those seen by the
/// completed scans of `scans`, and the re-reads after changes among the state rows of `states`.
/// Each comes with the visible state it replaced (rows of scans that never completed are not
/// history).
pub fn stream_state_changes<'c>(
    conn: &'c mut SqliteConnection,
    account: AccountId,
    scans: IdWindow,
    states: IdWindow,
) -> impl Stream<Item = Result<ReportStateChangeRow, StoreError>> + 'c {
    sqlx::query_as(
        "SELECT b.name AS bucket, s.observed_at, s.scan_id, s.status, s.sse_algorithm,
                s.kms_master_key_id, s.kms_data_encryption, s.error_code,
                p.status AS before_status, p.sse_algorithm AS before_sse_algorithm,
                p.kms_master_key_id AS before_kms_master_key_id,
                p.kms_data_encryption AS before_kms_data_encryption, p.error_code AS before_error_code
         FROM (
             SELECT s.* FROM encryption_state s JOIN scan ON scan.id = s.scan_id
             WHERE scan.account_id = ?1 AND scan.status = 'completed' AND scan.id > ?2 AND scan.id <= ?3
             UNION ALL
             SELECT s.* FROM encryption_state s
             WHERE s.scan_id IS NULL AND s.id > ?4 AND s.id <= ?5
         ) s
         JOIN bucket b ON b.id = s.bucket_id AND b.account_id = ?1
         LEFT JOIN encryption_state p ON p.id = (
             SELECT max(e.id) FROM encryption_state e
             WHERE e.bucket_id = s.bucket_id AND e.id < s.id
               AND (e.scan_id IS NULL
                    OR EXISTS (SELECT 1 FROM scan v WHERE v.id = e.scan_id AND v.status = 'completed')))
         ORDER BY s.id",
    )
    .bind(account)
    .bind(scans.after)
    .bind(scans.upto)
    .bind(states.after)
    .bind(states.upto)
    .fetch(conn)
    .map_err(StoreError::from)
}

/// The account's audit-log entries with ids in `window`, oldest first.
pub async fn list_changes_in(
    db: impl Db,
    account: AccountId,
    window: IdWindow,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {CHANGE_COLUMNS}
         FROM change_log WHERE account_id = ?1 AND id > ?2 AND id <= ?3 ORDER BY id"
    ))
    .bind(account)
    .bind(window.after)
    .bind(window.upto)
    .fetch_all(&mut *conn)
    .await?)
}
