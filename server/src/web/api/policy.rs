//! `GET` and `PUT /api/v1/policy` (the default rule) and `/api/v1/policy/rules` (every rule).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::encryption::EncryptionRequest;
use super::{ApiError, ApiJson, ApiPrincipal};
use crate::actions;
use crate::domain::{EncryptionRule, KmsKeyId, Policy, Requirement, Role};
use crate::store;
use crate::view::RulesView;
use crate::web::AppState;

/// What compliant means, and what remediation sets.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyView {
    /// any | kms | kms-cmk | sm4
    #[schema(example = "any")]
    pub requirement: String,
    /// For kms-cmk: the allowed CMK ids (empty: any CMK).
    #[serde(default)]
    pub allowed_kms_keys: Vec<String>,
    /// The rule one-click remediation applies; it must itself be compliant.
    pub remediation_target: EncryptionRequest,
}

impl From<&Policy> for PolicyView {
    fn from(policy: &Policy) -> Self {
        let target = &policy.remediation_target;
        Self {
            requirement: policy.requirement.as_str().to_owned(),
            allowed_kms_keys: policy
                .requirement
                .allowed_keys()
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            remediation_target: EncryptionRequest {
                sse_algorithm: target.algorithm().as_str().to_owned(),
                kms_master_key_id: target.kms_key_id().map(|k| k.as_str().to_owned()),
                kms_data_encryption: target.kms_data_encryption().map(|d| d.as_str().to_owned()),
            },
        }
    }
}

/// The policy in force.
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy",
    responses((status = 200, body = PolicyView), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_policy(
    State(state): State<AppState>,
    principal: ApiPrincipal,
) -> Result<Json<PolicyView>, ApiError> {
    principal.require(Role::Viewer)?;
    let policy = store::current_policy(state.store(), state.account()).await?;
    Ok(Json(PolicyView::from(&policy)))
}

/// Sets the policy (admin); every bucket is judged again at once.
#[utoipa::path(put, path = "/api/v1/policy", tag = "policy",
    request_body = PolicyView,
    responses((status = 200, body = PolicyView), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_policy(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiJson(body): ApiJson<PolicyView>,
) -> Result<Json<PolicyView>, ApiError> {
    principal.require(Role::Admin)?;
    let allowed = body
        .allowed_kms_keys
        .iter()
        .map(|k| {
            KmsKeyId::parse(k).map_err(|e| ApiError::invalid(format!("allowed_kms_keys: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let requirement = Requirement::parse(&body.requirement, allowed)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let target = EncryptionRule::try_from(body.remediation_target)?;
    let policy = Policy::new(requirement, target).map_err(|e| ApiError::invalid(e.to_string()))?;
    actions::policy::set(state.store(), state.account(), &policy, &principal.actor()).await?;
    Ok(Json(PolicyView::from(&policy)))
}

/// The policy's rules, in order; the last is the default.
#[utoipa::path(get, path = "/api/v1/policy/rules", tag = "policy",
    responses((status = 200, body = RulesView), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_rules(
    State(state): State<AppState>,
    principal: ApiPrincipal,
) -> Result<Json<RulesView>, ApiError> {
    principal.require(Role::Viewer)?;
    let rules = store::current_rules(state.store(), state.account()).await?;
    Ok(Json(RulesView::from(&rules)))
}

/// Replaces the policy's rules (admin); every bucket is judged again at once.
#[utoipa::path(put, path = "/api/v1/policy/rules", tag = "policy",
    request_body = RulesView,
    responses((status = 200, body = RulesView), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_rules(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiJson(body): ApiJson<RulesView>,
) -> Result<Json<RulesView>, ApiError> {
    principal.require(Role::Admin)?;
    let rules = body
        .to_rules()
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    actions::policy::set_rules(state.store(), state.account(), &rules, &principal.actor()).await?;
    Ok(Json(RulesView::from(&rules)))
}
