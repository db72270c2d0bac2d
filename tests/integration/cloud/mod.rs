//! The estate's cloud groundwork: RPC signatures judged by an independent signer, STS and Resource
//! Directory against the sandbox (and the official SDK), refreshing assumed-role keys mid-scan.

mod capture;
mod directory;
mod fidelity;
mod malformed;
mod refresh;
mod signing;
mod sts;

use std::time::Duration;

use oss_audit::cloud::{DirectoryClient, StsClient};
use oss_audit::oss::{ClientConfig, RetryPolicy};
use oss_audit::sandbox::{
    self, RESOURCEMANAGER_ENDPOINT, STS_ENDPOINT, SandboxConfig, SandboxHandle,
};
use url::Url;

/// A sandbox of `accounts` accounts with `buckets` buckets each, adjusted by `tweak`.
pub async fn estate(
    accounts: usize,
    buckets: usize,
    tweak: impl FnOnce(&mut SandboxConfig),
) -> SandboxHandle {
    let mut config = SandboxConfig::for_tests(buckets, 11);
    config.accounts = accounts;
    tweak(&mut config);
    sandbox::start(config).await.expect("sandbox starts")
}

/// The sandbox's client configuration (hub keys, through its proxy) with fast retries.
pub fn config(sandbox: &SandboxHandle) -> ClientConfig {
    let mut config = sandbox.client_config();
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    };
    config
}

/// STS of the sandbox, called with `config`'s keys.
pub fn sts(config: &ClientConfig) -> StsClient {
    StsClient::new(Url::parse(STS_ENDPOINT).unwrap(), config).expect("STS client builds")
}

/// Resource Directory of the sandbox, called with `config`'s keys.
pub fn directory(config: &ClientConfig) -> DirectoryClient {
    DirectoryClient::new(Url::parse(RESOURCEMANAGER_ENDPOINT).unwrap(), config)
        .expect("directory client builds")
}
