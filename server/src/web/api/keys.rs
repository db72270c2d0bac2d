//! `GET /api/v1/keys`: the customer keys behind SSE-KMS buckets, unusable ones first.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::Params;
use super::{ApiError, ApiPrincipal};
use crate::domain::Role;
use crate::store;
use crate::view::KeyView;
use crate::web::AppState;

/// The keys the last scans asked KMS about.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    pub keys: Vec<KeyView>,
}

/// Lists every customer key a bucket's rule names, with its state as KMS last described it:
/// unusable keys (disabled, pending deletion, not found) first, then those KMS could not describe.
#[utoipa::path(get, path = "/api/v1/keys", tag = "keys",
    params(("account" = Option<String>, Query, description = "Only this account's keys (its name)")),
    responses((status = 200, body = KeyList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_keys(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Json<KeyList>, ApiError> {
    principal.require(Role::Viewer)?;
    let params = Params::parse(raw.as_deref());
    let account = super::accounts::account_filter(&state, &params).await?;
    if let Some(account) = account {
        principal.require_on(account, Role::Viewer)?;
    }
    let keys = store::list_kms_keys(state.store(), account).await?;
    Ok(Json(KeyList {
        keys: keys.iter().map(KeyView::new).collect(),
    }))
}
