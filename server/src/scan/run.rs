//! `Scanner::run`: one scan from listing to the completed summary.

use std::time::Instant;

use chrono::Utc;
use futures_util::{StreamExt, stream};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

use super::{ScanError, ScanOptions, ScanOutcome, ScanProgress, events, writer};
use crate::domain::{AccountId, BucketId, Policy, ScanId, Trigger};
use crate::oss::{BucketAddress, OssClient};
use crate::store::{self, BucketSync, ListedBucket, Observation, Store, StoreError, SyncedBuckets};

/// Buckets listed but not yet read, at most: about one ListBuckets page, enough to keep the reads
/// busy while the next page is fetched without holding a large account's list in memory.
const TARGETS_QUEUED: usize = 1000;

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
        match store::insert_running_scan(&self.store, self.account, trigger.as_str(), Utc::now())
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
            // The scan's end and its event are recorded together.
            let mut tx = self.store.begin().await?;
            store::end_scan_unfinished(&mut tx, scan, status, &err.to_string(), Utc::now()).await?;
            events::scan_failed(&mut tx, self.account, scan, err).await?;
            tx.commit().await.map_err(StoreError::from)?;
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
        let (sync, current, policy) = {
            let mut tx = self.store.begin().await?;
            let sync = BucketSync::load(&mut tx, self.account).await?;
            let current = store::load_current_states(&mut tx, self.account).await?;
            let policy = store::find_policy(&mut tx, self.account)
                .await?
                .unwrap_or_else(Policy::default);
            tx.commit().await.map_err(StoreError::from)?;
            (sync, current, policy)
        };
        let writer = writer::spawn(
            self.store.clone(),
            scan,
            current,
            policy.requirement,
            progress,
        );
        // Reads start with the first page: ListBuckets pages are one round trip after another,
        // and waiting for all of them put ten of those round trips per 10,000 buckets before
        // the first read.
        let (targets, queued) = mpsc::channel(TARGETS_QUEUED);
        let listing = self.list_and_sync(scan, sync, targets, writer.sender.clone(), cancel);
        let reading = read_all(
            self.client.clone(),
            queued,
            options.concurrency,
            writer.sender,
            cancel,
        );
        // A failed listing ends the reads at once; either way both futures, and with them every
        // sender, are gone here, so the writer finishes and nothing is written after this scan's
        // partial rows are removed.
        let joined = tokio::try_join!(listing, reading);
        let written = writer
            .task
            .await
            .map_err(|e| StoreError::Corrupt(format!("the scan writer stopped: {e}")))??;
        let (synced, ()) = joined?;
        if cancel.is_cancelled() && written.done < synced.ids.len() as u64 {
            return Err(ScanError::Interrupted(scan));
        }

        let mut tx = self.store.begin().await?;
        store::mark_buckets_gone(&mut tx, &synced.missing, Utc::now()).await?;
        store::update_compliance(&mut tx, &written.judgements).await?;
        let summary = store::complete_scan(&mut tx, scan, self.account, Utc::now()).await?;
        events::scan_completed(&mut tx, self.account, scan).await?;
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

    /// Lists the buckets page by page: syncs each page into the inventory, announces it to the
    /// writer and queues its reads. Returns the sync of the complete listing.
    async fn list_and_sync(
        &self,
        scan: ScanId,
        mut sync: BucketSync,
        targets: mpsc::Sender<(BucketId, BucketAddress)>,
        writer: mpsc::Sender<writer::Message>,
        cancel: &CancellationToken,
    ) -> Result<SyncedBuckets, ScanError> {
        let mut pages = std::pin::pin!(self.client.list_bucket_pages(None, None));
        loop {
            let page = tokio::select! {
                page = pages.next() => page,
                () = cancel.cancelled() => return Err(ScanError::Interrupted(scan)),
            };
            let Some(page) = page
                .transpose()
                .map_err(|source| ScanError::Listing { scan, source })?
            else {
                return Ok(sync.finish());
            };
            let listed: Vec<ListedBucket> = page
                .iter()
                .map(|b| ListedBucket {
                    name: b.name.clone(),
                    region: b.region.clone(),
                    extranet_endpoint: b.extranet_endpoint.clone(),
                    intranet_endpoint: b.intranet_endpoint.clone(),
                    created_at: b.creation_date,
                })
                .collect();
            let mut tx = self.store.begin().await?;
            let ids = sync.sync_page(&mut tx, &listed, Utc::now()).await?;
            tx.commit().await.map_err(StoreError::from)?;
            // Only progress: a writer that stopped reports its error when awaited.
            let _ = writer.send(writer::Message::Listed(ids.len() as u64)).await;
            for (bucket, id) in page.iter().zip(ids) {
                if targets
                    .send((id, BucketAddress::from(bucket)))
                    .await
                    .is_err()
                {
                    // The reads stopped: cancelled, or the writer failed (reported by the caller).
                    return Err(ScanError::Interrupted(scan));
                }
            }
        }
    }
}

/// Reads the encryption of each queued bucket, `concurrency` at a time, until the queue closes
/// or `cancel` fires, and hands each observation to the writer.
async fn read_all(
    client: OssClient,
    mut queued: mpsc::Receiver<(BucketId, BucketAddress)>,
    concurrency: usize,
    writer: mpsc::Sender<writer::Message>,
    cancel: &CancellationToken,
) -> Result<(), ScanError> {
    // Each read is a task of its own, so the runtime's workers share the reads' CPU (signing,
    // connecting, parsing) instead of the one task that polls them; with 64 answers arriving
    // together that single task made each cycle ~1 ms longer (benches/scan_throughput). A handle
    // dropped (cancelled, or the writer gone) aborts its read, as dropping the future did.
    let reads = stream::poll_fn(move |cx| queued.poll_recv(cx))
        .map(move |(id, address): (BucketId, BucketAddress)| {
            let client = client.clone();
            AbortOnDropHandle::new(tokio::spawn(async move {
                let read = client.read_encryption_state(&address).await;
                Observation::now(id, read.value, read.request_id)
            }))
        })
        .buffer_unordered(concurrency.max(1));
    let mut reads = std::pin::pin!(reads.take_until(cancel.cancelled()));
    while let Some(joined) = reads.next().await {
        let observation = match joined {
            Ok(observation) => observation,
            // A read that panicked panics the scan, as it did when polled here.
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            // Only this function aborts its reads, and only by dropping them.
            Err(_) => break,
        };
        // A send fails only when the writer stopped on a database error, reported by the caller.
        if writer
            .send(writer::Message::Read(observation))
            .await
            .is_err()
        {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{self, RequestKind, SandboxConfig};

    #[tokio::test]
    async fn a_listing_that_breaks_off_fails_the_scan_and_keeps_nothing_of_it() {
        let sandbox = sandbox::start(SandboxConfig::for_tests(2500, 7))
            .await
            .unwrap();
        let mut config = sandbox.client_config();
        config.retry.max_attempts = 1;
        let client = OssClient::new(config).unwrap();
        let path = std::env::temp_dir().join(format!("oss-audit-run-{}.db", std::process::id()));
        let url = format!("sqlite://{}", path.display());
        let (store, account) = crate::startup::open_store(&url, client.config().endpoint.as_str())
            .await
            .unwrap();
        let scanner = Scanner::new(client, store.clone(), account);
        let options = ScanOptions {
            concurrency: 32,
            trigger: Trigger::Cli,
        };
        let scan = || {
            let (progress, _) = watch::channel(ScanProgress::default());
            scanner.run(options, progress, CancellationToken::new())
        };
        scan().await.unwrap();
        let count = |sql: &'static str| {
            let pool = store.pool().clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let reads_before = sandbox.requests_served_by(RequestKind::GetBucketEncryption);

        // Every bucket of the first page loses its rule, so its reads are changes the writer
        // stores; then the first page is listed, its reads start, and the second page fails.
        // With latency, those reads (sent before the second page is asked for) finish first.
        for bucket in sandbox.buckets().iter().take(1000) {
            sandbox.set_encryption(bucket.name.as_str(), None);
        }
        sandbox.set_latency_ms(20);
        sandbox.fail_listing_after(1);
        let err = scan().await.unwrap_err();

        assert!(matches!(err, ScanError::Listing { .. }), "{err}");
        assert!(
            sandbox.requests_served_by(RequestKind::GetBucketEncryption) <= reads_before + 1000,
            "only the first page's buckets were read"
        );
        assert_eq!(
            count("SELECT count(*) FROM encryption_state").await,
            2500,
            "only the completed scan's observations are kept"
        );
        assert_eq!(
            count("SELECT count(*) FROM bucket WHERE gone_at IS NOT NULL").await,
            0,
            "no bucket is taken as gone from a partial listing"
        );
        assert_eq!(
            count("SELECT count(*) FROM scan WHERE status = 'failed'").await,
            1
        );
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
}
