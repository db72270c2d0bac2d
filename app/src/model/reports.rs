//! The audit reports: the stored list with digests and downloads, the schedule, and "Create report
//! now" for operators.

/// Everything the reports page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportsModel {
    /// Newest first.
    pub reports: Vec<ReportRow>,
    /// The schedule in force as configured (`TZ=Asia/Shanghai 0 8 * * MON`), `off`, or `None` when
    /// the server has not started with a schedule yet.
    pub schedule: Option<String>,
    /// The next scheduled report (RFC 3339), when the schedule is on.
    pub next_run: Option<String>,
    /// Whether a scan has completed, which a report needs.
    pub has_completed_scan: bool,
}

/// One stored report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    /// RFC 3339.
    pub created_at: String,
    /// schedule, dashboard, api, cli.
    pub trigger: String,
    /// `schedule`, `user:NAME`, `token:NAME` or `cli:USER`.
    pub created_by: String,
    pub buckets: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    pub unknown: i64,
    /// Hex SHA-256 of the report's JSON.
    pub digest: String,
    /// The digest this report names as its predecessor's; `None` for the first.
    pub previous_digest: Option<String>,
}
