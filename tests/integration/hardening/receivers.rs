//! Notification receivers on internal addresses (SSRF): refused when a target is saved (the CLI,
//! the settings page, the environment at start) and again at every delivery, with nothing sent;
//! and a failed delivery keeps the status, never what the receiver answered.

use oss_audit::domain::Role;
use oss_audit::sandbox::SandboxHandle;

use crate::support::{
    OssAudit, Receiver, Serving, TestApp, TestDb, output_text, sandbox, stdout, until,
};

/// Internal receivers an admin tried on the running product, and the reason each is refused.
const INTERNAL: [(&str, &str); 7] = [
    ("http://127.0.0.1:9/hook", "127.0.0.1 is a loopback address"),
    (
        "http://100.100.100.200/latest/meta-data/ram/security-credentials/",
        "100.100.100.200 is the instance metadata service",
    ),
    ("http://10.0.0.8/hook", "10.0.0.8 is a private address"),
    (
        "http://169.254.169.254/latest/",
        "169.254.169.254 is a link-local address",
    ),
    (
        "http://100.64.1.1/hook",
        "100.64.1.1 is a shared (CGNAT) address",
    ),
    (
        "http://[::ffff:127.0.0.1]:9/hook",
        "127.0.0.1 is a loopback address",
    ),
    ("http://localhost:9/hook", "localhost resolves to"),
];

#[tokio::test]
async fn notify_add_refuses_loopback_private_link_local_and_metadata_receivers() {
    let db = TestDb::new();
    for (url, why) in INTERNAL {
        let added = OssAudit::new(&["notify", "add", "--kind", "webhook", "--name", "probe"])
            .database(&db)
            .env("OSS_AUDIT_NOTIFY_URL", url)
            .env("OSS_AUDIT_NOTIFY_SECRET", "k")
            .output()
            .await;
        let shown = output_text(&added);
        assert_eq!(added.status.code(), Some(2), "{url}: {shown}");
        assert!(shown.contains(why), "{url}: {shown}");
        assert!(shown.contains("public addresses only"), "{url}: {shown}");
    }
    assert_eq!(db.rows("notification_target").await, 0);

    let listed = OssAudit::new(&["notify", "list"])
        .database(&db)
        .output()
        .await;
    assert!(!stdout(&listed).contains("probe"), "{}", stdout(&listed));
}

#[tokio::test]
async fn the_settings_page_refuses_an_internal_receiver_next_to_its_url() {
    let app = TestApp::launch().public_receivers_only().start().await;
    let admin = app.sign_in("ada", Role::Admin).await;

    let refused = admin
        .post(
            "/settings/notifications",
            &[
                ("kind", "webhook"),
                ("name", "metadata"),
                ("url", "http://100.100.100.200/latest/meta-data/"),
                ("secret", "k"),
            ],
        )
        .await;

    assert_eq!(refused.status(), 400);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(
            "100.100.100.200 is the instance metadata service; notifications are sent to public addresses only."
        ),
        "{page}"
    );
    assert_eq!(app.rows("notification_target").await, 0);
}

#[tokio::test]
async fn the_server_does_not_start_with_an_internal_receiver_in_its_environment() {
    let started = TestApp::launch()
        .public_receivers_only()
        .env_target("webhook", "env-webhook", "http://127.0.0.1:9/hook", "k")
        .try_start()
        .await;

    let Err(refused) = started else {
        panic!("the server started with a loopback receiver")
    };
    let message = refused.to_string();
    assert!(message.contains("env-webhook"), "{message}");
    assert!(
        message.contains("127.0.0.1 is a loopback address"),
        "{message}"
    );
}

#[tokio::test]
async fn a_stored_receiver_that_resolves_inward_now_is_sent_nothing() {
    let app = TestApp::launch()
        .public_receivers_only()
        .fast_notifications()
        .start()
        .await;
    let receiver = Receiver::start().await;
    let port = receiver.base.rsplit(':').next().unwrap().to_owned();
    // Stored as when each name or address still pointed outward (DNS answers change: rebinding).
    let by_name = app
        .add_target(
            "webhook",
            "by-name",
            &format!("http://localhost:{port}/hook"),
            "k",
        )
        .await;
    let by_address = app
        .add_target("slack", "by-address", &receiver.url("/services/x"), "")
        .await;
    let admin = app.sign_in("ada", Role::Admin).await;

    for id in [by_name, by_address] {
        let queued = admin
            .post(&format!("/settings/notifications/{id}/test"), &[])
            .await;
        assert_eq!(queued.status(), 303);
    }
    let errors: Vec<String> = until("both attempts are refused", async || {
        let errors: Vec<String> = sqlx::query_scalar(
            "SELECT last_error FROM notification_delivery WHERE last_error IS NOT NULL ORDER BY target_id",
        )
        .fetch_all(app.db.pool().await)
        .await
        .unwrap();
        (errors.len() == 2).then_some(errors)
    })
    .await;

    assert!(
        errors[0].starts_with("not sent: localhost resolves to"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("not sent: 127.0.0.1 is a loopback address"),
        "{errors:?}"
    );
    assert!(
        receiver.requests().is_empty(),
        "nothing reached the receiver"
    );
}

#[tokio::test]
async fn a_failed_delivery_shows_its_status_never_the_receivers_answer() {
    let app = TestApp::launch().fast_notifications().start().await;
    let receiver = Receiver::start().await;
    receiver.answer(500, "db password is hunter2-internal-only");
    let id = app
        .add_target("webhook", "chatty", &receiver.url("/hook"), "k")
        .await;
    let admin = app.sign_in("ada", Role::Admin).await;
    admin
        .post(&format!("/settings/notifications/{id}/test"), &[])
        .await;
    receiver.wait_for(1).await;
    let page = until("the failure is shown", async || {
        let (_, page) = admin.get("/settings/notifications").await;
        page.contains("HTTP 500").then_some(page)
    })
    .await;

    let listed = OssAudit::new(&["notify", "list"])
        .database(&app.db)
        .output()
        .await;

    assert!(page.contains("HTTP 500 Internal Server Error"), "{page}");
    assert!(
        stdout(&listed).contains("HTTP 500 Internal Server Error"),
        "{}",
        stdout(&listed)
    );
    for shown in [page, stdout(&listed)] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

/// Starts `oss-audit serve` on port 0 with a new database and `env` added.
async fn serve(env: &[(&str, &str)]) -> (Serving, SandboxHandle) {
    let sandbox = sandbox(0).await;
    let db = TestDb::new();
    let command = OssAudit::new(&["serve", "--listen", "127.0.0.1:0", "--scan-interval", "0"])
        .database(&db)
        .sandbox(&sandbox)
        .env("NO_COLOR", "1")
        .env("OSS_AUDIT_ADMIN_PASSWORD", "configured admin password")
        .envs(env);
    (Serving::start(command).await, sandbox)
}

#[tokio::test]
async fn allowing_internal_receivers_is_said_in_the_log_and_is_off_by_default() {
    let (allowed, _sandbox) = serve(&[("OSS_AUDIT_NOTIFY_ALLOW_PRIVATE", "true")]).await;
    let (default, _other) = serve(&[]).await;

    let (_, allowed_log) = allowed.stop().await;
    let (_, default_log) = default.stop().await;

    let warning = allowed_log
        .lines()
        .find(|l| l.contains("OSS_AUDIT_NOTIFY_ALLOW_PRIVATE is on"))
        .unwrap_or_else(|| panic!("no warning in {allowed_log}"));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(
        !default_log.contains("OSS_AUDIT_NOTIFY_ALLOW_PRIVATE"),
        "{default_log}"
    );
}
