//! `Scanner::run`: one scan of the estate, its accounts' parts run several at once, from the first
//! listing to the scan's end (completed, partial, failed or interrupted).

use std::time::Instant;

use chrono::Utc;
use futures_util::{StreamExt, stream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::part::Part;
use super::progress::PartProgress;
use super::{PartOutcome, PartResult, ScanError, ScanOptions, ScanOutcome, ScanProgress};
use crate::cloud::{AccountAccess, AccountClients};
use crate::domain::{AccountId, ScanId, ScanStatus};
use crate::store::{self, AccountRecord, ScanSummary, Store, StoreError};

/// Scans the estate's accounts, each through its own client, into one store.
#[derive(Debug, Clone)]
pub struct Scanner {
    store: Store,
    clients: AccountClients,
    /// The hub: holds the estate's policy and notification targets.
    hub: AccountId,
}

/// A scan registered with [`Scanner::begin`] and the accounts it covers, not yet run.
#[derive(Debug, Clone)]
pub struct BegunScan {
    pub id: ScanId,
    accounts: Vec<AccountRecord>,
}

impl Scanner {
    /// A scanner of the accounts `store` holds, reached through `clients`.
    pub fn new(store: Store, clients: AccountClients, hub: AccountId) -> Self {
        Self {
            store,
            clients,
            hub,
        }
    }

    /// The hub account.
    pub fn hub(&self) -> AccountId {
        self.hub
    }

    /// The clients of the estate's accounts.
    pub fn clients(&self) -> &AccountClients {
        &self.clients
    }

    /// Runs one scan. Progress is published on `progress`; when `cancel` fires, reads stop and the
    /// scan is recorded as interrupted (its partial results are dropped, the previous picture stays).
    pub async fn run(
        &self,
        options: ScanOptions,
        progress: watch::Sender<ScanProgress>,
        cancel: CancellationToken,
    ) -> Result<ScanOutcome, ScanError> {
        let begun = self.begin(&options).await?;
        self.run_begun(begun, options, progress, cancel).await
    }

    /// Registers a running scan of the accounts `options` names (refused while another runs), so a
    /// caller can answer with its id before the work starts.
    pub async fn begin(&self, options: &ScanOptions) -> Result<BegunScan, ScanError> {
        let accounts = match options.account {
            Some(account) => vec![store::get_account(&self.store, account).await?],
            None => store::list_accounts(&self.store, false).await?,
        };
        let trigger = options.trigger.as_str();
        match store::insert_running_scan(&self.store, trigger, accounts.len(), Utc::now()).await {
            Ok(id) => {
                tracing::info!(scan.id = %id, trigger, accounts = accounts.len(), "scan started");
                Ok(BegunScan { id, accounts })
            }
            Err(StoreError::ScanAlreadyRunning(running)) => Err(ScanError::AlreadyRunning(running)),
            Err(e) => Err(e.into()),
        }
    }

    /// Does the work of a scan registered with [`Scanner::begin`]: `options.accounts_at_once`
    /// parts at a time, each with `options.concurrency` reads in flight at its own rate limit.
    pub async fn run_begun(
        &self,
        begun: BegunScan,
        options: ScanOptions,
        progress: watch::Sender<ScanProgress>,
        cancel: CancellationToken,
    ) -> Result<ScanOutcome, ScanError> {
        let started = Instant::now();
        let BegunScan { id: scan, accounts } = begun;
        progress.send_replace(ScanProgress::waiting(
            accounts.iter().map(|a| a.name.clone()),
        ));
        let parts: Vec<Part> = accounts
            .into_iter()
            .enumerate()
            .map(|(index, account)| Part {
                client: AccountAccess::new(
                    account.id,
                    account.name.clone(),
                    account.role_arn.as_ref(),
                    account.external_id.as_ref(),
                    account.oss_endpoint.as_deref(),
                )
                .map(|access| self.clients.client(&access)),
                store: self.store.clone(),
                hub: self.hub,
                scan,
                account,
                options,
                progress: PartProgress::new(progress.clone(), index),
                cancel: cancel.clone(),
            })
            .collect();
        let mut parts: Vec<(usize, PartOutcome)> = stream::iter(parts.into_iter().enumerate())
            .map(|(index, part)| async move {
                let (account_id, account) = (part.account.id, part.account.name.clone());
                let outcome = PartOutcome {
                    account_id,
                    account,
                    result: part.run().await,
                };
                (index, outcome)
            })
            // Unordered: a slow account must not hold back the start of the next ones.
            .buffer_unordered(options.accounts_at_once.max(1))
            .collect()
            .await;
        parts.sort_by_key(|(index, _)| *index);
        let parts = parts.into_iter().map(|(_, part)| part).collect();
        self.finish(scan, parts, started).await
    }

    /// Ends the scan as its parts ended, and says how.
    async fn finish(
        &self,
        scan: ScanId,
        parts: Vec<PartOutcome>,
        started: Instant,
    ) -> Result<ScanOutcome, ScanError> {
        let mut summary = ScanSummary::default();
        let (mut added, mut reappeared, mut gone) = (0, 0, 0);
        let mut failures = Vec::new();
        let mut completed = 0;
        for part in &parts {
            match &part.result {
                PartResult::Completed(done) => {
                    completed += 1;
                    let s = done.summary;
                    summary.buckets += s.buckets;
                    summary.encrypted += s.encrypted;
                    summary.unencrypted += s.unencrypted;
                    summary.unknown += s.unknown;
                    summary.compliant += s.compliant;
                    summary.noncompliant += s.noncompliant;
                    summary.changes += s.changes;
                    added += done.added;
                    reappeared += done.reappeared;
                    gone += done.gone;
                }
                PartResult::Failed(failure) => {
                    // A refused role (or any failure) is asked again at the next scan.
                    self.clients.forget(part.account_id);
                    failures.push((part.account.clone(), failure.clone()));
                }
                PartResult::Interrupted => {}
            }
        }
        let status = ScanStatus::of_parts(completed, failures.len(), parts.len());
        let error = match status {
            ScanStatus::Interrupted => {
                Some(format!("scan {scan} was interrupted before it completed"))
            }
            ScanStatus::Failed => Some(
                ScanError::Failed {
                    scan,
                    failures: failures.clone(),
                }
                .to_string(),
            ),
            _ => None,
        };
        let mut tx = self.store.begin().await?;
        store::finish_scan(&mut tx, scan, status, error.as_deref(), Utc::now()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let duration = started.elapsed();
        tracing::info!(
            scan.id = %scan,
            status = status.as_str(),
            accounts = parts.len(),
            accounts_failed = failures.len(),
            buckets = summary.buckets,
            unencrypted = summary.unencrypted,
            unknown = summary.unknown,
            changes = summary.changes,
            duration_ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            "scan ended"
        );
        match status {
            ScanStatus::Interrupted => Err(ScanError::Interrupted(scan)),
            ScanStatus::Failed => Err(ScanError::Failed { scan, failures }),
            _ => Ok(ScanOutcome {
                scan,
                status,
                summary,
                duration,
                added,
                reappeared,
                gone,
                parts,
            }),
        }
    }
}
