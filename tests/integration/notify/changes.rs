//! Buckets made non-compliant without a scan seeing it: a change through the API, or a policy
//! that refuses what they hold. Each alerts once, at once (the next scan finds nothing new), and
//! a remediation only reports that it finished. Driven through the running application, its
//! delivery worker and a real receiver.

use oss_audit::domain::{EncryptionRule, Role};
use oss_audit::sandbox::SandboxBucket;
use serde_json::{Value, json};

use super::{Delivery, bucket, deliveries, notifying_app};
use crate::support::{Api, Receiver, Recorded, TestApp, until, verified_webhook};

const SECRET: &str = "change-hook-secret-0117";

/// Starts the application over `buckets` and completes a first scan, then adds a webhook target
/// on a real receiver: what that scan found is not what these tests are about.
async fn start(buckets: Vec<SandboxBucket>) -> (TestApp, Receiver) {
    let app = notifying_app().await;
    for bucket in buckets {
        app.sandbox.insert_bucket(bucket);
    }
    let hooks = Receiver::start().await;
    app.scan().await;
    app.add_target("webhook", "security-team", &hooks.url("/hooks"), SECRET)
        .await;
    (app, hooks)
}

/// `method path` as `who` with a JSON body; the status and the JSON answer.
async fn call(who: &Api, method: &str, path: &str, body: Value) -> (u16, Value) {
    let reply = who.call(method, path, Some(body)).await;
    (reply.status, reply.json)
}

async fn deliveries_of(app: &TestApp) -> Vec<Delivery> {
    deliveries(app.db.pool().await).await
}

/// Waits until the worker has sent everything queued, then returns what the receiver got.
async fn received(app: &TestApp, hooks: &Receiver) -> Vec<Recorded> {
    until("deliveries settle", async || {
        let rows = deliveries_of(app).await;
        rows.iter().all(|d| d.status == "delivered").then_some(())
    })
    .await;
    hooks.requests()
}

fn kms() -> EncryptionRule {
    EncryptionRule::Kms {
        key_id: None,
        data_encryption: None,
    }
}

/// The one event the receiver got, its signature checked.
fn only_event(requests: &[Recorded]) -> Value {
    assert_eq!(requests.len(), 1, "exactly one message");
    let body = verified_webhook(&requests[0], SECRET);
    assert_eq!(
        requests[0].header("x-oss-audit-event"),
        "buckets_noncompliant"
    );
    body["event"].clone()
}

#[tokio::test]
async fn deleting_a_compliant_buckets_encryption_through_the_api_alerts_once_naming_it() {
    let (app, hooks) = start(vec![
        bucket("payroll-exports", Some(EncryptionRule::Aes256)),
        bucket("team-wiki", Some(EncryptionRule::Aes256)),
    ])
    .await;
    let operator = app.api(Role::Operator).await;
    assert!(deliveries_of(&app).await.is_empty());

    let path = "/api/v1/buckets/payroll-exports/encryption";
    let (status, answer) = call(&operator, "DELETE", path, Value::Null).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "unencrypted");

    let event = only_event(&hooks.wait_for(1).await);
    assert_eq!(event["cause"], "change");
    assert_eq!(event["by"], "token:operator-token");
    assert_eq!(event["scan"], Value::Null);
    assert_eq!(
        (&event["noncompliant"], &event["unknown"]),
        (&json!(1), &json!(0))
    );
    let listed = event["buckets"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["name"], "payroll-exports");
    assert_eq!(listed[0]["became"], "noncompliant");
    assert_eq!(listed[0]["status"], "unencrypted");
    assert_eq!(listed[0]["new"], false);
    let body = verified_webhook(&hooks.requests()[0], SECRET);
    assert!(
        body["summary"]
            .as_str()
            .unwrap()
            .contains("encryption changed by token:operator-token"),
        "{body}"
    );

    // The stored state already moved: the next scan, and deleting again, are no news.
    app.scan().await;
    let (status, _) = call(&operator, "DELETE", path, Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(deliveries_of(&app).await.len(), 1);
    assert_eq!(received(&app, &hooks).await.len(), 1);
}

#[tokio::test]
async fn putting_a_rule_the_policy_refuses_alerts_once_and_fixing_it_does_not() {
    let (app, hooks) = start(vec![bucket("ledger", Some(kms()))]).await;
    let operator = app.api(Role::Operator).await;
    let admin = app.api(Role::Admin).await;
    let policy = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "KMS"}});
    let (status, answer) = call(&admin, "PUT", "/api/v1/policy", policy).await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        deliveries_of(&app).await.is_empty(),
        "ledger stays compliant"
    );

    let path = "/api/v1/buckets/ledger/encryption";
    let aes = json!({"sse_algorithm": "AES256"});
    let (status, answer) = call(&operator, "PUT", path, aes).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["compliant"], false);
    let kms = json!({"sse_algorithm": "KMS"});
    let (status, answer) = call(&operator, "PUT", path, kms).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["compliant"], true);

    let event = only_event(&received(&app, &hooks).await);
    assert_eq!(event["cause"], "change");
    assert_eq!(event["noncompliant"], 1);
    assert_eq!(event["buckets"][0]["name"], "ledger");
    assert_eq!(event["buckets"][0]["status"], "encrypted");
    assert_eq!(event["buckets"][0]["detail"], "AES256");
}

#[tokio::test]
async fn a_policy_switch_from_any_to_kms_sends_one_message_counting_the_aes256_buckets() {
    const AES256_BUCKETS: usize = 23;
    let mut buckets: Vec<_> = (0..AES256_BUCKETS)
        .map(|i| bucket(&format!("aes-{i:02}"), Some(EncryptionRule::Aes256)))
        .collect();
    buckets.push(bucket("kms-archive", Some(kms())));
    buckets.push(bucket("plain-scratch", None));
    let mut locked = bucket("locked-vault", None);
    locked.access_denied = true;
    buckets.push(locked);
    let (app, hooks) = start(buckets).await;
    let admin = app.api(Role::Admin).await;

    let policy = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "KMS"}});
    let (status, answer) = call(&admin, "PUT", "/api/v1/policy", policy.clone()).await;
    assert_eq!(status, 200, "{answer}");

    let event = only_event(&hooks.wait_for(1).await);
    assert_eq!(event["cause"], "policy");
    assert_eq!(event["by"], "token:admin-token");
    assert_eq!(event["noncompliant"], AES256_BUCKETS);
    assert_eq!(
        event["unknown"], 0,
        "an unreadable bucket was never compliant"
    );
    let listed = event["buckets"].as_array().unwrap();
    assert_eq!(listed.len(), 20, "a bounded list");
    assert_eq!(listed[0]["name"], "aes-00");
    assert_eq!(listed[19]["name"], "aes-19");
    assert!(listed.iter().all(|b| b["detail"] == "AES256"));

    // Judged once: neither the same policy again nor the next scan says it twice.
    let (status, _) = call(&admin, "PUT", "/api/v1/policy", policy).await;
    assert_eq!(status, 200);
    app.scan().await;
    assert_eq!(deliveries_of(&app).await.len(), 1);
    assert_eq!(received(&app, &hooks).await.len(), 1);
}

#[tokio::test]
async fn a_remediation_of_many_buckets_sends_only_its_finished_message() {
    const PLAIN_BUCKETS: usize = 12;
    let mut buckets: Vec<_> = (0..PLAIN_BUCKETS)
        .map(|i| bucket(&format!("plain-{i:02}"), None))
        .collect();
    buckets.push(bucket("already-fine", Some(EncryptionRule::Aes256)));
    let (app, hooks) = start(buckets).await;
    let operator = app.api(Role::Operator).await;

    let (status, answer) = call(
        &operator,
        "POST",
        "/api/v1/remediations",
        json!({"force": true}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["remediated"].as_array().unwrap().len(),
        PLAIN_BUCKETS
    );
    app.scan().await;

    let requests = received(&app, &hooks).await;
    let kinds: Vec<_> = deliveries_of(&app)
        .await
        .into_iter()
        .map(|d| d.event_type)
        .collect();
    assert_eq!(kinds, ["remediation_finished"]);
    assert_eq!(requests.len(), 1);
    let event = verified_webhook(&requests[0], SECRET)["event"].clone();
    assert_eq!(event["actor"], "token:operator-token");
    assert_eq!(event["remediated"], PLAIN_BUCKETS);
    assert_eq!(event["failed"], 0);
}
