//! `BucketView`: the Bucket object of `scan --json` and `/api/v1/buckets`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{EncryptionRule, EncryptionState, KmsDataEncryption, KmsKeyId, SseAlgorithm};
use crate::store::BucketRecord;

/// One bucket with its current encryption and compliance, as every JSON output shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BucketView {
    /// The name of the bucket's account in oss-audit.
    #[schema(example = "payments-prod")]
    pub account: String,
    /// The Alibaba Cloud id of the bucket's account; null until known (the hub's is learnt
    /// from OSS).
    pub account_uid: Option<String>,
    pub name: String,
    pub region: String,
    /// `encrypted`, `unencrypted` or `unknown`.
    #[schema(example = "encrypted")]
    pub status: String,
    /// `AES256`, `KMS`, `SM4`, or null when not encrypted.
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    /// The judgement: `true` or `false` by the policy, null when the state is unknown, and
    /// `"exempt"` while an approved exemption covers the bucket (neither compliant nor
    /// non-compliant).
    pub compliant: Option<Judgement>,
    /// The approved exemption that covers the bucket, when it is `exempt`.
    pub exemption_id: Option<i64>,
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
            account: record.account.to_string(),
            account_uid: record.account_uid.as_ref().map(ToString::to_string),
            name: record.name.to_string(),
            region: record.region.to_string(),
            status: state.status,
            sse_algorithm: state.sse_algorithm,
            kms_master_key_id: state.kms_master_key_id,
            kms_data_encryption: state.kms_data_encryption,
            compliant: Judgement::of(record.compliant, record.exemption.is_some()),
            exemption_id: record.exemption.map(|e| e.get()),
            error_code: state.error_code,
            scanned_at: record.scanned_at.map(rfc3339),
        }
    }
}

/// A bucket's judgement as JSON: `true`, `false`, or `"exempt"` (null, around it, for unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Judgement {
    /// The policy's judgement.
    Judged(bool),
    /// An approved exemption sets the policy's judgement aside.
    Exempt(ExemptWord),
}

/// The word `exempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum ExemptWord {
    #[serde(rename = "exempt")]
    Exempt,
}

impl Judgement {
    /// `exempt` when an exemption covers the bucket, else the policy's judgement (`None` for an
    /// unknown state).
    pub fn of(compliant: Option<bool>, exempt: bool) -> Option<Self> {
        if exempt {
            Some(Self::Exempt(ExemptWord::Exempt))
        } else {
            compliant.map(Self::Judged)
        }
    }

    /// Whether this is `exempt`.
    pub fn is_exempt(self) -> bool {
        matches!(self, Self::Exempt(_))
    }

    /// The policy's judgement, `None` when exempt.
    pub fn judged(self) -> Option<bool> {
        match self {
            Self::Judged(compliant) => Some(compliant),
            Self::Exempt(_) => None,
        }
    }
}

impl std::fmt::Display for Judgement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Judged(compliant) => write!(f, "{compliant}"),
            Self::Exempt(_) => f.write_str("exempt"),
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

/// The encryption state an audit-log `before` or `after` holds (what [`state_json`] wrote), or
/// `None` when it holds none: null, or a shape that is not a state (then nothing is assumed).
pub fn state_from_json(stored: &str) -> Option<EncryptionState> {
    let value: serde_json::Value = serde_json::from_str(stored).ok()?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    match text("status")? {
        "unencrypted" => Some(EncryptionState::Unencrypted),
        "unknown" => Some(EncryptionState::Unknown {
            code: text("error_code").unwrap_or("Unknown").to_owned(),
            message: String::new(),
        }),
        "encrypted" => {
            let algorithm = SseAlgorithm::parse(text("sse_algorithm")?).ok()?;
            let key = match text("kms_master_key_id") {
                Some(key) => Some(KmsKeyId::parse(key).ok()?),
                None => None,
            };
            let data = match text("kms_data_encryption") {
                Some(data) => Some(KmsDataEncryption::parse(data).ok()?),
                None => None,
            };
            EncryptionRule::from_parts(algorithm, key, data)
                .ok()
                .map(EncryptionState::Encrypted)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_the_json_the_audit_log_stores() {
        let key = KmsKeyId::parse("alias/prod").unwrap();
        let states = [
            EncryptionState::Unencrypted,
            EncryptionState::Encrypted(EncryptionRule::Aes256),
            EncryptionState::Encrypted(EncryptionRule::Sm4),
            EncryptionState::Encrypted(
                EncryptionRule::from_parts(SseAlgorithm::Kms, None, None).unwrap(),
            ),
            EncryptionState::Encrypted(
                EncryptionRule::from_parts(
                    SseAlgorithm::Kms,
                    Some(key),
                    Some(KmsDataEncryption::Sm4),
                )
                .unwrap(),
            ),
            EncryptionState::Unknown {
                code: "AccessDenied".into(),
                message: String::new(),
            },
        ];
        for state in states {
            let stored = state_json(Some(&state)).to_string();
            assert_eq!(state_from_json(&stored), Some(state), "{stored}");
        }
    }

    #[test]
    fn nothing_is_assumed_from_json_that_holds_no_state() {
        for stored in [
            "null",
            "",
            "{}",
            r#"{"status":"encrypted","sse_algorithm":"DES"}"#,
            r#"{"status":"encrypted","sse_algorithm":"AES256","kms_master_key_id":"k"}"#,
            r#"{"requirement":"any"}"#,
        ] {
            assert_eq!(state_from_json(stored), None, "{stored}");
        }
    }
}
