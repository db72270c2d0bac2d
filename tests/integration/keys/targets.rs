//! A change to an unusable key is refused before OSS is called: the remediation's target and the
//! encryption change form/API both name the key's state, and OSS sees no PutBucketEncryption. A
//! remediation asks KMS once per key, account and region, not once per bucket.

use oss_audit::domain::{KmsKeyId, Role};
use oss_audit::sandbox::RequestKind;
use serde_json::json;

use super::key_in_use;
use crate::support::TestApp;

/// Makes `key` the policy's requirement and remediation target; returns the readable
/// non-compliant buckets in the key's region (elsewhere the key would not be found at all).
async fn key_as_target(app: &TestApp, key: &KmsKeyId) -> Vec<String> {
    let policy = json!({"requirement": "kms",
        "remediation_target": {"sse_algorithm": "KMS", "kms_master_key_id": key.as_str()}});
    let admin = app.api(Role::Admin).await;
    let set = admin.call("PUT", "/api/v1/policy", Some(policy)).await;
    assert_eq!(set.status, 200, "{}", set.json);
    let region = app.sandbox.kms_key(key).unwrap().arn.region().to_string();
    let names: Vec<String> = app
        .api(Role::Viewer)
        .await
        .all_buckets("&compliant=false")
        .await
        .iter()
        .filter(|b| b["status"] != "unknown" && b["region"] == region.as_str())
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !names.is_empty(),
        "a readable non-compliant bucket in {region}"
    );
    names
}

#[tokio::test]
async fn a_remediation_to_a_disabled_key_is_refused_before_any_oss_call() {
    let app = TestApp::scanned(80).await;
    let (key, _) = key_in_use(&app.sandbox);
    assert!(app.sandbox.disable_kms_key(&key));
    let target = key_as_target(&app, &key).await.remove(0);
    let puts_before = app
        .sandbox
        .requests_served_by(RequestKind::PutBucketEncryption);
    let before = app.sandbox.bucket(&target).unwrap().encryption;

    let result = app
        .api(Role::Operator)
        .await
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"buckets": [target], "force": true})),
        )
        .await;
    assert_eq!(result.status, 200, "{}", result.json);
    assert_eq!(result.json["remediated"], json!([]));
    let error = result.json["failed"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("Disabled") && error.contains(key.as_str()),
        "{error}"
    );

    let put = app
        .api(Role::Operator)
        .await
        .call(
            "PUT",
            &format!("/api/v1/buckets/{target}/encryption"),
            Some(json!({"sse_algorithm": "KMS", "kms_master_key_id": key.as_str()})),
        )
        .await;
    assert_eq!(put.status, 409, "{}", put.json);
    assert!(put.text().contains("Disabled"), "{}", put.text());

    assert_eq!(
        app.sandbox
            .requests_served_by(RequestKind::PutBucketEncryption),
        puts_before,
        "OSS was never asked"
    );
    assert_eq!(app.sandbox.bucket(&target).unwrap().encryption, before);
}

#[tokio::test]
async fn a_remediation_of_many_buckets_to_one_key_asks_kms_once_per_region() {
    let app = TestApp::scanned(120).await;
    let (key, _) = key_in_use(&app.sandbox);
    let chosen = key_as_target(&app, &key).await;
    assert!(chosen.len() >= 3, "{chosen:?}");
    let asked_before = app.sandbox.requests_served_by(RequestKind::DescribeKey);

    let result = app
        .api(Role::Operator)
        .await
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"buckets": chosen, "force": true})),
        )
        .await;

    assert_eq!(result.status, 200, "{}", result.json);
    assert_eq!(
        result.json["remediated"].as_array().unwrap().len(),
        chosen.len()
    );
    assert_eq!(
        app.sandbox.requests_served_by(RequestKind::DescribeKey) - asked_before,
        1,
        "one DescribeKey for {} buckets of one account and region",
        chosen.len()
    );
    // A single change outside a run asks every time: the key may have changed since.
    let one = &chosen[0];
    let again = app
        .api(Role::Operator)
        .await
        .call(
            "PUT",
            &format!("/api/v1/buckets/{one}/encryption"),
            Some(json!({"sse_algorithm": "KMS", "kms_master_key_id": key.as_str()})),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.json);
    assert_eq!(
        app.sandbox.requests_served_by(RequestKind::DescribeKey) - asked_before,
        2
    );
}

#[tokio::test]
async fn a_remediation_of_many_buckets_to_a_disabled_key_fails_each_with_the_one_answer_kms_gave() {
    let app = TestApp::scanned(120).await;
    let (key, _) = key_in_use(&app.sandbox);
    assert!(app.sandbox.disable_kms_key(&key));
    let chosen = key_as_target(&app, &key).await;
    assert!(chosen.len() >= 3, "{chosen:?}");
    let asked_before = app.sandbox.requests_served_by(RequestKind::DescribeKey);

    let result = app
        .api(Role::Operator)
        .await
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"buckets": chosen, "force": true})),
        )
        .await;

    assert_eq!(result.status, 200, "{}", result.json);
    let failed = result.json["failed"].as_array().unwrap();
    assert_eq!(failed.len(), chosen.len(), "{failed:?}");
    for failure in failed {
        let error = failure["error"].as_str().unwrap();
        assert!(
            error.contains("Disabled") && error.contains(key.as_str()),
            "{error}"
        );
    }
    assert_eq!(
        app.sandbox.requests_served_by(RequestKind::DescribeKey) - asked_before,
        1
    );
}
