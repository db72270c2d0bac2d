//! The report document (schema version 2): the canonical JSON that is stored, digested and
//! downloaded as is; CSV and HTML are rendered from it. Times are RFC 3339 in UTC (`...Z`).
//!
//! Changing a field's meaning or removing one needs a new `schema_version`; old reports keep
//! theirs, and readers of old versions go on parsing them. Version 2 covers the estate: it adds
//! `accounts` (per-account totals) and the account of every bucket, scan part, state change and
//! action; a version 1 document (one account) parses with those empty.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 2;

/// One audit report: the compliance state of every bucket after a completed scan, the policy in
/// force, what changed since the previous report and which scans it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Report)]
pub struct ReportDocument {
    /// 2 for this layout (1: a report of one account, before the estate).
    pub schema_version: u32,
    /// The report's id (its position in the chain).
    pub report_id: i64,
    /// The hub account's name: the account of oss-audit's keys (in version 1, the one account).
    pub account: String,
    /// When the report was made; its window of changes ends here.
    pub created_at: String,
    /// What made it: `schedule`, `dashboard`, `api`, `cli` or `demo`.
    pub trigger: String,
    /// `schedule`, `user:NAME`, `token:NAME` or `cli:USER`.
    pub created_by: String,
    /// The account's previous report, null for the first.
    pub previous_report_id: Option<i64>,
    /// Hex SHA-256 of the previous report's JSON, null for the first: the link of the chain.
    pub previous_digest: Option<String>,
    /// The window of `changes` and `scans`: after the previous report, up to this one.
    pub period: Period,
    pub policy: PolicySection,
    /// Over every account.
    pub totals: Totals,
    /// Every account of the estate with its own totals, by name (empty in version 1).
    #[serde(default)]
    pub accounts: Vec<AccountEntry>,
    /// The scans completed in the window; when none, the last completed scan (whose results the
    /// bucket states are).
    pub scans: Vec<ScanEntry>,
    /// Every present bucket, by name.
    pub buckets: Vec<BucketEntry>,
    pub changes: Changes,
    /// Per control auditors name, the buckets of `buckets` passing, failing, exempt and unknown
    /// (absent from reports made before oss-audit mapped controls).
    #[serde(default)]
    pub controls: Vec<ControlEntry>,
}

/// One control and how the report's buckets stand against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ControlEntry {
    /// `cis-5.8`, `cis-5.9`, `config-sse`, `config-kms` or `mlps-8.1.4.8`.
    pub id: String,
    pub framework: String,
    /// The control's number or rule name, e.g. `5.8`, `oss-default-encryption-kms`.
    pub reference: String,
    pub title: String,
    /// The oss-audit requirement a bucket must meet to pass: `any`, `kms` or `kms-cmk`.
    pub requirement: String,
    pub passing: u64,
    pub failing: u64,
    /// Exempted from the policy: neither passing nor failing.
    pub exempt: u64,
    /// Could not be read.
    pub unknown: u64,
}

/// The time window a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    /// The previous report's `created_at`; null for the first report (all history).
    pub from: Option<String>,
    /// This report's `created_at`.
    pub to: String,
}

/// The policy in force when the report was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicySection {
    /// `any`, `kms`, `kms-cmk` or `sm4`.
    pub requirement: String,
    /// For `kms-cmk`: the allowed CMK ids (empty: any CMK).
    pub allowed_kms_keys: Vec<String>,
    /// The rule one-click remediation applies.
    pub remediation_target: RuleEntry,
    /// When and by whom it was set; null when it never was (the default applies).
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// A default encryption rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RuleEntry {
    /// `AES256`, `KMS` or `SM4`.
    pub sse_algorithm: String,
    pub kms_master_key_id: Option<String>,
    /// `SM4` or null.
    pub kms_data_encryption: Option<String>,
}

/// Counts over `buckets`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Totals {
    pub buckets: u64,
    pub encrypted: u64,
    pub unencrypted: u64,
    /// Could not be read; never counted as compliant or as unencrypted.
    pub unknown: u64,
    pub compliant: u64,
    pub noncompliant: u64,
    /// Covered by an approved exemption: neither compliant nor non-compliant (absent before
    /// exemptions existed).
    #[serde(default)]
    pub exempt: u64,
}

/// One account of the estate and its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountEntry {
    /// The account's name in oss-audit.
    pub name: String,
    /// The Alibaba Cloud account id, when known.
    pub uid: Option<String>,
    /// The role oss-audit assumes to read it; null for the hub.
    pub role_arn: Option<String>,
    /// Over its buckets in `buckets`.
    pub totals: Totals,
}

/// A scan with results (completed, or partial: some accounts' parts failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScanEntry {
    pub id: i64,
    /// `schedule`, `cli`, `api`, `dashboard` or `demo`.
    pub trigger: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub buckets: i64,
    pub encrypted: Option<i64>,
    pub unencrypted: Option<i64>,
    pub unknown: Option<i64>,
    pub compliant: Option<i64>,
    pub noncompliant: Option<i64>,
    /// Buckets whose encryption this scan saw change.
    pub changes: Option<i64>,
    /// `completed` or `partial` (absent in version 1: completed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Each account's part (empty in version 1).
    #[serde(default)]
    pub accounts: Vec<ScanPartEntry>,
}

/// One account's part of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScanPartEntry {
    pub account: String,
    /// `completed`, `failed` or `interrupted`.
    pub status: String,
    pub buckets: i64,
    pub unknown: Option<i64>,
    pub noncompliant: Option<i64>,
    /// Why it failed: the code and request id of the service that refused (e.g. STS's
    /// `NoPermission` for a role that does not trust the hub).
    pub error: Option<String>,
    pub error_code: Option<String>,
    pub request_id: Option<String>,
}

/// One bucket's state when the report was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BucketEntry {
    /// The bucket's account (absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub name: String,
    pub region: String,
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    /// `AES256`, `KMS`, `SM4`, or null when not encrypted.
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    /// `SM4` or null.
    pub kms_data_encryption: Option<String>,
    /// The policy's judgement (`true`, `false`), null when the state is unknown, or `"exempt"`
    /// while an approved exemption covers the bucket.
    pub compliant: Option<crate::view::Judgement>,
    /// Why the state is unknown: the OSS error code (or failure kind).
    pub error_code: Option<String>,
    /// The state of the customer key the rule names (`Enabled`, `Disabled`, `PendingDeletion`,
    /// `NotFound`, `unknown`…); absent without a customer key, and in reports made before keys
    /// were checked. Any state but `Enabled` makes the bucket non-compliant (or unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_state: Option<String>,
    /// The approved exemption that makes the bucket `exempt`: its reason, who requested and who
    /// approved it, and its expiry; null when none covers the bucket.
    pub exemption: Option<crate::view::ExemptionNote>,
    /// When this state was first seen.
    pub state_since: String,
    /// The last successful change made to the bucket through oss-audit, null when none.
    pub last_change: Option<LastChange>,
}

/// A change made through oss-audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LastChange {
    pub at: String,
    /// `user:NAME`, `token:NAME` or `cli:USER`.
    pub actor: String,
    /// `put-encryption`, `delete-encryption` or `remediate`.
    pub action: String,
    /// The OSS request id of the write.
    pub request_id: Option<String>,
}

/// What changed in the report's window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Changes {
    /// Every encryption state recorded: drift seen by scans, and re-reads after changes.
    pub encryption: Vec<StateChange>,
    /// The audit log: every change asked for through oss-audit, with who asked and what OSS said.
    pub actions: Vec<ActionEntry>,
}

/// A bucket's encryption as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StateEntry {
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub error_code: Option<String>,
}

/// One recorded change of a bucket's encryption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StateChange {
    /// The bucket's account (absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub bucket: String,
    pub at: String,
    /// `scan` (drift a scan saw) or `change` (the re-read after a change through oss-audit).
    pub seen_by: String,
    /// The scan that saw it, null for a re-read.
    pub scan_id: Option<i64>,
    /// Null when the bucket was seen for the first time.
    pub before: Option<StateEntry>,
    pub after: StateEntry,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActionEntry {
    pub id: i64,
    /// The account of the bucket or account changed; the hub for estate-wide changes (absent in
    /// version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub at: String,
    /// `user:NAME`, `token:NAME` or `cli:USER`.
    pub actor: String,
    /// `put-encryption`, `delete-encryption`, `remediate` or `set-policy`.
    pub action: String,
    pub bucket: Option<String>,
    /// The state before and after, as re-read from OSS (null when not applicable).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    /// `ok`, or the OSS error code / failure kind.
    pub outcome: String,
    pub detail: Option<String>,
}

impl ReportDocument {
    /// Parses a stored document.
    pub fn parse(content: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(content)
    }
}
