//! `scan`: one scan of the estate (or of the one account `scan --account` names) as a whole: its
//! status, progress over its parts, and the totals kept for trends.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::account_scans::end_account_scan_unfinished;
use super::{Db, StoreError};
use crate::domain::{AccountId, ScanId, ScanStatus};

/// A scan as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScanRecord {
    pub id: ScanId,
    pub trigger: String,
    pub status: ScanStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Its parts, one per account; how many ended; how many of those failed.
    pub accounts_total: i64,
    pub accounts_done: i64,
    pub accounts_failed: i64,
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

/// The counts over the buckets a completed part saw (gone buckets excluded), or summed over the
/// completed parts of a scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct ScanSummary {
    pub buckets: i64,
    pub encrypted: i64,
    pub unencrypted: i64,
    pub unknown: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    /// State rows recorded (buckets whose encryption differs from before).
    pub changes: i64,
}

/// The columns a [`ScanRecord`] is read from.
pub(super) const SCAN_COLUMNS: &str = "id, trigger, status, started_at, finished_at, accounts_total, \
    accounts_done, accounts_failed, buckets_total, buckets_done, buckets_failed, error, encrypted, \
    unencrypted, unknown, compliant, noncompliant, changes";

/// Starts a scan of `accounts` parts, or refuses with the id of the scan already running (the
/// database enforces one running scan, across processes).
pub async fn insert_running_scan(
    db: impl Db,
    trigger: &str,
    accounts: usize,
    now: DateTime<Utc>,
) -> Result<ScanId, StoreError> {
    let mut conn = db.connection().await?;
    // The running scan can end between the refused insert and the look-up of its id: then the
    // insert is tried again, as the way is free.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let inserted = sqlx::query_scalar::<_, ScanId>(
            "INSERT INTO scan (trigger, status, started_at, accounts_total, owner_pid, heartbeat_at)
             VALUES (?1, 'running', ?2, ?3, ?4, ?2) RETURNING id",
        )
        .bind(trigger)
        .bind(now)
        .bind(i64::try_from(accounts).unwrap_or(i64::MAX))
        .bind(i64::from(std::process::id()))
        .fetch_one(&mut *conn)
        .await;
        match inserted {
            Ok(id) => return Ok(id),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                let running: Option<ScanId> =
                    sqlx::query_scalar("SELECT id FROM scan WHERE status = 'running'")
                        .fetch_optional(&mut *conn)
                        .await?;
                match running {
                    Some(running) => return Err(StoreError::ScanAlreadyRunning(running)),
                    None if attempts < 3 => continue,
                    None => return Err(sqlx::Error::RowNotFound.into()),
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Sums the progress of `scan`'s parts into it (a heartbeat too). A handful of parts: cheap.
pub async fn update_scan_progress(
    conn: &mut SqliteConnection,
    scan: ScanId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE scan SET buckets_total = p.total, buckets_done = p.done, buckets_failed = p.failed,
             accounts_done = p.ended, accounts_failed = p.failed_parts, heartbeat_at = ?2
         FROM (SELECT coalesce(sum(buckets_total), 0) AS total, coalesce(sum(buckets_done), 0) AS done,
                      coalesce(sum(buckets_failed), 0) AS failed,
                      coalesce(sum(status <> 'running'), 0) AS ended,
                      coalesce(sum(status = 'failed'), 0) AS failed_parts
               FROM account_scan WHERE scan_id = ?1) AS p
         WHERE scan.id = ?1 AND scan.status = 'running'",
    )
    .bind(scan)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a running scan as `status` (from its parts, see [`ScanStatus::of_parts`]), with the
/// totals of its completed parts; `error` says why it failed or was interrupted as a whole.
pub async fn finish_scan(
    conn: &mut SqliteConnection,
    scan: ScanId,
    status: ScanStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ScanRecord, StoreError> {
    update_scan_progress(&mut *conn, scan, now).await?;
    sqlx::query(
        "UPDATE scan SET status = ?2, error = ?3, finished_at = ?4,
             encrypted = t.encrypted, unencrypted = t.unencrypted, unknown = t.unknown,
             compliant = t.compliant, noncompliant = t.noncompliant, changes = t.changes
         FROM (SELECT sum(encrypted) AS encrypted, sum(unencrypted) AS unencrypted,
                      sum(unknown) AS unknown, sum(compliant) AS compliant,
                      sum(noncompliant) AS noncompliant, sum(changes) AS changes
               FROM account_scan WHERE scan_id = ?1 AND status = 'completed') AS t
         WHERE scan.id = ?1",
    )
    .bind(scan)
    .bind(status)
    .bind(error)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    get_scan(conn, scan).await
}

/// Marks as interrupted every running scan whose process is gone (`is_alive(pid)` is false) or
/// that has shown no progress since `stale_before`, with its running parts (whose partial
/// observations are removed). Returns the scans it marked.
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
    let why = "the process running this scan stopped before it completed";
    for (id, pid, heartbeat) in running {
        let dead = pid.is_none_or(|pid| !is_alive(pid));
        let stale = heartbeat.is_none_or(|at| at < stale_before);
        if dead || stale {
            for part in super::account_scans::list_running_parts(&mut *conn, id).await? {
                end_account_scan_unfinished(
                    &mut *conn,
                    part,
                    ScanStatus::Interrupted,
                    &super::PartFailure::message(why),
                    now,
                )
                .await?;
            }
            finish_scan(&mut *conn, id, ScanStatus::Interrupted, Some(why), now).await?;
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

/// The newest scans first, older than `before` (all when `None`), that have a part of `account`
/// (any when `None`), at most `limit`.
pub async fn list_scans(
    db: impl Db,
    account: Option<AccountId>,
    before: Option<ScanId>,
    limit: i64,
) -> Result<Vec<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan
         WHERE (?1 IS NULL OR id IN (SELECT scan_id FROM account_scan WHERE account_id = ?1))
           AND (?2 IS NULL OR id < ?2)
         ORDER BY id DESC LIMIT ?3"
    ))
    .bind(account)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// The last scan whose results are in the picture (completed or partial).
pub async fn find_last_completed_scan(db: impl Db) -> Result<Option<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan WHERE status IN ('completed', 'partial') ORDER BY id DESC LIMIT 1"
    ))
    .fetch_optional(&mut *conn)
    .await?)
}

/// The latest scan that ran to its end, whatever became of its parts (interrupted scans do not
/// count: their work must be redone). The scheduler measures "due" from it.
pub async fn find_latest_finished_scan(db: impl Db) -> Result<Option<ScanRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {SCAN_COLUMNS} FROM scan WHERE status IN ('completed', 'partial', 'failed')
         ORDER BY id DESC LIMIT 1"
    ))
    .fetch_optional(&mut *conn)
    .await?)
}

/// How many scans ended in each status.
pub async fn count_scans_by_status(db: impl Db) -> Result<Vec<(ScanStatus, i64)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(
        sqlx::query_as("SELECT status, count(*) FROM scan GROUP BY status")
            .fetch_all(&mut *conn)
            .await?,
    )
}
