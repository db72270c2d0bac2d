//! The bucket list, its CSV export, and the bucket page with its change and remove forms, driven
//! like a browser and checked against what the sandbox really holds.

mod detail;
mod list;

use std::sync::Arc;

use oss_audit::auth::Role;
use oss_audit::sandbox::{SandboxBucket, SandboxHandle};
use oss_audit::scan::Trigger;
use oss_audit::web::AppState;
use reqwest::cookie::Jar;
use tokio_util::sync::CancellationToken;

use crate::app_helpers::{add_user, browser, csrf_field, submit_sign_in};
use crate::helpers::{Spawned, TestDb, sandbox, spawn_app, wait_for_scan};

const PASSWORD: &str = "correct horse battery";

/// The application over a seeded sandbox after one scan, with a signed-in operator and viewer.
struct Pages {
    sandbox: SandboxHandle,
    _db: TestDb,
    base: String,
    state: AppState,
    operator: reqwest::Client,
    viewer: reqwest::Client,
    stop: CancellationToken,
}

impl Drop for Pages {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// What the sandbox says a bucket's status is, as the dashboard words it.
fn truth_status(b: &SandboxBucket) -> &'static str {
    match (&b.encryption, b.access_denied) {
        (_, true) => "unknown",
        (None, _) => "unencrypted",
        (Some(_), _) => "encrypted",
    }
}

/// The bucket names of the list's rows, in order.
fn row_names(html: &str) -> Vec<String> {
    html.split(r#"<th scope="row"><a href="/buckets/"#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

impl Pages {
    async fn start(buckets: usize) -> Self {
        Self::start_with(buckets, |_| {}).await
    }

    /// Starts over `buckets` seeded buckets, lets `prepare` adjust the sandbox, then scans.
    async fn start_with(buckets: usize, prepare: impl FnOnce(&SandboxHandle)) -> Self {
        let sandbox = sandbox(buckets).await;
        prepare(&sandbox);
        let Spawned {
            sandbox,
            db,
            state,
            base,
            stop,
        } = spawn_app(sandbox, |_| {}).await;
        for (name, role) in [("olivia", Role::Operator), ("victor", Role::Viewer)] {
            add_user(state.store(), name, role, PASSWORD).await;
        }
        let pages = Self {
            sandbox,
            _db: db,
            base,
            state,
            operator: browser(Arc::new(Jar::default())),
            viewer: browser(Arc::new(Jar::default())),
            stop,
        };
        pages.sign_in(&pages.operator, "olivia").await;
        pages.sign_in(&pages.viewer, "victor").await;
        pages.scan().await;
        pages
    }

    async fn sign_in(&self, who: &reqwest::Client, name: &str) {
        let answer = submit_sign_in(who, &self.base, name, PASSWORD).await;
        assert_eq!(answer.status(), 303, "{name} signs in");
    }

    async fn scan(&self) {
        let id = self
            .state
            .start_scan(Trigger::Dashboard)
            .await
            .expect("scan starts");
        wait_for_scan(&self.state, id).await;
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path` as `who`: status and body.
    async fn page(&self, who: &reqwest::Client, path: &str) -> (u16, String) {
        let response = who.get(self.url(path)).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The session's CSRF token of `who` (every page's sign-out form carries it).
    async fn token(&self, who: &reqwest::Client) -> String {
        csrf_field(&self.page(who, "/buckets").await.1)
    }

    async fn post(
        &self,
        who: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        who.post(self.url(path)).form(fields).send().await.unwrap()
    }

    /// The sandbox's buckets, sorted by name, with `keep` applied.
    fn truth(&self, keep: impl Fn(&SandboxBucket) -> bool) -> Vec<String> {
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

    /// The name of the first bucket (by name) that `pick` accepts.
    fn first(&self, pick: impl Fn(&SandboxBucket) -> bool) -> String {
        self.truth(pick).into_iter().next().expect("such a bucket")
    }
}
