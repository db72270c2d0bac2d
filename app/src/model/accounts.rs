//! Settings › Accounts: the estate's accounts with how their last scan went, and (for admins) the
//! forms that add, remove and discover them. An ExternalId never reaches this model, only whether
//! one is set.

/// Everything the accounts page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsModel {
    /// The hub first, then the members by name, then removed accounts.
    pub accounts: Vec<AccountRow>,
    /// The add-account form, as shown again after a refusal.
    pub form: NewAccountForm,
    /// The discover form, as shown again after a refusal.
    pub discover: DiscoverForm,
    /// What the discover form just did (on its answer only).
    pub discovered: Option<DiscoveryResult>,
}

/// An account of the estate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountRow {
    pub name: String,
    /// The Alibaba Cloud account id, once known.
    pub uid: Option<String>,
    /// The account of oss-audit's own keys, reached without a role.
    pub hub: bool,
    /// `acs:ram::<uid>:role/<name>`; `None` for the hub.
    pub role_arn: Option<String>,
    /// Whether its role asks for an ExternalId (the value is not shown).
    pub external_id_set: bool,
    /// Its own OSS endpoint; `None`: the hub's.
    pub endpoint: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: Option<String>,
    /// RFC 3339, when it was removed (no longer scanned; history kept).
    pub removed_at: Option<String>,
    pub last_scan: Option<AccountScanRow>,
}

/// An account's part of the latest scan that covered it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountScanRow {
    pub scan_id: i64,
    /// running | completed | failed | interrupted
    pub status: String,
    /// RFC 3339.
    pub started_at: String,
    /// The code of the refusal, e.g. `NoPermission`.
    pub error_code: Option<String>,
    pub request_id: Option<String>,
    /// Why it failed, in full.
    pub error: Option<String>,
}

/// The add-account form: the values shown again after a refusal (the ExternalId too: it is not a
/// secret, and the admin just typed it) and the messages next to its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAccountForm {
    pub name: String,
    pub role_arn: String,
    pub external_id: String,
    pub endpoint: String,
    pub name_error: Option<String>,
    pub role_arn_error: Option<String>,
    pub external_id_error: Option<String>,
    pub endpoint_error: Option<String>,
}

/// The discover form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscoverForm {
    pub role_name: String,
    pub external_id: String,
    pub role_name_error: Option<String>,
    pub external_id_error: Option<String>,
    /// Why Resource Directory could not be listed (its code and request id).
    pub error: Option<String>,
}

/// What a discovery found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscoveryResult {
    /// Members added now: (name, role ARN).
    pub added: Vec<(String, String)>,
    /// Active members audited already, by name.
    pub known: Vec<String>,
    /// Members removed here, listed again but not brought back.
    pub removed_here: Vec<String>,
    /// Audited members the directory no longer lists as active: still audited.
    pub left: Vec<String>,
    /// Members not active yet: (uid, status).
    pub inactive: Vec<(String, String)>,
}
