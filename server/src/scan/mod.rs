//! Scanning the estate: for every account (several at once), list every bucket, read each one's
//! encryption politely, store what changed. One scan, one part per account; a part that fails
//! (its role refused, its listing refused) leaves the others to complete.

mod events;
mod keys;
mod part;
mod progress;
mod run;
pub mod schedule;
mod writer;

use std::time::Duration;

pub use progress::{AccountProgress, ScanProgress, Stage};
pub use run::{BegunScan, Scanner};

use crate::domain::{AccountId, AccountName, ScanId, ScanStatus, Trigger};
use crate::store::{PartFailure, ScanSummary, StoreError};

/// Default number of bucket reads in flight, per account.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Default request-rate limit, requests per second, per account.
pub const DEFAULT_MAX_RPS: u32 = 200;
/// Default number of accounts scanned at once.
pub const DEFAULT_SCAN_ACCOUNTS: usize = 8;

/// How a scan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Bucket reads in flight at once, per account.
    pub concurrency: usize,
    /// Accounts scanned at once.
    pub accounts_at_once: usize,
    pub trigger: Trigger,
    /// Only this account (`scan --account`); every account of the estate when `None`.
    pub account: Option<AccountId>,
}

impl ScanOptions {
    /// A scan of the whole estate started by `trigger`, with the default pace.
    pub fn new(trigger: Trigger) -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            accounts_at_once: DEFAULT_SCAN_ACCOUNTS,
            trigger,
            account: None,
        }
    }
}

/// What a scan did: how it ended, its totals, and each account's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOutcome {
    pub scan: ScanId,
    /// `Completed`, or `Partial` when some parts failed.
    pub status: ScanStatus,
    /// Summed over the completed parts.
    pub summary: ScanSummary,
    pub duration: Duration,
    /// Buckets seen for the first time, seen again after being gone, and no longer listed.
    pub added: usize,
    pub reappeared: usize,
    pub gone: usize,
    /// Every account's part, in the order the scan took the accounts.
    pub parts: Vec<PartOutcome>,
}

/// How one account's part ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartOutcome {
    pub account_id: AccountId,
    pub account: AccountName,
    pub result: PartResult,
}

/// A part's end: what it saw, or why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartResult {
    Completed(PartDone),
    Failed(PartFailure),
    /// Stopped by a shutdown (or never started).
    Interrupted,
}

/// What a completed part saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartDone {
    pub summary: ScanSummary,
    pub added: usize,
    pub reappeared: usize,
    pub gone: usize,
}

/// Why a scan produced no results.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("scan {0} is already running; wait for it to finish")]
    AlreadyRunning(ScanId),
    /// Every account's part failed (AssumeRole or ListBuckets refused): nothing could be judged.
    /// The scan and each part are recorded as failed.
    #[error("scan {scan} failed: {}", describe_failures(failures))]
    Failed {
        scan: ScanId,
        failures: Vec<(AccountName, PartFailure)>,
    },
    #[error("scan {0} was interrupted before it completed")]
    Interrupted(ScanId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ScanError {
    /// The first failure's service code and request id, when a service answered.
    pub fn first_failure(&self) -> Option<&PartFailure> {
        match self {
            Self::Failed { failures, .. } => failures.first().map(|(_, f)| f),
            _ => None,
        }
    }
}

/// `account: why` of the first failure, and how many more failed.
fn describe_failures(failures: &[(AccountName, PartFailure)]) -> String {
    match failures {
        [] => "no account could be scanned".to_owned(),
        [(account, failure)] => format!("account {account}: {}", failure.message),
        [(account, failure), rest @ ..] => format!(
            "account {account}: {} (and {} more accounts failed)",
            failure.message,
            rest.len()
        ),
    }
}
