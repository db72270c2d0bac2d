//! `POST /api/v1/remediations`: one-click remediation.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiError, ApiJson, ApiPrincipal};
use crate::actions::remediation::{RemediationReport, Selection, remediate};
use crate::domain::{BucketName, Role};
use crate::web::AppState;

/// What to remediate: nothing named means every readable non-compliant bucket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemediationRequest {
    /// Exactly these buckets (even compliant or unknown ones: an explicit choice).
    pub buckets: Option<Vec<String>>,
}

/// The outcome per bucket.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RemediationResult {
    /// The run's id: `POST /api/v1/reverts` with `{"remediation": run}` undoes it. Null when
    /// nothing was selected.
    pub run: Option<i64>,
    pub remediated: Vec<String>,
    pub failed: Vec<RemediationFailureView>,
}

/// A bucket that could not be remediated.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RemediationFailureView {
    pub name: String,
    /// The OSS code, message and request id, or why it was not attempted.
    pub error: String,
}

impl From<RemediationReport> for RemediationResult {
    fn from(report: RemediationReport) -> Self {
        Self {
            run: report.run.map(|r| r.get()),
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

/// Applies the policy's remediation target.
#[utoipa::path(post, path = "/api/v1/remediations", tag = "remediations",
    request_body = RemediationRequest,
    responses((status = 200, body = RemediationResult), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_remediation(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiJson(body): ApiJson<RemediationRequest>,
) -> Result<Json<RemediationResult>, ApiError> {
    principal.require(Role::Operator)?;
    let selection = match body.buckets {
        None => Selection::AllNonCompliant,
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
            Selection::Named(names)
        }
    };
    let actor = principal.actor();
    let report = remediate(state.changer(&actor), &selection).await?;
    Ok(Json(report.into()))
}
