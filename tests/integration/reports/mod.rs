//! Audit reports end to end: contents against what the sandbox holds, the formats, the digest
//! chain and its tamper detection through the real binary, the API, the page, the CLI and the
//! schedule (the step, and a restarted application).

mod api;
mod chain;
mod cli;
mod contents;
mod pages;
mod scale;
mod schedule;

use oss_audit::domain::Role;
use serde_json::Value;

use crate::support::{Reply, TestApp};

/// Makes a report through the API (as the operator token, forced: tests make several of the
/// same scan) and returns its summary.
pub async fn create_report(app: &TestApp) -> Value {
    let operator = app.api(Role::Operator).await;
    let created = operator
        .call("POST", "/api/v1/reports?force=true", None)
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json
}

/// Downloads `/api/v1/reports/{which}?format=...` as the viewer.
pub async fn download(app: &TestApp, which: &str, format: &str) -> Reply {
    let path = format!("/api/v1/reports/{which}?format={format}");
    let download = app.api(Role::Viewer).await.get(&path).await;
    assert_eq!(download.status, 200, "{path}: {}", download.text());
    download
}

/// Hex SHA-256, computed here independently of the product.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}
