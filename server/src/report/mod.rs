//! Audit reports: frozen snapshots of the compliance state, stored with chained SHA-256 digests,
//! rendered as CSV, JSON and printable HTML, produced on a schedule and on demand.
//!
//! The stored content is the canonical JSON document ([`ReportDocument`]); its digest is the hex
//! SHA-256 of those bytes, and the document names the previous report's digest, so anyone holding
//! the JSON downloads can check the chain with `sha256sum`.

mod build;
mod controls;
mod csv;
pub mod document;
mod format;
mod html;
pub mod schedule;
mod scheduler;
mod verify;

pub use build::{CreatedReport, create_report_in};
pub use document::{ReportDocument, SCHEMA_VERSION};
pub use format::{RenderedReport, ReportFormat, render};
pub use schedule::{DEFAULT_SCHEDULE, ReportSchedule, ScheduleError};
pub use scheduler::{ReportStep, run_due_report, run_report_scheduler};
pub use verify::{BrokenLink, BrokenReason, ChainCheck, verify_chain};

use crate::domain::{ReportId, ScanId};
use crate::store::StoreError;

/// What made a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTrigger {
    Schedule,
    Dashboard,
    Api,
    Cli,
    /// The first report `oss-audit demo` makes after its first scan.
    Demo,
}

impl ReportTrigger {
    /// The name stored with the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Dashboard => "dashboard",
            Self::Api => "api",
            Self::Cli => "cli",
            Self::Demo => "demo",
        }
    }
}

/// Why a report could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A report is a snapshot after a completed scan; there is none yet.
    #[error(
        "no scan has completed yet: a report needs the results of a completed scan, so run a scan first"
    )]
    NoCompletedScan,
    /// The latest report already covers the latest scan, and nothing changed since.
    #[error(
        "report {report} already covers scan {scan} and nothing has changed since; run a scan first, or force another report"
    )]
    NothingNew { report: ReportId, scan: ScanId },
    /// The stored content of a report cannot be parsed (a hand-edited database).
    #[error("report {report} cannot be read: {reason}")]
    Unreadable { report: ReportId, reason: String },
    #[error("could not encode the report: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("could not write the CSV: {0}")]
    Csv(#[source] ::csv::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}
