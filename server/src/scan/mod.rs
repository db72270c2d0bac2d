//! Scanning: list every bucket, read each one's encryption politely, store what changed.

mod events;
mod run;
pub mod schedule;
mod writer;

use std::time::Duration;

pub use run::Scanner;

use crate::domain::{ScanId, Trigger};
use crate::oss::OssError;
use crate::store::{ScanSummary, StoreError};

/// Default number of bucket reads in flight.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Default request-rate limit, requests per second.
pub const DEFAULT_MAX_RPS: u32 = 200;

/// How a scan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Bucket reads in flight at once.
    pub concurrency: usize,
    pub trigger: Trigger,
}

/// Progress of a running scan, published as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanProgress {
    /// Buckets to read (0 while listing).
    pub total: u64,
    pub done: u64,
    /// Reads that ended `unknown`.
    pub failed: u64,
}

/// What a completed scan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOutcome {
    pub scan: ScanId,
    pub summary: ScanSummary,
    pub duration: Duration,
    /// Buckets seen for the first time, seen again after being gone, and no longer listed.
    pub added: usize,
    pub reappeared: usize,
    pub gone: usize,
}

/// Why a scan did not complete.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("scan {0} is already running for this account; wait for it to finish")]
    AlreadyRunning(ScanId),
    /// ListBuckets failed: without the full list, nothing can be judged (the scan is recorded as failed).
    #[error("scan {scan} failed: could not list the buckets: {source}")]
    Listing {
        scan: ScanId,
        #[source]
        source: OssError,
    },
    #[error("scan {0} was interrupted before it completed")]
    Interrupted(ScanId),
    #[error(transparent)]
    Store(#[from] StoreError),
}
