//! One-click remediation: encrypt every readable non-compliant bucket with the policy's target.

use futures_util::{StreamExt, stream};

use chrono::Utc;

use super::encryption::{Change, Provenance, change_encryption_in};
use super::{ChangeError, Changer};
use crate::domain::{BucketName, Event, LISTED_AT_MOST, RemediationFinished, RunId, RunKind};
use crate::notify;
use crate::store::{self, BucketQuery, NewRun, RunCounts, StoreError};

/// Which buckets to remediate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every readable, non-compliant bucket. Compliant and unknown buckets are never touched.
    AllNonCompliant,
    /// Exactly these buckets, whatever their state (an explicit choice).
    Named(Vec<BucketName>),
}

/// A bucket that could not be remediated, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RemediationFailure {
    pub name: String,
    pub error: String,
}

/// The outcome per bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RemediationReport {
    /// The run's id (what `revert --remediation` takes); `None` when nothing was selected.
    pub run: Option<RunId>,
    pub remediated: Vec<String>,
    pub failed: Vec<RemediationFailure>,
}

/// Changes at most this many buckets at once.
const IN_FLIGHT: usize = 8;

/// The buckets `selection` names, in name order.
pub async fn selected_buckets(
    changer: Changer<'_>,
    selection: &Selection,
) -> Result<Vec<BucketName>, StoreError> {
    match selection {
        Selection::Named(names) => Ok(names.clone()),
        Selection::AllNonCompliant => {
            let query = BucketQuery {
                compliant: Some(false),
                limit: i64::MAX,
                ..BucketQuery::default()
            };
            Ok(store::query_buckets(changer.store, changer.account, &query)
                .await?
                .into_iter()
                .map(|b| b.name)
                .collect())
        }
    }
}

/// Applies the policy's remediation target to the selected buckets.
pub async fn remediate(
    changer: Changer<'_>,
    selection: &Selection,
) -> Result<RemediationReport, StoreError> {
    let policy = store::current_policy(changer.store, changer.account).await?;
    let names = selected_buckets(changer, selection).await?;
    if names.is_empty() {
        return Ok(RemediationReport::default());
    }
    let target = policy.remediation_target.to_string();
    let run = start_run(changer, &target).await?;
    let change = Change::Put {
        rule: policy.remediation_target,
        remediation: true,
    };
    let provenance = Provenance {
        run: Some(run),
        reverts: None,
    };
    let results: Vec<_> = stream::iter(names)
        .map(|name| {
            let change = &change;
            async move {
                let result = change_encryption_in(changer, &name, change, provenance).await;
                (name, result)
            }
        })
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    let mut report = RemediationReport {
        run: Some(run),
        ..RemediationReport::default()
    };
    for (name, result) in results {
        match result {
            Ok(_) => report.remediated.push(name.to_string()),
            Err(ChangeError::Store(e)) => return Err(e),
            Err(err) => report.failed.push(RemediationFailure {
                name: name.to_string(),
                error: describe(&err),
            }),
        }
    }
    finished(changer, &report).await;
    Ok(report)
}

/// Records the run as it starts, so each of its audit-log entries can name it.
async fn start_run(changer: Changer<'_>, target: &str) -> Result<RunId, StoreError> {
    let mut tx = changer.store.begin().await?;
    let run = NewRun {
        account: changer.account,
        kind: RunKind::Remediate,
        actor: changer.actor.as_str(),
        started_at: Utc::now(),
        target,
        reverts_change: None,
        reverts_run: None,
    };
    let id = store::insert_run(&mut tx, &run).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records the run's end and queues the event of a finished remediation, together. A failure is
/// logged, not returned: the buckets were changed either way, and the caller must say so.
async fn finished(changer: Changer<'_>, report: &RemediationReport) {
    let Some(run) = report.run else {
        return;
    };
    let event = Event::RemediationFinished(RemediationFinished {
        actor: changer.actor.to_string(),
        remediated: report.remediated.len() as u64,
        failed: report.failed.len() as u64,
        failures: report
            .failed
            .iter()
            .take(LISTED_AT_MOST)
            .map(|f| crate::domain::RemediationFailure {
                bucket: f.name.clone(),
                error: f.error.clone(),
            })
            .collect(),
    });
    let counts = RunCounts {
        changed: report.remediated.len() as i64,
        failed: report.failed.len() as i64,
        left_alone: 0,
    };
    let queued = async {
        let mut tx = changer.store.begin().await?;
        store::update_run_finished(&mut tx, run, Utc::now(), counts).await?;
        notify::enqueue(&mut tx, changer.account, &event).await?;
        tx.commit().await.map_err(StoreError::from)
    };
    if let Err(err) = queued.await {
        tracing::error!(error = %err, "could not queue the remediation notification");
    }
}

/// The one-line reason shown per failed bucket: the OSS code, message and request id.
pub fn describe(err: &ChangeError) -> String {
    match err {
        ChangeError::Oss(oss) => match oss.service() {
            Some(e) => format!(
                "{}: {} (request id {})",
                e.code,
                e.message,
                e.request_id.as_deref().unwrap_or("none")
            ),
            None => oss.to_string(),
        },
        other => other.to_string(),
    }
}
