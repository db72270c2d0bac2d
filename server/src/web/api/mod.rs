//! The JSON API under `/api/v1`: Bearer tokens only, JSON errors, an OpenAPI document.

mod accounts;
mod audit_log;
mod buckets;
mod encryption;
mod error;
mod exemptions;
mod json;
#[cfg(test)]
mod json_fuzz_tests;
mod keys;
mod path;
mod policy;
mod principal;
mod query;
#[cfg(test)]
mod query_fuzz_tests;
mod remediations;
mod reports;
mod reverts;
mod scans;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, put};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use json::{ApiJson, MAX_BODY_BYTES};
pub use path::ApiPath;
pub use principal::ApiPrincipal;

use super::AppState;

/// The OpenAPI document, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(title = "oss-audit API", description = "Audit and fix the server-side encryption of Alibaba Cloud OSS buckets."),
    paths(
        buckets::list_buckets, buckets::get_bucket, encryption::put_encryption, encryption::delete_encryption,
        scans::start_scan, scans::list_scans, scans::get_scan, remediations::create_remediation,
        audit_log::list_audit_log, policy::get_policy, policy::put_policy, policy::get_rules, policy::put_rules,
        reports::list_reports, reports::create_report, reports::get_report, reports::get_latest_report,
        accounts::list_accounts, accounts::add_account, accounts::remove_account,
        reverts::create_revert,
        keys::list_keys,
        exemptions::list_exemptions, exemptions::request_exemption,
        exemptions::approve_exemption, exemptions::revoke_exemption,
    ),
    components(schemas(ErrorBody, ErrorDetail, crate::view::BucketView, crate::view::AccountView,
        crate::view::KeyView, crate::view::ExemptionView, crate::view::Judgement,
        crate::view::ExemptWord,
        crate::report::ReportDocument)),
    modifiers(&BearerAuth),
)]
#[derive(Debug)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/v1/openapi.json`.
async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// The API routes, to be nested under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/buckets", get(buckets::list_buckets))
        .route("/buckets/{name}", get(buckets::get_bucket))
        .route(
            "/buckets/{name}/encryption",
            put(encryption::put_encryption).delete(encryption::delete_encryption),
        )
        .route("/scans", get(scans::list_scans).post(scans::start_scan))
        .route("/scans/{id}", get(scans::get_scan))
        .route(
            "/remediations",
            axum::routing::post(remediations::create_remediation),
        )
        .route("/reverts", axum::routing::post(reverts::create_revert))
        .route("/audit-log", get(audit_log::list_audit_log))
        .route("/policy", get(policy::get_policy).put(policy::put_policy))
        .route(
            "/policy/rules",
            get(policy::get_rules).put(policy::put_rules),
        )
        .route(
            "/reports",
            get(reports::list_reports).post(reports::create_report),
        )
        .route("/reports/latest", get(reports::get_latest_report))
        .route("/reports/{id}", get(reports::get_report))
        .route(
            "/accounts",
            get(accounts::list_accounts).post(accounts::add_account),
        )
        .route(
            "/accounts/{name}",
            axum::routing::delete(accounts::remove_account),
        )
        .route("/keys", get(keys::list_keys))
        .route(
            "/exemptions",
            get(exemptions::list_exemptions).post(exemptions::request_exemption),
        )
        .route(
            "/exemptions/{id}/approve",
            axum::routing::post(exemptions::approve_exemption),
        )
        .route(
            "/exemptions/{id}/revoke",
            axum::routing::post(exemptions::revoke_exemption),
        )
        .fallback(|| async { ApiError::not_found("no such API route") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
