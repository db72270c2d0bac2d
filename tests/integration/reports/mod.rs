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

use std::sync::Arc;

use oss_audit::auth::Role;
use oss_audit::sandbox::SandboxHandle;
use oss_audit::scan::Trigger;
use oss_audit::web::AppState;
use reqwest::cookie::Jar;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::api_helpers::{api_token, send_api};
use crate::app_helpers::{add_user, browser, csrf_field, submit_sign_in};
use crate::helpers::{Spawned, TestDb, sandbox, spawn_app, wait_for_scan};

/// Every test user's password.
const PASSWORD: &str = "correct horse battery staple";

/// The application over a seeded sandbox, with an API token per role and the database at hand.
pub struct ReportApp {
    pub sandbox: SandboxHandle,
    pub db: TestDb,
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub viewer: String,
    pub operator: String,
    stop: CancellationToken,
}

impl Drop for ReportApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// A download: status, headers and body.
pub struct Download {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Download {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON")
    }
}

impl ReportApp {
    /// Starts over `buckets` seeded buckets; no scan yet.
    pub async fn start(buckets: usize) -> Self {
        let Spawned {
            sandbox,
            db,
            state,
            base,
            stop,
        } = spawn_app(sandbox(buckets).await, |_| {}).await;
        let viewer = api_token(state.store(), Role::Viewer).await;
        let operator = api_token(state.store(), Role::Operator).await;
        Self {
            sandbox,
            db,
            base,
            state,
            http: reqwest::Client::new(),
            viewer,
            operator,
            stop,
        }
    }

    /// Starts over `buckets` seeded buckets and completes a first scan.
    pub async fn scanned(buckets: usize) -> Self {
        let app = Self::start(buckets).await;
        app.scan().await;
        app
    }

    /// Runs a scan to completion and returns its id.
    pub async fn scan(&self) -> i64 {
        let id = self
            .state
            .start_scan(Trigger::Cli)
            .await
            .expect("scan starts");
        wait_for_scan(&self.state, id).await;
        id.get()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `method path` with a Bearer token and an optional JSON body.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Download {
        let response = send_api(&self.http, method, &self.url(path), token, body).await;
        Download {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    /// Makes a report through the API (as the operator token) and returns its summary.
    pub async fn create_report(&self) -> Value {
        let created = self
            .api("POST", "/api/v1/reports", Some(&self.operator), None)
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        created.json()
    }

    /// Downloads `/api/v1/reports/{which}?format=...` as the viewer.
    pub async fn download(&self, which: &str, format: &str) -> Download {
        let path = format!("/api/v1/reports/{which}?format={format}");
        let download = self.api("GET", &path, Some(&self.viewer), None).await;
        assert_eq!(download.status, 200, "{path}: {}", download.text());
        download
    }

    /// Sets `name`'s encryption through the API as the operator.
    pub async fn put_encryption(&self, name: &str, body: Value) {
        let path = format!("/api/v1/buckets/{name}/encryption");
        let put = self
            .api("PUT", &path, Some(&self.operator), Some(body))
            .await;
        assert_eq!(put.status, 200, "{}", put.text());
    }

    /// Adds a user with `role` and signs them in with a browser of their own: the client and the
    /// session's CSRF token.
    pub async fn sign_in(&self, name: &str, role: Role) -> (reqwest::Client, String) {
        add_user(self.state.store(), name, role, PASSWORD).await;
        let http = browser(Arc::new(Jar::default()));
        let answer = submit_sign_in(&http, &self.base, name, PASSWORD).await;
        assert_eq!(answer.status(), 303, "{name} signs in");
        let home = http.get(self.url("/")).send().await.unwrap();
        let csrf = csrf_field(&home.text().await.unwrap());
        (http, csrf)
    }

    /// A count from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.state.store().pool())
            .await
            .unwrap()
    }
}

/// Hex SHA-256, computed here independently of the product.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}
