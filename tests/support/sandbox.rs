//! Sandboxes on port 0, clients pointed at them through their forward proxy, and the questions
//! tests ask of what a sandbox holds.

use std::time::Duration;

use oss_audit::oss::{ClientConfig, OssClient, RetryPolicy};
use oss_audit::sandbox::{self, SandboxBucket, SandboxConfig, SandboxHandle};

/// The seed of every sandbox a test does not seed itself.
pub const SEED: u64 = 7;

/// Starts a sandbox with `buckets` seeded buckets on a free port.
pub async fn sandbox(buckets: usize) -> SandboxHandle {
    seeded_sandbox(buckets, SEED).await
}

/// Starts a sandbox with `buckets` buckets drawn from `seed`: the same seed, the same buckets.
pub async fn seeded_sandbox(buckets: usize, seed: u64) -> SandboxHandle {
    sandbox::start(SandboxConfig::for_tests(buckets, seed))
        .await
        .expect("sandbox starts")
}

/// A client for `sandbox` with fast retries, adjusted by `tweak`.
pub fn client(sandbox: &SandboxHandle, tweak: impl FnOnce(&mut ClientConfig)) -> OssClient {
    let mut config = sandbox.client_config();
    config.retry = RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(50),
    };
    tweak(&mut config);
    OssClient::new(config).expect("client builds")
}

/// A bucket our keys may read that holds no default encryption rule.
pub fn readable_unencrypted(bucket: &SandboxBucket) -> bool {
    !bucket.access_denied && bucket.encryption.is_none()
}

/// A bucket our keys may read that holds a default encryption rule.
pub fn readable_encrypted(bucket: &SandboxBucket) -> bool {
    !bucket.access_denied && bucket.encryption.is_some()
}
