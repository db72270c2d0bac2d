//! The exemptions page, and the exemptions section of a bucket's page.

/// Every exemption, and the request form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExemptionsModel {
    /// Newest first.
    pub rows: Vec<ExemptionRow>,
    pub form: ExemptionForm,
}

/// One exemption as listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExemptionRow {
    pub id: i64,
    /// A bucket name or a `*` pattern.
    pub buckets: String,
    /// e.g. `account payments-prod, region cn-hangzhou`; empty when not limited.
    pub scope: String,
    pub reason: String,
    /// RFC 3339.
    pub expires_at: String,
    /// `requested`, `approved`, `revoked` or `expired`.
    pub status: String,
    pub requested_by: String,
    pub approved_by: Option<String>,
    /// Who ended it (an admin, or `schedule` at its expiry).
    pub ended_by: Option<String>,
    /// Present buckets exempt because of it now.
    pub exempt_buckets: i64,
    /// The signed-in user is an admin other than the requester, and it awaits approval.
    pub can_approve: bool,
    /// The signed-in user is an admin and it has not ended.
    pub can_revoke: bool,
}

/// The request form, as typed (kept when refused).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExemptionForm {
    pub buckets: String,
    pub account: String,
    pub region: String,
    pub reason: String,
    /// `YYYY-MM-DD`.
    pub expires: String,
    /// Why the request was refused.
    pub error: Option<String>,
}
