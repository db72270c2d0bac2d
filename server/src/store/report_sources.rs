//! What a report is made of, read inside the transaction that stores it: the current state of
//! every bucket of the estate, the scans and changes of the report's window, the policy and the
//! high-water marks where the window ends.

use chrono::{DateTime, Utc};
use futures_util::{Stream, TryStreamExt};
use sqlx::SqliteConnection;

use super::change_log::CHANGE_RECORD_SELECT;
use super::{AccountScanRecord, ChangeRecord, Db, StoreError};
use crate::domain::{AccountId, ScanId};

/// One present bucket's current state, and the last change a person made to it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportBucketRow {
    /// The bucket's account: its name and (once known) uid.
    pub account: String,
    pub account_uid: Option<String>,
    pub name: String,
    pub region: String,
    pub compliant: Option<bool>,
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub error_code: Option<String>,
    /// The state of the customer key the rule names, as the last scan's DescribeKey saw it.
    pub kms_key_state: Option<String>,
    /// When this state was first seen (states are stored as changes).
    pub state_since: DateTime<Utc>,
    /// The last successful change through oss-audit (put, delete, remediate).
    pub change_at: Option<DateTime<Utc>>,
    pub change_actor: Option<String>,
    pub change_action: Option<String>,
    pub change_request_id: Option<String>,
    /// The approved exemption that covers the bucket, if any.
    pub exemption_id: Option<i64>,
    pub exemption_pattern: Option<String>,
    pub exemption_reason: Option<String>,
    pub exemption_requested_by: Option<String>,
    pub exemption_approved_by: Option<String>,
    pub exemption_expires_at: Option<DateTime<Utc>>,
}

/// One state row of the window with the state it replaced.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportStateChangeRow {
    /// The bucket's account.
    pub account: String,
    pub bucket: String,
    pub observed_at: DateTime<Utc>,
    /// The scan that saw it (as a whole); `None` for the re-read after a change.
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

/// Where a report made now ends its window: the last completed part of a scan, the newest state
/// row and the newest audit-log entry (0 when none); `None` before any part completed.
pub async fn find_report_high_water(db: impl Db) -> Result<Option<(i64, i64, i64)>, StoreError> {
    let mut conn = db.connection().await?;
    let (part, state, change): (Option<i64>, i64, i64) = sqlx::query_as(
        "SELECT (SELECT max(id) FROM account_scan WHERE status = 'completed'),
                (SELECT coalesce(max(id), 0) FROM encryption_state),
                (SELECT coalesce(max(id), 0) FROM change_log)",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(part.map(|part| (part, state, change)))
}

/// Every present bucket of the estate's accounts with a state, by name, as a stream (a report of
/// 100,000 buckets never holds the raw rows at once).
pub fn stream_report_buckets(
    conn: &mut SqliteConnection,
) -> impl Stream<Item = Result<ReportBucketRow, StoreError>> + '_ {
    // The accounts are those of ACTIVE_ACCOUNTS, spelled out: a stream borrows its query text.
    sqlx::query_as(
        "SELECT a.name AS account, a.uid AS account_uid, b.name, b.region, b.compliant, s.status,
                s.sse_algorithm, s.kms_master_key_id, s.kms_data_encryption, s.error_code,
                s.observed_at AS state_since,
                (SELECT ks.state FROM kms_key k JOIN kms_key_state ks ON ks.id = k.state_id
                 WHERE k.id = b.kms_key_id) AS kms_key_state,
                c.at AS change_at, c.actor AS change_actor, c.action AS change_action,
                c.request_id AS change_request_id,
                e.id AS exemption_id, e.pattern AS exemption_pattern, e.reason AS exemption_reason,
                e.requested_by AS exemption_requested_by, e.approved_by AS exemption_approved_by,
                e.expires_at AS exemption_expires_at
         FROM bucket b
         JOIN account a ON a.id = b.account_id AND a.removed_at IS NULL
         JOIN encryption_state s ON s.id = b.state_id
         LEFT JOIN exemption e ON e.id = b.exemption_id
         LEFT JOIN change_log c ON c.id = (
             SELECT max(id) FROM change_log
             WHERE account_id = b.account_id AND bucket = b.name AND outcome = 'ok')
         WHERE b.gone_at IS NULL
         ORDER BY b.name, a.name",
    )
    .fetch(conn)
    .map_err(StoreError::from)
}

/// The completed parts of scans with ids in `window`, oldest first.
pub async fn list_completed_parts_in(
    db: impl Db,
    window: IdWindow,
) -> Result<Vec<AccountScanRecord>, StoreError> {
    super::account_scans::list_completed_parts_in(db, window.after, window.upto).await
}

/// The encryption states recorded in the window, in the order recorded: those seen by the
/// completed parts of scans with ids in `parts`, and the re-reads after changes among the state
/// rows of `states`. Each comes with the visible state it replaced (rows of parts that never
/// completed are not history).
pub fn stream_state_changes(
    conn: &mut SqliteConnection,
    parts: IdWindow,
    states: IdWindow,
) -> impl Stream<Item = Result<ReportStateChangeRow, StoreError>> + '_ {
    sqlx::query_as(
        "SELECT a.name AS account, b.name AS bucket, s.observed_at, s.scan_id, s.status,
                s.sse_algorithm, s.kms_master_key_id, s.kms_data_encryption, s.error_code,
                p.status AS before_status, p.sse_algorithm AS before_sse_algorithm,
                p.kms_master_key_id AS before_kms_master_key_id,
                p.kms_data_encryption AS before_kms_data_encryption, p.error_code AS before_error_code
         FROM (
             SELECT s.*, part.scan_id FROM encryption_state s
             JOIN account_scan part ON part.id = s.account_scan_id
             WHERE part.status = 'completed' AND part.id > ?1 AND part.id <= ?2
             UNION ALL
             SELECT s.*, NULL AS scan_id FROM encryption_state s
             WHERE s.account_scan_id IS NULL AND s.id > ?3 AND s.id <= ?4
         ) s
         JOIN bucket b ON b.id = s.bucket_id
         JOIN account a ON a.id = b.account_id
         LEFT JOIN encryption_state p ON p.id = (
             SELECT max(e.id) FROM encryption_state e
             WHERE e.bucket_id = s.bucket_id AND e.id < s.id
               AND (e.account_scan_id IS NULL
                    OR EXISTS (SELECT 1 FROM account_scan v
                               WHERE v.id = e.account_scan_id AND v.status = 'completed')))
         ORDER BY s.id",
    )
    .bind(parts.after)
    .bind(parts.upto)
    .bind(states.after)
    .bind(states.upto)
    .fetch(conn)
    .map_err(StoreError::from)
}

/// The audit-log entries of every account with ids in `window`, oldest first.
pub async fn list_changes_in(
    db: impl Db,
    window: IdWindow,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "{CHANGE_RECORD_SELECT} WHERE c.id > ?1 AND c.id <= ?2 ORDER BY c.id"
    ))
    .bind(window.after)
    .bind(window.upto)
    .fetch_all(&mut *conn)
    .await?)
}
