//! An account's part's single writer: batches observations that changed into transactions, and
//! publishes progress. Reads never wait for the database, and the database sees one writer per
//! part.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::progress::PartProgress;
use crate::domain::{AccountScanId, BucketId, EncryptionState, Status};
use crate::store::{self, Observation, Store, StoreError};

/// Observations per transaction at most.
const BATCH: usize = 500;
/// A transaction (and a progress update) at least this often while reads come in.
const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// What the writer hands back when every observation is written.
#[derive(Debug, Default)]
pub(super) struct Written {
    /// The new states of the buckets whose state changed (judged when the part completes).
    pub states: HashMap<BucketId, EncryptionState>,
    pub done: u64,
    pub failed: u64,
}

/// What the writer is told.
pub(super) enum Message {
    /// This many more buckets were listed: the total to read grows while the listing goes on.
    Listed(u64),
    Read(Observation),
}

/// The sending side, and the task that writes.
pub(super) struct Writer {
    pub sender: mpsc::Sender<Message>,
    pub task: JoinHandle<Result<Written, StoreError>>,
}

/// Starts the writer of `part`. `current` is each bucket's state before the scan: an observation
/// equal to it writes nothing.
pub(super) fn spawn(
    store: Store,
    part: AccountScanId,
    current: HashMap<BucketId, EncryptionState>,
    progress: PartProgress,
) -> Writer {
    let (sender, mut receiver) = mpsc::channel::<Message>(4 * BATCH);
    let task = tokio::spawn(async move {
        let mut written = Written::default();
        let mut total = 0;
        let mut batch = Vec::with_capacity(BATCH);
        let mut ticker = tokio::time::interval(FLUSH_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let next = tokio::select! {
                received = receiver.recv() => received.map(Some),
                _ = ticker.tick() => Some(None),
            };
            match next {
                Some(Some(Message::Listed(more))) => total += more,
                Some(Some(Message::Read(observation))) => {
                    written.done += 1;
                    if observation.state.status() == Status::Unknown {
                        written.failed += 1;
                    }
                    let unchanged = current
                        .get(&observation.bucket)
                        .is_some_and(|before| before.same_as(&observation.state));
                    if !unchanged {
                        written
                            .states
                            .insert(observation.bucket, observation.state.clone());
                        batch.push(observation);
                    }
                    if batch.len() >= BATCH {
                        flush(&store, part, total, &mut batch, &written, &progress).await?;
                    }
                }
                Some(None) => flush(&store, part, total, &mut batch, &written, &progress).await?,
                None => {
                    flush(&store, part, total, &mut batch, &written, &progress).await?;
                    return Ok(written);
                }
            }
        }
    });
    Writer { sender, task }
}

async fn flush(
    store: &Store,
    part: AccountScanId,
    total: u64,
    batch: &mut Vec<Observation>,
    written: &Written,
    progress: &PartProgress,
) -> Result<(), StoreError> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mut tx = store.begin().await?;
    if !batch.is_empty() {
        store::insert_observations(&mut tx, Some(part), batch).await?;
    }
    store::update_account_scan_progress(
        &mut tx,
        part,
        count(total),
        count(written.done),
        count(written.failed),
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    batch.clear();
    progress.counts(total, written.done, written.failed);
    Ok(())
}
