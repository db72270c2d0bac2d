//! The remediation API runs only the plan that was shown: a dry run answers with the plan and its
//! digest, a run needs that digest (or `force`), and a digest of a plan that changed since is
//! refused with 409 before anything changes.

use oss_audit::domain::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, readable_unencrypted};

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_dry_run_shows_the_plan_and_its_digest_and_the_run_with_that_digest_does_exactly_it() {
    let app = TestApp::scanned(30).await;
    let operator = app.api(Role::Operator).await;
    let before = app.sandbox.buckets();
    let mut expected = app.names(readable_unencrypted);
    expected.sort();

    let dry = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"dry_run": true})),
        )
        .await;

    assert_eq!(dry.status, 200, "{}", dry.json);
    assert_eq!(dry.json["dry_run"], true);
    assert_eq!(dry.json["target"], "AES256");
    assert_eq!(names(&dry.json["plan"]), expected);
    assert_eq!(dry.json["remediated"], json!([]));
    assert_eq!(app.sandbox.buckets(), before, "a dry run changes nothing");
    let digest = dry.json["plan_digest"].as_str().unwrap().to_owned();
    assert_eq!(digest.len(), 64, "{digest}");
    let again = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"dry_run": true})),
        )
        .await;
    assert_eq!(again.json["plan_digest"], digest.as_str(), "the same plan");

    let unbound = operator
        .call("POST", "/api/v1/remediations", Some(json!({})))
        .await;
    assert_eq!(unbound.status, 400, "{}", unbound.json);
    let message = unbound.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("plan_digest") && message.contains("force"),
        "{message}"
    );
    assert_eq!(app.sandbox.buckets(), before);

    let run = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"plan_digest": digest})),
        )
        .await;

    assert_eq!(run.status, 200, "{}", run.json);
    assert_eq!(run.json["dry_run"], false);
    assert_eq!(names(&run.json["remediated"]), expected);
    assert_eq!(run.json["plan_digest"], digest.as_str());
}

#[tokio::test]
async fn a_digest_of_a_plan_that_changed_since_the_dry_run_gets_409_and_changes_nothing() {
    let app = TestApp::scanned(30).await;
    let operator = app.api(Role::Operator).await;
    let dry = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"dry_run": true})),
        )
        .await;
    let digest = dry.json["plan_digest"].as_str().unwrap().to_owned();
    let one = app.names(readable_unencrypted).remove(0);
    let encrypted = operator
        .call(
            "PUT",
            &format!("/api/v1/buckets/{one}/encryption"),
            Some(json!({"sse_algorithm": "AES256"})),
        )
        .await;
    assert_eq!(encrypted.status, 200, "{}", encrypted.json);
    let before = app.sandbox.buckets();

    let stale = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"plan_digest": digest})),
        )
        .await;

    assert_eq!(stale.status, 409, "{}", stale.json);
    assert_eq!(stale.json["error"]["code"], "stale_plan");
    let message = stale.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("changed since the dry run"), "{message}");
    assert_eq!(app.sandbox.buckets(), before, "nothing changed");
    let both = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"plan_digest": digest, "force": true})),
        )
        .await;
    assert_eq!(both.status, 400);

    let forced = operator
        .call("POST", "/api/v1/remediations", Some(json!({"force": true})))
        .await;
    assert_eq!(forced.status, 200, "{}", forced.json);
    assert!(!names(&forced.json["remediated"]).contains(&one));
}
