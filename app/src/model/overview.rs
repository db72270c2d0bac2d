//! The overview: compliance at a glance.

/// Everything the overview shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OverviewModel {
    /// Present buckets with a known or unknown state.
    pub buckets: i64,
    pub encrypted: i64,
    pub unencrypted: i64,
    pub unknown: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    /// Covered by an approved exemption: left out of the compliance rate.
    pub exempt: i64,
    /// The policy requirement in force (any, kms, kms-cmk, sm4).
    pub policy: String,
    /// What one-click remediation sets, e.g. `AES256` or `KMS (key alias/prod)`.
    pub remediation_target: String,
    /// Every account of the estate, worst first.
    pub estate: Vec<EstateRow>,
    /// The estate as a whole (its `account` is empty).
    pub estate_totals: EstateRow,
    /// Counts by algorithm kind, in a fixed order.
    pub algorithms: Vec<AlgorithmCount>,
    pub regions: Vec<RegionCount>,
    /// Completed scans, oldest first.
    pub trend: Vec<TrendPoint>,
    /// The last completed scan: id, finished at (RFC 3339), duration in seconds, unknown count.
    pub last_scan: Option<(i64, String, f64, i64)>,
    /// A scan running now: done and total.
    pub running: Option<(i64, i64)>,
    /// What the last completed scan saw change, in buckets seen before.
    pub changes: Vec<ChangeRow>,
    /// How many buckets the last completed scan saw for the first time.
    pub first_seen: i64,
    /// Buckets whose customer key is unusable, soonest deletion first: shown before anything.
    pub key_findings: Vec<super::KeyFindingRow>,
}

impl OverviewModel {
    /// The compliance rate in percent of the buckets that are not exempt (unknown buckets count
    /// against it).
    pub fn compliance_rate(&self) -> f64 {
        let judged = self.buckets - self.exempt;
        if judged <= 0 {
            100.0
        } else {
            self.compliant as f64 * 100.0 / judged as f64
        }
    }
}

/// Buckets of one algorithm kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmCount {
    /// e.g. `AES256`, `SM4`, `KMS (OSS-managed key)`, `KMS (customer CMK)`, `KMS + SM4`.
    pub label: String,
    /// The bucket-list query selecting them, e.g. `sse_algorithm=KMS`.
    pub query: String,
    pub count: i64,
}

/// Buckets of one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionCount {
    pub region: String,
    pub buckets: i64,
    pub noncompliant: i64,
}

/// One completed scan in the trend chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub scan: i64,
    pub finished_at: String,
    pub compliance_rate: f64,
    pub unencrypted: i64,
}

/// One change the last scan saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub bucket: String,
    pub before: String,
    pub after: String,
}

/// One account of the estate table (or, with no account name, the totals).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EstateRow {
    /// The account's name; empty on the totals row.
    pub account: String,
    pub buckets: i64,
    /// Compliant buckets per hundred present ones; `None` without buckets.
    pub compliance_rate: Option<f64>,
    pub unencrypted: i64,
    pub unknown: i64,
    /// The last scan part of the account (of the estate, on the totals row).
    pub last_scan: Option<LastScanPart>,
}

/// How an account's last scan part went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastScanPart {
    pub scan: i64,
    /// When it ended, or started while it runs (RFC 3339).
    pub at: String,
    /// `running`, `completed`, `partial`, `failed` or `interrupted`.
    pub status: String,
    /// The service's code when it failed (`NoPermission`).
    pub error_code: Option<String>,
}
