//! `account_scan`: one account's part of a scan: its progress, why it failed, and the summary
//! of what it saw.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, ScanSummary, StoreError};
use crate::domain::{AccountId, AccountName, AccountScanId, ScanId, ScanStatus};

/// A part as stored, with the name of its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountScanRecord {
    pub id: AccountScanId,
    pub scan_id: ScanId,
    pub account_id: AccountId,
    pub account: AccountName,
    /// Never `Partial`.
    pub status: ScanStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub buckets_total: i64,
    pub buckets_done: i64,
    pub buckets_failed: i64,
    /// Why it failed, in full.
    pub error: Option<String>,
    /// The service's code (`NoPermission`, `AccessDenied`, …) and request id, when it answered.
    pub error_code: Option<String>,
    pub request_id: Option<String>,
    /// What it saw, when it completed.
    pub summary: Option<ScanSummary>,
}

#[derive(sqlx::FromRow)]
struct PartRow {
    id: AccountScanId,
    scan_id: ScanId,
    account_id: AccountId,
    account: String,
    status: ScanStatus,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    buckets_total: i64,
    buckets_done: i64,
    buckets_failed: i64,
    error: Option<String>,
    error_code: Option<String>,
    request_id: Option<String>,
    encrypted: Option<i64>,
    unencrypted: Option<i64>,
    unknown: Option<i64>,
    compliant: Option<i64>,
    noncompliant: Option<i64>,
    changes: Option<i64>,
}

impl TryFrom<PartRow> for AccountScanRecord {
    type Error = StoreError;

    fn try_from(r: PartRow) -> Result<Self, StoreError> {
        let summary = (r.status == ScanStatus::Completed).then(|| {
            let (encrypted, unencrypted, unknown) = (
                r.encrypted.unwrap_or(0),
                r.unencrypted.unwrap_or(0),
                r.unknown.unwrap_or(0),
            );
            ScanSummary {
                buckets: encrypted + unencrypted + unknown,
                encrypted,
                unencrypted,
                unknown,
                compliant: r.compliant.unwrap_or(0),
                noncompliant: r.noncompliant.unwrap_or(0),
                changes: r.changes.unwrap_or(0),
            }
        });
        Ok(Self {
            id: r.id,
            scan_id: r.scan_id,
            account_id: r.account_id,
            account: super::parse_column("account.name", &r.account, AccountName::parse)?,
            status: r.status,
            started_at: r.started_at,
            finished_at: r.finished_at,
            buckets_total: r.buckets_total,
            buckets_done: r.buckets_done,
            buckets_failed: r.buckets_failed,
            error: r.error,
            error_code: r.error_code,
            request_id: r.request_id,
            summary,
        })
    }
}

const PART_SELECT: &str = "SELECT p.id, p.scan_id, p.account_id, a.name AS account, p.status, \
    p.started_at, p.finished_at, p.buckets_total, p.buckets_done, p.buckets_failed, p.error, \
    p.error_code, p.request_id, p.encrypted, p.unencrypted, p.unknown, p.compliant, \
    p.noncompliant, p.changes FROM account_scan p JOIN account a ON a.id = p.account_id";

/// Why a part did not complete: the whole message, and the service's code and request id when it
/// answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFailure {
    pub message: String,
    pub code: Option<String>,
    pub request_id: Option<String>,
}

impl PartFailure {
    /// A failure said in full by `message`.
    pub fn message(message: &str) -> Self {
        Self {
            message: message.to_owned(),
            code: None,
            request_id: None,
        }
    }
}

/// Starts `account`'s part of `scan`, or refuses with the part of the same account running in
/// another scan (the database allows one running part per account).
pub async fn insert_account_scan(
    db: impl Db,
    scan: ScanId,
    account: AccountId,
    trigger: &str,
    now: DateTime<Utc>,
) -> Result<AccountScanId, StoreError> {
    let mut conn = db.connection().await?;
    let inserted = sqlx::query_scalar::<_, AccountScanId>(
        "INSERT INTO account_scan (scan_id, account_id, trigger, status, started_at, owner_pid, heartbeat_at)
         VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?4) RETURNING id",
    )
    .bind(scan)
    .bind(account)
    .bind(trigger)
    .bind(now)
    .bind(i64::from(std::process::id()))
    .fetch_one(&mut *conn)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            let running: ScanId = sqlx::query_scalar(
                "SELECT scan_id FROM account_scan WHERE account_id = ?1 AND status = 'running'",
            )
            .bind(account)
            .fetch_one(&mut *conn)
            .await?;
            Err(StoreError::ScanAlreadyRunning(running))
        }
        Err(e) => Err(e.into()),
    }
}

/// Records a running part's progress (and a heartbeat), and sums it into its scan.
pub async fn update_account_scan_progress(
    conn: &mut SqliteConnection,
    part: AccountScanId,
    total: i64,
    done: i64,
    failed: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let scan: Option<ScanId> = sqlx::query_scalar(
        "UPDATE account_scan SET buckets_total = ?2, buckets_done = ?3, buckets_failed = ?4, heartbeat_at = ?5
         WHERE id = ?1 AND status = 'running' RETURNING scan_id",
    )
    .bind(part)
    .bind(total)
    .bind(done)
    .bind(failed)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(scan) = scan {
        super::update_scan_progress(conn, scan, now).await?;
    }
    Ok(())
}

/// Completes a part: its observations become the current state of its account's buckets and its
/// summary is written. Run it in the transaction that also marks gone buckets and updates
/// compliance, so readers switch from the previous picture to this one at once.
pub async fn complete_account_scan(
    conn: &mut SqliteConnection,
    part: AccountScanId,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<ScanSummary, StoreError> {
    // A later observation (a re-read after a change made during the scan) keeps precedence.
    sqlx::query(
        "UPDATE bucket SET state_id = latest.id, status = latest.status
         FROM (SELECT s.bucket_id, s.id, s.status FROM encryption_state s
               JOIN (SELECT bucket_id, max(id) AS id FROM encryption_state WHERE account_scan_id = ?1
                     GROUP BY bucket_id) m ON m.id = s.id) AS latest
         WHERE bucket.id = latest.bucket_id AND (bucket.state_id IS NULL OR bucket.state_id < latest.id)",
    )
    .bind(part)
    .execute(&mut *conn)
    .await?;
    let mut summary: ScanSummary = sqlx::query_as(
        "SELECT count(*) AS buckets,
                coalesce(sum(status = 'encrypted'), 0) AS encrypted,
                coalesce(sum(status = 'unencrypted'), 0) AS unencrypted,
                coalesce(sum(status = 'unknown'), 0) AS unknown,
                coalesce(sum(compliant = 1 AND exemption_id IS NULL), 0) AS compliant,
                coalesce(sum(compliant = 0 AND exemption_id IS NULL), 0) AS noncompliant,
                0 AS changes
         FROM bucket WHERE account_id = ?1 AND gone_at IS NULL AND state_id IS NOT NULL",
    )
    .bind(account)
    .fetch_one(&mut *conn)
    .await?;
    summary.changes =
        sqlx::query_scalar("SELECT count(*) FROM encryption_state WHERE account_scan_id = ?1")
            .bind(part)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "UPDATE account_scan SET status = 'completed', finished_at = ?2, encrypted = ?3, unencrypted = ?4,
             unknown = ?5, compliant = ?6, noncompliant = ?7, changes = ?8, heartbeat_at = ?2
         WHERE id = ?1",
    )
    .bind(part)
    .bind(now)
    .bind(summary.encrypted)
    .bind(summary.unencrypted)
    .bind(summary.unknown)
    .bind(summary.compliant)
    .bind(summary.noncompliant)
    .bind(summary.changes)
    .execute(conn)
    .await?;
    Ok(summary)
}

/// Ends a part that did not complete (`Failed` or `Interrupted`). Its partial observations were
/// never visible and are removed, so history only holds what completed parts saw.
pub async fn end_account_scan_unfinished(
    db: impl Db,
    part: AccountScanId,
    status: ScanStatus,
    failure: &PartFailure,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    debug_assert!(matches!(
        status,
        ScanStatus::Failed | ScanStatus::Interrupted
    ));
    sqlx::query("DELETE FROM encryption_state WHERE account_scan_id = ?1")
        .bind(part)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE account_scan SET status = ?2, error = ?3, error_code = ?4, request_id = ?5, finished_at = ?6
         WHERE id = ?1",
    )
    .bind(part)
    .bind(status)
    .bind(&failure.message)
    .bind(&failure.code)
    .bind(&failure.request_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The running parts of `scan`.
pub(super) async fn list_running_parts(
    conn: &mut SqliteConnection,
    scan: ScanId,
) -> Result<Vec<AccountScanId>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM account_scan WHERE scan_id = ?1 AND status = 'running'")
            .bind(scan)
            .fetch_all(conn)
            .await?,
    )
}

/// The parts of `scan`, by account name.
pub async fn list_account_scans(
    db: impl Db,
    scan: ScanId,
) -> Result<Vec<AccountScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<PartRow> = sqlx::query_as(&format!(
        "{PART_SELECT} WHERE p.scan_id = ?1 ORDER BY a.name"
    ))
    .bind(scan)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(AccountScanRecord::try_from).collect()
}

/// The parts of the scans `scans`, by scan and account name (a page of the scan list at once).
pub async fn list_account_scans_of(
    db: impl Db,
    scans: &[ScanId],
) -> Result<Vec<AccountScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let ids: Vec<String> = scans.iter().map(ToString::to_string).collect();
    let rows: Vec<PartRow> = sqlx::query_as(&format!(
        "{PART_SELECT} WHERE p.scan_id IN (SELECT value FROM json_each(?1)) ORDER BY p.scan_id, a.name"
    ))
    .bind(format!("[{}]", ids.join(",")))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(AccountScanRecord::try_from).collect()
}

/// The account's last completed part.
pub async fn find_last_completed_account_scan(
    db: impl Db,
    account: AccountId,
) -> Result<Option<AccountScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<PartRow> = sqlx::query_as(&format!(
        "{PART_SELECT} WHERE p.account_id = ?1 AND p.status = 'completed' ORDER BY p.id DESC LIMIT 1"
    ))
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(AccountScanRecord::try_from).transpose()
}

/// The completed parts with ids in (`after`, `upto`], oldest first.
pub(super) async fn list_completed_parts_in(
    db: impl Db,
    after: i64,
    upto: i64,
) -> Result<Vec<AccountScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<PartRow> = sqlx::query_as(&format!(
        "{PART_SELECT} WHERE p.status = 'completed' AND p.id > ?1 AND p.id <= ?2 ORDER BY p.id"
    ))
    .bind(after)
    .bind(upto)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(AccountScanRecord::try_from).collect()
}
