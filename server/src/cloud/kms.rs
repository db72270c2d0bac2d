//! KMS DescribeKey: a customer master key's state, deletion date, rotation, origin and
//! protection, asked in the key's region with the credentials of the account that owns it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use url::Url;

use super::rpc::{Api, Reply, RpcClient, RpcError, parse_json};
use crate::domain::{
    KeyMetadata, KeyOrigin, KeyRotation, KmsKeyArn, KmsKeyId, KmsKeyState, ProtectionLevel, Region,
    RotationInterval, RotationStatus,
};
use crate::oss::{ClientConfig, CredentialsProvider};

const API: Api = Api {
    product: "Kms",
    version: "2016-01-20",
};
const ACTION: &str = "DescribeKey";

/// KMS's refusals a caller acts on, from its public error codes (KMS API reference, "Public error
/// codes", https://www.alibabacloud.com/help/doc-detail/69008.html, and DescribeKey's own page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KmsRefusal {
    /// 404 `Forbidden.KeyNotFound`: no such key in this account and region (or deleted).
    KeyNotFound,
    /// 404 `Forbidden.AliasNotFound`: no such alias in this account and region.
    AliasNotFound,
    /// 403 `Forbidden.NoPermission` (or the gateway's `NoPermission`): the caller's RAM policy
    /// lacks `kms:DescribeKey`.
    NoPermission,
    /// 403 `Forbidden.KmsServiceNotEnabled` ("Kms service is not Enabled for current user"): KMS
    /// was never activated for the account.
    NotActivated,
}

impl KmsRefusal {
    /// The refusal KMS itself answered with; `None` for every other failure (including an
    /// assumed role STS would not grant, whose `NoPermission` is about STS, not KMS).
    pub fn of(err: &RpcError) -> Option<Self> {
        let service = err.service().filter(|e| e.product == API.product)?;
        match service.code.as_str() {
            "Forbidden.KeyNotFound" => Some(Self::KeyNotFound),
            "Forbidden.AliasNotFound" => Some(Self::AliasNotFound),
            "Forbidden.NoPermission" | "NoPermission" => Some(Self::NoPermission),
            "Forbidden.KmsServiceNotEnabled" => Some(Self::NotActivated),
            _ => None,
        }
    }

    /// Whether the key is missing (rather than KMS unable to say).
    pub fn is_not_found(self) -> bool {
        matches!(self, Self::KeyNotFound | Self::AliasNotFound)
    }
}

/// DescribeKey's answer: the key's metadata and the request id that produced it (kept as
/// evidence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribedKey {
    pub metadata: KeyMetadata,
    pub request_id: String,
}

/// The KMS endpoint of a region, `kms.<region>.aliyuncs.com`, with `scheme` (`https` but through
/// the sandbox's proxy).
pub fn kms_endpoint(region: &Region, scheme: &str) -> Url {
    Url::parse(&format!("{scheme}://kms.{region}.aliyuncs.com"))
        .unwrap_or_else(|_| unreachable!("a region id makes a valid host name"))
}

/// A client of KMS in one region, signing with one account's keys.
#[derive(Debug, Clone)]
pub struct KmsClient {
    rpc: RpcClient,
    region: Region,
}

impl KmsClient {
    /// KMS in `region` (on the scheme of `config.endpoint`), reached and retried as the OSS client
    /// of `config` is, signing with the keys `credentials` hands out (the same provider the
    /// account's OSS client uses, so assumed-role keys work).
    pub fn new(
        region: Region,
        config: &ClientConfig,
        credentials: Arc<dyn CredentialsProvider>,
    ) -> Result<Self, RpcError> {
        let endpoint = kms_endpoint(&region, config.endpoint.scheme());
        Self::at(endpoint, region, config, credentials)
    }

    /// KMS of `region` at an explicit `endpoint` (a VPC endpoint, a test stand-in).
    pub fn at(
        endpoint: Url,
        region: Region,
        config: &ClientConfig,
        credentials: Arc<dyn CredentialsProvider>,
    ) -> Result<Self, RpcError> {
        Ok(Self {
            rpc: RpcClient::with_credentials(API, endpoint, config, credentials)?,
            region,
        })
    }

    /// The region whose keys this client describes.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Url {
        self.rpc.endpoint()
    }

    /// Calls DescribeKey for a key id, alias (`alias/…`) or ARN; the answer names the key by its
    /// own id. Refusals keep KMS's code and request id ([`KmsRefusal::of`] names the ones to act
    /// on); throttling is retried.
    pub async fn describe_key(&self, key: &KmsKeyId) -> Result<DescribedKey, RpcError> {
        let reply = self
            .rpc
            .send(ACTION, &[("KeyId", key.as_str().to_owned())])
            .await?;
        parse_describe_key(&self.region, &reply)
    }
}

/// The answer's JSON. Optional fields may be absent, `null` or `""`: all three mean "not set".
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    request_id: String,
    key_metadata: WireKey,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireKey {
    key_id: String,
    arn: String,
    key_state: String,
    key_spec: String,
    key_usage: String,
    origin: String,
    protection_level: String,
    creation_date: String,
    delete_date: Option<String>,
    material_expire_time: Option<String>,
    automatic_rotation: Option<String>,
    rotation_interval: Option<String>,
    next_rotation_date: Option<String>,
    last_rotation_date: Option<String>,
    deletion_protection: Option<String>,
}

/// Turns a 2xx DescribeKey answer into a [`DescribedKey`], or `Malformed` naming the first field
/// that is missing or does not parse. Never a partly filled key.
pub(crate) fn parse_describe_key(region: &Region, reply: &Reply) -> Result<DescribedKey, RpcError> {
    let answer: Answer = parse_json(API.product, ACTION, reply)?;
    let malformed = |detail: String| RpcError::Malformed {
        product: API.product,
        action: ACTION,
        status: reply.status,
        request_id: Some(answer.request_id.clone()),
        detail,
    };
    let bad = |field: &str, why: &dyn std::fmt::Display| malformed(format!("{field}: {why}"));
    let k = &answer.key_metadata;
    let key_id = KmsKeyId::parse(&k.key_id).map_err(|e| bad("KeyId", &e))?;
    let arn = KmsKeyArn::parse(&k.arn).map_err(|e| bad("Arn", &e))?;
    if arn.key_id() != &key_id {
        return Err(malformed(format!(
            "Arn {arn} names another key than KeyId {key_id}"
        )));
    }
    if arn.region() != region {
        return Err(malformed(format!(
            "KMS in {region} described a key of region {}",
            arn.region()
        )));
    }
    let required = |field: &str, value: &str| -> Result<String, RpcError> {
        if value.trim().is_empty() {
            Err(bad(field, &"missing"))
        } else {
            Ok(value.to_owned())
        }
    };
    let time = |field: &str, value: Option<&String>| -> Result<Option<DateTime<Utc>>, RpcError> {
        match value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(raw) => DateTime::parse_from_rfc3339(raw)
                .map(|t| Some(t.to_utc()))
                .map_err(|_| bad(field, &format!("{raw:?} is not a UTC time"))),
        }
    };
    let rotation_interval = match k.rotation_interval.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(RotationInterval::parse(raw).map_err(|e| bad("RotationInterval", &e))?),
    };
    let deletion_protection = match k.deletion_protection.as_deref().unwrap_or_default() {
        "Enabled" => true,
        "Disabled" | "" => false,
        other => return Err(bad("DeletionProtection", &format!("{other:?}"))),
    };
    let metadata = KeyMetadata {
        state: KmsKeyState::parse(&k.key_state).map_err(|e| bad("KeyState", &e))?,
        delete_date: time("DeleteDate", k.delete_date.as_ref())?,
        key_spec: required("KeySpec", &k.key_spec)?,
        key_usage: required("KeyUsage", &k.key_usage)?,
        origin: KeyOrigin::parse(&k.origin).map_err(|e| bad("Origin", &e))?,
        material_expire_time: time("MaterialExpireTime", k.material_expire_time.as_ref())?,
        protection_level: ProtectionLevel::parse(&k.protection_level)
            .map_err(|e| bad("ProtectionLevel", &e))?,
        rotation: KeyRotation {
            status: RotationStatus::parse(k.automatic_rotation.as_deref().unwrap_or_default()),
            interval: rotation_interval,
            next: time("NextRotationDate", k.next_rotation_date.as_ref())?,
            last: time("LastRotationDate", k.last_rotation_date.as_ref())?,
        },
        deletion_protection,
        creation_date: time("CreationDate", Some(&k.creation_date))?
            .ok_or_else(|| bad("CreationDate", &"missing"))?,
        key_id,
        arn,
    };
    Ok(DescribedKey {
        metadata,
        request_id: answer.request_id,
    })
}

#[cfg(test)]
#[path = "kms_tests.rs"]
mod tests;
