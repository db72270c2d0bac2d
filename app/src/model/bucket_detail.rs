//! One bucket: its current encryption, its history, its audit-log entries and the change form.

/// Everything the bucket page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketDetailModel {
    pub name: String,
    /// The account holding it.
    pub account: String,
    /// Whether the user is operator on that account (the change forms are shown).
    pub may_change: bool,
    pub region: String,
    pub extranet_endpoint: String,
    pub intranet_endpoint: String,
    /// When OSS says the bucket was created (RFC 3339).
    pub created_at: Option<String>,
    pub first_seen_at: String,
    /// When a scan stopped listing it; a gone bucket cannot be changed.
    pub gone_at: Option<String>,
    /// `None` before the first scan that read it.
    pub current: Option<CurrentEncryption>,
    /// Recorded states, newest first.
    pub history: Vec<HistoryRow>,
    /// Whether older states exist than those shown.
    pub history_truncated: bool,
    /// Audit-log entries about this bucket, newest first.
    pub changes: Vec<AuditRow>,
    /// The change form's values and messages.
    pub form: EncryptionForm,
    /// Exemptions naming this bucket (any status), newest first.
    pub exemptions: Vec<super::ExemptionRow>,
}

/// The current encryption, as the last read recorded it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrentEncryption {
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub compliant: Option<bool>,
    /// Which policy rule judged it and why, e.g. `rule 1 of 3 (tag data-class=confidential):
    /// kms-cmk`.
    pub judged_by: Option<String>,
    /// An approved exemption covers the bucket: judged `exempt`, whatever `compliant` says.
    pub exempt: bool,
    pub scanned_at: Option<String>,
    /// The OSS request id of the read that recorded this state.
    pub request_id: Option<String>,
    /// Why the state is unknown: `code: message`.
    pub error: Option<String>,
}

/// One recorded state of the bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryRow {
    pub observed_at: String,
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    /// e.g. `KMS (key alias/prod, data SM4)` or `AccessDenied`.
    pub description: String,
    /// The scan that read it; `None` for a re-read after a change.
    pub scan: Option<i64>,
    pub request_id: Option<String>,
}

/// One audit-log entry about the bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: String,
    pub after: String,
    /// `ok`, or the OSS error code.
    pub outcome: String,
    pub request_id: Option<String>,
    /// The OSS message of a refusal.
    pub detail: Option<String>,
}

/// The change-encryption form: the values to show and a message per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncryptionForm {
    pub sse_algorithm: String,
    pub kms_master_key_id: String,
    /// The "SM4" data-encryption box.
    pub sm4: bool,
    pub errors: FormErrors,
}

/// Messages shown next to the field they are about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
}

impl FormErrors {
    /// Whether any field has a message.
    pub fn any(&self) -> bool {
        self.sse_algorithm.is_some()
            || self.kms_master_key_id.is_some()
            || self.kms_data_encryption.is_some()
    }
}

/// The confirmation page of removing a bucket's default encryption.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketRemoveModel {
    pub name: String,
    /// What the bucket has now, e.g. `KMS (OSS-managed key)`.
    pub current: String,
}
