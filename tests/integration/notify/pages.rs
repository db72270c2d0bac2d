//! Settings › Notifications driven like a browser against the running application (its delivery
//! worker included): secrets are never shown again, only admins with the form's CSRF token change
//! targets, a test message arrives, and a receiver that never answers holds up no scan.

use std::time::Duration;

use oss_audit::auth::Role;
use oss_audit::domain::{BucketName, Region, ScanId};
use oss_audit::notify::{self, NewTarget, TargetInput};
use oss_audit::sandbox::SandboxBucket;
use oss_audit::scan::Trigger;
use oss_audit::startup::{Application, Settings};

use super::{DASHBOARD, Receiver, deliveries, verified_webhook};
use crate::app_helpers::location;
use crate::helpers::TestDb;
use crate::pages_admin::PageApp;

const SECRET: &str = "s3cret-signing-key-0451";
const URL_SECRET: &str = "hook-path-token-7788";

async fn app() -> PageApp {
    PageApp::start_with(0, |settings| {
        settings.notify.public_url = Some(url::Url::parse(DASHBOARD).unwrap());
        settings.notify.timing.retry_base = Duration::from_millis(10);
        settings.notify.timing.poll_interval = Duration::from_millis(200);
    })
    .await
}

/// Waits until every delivery left `pending`.
async fn settled(app: &PageApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while deliveries(app.state.store())
        .await
        .iter()
        .any(|d| d.status == "pending")
    {
        assert!(tokio::time::Instant::now() < deadline, "deliveries settle");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_admin_adds_a_target_whose_url_and_secret_are_never_shown_again() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let admin = app.sign_in("ada", Role::Admin).await;
    let (_, settings) = admin.get("/settings").await;
    assert!(settings.contains(r#"href="/settings/notifications""#));
    let (status, empty) = admin.get("/settings/notifications").await;
    assert_eq!(status, 200);
    assert!(empty.contains("No notification targets yet"), "{empty}");

    let url = receiver.url(&format!("/hooks/{URL_SECRET}"));
    let refused = admin
        .post(
            "/settings/notifications",
            &[("kind", "webhook"), ("name", "ops-team"), ("url", &url)],
        )
        .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Enter a secret the receiver verifies signatures with."),
        "{html}"
    );
    assert!(html.contains(r#"value="ops-team""#), "the name is kept");
    assert!(!html.contains(URL_SECRET), "a refused URL is not echoed");

    let added = admin
        .post(
            "/settings/notifications",
            &[
                ("kind", "webhook"),
                ("name", "ops-team"),
                ("url", &url),
                ("secret", SECRET),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    assert!(location(&added).starts_with("/settings/notifications#target-"));
    let (_, page) = admin.get("/settings/notifications").await;
    assert!(page.contains("ops-team"), "{page}");
    assert!(
        page.contains(&format!("{}/…", receiver.base)),
        "the masked URL"
    );
    let (_, audit_log) = admin.get("/audit-log").await;
    assert!(
        audit_log.contains("added webhook notification target"),
        "{audit_log}"
    );
    for html in [&page, &audit_log] {
        assert!(!html.contains(SECRET) && !html.contains(URL_SECRET));
    }

    let duplicate = admin
        .post(
            "/settings/notifications",
            &[
                ("kind", "webhook"),
                ("name", "OPS-TEAM"),
                ("url", &url),
                ("secret", SECRET),
            ],
        )
        .await;
    assert_eq!(duplicate.status(), 400);

    // "Send test" queues a message the running worker delivers.
    let id: i64 = app.count("SELECT id FROM notification_target").await;
    let test = admin
        .post(&format!("/settings/notifications/{id}/test"), &[])
        .await;
    assert_eq!(test.status(), 303);
    let request = receiver.wait_for(1).await.remove(0);
    let body = verified_webhook(&request, SECRET);
    assert_eq!(
        body["event"],
        serde_json::json!({"type": "test", "actor": "user:ada"})
    );
    assert_eq!(body["link"], format!("{DASHBOARD}settings/notifications"));
    settled(&app).await;
    let (_, page) = admin.get("/settings/notifications").await;
    let row = crate::pages_admin::between(&page, &format!(r#"id="target-{id}""#), "</tr>");
    assert!(row.contains("<time"), "the last delivery is shown: {row}");
    assert!(!row.contains("never"), "{row}");

    // Disabled targets get no test; deleting removes the target and its deliveries.
    let disable = admin
        .post(&format!("/settings/notifications/{id}/disable"), &[])
        .await;
    assert_eq!(disable.status(), 303);
    let (_, page) = admin.get("/settings/notifications").await;
    assert!(page.contains("disabled"));
    admin
        .post(&format!("/settings/notifications/{id}/test"), &[])
        .await;
    assert_eq!(deliveries(app.state.store()).await.len(), 1);
    let delete = admin
        .post(&format!("/settings/notifications/{id}/delete"), &[])
        .await;
    assert_eq!(delete.status(), 303);
    assert_eq!(
        app.count("SELECT count(*) FROM notification_target").await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM notification_delivery")
            .await,
        0
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM change_log WHERE action IN ('add-notification-target', 'disable-notification-target', 'remove-notification-target')"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn only_admins_with_the_forms_csrf_token_manage_targets() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let target = NewTarget::parse(&TargetInput {
        kind: "slack",
        name: "chat",
        url: &receiver.url("/services/x"),
        secret: "",
    })
    .unwrap();
    let id = notify::add_target(app.state.store(), app.state.account(), &target, "user:ada")
        .await
        .unwrap();
    let admin = app.sign_in("ada", Role::Admin).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let viewer = app.sign_in("vera", Role::Viewer).await;
    let add = [
        ("kind", "webhook"),
        ("name", "mallory"),
        ("url", "https://evil.example/in"),
        ("secret", "x"),
    ];
    for who in [&operator, &viewer] {
        assert_eq!(who.get("/settings/notifications").await.0, 403);
        assert_eq!(
            who.post("/settings/notifications", &add).await.status(),
            403
        );
        for action in ["test", "disable", "delete"] {
            let path = format!("/settings/notifications/{id}/{action}");
            assert_eq!(who.post(&path, &[]).await.status(), 403, "{action}");
        }
    }
    assert_eq!(
        admin
            .post_without_token("/settings/notifications", &add)
            .await
            .status(),
        403
    );
    let path = format!("/settings/notifications/{id}/delete");
    assert_eq!(admin.post_without_token(&path, &[]).await.status(), 403);
    assert_eq!(
        app.count("SELECT count(*) FROM notification_target").await,
        1
    );
    assert_eq!(
        app.count("SELECT enabled FROM notification_target").await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM notification_delivery")
            .await,
        0
    );
}

#[tokio::test]
async fn a_receiver_that_never_answers_holds_up_no_scan() {
    let app = PageApp::start_with(0, |settings| {
        settings.notify.timing.request_timeout = Duration::from_secs(600);
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.hang();
    let target = NewTarget::parse(&TargetInput {
        kind: "webhook",
        name: "stuck",
        url: &receiver.url("/in"),
        secret: "k",
    })
    .unwrap();
    notify::add_target(app.state.store(), app.state.account(), &target, "user:ada")
        .await
        .unwrap();
    let unencrypted = |name: &str| {
        SandboxBucket::new(
            BucketName::parse(name).unwrap(),
            Region::parse("cn-hangzhou").unwrap(),
        )
    };

    app.sandbox.insert_bucket(unencrypted("first-bucket"));
    let first = app.state.start_scan(Trigger::Cli).await.unwrap();
    app.wait_for_scan(first.get()).await;
    // The worker is now waiting on a receiver that will never answer...
    receiver.wait_for(1).await;

    // ...and the next scan completes all the same, its event queued behind.
    app.sandbox.insert_bucket(unencrypted("second-bucket"));
    let second: ScanId = app.state.start_scan(Trigger::Cli).await.unwrap();
    app.wait_for_scan(second.get()).await;
    let rows = deliveries(app.state.store()).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|d| d.status == "pending"), "{rows:?}");
    assert_eq!(rows[0].attempts, 1, "in flight");
    assert_eq!(receiver.requests().len(), 1);
}

#[tokio::test]
async fn targets_from_the_environment_are_stored_at_start_and_follow_the_environment() {
    let db = TestDb::new();
    let sandbox = crate::helpers::sandbox(0).await;
    let env_target = |secret: &str| {
        NewTarget::parse(&TargetInput {
            kind: "webhook",
            name: "env-webhook",
            url: "https://hooks.example.test/oss-audit",
            secret,
        })
        .unwrap()
    };
    let start = |secret: &str| {
        let mut settings = Settings::for_tests(db.url.clone(), sandbox.client_config());
        settings.notify.env_targets = vec![env_target(secret)];
        Application::build(settings)
    };
    let app = start("first-secret").await.expect("app builds");
    let store = app.state().store().clone();
    let stored = || async {
        sqlx::query_as::<_, (String, String, bool, String)>(
            "SELECT name, secret, enabled, created_by FROM notification_target",
        )
        .fetch_all(store.pool())
        .await
        .unwrap()
    };
    assert_eq!(
        stored().await,
        [(
            "env-webhook".to_owned(),
            "first-secret".to_owned(),
            true,
            "env".to_owned()
        )]
    );
    // An admin disables it; a restart with a new secret updates the secret and keeps it disabled.
    let id = oss_audit::domain::TargetId::new(1);
    notify::set_enabled(&store, app.state().account(), id, false, "user:ada")
        .await
        .unwrap();
    drop(app);
    let _again = start("second-secret").await.expect("app builds again");
    assert_eq!(
        stored().await,
        [(
            "env-webhook".to_owned(),
            "second-secret".to_owned(),
            false,
            "env".to_owned()
        )]
    );
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM change_log WHERE actor = 'env' AND detail LIKE '%env-webhook%'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(logged, 2, "added, then changed");
}
