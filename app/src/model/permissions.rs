//! Settings › Permissions (admins): the results of the last run of the permission checks, when
//! the admin just ran them, and the RAM documents that grant what oss-audit needs.

/// Everything the permissions page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionsModel {
    /// `None` until the admin runs the checks (they are run on request, never on opening).
    pub results: Option<PermissionResults>,
    /// The documents, pretty-printed JSON.
    pub read_only_policy: String,
    pub remediate_policy: String,
    pub hub_policy: String,
    pub trust_policy: String,
    /// Marked values in the documents still to replace, e.g. `<hub-account-uid>`.
    pub placeholders: Vec<String>,
}

/// One run of the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionResults {
    /// E.g. `7 checks: 6 ok, 1 FAILED, 0 skipped`.
    pub summary: String,
    pub failed: usize,
    pub rows: Vec<CheckRow>,
}

/// One check of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckRow {
    pub account: String,
    pub check: String,
    /// `ok`, `FAILED` or `skipped`.
    pub status: String,
    /// What passed, or why it was skipped, or the service's message.
    pub detail: String,
    pub code: Option<String>,
    pub request_id: Option<String>,
    /// The permission (or change) that makes a failed check pass.
    pub fix: Option<String>,
}
