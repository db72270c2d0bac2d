//! One account's part of a scan: assume its role (through its client), list its buckets page by
//! page, read each one's encryption, and complete, or record why it failed.

use chrono::Utc;
use futures_util::{StreamExt, stream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

use super::keys::{self, KeyUse};
use super::progress::{PartProgress, Stage};
use super::{PartDone, PartResult, ScanOptions, events, writer};
use std::collections::HashMap;

use crate::domain::{AccountId, AccountScanId, BucketId, Rules, ScanId, ScanStatus, Tag};
use crate::oss::{BucketAddress, OssClient, OssError};
use crate::store::{
    self, AccountRecord, BucketSync, ListedBucket, Observation, PartFailure, Store, StoreError,
    SyncedBuckets,
};

/// Buckets listed but not yet read, at most: about one ListBuckets page, enough to keep the reads
/// busy while the next page is fetched without holding a large account's list in memory.
const TARGETS_QUEUED: usize = 1000;

/// What one part works with (owned, so parts run as independent futures).
pub(super) struct Part {
    pub store: Store,
    /// Holds the estate's policy and notification targets.
    pub hub: AccountId,
    pub scan: ScanId,
    pub account: AccountRecord,
    /// The account's client, or why its access could not be set up (e.g. a bad endpoint).
    pub client: Result<OssClient, OssError>,
    pub options: ScanOptions,
    pub progress: PartProgress,
    pub cancel: CancellationToken,
}

/// Why a part did not complete.
enum PartError {
    /// AssumeRole or ListBuckets failed: without the full list, nothing can be judged.
    Listing(OssError),
    Interrupted,
    Store(StoreError),
    /// The KMS clients of the account's regions could not be set up.
    Keys(String),
}

impl From<StoreError> for PartError {
    fn from(err: StoreError) -> Self {
        Self::Store(err)
    }
}

impl PartError {
    fn failure(&self, account: &AccountRecord) -> PartFailure {
        match self {
            Self::Listing(OssError::Credentials(err)) => PartFailure {
                message: format!(
                    "could not assume {}: {err}",
                    account
                        .role_arn
                        .as_ref()
                        .map_or("the account's role", |arn| arn.as_str())
                ),
                code: err.code().map(str::to_owned),
                request_id: err.request_id().map(str::to_owned),
            },
            Self::Listing(err) => PartFailure {
                message: format!("could not list the buckets: {err}"),
                code: err.code().map(str::to_owned),
                request_id: err.request_id().map(str::to_owned),
            },
            Self::Interrupted => PartFailure::message("interrupted before it completed"),
            Self::Store(err) => PartFailure::message(&format!("the database failed: {err}")),
            Self::Keys(err) => PartFailure::message(&format!("could not ask KMS: {err}")),
        }
    }
}

impl Part {
    /// Runs the part to its end and records it; never fails the scan as a whole.
    pub(super) async fn run(self) -> PartResult {
        if self.cancel.is_cancelled() {
            self.progress.stage(Stage::Interrupted);
            return PartResult::Interrupted;
        }
        let trigger = self.options.trigger.as_str();
        let now = Utc::now();
        let part = match store::insert_account_scan(
            &self.store,
            self.scan,
            self.account.id,
            trigger,
            now,
        )
        .await
        {
            Ok(part) => part,
            Err(err) => {
                tracing::error!(scan.id = %self.scan, account = %self.account.name, error = %err, "could not start the account's part");
                self.progress.stage(Stage::Failed);
                return PartResult::Failed(PartFailure::message(&format!(
                    "could not start: {err}"
                )));
            }
        };
        self.progress.stage(Stage::Running);
        let result = match &self.client {
            Ok(client) => self.run_started(part, client).await,
            Err(err) => Err(PartError::Listing(OssError::Config(err.to_string()))),
        };
        match result {
            Ok(done) => {
                self.progress.stage(Stage::Completed);
                PartResult::Completed(done)
            }
            Err(err) => self.record_end(part, &err).await,
        }
    }

    /// Records a part that did not complete, with its failure event.
    async fn record_end(&self, part: AccountScanId, err: &PartError) -> PartResult {
        let interrupted = matches!(err, PartError::Interrupted);
        let (status, stage) = if interrupted {
            (ScanStatus::Interrupted, Stage::Interrupted)
        } else {
            (ScanStatus::Failed, Stage::Failed)
        };
        let failure = err.failure(&self.account);
        let recorded = async {
            let mut tx = self.store.begin().await?;
            store::end_account_scan_unfinished(&mut tx, part, status, &failure, Utc::now()).await?;
            if !interrupted {
                events::part_failed(&mut tx, self.hub, self.scan, &self.account.name, &failure)
                    .await?;
            }
            tx.commit().await.map_err(StoreError::from)
        };
        if let Err(store) = recorded.await {
            tracing::error!(scan.id = %self.scan, account = %self.account.name, error = %store, "could not record the end of the account's part");
        }
        tracing::warn!(
            scan.id = %self.scan,
            account = %self.account.name,
            code = failure.code.as_deref().unwrap_or("none"),
            request_id = failure.request_id.as_deref().unwrap_or("none"),
            error = %failure.message,
            "account's part of the scan did not complete"
        );
        self.progress.stage(stage);
        if interrupted {
            PartResult::Interrupted
        } else {
            PartResult::Failed(failure)
        }
    }

    async fn run_started(
        &self,
        part: AccountScanId,
        client: &OssClient,
    ) -> Result<PartDone, PartError> {
        let account = self.account.id;
        let (sync, current, rules) = {
            let mut tx = self.store.begin().await?;
            let sync = BucketSync::load(&mut tx, account).await?;
            let current = store::load_current_states(&mut tx, Some(account)).await?;
            let rules = store::current_rules(&mut *tx, self.hub).await?;
            tx.commit().await.map_err(StoreError::from)?;
            (sync, current, rules)
        };
        let writer = writer::spawn(self.store.clone(), part, current, self.progress.clone());
        // Reads start with the first page: ListBuckets pages are one round trip after another,
        // and waiting for all of them put ten of those round trips per 10,000 buckets before
        // the first read.
        let (targets, queued) = mpsc::channel(TARGETS_QUEUED);
        let listing = self.list_and_sync(client, sync, targets, writer.sender.clone());
        let reading = read_all(
            client.clone(),
            queued,
            self.options.concurrency,
            writer.sender,
            &self.cancel,
        );
        // A failed listing ends the reads at once; either way both futures, and with them every
        // sender, are gone here, so the writer finishes and nothing is written after this part's
        // partial rows are removed.
        let joined = tokio::try_join!(listing, reading);
        let written = writer
            .task
            .await
            .map_err(|e| StoreError::Corrupt(format!("the scan writer stopped: {e}")))??;
        let ((synced, names), key_uses) = joined?;
        if self.cancel.is_cancelled() && written.done < synced.ids.len() as u64 {
            return Err(PartError::Interrupted);
        }
        let tagged = self.read_tags(client, &rules, &names).await?;
        // One DescribeKey per distinct customer key, after the reads named them all.
        let key_checks = keys::check(client, &key_uses, self.options.concurrency)
            .await
            .map_err(|e| PartError::Keys(e.to_string()))?;

        // Only a completed part marks its account's unlisted buckets gone.
        let mut tx = self.store.begin().await?;
        store::mark_buckets_gone(&mut tx, &synced.missing, Utc::now()).await?;
        for (tag, buckets) in &tagged {
            store::replace_bucket_tag(&mut tx, account, tag, buckets, Utc::now()).await?;
        }
        // Judged with the states this part read, before they become current (the summary
        // counts the judgements).
        let mut inventory = store::load_inventory(&mut *tx, Some(account), None).await?;
        let mut states = written.states;
        for bucket in &mut inventory.buckets {
            if let Some(state) = states.remove(&bucket.id) {
                bucket.state = Some(state);
            }
        }
        let (_, judgements) = inventory.rejudge(&rules);
        store::update_compliance(&mut tx, &judgements).await?;
        // After the rules judged: an unusable key fails its buckets whatever their rule says.
        keys::record(
            &mut tx,
            self.hub,
            (account, &self.account.name),
            self.scan,
            part,
            &key_uses,
            &key_checks,
        )
        .await?;
        // After the rules' and the keys' judgement: which buckets an approved exemption covers
        // (new buckets a pattern names included, never one whose key is unusable), before the
        // totals and the news are counted.
        store::apply_exemptions(&mut tx, Utc::now()).await?;
        let summary = store::complete_account_scan(&mut tx, part, account, Utc::now()).await?;
        events::part_completed(
            &mut tx,
            self.hub,
            self.scan,
            part,
            &self.account.name,
            &events::Judge {
                rules: &rules,
                inventory: &inventory,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(
            scan.id = %self.scan,
            account = %self.account.name,
            buckets = summary.buckets,
            unencrypted = summary.unencrypted,
            unknown = summary.unknown,
            changes = summary.changes,
            "account's part of the scan completed"
        );
        Ok(PartDone {
            summary,
            added: synced.added,
            reappeared: synced.reappeared,
            gone: synced.missing.len(),
        })
    }

    /// Reads which listed buckets carry each tag the rules use: one tag-filtered ListBuckets per
    /// distinct tag (none when no rule uses a tag), never a GetBucketTagging per bucket.
    async fn read_tags(
        &self,
        client: &OssClient,
        rules: &Rules,
        names: &HashMap<String, BucketId>,
    ) -> Result<Vec<(Tag, Vec<BucketId>)>, PartError> {
        let mut tagged = Vec::new();
        for tag in rules.tags() {
            let listed = client
                .list_tagged_buckets(tag.key(), tag.value())
                .await
                .map_err(PartError::Listing)?;
            let ids = listed
                .iter()
                .filter_map(|name| names.get(name.as_str()).copied())
                .collect();
            tagged.push((tag, ids));
        }
        Ok(tagged)
    }

    /// Lists the buckets page by page: syncs each page into the inventory (with the resource
    /// group ListBuckets names), announces it to the writer and queues its reads. Returns the
    /// sync of the complete listing and each listed bucket's id by name.
    async fn list_and_sync(
        &self,
        client: &OssClient,
        mut sync: BucketSync,
        targets: mpsc::Sender<(BucketId, BucketAddress)>,
        writer: mpsc::Sender<writer::Message>,
    ) -> Result<(SyncedBuckets, HashMap<String, BucketId>), PartError> {
        let mut pages = std::pin::pin!(client.list_bucket_pages(None, None));
        let mut names = HashMap::new();
        loop {
            let page = tokio::select! {
                page = pages.next() => page,
                () = self.cancel.cancelled() => return Err(PartError::Interrupted),
            };
            let Some(page) = page.transpose().map_err(PartError::Listing)? else {
                return Ok((sync.finish(), names));
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
            let groups: Vec<_> = page
                .iter()
                .zip(&ids)
                .map(|(b, id)| (*id, b.resource_group_id.clone()))
                .collect();
            store::update_resource_groups(&mut tx, &groups).await?;
            tx.commit().await.map_err(StoreError::from)?;
            for (bucket, id) in page.iter().zip(&ids) {
                names.insert(bucket.name.as_str().to_owned(), *id);
            }
            // Only progress: a writer that stopped reports its error when awaited.
            let _ = writer.send(writer::Message::Listed(ids.len() as u64)).await;
            for (bucket, id) in page.iter().zip(ids) {
                if targets
                    .send((id, BucketAddress::from(bucket)))
                    .await
                    .is_err()
                {
                    // The reads stopped: cancelled, or the writer failed (reported by the caller).
                    return Err(PartError::Interrupted);
                }
            }
        }
    }
}

/// Reads the encryption of each queued bucket, `concurrency` at a time, until the queue closes
/// or `cancel` fires, and hands each observation to the writer. Returns the buckets whose rule
/// names a customer key.
async fn read_all(
    client: OssClient,
    mut queued: mpsc::Receiver<(BucketId, BucketAddress)>,
    concurrency: usize,
    writer: mpsc::Sender<writer::Message>,
    cancel: &CancellationToken,
) -> Result<Vec<KeyUse>, PartError> {
    // Each read is a task of its own, so the runtime's workers share the reads' CPU (signing,
    // connecting, parsing) instead of the one task that polls them; with 64 answers arriving
    // together that single task made each cycle ~1 ms longer (benches/scan_throughput). A handle
    // dropped (cancelled, or the writer gone) aborts its read, as dropping the future did.
    let reads = stream::poll_fn(move |cx| queued.poll_recv(cx))
        .map(move |(id, address): (BucketId, BucketAddress)| {
            let client = client.clone();
            AbortOnDropHandle::new(tokio::spawn(async move {
                let read = client.read_encryption_state(&address).await;
                let key = KeyUse::of(id, &address.name, &address.region, &read.value);
                (Observation::now(id, read.value, read.request_id), key)
            }))
        })
        .buffer_unordered(concurrency.max(1));
    let mut reads = std::pin::pin!(reads.take_until(cancel.cancelled()));
    let mut key_uses = Vec::new();
    while let Some(joined) = reads.next().await {
        let observation = match joined {
            Ok((observation, key)) => {
                key_uses.extend(key);
                observation
            }
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
    Ok(key_uses)
}

#[cfg(test)]
mod tests {
    use tokio::sync::watch;

    use super::super::{ScanError, ScanProgress, Scanner};
    use super::*;
    use crate::cloud::{AccountClients, StsClient};
    use crate::domain::Trigger;
    use crate::sandbox::{self, RequestKind, STS_ENDPOINT, SandboxConfig};

    #[tokio::test]
    async fn a_listing_that_breaks_off_fails_the_part_and_keeps_nothing_of_it() {
        let sandbox = sandbox::start(SandboxConfig::for_tests(2500, 7))
            .await
            .unwrap();
        let mut config = sandbox.client_config();
        config.retry.max_attempts = 1;
        let sts = StsClient::new(url::Url::parse(STS_ENDPOINT).unwrap(), &config).unwrap();
        let client = OssClient::new(config).unwrap();
        let dir = tempfile_dir();
        let url = format!("sqlite://{}", dir.join("run.db").display());
        let hub = crate::startup::default_account_name();
        let (store, account) =
            crate::startup::open_store(&url, &hub, client.config().endpoint.as_str())
                .await
                .unwrap();
        let scanner = Scanner::new(store.clone(), AccountClients::new(client, sts), account);
        let options = ScanOptions::new(Trigger::Cli);
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

        assert!(matches!(err, ScanError::Failed { .. }), "{err}");
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
        assert_eq!(
            count("SELECT count(*) FROM account_scan WHERE status = 'failed' AND error LIKE 'could not list the buckets%'")
                .await,
            1,
            "the account's part failed on the listing"
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "oss-audit-part-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
