//! The scan history and the progress of a running scan.

/// Everything the scans page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScansModel {
    /// Newest first.
    pub scans: Vec<ScanRow>,
    /// The scan running now, if any (the page then refreshes itself).
    pub running: Option<RunningScan>,
    /// The id to page back from (`?before=ID`) when older scans exist.
    pub older: Option<i64>,
    /// Whether this page starts below the newest scan (a link back to the newest is shown).
    pub paged: bool,
    /// The account the history is narrowed to (its parts of the scans); empty for every account.
    pub account: String,
    /// The estate's accounts, for the account filter.
    pub accounts: Vec<String>,
    /// Filter values that were not understood and were ignored, said plainly.
    pub notes: Vec<String>,
}

impl ScansModel {
    /// The history's address with `before` (older scans) and the account filter kept.
    pub fn href(&self, before: Option<i64>) -> String {
        let before = before.map(|id| id.to_string()).unwrap_or_default();
        match super::query_string(&[("account", &self.account), ("before", &before)]) {
            query if query.is_empty() => "/scans".to_owned(),
            query => format!("/scans?{query}"),
        }
    }
}

/// One account's part of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanPartRow {
    pub account: String,
    /// running, completed, failed, interrupted.
    pub status: String,
    /// The service's code when it failed (`NoPermission`).
    pub error_code: Option<String>,
}

/// Progress of the running scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunningScan {
    pub id: i64,
    /// Buckets read so far.
    pub done: i64,
    /// Buckets to read (0 while the listing is still running).
    pub total: i64,
}

/// One scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanRow {
    pub id: i64,
    /// schedule, cli, api, dashboard, demo.
    pub trigger: String,
    /// running, completed, failed, interrupted.
    pub status: String,
    /// RFC 3339.
    pub started_at: String,
    /// e.g. `12.4 s`, or `running for 3 s`.
    pub duration: String,
    /// Buckets listed.
    pub buckets: i64,
    /// Counts of a completed scan.
    pub encrypted: Option<i64>,
    pub unencrypted: Option<i64>,
    pub unknown: Option<i64>,
    /// Buckets seen before whose encryption changed since the scan before.
    pub changes: Option<i64>,
    /// Buckets this scan saw for the first time (not counted as changes).
    pub first_seen: Option<i64>,
    /// Why a scan did not complete.
    pub error: Option<String>,
    /// Each account's part (only the filtered account's when the history is narrowed to one).
    pub parts: Vec<ScanPartRow>,
}
