//! `AccountView`: an audited account as `account list --json` and `/api/v1/accounts` show it.

use serde::Serialize;

use super::rfc3339;
use crate::store::{AccountRecord, LastPart};

/// An account of the estate: who it is, how it is reached (never a key: only the role and the
/// ExternalId are stored), and how its last scan went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    #[schema(example = "payments-prod")]
    pub name: String,
    /// The Alibaba Cloud account id; null for the hub until OSS has named it.
    pub uid: Option<String>,
    /// Whether this is the hub: the account of oss-audit's own keys, reached without a role.
    pub hub: bool,
    /// The RAM role assumed to reach it, `acs:ram::<uid>:role/<name>`; null for the hub.
    pub role_arn: Option<String>,
    /// The ExternalId its role's trust policy asks for (not a secret), if any.
    pub external_id: Option<String>,
    /// Its own OSS endpoint; null: the hub's.
    pub endpoint: Option<String>,
    pub created_at: String,
    /// Who added it (`cli:USER`, `user:NAME`, `token:NAME`); null for the hub.
    pub created_by: Option<String>,
    /// When it was removed (no longer scanned, history kept); null while it is audited.
    pub removed_at: Option<String>,
    /// Its part of the latest scan that covered it; null before its first scan.
    pub last_scan: Option<LastScanView>,
}

/// An account's part of its latest scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LastScanView {
    pub scan_id: i64,
    /// running | completed | failed | interrupted
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Why it failed, in full.
    pub error: Option<String>,
    /// The code of the service that refused, e.g. `NoPermission` (STS) or `AccessDenied` (OSS).
    pub error_code: Option<String>,
    /// The request id of that refusal.
    pub request_id: Option<String>,
}

impl AccountView {
    /// The view of `account` with its `last` part.
    pub fn new(account: &AccountRecord, last: Option<&LastPart>) -> Self {
        Self {
            name: account.name.to_string(),
            uid: account.uid.as_ref().map(ToString::to_string),
            hub: account.is_hub(),
            role_arn: account.role_arn.as_ref().map(ToString::to_string),
            external_id: account.external_id.as_ref().map(ToString::to_string),
            endpoint: account.oss_endpoint.clone(),
            created_at: rfc3339(account.created_at),
            created_by: account.created_by.clone(),
            removed_at: account.removed_at.map(rfc3339),
            last_scan: last.map(|p| LastScanView {
                scan_id: p.scan.get(),
                status: p.status.as_str().to_owned(),
                started_at: rfc3339(p.started_at),
                finished_at: p.finished_at.map(rfc3339),
                error: p.error.clone(),
                error_code: p.error_code.clone(),
                request_id: p.request_id.clone(),
            }),
        }
    }
}
