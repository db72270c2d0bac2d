//! `notification_target` and `notification_delivery`: where notifications go, and the outbox of
//! deliveries with their attempts, next attempt and last error.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::dashboard::{CHANGE_COLUMNS, ChangeRow, PREVIOUS_STATE, into_change};
use super::{ACTIVE_ACCOUNTS, Db, StoreError};
use crate::domain::Secret;
use crate::domain::{AccountId, AccountScanId, BucketId, DeliveryId, EncryptionState, TargetId};
use crate::domain::{TargetKind, TargetUrl};

/// A stored target. The URL and the secret are secret-bearing and never shown again.
#[derive(Debug, Clone)]
pub struct TargetRecord {
    pub id: TargetId,
    pub kind: TargetKind,
    pub name: String,
    pub url: TargetUrl,
    pub secret: Option<Secret>,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A target with how its deliveries are doing.
#[derive(Debug, Clone)]
pub struct TargetStatus {
    pub target: TargetRecord,
    /// Deliveries waiting (or being retried).
    pub pending: i64,
    /// Deliveries that gave up after their last attempt.
    pub failed: i64,
    pub last_delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
}

/// A target row to write.
#[derive(Debug, Clone)]
pub struct TargetFields<'a> {
    pub account: AccountId,
    pub kind: TargetKind,
    pub name: &'a str,
    pub url: &'a TargetUrl,
    pub secret: Option<&'a Secret>,
    pub created_by: &'a str,
    pub now: DateTime<Utc>,
}

/// A delivery claimed for sending, with everything needed to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: DeliveryId,
    pub target: TargetRecord,
    pub account_name: String,
    pub event_type: String,
    /// The event as JSON.
    pub event: String,
    /// Attempts including this one.
    pub attempts: i64,
}

type TargetRow = (
    TargetId,
    String,
    String,
    String,
    Option<String>,
    bool,
    String,
    DateTime<Utc>,
);

const TARGET_COLUMNS: &str =
    "t.id, t.kind, t.name, t.url, t.secret, t.enabled, t.created_by, t.created_at";

fn into_target(row: TargetRow) -> Result<TargetRecord, StoreError> {
    let (id, kind, name, url, secret, enabled, created_by, created_at) = row;
    let kind = TargetKind::parse(&kind)
        .map_err(|_| StoreError::Corrupt(format!("notification_target.kind {kind:?}")))?;
    // The message names the row, never the value: the URL is a credential.
    let url = TargetUrl::parse(&url, kind)
        .map_err(|e| StoreError::Corrupt(format!("notification_target.url of target {id}: {e}")))?;
    Ok(TargetRecord {
        id,
        kind,
        name,
        url,
        secret: secret.map(Secret::new),
        enabled,
        created_by,
        created_at,
    })
}

/// Stores a new target (enabled). A name already used by the account is a database error.
pub async fn insert_notification_target(
    conn: &mut SqliteConnection,
    target: &TargetFields<'_>,
) -> Result<TargetId, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO notification_target (account_id, kind, name, url, secret, enabled, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7) RETURNING id",
    )
    .bind(target.account)
    .bind(target.kind.as_str())
    .bind(target.name)
    .bind(target.url.expose().as_str())
    .bind(target.secret.map(Secret::expose))
    .bind(target.created_by)
    .bind(target.now)
    .fetch_one(conn)
    .await?)
}

/// Replaces the kind, URL and secret of the target named `name`; false when there is none. Whether
/// it is enabled is left as an admin set it.
pub async fn update_notification_target(
    conn: &mut SqliteConnection,
    target: &TargetFields<'_>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE notification_target SET kind = ?3, url = ?4, secret = ?5
         WHERE account_id = ?1 AND name = ?2",
    )
    .bind(target.account)
    .bind(target.name)
    .bind(target.kind.as_str())
    .bind(target.url.expose().as_str())
    .bind(target.secret.map(Secret::expose))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The target of `account` named `name` (case-insensitively).
pub async fn find_notification_target_by_name(
    db: impl Db,
    account: AccountId,
    name: &str,
) -> Result<Option<TargetRecord>, StoreError> {
    let mut conn = db.connection().await?;
    find_target_where(&mut conn, account, "t.name", name).await
}

/// The target `id` of `account`.
pub async fn find_notification_target(
    db: impl Db,
    account: AccountId,
    id: TargetId,
) -> Result<Option<TargetRecord>, StoreError> {
    let mut conn = db.connection().await?;
    find_target_where(&mut conn, account, "t.id", id).await
}

/// The target of `account` whose `column` is `value`.
async fn find_target_where<'q, T>(
    conn: &mut SqliteConnection,
    account: AccountId,
    column: &str,
    value: T,
) -> Result<Option<TargetRecord>, StoreError>
where
    T: 'q + Send + sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite>,
{
    let mut query = QueryBuilder::new(format!(
        "SELECT {TARGET_COLUMNS} FROM notification_target t WHERE t.account_id = "
    ));
    query.push_bind(account);
    query.push(format!(" AND {column} = "));
    query.push_bind(value);
    let row: Option<TargetRow> = query.build_query_as().fetch_optional(conn).await?;
    row.map(into_target).transpose()
}

/// Every target of `account` by name, with its pending and failed counts, last delivery and last
/// error.
pub async fn list_notification_targets(
    db: impl Db,
    account: AccountId,
) -> Result<Vec<TargetStatus>, StoreError> {
    let mut conn = db.connection().await?;
    type Row = (
        TargetId,
        String,
        String,
        String,
        Option<String>,
        bool,
        String,
        DateTime<Utc>,
        i64,
        i64,
        Option<DateTime<Utc>>,
        Option<String>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {TARGET_COLUMNS},
                (SELECT count(*) FROM notification_delivery d WHERE d.target_id = t.id AND d.status = 'pending'),
                (SELECT count(*) FROM notification_delivery d WHERE d.target_id = t.id AND d.status = 'failed'),
                (SELECT max(d.delivered_at) FROM notification_delivery d WHERE d.target_id = t.id AND d.status = 'delivered'),
                e.last_error, e.last_error_at
         FROM notification_target t
         LEFT JOIN notification_delivery e ON e.id =
             (SELECT d.id FROM notification_delivery d WHERE d.target_id = t.id AND d.last_error_at IS NOT NULL
              ORDER BY d.last_error_at DESC LIMIT 1)
         WHERE t.account_id = ?1 ORDER BY t.name"
    ))
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(TargetStatus {
                target: into_target((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7))?,
                pending: r.8,
                failed: r.9,
                last_delivered_at: r.10,
                last_error: r.11,
                last_error_at: r.12,
            })
        })
        .collect()
}

/// Whether `account` has a target that gets new deliveries.
pub async fn has_enabled_notification_targets(
    db: impl Db,
    account: AccountId,
) -> Result<bool, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM notification_target WHERE account_id = ?1 AND enabled = 1)",
    )
    .bind(account)
    .fetch_one(&mut *conn)
    .await?)
}

/// Enables or disables a target; false when there is no such target. A disabled target gets no
/// new deliveries, and its pending ones wait until it is enabled again.
pub async fn update_notification_target_enabled(
    conn: &mut SqliteConnection,
    account: AccountId,
    id: TargetId,
    enabled: bool,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE notification_target SET enabled = ?3 WHERE account_id = ?1 AND id = ?2",
    )
    .bind(account)
    .bind(id)
    .bind(enabled)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a target with its deliveries; false when there is no such target.
pub async fn delete_notification_target(
    conn: &mut SqliteConnection,
    account: AccountId,
    id: TargetId,
) -> Result<bool, StoreError> {
    // Scoped to the account's target, so another account's target id deletes nothing.
    sqlx::query(
        "DELETE FROM notification_delivery WHERE target_id IN
         (SELECT id FROM notification_target WHERE account_id = ?1 AND id = ?2)",
    )
    .bind(account)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query("DELETE FROM notification_target WHERE account_id = ?1 AND id = ?2")
        .bind(account)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Queues an event for every enabled target of `account` (or only `target`), due at `now`.
/// Returns how many deliveries were queued.
pub async fn insert_deliveries(
    conn: &mut SqliteConnection,
    account: AccountId,
    target: Option<TargetId>,
    event_type: &str,
    event: &str,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut insert = QueryBuilder::new(
        "INSERT INTO notification_delivery (target_id, event_type, event, status, attempts, created_at, next_attempt_at)
         SELECT id, ",
    );
    insert
        .push_bind(event_type)
        .push(", ")
        .push_bind(event)
        .push(", 'pending', 0, ")
        .push_bind(now)
        .push(", ")
        .push_bind(now)
        .push(" FROM notification_target WHERE enabled = 1 AND account_id = ")
        .push_bind(account);
    if let Some(target) = target {
        insert.push(" AND id = ").push_bind(target);
    }
    Ok(insert.build().execute(conn).await?.rows_affected())
}

/// Claims up to `limit` due deliveries of enabled targets, oldest first: each gets one more
/// attempt and is leased until `lease_until` (due again then if its sender never reports back).
/// Call inside a write transaction, so two senders never claim the same row.
pub async fn claim_due_deliveries(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    type Row = (
        DeliveryId,
        String,
        String,
        i64,
        String,
        TargetId,
        String,
        String,
        String,
        Option<String>,
        bool,
        String,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT d.id, d.event_type, d.event, d.attempts, a.name, {TARGET_COLUMNS}
         FROM notification_delivery d
         JOIN notification_target t ON t.id = d.target_id
         JOIN account a ON a.id = t.account_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 AND t.enabled = 1
         ORDER BY d.next_attempt_at, d.id LIMIT ?2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for the whole batch rather than one per row.
    let mut lease = QueryBuilder::<Sqlite>::new(
        "UPDATE notification_delivery SET attempts = attempts + 1, next_attempt_at = ",
    );
    lease
        .push_bind(lease_until)
        .push(", last_attempt_at = ")
        .push_bind(now)
        .push(" WHERE id IN (");
    let mut ids = lease.separated(", ");
    for r in &rows {
        ids.push_bind(r.0);
    }
    lease.push(")");
    lease.build().execute(&mut *conn).await?;
    rows.into_iter()
        .map(|r| {
            Ok(ClaimedDelivery {
                id: r.0,
                event_type: r.1,
                event: r.2,
                attempts: r.3 + 1,
                account_name: r.4,
                target: into_target((r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12))?,
            })
        })
        .collect()
}

/// Records a successful delivery. An earlier error is kept, for the settings page.
pub async fn mark_delivery_delivered(
    db: impl Db,
    id: DeliveryId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query(
        "UPDATE notification_delivery SET status = 'delivered', delivered_at = ?2 WHERE id = ?1",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a failed attempt: due again at `retry_at`, or `failed` for good when `None`.
pub async fn mark_delivery_failed_attempt(
    db: impl Db,
    id: DeliveryId,
    error: &str,
    now: DateTime<Utc>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let mut conn = db.connection().await?;
    sqlx::query(
        "UPDATE notification_delivery
         SET status = CASE WHEN ?4 IS NULL THEN 'failed' ELSE 'pending' END,
             next_attempt_at = coalesce(?4, next_attempt_at), last_error = ?2, last_error_at = ?3
         WHERE id = ?1",
    )
    .bind(id)
    .bind(error)
    .bind(now)
    .bind(retry_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When the next pending delivery of an enabled target is due, if any is.
pub async fn find_next_delivery_due(db: impl Db) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_scalar(
        "SELECT min(d.next_attempt_at) FROM notification_delivery d
         JOIN notification_target t ON t.id = d.target_id
         WHERE d.status = 'pending' AND t.enabled = 1",
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// A bucket whose state an account's part of a scan changed to something the policy does not
/// accept (or could not judge): its name, the state read, and the state before (`None` when the
/// bucket is new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRegression {
    pub bucket: String,
    pub after: EncryptionState,
    pub before: Option<EncryptionState>,
}

/// The present buckets whose current state `part` recorded and which are now non-compliant or
/// unknown, by name, with their state before. Call after the part's completion moved the current
/// states (in the same transaction). Buckets that stayed compliant are filtered out by SQL, so a
/// healthy account's scan reads almost nothing here.
pub async fn list_scan_regressions(
    db: impl Db,
    part: AccountScanId,
) -> Result<Vec<ScanRegression>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<ChangeRow> = sqlx::query_as(&format!(
        "SELECT {CHANGE_COLUMNS}
         FROM encryption_state s JOIN bucket b ON b.id = s.bucket_id AND b.state_id = s.id
         JOIN account a ON a.id = b.account_id
         {PREVIOUS_STATE}
         WHERE s.account_scan_id = ?1 AND b.gone_at IS NULL AND b.compliant IS NOT 1
           AND b.exemption_id IS NULL
         ORDER BY b.name"
    ))
    .bind(part)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let change = into_change(row)?;
            Ok(ScanRegression {
                bucket: change.bucket,
                after: change.after,
                before: change.before,
            })
        })
        .collect()
}

/// The present buckets of the estate's accounts judged compliant, by name, with their account's
/// name: what a new policy may turn non-compliant. Read before the policy's judgements are stored.
pub async fn list_compliant_buckets(
    db: impl Db,
) -> Result<Vec<(BucketId, String, String)>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT b.id, b.name, a.name FROM bucket b JOIN account a ON a.id = b.account_id
         WHERE b.account_id IN {ACTIVE_ACCOUNTS} AND b.gone_at IS NULL AND b.compliant = 1
           AND b.exemption_id IS NULL
         ORDER BY b.name, a.name"
    ))
    .fetch_all(&mut *conn)
    .await?)
}
