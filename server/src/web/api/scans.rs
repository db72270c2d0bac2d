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
use crate::store::{self, AccountScanRecord, ScanRecord, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;

/// A started scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanStarted {
    pub id: i64,
}

/// A scan and its progress, with each account's part.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanView {
    pub id: i64,
    /// running | completed | partial (some accounts' parts failed) | failed | interrupted
    pub status: String,
    pub trigger: String,
    /// Accounts it covers, how many parts ended, and how many of those failed.
    pub accounts_total: i64,
    pub accounts_done: i64,
    pub accounts_failed: i64,
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
    /// Each account's part, by account name.
    pub accounts: Vec<ScanPartView>,
}

/// One account's part of a scan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanPartView {
    /// The account's name.
    pub account: String,
    /// running | completed | failed | interrupted
    pub status: String,
    pub buckets_total: i64,
    pub buckets_done: i64,
    pub buckets_failed: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Why it failed, in full.
    pub error: Option<String>,
    /// The code of the service that refused: `NoPermission` when STS refused the role (not
    /// trusted, or a wrong ExternalId), or the OSS code of a refused ListBuckets.
    pub error_code: Option<String>,
    /// The request id of that refusal.
    pub request_id: Option<String>,
    pub unknown: Option<i64>,
    pub noncompliant: Option<i64>,
}

impl From<AccountScanRecord> for ScanPartView {
    fn from(p: AccountScanRecord) -> Self {
        Self {
            account: p.account.to_string(),
            status: p.status.as_str().to_owned(),
            buckets_total: p.buckets_total,
            buckets_done: p.buckets_done,
            buckets_failed: p.buckets_failed,
            started_at: rfc3339(p.started_at),
            finished_at: p.finished_at.map(rfc3339),
            error: p.error,
            error_code: p.error_code,
            request_id: p.request_id,
            unknown: p.summary.map(|s| s.unknown),
            noncompliant: p.summary.map(|s| s.noncompliant),
        }
    }
}

impl ScanView {
    /// The view of `s` with its `parts`.
    fn new(s: ScanRecord, parts: Vec<AccountScanRecord>) -> Self {
        Self {
            id: s.id.get(),
            status: s.status.as_str().to_owned(),
            trigger: s.trigger,
            accounts_total: s.accounts_total,
            accounts_done: s.accounts_done,
            accounts_failed: s.accounts_failed,
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
            accounts: parts.into_iter().map(ScanPartView::from).collect(),
        }
    }
}

/// The scans, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanList {
    pub scans: Vec<ScanView>,
}

/// Starts a scan of every account in the background.
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
    params(("limit" = Option<i64>, Query, description = "1 to 1000, default 50", minimum = 1, maximum = 1000),
        ("account" = Option<String>, Query, description = "Only scans covering this account (its name)")),
    responses((status = 200, body = ScanList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_scans(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Json<ScanList>, ApiError> {
    principal.require(Role::Viewer)?;
    let params = Params::parse(raw.as_deref());
    let limit = params.integer("limit", 1..=1000, 50)?;
    let account = super::accounts::account_filter(&state, &params).await?;
    let scans = store::list_scans(state.store(), account, None, limit).await?;
    let ids: Vec<ScanId> = scans.iter().map(|s| s.id).collect();
    let mut parts = store::list_account_scans_of(state.store(), &ids).await?;
    Ok(Json(ScanList {
        scans: scans
            .into_iter()
            .map(|scan| {
                let own = parts.extract_if(.., |p| p.scan_id == scan.id).collect();
                ScanView::new(scan, own)
            })
            .collect(),
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
        Ok(scan) => {
            let parts = store::list_account_scans(state.store(), id).await?;
            Ok(Json(ScanView::new(scan, parts)))
        }
        Err(StoreError::NotFound(_)) => {
            Err(ApiError::not_found(format!("scan {id} does not exist")))
        }
        Err(e) => Err(e.into()),
    }
}
