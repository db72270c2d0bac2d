//! KMS DescribeKey: a key of the caller's account in the region of the KMS host, by id, alias or
//! ARN, answered as KMS writes it (empty strings for dates that do not apply).

use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::fault::RpcFault;
use super::{Params, param};
use crate::cloud::rpc::sign::TIMESTAMP_FORMAT;
use crate::domain::{KeyMetadata, Region, RotationStatus};
use crate::sandbox::keys::Caller;
use crate::sandbox::kms::KeyLookupError;
use crate::sandbox::state::SandboxState;

/// The region a KMS host serves: `kms[-vpc].<region>.aliyuncs.com`.
pub(crate) fn region_of(host: &str) -> Option<Region> {
    let labels = host.strip_suffix(".aliyuncs.com")?;
    let (service, region) = labels.split_once('.')?;
    if !matches!(service, "kms" | "kms-vpc") || region.contains('.') {
        return None;
    }
    Region::parse(region).ok().filter(|r| r.as_str() == region)
}

/// Answers DescribeKey as KMS does, refusals included.
pub(crate) fn describe_key(
    state: &SandboxState,
    caller: &Caller,
    host: &str,
    params: &Params,
) -> Result<Value, RpcFault> {
    let reference = param(params, "KeyId")
        .filter(|k| !k.is_empty())
        .ok_or_else(|| RpcFault::missing("KeyId"))?;
    let region = region_of(host).ok_or_else(RpcFault::action_not_found)?;
    let key = state
        .kms
        .describe(&caller.account, &region, reference, state.now())
        .map_err(refusal)?;
    Ok(json!({ "KeyMetadata": metadata(&key) }))
}

/// KMS's public error codes (KMS API reference, "Public error codes").
fn refusal(err: KeyLookupError) -> RpcFault {
    match err {
        KeyLookupError::KeyNotFound => RpcFault::new(
            StatusCode::NOT_FOUND,
            "Forbidden.KeyNotFound",
            "The specified Key is not found.",
        ),
        KeyLookupError::AliasNotFound => RpcFault::new(
            StatusCode::NOT_FOUND,
            "Forbidden.AliasNotFound",
            "The specified Alias is not found.",
        ),
        KeyLookupError::NotActivated => RpcFault::new(
            StatusCode::FORBIDDEN,
            "Forbidden.KmsServiceNotEnabled",
            "Kms service is not Enabled for current user. Please get access permission first.",
        ),
    }
}

fn time(value: Option<DateTime<Utc>>) -> String {
    value
        .map(|t| t.format(TIMESTAMP_FORMAT).to_string())
        .unwrap_or_default()
}

/// The `KeyMetadata` object. Rotation interval and next date appear only while rotation is on or
/// suspended, as KMS prints them.
fn metadata(key: &KeyMetadata) -> Value {
    let mut document = json!({
        "KeyId": key.key_id.as_str(),
        "Arn": key.arn.as_str(),
        "KeyState": key.state.as_str(),
        "KeySpec": key.key_spec,
        "KeyUsage": key.key_usage,
        "Origin": key.origin.as_str(),
        "ProtectionLevel": key.protection_level.as_str(),
        "CreationDate": time(Some(key.creation_date)),
        "Creator": key.arn.account().as_str(),
        "Description": "",
        "DeleteDate": time(key.delete_date),
        "MaterialExpireTime": time(key.material_expire_time),
        "AutomaticRotation": key.rotation.status.as_str(),
        "LastRotationDate": time(key.rotation.last),
        "DeletionProtection": if key.deletion_protection { "Enabled" } else { "Disabled" },
    });
    if matches!(
        key.rotation.status,
        RotationStatus::Enabled | RotationStatus::Suspended
    ) {
        document["RotationInterval"] = json!(key.rotation.interval.map(|i| i.to_string()));
        document["NextRotationDate"] = json!(time(key.rotation.next));
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kms_hosts_name_their_region() {
        assert_eq!(
            region_of("kms.cn-hangzhou.aliyuncs.com").map(|r| r.to_string()),
            Some("cn-hangzhou".into())
        );
        assert!(region_of("kms-vpc.eu-central-1.aliyuncs.com").is_some());
        for other in [
            "kms.aliyuncs.com",
            "kms.oss-cn-hangzhou.aliyuncs.com",
            "sts.cn-hangzhou.aliyuncs.com",
            "a.kms.cn-hangzhou.aliyuncs.com",
        ] {
            assert_eq!(region_of(other), None, "{other}");
        }
    }
}
