//! A key's state in KMS decides its buckets' standing: disabled → critical finding, alerted once,
//! listed first on the overview and in the report; enabled again → compliant again; pending
//! deletion → "readable until"; not describable → unknown with KMS's code.

use chrono::{TimeDelta, Utc};
use oss_audit::domain::{RamAction, Role};
use oss_audit::sandbox::{DEFAULT_ACCESS_KEY_ID, RequestKind, SandboxPrincipal};
use serde_json::Value;

use super::{distinct_keys, key_in_use, listed};
use crate::support::{Receiver, TestApp, until, verified_webhook};

const SECRET: &str = "key-hook-secret-2041";

/// The application over 80 seeded buckets, scanned once, then a webhook target on a receiver.
async fn scanned_with_hooks() -> (TestApp, Receiver) {
    let app = TestApp::launch()
        .buckets(80)
        .public_url("https://audit.example.test/")
        .fast_notifications()
        .scanned()
        .start()
        .await;
    let hooks = Receiver::start().await;
    app.add_target("webhook", "security-team", &hooks.url("/hooks"), SECRET)
        .await;
    (app, hooks)
}

/// The `key_unusable` events the receiver got once every queued delivery went out.
async fn key_alerts(app: &TestApp, hooks: &Receiver) -> Vec<Value> {
    until("deliveries settle", async || {
        let pending = app
            .count("SELECT count(*) FROM notification_delivery WHERE status <> 'delivered'")
            .await;
        (pending == 0).then_some(())
    })
    .await;
    hooks
        .requests()
        .iter()
        .filter(|r| r.header("x-oss-audit-event") == "key_unusable")
        .map(|r| verified_webhook(r, SECRET)["event"].clone())
        .collect()
}

async fn bucket(app: &TestApp, name: &str) -> Value {
    app.api(Role::Viewer)
        .await
        .get(&format!("/api/v1/buckets/{name}"))
        .await
        .json
}

#[tokio::test]
async fn a_disabled_key_is_a_critical_finding_alerted_once_and_compliant_again_once_enabled() {
    let (app, hooks) = scanned_with_hooks().await;
    let (key, buckets) = key_in_use(&app.sandbox);
    let viewer = app.api(Role::Viewer).await;
    assert_eq!(bucket(&app, &buckets[0]).await["compliant"], true);
    assert_eq!(
        listed(&viewer.get("/api/v1/keys").await.json, &key)["state"],
        "Enabled"
    );

    assert!(app.sandbox.disable_kms_key(&key));
    app.scan().await;

    let keys = viewer.get("/api/v1/keys").await.json;
    let shown = listed(&keys, &key);
    assert_eq!(shown["state"], "Disabled", "{shown}");
    assert_eq!(shown["standing"], "unusable");
    assert_eq!(shown["buckets"], buckets.len());
    assert_eq!(
        keys["keys"][0]["standing"], "unusable",
        "unusable keys first"
    );
    for name in &buckets {
        assert_eq!(bucket(&app, name).await["compliant"], false, "{name}");
    }
    let alerts = key_alerts(&app, &hooks).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let alerted = &alerts[0]["keys"][0];
    assert_eq!(alerted["key_id"], key.as_str());
    assert_eq!(alerted["state"], "Disabled");
    let mut named: Vec<String> = alerted["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap().to_owned())
        .collect();
    named.sort();
    assert_eq!(named, buckets, "every affected bucket");

    // The overview shows it before anything else.
    let page = app.sign_in("vera", Role::Viewer).await.get("/").await.1;
    let critical = page.find("Critical").expect("a critical section");
    assert!(critical < page.find("compliant</p>").unwrap_or(usize::MAX));
    assert!(page.contains(&buckets[0]) && page.contains("Disabled"));

    // The report lists the bucket as non-compliant, with its key's state.
    let report = app
        .api(Role::Operator)
        .await
        .call("POST", "/api/v1/reports", None)
        .await;
    assert_eq!(report.status, 201, "{}", report.json);
    let document = viewer
        .get(&format!("/api/v1/reports/{}", report.json["id"]))
        .await
        .json;
    let entry = document["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == buckets[0].as_str())
        .expect("the bucket in the report");
    assert_eq!(entry["compliant"], false, "{entry}");
    assert_eq!(entry["kms_key_state"], "Disabled", "{entry}");

    // Unchanged: no second alert.
    app.scan().await;
    assert_eq!(key_alerts(&app, &hooks).await.len(), 1);

    assert!(app.sandbox.enable_kms_key(&key));
    app.scan().await;
    assert_eq!(
        listed(&viewer.get("/api/v1/keys").await.json, &key)["state"],
        "Enabled"
    );
    for name in &buckets {
        assert_eq!(bucket(&app, name).await["compliant"], true, "{name}");
    }
    assert_eq!(key_alerts(&app, &hooks).await.len(), 1);
}

#[tokio::test]
async fn a_key_pending_deletion_shows_until_when_its_buckets_stay_readable() {
    let app = TestApp::scanned(80).await;
    let (key, buckets) = key_in_use(&app.sandbox);
    let deleted = Utc::now() + TimeDelta::days(14);
    assert!(app.sandbox.schedule_kms_key_deletion(&key, deleted));
    app.scan().await;

    let until_text = format!("readable until {}", deleted.format("%Y-%m-%d"));
    let visitor = app.sign_in("vera", Role::Viewer).await;
    let overview = visitor.get("/").await.1;
    assert!(overview.contains(&until_text), "{overview}");
    assert!(overview.contains(&buckets[0]));
    let page = visitor.get(&format!("/keys/{key}")).await.1;
    assert!(page.contains("PendingDeletion") && page.contains(&until_text));
    assert!(page.contains(&buckets[0]), "the buckets that depend on it");
    let keys = visitor.get("/keys").await.1;
    assert!(keys.contains(key.as_str()) && keys.contains(&until_text));

    let shown = app.api(Role::Viewer).await.get("/api/v1/keys").await.json;
    let shown = listed(&shown, &key);
    assert_eq!(shown["state"], "PendingDeletion");
    assert!(
        shown["readable_until"]
            .as_str()
            .unwrap()
            .starts_with(&deleted.format("%Y-%m-%d").to_string())
    );
}

#[tokio::test]
async fn a_key_kms_will_not_describe_is_unknown_with_its_code_and_its_buckets_are_not_compliant() {
    let app = TestApp::scanned(80).await;
    let (key, buckets) = key_in_use(&app.sandbox);
    let principal = SandboxPrincipal::AccessKey(DEFAULT_ACCESS_KEY_ID.to_owned());
    assert!(
        app.sandbox
            .deny(principal, RamAction::parse("kms:DescribeKey").unwrap())
    );
    app.scan().await;

    let keys = app.api(Role::Viewer).await.get("/api/v1/keys").await.json;
    let shown = listed(&keys, &key);
    assert_eq!(shown["state"], "unknown", "{shown}");
    assert_eq!(shown["standing"], "unknown");
    let code = shown["error_code"].as_str().expect("KMS's code");
    assert!(code.contains("NoPermission"), "{code}");
    assert!(
        shown["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    let seen = bucket(&app, &buckets[0]).await;
    assert_eq!(seen["compliant"], Value::Null, "{seen}");
}

#[tokio::test]
async fn each_scan_asks_kms_once_per_distinct_key_however_many_buckets_name_it() {
    let app = TestApp::start(200).await;
    let distinct = distinct_keys(&app.sandbox);
    assert!(distinct.len() >= 5, "{distinct:?}");
    let named = app
        .sandbox
        .buckets()
        .into_iter()
        .filter(|b| {
            !b.access_denied && b.encryption.as_ref().and_then(|r| r.kms_key_id()).is_some()
        })
        .count();
    for _ in 0..2 {
        let before = app.sandbox.requests_served_by(RequestKind::DescribeKey);
        app.scan().await;
        let asked = app.sandbox.requests_served_by(RequestKind::DescribeKey) - before;
        assert_eq!(
            asked,
            distinct.len() as u64,
            "{named} buckets name {} keys",
            distinct.len()
        );
    }
}
