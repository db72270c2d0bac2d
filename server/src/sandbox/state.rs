//! The sandbox's shared world: its accounts, buckets, KMS keys, clock, latency, fault settings,
//! access keys, denied permissions and counters.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::access::Denials;
use super::estate::{Estate, hub_uid};
use super::faults::Faults;
use super::keys::KeyRing;
use super::kms::Kms;
use super::traffic::Traffic;
use crate::domain::{AccountUid, BucketName, EncryptionRule, Region};

/// The id of the account's default resource group, shown as `ResourceGroupId` for buckets whose
/// [`SandboxBucket::resource_group_id`] is `None`. Real accounts have an id of this shape.
pub const DEFAULT_RESOURCE_GROUP_ID: &str = "rg-acfmsandbox0default";
/// The non-default resource group some seeded buckets belong to.
pub const SANDBOX_RESOURCE_GROUP_ID: &str = "rg-aek27tc0sandbox";
/// The alias clients send in `x-oss-resource-group-id` to mean "the default group".
pub const DEFAULT_RESOURCE_GROUP_ALIAS: &str = "rg-default-id";
/// How long an RPC `SignatureNonce` is remembered: the 15 minutes a `Timestamp` stays valid.
const NONCE_MEMORY: TimeDelta = TimeDelta::minutes(15);

/// One bucket as the sandbox holds it: the truth that tests compare a client's reads with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxBucket {
    pub name: BucketName,
    pub region: Region,
    /// Always in the past, whole seconds (OSS prints `.000Z`).
    pub creation_date: DateTime<Utc>,
    pub storage_class: StorageClass,
    /// `None` = the account's default resource group (listed as [`DEFAULT_RESOURCE_GROUP_ID`]).
    pub resource_group_id: Option<String>,
    /// The default SSE rule; `None` = GetBucketEncryption answers 404.
    pub encryption: Option<EncryptionRule>,
    /// The caller's RAM policy denies this bucket: encryption calls and GetBucketInfo answer 403
    /// AccessDenied, while ListBuckets still lists it.
    pub access_denied: bool,
    /// The account that owns it: only that account's keys list and read it.
    pub owner: AccountUid,
    /// Its tags (GetBucketTagging; ListBuckets filters on them with `tag-key` and `tag-value`).
    pub tags: BTreeMap<String, String>,
}

impl SandboxBucket {
    /// A readable, unencrypted Standard bucket in the default resource group, created 2020-01-01.
    pub fn new(name: BucketName, region: Region) -> Self {
        Self {
            name,
            region,
            creation_date: DateTime::from_timestamp(1_577_836_800, 0).unwrap_or_default(),
            storage_class: StorageClass::Standard,
            resource_group_id: None,
            encryption: None,
            access_denied: false,
            owner: hub_uid(),
            tags: BTreeMap::new(),
        }
    }

    /// The resource group id OSS would print for this bucket.
    pub fn resource_group_shown(&self) -> &str {
        self.resource_group_id
            .as_deref()
            .unwrap_or(DEFAULT_RESOURCE_GROUP_ID)
    }
}

/// The `StorageClass` values OSS reports for buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageClass {
    Standard,
    /// Infrequent Access.
    Ia,
    Archive,
    ColdArchive,
    DeepColdArchive,
}

impl StorageClass {
    /// The value OSS uses on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "Standard",
            Self::Ia => "IA",
            Self::Archive => "Archive",
            Self::ColdArchive => "ColdArchive",
            Self::DeepColdArchive => "DeepColdArchive",
        }
    }
}

/// What a request asked for, as counted by [`super::SandboxHandle::requests_served_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    ListBuckets,
    GetBucketEncryption,
    PutBucketEncryption,
    DeleteBucketEncryption,
    GetBucketInfo,
    GetBucketLocation,
    GetBucketTagging,
    /// STS AssumeRole.
    AssumeRole,
    /// Resource Directory ListAccounts.
    ListAccounts,
    /// KMS DescribeKey.
    DescribeKey,
    /// Anything else: unsupported operations and RPC actions, object requests, malformed hosts.
    Other,
}

impl RequestKind {
    /// Every kind, in counter order.
    pub const ALL: [Self; 11] = [
        Self::ListBuckets,
        Self::GetBucketEncryption,
        Self::PutBucketEncryption,
        Self::DeleteBucketEncryption,
        Self::GetBucketInfo,
        Self::GetBucketLocation,
        Self::GetBucketTagging,
        Self::AssumeRole,
        Self::ListAccounts,
        Self::DescribeKey,
        Self::Other,
    ];

    /// The OSS API name, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ListBuckets => "ListBuckets",
            Self::GetBucketEncryption => "GetBucketEncryption",
            Self::PutBucketEncryption => "PutBucketEncryption",
            Self::DeleteBucketEncryption => "DeleteBucketEncryption",
            Self::GetBucketInfo => "GetBucketInfo",
            Self::GetBucketLocation => "GetBucketLocation",
            Self::GetBucketTagging => "GetBucketTagging",
            Self::AssumeRole => "AssumeRole",
            Self::ListAccounts => "ListAccounts",
            Self::DescribeKey => "DescribeKey",
            Self::Other => "Other",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Request and fault counters, readable while the server runs.
#[derive(Debug, Default)]
struct Counters {
    by_kind: [AtomicU64; RequestKind::ALL.len()],
    faults: AtomicU64,
    /// OSS requests refused with SecurityTokenExpired.
    expired_tokens: AtomicU64,
    /// ListBuckets requests filtered by a tag (`tag-key`).
    tag_listings: AtomicU64,
}

/// Everything the request handler shares; one instance per sandbox, behind an `Arc`.
#[derive(Debug)]
pub(crate) struct SandboxState {
    /// Buckets by name; a `BTreeMap` because ListBuckets pages in name order. Locks are never held
    /// across an `.await`.
    buckets: RwLock<BTreeMap<String, SandboxBucket>>,
    /// Fault and throttle rates, changeable at run time.
    pub(crate) faults: Faults,
    /// Delay before every answer, in milliseconds.
    latency_ms: AtomicU64,
    /// ListBuckets answers left before every further one fails (tests of a broken-off listing).
    list_pages_left: AtomicU64,
    /// How far the sandbox clock runs from real time, in seconds.
    clock_offset_secs: AtomicI64,
    /// The access keys the sandbox accepts.
    pub(crate) keys: KeyRing,
    /// RAM actions denied to access keys and roles.
    pub(crate) denials: Denials,
    /// Every account's KMS keys and aliases.
    pub(crate) kms: Kms,
    /// PutBucketEncryption takes a KMS key the sandbox never heard of (tests that name made-up
    /// keys); known keys are checked either way.
    accept_unknown_kms_keys: AtomicBool,
    /// The accounts and their roles; the hub alone unless `--accounts` says more.
    estate: RwLock<Estate>,
    /// Every credential STS issues lasts this many seconds, whatever was asked (0: as asked).
    sts_duration_secs: AtomicU64,
    /// RPC `SignatureNonce`s seen, with when, to refuse a replayed request.
    nonces: Mutex<HashMap<String, DateTime<Utc>>>,
    /// OSS requests per account and second.
    pub(crate) traffic: Traffic,
    counters: Counters,
}

/// A clock offset beyond this (about 100 years) is clamped, so date arithmetic cannot overflow.
const MAX_CLOCK_OFFSET_SECS: i64 = 100 * 366 * 24 * 3600;

impl SandboxState {
    pub(crate) fn new(
        buckets: Vec<SandboxBucket>,
        faults: Faults,
        latency: Duration,
        clock_offset_secs: i64,
        keys: KeyRing,
    ) -> Self {
        let state = Self {
            buckets: RwLock::new(BTreeMap::new()),
            faults,
            latency_ms: AtomicU64::new(0),
            list_pages_left: AtomicU64::new(u64::MAX),
            clock_offset_secs: AtomicI64::new(0),
            keys,
            denials: Denials::default(),
            kms: Kms::default(),
            accept_unknown_kms_keys: AtomicBool::new(false),
            estate: RwLock::new(Estate::single()),
            sts_duration_secs: AtomicU64::new(0),
            nonces: Mutex::new(HashMap::new()),
            traffic: Traffic::default(),
            counters: Counters::default(),
        };
        state.set_latency(latency);
        state.set_clock_offset_secs(clock_offset_secs);
        {
            let mut map = state.write();
            for bucket in buckets {
                map.insert(bucket.name.as_str().to_owned(), bucket);
            }
        }
        state
    }

    /// The state with `estate` as its accounts.
    pub(crate) fn with_estate(self, estate: Estate) -> Self {
        *self.estate.write().unwrap_or_else(PoisonError::into_inner) = estate;
        self
    }

    /// The state with `kms` as its keys and `denials` in force.
    pub(crate) fn with_kms_and_denials(mut self, kms: Kms, denials: Denials) -> Self {
        self.kms = kms;
        self.denials = denials;
        self
    }

    /// Whether PutBucketEncryption takes KMS keys the sandbox never heard of.
    pub(crate) fn accepts_unknown_kms_keys(&self) -> bool {
        self.accept_unknown_kms_keys.load(Ordering::Relaxed)
    }

    pub(crate) fn set_accept_unknown_kms_keys(&self, accept: bool) {
        self.accept_unknown_kms_keys
            .store(accept, Ordering::Relaxed);
    }

    /// Read access to the accounts (poisoning as for [`Self::read`]).
    pub(crate) fn estate(&self) -> RwLockReadGuard<'_, Estate> {
        self.estate.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Write access to the accounts.
    pub(crate) fn estate_mut(&self) -> RwLockWriteGuard<'_, Estate> {
        self.estate.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long STS credentials last: `asked` unless an override is set.
    pub(crate) fn sts_duration_secs(&self, asked: u64) -> u64 {
        match self.sts_duration_secs.load(Ordering::Relaxed) {
            0 => asked,
            forced => forced,
        }
    }

    /// Makes every credential STS issues from now on last `secs` (`None`: as asked).
    pub(crate) fn set_sts_duration_secs(&self, secs: Option<u64>) {
        self.sts_duration_secs
            .store(secs.unwrap_or(0), Ordering::Relaxed);
    }

    /// Records an RPC nonce; `false` if it was already used within the last 15 minutes.
    pub(crate) fn first_use_of_nonce(&self, nonce: &str, now: DateTime<Utc>) -> bool {
        let mut nonces = self.nonces.lock().unwrap_or_else(PoisonError::into_inner);
        if nonces.len() > 10_000 {
            nonces.retain(|_, seen| *seen + NONCE_MEMORY > now);
        }
        match nonces.get(nonce) {
            Some(seen) if *seen + NONCE_MEMORY > now => false,
            _ => {
                nonces.insert(nonce.to_owned(), now);
                true
            }
        }
    }

    /// Read access to the buckets. A poisoned lock is still usable: every write is a single
    /// insert/remove/field update, so a panicking writer cannot leave a half-made bucket.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, SandboxBucket>> {
        self.buckets.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Write access to the buckets (see [`Self::read`] about poisoning).
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, SandboxBucket>> {
        self.buckets.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of one bucket.
    pub(crate) fn bucket(&self, name: &str) -> Option<SandboxBucket> {
        self.read().get(name).cloned()
    }

    /// Applies `change` to one bucket; `false` when there is no such bucket.
    pub(crate) fn update(&self, name: &str, change: impl FnOnce(&mut SandboxBucket)) -> bool {
        match self.write().get_mut(name) {
            Some(bucket) => {
                change(bucket);
                true
            }
            None => false,
        }
    }

    /// The sandbox clock: real time plus the configured offset.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let real = Utc::now();
        let offset = TimeDelta::try_seconds(self.clock_offset_secs.load(Ordering::Relaxed))
            .unwrap_or_default();
        real.checked_add_signed(offset).unwrap_or(real)
    }

    pub(crate) fn set_clock_offset_secs(&self, secs: i64) {
        let clamped = secs.clamp(-MAX_CLOCK_OFFSET_SECS, MAX_CLOCK_OFFSET_SECS);
        self.clock_offset_secs.store(clamped, Ordering::Relaxed);
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms.load(Ordering::Relaxed))
    }

    pub(crate) fn set_list_pages_left(&self, pages: u64) {
        self.list_pages_left.store(pages, Ordering::Relaxed);
    }

    /// Takes one ListBuckets answer from the allowance; `false` once it is spent.
    pub(crate) fn take_list_page(&self) -> bool {
        self.list_pages_left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        let ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    /// Counts one received request of `kind`.
    pub(crate) fn count_request(&self, kind: RequestKind) {
        self.counters.by_kind[kind.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one injected fault (503).
    /// Counts a ListBuckets request filtered by a tag.
    pub(crate) fn count_tag_listing(&self) {
        self.counters.tag_listings.fetch_add(1, Ordering::Relaxed);
    }

    /// ListBuckets requests filtered by a tag so far.
    pub(crate) fn tag_listings(&self) -> u64 {
        self.counters.tag_listings.load(Ordering::Relaxed)
    }

    pub(crate) fn count_fault(&self) {
        self.counters.faults.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one OSS request refused for an expired security token.
    pub(crate) fn count_expired_token(&self) {
        self.counters.expired_tokens.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn expired_tokens(&self) -> u64 {
        self.counters.expired_tokens.load(Ordering::Relaxed)
    }

    pub(crate) fn requests_served(&self) -> u64 {
        RequestKind::ALL
            .iter()
            .map(|kind| self.requests_served_by(*kind))
            .sum()
    }

    pub(crate) fn requests_served_by(&self, kind: RequestKind) -> u64 {
        self.counters.by_kind[kind.index()].load(Ordering::Relaxed)
    }

    pub(crate) fn faults_injected(&self) -> u64 {
        self.counters.faults.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_kinds_index_their_own_counter() {
        for (i, kind) in RequestKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i, "{kind:?}");
        }
    }

    #[test]
    fn the_clock_offset_is_clamped_instead_of_overflowing() {
        let state = SandboxState::new(
            Vec::new(),
            Faults::new(0.0, 0.0),
            Duration::ZERO,
            i64::MAX,
            KeyRing::for_tests(),
        );
        assert!(state.now() > Utc::now() + TimeDelta::days(365 * 50));
        state.set_clock_offset_secs(-3600);
        let skew = Utc::now() - state.now();
        assert!((3595..=3605).contains(&skew.num_seconds()), "{skew}");
    }
}
