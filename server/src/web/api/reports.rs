//! `GET /api/v1/reports`, `POST /api/v1/reports`, `GET /api/v1/reports/{id}?format=` and
//! `GET /api/v1/reports/latest?format=`: audit reports, downloaded as CSV, JSON or HTML.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::Params;
use super::{ApiError, ApiPath, ApiPrincipal};
use crate::actions;
use crate::domain::ReportId;
use crate::domain::Role;
use crate::report::{self, RenderedReport, ReportError, ReportFormat, ReportTrigger};
use crate::store::{self, ReportRecord};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::headers::REPORT_CONTENT_SECURITY_POLICY;

/// The header carrying the report's digest on every download.
pub const DIGEST_HEADER: HeaderName = HeaderName::from_static("x-report-digest");

/// A stored report, without its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSummary {
    pub id: i64,
    pub created_at: String,
    /// schedule, dashboard, api, cli.
    pub trigger: String,
    /// `schedule`, `user:NAME`, `token:NAME` or `cli:USER`.
    pub created_by: String,
    pub schema_version: i64,
    pub buckets: i64,
    pub compliant: i64,
    pub noncompliant: i64,
    pub unknown: i64,
    /// Hex SHA-256 of the report's JSON (the `format=json` download, byte for byte).
    pub digest: String,
    /// The previous report's digest, as this report names it; null for the first.
    pub previous_digest: Option<String>,
}

impl From<ReportRecord> for ReportSummary {
    fn from(r: ReportRecord) -> Self {
        Self {
            id: r.id.get(),
            created_at: rfc3339(r.created_at),
            trigger: r.trigger,
            created_by: r.created_by,
            schema_version: r.schema_version,
            buckets: r.buckets,
            compliant: r.compliant,
            noncompliant: r.noncompliant,
            unknown: r.unknown,
            digest: r.digest,
            previous_digest: r.previous_digest,
        }
    }
}

/// The reports, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub reports: Vec<ReportSummary>,
}

/// Lists reports, newest first.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports",
    params(("limit" = Option<i64>, Query, description = "1 to 1000, default 50", minimum = 1, maximum = 1000)),
    responses((status = 200, body = ReportList), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_reports(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Json<ReportList>, ApiError> {
    principal.require(Role::Viewer)?;
    let limit = Params::parse(raw.as_deref()).integer("limit", 1..=1000, 50)?;
    let reports = store::list_reports(state.store(), state.account(), limit).await?;
    Ok(Json(ReportList {
        reports: reports.into_iter().map(ReportSummary::from).collect(),
    }))
}

/// Makes a report of the compliance state now (needs a completed scan, and something new since
/// the latest report unless `force=true`).
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports",
    params(("force" = Option<bool>, Query, description = "Make a report even when the latest one already covers everything")),
    responses((status = 201, body = ReportSummary), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody, description = "No scan has completed yet, or the latest report already covers the latest scan and nothing changed since")),
    security(("bearer" = [])))]
pub async fn create_report(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<(StatusCode, Json<ReportSummary>), ApiError> {
    principal.require(Role::Operator)?;
    let force = Params::parse(raw.as_deref())
        .boolean("force")?
        .unwrap_or(false);
    let created = actions::reports::create(
        state.store(),
        state.account(),
        ReportTrigger::Api,
        &principal.actor(),
        force,
    )
    .await?;
    let (record, _) = store::find_report(state.store(), state.account(), created.id)
        .await?
        .ok_or_else(|| ApiError::internal("the report was stored but cannot be read back"))?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// Downloads one report.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports",
    params(("id" = i64, Path, description = "Report id", minimum = 1),
        ("format" = Option<String>, Query, description = "csv, json (default: the stored bytes, whose SHA-256 is the digest) or html",
            pattern = "^(csv|json|html)$")),
    responses(
        (status = 200, description = "The report; `X-Report-Digest` is the SHA-256 of its JSON",
            headers(("X-Report-Digest" = String, description = "Hex SHA-256 of the report's JSON")),
            content((crate::report::ReportDocument = "application/json"), (String = "text/csv"), (String = "text/html"))),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_report(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    ApiPath(id): ApiPath<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    principal.require(Role::Viewer)?;
    let id = ReportId::parse(&id)
        .ok_or_else(|| ApiError::invalid(format!("{id:?} is not a report id")))?;
    let format = format_param(raw.as_deref())?;
    let (record, content) = store::find_report(state.store(), state.account(), id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("report {id} does not exist")))?;
    Ok(report::render(&record, content, format)?.into_response())
}

/// Downloads the latest report.
#[utoipa::path(get, path = "/api/v1/reports/latest", tag = "reports",
    params(("format" = Option<String>, Query, description = "csv, json (default) or html", pattern = "^(csv|json|html)$")),
    responses(
        (status = 200, description = "The latest report; `X-Report-Digest` is the SHA-256 of its JSON",
            headers(("X-Report-Digest" = String, description = "Hex SHA-256 of the report's JSON")),
            content((crate::report::ReportDocument = "application/json"), (String = "text/csv"), (String = "text/html"))),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody, description = "No report yet")),
    security(("bearer" = [])))]
pub async fn get_latest_report(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    principal.require(Role::Viewer)?;
    let format = format_param(raw.as_deref())?;
    let (record, content) = store::find_latest_report_content(state.store(), state.account())
        .await?
        .ok_or_else(|| ApiError::not_found("there is no report yet"))?;
    Ok(report::render(&record, content, format)?.into_response())
}

fn format_param(raw: Option<&str>) -> Result<ReportFormat, ApiError> {
    let names = ReportFormat::ALL.map(ReportFormat::as_str);
    Ok(Params::parse(raw)
        .one_of("format", &names)?
        .and_then(|f| f.parse().ok())
        .unwrap_or_default())
}

impl IntoResponse for RenderedReport {
    /// The download: its media type, a file name, and the digest in `X-Report-Digest`. HTML opens
    /// in the browser under a policy that allows its inline style and nothing else.
    fn into_response(self) -> Response {
        let disposition = match self.format {
            ReportFormat::Html => "inline",
            ReportFormat::Csv | ReportFormat::Json => "attachment",
        };
        let mut response = self.bytes.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.format.content_type()),
        );
        // The file name is `report-<number>.<ext>`: nothing in it needs quoting or escaping.
        if let Ok(value) =
            HeaderValue::from_str(&format!(r#"{disposition}; filename="{}""#, self.filename))
        {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        if let Ok(value) = HeaderValue::from_str(&self.digest) {
            headers.insert(DIGEST_HEADER, value);
        }
        if self.format == ReportFormat::Html {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(REPORT_CONTENT_SECURITY_POLICY),
            );
        }
        response
    }
}

impl From<ReportError> for ApiError {
    fn from(err: ReportError) -> Self {
        match err {
            ReportError::NoCompletedScan => Self::conflict(err.to_string()),
            ReportError::NothingNew { .. } => Self::conflict(format!("{err} (force=true)")),
            ReportError::Store(store) => store.into(),
            other => {
                tracing::error!(error = %other, "report error");
                Self::internal("the report could not be produced")
            }
        }
    }
}
