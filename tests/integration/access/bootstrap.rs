//! The first administrator: from `OSS_AUDIT_ADMIN_PASSWORD`, or generated and logged once.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oss_audit::auth::bootstrap::ensure_admin;
use oss_audit::oss::Secret;
use oss_audit::sandbox::SandboxHandle;
use oss_audit::startup::{Application, Settings};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::app_helpers::{TestApp, browser, csrf_field, location};
use crate::helpers::{TestDb, sandbox};

/// `oss-audit serve` as a process, its log collected.
struct Serve {
    _child: Child,
    _sandbox: SandboxHandle,
    _db: TestDb,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    /// Starts `serve` on port 0 with a new database and `env` added, and waits until it listens.
    async fn start(env: &[(&str, &str)]) -> Self {
        let sandbox = sandbox(0).await;
        let db = TestDb::new();
        let credentials = sandbox.credentials();
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--scan-interval", "0"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &db.url)
            .env("NO_COLOR", "1")
            .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
            .env("HTTP_PROXY", sandbox.proxy_url())
            .env("OSS_ACCESS_KEY_ID", &credentials.access_key_id)
            .env(
                "OSS_ACCESS_KEY_SECRET",
                credentials.access_key_secret.expose(),
            )
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("serve starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let collected = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                collected.lock().unwrap().push(line);
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = stdout.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("oss-audit listening on ") {
                    return url.trim().to_owned();
                }
            }
            panic!("serve ended without listening: {:?}", log.lock().unwrap());
        })
        .await
        .expect("serve listens");
        Self {
            _child: child,
            _sandbox: sandbox,
            _db: db,
            base,
            log,
        }
    }

    /// The log lines so far (the bootstrap happens before the server listens).
    async fn log(&self) -> Vec<String> {
        // stderr is read by another task; give it a moment to catch up.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.log.lock().unwrap().clone()
    }

    /// Signs in with a fresh browser; returns the redirect's target and the page behind it.
    async fn login(&self, user: &str, password: &str) -> (String, String) {
        let browser = browser(Arc::new(reqwest::cookie::Jar::default()));
        let form = browser
            .get(format!("{}/login", self.base))
            .send()
            .await
            .unwrap();
        let token = csrf_field(&form.text().await.unwrap());
        let signed_in = browser
            .post(format!("{}/login", self.base))
            .form(&[
                ("username", user),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        let home = browser.get(format!("{}/", self.base)).send().await.unwrap();
        (location(&signed_in), home.text().await.unwrap())
    }
}

#[tokio::test]
async fn serve_creates_admin_with_the_password_from_the_environment_without_logging_it() {
    let serve = Serve::start(&[("OSS_AUDIT_ADMIN_PASSWORD", "configured admin password")]).await;

    let (target, home) = serve.login("admin", "configured admin password").await;

    assert_eq!(target, "/");
    assert!(
        home.contains("<span class=\"who\">admin · admin</span>"),
        "{home}"
    );
    let log = serve.log().await.join("\n");
    assert!(!log.contains("configured admin password"), "{log}");
    assert!(!log.contains("created user admin with password"), "{log}");
}

#[tokio::test]
async fn serve_logs_a_generated_admin_password_once_and_it_signs_in() {
    let serve = Serve::start(&[]).await;

    let log = serve.log().await;
    let shown: Vec<String> = log
        .iter()
        .filter_map(|line| line.split_once("created user admin with password "))
        .map(|(_, rest)| {
            rest.split(|c: char| c.is_whitespace() || c == '\x1b')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(shown.len(), 1, "logged exactly once: {log:?}");
    assert!(
        log.iter()
            .any(|l| l.contains("WARN") && l.contains("created user admin")),
        "{log:?}"
    );
    let password = &shown[0];
    assert!(password.len() >= 12, "{password}");

    let (target, home) = serve.login("admin", password).await;

    assert_eq!(target, "/");
    assert!(home.contains("admin · admin"), "{home}");
}

#[tokio::test]
async fn later_starts_leave_existing_users_alone() {
    let app =
        TestApp::spawn_with(|s| s.admin_password = Some(Secret::new("configured admin password")))
            .await;

    let again = ensure_admin(&app.store, Some(Secret::new("another admin password")))
        .await
        .unwrap();

    assert!(again.is_none());
    assert_eq!(app.rows("app_user").await, 1);
    assert_eq!(
        location(&app.login("admin", "configured admin password").await),
        "/"
    );
}

#[tokio::test]
async fn a_too_short_admin_password_stops_the_start() {
    let sandbox = sandbox(0).await;
    let db = TestDb::new();
    let mut settings = Settings::for_tests(db.url.clone(), sandbox.client_config());
    settings.admin_password = Some(Secret::new("short"));

    let err = Application::build(settings).await.unwrap_err();

    assert!(err.to_string().contains("at least 12 characters"), "{err}");
}
