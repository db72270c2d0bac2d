//! The plan of a revert: per bucket, the state before the change, what the change left, what
//! oss-audit last saw, and so whether the bucket is restored, left alone, or cannot be; with a
//! digest that a confirmation carries, so a stale one is refused.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::RevertError;
use crate::domain::{AccountId, BucketName, ChangeId, EncryptionState, RunId};
use crate::store::{self, ChangeRecord, Store, StoreError};
use crate::view::{state_from_json, state_json};

/// What a revert undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevertTarget {
    /// One audit-log entry.
    Change(ChangeId),
    /// Every entry of a run (a remediation, or an earlier revert).
    Run(RunId),
}

impl RevertTarget {
    /// `change 12` or `run 3`, as the run records and messages name it.
    pub fn words(self) -> String {
        match self {
            Self::Change(id) => format!("change {id}"),
            Self::Run(id) => format!("run {id}"),
        }
    }
}

/// The actions whose entries can be reverted: those that wrote a bucket's encryption.
const REVERTIBLE_ACTIONS: [&str; 4] =
    ["put-encryption", "delete-encryption", "remediate", "revert"];

/// Whether `entry` changed a bucket's encryption, so that reverting it can mean something (one
/// OSS refused is still refused: it wrote nothing).
pub fn changed_encryption(entry: &ChangeRecord) -> bool {
    entry.bucket.is_some() && REVERTIBLE_ACTIONS.contains(&entry.action.as_str())
}

/// Whether `entry` can be reverted: it changed a bucket's encryption and OSS accepted it.
pub fn revertible(entry: &ChangeRecord) -> bool {
    changed_encryption(entry) && entry.outcome == "ok"
}

/// What a revert would do, bucket by bucket (in name order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevertPlan {
    pub target: RevertTarget,
    /// What is undone, in words: `put-encryption of logs-1 by user:olga`, `remediation run 3 by
    /// user:olga (AES256)`.
    pub describes: String,
    pub buckets: Vec<PlannedBucket>,
    /// SHA-256 (hex) of the plan: the target and, per bucket, its verdict and states.
    pub digest: String,
}

impl RevertPlan {
    /// How many buckets have `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.buckets.iter().filter(|b| b.verdict == verdict).count()
    }
}

/// One bucket of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedBucket {
    /// The account the change was made in (the bucket's then).
    pub account: String,
    pub name: String,
    /// `None` when the bucket is no longer in the inventory.
    pub region: Option<String>,
    /// The entry whose `before` is restored (a run's first entry for the bucket).
    pub change: ChangeId,
    /// What the change (a run's last entry for the bucket) left, as re-read; `None` when OSS
    /// refused it.
    pub result: Option<EncryptionState>,
    /// What oss-audit last saw (a scan, or the re-read after a change); `None` when gone.
    pub now: Option<EncryptionState>,
    /// The state before the change, which a revert restores; `None` when it is not known.
    pub restore: Option<EncryptionState>,
    pub verdict: Verdict,
    /// The OSS code of a refused change.
    pub refused_code: Option<String>,
}

impl PlannedBucket {
    /// Why the bucket is restored or left alone, in words.
    pub fn reason(&self) -> String {
        let said = |state: &Option<EncryptionState>| {
            state
                .as_ref()
                .map_or_else(|| "nothing known".to_owned(), ToString::to_string)
        };
        match self.verdict {
            Verdict::Restore => format!("holds what the change left ({})", said(&self.now)),
            Verdict::ChangedSince => format!(
                "changed since: now {}, the change left {}",
                said(&self.now),
                said(&self.result)
            ),
            Verdict::AlreadyRestored => format!(
                "already holds the state before the change ({})",
                said(&self.restore)
            ),
            Verdict::RefusedByOss => format!(
                "OSS refused the change ({}): nothing was written, so there is nothing to revert",
                self.refused_code.as_deref().unwrap_or("error")
            ),
            Verdict::BeforeUnknown => {
                "its state before the change was not known, so there is nothing to restore"
                    .to_owned()
            }
            Verdict::Gone => "no longer in the inventory".to_owned(),
        }
    }
}

/// What a revert does with one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// It holds what the change left: its state before is restored.
    Restore,
    /// It changed again since (or cannot be read now): left alone unless explicitly included.
    ChangedSince,
    /// It already holds the state before the change: nothing to do.
    AlreadyRestored,
    /// OSS refused the change: nothing was written.
    RefusedByOss,
    /// Its state before the change could not be read: nothing known to restore.
    BeforeUnknown,
    /// It is no longer in the inventory.
    Gone,
}

impl Verdict {
    /// The name the API and the CLI's JSON use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restore => "restore",
            Self::ChangedSince => "changed_since",
            Self::AlreadyRestored => "already_restored",
            Self::RefusedByOss => "refused_by_oss",
            Self::BeforeUnknown => "before_unknown",
            Self::Gone => "not_in_inventory",
        }
    }
}

/// The plan of reverting `target` now, from the audit log and the inventory.
pub async fn plan(
    store: &Store,
    account: AccountId,
    target: RevertTarget,
) -> Result<RevertPlan, RevertError> {
    let (describes, entries) = match target {
        RevertTarget::Change(id) => {
            let entry = store::find_change(store, id)
                .await?
                .ok_or(RevertError::NoSuchChange(id))?;
            if !changed_encryption(&entry) {
                return Err(RevertError::NotRevertible(format!(
                    "change {id} ({}) did not change a bucket's encryption; only such changes can be reverted",
                    entry.action
                )));
            }
            if entry.outcome != "ok" {
                return Err(RevertError::NotRevertible(format!(
                    "OSS refused change {id} ({}{}): nothing was written, so there is nothing to revert",
                    entry.outcome,
                    entry
                        .request_id
                        .as_deref()
                        .map(|r| format!(", request id {r}"))
                        .unwrap_or_default()
                )));
            }
            let describes = format!(
                "change {id}: {} of {} by {}",
                entry.action,
                entry.bucket.as_deref().unwrap_or_default(),
                entry.actor
            );
            (describes, vec![entry])
        }
        RevertTarget::Run(id) => {
            let run = store::find_run(store, account, id)
                .await?
                .ok_or(RevertError::NoSuchRun(id))?;
            let describes = match run.kind {
                crate::domain::RunKind::Remediate => {
                    format!("remediation run {id} by {} ({})", run.actor, run.target)
                }
                crate::domain::RunKind::Revert => {
                    format!("revert run {id} by {} (of {})", run.actor, run.target)
                }
            };
            (describes, store::list_run_changes(store, id).await?)
        }
    };
    let mut buckets = Vec::new();
    for (name, entries) in by_bucket(entries) {
        buckets.push(plan_bucket(store, name, &entries).await?);
    }
    let digest = digest(target, &buckets);
    Ok(RevertPlan {
        target,
        describes,
        buckets,
        digest,
    })
}

/// The entries of each bucket, oldest first, buckets by name.
fn by_bucket(entries: Vec<ChangeRecord>) -> BTreeMap<String, Vec<ChangeRecord>> {
    let mut buckets: BTreeMap<String, Vec<ChangeRecord>> = BTreeMap::new();
    for entry in entries {
        if let Some(name) = entry.bucket.clone() {
            buckets.entry(name).or_default().push(entry);
        }
    }
    buckets
}

/// One bucket's plan from its entries (oldest first): the first accepted entry's `before` is
/// restored when the bucket still holds the last accepted entry's `after`.
async fn plan_bucket(
    store: &Store,
    name: String,
    entries: &[ChangeRecord],
) -> Result<PlannedBucket, StoreError> {
    let accepted: Vec<&ChangeRecord> = entries.iter().filter(|e| e.outcome == "ok").collect();
    let (Some(first), Some(last)) = (accepted.first(), accepted.last()) else {
        let refused = entries.last().expect("a bucket has an entry");
        return Ok(PlannedBucket {
            account: refused.account.to_string(),
            name,
            region: None,
            change: refused.id,
            result: None,
            now: None,
            restore: None,
            verdict: Verdict::RefusedByOss,
            refused_code: Some(refused.outcome.clone()),
        });
    };
    let restore = first
        .before
        .as_deref()
        .and_then(state_from_json)
        .filter(|s| s.rule().is_some() || *s == EncryptionState::Unencrypted);
    let result = last.after.as_deref().and_then(state_from_json);
    let current = match BucketName::parse(&name) {
        Ok(parsed) => store::find_bucket_by_name(store, &parsed)
            .await?
            .filter(|b| b.gone_at.is_none()),
        Err(_) => None,
    };
    let verdict = match (&current, &restore) {
        (None, _) => Verdict::Gone,
        (Some(_), None) => Verdict::BeforeUnknown,
        (Some(now), Some(before)) if now.state.same_as(before) => Verdict::AlreadyRestored,
        (Some(now), Some(_))
            if now.state.rule().is_some() || now.state == EncryptionState::Unencrypted =>
        {
            match &result {
                Some(left) if now.state.same_as(left) => Verdict::Restore,
                _ => Verdict::ChangedSince,
            }
        }
        // Unreadable now: nothing says it still holds what the change left.
        (Some(_), Some(_)) => Verdict::ChangedSince,
    };
    Ok(PlannedBucket {
        account: first.account.to_string(),
        name,
        region: current.as_ref().map(|b| b.region.to_string()),
        change: first.id,
        result,
        now: current.map(|b| b.state),
        restore,
        verdict,
        refused_code: None,
    })
}

/// SHA-256 (hex) of the target and, per bucket, the entry, verdict, state now and state to
/// restore: anything a preview shows that would change what a confirmation does.
fn digest(target: RevertTarget, buckets: &[PlannedBucket]) -> String {
    let mut hash = Sha256::new();
    hash.update(target.words().as_bytes());
    hash.update(b"\n");
    for bucket in buckets {
        let line = format!(
            "{}\t{}\t{}\t{}\t{}\n",
            bucket.name,
            bucket.change,
            bucket.verdict.as_str(),
            state_json(bucket.now.as_ref()),
            state_json(bucket.restore.as_ref()),
        );
        hash.update(line.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
