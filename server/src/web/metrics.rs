//! `GET /metrics`: Prometheus text. Request counters are kept in memory; bucket and scan figures are
//! read from the database at scrape time, so they are right even after a restart.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::AppState;
use super::api::{ApiError, ApiPrincipal};
use crate::domain::Role;
use crate::oss::RequestObserver;
use crate::store::{self, StoreError};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OssLabels {
    operation: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BucketLabels {
    account: String,
    status: String,
    compliant: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AccountLabels {
    account: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AccountScanLabels {
    account: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScanLabels {
    status: String,
}

/// The process's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    oss_requests: Family<OssLabels, Counter>,
    buckets: Family<BucketLabels, Gauge>,
    scans: Family<ScanLabels, Gauge>,
    last_scan_duration_ms: Gauge,
    last_scan_unknown: Family<AccountLabels, Gauge>,
    account_last_scan: Family<AccountScanLabels, Gauge>,
    password_verifications: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("oss_audit");
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route, method and status",
            http_requests.clone(),
        );
        let oss_requests = Family::<OssLabels, Counter>::default();
        registry.register(
            "oss_requests",
            "OSS request attempts by operation and outcome code (ok, or the OSS error code)",
            oss_requests.clone(),
        );
        let buckets = Family::<BucketLabels, Gauge>::default();
        registry.register(
            "buckets",
            "Present buckets by account, status and compliance, as of the last completed scan",
            buckets.clone(),
        );
        let scans = Family::<ScanLabels, Gauge>::default();
        registry.register("scans", "Scans recorded, by status", scans.clone());
        let last_scan_duration_ms = Gauge::default();
        registry.register(
            "last_scan_duration_milliseconds",
            "Duration of the last scan with results (completed or partial)",
            last_scan_duration_ms.clone(),
        );
        let last_scan_unknown = Family::<AccountLabels, Gauge>::default();
        registry.register(
            "last_scan_unknown_buckets",
            "Buckets of each account its last completed scan could not read",
            last_scan_unknown.clone(),
        );
        let account_last_scan = Family::<AccountScanLabels, Gauge>::default();
        registry.register(
            "account_last_scan",
            "1 for the status of each account's last scan (completed, failed, interrupted, running)",
            account_last_scan.clone(),
        );
        let password_verifications = Counter::default();
        registry.register(
            "password_verifications",
            "Passwords checked against their argon2 hash (sign-ins and password changes)",
            password_verifications.clone(),
        );
        Self {
            registry,
            password_verifications,
            http_requests,
            oss_requests,
            buckets,
            scans,
            last_scan_duration_ms,
            last_scan_unknown,
            account_last_scan,
        }
    }
}

impl Metrics {
    /// The counter of argon2 verifications, for the password checks to count on.
    pub fn password_verifications(&self) -> Counter {
        self.password_verifications.clone()
    }

    /// The observer to give the OSS client, counting its request attempts.
    pub fn oss_observer(self: &Arc<Self>) -> RequestObserver {
        let metrics = Arc::clone(self);
        RequestObserver(Arc::new(move |operation, code| {
            metrics
                .oss_requests
                .get_or_create(&OssLabels {
                    operation: operation.to_owned(),
                    code: code.to_owned(),
                })
                .inc();
        }))
    }
}

/// Middleware counting every HTTP request by its route pattern (never the raw path, so bucket names
/// do not explode the label set).
pub async fn count_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method()).to_owned();
    let response = next.run(request).await;
    state
        .metrics()
        .http_requests
        .get_or_create(&HttpLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The method as a label: the standard methods by name, any other `other`. A client may send any
/// token as a method, and each distinct label is a series kept for the life of the process, so
/// taking them verbatim would let anyone, signed in or not, grow memory without bound.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Renders the metrics (viewer role or above).
pub async fn metrics(
    State(state): State<AppState>,
    principal: ApiPrincipal,
) -> Result<Response, ApiError> {
    principal.require(Role::Viewer)?;
    refresh(&state).await?;
    let mut body = String::new();
    encode(&mut body, &state.metrics().registry)
        .map_err(|_| ApiError::internal("could not encode metrics"))?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

async fn refresh(state: &AppState) -> Result<(), StoreError> {
    let metrics = state.metrics();
    let store = state.store();
    let overview = store::list_estate_overview(store).await?;
    let names: std::collections::HashMap<_, _> = overview
        .accounts
        .iter()
        .map(|a| (a.id, a.name.to_string()))
        .collect();
    metrics.buckets.clear();
    for (account, status, compliant, exempt, count) in
        store::count_buckets_by_account_and_status(store, None).await?
    {
        let compliant = match compliant {
            _ if exempt => "exempt",
            Some(true) => "true",
            Some(false) => "false",
            None => "unknown",
        };
        metrics
            .buckets
            .get_or_create(&BucketLabels {
                account: names.get(&account).cloned().unwrap_or_default(),
                status: status.as_str().to_owned(),
                compliant: compliant.to_owned(),
            })
            .set(count);
    }
    metrics.scans.clear();
    for (status, count) in store::count_scans_by_status(store).await? {
        metrics
            .scans
            .get_or_create(&ScanLabels {
                status: status.as_str().to_owned(),
            })
            .set(count);
    }
    if let Some(last) = store::find_last_completed_scan(store).await? {
        let duration = last
            .finished_at
            .map(|end| (end - last.started_at).num_milliseconds())
            .unwrap_or_default();
        metrics.last_scan_duration_ms.set(duration);
    }
    metrics.last_scan_unknown.clear();
    metrics.account_last_scan.clear();
    for account in &overview.accounts {
        let name = account.name.to_string();
        if let Some(last) = &account.last {
            metrics
                .account_last_scan
                .get_or_create(&AccountScanLabels {
                    account: name.clone(),
                    status: last.status.as_str().to_owned(),
                })
                .set(1);
        }
        if let Some(part) = store::find_last_completed_account_scan(store, account.id).await? {
            metrics
                .last_scan_unknown
                .get_or_create(&AccountLabels { account: name })
                .set(part.summary.map(|s| s.unknown).unwrap_or_default());
        }
    }
    Ok(())
}
