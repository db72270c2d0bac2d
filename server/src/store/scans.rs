//! `scan`: one audit pass over an account, its progress, and the summary kept for trends.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError};
use crate::domain::{AccountId, ScanId};

/// A scan as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ScanRecord {
    pub id: ScanId,
    pub account_id: AccountId,
    pub trigger: String,
    /// running | completed | failed | interrupted
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub buckets_total: i64,
    pub buckets_done: i64,
    pub buckets_failed: i64,
    pub error: Option<String>,
    pub encrypted: Option<i64>,
    pub unencrypted: Option<i64>,
    pub unknown: Option<i64>,
    pub compliant: Option<i64>,
    pub noncompliant: Option<i64>,
    pub changes: Option<i64>,
}

/// The counts of a completed scan over the buckets it saw (gone buckets excluded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScanSummary {
    pub buckets: i64,
    pub encrypted: i64,
    pub unencrypted: i64,
    pub unknown: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    /// State rows this scan added (buckets whose encryption differs from before).
    pub changes: i64,
}

/// The columns a [`ScanRecord`] is read from, in its order.
pub(super) const SCAN_COLUMNS: &str = "id, account_id, trigger, status, started_at, finished_at, buckets_total, \
    buckets_done, buckets_failed, error, encrypted, unencrypted, unknown, compliant, noncompliant, changes";

/// Starts a scan, or refuses with the id of the scan already running for this account (the
/// database enforces one running scan per account, across processes).
pub async fn insert_running_scan(
    db: impl Db,
    account: AccountId,
    trigger: &str,
    now: DateTime<Utc>,
) -> Result<ScanId, StoreError> {
    let mut conn = db.connection().await?;
    let inserted = sqlx::query_scalar::<_, ScanId>(
        "INSERT INTO scan (account_id, trigger, status, started_at, owner_pid, heartbeat_at)
         VALUES (?1, ?2, 'running', ?3, ?4, ?3) RETURNING id",
    )
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
                "SELECT id FROM scan WHERE account_id = ?1 AND status = 'running'",
            )
            .bind(account)
            .fetch_one(&mut *conn)
            .await?;
            Err(StoreError::ScanAlreadyRunning(running))
        }
        Err(e) => Err(e.into()),
    }
}

/// Records progress (and a heartbeat) of a running scan.
pub async fn update_scan_progress(
    conn: &mut SqliteConnection,
    scan: ScanId,
    total: i64,
    done: i64,
    failed: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE scan SET buckets_total = ?2, buckets_done = ?3, buckets_failed = ?4, heartbeat_at = ?5
         WHERE id = ?1 AND status = 'running'",
    )
    .bind(scan)
    .bind(total)
    .bind(done)
    .bind(failed)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Completes a scan: its observations become the current state of their buckets and its summary
/// is written. Run it in the transaction that also marks gone buckets and updates compliance, so
/// readers switch from the previous picture to this one at once.
pub async fn complete_scan(
    conn: &mut SqliteConnection,
    scan: ScanId,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<ScanSummary, StoreError> {
    // A later observation (a re-read after a change made during the scan) keeps precedence.
    sqlx::query(
        "UPDATE bucket SET state_id = latest.id
         FROM (SELECT bucket_id, max(id) AS id FROM encryption_state WHERE scan_id = ?1 GROUP BY bucket_id) AS latest
         WHERE bucket.id = latest.bucket_id AND (bucket.state_id IS NULL OR bucket.state_id < latest.id)",
    )
    .bind(scan)
    .execute(&mut *conn)
    .await?;
    let (buckets, encrypted, unencrypted, unknown, compliant, noncompliant): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT count(*),
                    coalesce(sum(s.status = 'encrypted'), 0),
                    coalesce(sum(s.status = 'unencrypted'), 0),
                    coalesce(sum(s.status = 'unknown'), 0),
                    coalesce(sum(b.compliant = 1), 0),
                    coalesce(sum(b.compliant = 0), 0)
             FROM bucket b JOIN encryption_state s ON s.id = b.state_id
             WHERE b.account_id = ?1 AND b.gone_at IS NULL",
    )
    .bind(account)
    .fetch_one(&mut *conn)
    .await?;
    let changes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM encryption_state WHERE scan_id = ?1")
            .bind(scan)
            .fetch_one(&mut *conn)
            .await?;
    let summary = ScanSummary {
        buckets,
        encrypted,
        unencrypted,
        unknown,
        compliant,
        noncompliant,
        changes,
    };
    sqlx::query(
        "UPDATE scan SET status = 'completed', finished_at = ?2, encrypted = ?3, unencrypted = ?4,
             unknown = ?5, compliant = ?6, noncompliant = ?7, changes = ?8, heartbeat_at = ?2
         WHERE id = ?1",
    )
    .bind(scan)
    .bind(now)
    .bind(encrypted)
    .bind(unencrypted)
    .bind(unknown)
    .bind(compliant)
    .bind(noncompliant)
    .bind(changes)
    .execute(conn)
    .await?;
    Ok(summary)
}

/// Ends a scan that did not complete (`failed` or `interrupted`). Its partial observations were
/// never visible and are removed, so history only holds what completed scans saw.
pub async fn end_scan_unfinished(
    db: impl Db,
    scan: ScanId,
    status: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    debug_assert!(matches!(status, "failed" | "interrupted"));
    sqlx::query("DELETE FROM encryption_state WHERE scan_id = ?1")
        .bind(scan)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE scan SET status = ?2, error = ?3, finished_at = ?4 WHERE id = ?1")
        .bind(scan)
        .bind(status)
        .bind(error)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks as interrupted every running scan whose process is gone (`is_alive(pid)` is false) or
/// that has shown no progress since `stale_before`. Returns the scans it marked.
pub async fn mark_dangling_scans_interrupted(
    conn: &mut SqliteConnection,
    is_alive: impl Fn(i64) -> bool,
    stale_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<ScanId>, StoreError> {
    let running: Vec<(ScanId, Option<i64>, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT id, owner_pid, heartbeat_at FROM scan WHERE status = 'running'")
            .fetch_all(&mut *conn)
            .await?;
    let mut marked = Vec::new();
    for (id, pid, heartbeat) in running {
        let dead = pid.is_none_or(|pid| !is_alive(pid));
        let stale = heartbeat.is_none_or(|at| at < stale_before);
        if dead || stale {
            end_scan_unfinished(
                &mut *conn,
                id,
                "interrupted",
                "the process running this scan stopped before it completed",
                now,
            )
            .await?;
            marked.push(id);
        }
    }
    Ok(marked)
}

/// One scan by id.
pub async fn get_scan(db: impl Db, scan: ScanId) -> Result<ScanRecord, StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query_as(&format!("SELECT {SCAN_COLUMNS} FROM scan WHERE id = ?1"))
        .bind(scan)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("scan {scan}")))
}

/// The newest scans of an account first, at most `limit`.
pub async fn list_scans(
    db: impl Db,
    account: AccountId,
    limit: i64,
) -> Result<Vec<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))
    .bind(account)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// The last completed scan of an account.
pub async fn find_last_completed_scan(
    db: impl Db,
    account: AccountId,
) -> Result<Option<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan WHERE account_id = ?1 AND status = 'completed' ORDER BY id DESC LIMIT 1"
    ))
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The latest scan that ran to its end, completed or failed (interrupted scans do not count: their
/// work must be redone). The scheduler measures "due" from it.
pub async fn find_latest_finished_scan(
    db: impl Db,
    account: AccountId,
) -> Result<Option<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan WHERE account_id = ?1 AND status IN ('completed', 'failed')
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?)
}

/// How many scans of the account ended in each status.
pub async fn count_scans_by_status(
    db: impl Db,
    account: AccountId,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(
        sqlx::query_as("SELECT status, count(*) FROM scan WHERE account_id = ?1 GROUP BY status")
            .bind(account)
            .fetch_all(&mut *conn)
            .await?,
    )
}
