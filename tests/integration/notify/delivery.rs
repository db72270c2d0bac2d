//! Delivery: what each kind of receiver gets and can verify, retries with backoff after failures,
//! giving up, and errors that never carry a target's URL or secret.

use chrono::{Duration, Utc};
use oss_audit::domain::{Event, RemediationFailure, RemediationFinished, ReportId, ReportReady};

use super::{DASHBOARD, Outbox};
use crate::support::{Receiver, verified_dingtalk, verified_webhook};

fn report_ready() -> Event {
    Event::ReportReady(ReportReady {
        report: ReportId::new(7),
        digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
        created_at: Utc::now(),
        buckets: 120,
        compliant: 100,
        noncompliant: 15,
        unknown: 5,
    })
}

#[tokio::test]
async fn webhook_dingtalk_and_slack_receivers_get_messages_they_can_verify() {
    let outbox = Outbox::new(|_| {}).await;
    let hooks = Receiver::start().await;
    let dingtalk = Receiver::start().await;
    dingtalk.answer(200, r#"{"errcode":0,"errmsg":"ok"}"#);
    outbox
        .add("webhook", "ops", &hooks.url("/hooks/oss"), "webhook-key-1")
        .await;
    outbox
        .add(
            "dingtalk",
            "robot",
            &dingtalk.url("/robot/send?access_token=tok-ding-1"),
            "SECding",
        )
        .await;
    outbox
        .add(
            "slack",
            "chat",
            &hooks.url("/services/T1/B2/slacksecret"),
            "",
        )
        .await;

    outbox.queue(&report_ready()).await;
    let pass = outbox.deliver().await;
    assert_eq!((pass.delivered, pass.retrying, pass.failed), (3, 0, 0));

    let received = hooks.requests();
    assert_eq!(received.len(), 2);
    let webhook = received
        .iter()
        .find(|r| r.uri.path() == "/hooks/oss")
        .expect("the webhook got it");
    let body = verified_webhook(webhook, "webhook-key-1");
    assert_eq!(webhook.header("x-oss-audit-event"), "report_ready");
    assert_eq!(
        webhook.header("x-oss-audit-delivery"),
        body["id"].to_string()
    );
    let sent_at = chrono::DateTime::parse_from_rfc3339(body["sent_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        sent_at.timestamp().to_string(),
        webhook.header("x-oss-audit-timestamp")
    );
    assert_eq!(body["account"], "default");
    assert_eq!(body["event"]["type"], "report_ready");
    assert_eq!(body["event"]["report"], 7);
    assert_eq!(body["event"]["noncompliant"], 15);
    assert_eq!(body["link"], format!("{DASHBOARD}reports/7"));
    // A signature made with another secret does not verify.
    let forged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        verified_webhook(webhook, "webhook-key-2")
    }));
    assert!(forged.is_err());

    let slack = received
        .iter()
        .find(|r| r.uri.path() == "/services/T1/B2/slacksecret")
        .expect("Slack got it");
    let text = slack.json()["text"].as_str().unwrap().to_owned();
    assert!(
        text.starts_with(
            "*oss-audit: Report 7 is ready (account default): 120 buckets, 100 compliant, 15 non-compliant, 5 unknown*"
        ),
        "{text}"
    );
    assert!(text.contains(&format!("<{DASHBOARD}reports/7|Open in oss-audit>")));

    let ding = dingtalk.wait_for(1).await.remove(0);
    assert_eq!(ding.uri.path(), "/robot/send");
    assert_eq!(ding.query("access_token").as_deref(), Some("tok-ding-1"));
    let body = verified_dingtalk(&ding, "SECding");
    assert_eq!(body["msgtype"], "markdown");
    let markdown = body["markdown"]["text"].as_str().unwrap();
    assert!(markdown.contains("Report 7 is ready"), "{markdown}");
    assert!(markdown.contains(&format!("[Open in oss-audit]({DASHBOARD}reports/7)")));

    let rows = outbox.deliveries().await;
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|d| d.status == "delivered" && d.attempts == 1 && d.last_error.is_none()),
        "{rows:?}"
    );
    // Delivered once: a second pass sends nothing.
    assert!(outbox.deliver().await.is_empty());
    assert_eq!(hooks.requests().len() + dingtalk.requests().len(), 3);
}

#[tokio::test]
async fn a_failing_receiver_gets_the_delivery_again_after_backoff_until_it_succeeds() {
    let outbox = Outbox::new(|_| {}).await;
    let receiver = Receiver::start().await;
    receiver.fail_next(2);
    outbox
        .add("webhook", "flaky", &receiver.url("/in"), "k")
        .await;
    outbox.queue(&report_ready()).await;

    let start = Utc::now();
    let first = outbox.deliver_at(start).await;
    assert_eq!((first.delivered, first.retrying), (0, 1));
    let rows = outbox.deliveries().await;
    assert_eq!((rows[0].status.as_str(), rows[0].attempts), ("pending", 1));
    assert_eq!(
        rows[0].last_error.as_deref(),
        Some("HTTP 500 Internal Server Error")
    );
    // The retry waits for its backoff: not due at the same instant.
    assert!(outbox.deliver_at(start).await.is_empty());
    assert_eq!(receiver.requests().len(), 1);

    let second = outbox.deliver_at(start + Duration::hours(1)).await;
    assert_eq!(second.retrying, 1);
    let third = outbox.deliver_at(start + Duration::hours(2)).await;
    assert_eq!(third.delivered, 1);

    let requests = receiver.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        verified_webhook(request, "k");
        assert_eq!(
            request.header("x-oss-audit-delivery"),
            requests[0].header("x-oss-audit-delivery"),
            "the same delivery, so receivers can drop duplicates"
        );
    }
    let rows = outbox.deliveries().await;
    assert_eq!(
        (rows[0].status.as_str(), rows[0].attempts),
        ("delivered", 3)
    );
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .unwrap()
            .starts_with("HTTP 500"),
        "the last error stays visible after the success"
    );
    let listed = oss_audit::store::list_notification_targets(&outbox.store, outbox.account)
        .await
        .unwrap();
    assert_eq!(listed[0].pending, 0);
    assert!(listed[0].last_delivered_at.is_some());
    assert!(listed[0].last_error.is_some() && listed[0].last_error_at.is_some());
}

#[tokio::test]
async fn deliveries_give_up_after_the_last_attempt_or_at_once_when_refused() {
    let outbox = Outbox::new(|c| c.timing.max_attempts = 3).await;
    let down = Receiver::start().await;
    down.fail_next(usize::MAX);
    let gone = Receiver::start().await;
    gone.answer(404, "no such hook");
    outbox.add("webhook", "down", &down.url("/in"), "k").await;
    outbox
        .add("slack", "gone", &gone.url("/services/x"), "")
        .await;
    outbox.queue(&report_ready()).await;

    let start = Utc::now();
    let first = outbox.deliver_at(start).await;
    assert_eq!((first.retrying, first.failed), (1, 1), "404 is final");
    for hours in 1..=4 {
        outbox.deliver_at(start + Duration::hours(hours)).await;
    }
    assert_eq!(down.requests().len(), 3, "three attempts, then no more");
    assert_eq!(gone.requests().len(), 1);
    let rows = outbox.deliveries().await;
    let down_row = rows.iter().find(|d| d.target == "down").unwrap();
    assert_eq!((down_row.status.as_str(), down_row.attempts), ("failed", 3));
    let gone_row = rows.iter().find(|d| d.target == "gone").unwrap();
    assert_eq!((gone_row.status.as_str(), gone_row.attempts), ("failed", 1));
    assert_eq!(gone_row.last_error.as_deref(), Some("HTTP 404 Not Found"));
}

#[tokio::test]
async fn errors_never_carry_the_target_url_or_secret() {
    let outbox = Outbox::new(|c| c.timing.max_attempts = 1).await;
    let dingtalk = Receiver::start().await;
    // A receiver that repeats what it was sent must not make the error a leak.
    dingtalk.answer(
        200,
        r#"{"errcode":310000,"errmsg":"sign not match for access_token tok-very-secret-1 and SECding-secret"}"#,
    );
    outbox
        .add(
            "dingtalk",
            "robot",
            &dingtalk.url("/robot/send?access_token=tok-very-secret-1"),
            "SECding-secret",
        )
        .await;
    // Nothing listens on port 1: a connection error.
    outbox
        .add(
            "slack",
            "nowhere",
            "http://127.0.0.1:1/services/slack-secret-path",
            "",
        )
        .await;
    outbox.queue(&report_ready()).await;
    let pass = outbox.deliver().await;
    assert_eq!(pass.failed, 2);

    let rows = outbox.deliveries().await;
    let robot = rows.iter().find(|d| d.target == "robot").unwrap();
    let error = robot.last_error.as_deref().unwrap();
    assert!(
        error.starts_with("DingTalk errcode 310000: the signature"),
        "{error}"
    );
    let nowhere = rows.iter().find(|d| d.target == "nowhere").unwrap();
    let connect = nowhere.last_error.as_deref().unwrap();
    assert!(connect.starts_with("could not connect"), "{connect}");
    for text in [error, connect] {
        for secret in ["tok-very-secret-1", "SECding-secret", "slack-secret-path"] {
            assert!(!text.contains(secret), "{secret} leaked into {text:?}");
        }
    }
}

#[tokio::test]
async fn dingtalk_gets_names_and_errors_as_plain_text_never_as_markdown() {
    let outbox = Outbox::new(|_| {}).await;
    let dingtalk = Receiver::start().await;
    dingtalk.answer(200, r#"{"errcode":0,"errmsg":"ok"}"#);
    outbox
        .add(
            "dingtalk",
            "robot",
            &dingtalk.url("/robot/send?access_token=tok-ding-2"),
            "SECding",
        )
        .await;
    let event = Event::RemediationFinished(RemediationFinished {
        actor: "token:[urgent](https://evil.example/login)".to_owned(),
        remediated: 1,
        failed: 1,
        failures: vec![RemediationFailure {
            account: None,
            bucket: "logs-1".to_owned(),
            error: "AccessDenied: ![x](https://evil.example/t.png)\n# <b>pwned</b>".to_owned(),
        }],
    });

    outbox.queue(&event).await;
    assert_eq!(outbox.deliver().await.delivered, 1);

    let ding = dingtalk.wait_for(1).await.remove(0);
    let markdown = verified_dingtalk(&ding, "SECding")["markdown"]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        markdown.contains(r"token:\[urgent\]\(https://evil.example/login\)"),
        "{markdown}"
    );
    assert!(
        markdown.contains(r"• logs-1: AccessDenied: \!\[x\]\(https://evil.example/t.png\) \# &lt;b&gt;pwned&lt;/b&gt;"),
        "{markdown}"
    );
    assert!(!markdown.contains("](https://evil"), "no link: {markdown}");
    assert!(!markdown.contains("<b>"), "{markdown}");
    assert_eq!(
        markdown.matches("\n#").count(),
        0,
        "one heading only: {markdown}"
    );
}
