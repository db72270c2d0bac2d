//! `POST /api/v1/scans`, `GET /api/v1/scans`, `GET /api/v1/scans/{id}`.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::query::Params;
use super::{ApiError, ApiPath, ApiPrincipal};
use crate::domain::Role;
use crate::domain::{ScanId, Trigger};
use crate::store::{self, ScanRecord, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;

/// A started scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanStarted {
    pub id: i64,
}

/// A scan and its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanView {
    pub id: i64,
    /// running | completed | failed | interrupted
    pub status: String,
    pub trigger: String,
    pub buckets_total: i64,
    pub buckets_done: i64,
    /// Buckets that ended `unknown`.
    pub buckets_failed: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    pub encrypted: Option<i64>,
    pub unencrypted: Option<i64>,
    pub unknown: Option<i64>,
    pub compliant: Option<i64>,
    pub noncompliant: Option<i64>,
    pub changes: Option<i64>,
}

impl From<ScanRecord> for ScanView {
    fn from(s: ScanRecord) -> Self {
        Self {
            id: s.id.get(),
            status: s.status,
            trigger: s.trigger,
            buckets_total: s.buckets_total,
            buckets_done: s.buckets_done,
            buckets_failed: s.buckets_failed,
            started_at: rfc3339(s.started_at),
            finished_at: s.finished_at.map(rfc3339),
            error: s.error,
            encrypted: s.encrypted,
            unencrypted: s.unencrypted,
            unknown: s.unknown,
            compliant: s.compliant,
            noncompliant: s.noncompliant,
            changes: s.changes,
        }
    }
}

/// The scans, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanList {
    pub scans: Vec<ScanView>,
}

/// Starts a scan in the background.
#[utoipa::path(post, path = "/api/v1/scans", tag = "scans",
    responses((status = 202, body = ScanStarted), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody, description = "A scan is already running")),
    security(("bearer" = [])))]
pub async fn start_scan(
    State(state): State<AppState>,
    principal: ApiPrincipal,
) -> Result<(StatusCode, Json<ScanStarted>), ApiError> {
    principal.require(Role::Operator)?;
    let id = state.start_scan(Trigger::Api).await?;
    Ok((StatusCode::ACCEPTED, Json(ScanStarted { id: id.get() })))
}

/// Lists scans, newest first.
#[utoipa::path(get, path = "/api/v1/scans", tag = "scans",
    params(("limit" = Option<i64>, Query, description = "1 to 1000, default 50", minimum = 1, maximum = 1000)),
    responses((status = 200, body = ScanList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_scans(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Json<ScanList>, ApiError> {
    principal.require(Role::Viewer)?;
    let limit = Params::parse(raw.as_deref()).integer("limit", 1..=1000, 50)?;
    let scans = store::list_scans(state.store(), state.account(), limit).await?;
    Ok(Json(ScanList {
        scans: scans.into_iter().map(ScanView::from).collect(),
    }))
}

/// One scan and its progress.
#[utoipa::path(get, path = "/api/v1/scans/{id}", tag = "scans",
    params(("id" = i64, Path, description = "Scan id", minimum = 1)),
    responses((status = 200, body = ScanView), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_scan(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ScanView>, ApiError> {
    principal.require(Role::Viewer)?;
    let id =
        ScanId::parse(&id).ok_or_else(|| ApiError::invalid(format!("{id:?} is not a scan id")))?;
    match store::get_scan(state.store(), id).await {
        Ok(scan) if scan.account_id == state.account() => Ok(Json(scan.into())),
        Ok(_) | Err(StoreError::NotFound(_)) => {
            Err(ApiError::not_found(format!("scan {id} does not exist")))
        }
        Err(e) => Err(e.into()),
    }
}
