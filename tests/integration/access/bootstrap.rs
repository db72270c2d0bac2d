//! The first administrator: from `OSS_AUDIT_ADMIN_PASSWORD`, or generated and logged once.

use std::process::Stdio;
use std::time::Duration;

use oss_audit::auth::bootstrap::ensure_admin;
use oss_audit::oss::Secret;
use oss_audit::startup::{Application, Settings};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::app_helpers::{TestApp, location};
use crate::helpers::{TestDb, sandbox};

#[tokio::test]
async fn the_first_start_creates_admin_with_the_configured_password() {
    let app = TestApp::spawn_with(|s| {
        s.admin_password = Some(Secret::new("configured admin password"));
    })
    .await;

    assert_eq!(
        location(&app.login("admin", "configured admin password").await),
        "/"
    );
    let page = app.home().await.text().await.unwrap();
    assert!(
        page.contains("Signed in as <strong>admin</strong> (admin)"),
        "{page}"
    );
    assert_eq!(app.rows("app_user").await, 1);
    // Later starts leave the users alone.
    assert!(ensure_admin(&app.store, None).await.unwrap().is_none());
    assert_eq!(app.rows("app_user").await, 1);
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

#[tokio::test]
async fn serve_logs_a_generated_admin_password_once_and_it_signs_in() {
    let sandbox = sandbox(0).await;
    let db = TestDb::new();
    let credentials = sandbox.credentials();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"))
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
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("serve starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let wait = Duration::from_secs(30);

    let password = tokio::time::timeout(wait, async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if let Some((_, rest)) = line.split_once("created user admin with password ") {
                return rest
                    .split(|c: char| c.is_whitespace() || c == '\x1b')
                    .next()
                    .unwrap()
                    .to_owned();
            }
        }
        panic!("serve ended without logging the admin password");
    })
    .await
    .expect("password logged");
    let base = tokio::time::timeout(wait, async {
        while let Some(line) = stdout.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("oss-audit listening on ") {
                return url.trim().to_owned();
            }
        }
        panic!("serve ended without listening");
    })
    .await
    .expect("listening");

    assert!(password.len() >= 12, "{password}");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let browser = crate::app_helpers::browser(jar);
    let page = browser
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::app_helpers::csrf_field(&page);
    let signed_in = browser
        .post(format!("{base}/login"))
        .form(&[
            ("username", "admin"),
            ("password", password.as_str()),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/");
    let home = browser
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("(admin)"), "{home}");
    child.kill().await.ok();
}
