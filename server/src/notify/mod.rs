//! Notifications: events worth telling people about, queued in SQLite and delivered to webhooks,
//! DingTalk robots and Slack, with retries, by a worker that never blocks a scan.

mod event;

pub use event::{Event, ReportReady};

use sqlx::SqliteConnection;

use crate::domain::AccountId;
use crate::store::StoreError;

/// Queues `event` for every enabled target of `account`, inside the caller's transaction (so the
/// event is recorded exactly when what it describes is).
// Placeholder until the notification queue lands: the contract other modules call.
pub async fn enqueue(
    _conn: &mut SqliteConnection,
    _account: AccountId,
    _event: &Event,
) -> Result<(), StoreError> {
    Ok(())
}
