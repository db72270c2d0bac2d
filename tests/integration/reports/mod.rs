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
use std::time::Duration;

use oss_audit::auth::password::Password;
use oss_audit::auth::{Role, UserName, tokens, users};
use oss_audit::sandbox::SandboxHandle;
use oss_audit::scan::Trigger;
use oss_audit::startup::{Application, Settings};
use oss_audit::web::AppState;
use reqwest::cookie::Jar;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::app_helpers::{browser, csrf_field};
use crate::helpers::{TestDb, sandbox};

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
        let sandbox = sandbox(buckets).await;
        let db = TestDb::new();
        let mut client = sandbox.client_config();
        client.retry.base_delay = Duration::from_millis(2);
        let app = Application::build(Settings::for_tests(db.url.clone(), client))
            .await
            .expect("app builds");
        let state = app.state().clone();
        let token = |role: Role| {
            let store = state.store().clone();
            async move {
                tokens::create(&store, &format!("{role}-token"), role, "test")
                    .await
                    .unwrap()
                    .token
                    .expose()
                    .to_owned()
            }
        };
        let (viewer, operator) = (token(Role::Viewer).await, token(Role::Operator).await);
        let base = format!("http://{}", app.local_addr());
        let stop = CancellationToken::new();
        tokio::spawn(app.run_until_stopped(stop.clone()));
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
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let mut conn = self.state.store().pool().acquire().await.unwrap();
            let scan = oss_audit::store::get_scan(&mut conn, id).await.unwrap();
            if scan.status != "running" {
                assert_eq!(scan.status, "completed", "{scan:?}");
                return id.get();
            }
            assert!(tokio::time::Instant::now() < deadline, "scan {id} finishes");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
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
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
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
        users::create_user(
            self.state.store(),
            &UserName::parse(name).unwrap(),
            role,
            Password::new(PASSWORD).unwrap(),
        )
        .await
        .expect("user added");
        let http = browser(Arc::new(Jar::default()));
        let login = http.get(self.url("/login")).send().await.unwrap();
        let token = csrf_field(&login.text().await.unwrap());
        let answer = http
            .post(self.url("/login"))
            .form(&[
                ("username", name),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
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
