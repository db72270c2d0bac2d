//! Customer keys behind SSE-KMS: what each scan part's DescribeKey said (a new state row only
//! when something changed), which bucket depends on which key, and the key judgement applied on
//! top of the policy's.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, in_accounts};
use crate::domain::{AccountId, AccountScanId, BucketId, KeyCondition, KeyMetadata};

/// What one DescribeKey call (or its refusal) said about one key of one account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    pub region: String,
    /// The key's own id when KMS answered, else the reference the buckets use.
    pub key_id: String,
    /// The alias a bucket names it by.
    pub alias: Option<String>,
    pub condition: KeyCondition,
    pub metadata: Option<KeyMetadata>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub request_id: Option<String>,
}

/// The values whose change makes a new history row (the request id and time do not).
type Comparable = (
    String,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<String>,
);

impl KeyCheck {
    fn comparable(&self) -> Comparable {
        let m = self.metadata.as_ref();
        (
            self.condition.as_str().to_owned(),
            m.and_then(|m| m.delete_date),
            m.map(|m| m.rotation.status.as_str().to_owned()),
            m.map(|m| m.origin.as_str().to_owned()),
            m.and_then(|m| m.material_expire_time),
            m.map(|m| m.protection_level.as_str().to_owned()),
            self.error_code.clone(),
        )
    }
}

/// A key's row after a check: its id, and whether a new state was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedKey {
    pub id: i64,
    pub changed: bool,
}

/// Records `checks` of `account` made by `part`: creates unknown keys, and writes a state row
/// for each key whose state differs from its current one.
pub async fn record_key_checks(
    conn: &mut SqliteConnection,
    account: AccountId,
    part: Option<AccountScanId>,
    checks: &[KeyCheck],
    now: DateTime<Utc>,
) -> Result<Vec<RecordedKey>, StoreError> {
    let mut recorded = Vec::with_capacity(checks.len());
    for check in checks {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO kms_key (account_id, region, key_id, alias, first_seen_at, checked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (account_id, region, key_id)
             DO UPDATE SET checked_at = ?5, alias = coalesce(?4, alias)
             RETURNING id",
        )
        .bind(account)
        .bind(&check.region)
        .bind(&check.key_id)
        .bind(&check.alias)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        let current: Option<StateRow> = sqlx::query_as(&format!(
            "SELECT {STATE_COLUMNS} FROM kms_key k JOIN kms_key_state s ON s.id = k.state_id
             WHERE k.id = ?1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let changed = current.is_none_or(|row| row.comparable() != check.comparable());
        if changed {
            let m = check.metadata.as_ref();
            let state: i64 = sqlx::query_scalar(
                "INSERT INTO kms_key_state (kms_key_id, account_scan_id, observed_at, state, arn,
                     delete_date, rotation, rotation_interval, origin, material_expire_time,
                     protection_level, key_spec, error_code, error_message, request_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 RETURNING id",
            )
            .bind(id)
            .bind(part)
            .bind(now)
            .bind(check.condition.as_str())
            .bind(m.map(|m| m.arn.as_str().to_owned()))
            .bind(m.and_then(|m| m.delete_date))
            .bind(m.map(|m| m.rotation.status.as_str().to_owned()))
            .bind(m.and_then(|m| m.rotation.interval).map(|i| i.to_string()))
            .bind(m.map(|m| m.origin.as_str().to_owned()))
            .bind(m.and_then(|m| m.material_expire_time))
            .bind(m.map(|m| m.protection_level.as_str().to_owned()))
            .bind(m.map(|m| m.key_spec.clone()))
            .bind(&check.error_code)
            .bind(&check.error_message)
            .bind(&check.request_id)
            .fetch_one(&mut *conn)
            .await?;
            sqlx::query("UPDATE kms_key SET state_id = ?2 WHERE id = ?1")
                .bind(id)
                .bind(state)
                .execute(&mut *conn)
                .await?;
        }
        recorded.push(RecordedKey { id, changed });
    }
    Ok(recorded)
}

/// Points each bucket of `account` at the key its rule depends on (`links`: bucket, key row), and
/// every other bucket of the account at none. Rows already right are not written.
pub async fn link_bucket_keys(
    conn: &mut SqliteConnection,
    account: AccountId,
    links: &[(BucketId, i64)],
) -> Result<(), StoreError> {
    let pairs: Vec<String> = links.iter().map(|(b, k)| format!("[{b},{k}]")).collect();
    let json = format!("[{}]", pairs.join(","));
    sqlx::query(
        "UPDATE bucket SET kms_key_id = NULL
         WHERE account_id = ?1 AND kms_key_id IS NOT NULL
           AND id NOT IN (SELECT j.value ->> 0 FROM json_each(?2) AS j)",
    )
    .bind(account)
    .bind(&json)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE bucket SET kms_key_id = j.value ->> 1 FROM json_each(?1) AS j
         WHERE bucket.id = j.value ->> 0 AND bucket.kms_key_id IS NOT (j.value ->> 1)",
    )
    .bind(&json)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Applies the key judgement over the policy's to the present buckets (of one bucket when given):
/// a bucket whose key is unusable is non-compliant, one whose key KMS could not describe is
/// unknown. Called after anything that stores policy judgements.
pub async fn apply_key_judgements(
    conn: &mut SqliteConnection,
    bucket: Option<BucketId>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE bucket SET compliant = CASE
             (SELECT s.state FROM kms_key k JOIN kms_key_state s ON s.id = k.state_id
              WHERE k.id = bucket.kms_key_id)
             WHEN 'Enabled' THEN compliant WHEN 'unknown' THEN NULL ELSE 0 END
         WHERE kms_key_id IS NOT NULL AND gone_at IS NULL AND (?1 IS NULL OR id = ?1)",
    )
    .bind(bucket)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Detaches `bucket` from its key when its rule no longer names it (after a change's re-read).
pub async fn unlink_bucket_key_unless(
    conn: &mut SqliteConnection,
    bucket: BucketId,
    key_reference: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE bucket SET kms_key_id = NULL WHERE id = ?1 AND kms_key_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM kms_key k WHERE k.id = bucket.kms_key_id
                           AND (k.key_id = ?2 OR k.alias = ?2))",
    )
    .bind(bucket)
    .bind(key_reference)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const STATE_COLUMNS: &str = "s.state, s.arn, s.delete_date, s.rotation, s.rotation_interval,
    s.origin, s.material_expire_time, s.protection_level, s.key_spec, s.error_code,
    s.error_message, s.request_id, s.observed_at";

/// One stored state of a key.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StateRow {
    pub state: String,
    pub arn: Option<String>,
    pub delete_date: Option<DateTime<Utc>>,
    pub rotation: Option<String>,
    pub rotation_interval: Option<String>,
    pub origin: Option<String>,
    pub material_expire_time: Option<DateTime<Utc>>,
    pub protection_level: Option<String>,
    pub key_spec: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub request_id: Option<String>,
    pub observed_at: DateTime<Utc>,
}

impl StateRow {
    fn comparable(&self) -> Comparable {
        (
            self.state.clone(),
            self.delete_date,
            self.rotation.clone(),
            self.origin.clone(),
            self.material_expire_time,
            self.protection_level.clone(),
            self.error_code.clone(),
        )
    }

    /// The state as a domain value.
    pub fn condition(&self) -> KeyCondition {
        KeyCondition::parse(&self.state)
    }
}

/// A key as the key pages show it: where it lives, its current state, and how many present buckets
/// depend on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub id: i64,
    pub account: String,
    pub region: String,
    pub key_id: String,
    pub alias: Option<String>,
    pub checked_at: DateTime<Utc>,
    pub buckets: i64,
    pub state: StateRow,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: i64,
    account: String,
    region: String,
    key_id: String,
    alias: Option<String>,
    checked_at: DateTime<Utc>,
    buckets: i64,
    #[sqlx(flatten)]
    state: StateRow,
}

const KEY_SELECT: &str = "SELECT k.id, a.name AS account, k.region, k.key_id, k.alias, k.checked_at,
        (SELECT count(*) FROM bucket b WHERE b.kms_key_id = k.id AND b.gone_at IS NULL) AS buckets,
        s.state, s.arn, s.delete_date, s.rotation, s.rotation_interval, s.origin,
        s.material_expire_time, s.protection_level, s.key_spec, s.error_code, s.error_message,
        s.request_id, s.observed_at
     FROM kms_key k JOIN account a ON a.id = k.account_id JOIN kms_key_state s ON s.id = k.state_id";

fn into_record(row: KeyRow) -> KeyRecord {
    KeyRecord {
        id: row.id,
        account: row.account,
        region: row.region,
        key_id: row.key_id,
        alias: row.alias,
        checked_at: row.checked_at,
        buckets: row.buckets,
        state: row.state,
    }
}

/// Every key of `account` (of every account in the estate when `None`): unusable ones first, then
/// unknown, then by account, region and id.
pub async fn list_kms_keys(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<KeyRecord>, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<KeyRow> = sqlx::query_as(&format!(
        "{KEY_SELECT} WHERE {}
         ORDER BY CASE s.state WHEN 'Enabled' THEN 2 WHEN 'unknown' THEN 1 ELSE 0 END,
                  a.name, k.region, k.key_id",
        in_accounts("k.account_id", account)
    ))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(into_record).collect())
}

/// The key `id` (or an id, alias or reference the buckets use), with its history (newest first)
/// and the present buckets that depend on it (account, name).
pub async fn find_kms_key(
    db: impl Db,
    reference: &str,
) -> Result<Option<(KeyRecord, Vec<StateRow>, Vec<(String, String)>)>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<KeyRow> = sqlx::query_as(&format!(
        "{KEY_SELECT} WHERE k.account_id IN (SELECT id FROM account WHERE removed_at IS NULL)
           AND (k.key_id = ?1 OR k.alias = ?1 OR CAST(k.id AS TEXT) = ?1)
         ORDER BY k.id LIMIT 1"
    ))
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let history: Vec<StateRow> = sqlx::query_as(&format!(
        "SELECT {STATE_COLUMNS} FROM kms_key_state s WHERE s.kms_key_id = ?1 ORDER BY s.id DESC"
    ))
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let buckets: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.name, b.name FROM bucket b JOIN account a ON a.id = b.account_id
         WHERE b.kms_key_id = ?1 AND b.gone_at IS NULL ORDER BY b.name",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some((into_record(row), history, buckets)))
}

/// A present bucket whose key is unusable: the critical findings, soonest deletion first.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyFinding {
    pub account: String,
    pub bucket: String,
    pub region: String,
    pub key_id: String,
    pub state: String,
    pub delete_date: Option<DateTime<Utc>>,
}

/// Every present bucket whose key is disabled, pending deletion, waiting for material or gone.
pub async fn list_key_findings(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<Vec<KeyFinding>, StoreError> {
    let mut conn = db.connection().await?;
    Ok(sqlx::query_as(&format!(
        "SELECT a.name AS account, b.name AS bucket, b.region, k.key_id, s.state, s.delete_date
         FROM bucket b JOIN account a ON a.id = b.account_id
         JOIN kms_key k ON k.id = b.kms_key_id JOIN kms_key_state s ON s.id = k.state_id
         WHERE {} AND b.gone_at IS NULL AND s.state NOT IN ('Enabled', 'unknown')
         ORDER BY s.delete_date IS NULL, s.delete_date, a.name, b.name",
        in_accounts("b.account_id", account)
    ))
    .fetch_all(&mut *conn)
    .await?)
}
