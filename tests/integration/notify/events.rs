//! The events of real scans and remediations against the sandbox: one summary per scan however
//! many buckets changed, no repeat for buckets already non-compliant, one message per
//! remediation and per failed scan.

use oss_audit::actions::Changer;
use oss_audit::actions::remediation::{Confirmation, Selection, remediate};
use oss_audit::domain::{Actor, BucketName, EncryptionRule, Policy, Requirement};
use oss_audit::oss::Secret;

use super::{DASHBOARD, Outbox, bucket};
use crate::support::{Audit, Receiver, verified_webhook};

#[tokio::test]
async fn a_scan_in_which_500_buckets_lose_encryption_sends_one_summary_per_target() {
    let audit = Audit::new(0).await;
    for i in 0..505 {
        audit.sandbox.insert_bucket(bucket(
            &format!("bulk-{i:04}"),
            Some(EncryptionRule::Aes256),
        ));
    }
    let outbox = Outbox::over(&audit, |_| {}).await;
    let hooks = Receiver::start().await;
    outbox
        .add("webhook", "ops", &hooks.url("/hooks"), "k")
        .await;
    outbox
        .add("slack", "chat", &hooks.url("/services/slack"), "")
        .await;

    audit.scan().await;
    assert!(
        outbox.deliveries().await.is_empty(),
        "compliant buckets alert nobody"
    );

    for i in 0..500 {
        audit.sandbox.set_encryption(&format!("bulk-{i:04}"), None);
    }
    for i in 500..503 {
        audit
            .sandbox
            .set_access_denied(&format!("bulk-{i:04}"), true);
    }
    let scan = audit.scan().await.scan;
    let rows = outbox.deliveries().await;
    assert_eq!(rows.len(), 2, "one delivery per target: {rows:?}");
    assert!(rows.iter().all(|d| d.event_type == "buckets_noncompliant"));

    assert_eq!(outbox.deliver().await.delivered, 2);
    let requests = hooks.requests();
    assert_eq!(requests.len(), 2, "exactly one message per target");
    let webhook = requests.iter().find(|r| r.uri.path() == "/hooks").unwrap();
    let body = verified_webhook(webhook, "k");
    let event = &body["event"];
    assert_eq!(event["type"], "buckets_noncompliant");
    assert_eq!(event["scan"], scan.get());
    assert_eq!(event["noncompliant"], 500);
    assert_eq!(event["unknown"], 3);
    let listed = event["buckets"].as_array().unwrap();
    assert_eq!(listed.len(), 20, "a bounded list");
    assert_eq!(listed[0]["name"], "bulk-0000");
    assert_eq!(listed[0]["became"], "noncompliant");
    assert_eq!(listed[0]["status"], "unencrypted");
    assert_eq!(listed[0]["new"], false);
    assert_eq!(body["link"], format!("{DASHBOARD}buckets?compliant=false"));

    let slack = requests
        .iter()
        .find(|r| r.uri.path() == "/services/slack")
        .unwrap();
    let text = slack.json()["text"].as_str().unwrap().to_owned();
    assert!(
        text.starts_with(&format!(
            "*oss-audit: 500 buckets became non-compliant and 3 buckets became unknown (scan {scan}, account default)*"
        )),
        "{text}"
    );
    assert!(text.contains("• bulk-0000: unencrypted\n"), "{text}");
    assert!(text.contains("…and 483 more"), "{text}");

    // Already non-compliant buckets do not alert again; a new non-compliant bucket does.
    audit.sandbox.insert_bucket(bucket("fresh-bucket", None));
    audit.scan().await;
    let rows = outbox.deliveries().await;
    assert_eq!(rows.len(), 4, "{rows:?}");
    outbox.deliver().await;
    let requests = hooks.requests();
    let latest = requests
        .iter()
        .filter(|r| r.uri.path() == "/hooks")
        .nth(1)
        .expect("a second webhook message");
    let event = verified_webhook(latest, "k")["event"].clone();
    assert_eq!(event["noncompliant"], 1);
    assert_eq!(event["unknown"], 0);
    assert_eq!(event["buckets"][0]["name"], "fresh-bucket");
    assert_eq!(event["buckets"][0]["new"], true);

    // Nothing changed: nothing to say.
    audit.scan().await;
    assert_eq!(outbox.deliveries().await.len(), 4);

    // A bucket moving from one refused state to another is no news either.
    let kms = Policy::new(
        Requirement::Kms,
        EncryptionRule::Kms {
            key_id: None,
            data_encryption: None,
        },
    )
    .unwrap();
    oss_audit::actions::policy::set(&audit.store, audit.account, &kms, &Actor::user("ada"))
        .await
        .unwrap();
    // The policy itself is news (bulk-0503 and -0504 hold AES256): one more message per target.
    let rows = outbox.deliveries().await;
    assert_eq!(rows.len(), 6, "{rows:?}");
    audit
        .sandbox
        .set_encryption("bulk-0000", Some(EncryptionRule::Aes256));
    assert_eq!(audit.scan().await.summary.changes, 1);
    assert_eq!(outbox.deliveries().await.len(), 6);
}

#[tokio::test]
async fn a_remediation_sends_one_message_with_its_counts_and_who_ran_it() {
    let audit = Audit::new(0).await;
    let mut names = Vec::new();
    for i in 0..30 {
        let name = format!("plain-{i:02}");
        audit.sandbox.insert_bucket(bucket(&name, None));
        names.push(BucketName::parse(&name).unwrap());
    }
    audit.sandbox.insert_bucket(bucket("locked-bucket", None));
    audit.sandbox.set_access_denied("locked-bucket", true);
    names.push(BucketName::parse("locked-bucket").unwrap());
    audit.scan().await;

    let outbox = Outbox::over(&audit, |_| {}).await;
    let hooks = Receiver::start().await;
    outbox
        .add("webhook", "ops", &hooks.url("/hooks"), "k")
        .await;
    let changer = Changer {
        store: &audit.store,
        clients: audit.scanner.clients(),
        hub: audit.account,
        actor: &Actor::user("olga"),
        key_answers: None,
    };
    let (_, report) = remediate(
        changer,
        &Selection::Named {
            buckets: names,
            force: false,
        },
        &Confirmation::Force,
    )
    .await
    .unwrap();
    assert_eq!((report.remediated.len(), report.failed.len()), (30, 1));

    let rows = outbox.deliveries().await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].event_type, "remediation_finished");
    outbox.deliver().await;
    let requests = hooks.requests();
    assert_eq!(requests.len(), 1);
    let body = verified_webhook(&requests[0], "k");
    let event = &body["event"];
    assert_eq!(event["actor"], "user:olga");
    assert_eq!(event["remediated"], 30);
    assert_eq!(event["failed"], 1);
    assert_eq!(event["failures"][0]["bucket"], "locked-bucket");
    let error = event["failures"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("AccessDenied"), "{error}");
    assert!(error.contains("request id"), "{error}");
    assert_eq!(body["link"], format!("{DASHBOARD}audit-log"));
}

#[tokio::test]
async fn a_scan_refused_by_list_buckets_sends_one_failure_message_with_the_oss_code() {
    let audit = Audit::with_client(3, |c| {
        c.credentials.access_key_secret = Secret::new("NotTheSandboxSecret000000000000000");
        c.retry.max_attempts = 1;
    })
    .await;
    let outbox = Outbox::over(&audit, |_| {}).await;
    let hooks = Receiver::start().await;
    outbox
        .add("webhook", "ops", &hooks.url("/hooks"), "k")
        .await;

    let failed = audit.try_scan().await.expect_err("ListBuckets is refused");
    assert!(matches!(failed, oss_audit::scan::ScanError::Failed { .. }));
    let rows = outbox.deliveries().await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].event_type, "scan_failed");

    outbox.deliver().await;
    let requests = hooks.requests();
    assert_eq!(requests.len(), 1);
    let body = verified_webhook(&requests[0], "k");
    let event = &body["event"];
    let code = event["code"].as_str().expect("the OSS code");
    let request_id = event["request_id"].as_str().expect("the request id");
    assert!(!code.is_empty() && !request_id.is_empty());
    let error = event["error"].as_str().unwrap();
    assert!(
        error.contains(code) && error.contains(request_id),
        "{error}"
    );
    assert!(!error.contains("NotTheSandboxSecret"), "{error}");
    assert_eq!(body["link"], format!("{DASHBOARD}scans"));
}
