//! `PUT` and `DELETE /api/v1/buckets/{name}/encryption`.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::buckets::parse_bucket_name;
use super::{ApiError, ApiJson, ApiPath, ApiPrincipal};
use crate::actions::encryption::{Change, change_encryption};
use crate::domain::{EncryptionRule, KmsDataEncryption, KmsKeyId, Role, SseAlgorithm};
use crate::view::BucketView;
use crate::web::AppState;

/// The default encryption to set.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptionRequest {
    /// AES256, SM4 or KMS.
    #[schema(example = "KMS")]
    pub sse_algorithm: String,
    /// A customer master key id, alias or ARN (KMS only).
    pub kms_master_key_id: Option<String>,
    /// SM4 (KMS only).
    pub kms_data_encryption: Option<String>,
}

impl TryFrom<EncryptionRequest> for EncryptionRule {
    type Error = ApiError;

    fn try_from(body: EncryptionRequest) -> Result<Self, Self::Error> {
        let invalid = |e: &dyn std::fmt::Display| ApiError::invalid(e.to_string());
        let algorithm = SseAlgorithm::parse(&body.sse_algorithm).map_err(|e| invalid(&e))?;
        let key = body
            .kms_master_key_id
            .filter(|k| !k.is_empty())
            .map(|k| KmsKeyId::parse(&k))
            .transpose()
            .map_err(|e| invalid(&e))?;
        let data = body
            .kms_data_encryption
            .filter(|d| !d.is_empty())
            .map(|d| KmsDataEncryption::parse(&d))
            .transpose()
            .map_err(|e| invalid(&e))?;
        EncryptionRule::from_parts(algorithm, key, data).map_err(|e| invalid(&e))
    }
}

/// Sets the bucket's default encryption (PutBucketEncryption), then re-reads it from OSS.
#[utoipa::path(put, path = "/api/v1/buckets/{name}/encryption", tag = "buckets",
    params(("name" = String, Path, description = "Bucket name", pattern = "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")),
    request_body = EncryptionRequest,
    responses((status = 200, body = BucketView, description = "The bucket as OSS now reports it"),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 502, body = super::ErrorBody, description = "OSS refused; code and request id")),
    security(("bearer" = [])))]
pub async fn put_encryption(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<EncryptionRequest>,
) -> Result<Json<BucketView>, ApiError> {
    principal.require_somewhere(Role::Operator)?;
    let name = parse_bucket_name(&name)?;
    principal
        .require_on_bucket(state.store(), &name, Role::Operator)
        .await?;
    let rule = EncryptionRule::try_from(body)?;
    let actor = principal.actor();
    let record = change_encryption(
        state.changer(&actor),
        &name,
        &Change::Put {
            rule,
            remediation: false,
        },
    )
    .await?;
    Ok(Json(BucketView::from_record(&record)))
}

/// Removes the bucket's default encryption (DeleteBucketEncryption), then re-reads it from OSS.
#[utoipa::path(delete, path = "/api/v1/buckets/{name}/encryption", tag = "buckets",
    params(("name" = String, Path, description = "Bucket name", pattern = "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")),
    responses((status = 200, body = BucketView, description = "The bucket as OSS now reports it"),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 502, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_encryption(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<BucketView>, ApiError> {
    principal.require_somewhere(Role::Operator)?;
    let name = parse_bucket_name(&name)?;
    principal
        .require_on_bucket(state.store(), &name, Role::Operator)
        .await?;
    let actor = principal.actor();
    let record = change_encryption(state.changer(&actor), &name, &Change::Delete).await?;
    Ok(Json(BucketView::from_record(&record)))
}
