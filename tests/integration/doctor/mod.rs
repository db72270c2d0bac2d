//! `oss-audit doctor` and Settings › Permissions: every permission a scan needs, checked against
//! the sandbox estate with each one taken away in turn, and the RAM documents that grant them.

mod checks;
mod page;
mod ram_policy;

use oss_audit::domain::EncryptionRule;
use oss_audit::sandbox::{STS_ENDPOINT, SandboxHandle};

use crate::support::{OssAudit, TestDb, estate, output_text};

/// A sandbox of the hub and one member, `buckets` buckets each, every bucket readable, and the
/// first bucket of each account encrypted with a key of its own account and region (so
/// DescribeKey has a key to describe); the member added to `db` as `payments`.
async fn estate_with_keys(db: &TestDb, buckets: usize) -> SandboxHandle {
    let sandbox = estate(2, buckets, |_| {}).await;
    for bucket in sandbox.buckets() {
        sandbox.set_access_denied(bucket.name.as_str(), false);
    }
    for account in sandbox.accounts() {
        let first = sandbox.buckets_of(&account.uid).remove(0);
        let key = sandbox.create_kms_key(&account.uid, &first.region);
        let rule = EncryptionRule::Kms {
            key_id: Some(key.key_id),
            data_encryption: None,
        };
        assert!(sandbox.set_encryption(first.name.as_str(), Some(rule)));
    }
    let arn = sandbox.members()[0].role_arn.to_string();
    let added = doctor(
        &sandbox,
        db,
        &["account", "add", "payments", "--role-arn", &arn],
    )
    .output()
    .await;
    assert!(added.status.success(), "{}", output_text(&added));
    sandbox
}

/// `oss-audit ARGS` on `db`, reaching the sandbox estate with the hub's keys.
fn doctor(sandbox: &SandboxHandle, db: &TestDb, args: &[&str]) -> OssAudit {
    OssAudit::new(args)
        .database(db)
        .sandbox(sandbox)
        .env("OSS_AUDIT_STS_ENDPOINT", STS_ENDPOINT)
        .env("USER", "dana")
}
