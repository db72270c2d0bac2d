//! `BucketView`: the Bucket object of `scan --json` and `/api/v1/buckets`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::domain::EncryptionState;
use crate::store::BucketRecord;

/// One bucket with its current encryption and compliance, as every JSON output shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BucketView {
    pub name: String,
    pub region: String,
    /// `encrypted`, `unencrypted` or `unknown`.
    #[schema(example = "encrypted")]
    pub status: String,
    /// `AES256`, `KMS`, `SM4`, or null when not encrypted.
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    /// The policy judgement; null when the state is unknown.
    pub compliant: Option<bool>,
    /// Why the state is unknown: the OSS error code (or failure kind).
    pub error_code: Option<String>,
    /// When this state was last confirmed, RFC 3339.
    pub scanned_at: Option<String>,
}

impl BucketView {
    /// Builds the view of a stored bucket.
    pub fn from_record(record: &BucketRecord) -> Self {
        let state = StateFields::of(&record.state);
        Self {
            name: record.name.to_string(),
            region: record.region.to_string(),
            status: state.status,
            sse_algorithm: state.sse_algorithm,
            kms_master_key_id: state.kms_master_key_id,
            kms_data_encryption: state.kms_data_encryption,
            compliant: record.compliant,
            error_code: state.error_code,
            scanned_at: record.scanned_at.map(rfc3339),
        }
    }
}

/// An encryption state as every JSON output spells it out, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFields {
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    /// The OSS error code of an unknown state.
    pub error_code: Option<String>,
}

impl StateFields {
    /// The fields of `state`.
    pub fn of(state: &EncryptionState) -> Self {
        let rule = state.rule();
        Self {
            status: state.status().as_str().to_owned(),
            sse_algorithm: rule.map(|r| r.algorithm().as_str().to_owned()),
            kms_master_key_id: rule
                .and_then(|r| r.kms_key_id())
                .map(|k| k.as_str().to_owned()),
            kms_data_encryption: rule
                .and_then(|r| r.kms_data_encryption())
                .map(|d| d.as_str().to_owned()),
            error_code: state.error_code().map(str::to_owned),
        }
    }
}

/// RFC 3339 in UTC with a `Z`, the form every output uses.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The JSON of one encryption state, as the audit log stores `before` and `after`.
pub fn state_json(state: Option<&EncryptionState>) -> serde_json::Value {
    let Some(state) = state else {
        return serde_json::Value::Null;
    };
    let fields = StateFields::of(state);
    serde_json::json!({
        "status": fields.status,
        "sse_algorithm": fields.sse_algorithm,
        "kms_master_key_id": fields.kms_master_key_id,
        "kms_data_encryption": fields.kms_data_encryption,
        "error_code": fields.error_code,
    })
}
