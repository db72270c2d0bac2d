//! The customer keys behind SSE-KMS buckets: the keys page, a key's page, and the critical
//! findings the overview shows first.

/// One key, as the keys page lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyRow {
    pub account: String,
    pub region: String,
    pub key_id: String,
    pub alias: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `NotFound` or `unknown`.
    pub state: String,
    /// `usable`, `unusable` or `unknown`.
    pub standing: String,
    /// RFC 3339, for a key pending deletion.
    pub readable_until: Option<String>,
    pub rotation: Option<String>,
    pub origin: Option<String>,
    pub protection_level: Option<String>,
    pub material_expire_time: Option<String>,
    pub warnings: Vec<String>,
    /// KMS's code when it could not describe the key, and the request id of its last answer.
    pub error_code: Option<String>,
    pub request_id: Option<String>,
    /// RFC 3339.
    pub checked_at: String,
    /// Present buckets that depend on it.
    pub buckets: i64,
}

/// The keys page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeysModel {
    /// Unusable first, then unknown, then usable.
    pub keys: Vec<KeyRow>,
}

/// One state a key was seen in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyHistoryRow {
    /// RFC 3339.
    pub observed_at: String,
    pub state: String,
    pub delete_date: Option<String>,
    pub rotation: Option<String>,
    pub error_code: Option<String>,
    pub request_id: Option<String>,
}

/// A key's page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyDetailModel {
    pub key: KeyRow,
    /// Newest first.
    pub history: Vec<KeyHistoryRow>,
    /// The present buckets that depend on it: (account, bucket).
    pub buckets: Vec<(String, String)>,
}

/// A bucket whose key is unusable: a critical finding, non-compliant whatever the policy says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyFindingRow {
    pub account: String,
    pub bucket: String,
    pub region: String,
    pub key_id: String,
    pub state: String,
    /// `YYYY-MM-DD`, for a key pending deletion.
    pub readable_until: Option<String>,
}
