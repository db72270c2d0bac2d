//! Settings › Notifications in a browser: an admin adds a signed webhook, sends it a test that a
//! real receiver on loopback checks as a receiver would, sees the delivery, and removes it.

use crate::driver::{Browser, with_browser};
use crate::support::{PASSWORD, Receiver, TestApp, until, verified_webhook};

const SECRET: &str = "browser-signing-key-5309";
/// Part of the receiver's path: a credential the page must not show once saved.
const URL_TOKEN: &str = "hook-path-token-2718";

/// Fails when the page's source holds the secret or the URL's path.
async fn shows_no_credentials(b: &Browser, step: &str) {
    let source = b.source().await;
    assert!(!source.contains(SECRET), "{step}: the secret is shown");
    assert!(
        !source.contains(URL_TOKEN),
        "{step}: the URL's path is shown"
    );
}

#[tokio::test]
async fn an_admin_adds_a_webhook_sends_it_a_signed_test_and_removes_it() {
    // The bootstrap `admin` signs in; a queued test is sent at once (it wakes the worker), and
    // the short poll is a fallback. This page needs no buckets.
    let app = TestApp::launch()
        .admin_password(PASSWORD)
        .fast_notifications()
        .start()
        .await;
    let receiver = Receiver::start().await;
    let hook = format!("{}/hooks/{URL_TOKEN}", receiver.base);

    with_browser("notifications", async |b| {
        b.sign_in(&app.base, "admin", PASSWORD).await;
        b.click("header.top nav a[href='/settings']").await;
        b.click("nav.pager a[href='/settings/notifications']").await;
        assert_eq!(b.path().await, "/settings/notifications");
        assert!(
            b.text("#targets")
                .await
                .contains("No notification targets yet"),
            "{}",
            b.source().await
        );

        b.find("select#kind option[value='webhook']")
            .await
            .click()
            .await
            .expect("choose webhook");
        for (field, value) in [
            ("#target-name", "ops-webhook"),
            ("#target-url", hook.as_str()),
            ("#target-secret", SECRET),
        ] {
            b.find(field).await.send_keys(value).await.expect("type");
        }
        b.click("#add-target button[type=submit]").await;
        b.shot("listed").await;
        assert_eq!(b.path().await, "/settings/notifications");
        let flash = b.text(".flash").await;
        assert!(flash.contains("Target “ops-webhook” added"), "{flash}");
        let rows = b.find_all("table.notifications tbody tr").await;
        assert_eq!(rows.len(), 1, "one target listed");
        let row = format!(
            "#{}",
            rows[0].attr("id").await.expect("attr").expect("row id")
        );
        assert!(
            b.text(&format!("{row} td:first-child"))
                .await
                .starts_with("ops-webhook")
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(3) code")).await,
            format!("{}/…", receiver.base),
            "the URL is masked to its scheme, host and port"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(5)")).await, "never");
        shows_no_credentials(b, "listed").await;
        assert!(receiver.requests().is_empty(), "adding sends nothing");

        b.click(&format!("{row} form[action$='/test'] button[type=submit]"))
            .await;
        let flash = b.text(".flash").await;
        assert!(flash.contains("Test message queued"), "{flash}");

        // The worker delivers in the background: wait for the receiver, then reload until the
        // row shows the delivery (its status is written just after the answer arrives).
        receiver.wait_for(1).await;
        let last_delivery = format!("{row} td:nth-child(5) time");
        until("the page shows the last delivery", async || {
            b.client.refresh().await.expect("reload");
            (!b.find_all(&last_delivery).await.is_empty()).then_some(())
        })
        .await;
        b.shot("delivered").await;
        assert_eq!(
            b.text(&format!("{row} td:nth-child(6)")).await,
            "0",
            "none pending"
        );
        assert_eq!(
            b.text(&format!("{row} td:nth-child(8)")).await,
            "none",
            "no error"
        );
        shows_no_credentials(b, "delivered").await;

        let requests = receiver.requests();
        assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
        let body = verified_webhook(&requests[0], SECRET);
        assert_eq!(body["event"]["type"], "test", "{body}");
        assert_eq!(body["event"]["actor"], "user:admin", "{body}");

        b.click(&format!(
            "{row} form[action$='/disable'] button[type=submit]"
        ))
        .await;
        assert!(b.text(".flash").await.contains("disabled"));
        assert!(
            b.text(&format!("{row} td:nth-child(4)"))
                .await
                .contains("disabled")
        );
        assert!(
            b.find_all(&format!("{row} form[action$='/test']"))
                .await
                .is_empty(),
            "a disabled target offers no test"
        );
        b.find(&format!("{row} form[action$='/enable']")).await;

        b.click(&format!(
            "{row} form[action$='/delete'] button[type=submit]"
        ))
        .await;
        assert!(b.text(".flash").await.contains("deleted"));
        assert!(b.find_all(&row).await.is_empty(), "the target is gone");
        assert!(
            b.text("#targets")
                .await
                .contains("No notification targets yet")
        );
    })
    .await;

    assert_eq!(receiver.requests().len(), 1, "nothing sent after the test");
}
