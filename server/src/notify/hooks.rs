//! The events of scans and remediation, built where those finish: at most one event per scan
//! (a summary of what it saw go wrong, however many buckets), one per remediation, one per failed
//! scan.

use std::cmp::Ordering;

use sqlx::SqliteConnection;

use super::enqueue;
use super::event::{
    Became, BucketTransition, BucketsNoncompliant, Event, LISTED_AT_MOST, RemediationFailure,
    RemediationFinished, ScanFailed,
};
use crate::changes::{Changer, RemediationReport};
use crate::domain::{AccountId, EncryptionState, ScanId};
use crate::policy::{Policy, Requirement, judge};
use crate::scan::ScanError;
use crate::store::{self, StoreError};

/// What a judgement means for alerting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Compliant,
    Noncompliant,
    Unknown,
}

fn standing(requirement: &Requirement, state: &EncryptionState) -> Standing {
    match judge(requirement, state) {
        Some(true) => Standing::Compliant,
        Some(false) => Standing::Noncompliant,
        None => Standing::Unknown,
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
    let requirement = &policy.requirement;
    let mut event = BucketsNoncompliant {
        scan,
        noncompliant: 0,
        unknown: 0,
        buckets: Vec::new(),
    };
    for regression in store::list_scan_regressions(&mut *conn, scan).await? {
        let after = standing(requirement, &regression.after);
        let before = regression.before.as_ref().map(|s| standing(requirement, s));
        let became = match after {
            Standing::Compliant => continue,
            _ if before == Some(after) => continue,
            Standing::Noncompliant => Became::Noncompliant,
            Standing::Unknown => Became::Unknown,
        };
        match became {
            Became::Noncompliant => event.noncompliant += 1,
            Became::Unknown => event.unknown += 1,
        }
        if event.buckets.len() < LISTED_AT_MOST {
            event.buckets.push(transition(
                regression.bucket,
                became,
                &regression.after,
                before.is_none(),
            ));
        }
    }
    if event.noncompliant + event.unknown == 0 {
        return Ok(());
    }
    // Listed by name already; non-compliant first, the more pressing news.
    event.buckets.sort_by(|a, b| match (a.became, b.became) {
        (Became::Noncompliant, Became::Unknown) => Ordering::Less,
        (Became::Unknown, Became::Noncompliant) => Ordering::Greater,
        _ => a.name.cmp(&b.name),
    });
    enqueue(conn, account, &Event::BucketsNoncompliant(event)).await
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
