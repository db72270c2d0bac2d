//! The JSON shape of a customer key behind SSE-KMS, as `GET /api/v1/keys` and the key pages show
//! it: where it lives, its state, the warnings it deserves, and how many buckets depend on it.

use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::rfc3339;
use crate::domain::{KeyStanding, key_warnings};
use crate::store::KeyRecord;

/// One customer key of one account and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct KeyView {
    pub account: String,
    #[schema(example = "cn-hangzhou")]
    pub region: String,
    /// The key's id (or, when KMS could not say, the reference the buckets use).
    pub key_id: String,
    /// The alias a bucket names it by.
    pub alias: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `NotFound`, or `unknown` when
    /// KMS could not be asked (see `error_code`).
    pub state: String,
    /// `usable`, `unusable` (a critical finding for every bucket that depends on it) or `unknown`.
    pub standing: String,
    /// For a key pending deletion: until when its data can still be read.
    pub readable_until: Option<String>,
    /// `Enabled`, `Disabled` or `Suspended`.
    pub rotation: Option<String>,
    /// `Aliyun_KMS`, or `EXTERNAL` for BYOK.
    pub origin: Option<String>,
    pub material_expire_time: Option<String>,
    /// `SOFTWARE` or `HSM`.
    pub protection_level: Option<String>,
    /// Rotation off, BYOK material expiring within 30 days.
    pub warnings: Vec<String>,
    /// KMS's code when it refused to describe the key.
    pub error_code: Option<String>,
    /// The request id of KMS's last answer about the key.
    pub request_id: Option<String>,
    pub checked_at: String,
    /// Present buckets whose rule names the key.
    pub buckets: i64,
}

impl KeyView {
    pub fn new(key: &KeyRecord) -> Self {
        let s = &key.state;
        let condition = s.condition();
        let standing = condition.standing();
        let warnings = if standing == KeyStanding::Usable {
            key_warnings(s.rotation.as_deref(), s.material_expire_time, Utc::now())
        } else {
            Vec::new()
        };
        Self {
            account: key.account.clone(),
            region: key.region.clone(),
            key_id: key.key_id.clone(),
            alias: key.alias.clone(),
            state: condition.as_str().to_owned(),
            standing: match standing {
                KeyStanding::Usable => "usable",
                KeyStanding::Unusable => "unusable",
                KeyStanding::Unknown => "unknown",
            }
            .to_owned(),
            readable_until: (s.state == "PendingDeletion")
                .then_some(s.delete_date)
                .flatten()
                .map(rfc3339),
            rotation: s.rotation.clone(),
            origin: s.origin.clone(),
            material_expire_time: s.material_expire_time.map(rfc3339),
            protection_level: s.protection_level.clone(),
            warnings,
            error_code: s.error_code.clone(),
            request_id: s.request_id.clone(),
            checked_at: rfc3339(key.checked_at),
            buckets: key.buckets,
        }
    }
}
