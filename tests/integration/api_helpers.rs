//! `ApiApp`: the real application on port 0 against a sandbox, with one token per role and one
//! method per API call.

use std::time::Duration;

use oss_audit::auth::{Role, tokens};
use oss_audit::sandbox::SandboxHandle;
use oss_audit::store::Store;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::helpers::{Spawned, TestDb, sandbox, spawn_app};

/// A new API token for `role`, named `ROLE-token`.
pub async fn api_token(store: &Store, role: Role) -> String {
    tokens::create(store, &format!("{role}-token"), role, "test")
        .await
        .unwrap()
        .token
        .expose()
        .to_owned()
}

/// Sends `method url` with `token` as the Bearer token and an optional JSON body.
pub async fn send_api(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request sent")
}

/// A running application and its sandbox.
pub struct ApiApp {
    pub sandbox: SandboxHandle,
    /// Kept alive for the test: dropping it removes the database.
    _db: TestDb,
    pub base: String,
    pub http: reqwest::Client,
    pub viewer: String,
    pub operator: String,
    pub admin: String,
    stop: CancellationToken,
}

impl Drop for ApiApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// A response: status and JSON body (Null when the body is not JSON).
pub struct Reply {
    pub status: u16,
    pub json: Value,
}

impl ApiApp {
    /// Starts the app over `buckets` sandbox buckets and completes a first scan.
    pub async fn start(buckets: usize) -> Self {
        let app = Self::start_unscanned(buckets).await;
        let scan = app.scan_to_completion().await;
        assert_eq!(scan["status"], "completed", "{scan}");
        app
    }

    /// Starts the app with an empty inventory.
    pub async fn start_unscanned(buckets: usize) -> Self {
        let Spawned {
            sandbox,
            db,
            state,
            base,
            stop,
        } = spawn_app(sandbox(buckets).await, |_| {}).await;
        let store = state.store();
        let (viewer, operator, admin) = (
            api_token(store, Role::Viewer).await,
            api_token(store, Role::Operator).await,
            api_token(store, Role::Admin).await,
        );
        Self {
            sandbox,
            _db: db,
            base,
            http: reqwest::Client::new(),
            viewer,
            operator,
            admin,
            stop,
        }
    }

    /// Sends `method path` with `token` and an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let response = send_api(&self.http, method, &url, token, body).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Reply {
            status,
            json: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, Some(&self.viewer.clone()), None)
            .await
    }

    /// Starts a scan through the API and waits until it is no longer running.
    pub async fn scan_to_completion(&self) -> Value {
        let started = self
            .call("POST", "/api/v1/scans", Some(&self.operator), None)
            .await;
        assert_eq!(started.status, 202, "{}", started.json);
        let id = started.json["id"].as_i64().unwrap();
        self.wait_for_scan(id).await
    }

    pub async fn wait_for_scan(&self, id: i64) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let scan = self.get(&format!("/api/v1/scans/{id}")).await;
            assert_eq!(scan.status, 200);
            if scan.json["status"] != "running" {
                return scan.json;
            }
            assert!(tokio::time::Instant::now() < deadline, "scan {id} finished");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Every bucket through the API, following cursors.
    pub async fn all_buckets(&self, filter: &str) -> Vec<Value> {
        let mut buckets = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/buckets?limit=100{filter}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = self.get(&path).await;
            assert_eq!(page.status, 200, "{}", page.json);
            buckets.extend(page.json["buckets"].as_array().unwrap().iter().cloned());
            match page.json["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return buckets,
            }
        }
    }
}
