//! `BrowserApp`: the real application on port 0 with a temp database, over an in-process sandbox,
//! scanned once, with one user per role; and the sandbox's truth to compare pages with.

use std::collections::BTreeMap;

use oss_audit::auth::password::Password;
use oss_audit::auth::{Role, UserName, users};
use oss_audit::domain::EncryptionRule;
use oss_audit::sandbox::{self, SandboxConfig, SandboxHandle};
use oss_audit::scan::{ScanOptions, ScanProgress, Trigger};
use oss_audit::startup::{Application, Settings};
use tokio_util::sync::CancellationToken;

/// The password of every test user.
pub const PASSWORD: &str = "browser-test-password";

/// A running application over a scanned sandbox.
pub struct BrowserApp {
    pub sandbox: SandboxHandle,
    pub base: String,
    _dir: TempDir,
    stop: CancellationToken,
}

impl Drop for BrowserApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// The database's folder, removed when dropped (also when the set-up fails half-way).
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What OSS holds for one bucket: its default rule, and whether our credentials may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    pub encryption: Option<EncryptionRule>,
    pub denied: bool,
}

impl BrowserApp {
    /// Seeds a sandbox with `buckets` buckets, starts the app, adds an `operator` and a
    /// `viewer` and completes a first scan, so pages open with data.
    pub async fn start(buckets: usize) -> Self {
        let sandbox = sandbox::start(SandboxConfig::for_tests(buckets, 7))
            .await
            .expect("sandbox starts");
        let dir = std::env::temp_dir().join(format!(
            "oss-audit-browser-{}-{}",
            std::process::id(),
            sandbox.local_addr().port()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let dir = TempDir(dir);
        let url = format!("sqlite://{}", dir.0.join("audit.db").display());
        let app = Application::build(Settings::for_tests(url, sandbox.client_config()))
            .await
            .expect("app builds");
        let store = app.state().store().clone();
        for (name, role) in [("operator", Role::Operator), ("viewer", Role::Viewer)] {
            users::create_user(
                &store,
                &UserName::parse(name).expect("user name"),
                role,
                Password::new(PASSWORD).expect("password"),
            )
            .await
            .expect("user added");
        }
        let (progress, _) = tokio::sync::watch::channel(ScanProgress::default());
        let options = ScanOptions {
            concurrency: 16,
            trigger: Trigger::Cli,
        };
        app.state()
            .scanner()
            .run(options, progress, CancellationToken::new())
            .await
            .expect("first scan completes");
        let base = format!("http://{}", app.local_addr());
        let stop = CancellationToken::new();
        tokio::spawn(app.run_until_stopped(stop.clone()));
        Self {
            sandbox,
            base,
            _dir: dir,
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every bucket as OSS holds it now, by name.
    pub fn truth(&self) -> BTreeMap<String, Truth> {
        self.sandbox
            .buckets()
            .into_iter()
            .map(|b| {
                let truth = Truth {
                    encryption: b.encryption,
                    denied: b.access_denied,
                };
                (b.name.as_str().to_owned(), truth)
            })
            .collect()
    }

    /// The names of the readable buckets OSS holds no rule for, in name order.
    pub fn readable_unencrypted(&self) -> Vec<String> {
        self.truth()
            .into_iter()
            .filter(|(_, t)| !t.denied && t.encryption.is_none())
            .map(|(name, _)| name)
            .collect()
    }

    /// The names of the readable buckets with a rule, in name order.
    pub fn readable_encrypted(&self) -> Vec<String> {
        self.truth()
            .into_iter()
            .filter(|(_, t)| !t.denied && t.encryption.is_some())
            .map(|(name, _)| name)
            .collect()
    }

    /// Posts `fields` to `path` from a plain HTTP client carrying the browser's session cookie:
    /// the request a page would send, for forms a page does not offer.
    pub async fn post_form(
        &self,
        path: &str,
        session: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .post(self.url(path))
            .header("cookie", format!("oss_audit_session={session}"))
            .header("accept", "text/html")
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }
}
