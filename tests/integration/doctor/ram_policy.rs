//! `oss-audit doctor --ram-policy`: JSON documents listing exactly the calls oss-audit makes, and
//! the trust policy naming the hub and the ExternalId.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{doctor, estate_with_keys};
use crate::support::{OssAudit, TestDb, output_text, stderr, stdout};

/// Every action the statements of `document` allow.
fn actions(document: &Value) -> BTreeSet<String> {
    assert_eq!(document["Version"], "1");
    document["Statement"]
        .as_array()
        .expect("a Statement list")
        .iter()
        .inspect(|s| assert_eq!(s["Effect"], "Allow"))
        .flat_map(|s| s["Action"].as_array().expect("an Action list").clone())
        .map(|a| a.as_str().expect("an action").to_owned())
        .collect()
}

fn set(actions: &[&str]) -> BTreeSet<String> {
    actions.iter().map(|a| (*a).to_owned()).collect()
}

#[tokio::test]
async fn each_mode_prints_json_with_exactly_the_actions_oss_audit_calls() {
    let db = TestDb::new();
    let sandbox = estate_with_keys(&db, 2).await;
    let read_only = [
        "oss:ListBuckets",
        "oss:GetBucketEncryption",
        "kms:DescribeKey",
    ];
    let remediate = [
        "oss:ListBuckets",
        "oss:GetBucketEncryption",
        "kms:DescribeKey",
        "oss:PutBucketEncryption",
        "oss:DeleteBucketEncryption",
    ];
    for (mode, expected) in [("read-only", &read_only[..]), ("remediate", &remediate[..])] {
        let out = doctor(&sandbox, &db, &["doctor", "--ram-policy", mode])
            .output()
            .await;
        assert!(out.status.success(), "{}", output_text(&out));
        let json: Value = serde_json::from_str(&stdout(&out)).expect("stdout is one JSON document");
        assert_eq!(json["mode"], mode);
        assert_eq!(actions(&json["permission_policy"]), set(expected), "{mode}");
        assert_eq!(
            actions(&json["hub_policy"]),
            set(&["sts:AssumeRole", "resourcemanager:ListAccounts"])
        );
        let member = sandbox.members()[0].role_arn.to_string();
        assert_eq!(
            json["hub_policy"]["Statement"][0]["Resource"],
            serde_json::json!([member])
        );
        let trust = &json["trust_policy"];
        assert_eq!(trust["Version"], "1");
        let statement = &trust["Statement"][0];
        assert_eq!(statement["Action"], "sts:AssumeRole");
        assert_eq!(
            statement["Principal"]["RAM"][0],
            format!("acs:ram::{}:root", sandbox.hub().uid)
        );
        assert!(
            statement.get("Condition").is_none(),
            "no ExternalId asked for"
        );
        assert_eq!(json["placeholders"], serde_json::json!([]));
        assert!(stderr(&out).contains("trust_policy:"), "{}", stderr(&out));
    }
    let with_id = doctor(
        &sandbox,
        &db,
        &[
            "doctor",
            "--ram-policy",
            "read-only",
            "--external-id",
            "ext-4711",
        ],
    )
    .output()
    .await;
    let json: Value = serde_json::from_str(&stdout(&with_id)).unwrap();
    assert_eq!(
        json["trust_policy"]["Statement"][0]["Condition"],
        serde_json::json!({"StringEquals": {"sts:ExternalId": "ext-4711"}})
    );
    let bad = doctor(&sandbox, &db, &["doctor", "--ram-policy", "admin"])
        .output()
        .await;
    assert_eq!(bad.status.code(), Some(2), "{}", output_text(&bad));
}

#[tokio::test]
async fn without_credentials_or_accounts_the_unknown_values_are_marked_placeholders() {
    let db = TestDb::new();
    let out = OssAudit::new(&["doctor", "--ram-policy", "read-only"])
        .database(&db)
        .output()
        .await;
    assert!(out.status.success(), "{}", output_text(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["trust_policy"]["Statement"][0]["Principal"]["RAM"][0],
        "acs:ram::<hub-account-uid>:root"
    );
    let marked: Vec<&str> = json["placeholders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(marked.contains(&"<hub-account-uid>"), "{marked:?}");
    assert!(
        stderr(&out).contains("replace before use"),
        "{}",
        stderr(&out)
    );
}
