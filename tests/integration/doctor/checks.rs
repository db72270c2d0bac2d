//! `oss-audit doctor` against the sandbox estate: all green, then each permission taken away in
//! turn, each failure named with its code, request id and the permission that fixes it.

use std::collections::BTreeSet;

use oss_audit::domain::RamAction;
use oss_audit::sandbox::{SandboxHandle, SandboxPrincipal};

use super::{doctor, estate_with_keys};
use crate::support::{TestDb, output_text, stdout};

/// The regions of an account's buckets in the sandbox.
fn regions(sandbox: &SandboxHandle, uid: &oss_audit::domain::AccountUid) -> BTreeSet<String> {
    sandbox
        .buckets_of(uid)
        .iter()
        .map(|b| b.region.to_string())
        .collect()
}

/// The one line of `account`'s `check` in `text`.
fn line<'a>(text: &'a str, account: &str, check: &str) -> &'a str {
    let mut found = text.lines().filter(|l| {
        let mut words = l.split_whitespace();
        words.next() == Some(account) && l.contains(&format!(" {check} "))
    });
    let line = found
        .next()
        .unwrap_or_else(|| panic!("a line of {account} {check} in:\n{text}"));
    assert!(found.next().is_none(), "one line of {account} {check}");
    line
}

#[tokio::test]
async fn with_every_permission_in_place_each_account_passes_every_check_once_and_exits_0() {
    let db = TestDb::new();
    let sandbox = estate_with_keys(&db, 8).await;
    let out = doctor(&sandbox, &db, &["doctor"]).output().await;
    assert!(out.status.success(), "{}", output_text(&out));
    let text = stdout(&out);
    let member = &sandbox.members()[0];
    let hub_checks = 1 + 1 + regions(&sandbox, &sandbox.hub().uid).len() + 1;
    let member_checks = 1 + 1 + regions(&sandbox, &member.uid).len() + 1;
    let checks: Vec<&str> = text.lines().filter(|l| !l.contains(" checks: ")).collect();
    assert_eq!(checks.len(), hub_checks + member_checks, "{text}");
    assert!(
        checks
            .iter()
            .all(|l| !l.contains(" FAILED ") && !l.contains(" skipped ")),
        "{text}"
    );
    assert!(line(&text, "default", "credentials").contains(" ok "));
    assert!(line(&text, "payments", "sts:AssumeRole").contains(member.role_arn.as_str()));
    for (account, uid) in [("default", &sandbox.hub().uid), ("payments", &member.uid)] {
        assert!(line(&text, account, "oss:ListBuckets").contains("8 buckets"));
        for region in regions(&sandbox, uid) {
            line(&text, account, &format!("oss:GetBucketEncryption {region}"));
        }
        assert!(
            line(&text, account, "kms:DescribeKey").contains("is Enabled"),
            "{text}"
        );
    }
    assert!(
        text.contains(&format!(
            "{} checks: {} ok, 0 FAILED",
            checks.len(),
            checks.len()
        )),
        "{text}"
    );
    assert!(!output_text(&out).contains(sandbox.credentials().access_key_secret.expose()));

    let json = doctor(&sandbox, &db, &["doctor", "--json"]).output().await;
    assert!(json.status.success(), "{}", output_text(&json));
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["hub_uid"], sandbox.hub().uid.as_str());
    assert_eq!(json["checks"].as_array().unwrap().len(), checks.len());
    assert!(
        json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "ok")
    );
}

#[tokio::test]
async fn each_permission_taken_away_in_turn_fails_its_line_with_code_request_id_and_fix() {
    let db = TestDb::new();
    let sandbox = estate_with_keys(&db, 6).await;
    let hub_key = SandboxPrincipal::AccessKey(sandbox.credentials().access_key_id.clone());
    let member = sandbox.members()[0].clone();
    let role = SandboxPrincipal::Role(member.role_arn.clone());
    let member_region = regions(&sandbox, &member.uid).into_iter().next().unwrap();
    let cases = [
        (
            hub_key.clone(),
            RamAction::OssListBuckets,
            "default",
            "oss:ListBuckets".to_owned(),
            "AccessDenied",
        ),
        (
            role.clone(),
            RamAction::OssGetBucketEncryption,
            "payments",
            format!("oss:GetBucketEncryption {member_region}"),
            "AccessDenied",
        ),
        (
            hub_key.clone(),
            RamAction::KmsDescribeKey,
            "default",
            "kms:DescribeKey".to_owned(),
            "Forbidden.NoPermission",
        ),
        (
            role.clone(),
            RamAction::KmsDescribeKey,
            "payments",
            "kms:DescribeKey".to_owned(),
            "Forbidden.NoPermission",
        ),
    ];
    for (principal, action, account, check, code) in cases {
        assert!(sandbox.deny(principal.clone(), action));
        let out = doctor(&sandbox, &db, &["doctor"]).output().await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "{action}: {}",
            output_text(&out)
        );
        let text = stdout(&out);
        let failed = line(&text, account, &check);
        assert!(failed.contains(" FAILED "), "{action}: {failed}");
        assert!(
            failed.contains(&format!("code {code}")),
            "{action}: {failed}"
        );
        assert!(!failed.contains("request id none"), "{action}: {failed}");
        assert!(failed.contains("request id "), "{action}: {failed}");
        assert!(
            failed.contains(&format!("fix: {action}")),
            "{action}: {failed}"
        );
        // Only this permission's lines fail (one per region for GetBucketEncryption).
        let failing: Vec<&str> = text.lines().filter(|l| l.contains(" FAILED ")).collect();
        assert!(
            failing
                .iter()
                .all(|l| l.starts_with(account) && l.contains(&format!(" {action}"))),
            "{action}: only its lines fail\n{text}"
        );
        assert!(sandbox.allow(principal, action));
    }
    // Without ListBuckets the hub's keys still sign: its later checks are skipped, not passed.
    assert!(sandbox.deny(hub_key.clone(), RamAction::OssListBuckets));
    let text = stdout(&doctor(&sandbox, &db, &["doctor"]).output().await);
    assert!(
        line(&text, "default", "credentials").contains(" ok "),
        "{text}"
    );
    assert!(
        line(&text, "default", "kms:DescribeKey").contains(" skipped "),
        "{text}"
    );
    assert!(sandbox.allow(hub_key, RamAction::OssListBuckets));

    // A role that does not trust the hub: AssumeRole fails with the trust policy to set, and the
    // member's other checks are skipped.
    assert!(sandbox.set_role_trust(&member.uid, false));
    let out = doctor(&sandbox, &db, &["doctor"]).output().await;
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let text = stdout(&out);
    let failed = line(&text, "payments", "sts:AssumeRole");
    assert!(
        failed.contains(" FAILED ") && failed.contains("code NoPermission"),
        "{failed}"
    );
    assert!(!failed.contains("request id none"), "{failed}");
    assert!(failed.contains("fix: sts:AssumeRole on "), "{failed}");
    assert!(
        failed.contains(&format!("acs:ram::{}:root", sandbox.hub().uid)),
        "the fix names the hub to trust: {failed}"
    );
    assert!(
        line(&text, "payments", "oss:ListBuckets").contains(" skipped "),
        "{text}"
    );
    assert!(
        line(&text, "default", "oss:ListBuckets").contains(" ok "),
        "{text}"
    );

    let json = doctor(&sandbox, &db, &["doctor", "--json"]).output().await;
    assert_eq!(json.status.code(), Some(1), "{}", output_text(&json));
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(json["ok"], false);
    let assume = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["account"] == "payments" && c["check"] == "sts:AssumeRole")
        .expect("the member's AssumeRole check");
    assert_eq!(assume["status"], "failed");
    assert_eq!(assume["code"], "NoPermission");
    assert!(
        assume["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{assume}"
    );
    assert!(
        assume["fix"]
            .as_str()
            .unwrap()
            .starts_with("sts:AssumeRole on "),
        "{assume}"
    );
}

#[tokio::test]
async fn keys_oss_refuses_fail_the_credentials_check_and_skip_the_rest() {
    let db = TestDb::new();
    let sandbox = estate_with_keys(&db, 2).await;
    let out = doctor(&sandbox, &db, &["doctor"])
        .env("OSS_ACCESS_KEY_SECRET", "not-the-secret-at-all")
        .output()
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let text = stdout(&out);
    let failed = line(&text, "default", "credentials");
    assert!(failed.contains("code SignatureDoesNotMatch"), "{failed}");
    assert!(failed.contains("OSS_ACCESS_KEY_ID"), "{failed}");
    assert!(
        line(&text, "default", "oss:ListBuckets").contains(" skipped "),
        "{text}"
    );
    assert!(!output_text(&out).contains("not-the-secret-at-all"));
}
