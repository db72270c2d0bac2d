//! The keys behind SSE-KMS, end to end: a key disabled, scheduled for deletion or not
//! describable in the sandbox's KMS, seen by the next scan, alerted once, shown first on the
//! overview, listed by `/api/v1/keys` and the report; remediation to an unusable key refused
//! before OSS is called; one DescribeKey per distinct key per scan.

mod states;
mod targets;

use std::collections::BTreeSet;

use oss_audit::domain::KmsKeyId;
use oss_audit::sandbox::SandboxHandle;
use serde_json::Value;

/// A seeded customer key that readable buckets name, and those buckets' names (sorted).
fn key_in_use(sandbox: &SandboxHandle) -> (KmsKeyId, Vec<String>) {
    for key in sandbox.kms_keys() {
        let names: Vec<String> = sandbox
            .buckets()
            .into_iter()
            .filter(|b| {
                !b.access_denied
                    && b.encryption.as_ref().and_then(|r| r.kms_key_id()) == Some(&key.key_id)
            })
            .map(|b| b.name.as_str().to_owned())
            .collect();
        if !names.is_empty() {
            return (key.key_id, names);
        }
    }
    panic!("no seeded key is named by a readable bucket");
}

/// The distinct (region, key) pairs readable buckets name.
fn distinct_keys(sandbox: &SandboxHandle) -> BTreeSet<(String, String)> {
    sandbox
        .buckets()
        .into_iter()
        .filter(|b| !b.access_denied)
        .filter_map(|b| {
            let key = b.encryption.as_ref()?.kms_key_id()?.as_str().to_owned();
            Some((b.region.as_str().to_owned(), key))
        })
        .collect()
}

/// The key `id` as `GET /api/v1/keys` lists it.
fn listed<'a>(keys: &'a Value, id: &KmsKeyId) -> &'a Value {
    keys["keys"]
        .as_array()
        .expect("a key list")
        .iter()
        .find(|k| k["key_id"] == id.as_str())
        .unwrap_or_else(|| panic!("key {id} in {keys}"))
}
