//! One-click remediation: encrypt every readable non-compliant bucket (or the buckets named, less
//! those already compliant or exempt unless forced) with the remediation target of the rule that
//! decides it. A remediation is planned first (which buckets, each one's target, and a digest of
//! them and of the buckets' states); a confirmation names the digest it saw, and runs only while
//! the plan is still the same.

use std::collections::HashMap;
use std::fmt::Write as _;

use futures_util::{StreamExt, stream};

use chrono::Utc;

use super::encryption::{Change, Provenance, change_encryption_in};
use super::keys::KeyAnswers;
use super::{ChangeError, Changer};
use crate::auth::secrets::sha256_hex;
use crate::domain::{
    AccountId, AccountName, BucketId, BucketName, EncryptionRule, EncryptionState, Event,
    ExemptionId, LISTED_AT_MOST, Policy, RemediationFinished, Rules, RunId, RunKind,
};
use crate::notify;
use crate::store::{self, BucketRecord, NewRun, RunCounts, Store, StoreError};

/// Which buckets to remediate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every readable, non-compliant bucket of every account. Compliant, exempt and unknown
    /// buckets are never touched.
    AllNonCompliant,
    /// Exactly these buckets (an explicit choice, so unknown ones too), except those already
    /// compliant or exempt, unless `force`.
    Named {
        buckets: Vec<BucketName>,
        force: bool,
    },
}

/// Why a named bucket is left out of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// It already meets its rule's requirement, with this encryption (`AES256`).
    Compliant(String),
    /// An approved exemption covers it.
    Exempt(ExemptionId),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Compliant(state) => write!(f, "already compliant ({state})"),
            Self::Exempt(id) => write!(f, "exempt (exemption {id})"),
        }
    }
}

impl SkipReason {
    /// Why `bucket` is left out of a plan that is not forced; `None` when it is changed.
    pub fn of(bucket: &BucketRecord) -> Option<Self> {
        if let Some(id) = bucket.exemption {
            Some(Self::Exempt(id))
        } else if bucket.compliant == Some(true) {
            let held = match &bucket.state {
                EncryptionState::Encrypted(rule) => rule.to_string(),
                other => other.to_string(),
            };
            Some(Self::Compliant(held))
        } else {
            None
        }
    }
}

/// A named bucket the plan leaves alone, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub account: AccountName,
    pub name: BucketName,
    pub reason: SkipReason,
}

/// One bucket the plan changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its account, when the bucket is in the inventory.
    pub account: Option<AccountName>,
    pub name: BucketName,
    /// Its own target: the remediation target of the rule that decides it.
    pub target: EncryptionRule,
}

/// A bucket that could not be remediated, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RemediationFailure {
    /// The bucket's account, when the bucket is in the inventory.
    pub account: Option<String>,
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

/// What a remediation would do: the buckets, the target, and a digest binding both (and the
/// buckets' states as recorded) for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// What the run names as its target: the one target, or a phrase when scoped rules differ.
    pub target: String,
    /// The buckets to change, in the order chosen (every non-compliant one: by account and name).
    pub steps: Vec<Step>,
    /// Named buckets left alone (never under `force`).
    pub skipped: Vec<Skipped>,
    /// Hex SHA-256 of each bucket to change with its account, recorded state and target.
    pub digest: String,
}

/// What a confirmation binds the run to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// Run only if the plan's digest is still this one.
    Digest(String),
    /// Run whatever the plan is now (an explicit `force`, or named buckets without a preview).
    Force,
}

/// Why a remediation did not run.
#[derive(Debug, thiserror::Error)]
pub enum RemediationError {
    /// The buckets, their states or the target changed since the plan was shown; nothing changed.
    #[error(
        "nothing was changed: the buckets or the remediation target changed since the preview; preview again and confirm the new plan"
    )]
    Stale { current: Box<Plan> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Changes at most this many buckets at once.
const IN_FLIGHT: usize = 8;

/// Each bucket's remediation target: that of the rule that decides it (the default rule's when
/// that is undetermined or the bucket is not in the inventory).
struct Targets<'a> {
    default: &'a Policy,
    /// Each bucket's deciding rule; empty while only the default rule exists.
    decided: HashMap<BucketId, &'a Policy>,
}

impl<'a> Targets<'a> {
    async fn load(store: &Store, rules: &'a Rules) -> Result<Self, StoreError> {
        // With only the default rule there is nothing to look up, and loading the whole
        // inventory (a second at 100,000 buckets) would be wasted.
        let decided = if rules.scoped().is_empty() {
            HashMap::new()
        } else {
            store::load_inventory(store, None, None)
                .await?
                .policies(rules)
        };
        Ok(Self {
            default: rules.default_policy(),
            decided,
        })
    }

    fn of(&self, bucket: BucketId) -> EncryptionRule {
        let policy = self.decided.get(&bucket).copied().unwrap_or(self.default);
        policy.remediation_target.clone()
    }
}

/// What remediating `selection` would do now.
/// The estate's rules (held by the hub) give each bucket's target. Each bucket is named with the
/// account that holds it, so a bucket that moved to another account changes the plan, and so does
/// a change of the rule or target that decides it.
pub async fn plan(
    store: &Store,
    hub: AccountId,
    selection: &Selection,
) -> Result<Plan, StoreError> {
    let rules = store::current_rules(store, hub).await?;
    let targets = Targets::load(store, &rules).await?;
    let (digest, steps, skipped) = match selection {
        Selection::AllNonCompliant => plan_every(store, &rules, &targets).await?,
        Selection::Named { buckets, force } => plan_named(store, &targets, buckets, *force).await?,
    };
    Ok(Plan {
        target: run_target(&steps, targets.default),
        steps,
        skipped,
        digest,
    })
}

/// What a preview shows of the plan `selection` makes now: its digest (`plan(..).digest`), the
/// target the run names, and the target of each bucket shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub digest: String,
    /// The one target every bucket gets; `None` when scoped rules give them different ones.
    pub target: Option<EncryptionRule>,
    /// The target of each of the buckets asked about.
    pub targets: HashMap<BucketId, EncryptionRule>,
}

/// The [`Preview`] of `selection`, with the targets of the buckets `shown` (one page of them).
/// Every non-compliant bucket under the default rule alone is not read at all: the database gives
/// what the digest binds, so a preview of 100,000 buckets shows one page of them quickly.
pub async fn preview(
    store: &Store,
    hub: AccountId,
    selection: &Selection,
    shown: &[BucketId],
) -> Result<Preview, StoreError> {
    let rules = store::current_rules(store, hub).await?;
    let targets = Targets::load(store, &rules).await?;
    let default = &targets.default.remediation_target;
    let (digest, steps) = match selection {
        Selection::AllNonCompliant if rules.scoped().is_empty() => {
            let fingerprint = store::noncompliant_fingerprint(store).await?;
            (every_digest(&fingerprint, [default.to_string()]), None)
        }
        Selection::AllNonCompliant => {
            let (digest, steps, _) = plan_every(store, &rules, &targets).await?;
            (digest, Some(steps))
        }
        Selection::Named { buckets, force } => {
            let (digest, steps, _) = plan_named(store, &targets, buckets, *force).await?;
            (digest, Some(steps))
        }
    };
    Ok(Preview {
        digest,
        target: match steps {
            Some(steps) => common_target(&steps, targets.default),
            None => Some(default.clone()),
        },
        targets: shown.iter().map(|id| (*id, targets.of(*id))).collect(),
    })
}

/// The one target every step gets (the default rule's when there are none); `None` when scoped
/// rules give them different ones.
fn common_target(steps: &[Step], default: &Policy) -> Option<EncryptionRule> {
    match steps.first() {
        Some(first) if steps.iter().any(|s| s.target != first.target) => None,
        Some(first) => Some(first.target.clone()),
        None => Some(default.remediation_target.clone()),
    }
}

/// What a run names as its target: the one its buckets get, or a phrase.
fn run_target(steps: &[Step], default: &Policy) -> String {
    common_target(steps, default).map_or_else(
        || "the remediation target of each bucket's rule".to_owned(),
        |t| t.to_string(),
    )
}

/// What a plan of every non-compliant bucket binds: the buckets with their accounts and
/// recorded states (`fingerprint`), and the target, or each bucket's under scoped rules.
fn every_digest(fingerprint: &str, targets: impl IntoIterator<Item = String>) -> String {
    let mut text = fingerprint.to_owned();
    for target in targets {
        text.push('\n');
        text.push_str(&target);
    }
    sha256_hex(&text)
}

/// Every readable non-compliant bucket of every active account, by account and name.
async fn plan_every(
    store: &Store,
    rules: &Rules,
    targets: &Targets<'_>,
) -> Result<(String, Vec<Step>, Vec<Skipped>), StoreError> {
    let candidates = store::list_noncompliant_candidates(store).await?;
    let fingerprint = store::fingerprint_of(&candidates);
    let digest = if rules.scoped().is_empty() {
        every_digest(
            &fingerprint,
            [targets.default.remediation_target.to_string()],
        )
    } else {
        every_digest(
            &fingerprint,
            candidates.iter().map(|c| targets.of(c.id).to_string()),
        )
    };
    let mut steps: Vec<Step> = candidates
        .into_iter()
        .map(|c| Step {
            target: targets.of(c.id),
            account: Some(c.account),
            name: c.name,
        })
        .collect();
    steps.sort_by(|a, b| (&a.account, &a.name).cmp(&(&b.account, &b.name)));
    Ok((digest, steps, Vec::new()))
}

/// Exactly the buckets named, in the order given, less those already compliant or exempt unless
/// `force`.
async fn plan_named(
    store: &Store,
    targets: &Targets<'_>,
    names: &[BucketName],
    force: bool,
) -> Result<(String, Vec<Step>, Vec<Skipped>), StoreError> {
    let mut text = String::new();
    let mut steps = Vec::new();
    let mut skipped = Vec::new();
    // Bucket and account names cannot hold a tab or a newline, so the lines cannot run into each
    // other.
    let mut step = |account: Option<AccountName>, name: BucketName, state: &str, target| {
        let shown = account.as_ref().map_or("", AccountName::as_str);
        let _ = writeln!(text, "{shown}\t{name}\t{state}\t{target}");
        steps.push(Step {
            account,
            name,
            target,
        });
    };
    for name in names {
        let present = store::find_bucket_by_name(store, name)
            .await?
            .filter(|b| b.gone_at.is_none());
        match present {
            None => step(
                None,
                name.clone(),
                "not in the inventory",
                targets.default.remediation_target.clone(),
            ),
            Some(b) => match SkipReason::of(&b).filter(|_| !force) {
                Some(reason) => skipped.push(Skipped {
                    account: b.account,
                    name: b.name,
                    reason,
                }),
                None => {
                    let (target, state) = (targets.of(b.id), b.state.to_string());
                    step(Some(b.account), b.name, &state, target);
                }
            },
        }
    }
    Ok((sha256_hex(&text), steps, skipped))
}

/// Plans `selection` again and, when `confirmation` allows it, applies the plan's target to its
/// buckets; returns the plan run and the outcome per bucket.
pub async fn remediate(
    changer: Changer<'_>,
    selection: &Selection,
    confirmation: &Confirmation,
) -> Result<(Plan, RemediationReport), RemediationError> {
    let current = plan(changer.store, changer.hub, selection).await?;
    if let Confirmation::Digest(seen) = confirmation
        && seen.trim() != current.digest
    {
        return Err(RemediationError::Stale {
            current: Box::new(current),
        });
    }
    let report = apply(changer, &current).await?;
    Ok((current, report))
}

/// Applies `plan`'s target to its buckets.
async fn apply(changer: Changer<'_>, plan: &Plan) -> Result<RemediationReport, StoreError> {
    if plan.steps.is_empty() {
        return Ok(RemediationReport::default());
    }
    let run = start_run(changer, &plan.target).await?;
    let key_answers = KeyAnswers::default();
    let changer = Changer {
        key_answers: Some(&key_answers),
        ..changer
    };
    let provenance = Provenance {
        run: Some(run),
        reverts: None,
    };
    // Owned steps: a stream of borrowed ones makes the future not `Send` for axum.
    let results: Vec<_> = stream::iter(plan.steps.iter().cloned())
        .map(|step| {
            let change = Change::Put {
                rule: step.target.clone(),
                remediation: true,
            };
            async move {
                let result = change_encryption_in(changer, &step.name, &change, provenance).await;
                (step, result)
            }
        })
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    let mut report = RemediationReport {
        run: Some(run),
        ..RemediationReport::default()
    };
    for (step, result) in results {
        match result {
            Ok(_) => report.remediated.push(step.name.to_string()),
            Err(ChangeError::Store(e)) => return Err(e),
            Err(err) => report.failed.push(RemediationFailure {
                account: step.account.as_ref().map(ToString::to_string),
                name: step.name.to_string(),
                error: describe(&err),
            }),
        }
    }
    finished(changer, &report, plan.skipped.len()).await;
    Ok(report)
}

/// Records the run as it starts, so each of its audit-log entries can name it.
async fn start_run(changer: Changer<'_>, target: &str) -> Result<RunId, StoreError> {
    let mut tx = changer.store.begin().await?;
    let run = NewRun {
        account: changer.hub,
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
async fn finished(changer: Changer<'_>, report: &RemediationReport, skipped: usize) {
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
                account: f.account.clone(),
                bucket: f.name.clone(),
                error: f.error.clone(),
            })
            .collect(),
    });
    let counts = RunCounts {
        changed: report.remediated.len() as i64,
        failed: report.failed.len() as i64,
        left_alone: skipped as i64,
    };
    let queued = async {
        let mut tx = changer.store.begin().await?;
        store::update_run_finished(&mut tx, run, Utc::now(), counts).await?;
        notify::enqueue(&mut tx, changer.hub, &event).await?;
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
