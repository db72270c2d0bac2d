//! `GET /api/v1/buckets` and `GET /api/v1/buckets/{name}`.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::Params;
use super::{ApiError, ApiPath, ApiPrincipal};
use crate::domain::Role;
use crate::domain::{BucketName, StateId};
use crate::store::{self, BucketQuery, StateRecord};
use crate::view::{BucketView, StateFields, rfc3339};
use crate::web::AppState;

/// A page of buckets.
#[derive(Debug, Serialize, ToSchema)]
pub struct BucketList {
    pub buckets: Vec<BucketView>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A bucket with the history of its encryption.
#[derive(Debug, Serialize, ToSchema)]
pub struct BucketDetail {
    #[serde(flatten)]
    pub bucket: BucketView,
    /// The OSS request id of the read that recorded the current state.
    pub request_id: Option<String>,
    pub first_seen_at: String,
    /// Recorded states, newest first: one page of at most `limit`.
    pub history: Vec<HistoryEntry>,
    /// Pass as `cursor` for the next (older) page of history; null on the last page.
    pub next_cursor: Option<String>,
    /// The address of the next page of history; null on the last page.
    pub next: Option<String>,
}

/// One recorded state.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub observed_at: String,
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub error_code: Option<String>,
    pub request_id: Option<String>,
    /// The scan that saw it; null when a re-read after a change saw it.
    pub scan_id: Option<i64>,
}

impl From<StateRecord> for HistoryEntry {
    fn from(s: StateRecord) -> Self {
        let state = StateFields::of(&s.state);
        Self {
            observed_at: rfc3339(s.observed_at),
            status: state.status,
            sse_algorithm: state.sse_algorithm,
            kms_master_key_id: state.kms_master_key_id,
            kms_data_encryption: state.kms_data_encryption,
            error_code: state.error_code,
            request_id: s.request_id,
            scan_id: s.scan_id.map(|id| id.get()),
        }
    }
}

/// Lists buckets with filters and keyset paging by name.
#[utoipa::path(get, path = "/api/v1/buckets", tag = "buckets",
    params(
        ("status" = Option<String>, Query, description = "encrypted | unencrypted | unknown"),
        ("region" = Option<String>, Query, description = "Region id, e.g. cn-hangzhou"),
        ("sse_algorithm" = Option<String>, Query, description = "AES256 | KMS | SM4"),
        ("compliant" = Option<String>, Query, description = "true | false | exempt (exempt buckets are neither true nor false)"),
        ("account" = Option<String>, Query, description = "Only this account's buckets (its name, e.g. payments-prod)"),
        ("q" = Option<String>, Query, description = "Substring of the name"),
        ("limit" = Option<i64>, Query, description = "1 to 1000, default 100", minimum = 1, maximum = 1000),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses((status = 200, body = BucketList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_buckets(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Json<BucketList>, ApiError> {
    principal.require(Role::Viewer)?;
    let params = Params::parse(raw.as_deref());
    let limit = params.integer("limit", 1..=1000, 100)?;
    let account = super::accounts::account_filter(&state, &params).await?;
    if let Some(account) = account {
        principal.require_on(account, Role::Viewer)?;
    }
    let compliant = params.one_of("compliant", &["true", "false", "exempt"])?;
    let query = BucketQuery {
        account,
        status: params.one_of("status", &["encrypted", "unencrypted", "unknown"])?,
        region: params.get("region").map(str::to_owned),
        sse_algorithm: params.one_of("sse_algorithm", &["AES256", "KMS", "SM4"])?,
        compliant: compliant
            .as_deref()
            .filter(|c| *c != "exempt")
            .map(|c| c == "true"),
        exempt: (compliant.as_deref() == Some("exempt")).then_some(true),
        name_contains: params.get("q").map(str::to_owned),
        after_name: params.get("cursor").map(str::to_owned),
        limit,
        ..BucketQuery::default()
    };
    let records = store::query_buckets(state.store(), &query).await?;
    // A name moved between accounts can be listed twice (present in one, not yet seen gone in
    // the other); the cursor pages by name, so the next page starts after both.
    let next_cursor = (records.len() as i64 == limit)
        .then(|| records.last().map(|r| r.name.to_string()))
        .flatten();
    let buckets = records.iter().map(BucketView::from_record).collect();
    Ok(Json(BucketList {
        buckets,
        next_cursor,
    }))
}

/// One bucket with a page of its history (newest first): the present bucket of that name,
/// whichever account holds it (else the one seen last).
#[utoipa::path(get, path = "/api/v1/buckets/{name}", tag = "buckets",
    params(("name" = String, Path, description = "Bucket name", pattern = "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"),
        ("limit" = Option<i64>, Query, description = "History entries per page: 1 to 1000, default 100", minimum = 1, maximum = 1000),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses((status = 200, body = BucketDetail), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_bucket(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(name): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<BucketDetail>, ApiError> {
    principal.require(Role::Viewer)?;
    let name = parse_bucket_name(&name)?;
    let params = Params::parse(raw.as_deref());
    let limit = params.integer("limit", 1..=1000, 100)?;
    let before = match params.get("cursor") {
        None => None,
        Some(raw) => Some(
            StateId::parse(raw)
                .ok_or_else(|| ApiError::invalid(format!("invalid cursor {raw:?}")))?,
        ),
    };
    let record = store::find_bucket_by_name(state.store(), &name)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("bucket {name} is not in the inventory")))?;
    principal.require_on(record.account_id, Role::Viewer)?;
    let history = store::list_bucket_history_page(state.store(), record.id, before, limit).await?;
    let next_cursor = (history.len() as i64 == limit)
        .then(|| history.last().map(|s| s.id.get().to_string()))
        .flatten();
    let next = next_cursor
        .as_ref()
        .map(|cursor| format!("/api/v1/buckets/{name}?limit={limit}&cursor={cursor}"));
    Ok(Json(BucketDetail {
        bucket: BucketView::from_record(&record),
        request_id: record.request_id.clone(),
        first_seen_at: rfc3339(record.first_seen_at),
        history: history.into_iter().map(HistoryEntry::from).collect(),
        next_cursor,
        next,
    }))
}

/// Parses a bucket name from a path, as a 400 when invalid. The OpenAPI document gives the same
/// rule as the pattern `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`.
pub fn parse_bucket_name(raw: &str) -> Result<BucketName, ApiError> {
    BucketName::parse(raw)
        .map_err(|e| ApiError::invalid(format!("invalid bucket name {raw:?}: {e}")))
}
