//! The OSS-compatible sandbox server used by the demo and the tests.
//!
//! It speaks enough of OSS for the product's client and the official SDKs: ListBuckets (paged,
//! resource groups), Get/Put/DeleteBucketEncryption, GetBucketInfo, GetBucketLocation and
//! GetBucketTagging, with V1 and V4 signature checks, STS tokens, regional endpoints, OSS error
//! documents, and injected latency, faults, throttling and clock skew. Beside OSS it plays STS,
//! Resource Directory and KMS (keys whose state OSS writes honour), and can deny any of these
//! calls to an access key or role. Clients reach it as a forward proxy (`HTTP_PROXY=http://ADDR`
//! with the real endpoint names) or path-style on its own address.

mod access;
mod auth;
mod config;
mod delay;
mod error;
mod estate;
mod faults;
mod handle;
mod handle_kms;
mod keys;
mod kms;
mod ops;
mod routing;
mod rpc;
mod seed;
mod service;
mod state;
mod traffic;
mod xml;

#[cfg(test)]
mod http_tests;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use access::{Denial, SandboxPrincipal};
pub use config::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_LISTEN, DEFAULT_STS_ACCESS_KEY_ID,
    DEFAULT_STS_ACCESS_KEY_SECRET, DEFAULT_STS_SECURITY_TOKEN, SandboxConfig, parse_rate,
};
pub use estate::{DEFAULT_ROLE_NAME, OWNER_ID, SandboxAccount};
pub use handle::SandboxHandle;
pub use handle_kms::SandboxAlias;
pub use state::{
    DEFAULT_RESOURCE_GROUP_ID, RequestKind, SANDBOX_RESOURCE_GROUP_ID, SandboxBucket, StorageClass,
};
pub use traffic::AccountRequests;

use self::access::Denials;
use self::estate::{Estate, EstatePlan};
use self::faults::Faults;
use self::keys::KeyRing;
use self::kms::Kms;
use self::state::SandboxState;

/// The service endpoint clients are pointed at; the sandbox serves every region's host names.
pub const SERVICE_ENDPOINT: &str = "http://oss-cn-hangzhou.aliyuncs.com";
/// The STS endpoint clients are pointed at (through the proxy, so plain http).
pub const STS_ENDPOINT: &str = "http://sts.aliyuncs.com";
/// The Resource Manager (Resource Directory) endpoint clients are pointed at.
pub const RESOURCEMANAGER_ENDPOINT: &str = "http://resourcemanager.aliyuncs.com";

/// Why the sandbox could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("invalid sandbox setting: {0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the sandbox server failed: {0}")]
    Serve(std::io::Error),
}

/// Seeds the buckets, binds the listener (port 0 picks a free port) and serves in a task.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    config.validate().map_err(SandboxError::Config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(SandboxError::Serve)?;
    let estate = Estate::new(&EstatePlan {
        accounts: config.accounts,
        role_name: config.role_name.clone(),
        external_id: config.external_id.clone(),
        untrusted_roles: config.untrusted_roles,
    });
    let owners: Vec<_> = estate.accounts().iter().map(|a| a.uid.clone()).collect();
    let mut buckets = seed::estate_population(&owners, config.buckets, config.seed);
    if let Some(keys) = config.kms_keys {
        kms::share_keys(&mut buckets, keys);
    }
    let (keys, aliases) = kms::seeded(&buckets);
    let state = SandboxState::new(
        buckets,
        Faults::new(config.fault_rate, config.throttle_rate),
        Duration::from_millis(config.latency_ms),
        config.clock_offset_secs,
        KeyRing::new(config.credentials(), config.sts_credentials()),
    )
    .with_estate(estate)
    .with_kms_and_denials(Kms::new(keys, aliases), Denials::new(config.deny.clone()));
    state.set_sts_duration_secs(config.sts_duration_secs);
    state.set_accept_unknown_kms_keys(config.accept_unknown_kms_keys);
    let state = Arc::new(state);
    let router = axum::Router::new()
        .fallback(service::handle)
        .with_state(Arc::clone(&state));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // Small request/response exchanges must not wait for Nagle's algorithm.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                // A dropped sender (handle dropped) stops the server too.
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, accounts = config.accounts, buckets = config.buckets, seed = config.seed, "OSS sandbox listening");
    Ok(SandboxHandle::new(addr, state, stop, task))
}

/// `oss-audit sandbox`: starts the sandbox, prints how to use it, serves until Ctrl-C or SIGTERM.
pub async fn run(config: SandboxConfig) -> Result<(), SandboxError> {
    let handle = start(config.clone()).await?;
    let credentials = handle.credentials();
    let sts = handle.sts_credentials();
    let token = sts
        .security_token
        .as_ref()
        .map(|t| t.expose())
        .unwrap_or_default();
    // Printing the keys is deliberate: they are the sandbox's fixed demo keys and open nothing else.
    println!("OSS sandbox listening on {}", handle.local_addr());
    println!(
        "  buckets: {} (seed {})",
        handle.buckets().len(),
        config.seed
    );
    println!("  AccessKeyId:     {}", credentials.access_key_id);
    println!(
        "  AccessKeySecret: {}",
        credentials.access_key_secret.expose()
    );
    println!("  STS AccessKeyId:     {}", sts.access_key_id);
    println!("  STS AccessKeySecret: {}", sts.access_key_secret.expose());
    println!("  STS SecurityToken:   {token}");
    println!("Point a client at it with:");
    println!("  export OSS_ENDPOINT={SERVICE_ENDPOINT}");
    println!("  export HTTP_PROXY={}", handle.proxy_url());
    println!("  export OSS_ACCESS_KEY_ID={}", credentials.access_key_id);
    println!(
        "  export OSS_ACCESS_KEY_SECRET={}",
        credentials.access_key_secret.expose()
    );
    println!(
        "(or path-style on {} directly). Ctrl-C stops it.",
        handle.proxy_url()
    );
    print_estate(&handle);
    print_kms(&handle);
    crate::signal::stop_requested().await;
    tracing::info!("stopping the OSS sandbox");
    handle.shutdown().await;
    Ok(())
}

/// With more than one account: the accounts, their roles and the STS and Resource Directory
/// endpoints.
fn print_estate(handle: &SandboxHandle) {
    let accounts = handle.accounts();
    if accounts.len() < 2 {
        return;
    }
    println!("Accounts (the first is the hub, the keys' own account):");
    for account in &accounts {
        let trust = if account.trusts_hub {
            "trusts the hub"
        } else {
            "refuses the hub"
        };
        let external_id = account
            .external_id
            .as_ref()
            .map(|id| format!(", ExternalId {id}"))
            .unwrap_or_default();
        println!(
            "  {} {:<18} {} ({trust}{external_id})",
            account.uid, account.display_name, account.role_arn
        );
    }
    println!(
        "  STS: {STS_ENDPOINT}   Resource Directory: {RESOURCEMANAGER_ENDPOINT} (through the proxy)"
    );
}

/// The seeded KMS keys' count and aliases, and the permissions denied.
fn print_kms(handle: &SandboxHandle) {
    let keys = handle.kms_keys();
    let aliases = handle.kms_aliases();
    println!(
        "KMS: {} keys at http://kms.<region>.aliyuncs.com (through the proxy); aliases:",
        keys.len()
    );
    for alias in &aliases {
        println!(
            "  {} -> {} ({}, account {})",
            alias.name,
            alias.key_id,
            alias.region,
            alias.account.as_str()
        );
    }
    for denial in handle.denials() {
        println!("  denied: {denial}");
    }
}
