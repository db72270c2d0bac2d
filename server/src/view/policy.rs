//! The JSON of a policy, as the audit log stores a `set-policy` entry's before and after.

use serde_json::{Value, json};

use crate::domain::Policy;

/// `{"requirement", "allowed_kms_keys", "remediation_target": {"sse_algorithm",
/// "kms_master_key_id", "kms_data_encryption"}}`: the shape of `GET /api/v1/policy`, so an auditor
/// reads a logged policy the way the API shows it.
pub fn policy_json(policy: &Policy) -> Value {
    let target = &policy.remediation_target;
    json!({
        "requirement": policy.requirement.as_str(),
        "allowed_kms_keys": policy.requirement.allowed_keys().iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "remediation_target": {
            "sse_algorithm": target.algorithm().as_str(),
            "kms_master_key_id": target.kms_key_id().map(|k| k.as_str()),
            "kms_data_encryption": target.kms_data_encryption().map(|d| d.as_str()),
        },
    })
}
