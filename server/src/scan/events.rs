//! The events an account's part of a scan queues where it ends: at most one listing what it saw
//! become non-compliant or unknown (a summary, however many buckets), or one saying it failed.
//! Each names the account.

use sqlx::SqliteConnection;

use std::collections::HashMap;

use crate::domain::{
    AccountId, AccountName, AccountScanId, Cause, Event, Regressions, Requirement, Rules,
    ScanFailed, ScanId, became,
};
use crate::notify;
use crate::store::{self, Inventory, PartFailure, StoreError};

/// What the part's buckets were judged with: the rules, and the account's buckets.
pub(super) struct Judge<'a> {
    pub rules: &'a Rules,
    pub inventory: &'a Inventory,
}

impl Judge<'_> {
    /// The requirement of the rule deciding each bucket, by name (none for a bucket whose rule
    /// is undetermined until its tags are read).
    fn requirements(&self) -> HashMap<&str, &Requirement> {
        self.inventory
            .buckets
            .iter()
            .filter_map(|b| {
                let policy = self.rules.policy_for(&self.inventory.facts(b))?;
                Some((b.name.as_str(), &policy.requirement))
            })
            .collect()
    }
}

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
    judge: &Judge<'_>,
) -> Result<(), StoreError> {
    if !store::has_enabled_notification_targets(&mut *conn, hub).await? {
        return Ok(());
    }
    let requirements = judge.requirements();
    let mut regressions = Regressions::new(Cause::Scan, Some(account.as_str()), Some(scan), None);
    for regression in store::list_scan_regressions(&mut *conn, part).await? {
        let before = regression.before.as_ref();
        let Some(requirement) = requirements.get(regression.bucket.as_str()) else {
            continue;
        };
        if let Some(became) = became(requirement, before, &regression.after) {
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
