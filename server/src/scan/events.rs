//! The events a scan queues where it ends: at most one listing what it saw become non-compliant
//! or unknown (a summary, however many buckets), or one saying it failed.

use sqlx::SqliteConnection;

use super::ScanError;
use crate::domain::{AccountId, Cause, Event, Regressions, ScanFailed, ScanId, became};
use crate::notify;
use crate::store::{self, StoreError};

/// Queues, in the transaction that completes `scan` (after it moved the current states), one
/// event listing the buckets that scan saw become non-compliant or unknown. A bucket already in
/// that standing before the scan is not counted again; a new bucket arriving in it is. Nothing is
/// queued (nor read) when nothing regressed or no target is enabled.
pub(super) async fn scan_completed(
    conn: &mut SqliteConnection,
    account: AccountId,
    scan: ScanId,
) -> Result<(), StoreError> {
    if !store::has_enabled_notification_targets(&mut *conn, account).await? {
        return Ok(());
    }
    let policy = store::current_policy(&mut *conn, account).await?;
    let mut regressions = Regressions::new(Cause::Scan, Some(scan), None);
    for regression in store::list_scan_regressions(&mut *conn, scan).await? {
        let before = regression.before.as_ref();
        if let Some(became) = became(&policy.requirement, before, &regression.after) {
            regressions.push(
                regression.bucket,
                became,
                &regression.after,
                before.is_none(),
            );
        }
    }
    match regressions.into_event() {
        Some(event) => notify::enqueue(conn, account, &event).await,
        None => Ok(()),
    }
}

/// Queues the event of a scan that failed (not of one interrupted by a shutdown), with the OSS
/// code and request id when OSS refused.
pub(super) async fn scan_failed(
    conn: &mut SqliteConnection,
    account: AccountId,
    scan: ScanId,
    error: &ScanError,
) -> Result<(), StoreError> {
    let (code, request_id) = match error {
        ScanError::Interrupted(_) | ScanError::AlreadyRunning(_) => return Ok(()),
        ScanError::Listing { source, .. } => (
            source.code().map(str::to_owned),
            source.request_id().map(str::to_owned),
        ),
        ScanError::Store(_) => (None, None),
    };
    let event = Event::ScanFailed(ScanFailed {
        scan,
        error: error.to_string(),
        code,
        request_id,
    });
    notify::enqueue(conn, account, &event).await
}
