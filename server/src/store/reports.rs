//! `report` and `report_schedule`: stored audit reports (immutable, hash-chained) and the report
//! schedule's cursor.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError};
use crate::domain::{AccountId, ReportId, ScanId};

/// A stored report without its content: what lists show.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRecord {
    pub id: ReportId,
    pub account_id: AccountId,
    pub created_at: DateTime<Utc>,
    /// schedule, dashboard, api, cli.
    pub trigger: String,
    /// `schedule`, `user:NAME`, `token:NAME` or `cli:USER`.
    pub created_by: String,
    pub schema_version: i64,
    pub buckets: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    pub unknown: i64,
    pub previous_digest: Option<String>,
    /// Hex SHA-256 of the content.
    pub digest: String,
}

/// Where a report's window of changes ended: the next report's window starts after these ids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportWindowEnd {
    pub last_scan_id: i64,
    pub last_state_id: i64,
    pub last_change_id: i64,
}

/// The latest report of an account: its identity, digest and where its window ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestReport {
    pub id: ReportId,
    pub created_at: DateTime<Utc>,
    pub digest: String,
    pub window: ReportWindowEnd,
}

/// A report to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport<'a> {
    /// From [`next_report_id`], in the same transaction.
    pub id: ReportId,
    pub account: AccountId,
    pub created_at: DateTime<Utc>,
    pub trigger: &'a str,
    pub created_by: &'a str,
    pub schema_version: i64,
    pub buckets: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    pub unknown: i64,
    pub window: ReportWindowEnd,
    pub previous_digest: Option<&'a str>,
    pub digest: &'a str,
    pub content: &'a [u8],
}

const RECORD_COLUMNS: &str = "id, account_id, created_at, trigger, created_by, schema_version, buckets, \
    compliant, noncompliant, unknown, previous_digest, digest";

/// The id the next report will get. The report names its own id in its content, so the id is
/// fixed before inserting; call it inside the write transaction that inserts (which holds the
/// write lock, so no other process can take the id meanwhile).
pub async fn next_report_id(conn: &mut SqliteConnection) -> Result<ReportId, StoreError> {
    let next: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) + 1 FROM report")
        .fetch_one(conn)
        .await?;
    Ok(ReportId::new(next))
}

/// Stores a report (the database refuses any later update or delete).
pub async fn insert_report(
    conn: &mut SqliteConnection,
    report: &NewReport<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO report (id, account_id, created_at, trigger, created_by, schema_version, buckets,
             compliant, noncompliant, unknown, last_scan_id, last_state_id, last_change_id,
             previous_digest, digest, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )
    .bind(report.id)
    .bind(report.account)
    .bind(report.created_at)
    .bind(report.trigger)
    .bind(report.created_by)
    .bind(report.schema_version)
    .bind(report.buckets)
    .bind(report.compliant)
    .bind(report.noncompliant)
    .bind(report.unknown)
    .bind(ScanId::new(report.window.last_scan_id))
    .bind(report.window.last_state_id)
    .bind(report.window.last_change_id)
    .bind(report.previous_digest)
    .bind(report.digest)
    .bind(report.content)
    .execute(conn)
    .await?;
    Ok(())
}

/// The account's latest report, the one a new report chains to.
pub async fn find_latest_report(
    db: impl Db,
    account: AccountId,
) -> Result<Option<LatestReport>, StoreError> {
    let mut conn = db.connection().await?;
    type Row = (ReportId, DateTime<Utc>, String, i64, i64, i64);
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, created_at, digest, last_scan_id, last_state_id, last_change_id
         FROM report WHERE account_id = ?1 ORDER BY id DESC LIMIT 1",
    )
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(
        |(id, created_at, digest, last_scan_id, last_state_id, last_change_id)| LatestReport {
            id,
            created_at,
            digest,
            window: ReportWindowEnd {
                last_scan_id,
                last_state_id,
                last_change_id,
            },
        },
    ))
}

/// The account's reports, newest first, at most `limit`.
pub async fn list_reports(
    db: impl Db,
    account: AccountId,
    limit: i64,
) -> Result<Vec<ReportRecord>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT {RECORD_COLUMNS} FROM report WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))
    .bind(account)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// One report with its content, `None` when there is no such report in the account.
pub async fn find_report(
    db: impl Db,
    account: AccountId,
    id: ReportId,
) -> Result<Option<(ReportRecord, Vec<u8>)>, StoreError> {
    let mut conn = db.connection().await?;
    let row = sqlx::query(&format!(
        "SELECT {RECORD_COLUMNS}, content FROM report WHERE account_id = ?1 AND id = ?2"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(with_content).transpose()
}

/// The account's latest report with its content.
pub async fn find_latest_report_content(
    db: impl Db,
    account: AccountId,
) -> Result<Option<(ReportRecord, Vec<u8>)>, StoreError> {
    let mut conn = db.connection().await?;
    let row = sqlx::query(&format!(
        "SELECT {RECORD_COLUMNS}, content FROM report WHERE account_id = ?1 ORDER BY id DESC LIMIT 1"
    ))
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(with_content).transpose()
}

/// A row of `RECORD_COLUMNS` and `content`.
fn with_content(row: &sqlx::sqlite::SqliteRow) -> Result<(ReportRecord, Vec<u8>), StoreError> {
    use sqlx::{FromRow, Row};
    Ok((ReportRecord::from_row(row)?, row.try_get("content")?))
}

/// The ids of every report of every account, oldest first (for checking the chains).
pub async fn list_report_ids(db: impl Db) -> Result<Vec<ReportId>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar("SELECT id FROM report ORDER BY id")
        .fetch_all(&mut *conn)
        .await?)
}

/// One report with its content, whatever its account (for checking the chains).
pub async fn get_report_any_account(
    db: impl Db,
    id: ReportId,
) -> Result<(ReportRecord, Vec<u8>), StoreError> {
    let mut conn = db.connection().await?;
    let row = sqlx::query(&format!(
        "SELECT {RECORD_COLUMNS}, content FROM report WHERE id = ?1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("report {id}")))?;
    with_content(&row)
}

/// The report schedule's cursor and the schedule it was checked with, `None` before the first
/// start with a schedule.
pub async fn find_report_schedule(
    db: impl Db,
    account: AccountId,
) -> Result<Option<(DateTime<Utc>, String)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(
        sqlx::query_as("SELECT checked_at, schedule FROM report_schedule WHERE account_id = ?1")
            .bind(account)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Moves the report schedule's cursor to `checked_at`, recording the schedule in force.
pub async fn put_report_schedule(
    conn: &mut SqliteConnection,
    account: AccountId,
    checked_at: DateTime<Utc>,
    schedule: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO report_schedule (account_id, checked_at, schedule) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id) DO UPDATE SET checked_at = excluded.checked_at, schedule = excluded.schedule",
    )
    .bind(account)
    .bind(checked_at)
    .bind(schedule)
    .execute(conn)
    .await?;
    Ok(())
}
