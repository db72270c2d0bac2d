//! The first administrator: from `OSS_AUDIT_ADMIN_PASSWORD`, or generated and logged once.

use oss_audit::sandbox::SandboxHandle;

use crate::support::{OssAudit, Serving, TestApp, TestDb, Visitor, location, sandbox, until};

/// Starts `oss-audit serve` on port 0 with a new database, the sandbox's keys and `env` added,
/// and waits until it listens.
async fn serve(env: &[(&str, &str)]) -> (Serving, SandboxHandle, TestDb) {
    let sandbox = sandbox(0).await;
    let db = TestDb::new();
    let command = OssAudit::new(&["serve", "--listen", "127.0.0.1:0", "--scan-interval", "0"])
        .database(&db)
        .sandbox(&sandbox)
        .env("NO_COLOR", "1")
        .envs(env);
    (Serving::start(command).await, sandbox, db)
}

/// Signs in with a fresh browser; returns the redirect's target and the page behind it.
async fn login(serve: &Serving, user: &str, password: &str) -> (String, String) {
    let browser = Visitor::new(&serve.base);
    let signed_in = browser.login(user, password).await;
    let (_, home) = browser.get("/").await;
    (location(&signed_in), home)
}

#[tokio::test]
async fn serve_creates_admin_with_the_password_from_the_environment_without_logging_it() {
    let (serve, _sandbox, _db) =
        serve(&[("OSS_AUDIT_ADMIN_PASSWORD", "configured admin password")]).await;

    let (target, home) = login(&serve, "admin", "configured admin password").await;

    assert_eq!(target, "/");
    assert!(
        home.contains("<span class=\"who\">admin · admin</span>"),
        "{home}"
    );
    let (_, log) = serve.stop().await;
    assert!(!log.contains("configured admin password"), "{log}");
    assert!(!log.contains("created user admin with password"), "{log}");
}

#[tokio::test]
async fn serve_logs_a_generated_admin_password_once_and_it_signs_in() {
    let (serve, _sandbox, _db) = serve(&[]).await;

    let log: Vec<String> = until("the generated password is logged", async || {
        let log = serve.stderr();
        log.contains("created user admin with password ")
            .then(|| log.lines().map(str::to_owned).collect())
    })
    .await;
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

    let (target, home) = login(&serve, "admin", password).await;

    assert_eq!(target, "/");
    assert!(home.contains("admin · admin"), "{home}");
}

#[tokio::test]
async fn later_starts_leave_existing_users_alone() {
    let app = TestApp::launch()
        .admin_password("configured admin password")
        .start()
        .await;

    let again = TestApp::launch()
        .over(app.stop().await)
        .admin_password("another admin password")
        .start()
        .await;

    assert_eq!(again.rows("app_user").await, 1);
    assert_eq!(
        location(
            &again
                .visitor()
                .login("admin", "configured admin password")
                .await
        ),
        "/"
    );
    assert!(
        again
            .try_sign_in("admin", "another admin password")
            .await
            .is_none(),
        "the second start's password was not set"
    );
}

#[tokio::test]
async fn a_too_short_admin_password_stops_the_start() {
    let started = TestApp::launch().admin_password("short").try_start().await;

    let Err(err) = started else {
        panic!("the application started")
    };

    assert!(err.to_string().contains("at least 12 characters"), "{err}");
}
