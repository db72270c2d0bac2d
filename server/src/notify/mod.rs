//! Notifications: events worth telling people about (the domain's [`Event`]s), queued in SQLite
//! and delivered to webhooks, DingTalk robots and Slack, with retries, by a worker that never
//! blocks a scan.
//!
//! The flow: whoever records something noteworthy (a scan, an action) builds the event and calls
//! [`enqueue`] in the same transaction (one delivery row per enabled target: a plain INSERT, no
//! network); the [`worker`] in `serve` (or `oss-audit notify deliver`) claims due rows, sends
//! them ([`send`]), and records the outcome or schedules a retry with backoff ([`deliver`]).

mod address;
mod config;
mod deliver;
mod guard;
mod message;
mod send;
mod sign;
mod worker;

pub use address::{METADATA_ADDRESS, refusal};
pub use config::{DeliveryConfig, DeliveryTiming, EnvTargets, NotifyConfig};
pub use deliver::{Deliverer, Pass};
pub use guard::{ALLOW_PRIVATE_VAR, AddressError, AdmittedTarget, PublicResolver, ReceiverPolicy};
pub use sign::{dingtalk_sign, webhook_signature};
pub use worker::run_worker;

use chrono::Utc;
use sqlx::SqliteConnection;
use tokio::sync::Notify;

use crate::domain::{AccountId, Event, TargetId};
use crate::store::{self, StoreError};

/// Wakes delivery workers of this process when something is queued, so a message goes out at
/// once rather than at the next poll. Process-wide because events are queued from places that
/// hold no handle on the worker (the scanner and every action). A woken
/// worker claims rows in a write transaction, which waits for the queuing transaction to commit,
/// so it sees them.
static QUEUED: Notify = Notify::const_new();

/// Queues `event` for every enabled target of `account`, inside the caller's transaction (so the
/// event is recorded exactly when what it describes is).
pub async fn enqueue(
    conn: &mut SqliteConnection,
    account: AccountId,
    event: &Event,
) -> Result<(), StoreError> {
    queue(conn, account, None, event).await.map(|_| ())
}

/// Queues `event` for `target` only (a test message); false when the target is disabled or gone.
pub async fn enqueue_for(
    conn: &mut SqliteConnection,
    account: AccountId,
    target: TargetId,
    event: &Event,
) -> Result<bool, StoreError> {
    Ok(queue(conn, account, Some(target), event).await? == 1)
}

/// Wakes the delivery workers of this process without queuing anything: deliveries that waited
/// (for a target to be enabled again) are due now.
pub fn wake() {
    QUEUED.notify_waiters();
}

async fn queue(
    conn: &mut SqliteConnection,
    account: AccountId,
    target: Option<TargetId>,
    event: &Event,
) -> Result<u64, StoreError> {
    let json = serde_json::to_string(event)
        .map_err(|e| StoreError::Corrupt(format!("could not encode a notification: {e}")))?;
    let queued =
        store::insert_deliveries(conn, account, target, event.kind(), &json, Utc::now()).await?;
    if queued > 0 {
        tracing::debug!(
            event = event.kind(),
            deliveries = queued,
            "notification queued"
        );
        QUEUED.notify_waiters();
    }
    Ok(queued)
}
