//! The events an account's part of a scan queues where it ends: at most one listing what it saw
//! become non-compliant or unknown (a summary, however many buckets), or one saying it failed.
//! Each names the account.

use sqlx::SqliteConnection;

use crate::domain::{
    AccountId, AccountName, AccountScanId, Cause, Event, Regressions, ScanFailed, ScanId, became,
};
use crate::notify;
use crate::store::{self, PartFailure, StoreError};

/// Queues, in the transaction that completes `part` (after it moved the current states), one
/// event listing the buckets of `account` that part saw become non-compliant or unknown. A bucket
/// already in that standing before is not counted again; a new bucket arriving in it is. Nothing
/// is queued (nor read) when nothing regressed or no target is enabled. `hub` holds the estate's
/// policy and targets.
pub(super) async fn part_completed(
    conn: &mut SqliteConnection,
    hub: AccountId,
    scan: ScanId,
    part: AccountScanId,
    account: &AccountName,
) -> Result<(), StoreError> {
    if !store::has_enabled_notification_targets(&mut *conn, hub).await? {
        return Ok(());
    }
    let policy = store::current_policy(&mut *conn, hub).await?;
    let mut regressions = Regressions::new(Cause::Scan, Some(account.as_str()), Some(scan), None);
    for regression in store::list_scan_regressions(&mut *conn, part).await? {
        let before = regression.before.as_ref();
        if let Some(became) = became(&policy.requirement, before, &regression.after) {
            regressions.push(
                account.as_str(),
                regression.bucket,
                became,
                &regression.after,
                before.is_none(),
            );
        }
    }
    match regressions.into_event() {
        Some(event) => notify::enqueue(conn, hub, &event).await,
        None => Ok(()),
    }
}

/// Queues the event of `account`'s failed part (not of one interrupted by a shutdown), with the
/// code and request id of the service that refused.
pub(super) async fn part_failed(
    conn: &mut SqliteConnection,
    hub: AccountId,
    scan: ScanId,
    account: &AccountName,
    failure: &PartFailure,
) -> Result<(), StoreError> {
    let event = Event::ScanFailed(ScanFailed {
        scan,
        account: Some(account.to_string()),
        error: failure.message.clone(),
        code: failure.code.clone(),
        request_id: failure.request_id.clone(),
    });
    notify::enqueue(conn, hub, &event).await
}
