//! `Scanner::run`: one scan from listing to the completed summary.

use std::time::Instant;

use chrono::Utc;
use futures_util::{StreamExt, stream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::{ScanError, ScanOptions, ScanOutcome, ScanProgress, Trigger, observe, writer};
use crate::domain::{AccountId, BucketId, ScanId};
use crate::oss::{BucketAddress, OssClient};
use crate::policy::Policy;
use crate::store::{self, ListedBucket, Store, StoreError};

/// Scans one account with one client into one store.
#[derive(Debug, Clone)]
pub struct Scanner {
    client: OssClient,
    store: Store,
    account: AccountId,
}

impl Scanner {
    /// A scanner of `account`.
    pub fn new(client: OssClient, store: Store, account: AccountId) -> Self {
        Self {
            client,
            store,
            account,
        }
    }

    /// The account this scanner scans.
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// Runs one scan. Progress is published on `progress`; when `cancel` fires, reads stop and the
    /// scan is recorded as interrupted (its partial results are dropped, the previous picture stays).
    pub async fn run(
        &self,
        options: ScanOptions,
        progress: watch::Sender<ScanProgress>,
        cancel: CancellationToken,
    ) -> Result<ScanOutcome, ScanError> {
        let scan = self.begin(options.trigger).await?;
        self.run_begun(scan, options, progress, cancel).await
    }

    /// Registers a running scan (refused while another runs), so a caller can answer with its id
    /// before the work starts.
    pub async fn begin(&self, trigger: Trigger) -> Result<ScanId, ScanError> {
        let mut conn = self
            .store
            .pool()
            .acquire()
            .await
            .map_err(StoreError::from)?;
        match store::insert_running_scan(&mut conn, self.account, trigger.as_str(), Utc::now())
            .await
        {
            Ok(scan) => {
                tracing::info!(scan.id = %scan, trigger = trigger.as_str(), "scan started");
                Ok(scan)
            }
            Err(StoreError::ScanAlreadyRunning(running)) => Err(ScanError::AlreadyRunning(running)),
            Err(e) => Err(e.into()),
        }
    }

    /// Does the work of a scan registered with [`Scanner::begin`].
    pub async fn run_begun(
        &self,
        scan: ScanId,
        options: ScanOptions,
        progress: watch::Sender<ScanProgress>,
        cancel: CancellationToken,
    ) -> Result<ScanOutcome, ScanError> {
        let started = Instant::now();
        let result = self
            .run_started(scan, options, progress, &cancel, started)
            .await;
        if let Err(err) = &result {
            let status = if matches!(err, ScanError::Interrupted(_)) {
                "interrupted"
            } else {
                "failed"
            };
            let mut conn = self
                .store
                .pool()
                .acquire()
                .await
                .map_err(StoreError::from)?;
            store::end_scan_unfinished(&mut conn, scan, status, &err.to_string(), Utc::now())
                .await?;
            crate::notify::scan_failed(&mut conn, self.account, scan, err).await?;
            tracing::warn!(scan.id = %scan, error = %err, "scan did not complete");
        }
        result
    }

    async fn run_started(
        &self,
        scan: ScanId,
        options: ScanOptions,
        progress: watch::Sender<ScanProgress>,
        cancel: &CancellationToken,
        started: Instant,
    ) -> Result<ScanOutcome, ScanError> {
        let summaries = tokio::select! {
            listed = self.client.list_all_buckets(None, None) => listed.map_err(|source| ScanError::Listing { scan, source })?,
            () = cancel.cancelled() => return Err(ScanError::Interrupted(scan)),
        };
        let listed: Vec<ListedBucket> = summaries
            .iter()
            .map(|b| ListedBucket {
                name: b.name.clone(),
                region: b.region.clone(),
                extranet_endpoint: b.extranet_endpoint.clone(),
                intranet_endpoint: b.intranet_endpoint.clone(),
                created_at: b.creation_date,
            })
            .collect();
        let (synced, current, policy) = {
            let mut tx = self.store.begin().await?;
            let synced =
                store::sync_listed_buckets(&mut tx, self.account, &listed, Utc::now()).await?;
            let current = store::load_current_states(&mut tx, self.account).await?;
            let policy = store::find_policy(&mut tx, self.account)
                .await?
                .unwrap_or_else(Policy::default);
            tx.commit().await.map_err(StoreError::from)?;
            (synced, current, policy)
        };
        let total = listed.len() as u64;
        let writer = writer::spawn(
            self.store.clone(),
            scan,
            total,
            current,
            policy.requirement,
            progress,
        );

        // Owned items and a cloned client per read: the futures must not borrow from this frame,
        // or the scan could not be spawned onto the runtime.
        let targets: Vec<(BucketId, BucketAddress)> = summaries
            .iter()
            .zip(&synced.ids)
            .map(|(bucket, id)| (*id, BucketAddress::from(bucket)))
            .collect();
        drop((summaries, listed));
        let client = self.client.clone();
        let reads = stream::iter(targets)
            .map(move |(id, address)| {
                let client = client.clone();
                async move { observe::observation(id, client.get_bucket_encryption(&address).await) }
            })
            .buffer_unordered(options.concurrency.max(1));
        let sender = writer.sender;
        let mut reads = std::pin::pin!(reads.take_until(cancel.cancelled()));
        while let Some(observation) = reads.next().await {
            // A send fails only when the writer stopped on a database error, reported below.
            if sender.send(observation).await.is_err() {
                break;
            }
        }
        drop(sender);
        let written = writer
            .task
            .await
            .map_err(|e| StoreError::Corrupt(format!("the scan writer stopped: {e}")))??;
        if cancel.is_cancelled() && written.done < total {
            return Err(ScanError::Interrupted(scan));
        }

        let mut tx = self.store.begin().await?;
        store::mark_buckets_gone(&mut tx, &synced.missing, Utc::now()).await?;
        store::update_compliance(&mut tx, &written.judgements).await?;
        let summary = store::complete_scan(&mut tx, scan, self.account, Utc::now()).await?;
        crate::notify::scan_completed(&mut tx, self.account, scan).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let outcome = ScanOutcome {
            scan,
            summary,
            duration: started.elapsed(),
            added: synced.added,
            reappeared: synced.reappeared,
            gone: synced.missing.len(),
        };
        tracing::info!(
            scan.id = %scan,
            buckets = summary.buckets,
            encrypted = summary.encrypted,
            unencrypted = summary.unencrypted,
            unknown = summary.unknown,
            changes = summary.changes,
            duration_ms = u64::try_from(outcome.duration.as_millis()).unwrap_or(u64::MAX),
            "scan completed"
        );
        Ok(outcome)
    }
}
