//! `SandboxHandle`: a running sandbox's address, keys, test hooks and shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::SERVICE_ENDPOINT;
use super::estate::SandboxAccount;
use super::state::{RequestKind, SandboxBucket, SandboxState};
use super::traffic::AccountRequests;
use crate::domain::{AccountUid, EncryptionRule, ExternalId, Region};
use crate::oss::{ClientConfig, Credentials};

/// How long [`SandboxHandle::shutdown`] waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox: its address, keys, and test hooks on its state. Dropping it stops the
/// server; [`SandboxHandle::shutdown`] also waits for it.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    /// Shared with the hooks in `handle_kms`.
    pub(super) state: Arc<SandboxState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SandboxHandle {
    pub(super) fn new(
        addr: SocketAddr,
        state: Arc<SandboxState>,
        stop: oneshot::Sender<()>,
        task: JoinHandle<std::io::Result<()>>,
    ) -> Self {
        Self {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The address the sandbox listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the forward proxy to give clients (an unspecified listen
    /// address is reached through loopback).
    pub fn proxy_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => [127, 0, 0, 1].into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}")
    }

    /// The permanent key pair the sandbox accepts.
    pub fn credentials(&self) -> Credentials {
        self.state.keys.access.clone()
    }

    /// The STS triple (id, secret, token) the sandbox accepts.
    pub fn sts_credentials(&self) -> Credentials {
        self.state.keys.sts.clone()
    }

    /// A client configuration that reaches this sandbox: the production endpoint name
    /// ([`SERVICE_ENDPOINT`], region cn-hangzhou, V4) through [`Self::proxy_url`], with the
    /// sandbox's permanent keys, the client's default timeouts and retries, and no rate limit.
    pub fn client_config(&self) -> ClientConfig {
        let region = Region::parse("cn-hangzhou")
            .unwrap_or_else(|_| unreachable!("cn-hangzhou is a region id"));
        let mut config = ClientConfig::new(SERVICE_ENDPOINT, Some(region), self.credentials())
            .unwrap_or_else(|_| unreachable!("SERVICE_ENDPOINT is a bare http host"));
        config.proxy = self.proxy_url().parse().ok();
        config
    }

    /// A copy of one bucket, as the sandbox holds it now.
    pub fn bucket(&self, name: &str) -> Option<SandboxBucket> {
        self.state.bucket(name)
    }

    /// Copies of every bucket, sorted by name (the ListBuckets order).
    pub fn buckets(&self) -> Vec<SandboxBucket> {
        self.state.read().values().cloned().collect()
    }

    /// Adds a bucket, replacing any of the same name.
    pub fn insert_bucket(&self, bucket: SandboxBucket) {
        self.state
            .write()
            .insert(bucket.name.as_str().to_owned(), bucket);
    }

    /// Removes a bucket; returns it if it existed.
    pub fn remove_bucket(&self, name: &str) -> Option<SandboxBucket> {
        self.state.write().remove(name)
    }

    /// Sets (or with `None` removes) a bucket's rule; `false` if there is no such bucket.
    pub fn set_encryption(&self, name: &str, rule: Option<EncryptionRule>) -> bool {
        self.state.update(name, |b| b.encryption = rule)
    }

    /// Sets a bucket's tags (replacing them all); `false` if absent.
    pub fn set_tags(&self, name: &str, tags: &[(&str, &str)]) -> bool {
        let tags = tags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.state.update(name, |b| b.tags = tags)
    }

    /// ListBuckets requests filtered by a tag (`tag-key`) served so far.
    pub fn tag_filtered_listings(&self) -> u64 {
        self.state.tag_listings()
    }

    /// Makes a bucket refuse (or accept) encryption calls and GetBucketInfo; `false` if absent.
    pub fn set_access_denied(&self, name: &str, denied: bool) -> bool {
        self.state.update(name, |b| b.access_denied = denied)
    }

    /// Share of requests answered 503 ServiceUnavailable from now on (clamped to 0..=1).
    pub fn set_fault_rate(&self, rate: f64) {
        self.state.faults.set_fault_rate(rate);
    }

    /// Share of requests answered 503 MetaOperationQpsLimitExceeded from now on (clamped).
    pub fn set_throttle_rate(&self, rate: f64) {
        self.state.faults.set_throttle_rate(rate);
    }

    /// Names `endpoint` as the `ExtranetEndpoint` and `IntranetEndpoint` of bucket `name` in
    /// ListBuckets from now on, as a tampered answer would.
    pub fn forge_listed_endpoint(&self, name: &str, endpoint: &str) {
        self.state.faults.forged.list(name, endpoint);
    }

    /// Answers every request for bucket `name` from now on with a wrong-region 403 whose
    /// `Endpoint` is `endpoint`, as a forged answer would.
    pub fn forge_redirect(&self, name: &str, endpoint: &str) {
        self.state.faults.forged.redirect(name, endpoint);
    }

    /// Delay before every answer from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.state.set_latency(latency);
    }

    /// Answers the next `pages` ListBuckets requests, then fails every further one with 503
    /// ServiceUnavailable: a listing that breaks off part-way.
    pub fn fail_listing_after(&self, pages: u64) {
        self.state.set_list_pages_left(pages);
    }

    /// Delay before every answer from now on, in milliseconds (like `--latency-ms`).
    pub fn set_latency_ms(&self, ms: u64) {
        self.state.set_latency(Duration::from_millis(ms));
    }

    /// Moves the sandbox clock to real time plus `secs` from now on.
    pub fn set_clock_offset_secs(&self, secs: i64) {
        self.state.set_clock_offset_secs(secs);
    }

    /// Requests received so far, of every kind (faulted and refused ones included).
    pub fn requests_served(&self) -> u64 {
        self.state.requests_served()
    }

    /// Requests received so far of one kind.
    pub fn requests_served_by(&self, kind: RequestKind) -> u64 {
        self.state.requests_served_by(kind)
    }

    /// Requests answered with an injected 503 so far.
    pub fn faults_injected(&self) -> u64 {
        self.state.faults_injected()
    }

    /// Every account, the hub first.
    pub fn accounts(&self) -> Vec<SandboxAccount> {
        self.state.estate().accounts().to_vec()
    }

    /// The hub: the account of [`Self::credentials`], the directory's management account.
    pub fn hub(&self) -> SandboxAccount {
        self.state.estate().accounts()[0].clone()
    }

    /// The member accounts (every account but the hub).
    pub fn members(&self) -> Vec<SandboxAccount> {
        self.state.estate().accounts()[1..].to_vec()
    }

    /// Copies of one account's buckets, sorted by name.
    pub fn buckets_of(&self, account: &AccountUid) -> Vec<SandboxBucket> {
        self.state
            .read()
            .values()
            .filter(|b| &b.owner == account)
            .cloned()
            .collect()
    }

    /// Makes an account's role trust the hub or not; `false` if there is no such account.
    pub fn set_role_trust(&self, account: &AccountUid, trusts_hub: bool) -> bool {
        self.change_account(account, |a| a.trusts_hub = trusts_hub)
    }

    /// Sets (or with `None` removes) the ExternalId an account's role requires.
    pub fn set_role_external_id(&self, account: &AccountUid, id: Option<ExternalId>) -> bool {
        self.change_account(account, |a| a.external_id = id)
    }

    /// Lists an account in ListAccounts or not (a member that left the directory).
    pub fn set_in_directory(&self, account: &AccountUid, member: bool) -> bool {
        self.change_account(account, |a| a.in_directory = member)
    }

    /// Sets the `Status` ListAccounts shows for an account, e.g. `PromoteVerifying`.
    pub fn set_member_status(&self, account: &AccountUid, status: &str) -> bool {
        self.change_account(account, |a| a.status = status.to_owned())
    }

    fn change_account(&self, uid: &AccountUid, change: impl FnOnce(&mut SandboxAccount)) -> bool {
        match self.state.estate_mut().account_mut(uid) {
            Some(account) => {
                change(account);
                true
            }
            None => false,
        }
    }

    /// From now on every credential STS issues lasts `secs` (`None`: what AssumeRole asked).
    pub fn set_sts_duration_secs(&self, secs: Option<u64>) {
        self.state.set_sts_duration_secs(secs);
    }

    /// The OSS requests signed with an account's keys so far (faulted and refused ones
    /// included), in total and per second: what a per-account rate limit governs.
    pub fn requests_of(&self, account: &AccountUid) -> AccountRequests {
        self.state.traffic.of(account)
    }

    /// OSS requests refused with SecurityTokenExpired so far.
    pub fn expired_token_refusals(&self) -> u64 {
        self.state.expired_tokens()
    }

    /// Stops accepting connections, lets requests in flight finish (at most 5 s), then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return;
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(err))) => tracing::warn!(error = %err, "the OSS sandbox server failed"),
            Ok(Err(err)) => tracing::warn!(error = %err, "the OSS sandbox server task failed"),
            Err(_) => {
                tracing::warn!(
                    "OSS sandbox connections still open after the grace period; closing them"
                );
                task.abort();
            }
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
