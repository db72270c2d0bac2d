//! Settings › Notifications driven like a browser against the running application (its delivery
//! worker included): secrets are never shown again, only admins with the form's CSRF token change
//! targets, a test message arrives, and a receiver that never answers holds up no scan.

use std::time::Duration;

use oss_audit::domain::{BucketName, Region, Role};
use oss_audit::sandbox::SandboxBucket;

use super::{DASHBOARD, deliveries, notifying_app as app};
use crate::support::{Receiver, TestApp, between, location, until, verified_webhook};

const SECRET: &str = "s3cret-signing-key-0451";
const URL_SECRET: &str = "hook-path-token-7788";

/// Waits until every delivery left `pending`.
async fn settled(app: &TestApp) {
    until("deliveries settle", async || {
        let rows = deliveries(app.db.pool().await).await;
        rows.iter().all(|d| d.status != "pending").then_some(())
    })
    .await;
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
    let row = between(&page, &format!(r#"id="target-{id}""#), "</tr>");
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
    assert_eq!(deliveries(app.db.pool().await).await.len(), 1);
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
    let id = app
        .add_target("slack", "chat", &receiver.url("/services/x"), "")
        .await;
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
            .post_form("/settings/notifications", &add)
            .await
            .status(),
        403
    );
    let path = format!("/settings/notifications/{id}/delete");
    assert_eq!(admin.post_form(&path, &[]).await.status(), 403);
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
    let app = TestApp::launch()
        .notify_request_timeout(Duration::from_secs(600))
        .start()
        .await;
    let receiver = Receiver::start().await;
    receiver.hang();
    app.add_target("webhook", "stuck", &receiver.url("/in"), "k")
        .await;
    let unencrypted = |name: &str| {
        SandboxBucket::new(
            BucketName::parse(name).unwrap(),
            Region::parse("cn-hangzhou").unwrap(),
        )
    };

    app.sandbox.insert_bucket(unencrypted("first-bucket"));
    app.scan().await;
    // The worker is now waiting on a receiver that will never answer...
    receiver.wait_for(1).await;

    // ...and the next scan completes all the same, its event queued behind.
    app.sandbox.insert_bucket(unencrypted("second-bucket"));
    app.scan().await;
    let rows = deliveries(app.db.pool().await).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|d| d.status == "pending"), "{rows:?}");
    assert_eq!(rows[0].attempts, 1, "in flight");
    assert_eq!(receiver.requests().len(), 1);
}

#[tokio::test]
async fn targets_from_the_environment_are_stored_at_start_and_follow_the_environment() {
    const URL: &str = "https://hooks.example.test/oss-audit";
    let app = TestApp::launch()
        .env_target("webhook", "env-webhook", URL, "first-secret")
        .start()
        .await;
    let stored = async |app: &TestApp| {
        sqlx::query_as::<_, (String, String, bool, String)>(
            "SELECT name, secret, enabled, created_by FROM notification_target",
        )
        .fetch_all(app.db.pool().await)
        .await
        .unwrap()
    };
    assert_eq!(
        stored(&app).await,
        [(
            "env-webhook".to_owned(),
            "first-secret".to_owned(),
            true,
            "env".to_owned()
        )]
    );
    // An admin disables it; a restart with a new secret updates the secret and keeps it disabled.
    let admin = app.sign_in("ada", Role::Admin).await;
    let disabled = admin.post("/settings/notifications/1/disable", &[]).await;
    assert_eq!(disabled.status(), 303);
    let again = TestApp::launch()
        .over(app.stop().await)
        .env_target("webhook", "env-webhook", URL, "second-secret")
        .start()
        .await;
    assert_eq!(
        stored(&again).await,
        [(
            "env-webhook".to_owned(),
            "second-secret".to_owned(),
            false,
            "env".to_owned()
        )]
    );
    let logged = again
        .count(
            "SELECT count(*) FROM change_log WHERE actor = 'env' AND detail LIKE '%env-webhook%'",
        )
        .await;
    assert_eq!(logged, 2, "added, then changed");
}
