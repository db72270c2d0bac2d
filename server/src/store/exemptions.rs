//! `exemption`: buckets that may stay as they are, and `bucket.exemption_id`, the approved
//! exemption that covers each bucket now.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::{
    AccountId, AccountName, BucketId, BucketPattern, ExemptionId, ExemptionReason, ExemptionStatus,
    Region,
};

/// An exemption to store, as requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExemption<'a> {
    pub pattern: &'a BucketPattern,
    pub account: Option<AccountId>,
    pub region: Option<&'a Region>,
    pub reason: &'a ExemptionReason,
    pub expires_at: DateTime<Utc>,
    pub requested_by: &'a str,
    pub requested_at: DateTime<Utc>,
}

/// A stored exemption, with how many present buckets it covers now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionRecord {
    pub id: ExemptionId,
    pub pattern: BucketPattern,
    pub account_id: Option<AccountId>,
    pub account: Option<AccountName>,
    pub region: Option<Region>,
    pub reason: ExemptionReason,
    pub expires_at: DateTime<Utc>,
    pub status: ExemptionStatus,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expired_at: Option<DateTime<Utc>>,
    pub warned_at: Option<DateTime<Utc>>,
    /// Present buckets judged `exempt` because of it.
    pub buckets: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: ExemptionId,
    pattern: String,
    account_id: Option<AccountId>,
    account: Option<String>,
    region: Option<String>,
    reason: String,
    expires_at: DateTime<Utc>,
    status: String,
    requested_by: String,
    requested_at: DateTime<Utc>,
    approved_by: Option<String>,
    approved_at: Option<DateTime<Utc>>,
    revoked_by: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    expired_at: Option<DateTime<Utc>>,
    warned_at: Option<DateTime<Utc>>,
    buckets: i64,
}

impl TryFrom<Row> for ExemptionRecord {
    type Error = StoreError;

    fn try_from(row: Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            pattern: parse_column("exemption.pattern", &row.pattern, BucketPattern::parse)?,
            account_id: row.account_id,
            account: row
                .account
                .map(|a| parse_column("account.name", &a, AccountName::parse))
                .transpose()?,
            region: row
                .region
                .map(|r| parse_column("exemption.region", &r, Region::parse))
                .transpose()?,
            reason: parse_column("exemption.reason", &row.reason, ExemptionReason::parse)?,
            expires_at: row.expires_at,
            status: parse_column("exemption.status", &row.status, |s| {
                ExemptionStatus::parse(s).ok_or("unknown status")
            })?,
            requested_by: row.requested_by,
            requested_at: row.requested_at,
            approved_by: row.approved_by,
            approved_at: row.approved_at,
            revoked_by: row.revoked_by,
            revoked_at: row.revoked_at,
            expired_at: row.expired_at,
            warned_at: row.warned_at,
            buckets: row.buckets,
        })
    }
}

const SELECT: &str = "SELECT e.id, e.pattern, e.account_id, a.name AS account, e.region, e.reason,
        e.expires_at, e.status, e.requested_by, e.requested_at, e.approved_by, e.approved_at,
        e.revoked_by, e.revoked_at, e.expired_at, e.warned_at,
        (SELECT count(*) FROM bucket b WHERE b.exemption_id = e.id AND b.gone_at IS NULL) AS buckets
    FROM exemption e LEFT JOIN account a ON a.id = e.account_id";

fn records(rows: Vec<Row>) -> Result<Vec<ExemptionRecord>, StoreError> {
    rows.into_iter().map(ExemptionRecord::try_from).collect()
}

/// Stores a requested exemption.
pub async fn insert_exemption(
    conn: &mut SqliteConnection,
    new: &NewExemption<'_>,
) -> Result<ExemptionId, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO exemption (pattern, account_id, region, reason, expires_at, status, requested_by, requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'requested', ?6, ?7) RETURNING id",
    )
    .bind(new.pattern.as_str())
    .bind(new.account)
    .bind(new.region.map(Region::as_str))
    .bind(new.reason.as_str())
    .bind(new.expires_at)
    .bind(new.requested_by)
    .bind(new.requested_at)
    .fetch_one(conn)
    .await?)
}

/// One exemption.
pub async fn get_exemption(
    db: impl Db,
    id: ExemptionId,
) -> Result<Option<ExemptionRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE e.id = ?1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(ExemptionRecord::try_from).transpose()
}

/// Exemptions, newest first: those in `status` when given, else all.
pub async fn list_exemptions(
    db: impl Db,
    status: Option<ExemptionStatus>,
) -> Result<Vec<ExemptionRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE ?1 IS NULL OR e.status = ?1 ORDER BY e.id DESC"
    ))
    .bind(status.map(ExemptionStatus::as_str))
    .fetch_all(&mut *conn)
    .await?;
    records(rows)
}

/// Every exemption, in any status, whose pattern, account and region name this bucket, newest
/// first (the bucket detail's history of exemptions).
pub async fn list_exemptions_naming(
    db: impl Db,
    account: AccountId,
    name: &str,
    region: &Region,
) -> Result<Vec<ExemptionRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE ?2 GLOB e.pattern AND (e.account_id IS NULL OR e.account_id = ?1)
             AND (e.region IS NULL OR e.region = ?3)
         ORDER BY e.id DESC"
    ))
    .bind(account)
    .bind(name)
    .bind(region.as_str())
    .fetch_all(&mut *conn)
    .await?;
    records(rows)
}

/// Marks a requested exemption approved; false when it was no longer `requested`.
pub async fn update_exemption_approved(
    conn: &mut SqliteConnection,
    id: ExemptionId,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE exemption SET status = 'approved', approved_by = ?2, approved_at = ?3
         WHERE id = ?1 AND status = 'requested'",
    )
    .bind(id)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a requested or approved exemption by revocation; false when it had already ended.
pub async fn update_exemption_revoked(
    conn: &mut SqliteConnection,
    id: ExemptionId,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE exemption SET status = 'revoked', revoked_by = ?2, revoked_at = ?3
         WHERE id = ?1 AND status IN ('requested', 'approved')",
    )
    .bind(id)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends an approved exemption by its expiry; false when it was not approved any more.
pub async fn update_exemption_expired(
    conn: &mut SqliteConnection,
    id: ExemptionId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE exemption SET status = 'expired', expired_at = ?2 WHERE id = ?1 AND status = 'approved'",
    )
    .bind(id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that the expiry warning went out; false when it already had.
pub async fn update_exemption_warned(
    conn: &mut SqliteConnection,
    id: ExemptionId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE exemption SET warned_at = ?2 WHERE id = ?1 AND warned_at IS NULL")
            .bind(id)
            .bind(at)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Approved exemptions whose expiry is at or before `upto`, soonest first; with `unwarned`,
/// only those whose warning has not gone out.
pub async fn list_approved_exemptions_expiring(
    db: impl Db,
    upto: DateTime<Utc>,
    unwarned: bool,
) -> Result<Vec<ExemptionRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE e.status = 'approved' AND e.expires_at <= ?1 AND (?2 = 0 OR e.warned_at IS NULL)
         ORDER BY e.expires_at, e.id"
    ))
    .bind(upto)
    .bind(unwarned)
    .fetch_all(&mut *conn)
    .await?;
    records(rows)
}

/// The soonest expiry of an approved exemption, and the soonest of those not yet warned.
pub async fn find_next_exemption_expiries(
    db: impl Db,
) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(
        "SELECT min(expires_at), min(CASE WHEN warned_at IS NULL THEN expires_at END)
         FROM exemption WHERE status = 'approved'",
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// The present buckets an exemption covers now.
pub async fn list_exempt_bucket_ids(
    db: impl Db,
    id: ExemptionId,
) -> Result<Vec<BucketId>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM bucket WHERE exemption_id = ?1 AND gone_at IS NULL")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Sets every bucket's `exemption_id` to the approved exemption that covers it (the one that
/// runs longest when several do), or NULL. Runs after every judgement: the policy judges what OSS
/// holds, then this step says which of those judgements an exemption sets aside. Returns how many
/// buckets changed. A bucket whose customer key is unusable is never exempt: no exemption makes
/// an unwritable bucket acceptable, and hiding it would hide the key's alert.
pub async fn apply_exemptions(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    // The covering exemption of each bucket, computed once per bucket (the exemption table is
    // small; a bucket is compared with the approved ones only).
    let done = sqlx::query(
        "WITH active AS (
             SELECT id, pattern, account_id, region, expires_at FROM exemption
             WHERE status = 'approved' AND expires_at > ?1),
         wanted AS (
             SELECT b.id AS bucket_id,
                    (SELECT e.id FROM active e
                     WHERE b.name GLOB e.pattern
                       AND (e.account_id IS NULL OR e.account_id = b.account_id)
                       AND (e.region IS NULL OR e.region = b.region)
                       AND NOT EXISTS (
                           SELECT 1 FROM kms_key k JOIN kms_key_state s ON s.id = k.state_id
                           WHERE k.id = b.kms_key_id AND s.state NOT IN ('Enabled', 'unknown'))
                     ORDER BY e.expires_at DESC, e.id LIMIT 1) AS exemption_id
             FROM bucket b
             WHERE b.exemption_id IS NOT NULL OR EXISTS (SELECT 1 FROM active))
         UPDATE bucket SET exemption_id = wanted.exemption_id FROM wanted
         WHERE bucket.id = wanted.bucket_id AND bucket.exemption_id IS NOT wanted.exemption_id",
    )
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
