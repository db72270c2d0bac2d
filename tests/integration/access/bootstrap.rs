//! The first administrator: from `OSS_AUDIT_ADMIN_PASSWORD`, or generated, shown once on standard
//! error (never logged) and changed at the first sign-in before anything else opens.

use oss_audit::sandbox::SandboxHandle;

use crate::support::{
    Api, OssAudit, PASSWORD, Serving, TestApp, TestDb, Visitor, csrf_field, location, sandbox,
    stdout as stdout_text, until,
};

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

/// The password `serve` printed on standard error after `Created the user admin`.
fn printed_password(stderr: &str) -> String {
    let after = stderr
        .split_once("Created the user admin.")
        .unwrap_or_else(|| panic!("no password shown in {stderr}"))
        .1;
    after
        .lines()
        .skip(1)
        .map(str::trim)
        .find(|line| !line.is_empty())
        .expect("the password on its own line")
        .to_owned()
}

#[tokio::test]
async fn serve_shows_a_generated_admin_password_once_on_standard_error_and_never_logs_it() {
    let (serve, _sandbox, _db) = serve(&[("OSS_AUDIT_LOG", "debug")]).await;
    let shown = until("the generated password is shown", async || {
        let stderr = serve.stderr();
        stderr
            .contains("Created the user admin.")
            .then(|| printed_password(&stderr))
    })
    .await;
    assert!(shown.len() >= 12, "{shown}");
    let signed_in = Visitor::new(&serve.base).login("admin", &shown).await;
    assert_eq!(location(&signed_in), "/");

    let (stdout, stderr) = serve.stop().await;

    assert_eq!(stderr.matches(shown.as_str()).count(), 1, "{stderr}");
    assert!(!stdout.contains(&shown), "{stdout}");
    let logged: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]
                .iter()
                .any(|level| l.contains(level))
        })
        .collect();
    assert!(!logged.is_empty(), "the log was captured: {stderr}");
    for line in logged {
        assert!(!line.contains(&shown), "{line}");
    }
}

#[tokio::test]
async fn a_generated_password_must_be_changed_before_anything_else_opens() {
    let (serve, _sandbox, db) = serve(&[]).await;
    let shown = until("the generated password is shown", async || {
        let stderr = serve.stderr();
        stderr
            .contains("Created the user admin.")
            .then(|| printed_password(&stderr))
    })
    .await;
    let mut admin = Visitor::new(&serve.base);
    assert_eq!(location(&admin.login("admin", &shown).await), "/");

    // Every page and every form leads to the change-password page, and changes nothing.
    for path in ["/", "/settings", "/buckets", "/audit-log", "/reports"] {
        let answer = admin.fetch(path).await;
        assert_eq!(answer.status(), 303, "{path}");
        assert_eq!(location(&answer), "/account/password", "{path}");
    }
    let (status, page) = admin.get("/account/password").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Choose your own before you continue."),
        "{page}"
    );
    admin.csrf = csrf_field(&page);
    let add_user = admin
        .post(
            "/settings/users",
            &[
                ("name", "mallory"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&add_user), "/account/password");
    assert_eq!(db.rows("app_user").await, 1, "nobody was added");
    // API tokens are not affected.
    let created = OssAudit::new(&["token", "create", "--name", "ci", "--role", "viewer"])
        .database(&db)
        .output()
        .await;
    let token = stdout_text(&created)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned();
    let api = Api::new(&serve.base, Some(token));
    assert_eq!(api.get("/api/v1/buckets").await.status, 200);

    let changed = admin
        .post(
            "/account/password",
            &[
                ("current_password", &shown),
                ("new_password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;

    assert_eq!(location(&changed), "/");
    let (status, home) = admin.get("/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Your password was changed"), "{home}");
    assert!(
        Visitor::new(&serve.base)
            .signed_in("admin", &shown)
            .await
            .is_none(),
        "the generated password no longer works"
    );
    let again = Visitor::new(&serve.base).signed_in("admin", PASSWORD).await;
    let (status, _) = again
        .expect("the new password works")
        .get("/settings")
        .await;
    assert_eq!(status, 200);
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
