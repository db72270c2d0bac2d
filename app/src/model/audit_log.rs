//! The audit log: every change, who made it, and the filters the reader chose.

/// Everything the audit-log page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLogModel {
    /// The filters as the reader typed them (shown back in the form).
    pub filter: AuditFilter,
    /// Why a filter was not understood, per field.
    pub errors: AuditFilterErrors,
    /// Newest first.
    pub entries: Vec<AuditLogRow>,
    /// The link to the next page of older entries, with the same filters.
    pub older: Option<String>,
    /// Whether this page starts below the newest entry (a link back to the newest is shown).
    pub paged: bool,
    /// The estate's accounts, for the account filter.
    pub accounts: Vec<String>,
}

/// The filter form's values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// An account's name.
    pub account: String,
    pub bucket: String,
    /// A user name, or an actor such as `token:ci`.
    pub actor: String,
    /// `YYYY-MM-DD`, UTC.
    pub since: String,
    /// `YYYY-MM-DD`, UTC, inclusive.
    pub until: String,
}

/// Messages next to filter fields that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilterErrors {
    pub account: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

impl AuditFilterErrors {
    /// Whether any field was refused.
    pub fn any(&self) -> bool {
        self.account.is_some() || self.since.is_some() || self.until.is_some()
    }
}

/// One change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLogRow {
    pub id: i64,
    /// The account of the bucket changed (the hub's for estate-wide changes).
    pub account: String,
    /// RFC 3339.
    pub at: String,
    /// `user:NAME`, `token:NAME` or `cli:USER`.
    pub actor: String,
    /// e.g. `put-encryption`, `remediate`, `set-policy`.
    pub action: String,
    pub bucket: Option<String>,
    /// The state before, in words.
    pub before: String,
    /// The state after, in words.
    pub after: String,
    /// `ok`, or the error code.
    pub outcome: String,
    /// The error message or other detail.
    pub detail: Option<String>,
    pub request_id: Option<String>,
    /// The run (remediation or revert) it was part of.
    pub run: Option<i64>,
    /// Whether it changed a bucket's encryption and OSS accepted it, so it can be reverted.
    pub revertible: bool,
}
