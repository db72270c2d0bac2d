//! The official Alibaba Cloud Python SDK (aliyun-python-sdk-core with its STS, Resource Manager
//! and KMS modules) against the sandbox's STS, Resource Directory and KMS: proof that they answer
//! like the real services, judged by a client nobody here wrote.

use oss_audit::domain::{AccountUid, ExternalId, KeyMetadata, RamAction};
use oss_audit::sandbox::{RequestKind, SandboxHandle, SandboxPrincipal};

use crate::fidelity::run_fidelity_script;
use crate::support::estate;

#[tokio::test]
async fn sandbox_sts_and_directory_are_indistinguishable_for_the_official_sdk() {
    let sandbox = estate(5, 6, |c| c.untrusted_roles = 1).await;
    let guarded = sandbox.members()[1].uid.clone();
    sandbox.set_role_external_id(&guarded, Some(ExternalId::parse("tenant-42").unwrap()));
    sandbox.set_member_status(&sandbox.members()[2].uid, "PromoteVerifying");
    let accounts: Vec<_> = sandbox
        .accounts()
        .iter()
        .map(|a| {
            serde_json::json!({
                "uid": a.uid,
                "display_name": a.display_name,
                "role_arn": a.role_arn,
                "trusts_hub": a.trusts_hub,
                "external_id": a.external_id,
                "status": a.status,
                "is_hub": a.is_hub(),
                "buckets": sandbox.buckets_of(&a.uid).iter().map(|b| b.name.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    run_fidelity_script(
        &sandbox,
        "aliyun_rpc_fidelity.py",
        &serde_json::json!({ "accounts": accounts }),
    )
    .await;
}

/// How KMS prints a time: UTC, whole seconds; `""` for none.
fn kms_time(time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    time.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A key as the SDK should see it, with a bucket of its account in its region.
fn key_truth(key: &KeyMetadata, bucket: &str) -> serde_json::Value {
    serde_json::json!({
        "key_id": key.key_id.as_str(),
        "region": key.arn.region().as_str(),
        "uid": key.arn.account().as_str(),
        "bucket": bucket,
        "KeyId": key.key_id.as_str(),
        "Arn": key.arn.as_str(),
        "KeyState": key.state.as_str(),
        "KeySpec": key.key_spec,
        "KeyUsage": key.key_usage,
        "Origin": key.origin.as_str(),
        "ProtectionLevel": key.protection_level.as_str(),
        "CreationDate": kms_time(Some(key.creation_date)),
        "AutomaticRotation": key.rotation.status.as_str(),
        "DeletionProtection": if key.deletion_protection { "Enabled" } else { "Disabled" },
        "DeleteDate": kms_time(key.delete_date),
        "MaterialExpireTime": kms_time(key.material_expire_time),
    })
}

/// Up to `n` keys of `account`, each with a distinct readable bucket in the key's region.
fn keys_with_buckets(
    sandbox: &SandboxHandle,
    account: &AccountUid,
    n: usize,
) -> Vec<(KeyMetadata, String)> {
    let buckets = sandbox.buckets_of(account);
    let mut chosen: Vec<(KeyMetadata, String)> = Vec::new();
    for key in sandbox.kms_keys_of(account) {
        let bucket = buckets.iter().find(|b| {
            &b.region == key.arn.region()
                && !b.access_denied
                && chosen.iter().all(|(_, taken)| taken != b.name.as_str())
        });
        if let Some(bucket) = bucket {
            chosen.push((key, bucket.name.to_string()));
        }
        if chosen.len() == n {
            break;
        }
    }
    assert_eq!(chosen.len(), n, "seeded keys with buckets in their regions");
    chosen
}

#[tokio::test]
async fn sandbox_kms_is_indistinguishable_for_the_official_sdk() {
    let sandbox = estate(4, 80, |c| c.accept_unknown_kms_keys = false).await;
    let hub = sandbox.hub();
    let members = sandbox.members();
    let mut hub_keys = keys_with_buckets(&sandbox, &hub.uid, 3);
    let deletion = chrono::Utc::now() + chrono::TimeDelta::days(9);
    let deletion = chrono::DateTime::from_timestamp(deletion.timestamp(), 0).unwrap();
    assert!(sandbox.disable_kms_key(&hub_keys[1].0.key_id));
    assert!(sandbox.schedule_kms_key_deletion(&hub_keys[2].0.key_id, deletion));
    assert!(sandbox.set_kms_alias("alias/fidelity", &hub_keys[0].0.key_id));
    for (key, _) in &mut hub_keys {
        *key = sandbox.kms_key(&key.key_id).unwrap();
    }
    let hub_key = SandboxPrincipal::AccessKey(sandbox.credentials().access_key_id);
    sandbox.deny(hub_key, RamAction::OssGetBucketTagging);
    sandbox.deny(
        SandboxPrincipal::Role(members[1].role_arn.clone()),
        RamAction::KmsDescribeKey,
    );
    sandbox.set_kms_activated(&members[2].uid, false);
    let member_truth = |i: usize| {
        let (key, bucket) = keys_with_buckets(&sandbox, &members[i].uid, 1).remove(0);
        let mut truth = key_truth(&key, &bucket);
        truth["role_arn"] = serde_json::json!(members[i].role_arn.as_str());
        truth
    };
    let mut enabled = key_truth(&hub_keys[0].0, &hub_keys[0].1);
    enabled["alias"] = serde_json::json!("alias/fidelity");
    let truth = serde_json::json!({
        "hub_keys": sandbox
            .kms_keys_of(&hub.uid)
            .iter()
            .map(|k| key_truth(k, ""))
            .collect::<Vec<_>>(),
        "enabled": enabled,
        "disabled": key_truth(&hub_keys[1].0, &hub_keys[1].1),
        "pending_deletion": key_truth(&hub_keys[2].0, &hub_keys[2].1),
        "member": member_truth(0),
        "denied_member": member_truth(1),
        "inactive_member": member_truth(2),
    });
    let report = run_fidelity_script(&sandbox, "aliyun_kms_fidelity.py", &truth).await;
    assert!(report.contains("Ran 9 tests"), "{report}");
    assert!(
        sandbox.requests_served_by(RequestKind::DescribeKey) >= 10,
        "the SDK called the sandbox's KMS"
    );
}
