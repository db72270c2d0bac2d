//! Revert: give buckets back the encryption they had before a change or a whole run. The plan
//! comes first (what is restored, what is left alone and why); the revert carries it out bucket
//! by bucket, each one an encryption change (`revert` in the audit log, naming the entry it
//! undoes) in its own transaction, all of them one run that can itself be reverted.

mod plan;
mod shape;

use std::collections::BTreeSet;

use chrono::Utc;
use futures_util::{StreamExt, stream};

pub use plan::{PlannedBucket, RevertPlan, RevertTarget, Verdict, plan, revertible};
pub use shape::{RevertBucketView, RevertFailureView, RevertView};

use super::encryption::{Change, Provenance, change_encryption_in};
use super::keys::KeyAnswers;
use super::{ChangeError, Changer};
use crate::domain::{
    BucketName, Cause, ChangeId, EncryptionState, Regressions, RunId, RunKind, became,
};
use crate::notify;
use crate::store::{self, NewRun, RunCounts, StoreError};

/// Buckets changed at most at once, as remediation does.
const IN_FLIGHT: usize = 8;

/// Why a revert was not made (nothing was changed).
#[derive(Debug, thiserror::Error)]
pub enum RevertError {
    #[error("there is no change {0} in the audit log")]
    NoSuchChange(ChangeId),
    #[error("there is no run {0}")]
    NoSuchRun(RunId),
    /// The change cannot be reverted, and why.
    #[error("{0}")]
    NotRevertible(String),
    /// The plan is no longer the one previewed (the digest differs); here is the plan now.
    #[error(
        "nothing was changed: what this revert would do changed since it was previewed; review the plan again and confirm it"
    )]
    Stale(Box<RevertPlan>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which buckets that changed again since the change are restored anyway (an explicit choice).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Include {
    /// None of them: they are left alone.
    #[default]
    None,
    /// All of them.
    All,
    /// Those named.
    Only(BTreeSet<String>),
}

impl Include {
    /// Whether a revert with this choice restores `bucket`: when it holds what the change left,
    /// or changed since and is included.
    pub fn restores(&self, bucket: &PlannedBucket) -> bool {
        match bucket.verdict {
            Verdict::Restore => true,
            Verdict::ChangedSince => match self {
                Self::None => false,
                Self::All => true,
                Self::Only(names) => names.contains(&bucket.name),
            },
            _ => false,
        }
    }
}

/// What happened to one bucket of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketResult {
    /// Its state before the change was written; `after` is what OSS reports now.
    Restored { after: EncryptionState },
    /// OSS refused (or the write failed): the bucket is as it was.
    Failed {
        code: String,
        message: String,
        request_id: Option<String>,
    },
    /// Not touched, for the reason its verdict gives.
    LeftAlone,
}

/// A revert carried out: its plan, and per bucket (in the plan's order) what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevertReport {
    /// The revert's own run (what reverting this revert takes); `None` when nothing was to be
    /// restored, so nothing was written or logged.
    pub run: Option<RunId>,
    pub plan: RevertPlan,
    pub results: Vec<BucketResult>,
}

impl RevertReport {
    /// Buckets restored, failed and left alone.
    pub fn counts(&self) -> RunCounts {
        let mut counts = RunCounts::default();
        for result in &self.results {
            match result {
                BucketResult::Restored { .. } => counts.changed += 1,
                BucketResult::Failed { .. } => counts.failed += 1,
                BucketResult::LeftAlone => counts.left_alone += 1,
            }
        }
        counts
    }
}

/// Reverts `target`: plans it again now and, unless `expected` names another plan's digest,
/// restores each bucket that holds what the change left (and those changed since that `include`
/// covers). A bucket OSS refuses is reported, not retried; the others go on.
pub async fn revert(
    changer: Changer<'_>,
    target: RevertTarget,
    include: &Include,
    expected: Option<&str>,
) -> Result<RevertReport, RevertError> {
    let plan = plan(changer.store, changer.hub, target).await?;
    if expected.is_some_and(|digest| digest != plan.digest) {
        return Err(RevertError::Stale(Box::new(plan)));
    }
    if !plan.buckets.iter().any(|b| include.restores(b)) {
        let results = vec![BucketResult::LeftAlone; plan.buckets.len()];
        return Ok(RevertReport {
            run: None,
            plan,
            results,
        });
    }
    let run = start_run(changer, target).await?;
    let key_answers = KeyAnswers::default();
    let changer = Changer {
        key_answers: Some(&key_answers),
        ..changer
    };
    // Owned buckets: a stream of borrowed ones makes the future not `Send` for axum.
    let results: Vec<BucketResult> = stream::iter(plan.buckets.clone())
        .map(|bucket| {
            let restores = include.restores(&bucket);
            async move {
                if !restores {
                    return Ok(BucketResult::LeftAlone);
                }
                restore(changer, run, &bucket).await
            }
        })
        .buffered(IN_FLIGHT)
        .collect::<Vec<Result<_, StoreError>>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let report = RevertReport {
        run: Some(run),
        plan,
        results,
    };
    finish_run(changer, &report).await?;
    Ok(report)
}

/// Writes the bucket's state before the change back, logged as a `revert` of that entry.
async fn restore(
    changer: Changer<'_>,
    run: RunId,
    bucket: &PlannedBucket,
) -> Result<BucketResult, StoreError> {
    let change = match &bucket.restore {
        Some(EncryptionState::Encrypted(rule)) => Change::Put {
            rule: rule.clone(),
            remediation: false,
        },
        // The plan restores only a rule or no rule.
        _ => Change::Delete,
    };
    let provenance = Provenance {
        run: Some(run),
        reverts: Some(bucket.change),
    };
    let name = match BucketName::parse(&bucket.name) {
        Ok(name) => name,
        Err(err) => return Ok(failed("InvalidBucketName", err.to_string(), None)),
    };
    match change_encryption_in(changer, &name, &change, provenance).await {
        Ok(changed) => Ok(BucketResult::Restored {
            after: changed.after,
        }),
        Err(ChangeError::Store(err)) => Err(err),
        Err(ChangeError::Oss(err)) => Ok(match err.service() {
            Some(e) => failed(&e.code, e.message.clone(), e.request_id.clone()),
            None => failed(
                err.kind_code(),
                err.to_string(),
                err.request_id().map(str::to_owned),
            ),
        }),
        Err(err @ ChangeError::NotInInventory(_)) => {
            Ok(failed("NotInInventory", err.to_string(), None))
        }
        // Restoring a rule whose customer key is no longer Enabled would leave the bucket
        // unwritable: the bucket fails with the key's state and OSS is not called.
        Err(err @ ChangeError::KeyNotUsable { .. }) => {
            Ok(failed("KeyNotUsable", err.to_string(), None))
        }
    }
}

fn failed(code: &str, message: String, request_id: Option<String>) -> BucketResult {
    BucketResult::Failed {
        code: code.to_owned(),
        message,
        request_id,
    }
}

/// Records the revert's run as it starts, so each of its entries can name it.
async fn start_run(changer: Changer<'_>, target: RevertTarget) -> Result<RunId, StoreError> {
    let (reverts_change, reverts_run) = match target {
        RevertTarget::Change(id) => (Some(id), None),
        RevertTarget::Run(id) => (None, Some(id)),
    };
    let words = target.words();
    let run = NewRun {
        account: changer.hub,
        kind: RunKind::Revert,
        actor: changer.actor.as_str(),
        started_at: Utc::now(),
        target: &words,
        reverts_change,
        reverts_run,
    };
    let mut tx = changer.store.begin().await?;
    let id = store::insert_run(&mut tx, &run).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records the run's end and, in the same transaction, the one alert for every bucket the revert
/// left newly non-compliant or unknown (as a change of encryption alerts, `cause: change`).
async fn finish_run(changer: Changer<'_>, report: &RevertReport) -> Result<(), StoreError> {
    let Some(run) = report.run else {
        return Ok(());
    };
    let mut tx = changer.store.begin().await?;
    let policy = store::current_policy(&mut *tx, changer.hub).await?;
    // A run can span accounts: the alert names each bucket's.
    let mut regressions = Regressions::new(Cause::Change, None, None, Some(changer.actor.as_str()));
    for (bucket, result) in report.plan.buckets.iter().zip(&report.results) {
        if let BucketResult::Restored { after } = result
            && let Some(news) = became(&policy.requirement, bucket.now.as_ref(), after)
        {
            regressions.push(&bucket.account, bucket.name.clone(), news, after, false);
        }
    }
    if let Some(event) = regressions.into_event() {
        notify::enqueue(&mut tx, changer.hub, &event).await?;
    }
    store::update_run_finished(&mut tx, run, Utc::now(), report.counts()).await?;
    tx.commit().await?;
    Ok(())
}
