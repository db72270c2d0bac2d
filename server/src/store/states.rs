//! `encryption_state`: each bucket's encryption, stored as changes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, SqliteConnection};

use super::{Db, StoreError, parse_column};
use crate::domain::{
    AccountId, AccountScanId, BucketId, EncryptionRule, EncryptionState, KmsDataEncryption,
    KmsKeyId, ScanId, SseAlgorithm, StateId,
};

/// One read of a bucket's encryption, to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub bucket: BucketId,
    pub state: EncryptionState,
    pub request_id: Option<String>,
    pub observed_at: DateTime<Utc>,
}

impl Observation {
    /// What was read of `bucket` just now.
    pub fn now(bucket: BucketId, state: EncryptionState, request_id: Option<String>) -> Self {
        Self {
            bucket,
            state,
            request_id,
            observed_at: Utc::now(),
        }
    }
}

/// A recorded state of a bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRecord {
    pub id: StateId,
    pub bucket_id: BucketId,
    /// The scan that read it (the scan as a whole, as the scans list shows it); `None` for a
    /// re-read after a change.
    pub scan_id: Option<ScanId>,
    pub observed_at: DateTime<Utc>,
    pub state: EncryptionState,
    pub request_id: Option<String>,
}

/// The columns of a state row, as [`STATE_COLUMNS`] selects them.
#[derive(sqlx::FromRow)]
pub(super) struct StateRow {
    id: StateId,
    bucket_id: BucketId,
    scan_id: Option<ScanId>,
    observed_at: DateTime<Utc>,
    #[sqlx(flatten)]
    state: StateColumns,
    request_id: Option<String>,
}

/// The columns that hold one encryption state, wherever a row selects them.
#[derive(sqlx::FromRow)]
pub(super) struct StateColumns {
    status: String,
    sse_algorithm: Option<String>,
    kms_master_key_id: Option<String>,
    kms_data_encryption: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
}

impl StateColumns {
    /// The state these columns hold.
    pub(super) fn state(&self) -> Result<EncryptionState, StoreError> {
        state_from_columns(
            &self.status,
            self.sse_algorithm.as_deref(),
            self.kms_master_key_id.as_deref(),
            self.kms_data_encryption.as_deref(),
            self.error_code.as_deref(),
            self.error_message.as_deref(),
        )
    }
}

/// The columns of [`StateRow`], from `encryption_state s`.
pub(super) const STATE_COLUMNS: &str = "s.id, s.bucket_id, \
     (SELECT p.scan_id FROM account_scan p WHERE p.id = s.account_scan_id) AS scan_id, \
     s.observed_at, s.status, s.sse_algorithm, s.kms_master_key_id, s.kms_data_encryption, \
     s.error_code, s.error_message, s.request_id";

/// Parses stored rows.
pub(super) fn records(rows: Vec<StateRow>) -> Result<Vec<StateRecord>, StoreError> {
    rows.into_iter().map(StateRecord::try_from).collect()
}

/// Rebuilds a domain state from its columns.
pub(super) fn state_from_columns(
    status: &str,
    sse_algorithm: Option<&str>,
    kms_master_key_id: Option<&str>,
    kms_data_encryption: Option<&str>,
    error_code: Option<&str>,
    error_message: Option<&str>,
) -> Result<EncryptionState, StoreError> {
    match status {
        "unencrypted" => Ok(EncryptionState::Unencrypted),
        "unknown" => Ok(EncryptionState::Unknown {
            code: error_code.unwrap_or("Unknown").to_owned(),
            message: error_message.unwrap_or_default().to_owned(),
        }),
        "encrypted" => {
            let algorithm = parse_column(
                "sse_algorithm",
                sse_algorithm.unwrap_or_default(),
                SseAlgorithm::parse,
            )?;
            let key = kms_master_key_id
                .map(|k| parse_column("kms_master_key_id", k, KmsKeyId::parse))
                .transpose()?;
            let data = kms_data_encryption
                .map(|d| parse_column("kms_data_encryption", d, KmsDataEncryption::parse))
                .transpose()?;
            let rule = EncryptionRule::from_parts(algorithm, key, data)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(EncryptionState::Encrypted(rule))
        }
        other => Err(StoreError::Corrupt(format!("status {other:?}"))),
    }
}

impl TryFrom<StateRow> for StateRecord {
    type Error = StoreError;

    fn try_from(row: StateRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            bucket_id: row.bucket_id,
            scan_id: row.scan_id,
            observed_at: row.observed_at,
            state: row.state.state()?,
            request_id: row.request_id,
        })
    }
}

/// Inserts observations in one multi-row statement (the caller batches and owns the transaction);
/// `part` is the account's part of a scan that read them, `None` for a re-read after a change.
pub async fn insert_observations(
    conn: &mut SqliteConnection,
    part: Option<AccountScanId>,
    observations: &[Observation],
) -> Result<(), StoreError> {
    // 11 parameters a row; SQLite allows 32,766 per statement.
    for chunk in observations.chunks(2000) {
        let mut insert = QueryBuilder::new(
            "INSERT INTO encryption_state (bucket_id, account_scan_id, observed_at, status, sse_algorithm, \
             kms_master_key_id, kms_data_encryption, error_code, error_message, request_id) ",
        );
        insert.push_values(chunk, |mut row, o| {
            let rule = o.state.rule();
            let (code, message) = match &o.state {
                EncryptionState::Unknown { code, message } => {
                    (Some(code.as_str()), Some(message.as_str()))
                }
                _ => (None, None),
            };
            row.push_bind(o.bucket)
                .push_bind(part)
                .push_bind(o.observed_at)
                .push_bind(o.state.status().as_str())
                .push_bind(rule.map(|r| r.algorithm().as_str()))
                .push_bind(
                    rule.and_then(|r| r.kms_key_id())
                        .map(|k| k.as_str().to_owned()),
                )
                .push_bind(
                    rule.and_then(|r| r.kms_data_encryption())
                        .map(|d| d.as_str()),
                )
                .push_bind(code.map(str::to_owned))
                .push_bind(message.map(str::to_owned))
                .push_bind(o.request_id.clone());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The current state of every bucket that has one, of `account` (of every account when `None`).
pub async fn load_current_states(
    db: impl Db,
    account: Option<AccountId>,
) -> Result<HashMap<BucketId, EncryptionState>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        bucket_id: BucketId,
        #[sqlx(flatten)]
        state: StateColumns,
    }
    let mut conn = db.connection().await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.bucket_id, s.status, s.sse_algorithm, s.kms_master_key_id, s.kms_data_encryption,
                s.error_code, s.error_message
         FROM bucket b JOIN encryption_state s ON s.id = b.state_id
         WHERE ?1 IS NULL OR b.account_id = ?1",
    )
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| Ok((row.bucket_id, row.state.state()?)))
        .collect()
}

/// A bucket's recorded states, newest first. Rows of a scan still running are not yet history.
pub async fn list_bucket_history(
    db: impl Db,
    bucket: BucketId,
) -> Result<Vec<StateRecord>, StoreError> {
    super::list_recent_bucket_history(db, bucket, i64::MAX).await
}

/// Records what a re-read after a change found and makes it the bucket's current state at once.
pub async fn record_reread(
    conn: &mut SqliteConnection,
    observation: &Observation,
    compliant: Option<bool>,
) -> Result<StateId, StoreError> {
    insert_observations(&mut *conn, None, std::slice::from_ref(observation)).await?;
    let id: StateId =
        sqlx::query_scalar("SELECT max(id) FROM encryption_state WHERE bucket_id = ?1")
            .bind(observation.bucket)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("UPDATE bucket SET state_id = ?2, compliant = ?3, status = ?4 WHERE id = ?1")
        .bind(observation.bucket)
        .bind(id)
        .bind(compliant)
        .bind(observation.state.status().as_str())
        .execute(conn)
        .await?;
    Ok(id)
}
