//! Reverts end to end: one change, a whole remediation run (with buckets changed since, left
//! alone unless included) and reverts of reverts, through the API, the pages and the binary,
//! judged by what the sandbox holds and what the audit log and the next report say.

mod alerts;
mod api;
mod cli;
mod pages;

use oss_audit::domain::{EncryptionRule, Role};
use serde_json::{Value, json};

use crate::notify::bucket;
use crate::support::{Api, TestApp};

/// The application over exactly `buckets` (name and rule, in cn-hangzhou), scanned once.
pub async fn app_with(buckets: &[(&str, Option<EncryptionRule>)]) -> TestApp {
    let app = TestApp::start(0).await;
    for (name, rule) in buckets {
        app.sandbox.insert_bucket(bucket(name, rule.clone()));
    }
    app.scan().await;
    app
}

/// KMS with the OSS-managed key.
pub fn kms() -> EncryptionRule {
    EncryptionRule::Kms {
        key_id: None,
        data_encryption: None,
    }
}

/// What the sandbox holds for `name`.
pub fn held(app: &TestApp, name: &str) -> Option<EncryptionRule> {
    app.sandbox
        .bucket(name)
        .unwrap_or_else(|| panic!("{name} is in the sandbox"))
        .encryption
}

/// `POST /api/v1/reverts` with `body`; asserts the status and returns the answer.
pub async fn revert(who: &Api, body: Value, status: u16) -> Value {
    let reply = who.call("POST", "/api/v1/reverts", Some(body)).await;
    assert_eq!(reply.status, status, "{}", reply.text());
    reply.json
}

/// Sets `name`'s encryption through the API as the operator; returns the audit-log entry id.
pub async fn put(app: &TestApp, name: &str, rule: Value) -> i64 {
    let operator = app.api(Role::Operator).await;
    let path = format!("/api/v1/buckets/{name}/encryption");
    let reply = operator.call("PUT", &path, Some(rule)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    newest_entry(app, name).await["id"].as_i64().unwrap()
}

/// The newest audit-log entry of `bucket`, as the API lists it.
pub async fn newest_entry(app: &TestApp, bucket: &str) -> Value {
    entries(app, bucket).await.remove(0)
}

/// Every audit-log entry of `bucket`, newest first, as the API lists them.
pub async fn entries(app: &TestApp, bucket: &str) -> Vec<Value> {
    let viewer = app.api(Role::Viewer).await;
    let reply = viewer
        .get(&format!("/api/v1/audit-log?bucket={bucket}"))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json["entries"].as_array().unwrap().clone()
}

/// Remediates every non-compliant bucket through the API; returns the run id and the answer.
pub async fn remediate_all(app: &TestApp) -> (i64, Value) {
    let operator = app.api(Role::Operator).await;
    let reply = operator
        .call("POST", "/api/v1/remediations", Some(json!({"force": true})))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let run = reply.json["run"].as_i64().expect("a run id");
    (run, reply.json)
}

/// The bucket `name` of a revert's answer.
pub fn planned<'a>(answer: &'a Value, name: &str) -> &'a Value {
    answer["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {answer}"))
}
