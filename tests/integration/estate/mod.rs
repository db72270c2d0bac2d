//! The estate: member accounts reached by AssumeRole through the sandbox's STS, one scan of every
//! account, refused roles, keys renewed mid-scan, per-account rate limits, discovery, the account
//! commands and routes, and reports made before the estate still verifying.

mod accounts;
mod discover;
mod migration;
mod pages;
mod parts;
mod rates;
mod refresh;

use oss_audit::sandbox::{SandboxAccount, SandboxBucket};
use serde_json::Value;

/// The status the API must show for a bucket the sandbox holds.
fn expected_status(bucket: &SandboxBucket) -> &'static str {
    if bucket.access_denied {
        "unknown"
    } else if bucket.encryption.is_some() {
        "encrypted"
    } else {
        "unencrypted"
    }
}

/// Checks that the API's buckets of `account` (named `name`) are exactly the sandbox's buckets
/// of that account, each with its status and the account's name and uid.
fn assert_account_matches(
    name: &str,
    account: &SandboxAccount,
    truth: &[SandboxBucket],
    listed: &[Value],
) {
    let mut names: Vec<&str> = listed.iter().map(|b| b["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = truth.iter().map(|b| b.name.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(names, expected, "the buckets of {name}");
    for bucket in truth {
        let view = listed
            .iter()
            .find(|b| b["name"] == bucket.name.as_str())
            .unwrap();
        assert_eq!(view["status"], expected_status(bucket), "{}", bucket.name);
        assert_eq!(view["account"], name, "{}", bucket.name);
        assert_eq!(view["account_uid"], account.uid.as_str(), "{}", bucket.name);
    }
}

/// The part of account `name` in a scan as the API shows it.
fn part<'a>(scan: &'a Value, name: &str) -> &'a Value {
    scan["accounts"]
        .as_array()
        .expect("the scan's parts")
        .iter()
        .find(|p| p["account"] == name)
        .unwrap_or_else(|| panic!("a part of {name} in {scan}"))
}
