//! `GET`, `POST /api/v1/exemptions` and `POST /api/v1/exemptions/{id}/approve|revoke`: viewers
//! read, operators and admins request, a different admin approves, an admin revokes.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::query::Params;
use super::{ApiError, ApiJson, ApiPath, ApiPrincipal};
use crate::actions::exemptions::{ExemptionInput, ExemptionStepError};
use crate::domain::{
    AccountName, BucketPattern, ExemptionId, ExemptionReason, ExemptionStatus, FourEyesError,
    Region, Role, parse_expiry,
};
use crate::store;
use crate::view::ExemptionView;
use crate::web::AppState;

/// Exemptions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExemptionList {
    pub exemptions: Vec<ExemptionView>,
}

/// An exemption to request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExemptionRequest {
    /// A bucket name, or a name pattern with `*` wildcards.
    #[schema(example = "cdn-*", pattern = "^[a-z0-9*-]{1,63}$")]
    pub buckets: String,
    /// Only this account's buckets (its name).
    pub account: Option<String>,
    /// Only buckets in this region, e.g. `cn-hangzhou`.
    pub region: Option<String>,
    /// Why the buckets may stay as they are (required).
    #[schema(example = "public static site: visitors cannot read KMS-encrypted objects")]
    pub reason: String,
    /// RFC 3339, or `YYYY-MM-DD` (midnight UTC); at most 365 days ahead.
    #[schema(example = "2027-03-31T00:00:00Z")]
    pub expires_at: String,
}

impl TryFrom<ExemptionRequest> for ExemptionInput {
    type Error = ApiError;

    fn try_from(body: ExemptionRequest) -> Result<Self, ApiError> {
        let invalid = |e: &dyn std::fmt::Display| ApiError::invalid(e.to_string());
        Ok(Self {
            pattern: BucketPattern::parse(&body.buckets).map_err(|e| invalid(&e))?,
            account: body
                .account
                .filter(|a| !a.trim().is_empty())
                .map(|a| AccountName::parse(a.trim()))
                .transpose()
                .map_err(|e| invalid(&e))?,
            region: body
                .region
                .filter(|r| !r.trim().is_empty())
                .map(|r| Region::parse(r.trim()))
                .transpose()
                .map_err(|e| invalid(&e))?,
            reason: ExemptionReason::parse(&body.reason).map_err(|e| invalid(&e))?,
            expires_at: parse_expiry(&body.expires_at).map_err(|e| invalid(&e))?,
        })
    }
}

impl From<ExemptionStepError> for ApiError {
    fn from(err: ExemptionStepError) -> Self {
        match err {
            ExemptionStepError::Invalid(_) | ExemptionStepError::UnknownAccount(_) => {
                ApiError::invalid(err.to_string())
            }
            ExemptionStepError::NotOperator => ApiError::forbidden(Role::Operator),
            ExemptionStepError::FourEyes(FourEyesError::NotAdmin) => {
                ApiError::forbidden(Role::Admin)
            }
            ExemptionStepError::FourEyes(FourEyesError::SamePerson(_)) => {
                ApiError::four_eyes(err.to_string())
            }
            ExemptionStepError::FourEyes(_) => ApiError::conflict(err.to_string()),
            ExemptionStepError::NotFound(_) => ApiError::not_found(err.to_string()),
            ExemptionStepError::Store(e) => e.into(),
        }
    }
}

/// Lists exemptions, newest first, with how many buckets each covers now.
#[utoipa::path(get, path = "/api/v1/exemptions", tag = "exemptions",
    params(("status" = Option<String>, Query, description = "requested | approved | revoked | expired")),
    responses((status = 200, body = ExemptionList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_exemptions(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Json<ExemptionList>, ApiError> {
    principal.require(Role::Viewer)?;
    let params = Params::parse(raw.as_deref());
    let status = params
        .one_of("status", &["requested", "approved", "revoked", "expired"])?
        .and_then(|s| ExemptionStatus::parse(&s));
    let records = store::list_exemptions(state.store(), status).await?;
    Ok(Json(ExemptionList {
        exemptions: records.iter().map(ExemptionView::new).collect(),
    }))
}

/// Requests an exemption (operator on the account it names, or on every account when it names
/// none). It changes nothing until a different admin approves it.
#[utoipa::path(post, path = "/api/v1/exemptions", tag = "exemptions",
    request_body = ExemptionRequest,
    responses((status = 201, body = ExemptionView, description = "Requested; awaiting a different admin's approval"),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn request_exemption(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiJson(body): ApiJson<ExemptionRequest>,
) -> Result<(StatusCode, Json<ExemptionView>), ApiError> {
    principal.require_somewhere(Role::Operator)?;
    let input = ExemptionInput::try_from(body)?;
    let record = state
        .exemptions()
        .request(&input, &principal.actor(), principal.0.access())
        .await?;
    Ok((StatusCode::CREATED, Json(ExemptionView::new(&record))))
}

/// Approves a requested exemption (an admin other than the requester): its buckets are judged
/// `exempt` at once.
#[utoipa::path(post, path = "/api/v1/exemptions/{id}/approve", tag = "exemptions",
    params(("id" = i64, Path, description = "Exemption id", minimum = 1)),
    responses((status = 200, body = ExemptionView), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody, description = "Not an admin, or the admin who requested it (four eyes)"),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody, description = "Not awaiting approval")),
    security(("bearer" = [])))]
pub async fn approve_exemption(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ExemptionView>, ApiError> {
    principal.require(Role::Admin)?;
    let id = parse_id(&id)?;
    let record = state
        .exemptions()
        .approve(id, &principal.actor(), principal.0.role())
        .await?;
    Ok(Json(ExemptionView::new(&record)))
}

/// Revokes an exemption, or refuses a request (admin): its buckets are judged by the policy
/// again at once.
#[utoipa::path(post, path = "/api/v1/exemptions/{id}/revoke", tag = "exemptions",
    params(("id" = i64, Path, description = "Exemption id", minimum = 1)),
    responses((status = 200, body = ExemptionView), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody, description = "Already ended")),
    security(("bearer" = [])))]
pub async fn revoke_exemption(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ExemptionView>, ApiError> {
    principal.require(Role::Admin)?;
    let id = parse_id(&id)?;
    let record = state
        .exemptions()
        .revoke(id, &principal.actor(), principal.0.role())
        .await?;
    Ok(Json(ExemptionView::new(&record)))
}

fn parse_id(raw: &str) -> Result<ExemptionId, ApiError> {
    ExemptionId::parse(raw)
        .ok_or_else(|| ApiError::invalid(format!("{raw:?} is not an exemption id")))
}
