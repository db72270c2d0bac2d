//! `POST /api/v1/remediations`: one-click remediation. `dry_run` answers with the plan and its
//! digest; a run passes that `plan_digest` (and runs only that plan: 409 when the buckets, their
//! states or the target changed since) or `force`. Named buckets already compliant or exempt are
//! skipped unless `force`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiError, ApiJson, ApiPrincipal};
use crate::actions::remediation::{
    Confirmation, RemediationError, RemediationReport, Selection, plan, remediate,
};
use crate::domain::{BucketName, Role};
use crate::web::AppState;

/// What to remediate: nothing named means every readable non-compliant bucket (which needs the
/// operator role on every account); named buckets need it on each bucket's account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemediationRequest {
    /// Exactly these buckets (unknown ones too: an explicit choice), less those already
    /// compliant or exempt unless `force`.
    pub buckets: Option<Vec<String>>,
    /// Change nothing; answer with the plan and its `plan_digest`.
    #[serde(default)]
    pub dry_run: bool,
    /// The digest of the plan a dry run showed: the run goes ahead only if the plan is the same.
    pub plan_digest: Option<String>,
    /// Change named buckets even when they are already compliant or exempt; a run with `force`
    /// needs no `plan_digest` (with one, it still runs only that plan).
    #[serde(default)]
    pub force: bool,
}

/// The plan, and the outcome per bucket (both empty on a dry run).
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RemediationResult {
    /// The run's id: `POST /api/v1/reverts` with `{"remediation": run}` undoes it. Null when
    /// nothing was selected.
    pub run: Option<i64>,
    /// Nothing was changed: this is the plan only.
    pub dry_run: bool,
    /// The encryption the buckets get.
    pub target: String,
    /// The buckets the plan changes.
    pub plan: Vec<String>,
    /// Named buckets the plan leaves alone, and why (never with `force`).
    pub skipped: Vec<SkippedView>,
    /// Pass it back as `plan_digest` to run exactly this plan.
    pub plan_digest: String,
    pub remediated: Vec<String>,
    pub failed: Vec<RemediationFailureView>,
}

/// A named bucket left alone.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SkippedView {
    pub name: String,
    pub account: String,
    /// `already compliant (AES256)` or `exempt (exemption 7)`.
    pub reason: String,
}

/// A bucket that could not be remediated.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RemediationFailureView {
    pub name: String,
    /// The OSS code, message and request id, or why it was not attempted.
    pub error: String,
}

impl RemediationResult {
    fn new(plan: crate::actions::remediation::Plan, report: RemediationReport) -> Self {
        Self {
            run: report.run.map(|r| r.get()),
            dry_run: false,
            target: plan.target.to_string(),
            plan: plan.steps.iter().map(|s| s.name.to_string()).collect(),
            skipped: plan
                .skipped
                .into_iter()
                .map(|s| SkippedView {
                    name: s.name.to_string(),
                    account: s.account.to_string(),
                    reason: s.reason.to_string(),
                })
                .collect(),
            plan_digest: plan.digest,
            remediated: report.remediated,
            failed: report
                .failed
                .into_iter()
                .map(|f| RemediationFailureView {
                    name: f.name,
                    error: f.error,
                })
                .collect(),
        }
    }
}

/// Plans (`dry_run`) or applies the policy's remediation target. Every non-compliant bucket
/// needs the operator role on every account; named buckets need it on each one's account (else
/// 403, nothing changed).
#[utoipa::path(post, path = "/api/v1/remediations", tag = "remediations",
    request_body = RemediationRequest,
    responses((status = 200, body = RemediationResult), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 409, description = "The plan changed since the dry run; nothing was changed",
            body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_remediation(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiJson(body): ApiJson<RemediationRequest>,
) -> Result<Json<RemediationResult>, ApiError> {
    // Every non-compliant bucket spans the estate, so it needs the operator role on every
    // account; a caller who is operator on some accounts names the buckets, each checked
    // against its own account.
    principal.require_somewhere(Role::Operator)?;
    let selection = match body.buckets {
        None => {
            principal.require(Role::Operator)?;
            Selection::AllNonCompliant
        }
        Some(names) => {
            if names.len() > 10_000 {
                return Err(ApiError::invalid("at most 10000 buckets per request"));
            }
            let names = names
                .iter()
                .map(|n| {
                    BucketName::parse(n)
                        .map_err(|e| ApiError::invalid(format!("invalid bucket name {n:?}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            if !principal.0.role().allows(Role::Operator) {
                for name in &names {
                    principal
                        .require_on_bucket(state.store(), name, Role::Operator)
                        .await?;
                }
            }
            Selection::Named {
                buckets: names,
                force: body.force,
            }
        }
    };
    let actor = principal.actor();
    let changer = state.changer(&actor);
    if body.dry_run {
        let plan = plan(state.store(), state.account(), &selection).await?;
        let mut shown = RemediationResult::new(plan, RemediationReport::default());
        shown.dry_run = true;
        return Ok(Json(shown));
    }
    let confirmation = match (body.plan_digest, body.force) {
        (Some(digest), _) => Confirmation::Digest(digest),
        (None, true) => Confirmation::Force,
        (None, false) => {
            return Err(ApiError::invalid(
                "say which plan to run: plan_digest from a dry_run (\"dry_run\": true), or \"force\": true",
            ));
        }
    };
    match remediate(changer, &selection, &confirmation).await {
        Ok((plan, report)) => Ok(Json(RemediationResult::new(plan, report))),
        Err(RemediationError::Stale { .. }) => Err(ApiError::conflict_coded(
            "stale_plan",
            "nothing was changed: the buckets, their states or the remediation target changed since the dry run; run it again and confirm its new plan_digest",
        )),
        Err(RemediationError::Store(err)) => Err(err.into()),
    }
}
