//! The events a notification can carry.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::ReportId;

/// Something worth telling people about. One event per occurrence: a scan's many changes become
/// one event with a summary, never one per bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// An audit report was stored.
    ReportReady(ReportReady),
}

/// A stored report, with what a receiver needs to fetch and check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportReady {
    pub report: ReportId,
    /// SHA-256 (hex) of the report, chained to the previous report's digest.
    pub digest: String,
    pub created_at: DateTime<Utc>,
    pub buckets: u64,
    pub compliant: u64,
    pub noncompliant: u64,
    pub unknown: u64,
}
