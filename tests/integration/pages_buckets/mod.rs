//! The bucket list, its CSV export, and the bucket page with its change and remove forms, driven
//! like a browser and checked against what the sandbox really holds.

mod detail;
mod list;

use std::sync::Arc;
use std::time::Duration;

use oss_audit::auth::password::Password;
use oss_audit::auth::{Role, UserName, users};
use oss_audit::sandbox::{SandboxBucket, SandboxHandle};
use oss_audit::scan::Trigger;
use oss_audit::startup::{Application, Settings};
use oss_audit::web::AppState;
use reqwest::cookie::Jar;
use tokio_util::sync::CancellationToken;

use crate::app_helpers::{browser, csrf_field};
use crate::helpers::{TestDb, sandbox};

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
        let db = TestDb::new();
        let mut client = sandbox.client_config();
        client.retry.base_delay = Duration::from_millis(2);
        let app = Application::build(Settings::for_tests(db.url.clone(), client))
            .await
            .expect("app builds");
        let state = app.state().clone();
        for (name, role) in [("olivia", Role::Operator), ("victor", Role::Viewer)] {
            users::create_user(
                state.store(),
                &UserName::parse(name).unwrap(),
                role,
                Password::new(PASSWORD).unwrap(),
            )
            .await
            .expect("user added");
        }
        let base = format!("http://{}", app.local_addr());
        let stop = CancellationToken::new();
        tokio::spawn(app.run_until_stopped(stop.clone()));
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
        let login = who.get(self.url("/login")).send().await.unwrap();
        let token = csrf_field(&login.text().await.unwrap());
        let answer = who
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
    }

    async fn scan(&self) {
        let id = self
            .state
            .start_scan(Trigger::Dashboard)
            .await
            .expect("scan starts");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let mut conn = self.state.store().pool().acquire().await.unwrap();
            let scan = oss_audit::store::get_scan(&mut conn, id).await.unwrap();
            if scan.status != "running" {
                assert_eq!(scan.status, "completed");
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "scan finishes");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
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
