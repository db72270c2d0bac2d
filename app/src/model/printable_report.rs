//! The printable audit report: what the self-contained HTML of one stored report shows, filled by
//! the server from the report's JSON document (whose field docs are the reference).

/// One stored report, as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintableReport {
    pub report_id: i64,
    /// The OSS account's name in oss-audit.
    pub account: String,
    /// RFC 3339.
    pub created_at: String,
    /// `schedule`, `dashboard`, `api`, `cli` or `demo`.
    pub trigger: String,
    /// `schedule`, `user:NAME`, `token:NAME` or `cli:USER`.
    pub created_by: String,
    /// Hex SHA-256 of this report's JSON.
    pub digest: String,
    /// The previous report's id and digest; `None` for the first report of the chain.
    pub previous: Option<(i64, String)>,
    /// The start of the report's window; `None` for the first report (all history).
    pub period_from: Option<String>,
    pub period_to: String,
    pub policy: ReportPolicy,
    pub totals: ReportTotals,
    /// Per control auditors name: buckets passing, failing, exempt, unknown.
    pub controls: Vec<super::ControlRow>,
    pub scans: Vec<ReportScan>,
    pub buckets: Vec<ReportBucket>,
    /// Encryption states recorded in the window.
    pub encryption_changes: Vec<ReportStateChange>,
    /// Changes made through oss-audit in the window.
    pub actions: Vec<ReportAction>,
}

/// The policy in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportPolicy {
    /// `any`, `kms`, `kms-cmk` or `sm4`.
    pub requirement: String,
    pub allowed_kms_keys: Vec<String>,
    /// What one-click remediation sets.
    pub remediation_target: ReportRule,
    /// When and by whom the policy was set; `None` when the default applies.
    pub set: Option<(String, String)>,
}

/// A default encryption rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportRule {
    /// `AES256`, `KMS` or `SM4`.
    pub sse_algorithm: String,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
}

/// Counts over the report's buckets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportTotals {
    pub buckets: u64,
    pub encrypted: u64,
    pub unencrypted: u64,
    pub unknown: u64,
    pub compliant: u64,
    pub noncompliant: u64,
}

/// A completed scan the report covers; counts are `None` when the scan did not record them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportScan {
    pub id: i64,
    pub trigger: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub buckets: i64,
    pub compliant: Option<i64>,
    pub noncompliant: Option<i64>,
    pub unknown: Option<i64>,
    pub changes: Option<i64>,
}

/// One bucket's state when the report was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportBucket {
    pub name: String,
    pub region: String,
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    /// The policy's judgement; `None` when the state is unknown.
    pub compliant: Option<bool>,
    /// Why the state is unknown.
    pub error_code: Option<String>,
    /// The exemption as written in the report (JSON), when there is one.
    pub exemption: Option<String>,
    pub state_since: String,
    pub last_change: Option<ReportLastChange>,
}

/// The last change made to a bucket through oss-audit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportLastChange {
    pub at: String,
    pub actor: String,
    pub action: String,
}

/// A bucket's encryption as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportState {
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub error_code: Option<String>,
}

/// One recorded change of a bucket's encryption.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportStateChange {
    pub at: String,
    pub bucket: String,
    /// The scan that saw it; `None` for the re-read after a change.
    pub scan_id: Option<i64>,
    /// `None` when the bucket was seen for the first time.
    pub before: Option<ReportState>,
    pub after: ReportState,
}

/// One change asked for through oss-audit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportAction {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub bucket: Option<String>,
    /// `ok`, or the OSS error code / failure kind.
    pub outcome: String,
    pub detail: Option<String>,
    pub request_id: Option<String>,
}
