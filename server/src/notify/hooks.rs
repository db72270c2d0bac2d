//! The events of scans and remediation, built where those finish: at most one event per scan
//! (a summary of what it saw go wrong, however many buckets), one per remediation, one per failed
//! scan; and what the scan, change and policy events share (see [`super::regressions`]).

use sqlx::SqliteConnection;

use super::enqueue;
use super::event::{
    Became, BucketTransition, BucketsNoncompliant, Cause, Event, LISTED_AT_MOST,
    RemediationFailure, RemediationFinished, ScanFailed,
};
use crate::changes::{Changer, RemediationReport};
use crate::domain::{AccountId, EncryptionState, ScanId};
use crate::policy::{Policy, Requirement, judge};
use crate::scan::ScanError;
use crate::store::{self, StoreError};

/// What `after` means for alerting when the bucket was in `before` (`None`: never read): the
/// judgement it moved to, or `None` when it is compliant or was already in that judgement.
pub(super) fn became(
    requirement: &Requirement,
    before: Option<&EncryptionState>,
    after: &EncryptionState,
) -> Option<Became> {
    let after = judge(requirement, after);
    if after == Some(true) || before.is_some_and(|b| judge(requirement, b) == after) {
        return None;
    }
    Some(match after {
        Some(_) => Became::Noncompliant,
        None => Became::Unknown,
    })
}

/// The buckets of one [`BucketsNoncompliant`] event, gathered one by one: all are counted, the
/// first [`LISTED_AT_MOST`] listed.
pub(super) struct Regressions(BucketsNoncompliant);

impl Regressions {
    pub(super) fn new(cause: Cause, scan: Option<ScanId>, by: Option<&str>) -> Self {
        Self(BucketsNoncompliant {
            cause,
            scan,
            by: by.map(str::to_owned),
            noncompliant: 0,
            unknown: 0,
            buckets: Vec::new(),
        })
    }

    /// Counts bucket `name`, which `became` something in state `after`; lists it while there is
    /// room.
    pub(super) fn push(
        &mut self,
        name: String,
        became: Became,
        after: &EncryptionState,
        new: bool,
    ) {
        match became {
            Became::Noncompliant => self.0.noncompliant += 1,
            Became::Unknown => self.0.unknown += 1,
        }
        if self.0.buckets.len() < LISTED_AT_MOST {
            self.0.buckets.push(transition(name, became, after, new));
        }
    }

    /// Queues the event, unless no bucket was counted.
    pub(super) async fn enqueue(
        mut self,
        conn: &mut SqliteConnection,
        account: AccountId,
    ) -> Result<(), StoreError> {
        if self.0.noncompliant + self.0.unknown == 0 {
            return Ok(());
        }
        // Non-compliant first, the more pressing news; then by name.
        self.0
            .buckets
            .sort_by(|a, b| (a.became, &a.name).cmp(&(b.became, &b.name)));
        enqueue(conn, account, &Event::BucketsNoncompliant(self.0)).await
    }
}

/// Queues, in the transaction that completes `scan` (after it moved the current states), one
/// event listing the buckets that scan saw become non-compliant or unknown. A bucket already in
/// that standing before the scan is not counted again; a new bucket arriving in it is. Nothing is
/// queued (nor read) when nothing regressed or no target is enabled.
pub async fn scan_completed(
    conn: &mut SqliteConnection,
    account: AccountId,
    scan: ScanId,
) -> Result<(), StoreError> {
    if !store::has_enabled_notification_targets(&mut *conn, account).await? {
        return Ok(());
    }
    let policy = store::find_policy(&mut *conn, account)
        .await?
        .unwrap_or_else(Policy::default);
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
    regressions.enqueue(conn, account).await
}

fn transition(
    name: String,
    became: Became,
    after: &EncryptionState,
    new: bool,
) -> BucketTransition {
    let detail = match after {
        EncryptionState::Unknown { code, .. } => Some(code.clone()),
        EncryptionState::Encrypted(rule) => Some(rule.to_string()),
        EncryptionState::Unencrypted => None,
    };
    BucketTransition {
        name,
        became,
        status: after.status().as_str().to_owned(),
        detail,
        new,
    }
}

/// Queues the event of a scan that failed (not of one interrupted by a shutdown), with the OSS
/// code and request id when OSS refused.
pub async fn scan_failed(
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
    enqueue(conn, account, &event).await
}

/// Queues the event of a finished remediation that touched anything. A failure to queue is
/// logged, not returned: the buckets were changed either way, and the caller must say so.
pub async fn remediation_finished(changer: Changer<'_>, report: &RemediationReport) {
    if report.remediated.is_empty() && report.failed.is_empty() {
        return;
    }
    let event = Event::RemediationFinished(RemediationFinished {
        actor: changer.actor.to_owned(),
        remediated: report.remediated.len() as u64,
        failed: report.failed.len() as u64,
        failures: report
            .failed
            .iter()
            .take(LISTED_AT_MOST)
            .map(|f| RemediationFailure {
                bucket: f.name.clone(),
                error: f.error.clone(),
            })
            .collect(),
    });
    let queued = match changer.store.pool().acquire().await {
        Ok(mut conn) => enqueue(&mut conn, changer.account, &event).await,
        Err(err) => Err(err.into()),
    };
    if let Err(err) = queued {
        tracing::error!(error = %err, "could not queue the remediation notification");
    }
}
