//! `POST /api/v1/reverts`: undo one audit-log entry or a whole run, or preview that (dry run).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiError, ApiJson, ApiPrincipal};
use crate::actions::reverts::RevertPlan;
use crate::actions::reverts::{
    self, Include, RevertError, RevertTarget, RevertView, plan as plan_revert,
};
use crate::domain::{AccountName, BucketName, ChangeId, Role, RunId};
use crate::store::{self, Store};
use crate::web::AppState;

/// What to revert: exactly one of `change` and `remediation`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevertRequest {
    /// The audit-log entry to revert (its `id`).
    pub change: Option<i64>,
    /// The run to revert as a whole: a remediation's `run`, or an earlier revert's `run`.
    pub remediation: Option<i64>,
    /// Only return the plan and its digest; change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Also restore buckets that changed again since the change (left alone otherwise).
    #[serde(default)]
    pub include_changed: bool,
    /// The `plan_digest` of a dry run: carry out the revert only if its plan is still that one
    /// (409 otherwise).
    pub plan_digest: Option<String>,
}

/// Plans a revert and, unless `dry_run`, carries it out. The caller needs the operator role on
/// the account of every bucket in the plan (else 403, nothing changed).
#[utoipa::path(post, path = "/api/v1/reverts", tag = "reverts",
    request_body = RevertRequest,
    responses((status = 200, body = RevertView),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, description = "The plan changed since the dry run whose digest was given (`stale_plan`), or the change cannot be reverted (`not_revertible`)", body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_revert(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiJson(body): ApiJson<RevertRequest>,
) -> Result<Json<RevertView>, ApiError> {
    principal.require_somewhere(Role::Operator)?;
    let target = match (body.change, body.remediation) {
        (Some(change), None) => RevertTarget::Change(
            ChangeId::parse(&change.to_string())
                .ok_or_else(|| ApiError::invalid("change must be a positive entry id"))?,
        ),
        (None, Some(run)) => RevertTarget::Run(
            RunId::parse(&run.to_string())
                .ok_or_else(|| ApiError::invalid("remediation must be a positive run id"))?,
        ),
        _ => {
            return Err(ApiError::invalid(
                "give exactly one of change (an audit-log entry id) and remediation (a run id)",
            ));
        }
    };
    let include = if body.include_changed {
        Include::All
    } else {
        Include::None
    };
    let plan = plan_revert(state.store(), state.account(), target).await?;
    require_on_plan(&principal, state.store(), &plan).await?;
    if body.dry_run {
        return Ok(Json(RevertView::of_plan(&plan, &include)));
    }
    let actor = principal.actor();
    let digest = body.plan_digest.as_deref();
    let report = reverts::revert(state.changer(&actor), target, &include, digest).await?;
    tracing::info!(actor = %actor, target = %target.words(), restored = report.counts().changed,
        failed = report.counts().failed, "revert through the API");
    Ok(Json(RevertView::of_report(&report)))
}

/// Refuses with 403 unless the caller is an operator on the account of every bucket in `plan`:
/// the account the change was made in, and the account of the present bucket of that name (the
/// one a revert writes to).
async fn require_on_plan(
    principal: &ApiPrincipal,
    store: &Store,
    plan: &RevertPlan,
) -> Result<(), ApiError> {
    if principal.0.role().allows(Role::Operator) {
        return Ok(());
    }
    for bucket in &plan.buckets {
        match AccountName::parse(&bucket.account) {
            Ok(name) => match store::find_account_by_name(store, &name).await? {
                Some(account) => principal.require_on(account.id, Role::Operator)?,
                None => principal.require(Role::Operator)?,
            },
            Err(_) => principal.require(Role::Operator)?,
        }
        if let Ok(name) = BucketName::parse(&bucket.name) {
            principal
                .require_on_bucket(store, &name, Role::Operator)
                .await?;
        }
    }
    Ok(())
}

impl From<RevertError> for ApiError {
    fn from(err: RevertError) -> Self {
        match err {
            RevertError::NoSuchChange(_) | RevertError::NoSuchRun(_) => {
                Self::not_found(err.to_string())
            }
            RevertError::NotRevertible(_) => {
                Self::conflict_coded("not_revertible", err.to_string())
            }
            RevertError::Stale(_) => Self::conflict_coded("stale_plan", err.to_string()),
            RevertError::Store(store) => store.into(),
        }
    }
}
