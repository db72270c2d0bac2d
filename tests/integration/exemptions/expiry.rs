//! Expiry on a clock the test moves: one `exemption_expiring` seven days ahead, and at the expiry
//! the buckets judged again at once and announced as `exemption_expired` when not compliant.

use chrono::{DateTime, Duration, Utc};
use oss_audit::domain::{Clock, Role};
use serde_json::Value;

use super::{logged, names, receiver, request, start, step};
use crate::support::{TestApp, move_clock, until, verified_webhook};

/// The events delivered to the receiver so far, of type `kind`.
async fn delivered(app: &TestApp, kind: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) FROM notification_delivery WHERE event_type = '{kind}'"
    ))
    .await
}

/// The exemption's status as the API shows it.
async fn status_of(app: &TestApp, id: i64) -> String {
    let listed = app
        .api(Role::Viewer)
        .await
        .get("/api/v1/exemptions")
        .await
        .json;
    listed["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .unwrap()
}

/// When the warning went out, by the application's clock.
async fn warned_at(app: &TestApp, id: i64) -> Option<DateTime<Utc>> {
    sqlx::query_scalar("SELECT warned_at FROM exemption WHERE id = ?1")
        .bind(id)
        .fetch_one(app.db.pool().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn seven_days_ahead_one_expiring_notice_goes_out_and_at_expiry_the_buckets_alert_again() {
    let (app, clock) = start().await;
    let hooks = receiver(&app).await;
    let (operator, admin) = (app.api(Role::Operator).await, app.api(Role::Admin).await);
    let exemption = request(&operator, &clock, "cdn-*", 10).await;
    let id = exemption["id"].as_i64().unwrap();
    let expires_at: DateTime<Utc> = exemption["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(step(&admin, id, "approve").await.0, 200);

    // Eight days ahead: not yet. Then a step into the last week: the notice, once.
    move_clock(&clock, Duration::days(2));
    move_clock(&clock, Duration::days(1) + Duration::hours(1));
    until("the expiring notice is queued", async || {
        (delivered(&app, "exemption_expiring").await == 1).then_some(())
    })
    .await;
    let warned = warned_at(&app, id).await.expect("warned");
    assert!(
        warned >= expires_at - Duration::days(7) && warned < expires_at,
        "warned at {warned}, expiry {expires_at}"
    );
    let notice = hooks.wait_for(1).await;
    let body = verified_webhook(&notice[0], "exempt-secret");
    assert_eq!(body["event"]["type"], "exemption_expiring");
    assert_eq!(body["event"]["exemption"], id);
    assert_eq!(body["event"]["pattern"], "cdn-*");
    assert_eq!(body["event"]["buckets"], 3);
    assert_eq!(body["event"]["approved_by"], "token:admin-token");
    assert_eq!(
        names(&operator, "exempt").await.len(),
        3,
        "still exempt this week"
    );

    // The expiry: judged again at once, the two unencrypted ones alert; the notice stays single.
    move_clock(&clock, Duration::days(7));
    until("the exemption expires", async || {
        (status_of(&app, id).await == "expired").then_some(())
    })
    .await;
    assert!(names(&operator, "exempt").await.is_empty());
    assert_eq!(
        names(&operator, "false").await,
        ["cdn-images", "cdn-videos", "vendor-drop"]
    );
    assert_eq!(
        names(&operator, "true").await,
        ["cdn-assets", "payments-data"]
    );
    let messages = hooks.wait_for(2).await;
    let expired: Value = messages
        .iter()
        .map(|m| verified_webhook(m, "exempt-secret"))
        .find(|b| b["event"]["type"] == "exemption_expired")
        .expect("an exemption_expired message");
    let event = &expired["event"];
    assert_eq!(event["exemption"], id);
    assert_eq!(event["noncompliant"], 2);
    assert_eq!(event["unknown"], 0);
    let listed: Vec<&str> = event["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        ["cdn-images", "cdn-videos"],
        "the compliant one is no news"
    );
    assert_eq!(
        delivered(&app, "exemption_expiring").await,
        1,
        "warned once"
    );
    assert_eq!(delivered(&app, "exemption_expired").await, 1);
    assert_eq!(
        logged(&app).await.last().unwrap(),
        &("expire-exemption".to_owned(), "schedule".to_owned())
    );
    assert!(clock.now() >= expires_at);
}

#[tokio::test]
async fn an_expiry_that_leaves_every_bucket_compliant_ends_the_exemption_without_an_alert() {
    let (app, clock) = start().await;
    let (operator, admin) = (app.api(Role::Operator).await, app.api(Role::Admin).await);
    let id = request(&operator, &clock, "payments-*", 3).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(step(&admin, id, "approve").await.0, 200);
    let _hooks = receiver(&app).await;
    move_clock(&clock, Duration::days(4));
    until("the exemption expires", async || {
        (status_of(&app, id).await == "expired").then_some(())
    })
    .await;
    assert_eq!(delivered(&app, "exemption_expired").await, 0);
    assert_eq!(
        names(&operator, "true").await,
        ["cdn-assets", "payments-data"]
    );
}
