//! `policy`: what compliant means for an account, and the remediation target.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Db, StoreError, parse_column};
use crate::domain::{
    AccountId, EncryptionRule, KmsDataEncryption, KmsKeyId, Policy, Requirement, SseAlgorithm,
};

type PolicyRow = (String, String, String, Option<String>, Option<String>);

/// The policy in force: the account's, or the default when none was ever set.
pub async fn current_policy(db: impl Db, account: AccountId) -> Result<Policy, StoreError> {
    Ok(find_policy(db, account).await?.unwrap_or_default())
}

/// The account's policy, `None` when none was ever set (the default applies).
pub async fn find_policy(db: impl Db, account: AccountId) -> Result<Option<Policy>, StoreError> {
    let mut conn = db.connection().await?;
    let row: Option<PolicyRow> = sqlx::query_as(
        "SELECT requirement, allowed_kms_keys, target_sse_algorithm, target_kms_master_key_id,
                target_kms_data_encryption FROM policy WHERE account_id = ?1",
    )
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((requirement, allowed, algorithm, key, data)) = row else {
        return Ok(None);
    };
    policy_from_columns(&requirement, &allowed, &algorithm, key, data).map(Some)
}

/// A policy (or a rule's requirement and target) from its stored columns.
pub(super) fn policy_from_columns(
    requirement: &str,
    allowed: &str,
    algorithm: &str,
    key: Option<String>,
    data: Option<String>,
) -> Result<Policy, StoreError> {
    let allowed: Vec<String> = serde_json::from_str(allowed)
        .map_err(|e| StoreError::Corrupt(format!("allowed_kms_keys: {e}")))?;
    let allowed = allowed
        .iter()
        .map(|k| parse_column("allowed_kms_keys", k, KmsKeyId::parse))
        .collect::<Result<_, _>>()?;
    let requirement = parse_column("requirement", requirement, |r| {
        Requirement::parse(r, allowed)
    })?;
    let algorithm = parse_column("target_sse_algorithm", algorithm, SseAlgorithm::parse)?;
    let key = key
        .map(|k| parse_column("target_kms_master_key_id", &k, KmsKeyId::parse))
        .transpose()?;
    let data = data
        .map(|d| parse_column("target_kms_data_encryption", &d, KmsDataEncryption::parse))
        .transpose()?;
    let target = EncryptionRule::from_parts(algorithm, key, data)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Policy {
        requirement,
        remediation_target: target,
    })
}

/// The allowed keys of `policy` as the JSON array stored with it.
pub(super) fn allowed_keys_json(policy: &Policy) -> String {
    let allowed: Vec<&str> = policy
        .requirement
        .allowed_keys()
        .iter()
        .map(KmsKeyId::as_str)
        .collect();
    serde_json::to_string(&allowed).unwrap_or_else(|_| "[]".to_owned())
}

/// Stores the account's policy.
pub async fn put_policy(
    conn: &mut SqliteConnection,
    account: AccountId,
    policy: &Policy,
    updated_by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let target = &policy.remediation_target;
    sqlx::query(
        "INSERT INTO policy (account_id, requirement, allowed_kms_keys, target_sse_algorithm,
             target_kms_master_key_id, target_kms_data_encryption, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (account_id) DO UPDATE SET requirement = excluded.requirement,
             allowed_kms_keys = excluded.allowed_kms_keys, target_sse_algorithm = excluded.target_sse_algorithm,
             target_kms_master_key_id = excluded.target_kms_master_key_id,
             target_kms_data_encryption = excluded.target_kms_data_encryption,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(account)
    .bind(policy.requirement.as_str())
    .bind(allowed_keys_json(policy))
    .bind(target.algorithm().as_str())
    .bind(target.kms_key_id().map(KmsKeyId::as_str))
    .bind(target.kms_data_encryption().map(KmsDataEncryption::as_str))
    .bind(now)
    .bind(updated_by)
    .execute(conn)
    .await?;
    Ok(())
}
