//! Requirements scoped to buckets: rule precedence, tag reads, the surfaces that edit rules, the
//! bucket page's reason, and the controls auditors name.

mod controls;
mod precedence;
mod surfaces;
mod tags;

use oss_audit::domain::{BucketName, EncryptionRule, KmsKeyId, Region, Role};
use oss_audit::sandbox::SandboxBucket;
use serde_json::{Value, json};

use crate::support::TestApp;

/// A sandbox bucket in `region` holding `encryption`, with `tags` and maybe a resource group.
pub fn bucket(
    name: &str,
    region: &str,
    encryption: Option<EncryptionRule>,
    tags: &[(&str, &str)],
    group: Option<&str>,
) -> SandboxBucket {
    let mut bucket = SandboxBucket::new(
        BucketName::parse(name).unwrap(),
        Region::parse(region).unwrap(),
    );
    bucket.encryption = encryption;
    bucket.tags = tags
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    bucket.resource_group_id = group.map(str::to_owned);
    bucket
}

/// SSE-KMS with `key` (the OSS-managed key when `None`).
pub fn kms(key: Option<&str>) -> Option<EncryptionRule> {
    Some(EncryptionRule::Kms {
        key_id: key.map(|k| KmsKeyId::parse(k).unwrap()),
        data_encryption: None,
    })
}

/// A rule as the API takes it.
pub fn rule(scope: Value, requirement: &str, target: Value) -> Value {
    json!({"scope": scope, "requirement": requirement, "remediation_target": target})
}

/// The default rule: any default encryption, remediated with AES256.
pub fn any_default() -> Value {
    rule(json!({}), "any", json!({"sse_algorithm": "AES256"}))
}

/// Replaces the rules through the API as an admin; returns the answer's rules.
pub async fn put_rules(app: &TestApp, rules: Value) -> Value {
    let admin = app.api(Role::Admin).await;
    let reply = admin
        .call(
            "PUT",
            "/api/v1/policy/rules",
            Some(json!({ "rules": rules })),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    reply.json
}

/// Each bucket's judgement as the API shows it, by name.
pub async fn verdicts(app: &TestApp) -> std::collections::BTreeMap<String, Option<bool>> {
    let viewer = app.api(Role::Viewer).await;
    viewer
        .all_buckets("")
        .await
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap().to_owned(),
                b["compliant"].as_bool(),
            )
        })
        .collect()
}
