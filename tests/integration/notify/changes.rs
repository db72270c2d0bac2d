//! Buckets made non-compliant without a scan seeing it: a change through the API, or a policy
//! that refuses what they hold. Each alerts once, at once (the next scan finds nothing new), and
//! a remediation only reports that it finished. Driven through the running application, its
//! delivery worker and a real receiver.

use std::time::Duration;

use oss_audit::auth::Role;
use oss_audit::domain::EncryptionRule;
use oss_audit::notify::{self, NewTarget, TargetInput};
use oss_audit::sandbox::SandboxBucket;
use oss_audit::scan::Trigger;
use serde_json::{Value, json};

use super::{DASHBOARD, Delivery, Receiver, Recorded, bucket, deliveries, verified_webhook};
use crate::api_helpers::{api_token, send_api};
use crate::pages_admin::PageApp;

const SECRET: &str = "change-hook-secret-0117";

/// The application with a webhook target on a real receiver, and an operator and an admin token.
struct Dashboard {
    app: PageApp,
    hooks: Receiver,
    http: reqwest::Client,
    operator: String,
    admin: String,
}

impl Dashboard {
    /// Starts over `buckets` and completes a first scan, then adds the target: what that scan
    /// found is not what these tests are about.
    async fn start(buckets: Vec<SandboxBucket>) -> Self {
        let app = PageApp::start_with(0, |settings| {
            settings.notify.public_url = Some(url::Url::parse(DASHBOARD).unwrap());
            settings.notify.timing.retry_base = Duration::from_millis(10);
            settings.notify.timing.poll_interval = Duration::from_millis(200);
        })
        .await;
        for bucket in buckets {
            app.sandbox.insert_bucket(bucket);
        }
        let store = app.state.store().clone();
        let store = &store;
        let (operator, admin) = (
            api_token(store, Role::Operator).await,
            api_token(store, Role::Admin).await,
        );
        let dashboard = Self {
            hooks: Receiver::start().await,
            http: reqwest::Client::new(),
            operator,
            admin,
            app,
        };
        dashboard.scan().await;
        let target = NewTarget::parse(&TargetInput {
            kind: "webhook",
            name: "security-team",
            url: &dashboard.hooks.url("/hooks"),
            secret: SECRET,
        })
        .unwrap();
        notify::add_target(store, dashboard.app.state.account(), &target, "user:ada")
            .await
            .unwrap();
        dashboard
    }

    async fn scan(&self) {
        let id = self.app.state.start_scan(Trigger::Cli).await.unwrap();
        self.app.wait_for_scan(id.get()).await;
    }

    /// `method path` with `token` and a JSON body; the status and the JSON answer.
    async fn call(&self, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
        let response = send_api(
            &self.http,
            method,
            &self.app.url(path),
            Some(token),
            Some(body),
        )
        .await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn deliveries(&self) -> Vec<Delivery> {
        deliveries(self.app.state.store()).await
    }

    /// Waits until the worker has sent everything queued, then returns what the receiver got.
    async fn received(&self) -> Vec<Recorded> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while self
            .deliveries()
            .await
            .iter()
            .any(|d| d.status != "delivered")
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "deliveries settle: {:?}",
                self.deliveries().await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.hooks.requests()
    }
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
    let dashboard = Dashboard::start(vec![
        bucket("payroll-exports", Some(EncryptionRule::Aes256)),
        bucket("team-wiki", Some(EncryptionRule::Aes256)),
    ])
    .await;
    assert!(dashboard.deliveries().await.is_empty());

    let path = "/api/v1/buckets/payroll-exports/encryption";
    let (status, answer) = dashboard
        .call("DELETE", path, &dashboard.operator, Value::Null)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "unencrypted");

    let event = only_event(&dashboard.hooks.wait_for(1).await);
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
    let body = verified_webhook(&dashboard.hooks.requests()[0], SECRET);
    assert!(
        body["summary"]
            .as_str()
            .unwrap()
            .contains("encryption changed by token:operator-token"),
        "{body}"
    );

    // The stored state already moved: the next scan, and deleting again, are no news.
    dashboard.scan().await;
    let (status, _) = dashboard
        .call("DELETE", path, &dashboard.operator, Value::Null)
        .await;
    assert_eq!(status, 200);
    assert_eq!(dashboard.deliveries().await.len(), 1);
    assert_eq!(dashboard.received().await.len(), 1);
}

#[tokio::test]
async fn putting_a_rule_the_policy_refuses_alerts_once_and_fixing_it_does_not() {
    let dashboard = Dashboard::start(vec![bucket("ledger", Some(kms()))]).await;
    let policy = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "KMS"}});
    let (status, answer) = dashboard
        .call("PUT", "/api/v1/policy", &dashboard.admin, policy)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        dashboard.deliveries().await.is_empty(),
        "ledger stays compliant"
    );

    let path = "/api/v1/buckets/ledger/encryption";
    let aes = json!({"sse_algorithm": "AES256"});
    let (status, answer) = dashboard.call("PUT", path, &dashboard.operator, aes).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["compliant"], false);
    let kms = json!({"sse_algorithm": "KMS"});
    let (status, answer) = dashboard.call("PUT", path, &dashboard.operator, kms).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["compliant"], true);

    let event = only_event(&dashboard.received().await);
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
    let dashboard = Dashboard::start(buckets).await;

    let policy = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "KMS"}});
    let (status, answer) = dashboard
        .call("PUT", "/api/v1/policy", &dashboard.admin, policy.clone())
        .await;
    assert_eq!(status, 200, "{answer}");

    let event = only_event(&dashboard.hooks.wait_for(1).await);
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
    let (status, _) = dashboard
        .call("PUT", "/api/v1/policy", &dashboard.admin, policy)
        .await;
    assert_eq!(status, 200);
    dashboard.scan().await;
    assert_eq!(dashboard.deliveries().await.len(), 1);
    assert_eq!(dashboard.received().await.len(), 1);
}

#[tokio::test]
async fn a_remediation_of_many_buckets_sends_only_its_finished_message() {
    const PLAIN_BUCKETS: usize = 12;
    let mut buckets: Vec<_> = (0..PLAIN_BUCKETS)
        .map(|i| bucket(&format!("plain-{i:02}"), None))
        .collect();
    buckets.push(bucket("already-fine", Some(EncryptionRule::Aes256)));
    let dashboard = Dashboard::start(buckets).await;

    let (status, answer) = dashboard
        .call(
            "POST",
            "/api/v1/remediations",
            &dashboard.operator,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["remediated"].as_array().unwrap().len(),
        PLAIN_BUCKETS
    );
    dashboard.scan().await;

    let requests = dashboard.received().await;
    let kinds: Vec<_> = dashboard
        .deliveries()
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
