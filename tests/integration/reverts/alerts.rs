//! A revert that leaves buckets non-compliant alerts like any change of encryption: one message,
//! `cause: change`, naming who reverted and every bucket it left non-compliant.

use oss_audit::domain::Role;
use serde_json::json;

use super::{held, remediate_all, revert};
use crate::notify::{bucket, deliveries, notifying_app};
use crate::support::{Receiver, verified_webhook};

const SECRET: &str = "revert-hook-secret-0203";

#[tokio::test]
async fn reverting_a_remediation_that_leaves_buckets_unencrypted_alerts_once_naming_them() {
    let app = notifying_app().await;
    for name in ["payroll", "team-wiki"] {
        app.sandbox.insert_bucket(bucket(name, None));
    }
    app.scan().await;
    let (run, _) = remediate_all(&app).await;
    // Added after the remediation, so its `remediation_finished` is not in the way.
    let hooks = Receiver::start().await;
    app.add_target("webhook", "security-team", &hooks.url("/hooks"), SECRET)
        .await;

    let operator = app.api(Role::Operator).await;
    let done = revert(&operator, json!({"remediation": run}), 200).await;
    assert_eq!(done["restored"], 2, "{done}");
    assert_eq!(held(&app, "payroll"), None);

    let requests = hooks.wait_for(1).await;
    assert_eq!(requests.len(), 1, "one message for the whole revert");
    assert_eq!(
        requests[0].header("x-oss-audit-event"),
        "buckets_noncompliant"
    );
    let event = verified_webhook(&requests[0], SECRET)["event"].clone();
    assert_eq!(event["cause"], "change");
    assert_eq!(event["by"], "token:operator-token");
    assert_eq!(event["noncompliant"], 2);
    let names: Vec<&str> = event["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["payroll", "team-wiki"]);
    let queued = deliveries(app.db.pool().await).await;
    assert_eq!(queued.len(), 1, "{queued:?}");

    // Reverting the revert makes them compliant again: no news.
    let again = revert(&operator, json!({"remediation": done["run"]}), 200).await;
    assert_eq!(again["restored"], 2, "{again}");
    assert_eq!(deliveries(app.db.pool().await).await.len(), 1);
}
