//! `RevertView`: a revert's plan and outcome as JSON, the same for `POST /api/v1/reverts` and
//! `oss-audit revert --json`.

use serde::Serialize;
use utoipa::ToSchema;

use super::{BucketResult, Include, PlannedBucket, RevertPlan, RevertReport, RevertTarget};
use crate::view::state_json;

/// A revert's plan, and after a run what happened per bucket.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RevertView {
    /// True when nothing was changed: this is the plan only.
    pub dry_run: bool,
    /// The audit-log entry reverted (null when a run is reverted).
    pub change: Option<i64>,
    /// The run reverted (null when one entry is reverted).
    pub remediation: Option<i64>,
    /// What is reverted, in words.
    pub describes: String,
    /// The plan's digest: pass it as `plan_digest` to carry out exactly this plan.
    pub plan_digest: String,
    /// This revert's own run: pass it as `remediation` to revert this revert. Null for a dry
    /// run, and when nothing was to be restored (then nothing was written).
    pub run: Option<i64>,
    /// Buckets restored (for a dry run: that would be restored).
    pub restored: u64,
    /// Buckets OSS refused (always 0 for a dry run).
    pub failed: u64,
    /// Buckets left alone.
    pub left_alone: u64,
    pub buckets: Vec<RevertBucketView>,
}

/// One bucket of a revert.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RevertBucketView {
    pub name: String,
    /// Null when the bucket is no longer in the inventory.
    pub region: Option<String>,
    /// The audit-log entry whose `before` is restored.
    pub change: i64,
    /// `restore`, `changed_since` (left alone unless included), `already_restored`,
    /// `refused_by_oss` (nothing was written), `before_unknown` or `not_in_inventory`.
    #[schema(example = "restore")]
    pub plan: String,
    /// Why, in words.
    pub reason: String,
    /// The bucket's encryption as oss-audit last saw it (null when gone).
    #[schema(value_type = Option<Object>)]
    pub now: serde_json::Value,
    /// The state to restore: the one before the change (null when not known).
    #[schema(value_type = Option<Object>)]
    pub restore: serde_json::Value,
    /// `restored`, `failed` or `left_alone`; null for a dry run.
    pub outcome: Option<String>,
    /// What OSS reports after the restore (null unless restored).
    #[schema(value_type = Option<Object>)]
    pub after: serde_json::Value,
    /// Why OSS refused (null unless failed).
    pub error: Option<RevertFailureView>,
}

/// Why a bucket could not be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RevertFailureView {
    /// The OSS error code (or the kind of failure).
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

impl RevertView {
    /// The plan alone (a dry run), counting what a revert with `include` would restore.
    pub fn of_plan(plan: &RevertPlan, include: &Include) -> Self {
        let buckets = plan.buckets.iter().map(|b| bucket(b, None)).collect();
        let mut view = Self::base(plan, true, buckets);
        let restored = plan.buckets.iter().filter(|b| include.restores(b)).count();
        view.restored = restored as u64;
        view.left_alone = (plan.buckets.len() - restored) as u64;
        view
    }

    /// A revert carried out.
    pub fn of_report(report: &RevertReport) -> Self {
        let buckets = report
            .plan
            .buckets
            .iter()
            .zip(&report.results)
            .map(|(b, r)| bucket(b, Some(r)))
            .collect();
        let mut view = Self::base(&report.plan, false, buckets);
        let counts = report.counts();
        view.run = report.run.map(|r| r.get());
        view.restored = counts.changed as u64;
        view.failed = counts.failed as u64;
        view.left_alone = counts.left_alone as u64;
        view
    }

    fn base(plan: &RevertPlan, dry_run: bool, buckets: Vec<RevertBucketView>) -> Self {
        let (change, remediation) = match plan.target {
            RevertTarget::Change(id) => (Some(id.get()), None),
            RevertTarget::Run(id) => (None, Some(id.get())),
        };
        Self {
            dry_run,
            change,
            remediation,
            describes: plan.describes.clone(),
            plan_digest: plan.digest.clone(),
            run: None,
            restored: 0,
            failed: 0,
            left_alone: 0,
            buckets,
        }
    }
}

fn bucket(planned: &PlannedBucket, result: Option<&BucketResult>) -> RevertBucketView {
    let (outcome, after, error) = match result {
        None => (None, None, None),
        Some(BucketResult::Restored { after }) => (Some("restored"), Some(after), None),
        Some(BucketResult::Failed {
            code,
            message,
            request_id,
        }) => (
            Some("failed"),
            None,
            Some(RevertFailureView {
                code: code.clone(),
                message: message.clone(),
                request_id: request_id.clone(),
            }),
        ),
        Some(BucketResult::LeftAlone) => (Some("left_alone"), None, None),
    };
    RevertBucketView {
        name: planned.name.clone(),
        region: planned.region.clone(),
        change: planned.change.get(),
        plan: planned.verdict.as_str().to_owned(),
        reason: planned.reason(),
        now: state_json(planned.now.as_ref()),
        restore: state_json(planned.restore.as_ref()),
        outcome: outcome.map(str::to_owned),
        after: state_json(after),
        error,
    }
}
