//! The admin-side pages driven like a browser: scans, the audit log and settings (remediation is
//! in `pages_remediate`, which shares [`PageApp`]).

mod audit_log;
mod scans;
mod settings;

use std::sync::Arc;

use oss_audit::auth::Role;
use oss_audit::sandbox::{SandboxBucket, SandboxHandle};
use oss_audit::scan::Trigger;
use oss_audit::startup::Settings;
use oss_audit::web::AppState;
use reqwest::cookie::Jar;
use tokio_util::sync::CancellationToken;

use crate::app_helpers::{add_user, browser, csrf_field, submit_sign_in};
use crate::helpers::{Spawned, TestDb, sandbox, spawn_app, wait_for_scan};

/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// The application over a seeded sandbox (the sandbox kept at hand to check what OSS holds).
pub struct PageApp {
    pub sandbox: SandboxHandle,
    _db: TestDb,
    pub base: String,
    pub state: AppState,
    stop: CancellationToken,
}

impl Drop for PageApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// A signed-in browser: its own cookie jar and its session's CSRF token.
pub struct Browser {
    pub http: reqwest::Client,
    base: String,
    pub csrf: String,
}

impl PageApp {
    /// Starts over `buckets` seeded buckets with `tweak` applied to the settings; no scan yet.
    pub async fn start_with(buckets: usize, tweak: impl FnOnce(&mut Settings)) -> Self {
        let Spawned {
            sandbox,
            db,
            state,
            base,
            stop,
        } = spawn_app(sandbox(buckets).await, tweak).await;
        Self {
            sandbox,
            _db: db,
            base,
            state,
            stop,
        }
    }

    /// Starts over `buckets` seeded buckets and completes a first scan.
    pub async fn scanned(buckets: usize) -> Self {
        let app = Self::start_with(buckets, |_| {}).await;
        let id = app
            .state
            .start_scan(Trigger::Cli)
            .await
            .expect("scan starts");
        app.wait_for_scan(id.get()).await;
        app
    }

    /// Waits until scan `id` is no longer running and checks that it completed.
    pub async fn wait_for_scan(&self, id: i64) {
        wait_for_scan(&self.state, oss_audit::domain::ScanId::new(id)).await;
    }

    /// Adds a user with `role` and signs them in with a browser of their own.
    pub async fn sign_in(&self, name: &str, role: Role) -> Browser {
        add_user(self.state.store(), name, role, PASSWORD).await;
        self.try_sign_in(name, PASSWORD)
            .await
            .expect("the user signs in")
    }

    /// Signs `name` in with a new browser; `None` when sign-in is refused.
    pub async fn try_sign_in(&self, name: &str, password: &str) -> Option<Browser> {
        let http = browser(Arc::new(Jar::default()));
        let answer = submit_sign_in(&http, &self.base, name, password).await;
        let location = crate::app_helpers::location(&answer);
        if answer.status() != 303 || location.starts_with("/login") {
            return None;
        }
        let mut signed_in = Browser {
            http,
            base: self.base.clone(),
            csrf: String::new(),
        };
        signed_in.csrf = csrf_field(&signed_in.get("/").await.1);
        Some(signed_in)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The sandbox's bucket names that `keep` accepts, sorted.
    pub fn names(&self, keep: impl Fn(&SandboxBucket) -> bool) -> Vec<String> {
        let mut names: Vec<String> = self
            .sandbox
            .buckets()
            .into_iter()
            .filter(|b| keep(b))
            .map(|b| b.name.as_str().to_owned())
            .collect();
        names.sort();
        names
    }

    /// A count from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.state.store().pool())
            .await
            .unwrap()
    }
}

impl Browser {
    /// `GET path`: status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Submits a form to `path` with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &self.csrf));
        self.post_without_token(path, &fields).await
    }

    /// Submits exactly `fields` (no CSRF token unless among them).
    pub async fn post_without_token(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// The part of `html` between `from` and `to` (to the end when `to` is absent).
pub fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} in {html}"));
    let rest = &html[start..];
    rest.find(to).map_or(rest, |end| &rest[..end])
}

/// Whether `html` links to the bucket page of `name`.
pub fn links_bucket(html: &str, name: &str) -> bool {
    html.contains(&format!(r#"<a href="/buckets/{name}">{name}</a>"#))
}
