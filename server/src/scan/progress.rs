//! Progress of a running scan, as a whole and per account, published as it goes.

use tokio::sync::watch;

use crate::domain::AccountName;

/// Progress of a running scan: the sums over its parts, and each account's part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanProgress {
    /// Buckets to read so far (grows while accounts are listed).
    pub total: u64,
    pub done: u64,
    /// Reads that ended `unknown`.
    pub failed: u64,
    /// Each account's part, in the order the scan took them.
    pub accounts: Vec<AccountProgress>,
}

/// One account's part of a running scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProgress {
    pub account: AccountName,
    pub stage: Stage,
    /// Buckets to read (0 while listing).
    pub total: u64,
    pub done: u64,
    pub failed: u64,
}

/// Where an account's part stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a turn (`OSS_AUDIT_SCAN_ACCOUNTS` accounts are scanned at once).
    Waiting,
    /// Listing and reading.
    Running,
    Completed,
    /// AssumeRole or ListBuckets failed, or the part could not be recorded.
    Failed,
    Interrupted,
}

impl ScanProgress {
    /// A scan of `accounts` that has not started any of them.
    pub(super) fn waiting(accounts: impl IntoIterator<Item = AccountName>) -> Self {
        Self {
            accounts: accounts
                .into_iter()
                .map(|account| AccountProgress {
                    account,
                    stage: Stage::Waiting,
                    total: 0,
                    done: 0,
                    failed: 0,
                })
                .collect(),
            ..Self::default()
        }
    }

    fn sum(&mut self) {
        self.total = self.accounts.iter().map(|a| a.total).sum();
        self.done = self.accounts.iter().map(|a| a.done).sum();
        self.failed = self.accounts.iter().map(|a| a.failed).sum();
    }
}

/// Where one account's part publishes its progress.
#[derive(Debug, Clone)]
pub(super) struct PartProgress {
    sender: watch::Sender<ScanProgress>,
    index: usize,
}

impl PartProgress {
    /// The part at `index` of the scan publishing on `sender`.
    pub(super) fn new(sender: watch::Sender<ScanProgress>, index: usize) -> Self {
        Self { sender, index }
    }

    /// Publishes the part's counts.
    pub(super) fn counts(&self, total: u64, done: u64, failed: u64) {
        self.update(|part| {
            part.total = total;
            part.done = done;
            part.failed = failed;
        });
    }

    /// Publishes the part's stage.
    pub(super) fn stage(&self, stage: Stage) {
        self.update(|part| part.stage = stage);
    }

    fn update(&self, change: impl FnOnce(&mut AccountProgress)) {
        self.sender.send_modify(|progress| {
            if let Some(part) = progress.accounts.get_mut(self.index) {
                change(part);
            }
            progress.sum();
        });
    }
}
