//! Sandboxes on port 0, clients pointed at them through their forward proxy, and the questions
//! tests ask of what a sandbox holds.

use std::time::Duration;

use oss_audit::cloud::{DirectoryClient, StsClient};
use oss_audit::oss::{ClientConfig, OssClient, RetryPolicy};
use oss_audit::sandbox::{
    self, RESOURCEMANAGER_ENDPOINT, STS_ENDPOINT, SandboxBucket, SandboxConfig, SandboxHandle,
};
use url::Url;

/// The seed of every sandbox a test does not seed itself.
pub const SEED: u64 = 7;

/// Starts a sandbox with `buckets` seeded buckets on a free port.
pub async fn sandbox(buckets: usize) -> SandboxHandle {
    seeded_sandbox(buckets, SEED).await
}

/// Starts a sandbox with `buckets` buckets drawn from `seed`: the same seed, the same buckets.
pub async fn seeded_sandbox(buckets: usize, seed: u64) -> SandboxHandle {
    with_test_aliases(
        sandbox::start(SandboxConfig::for_tests(buckets, seed))
            .await
            .expect("sandbox starts"),
    )
}

/// The aliases tests change buckets' encryption to. Changes are refused unless KMS says the key
/// is `Enabled`, so each names a real key of the hub in every seeded region.
pub const TEST_ALIASES: [&str; 9] = [
    "alias/prod",
    "alias/page-test",
    "alias/kept-value",
    "alias/leak-check",
    "alias/audit",
    "alias/fuzz",
    "alias/browser-test-key",
    "alias/x",
    "alias/p",
];

/// The regions the seeded population uses.
const SEEDED_REGIONS: [&str; 7] = [
    "cn-hangzhou",
    "cn-shanghai",
    "cn-beijing",
    "cn-shenzhen",
    "ap-southeast-1",
    "eu-central-1",
    "us-west-1",
];

/// Gives the hub an `Enabled` key behind each of [`TEST_ALIASES`] in every seeded region.
pub fn with_test_aliases(sandbox: SandboxHandle) -> SandboxHandle {
    let hub = sandbox.hub().uid;
    give_test_aliases(&sandbox, &hub);
    sandbox
}

/// Gives `account` an `Enabled` key behind each of [`TEST_ALIASES`] in every seeded region.
fn give_test_aliases(sandbox: &SandboxHandle, account: &oss_audit::domain::AccountUid) {
    for region in SEEDED_REGIONS {
        let region = oss_audit::domain::Region::parse(region).expect("a region");
        let key = sandbox.create_kms_key(account, &region);
        for alias in TEST_ALIASES {
            assert!(sandbox.set_kms_alias(alias, &key.key_id), "{alias}");
        }
    }
}

/// Starts a sandbox of `accounts` accounts (the hub and its Resource Directory's members) with
/// `buckets` buckets each, adjusted by `tweak`.
pub async fn estate(
    accounts: usize,
    buckets: usize,
    tweak: impl FnOnce(&mut SandboxConfig),
) -> SandboxHandle {
    let mut config = SandboxConfig::for_tests(buckets, SEED);
    config.accounts = accounts;
    tweak(&mut config);
    sandbox::start(config).await.expect("sandbox starts")
}

/// Gives the hub and every member an `Enabled` key behind each of [`TEST_ALIASES`] in every
/// seeded region, for tests that change buckets of any account of the estate.
pub fn with_estate_test_aliases(sandbox: SandboxHandle) -> SandboxHandle {
    let sandbox = with_test_aliases(sandbox);
    for member in sandbox.members() {
        give_test_aliases(&sandbox, &member.uid);
    }
    sandbox
}

/// The configuration of a client for `sandbox` (its hub keys, through its proxy) with fast
/// retries.
pub fn fast_config(sandbox: &SandboxHandle) -> ClientConfig {
    let mut config = sandbox.client_config();
    config.retry = RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(50),
    };
    config
}

/// A client for `sandbox` with fast retries, adjusted by `tweak`.
pub fn client(sandbox: &SandboxHandle, tweak: impl FnOnce(&mut ClientConfig)) -> OssClient {
    let mut config = fast_config(sandbox);
    tweak(&mut config);
    OssClient::new(config).expect("client builds")
}

/// The sandbox's STS, called with `config`'s keys (through `config`'s proxy).
pub fn sandbox_sts(config: &ClientConfig) -> StsClient {
    let endpoint = Url::parse(STS_ENDPOINT).expect("STS_ENDPOINT is a URL");
    StsClient::new(endpoint, config).expect("STS client builds")
}

/// The sandbox's Resource Directory, called with `config`'s keys.
pub fn sandbox_directory(config: &ClientConfig) -> DirectoryClient {
    let endpoint = Url::parse(RESOURCEMANAGER_ENDPOINT).expect("RESOURCEMANAGER_ENDPOINT is a URL");
    DirectoryClient::new(endpoint, config).expect("directory client builds")
}

/// A bucket our keys may read that holds no default encryption rule.
pub fn readable_unencrypted(bucket: &SandboxBucket) -> bool {
    !bucket.access_denied && bucket.encryption.is_none()
}

/// A bucket our keys may read that holds a default encryption rule.
pub fn readable_encrypted(bucket: &SandboxBucket) -> bool {
    !bucket.access_denied && bucket.encryption.is_some()
}
