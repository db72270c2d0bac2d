//! `ExemptionView`: an exemption as the API, the CLI's `--json` and the audit log show it, and
//! the short form a report gives each exempt bucket.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rfc3339;
use crate::store::ExemptionRecord;

/// An exemption: which buckets, why, until when, and who asked and approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExemptionView {
    pub id: i64,
    /// A bucket name, or a name pattern with `*` wildcards.
    #[schema(example = "cdn-*")]
    pub buckets: String,
    /// The account it is limited to; null: every account.
    pub account: Option<String>,
    /// The region it is limited to; null: every region.
    pub region: Option<String>,
    pub reason: String,
    /// RFC 3339.
    pub expires_at: String,
    /// `requested`, `approved`, `revoked` or `expired`.
    #[schema(example = "approved")]
    pub status: String,
    /// `user:NAME`, `token:NAME` or `cli:USER`.
    pub requested_by: String,
    pub requested_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<String>,
    pub expired_at: Option<String>,
    /// Present buckets judged `exempt` because of it now.
    pub exempt_buckets: i64,
}

impl ExemptionView {
    pub fn new(record: &ExemptionRecord) -> Self {
        Self {
            id: record.id.get(),
            buckets: record.pattern.to_string(),
            account: record.account.as_ref().map(ToString::to_string),
            region: record.region.as_ref().map(ToString::to_string),
            reason: record.reason.to_string(),
            expires_at: rfc3339(record.expires_at),
            status: record.status.as_str().to_owned(),
            requested_by: record.requested_by.clone(),
            requested_at: rfc3339(record.requested_at),
            approved_by: record.approved_by.clone(),
            approved_at: record.approved_at.map(rfc3339),
            revoked_by: record.revoked_by.clone(),
            revoked_at: record.revoked_at.map(rfc3339),
            expired_at: record.expired_at.map(rfc3339),
            exempt_buckets: record.buckets,
        }
    }
}

/// What a report says of an exempt bucket's exemption (the report schema's `exemption` field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExemptionNote {
    pub id: i64,
    /// The bucket name or pattern the exemption names.
    pub buckets: String,
    pub reason: String,
    pub requested_by: String,
    pub approved_by: String,
    /// RFC 3339.
    pub expires_at: String,
}
