//! Notifications end to end: real receivers on loopback, real SQLite files, scans against the
//! sandbox. Signatures are checked the way a receiver would check them (HMAC computed here, not
//! by the code under test).

mod changes;
mod cli;
mod delivery;
mod events;
mod pages;
mod receiver;

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use oss_audit::domain::{AccountId, BucketName, EncryptionRule, Region, TargetId};
use oss_audit::notify::{self, Deliverer, DeliveryConfig, Event, NewTarget, TargetInput};
use oss_audit::sandbox::SandboxBucket;
use oss_audit::store::Store;
use serde_json::Value;
use sha2::Sha256;

use crate::helpers::TestDb;
pub use receiver::{Receiver, Recorded};

/// The public URL messages link to in these tests.
pub const DASHBOARD: &str = "https://audit.example.test/";

/// Delivery settings for tests: retries after milliseconds, so a test can make retries due by
/// passing a later `now` to `deliver_due` instead of waiting.
pub fn fast_delivery() -> DeliveryConfig {
    let mut config = DeliveryConfig::new(url::Url::parse(DASHBOARD).unwrap());
    config.timing.retry_base = Duration::from_millis(10);
    config.timing.retry_max = Duration::from_millis(100);
    config.timing.max_attempts = 5;
    config.timing.request_timeout = Duration::from_secs(30);
    config.timing.poll_interval = Duration::from_millis(200);
    config
}

/// A sandbox bucket in cn-hangzhou holding `encryption`.
pub fn bucket(name: &str, encryption: Option<EncryptionRule>) -> SandboxBucket {
    let mut bucket = SandboxBucket::new(
        BucketName::parse(name).unwrap(),
        Region::parse("cn-hangzhou").unwrap(),
    );
    bucket.encryption = encryption;
    bucket
}

/// A store and a deliverer over it, driven step by step (no worker running).
pub struct Outbox {
    pub store: Store,
    pub account: AccountId,
    pub deliverer: Deliverer,
    _db: Option<TestDb>,
}

impl Outbox {
    /// A fresh database.
    pub async fn new(tweak: impl FnOnce(&mut DeliveryConfig)) -> Self {
        let db = TestDb::new();
        let (store, account) =
            oss_audit::startup::open_store(&db.url, "https://oss-cn-hangzhou.aliyuncs.com")
                .await
                .expect("store opens");
        let mut outbox = Self::over(store, account, tweak);
        outbox._db = Some(db);
        outbox
    }

    /// Over an existing store (an `Audit`'s).
    pub fn over(store: Store, account: AccountId, tweak: impl FnOnce(&mut DeliveryConfig)) -> Self {
        let mut config = fast_delivery();
        tweak(&mut config);
        let deliverer = Deliverer::new(store.clone(), config).expect("client builds");
        Self {
            store,
            account,
            deliverer,
            _db: None,
        }
    }

    /// Adds a target as an admin would.
    pub async fn add(&self, kind: &str, name: &str, url: &str, secret: &str) -> TargetId {
        let target = NewTarget::parse(&TargetInput {
            kind,
            name,
            url,
            secret,
        })
        .expect("a valid target");
        notify::add_target(&self.store, self.account, &target, "user:ada")
            .await
            .expect("target added")
    }

    /// Queues `event` in its own transaction, as a report or a scan would in theirs.
    pub async fn queue(&self, event: &Event) {
        let mut tx = self.store.begin().await.unwrap();
        notify::enqueue(&mut tx, self.account, event).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// One delivery pass at `now`.
    pub async fn deliver_at(&self, now: chrono::DateTime<chrono::Utc>) -> notify::Pass {
        self.deliverer.deliver_due(now).await.expect("pass runs")
    }

    /// One delivery pass now.
    pub async fn deliver(&self) -> notify::Pass {
        self.deliver_at(chrono::Utc::now()).await
    }

    /// Every delivery: (target name, event type, status, attempts, last error), oldest first.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        deliveries(&self.store).await
    }
}

/// A delivery row as a test reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Delivery {
    pub target: String,
    pub event_type: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

pub async fn deliveries(store: &Store) -> Vec<Delivery> {
    sqlx::query_as(
        "SELECT t.name AS target, d.event_type, d.status, d.attempts, d.last_error
         FROM notification_delivery d JOIN notification_target t ON t.id = d.target_id ORDER BY d.id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
}

/// Checks a generic webhook request as a receiver would: the signature header is
/// `sha256=hex(HMAC-SHA256(secret, "{X-OSS-Audit-Timestamp}.{body}"))`. Returns the body.
pub fn verified_webhook(request: &Recorded, secret: &str) -> Value {
    let timestamp = request.header("x-oss-audit-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        request.header("x-oss-audit-signature"),
        format!("sha256={expected}"),
        "the signature verifies"
    );
    assert_eq!(request.header("content-type"), "application/json");
    request.json()
}

/// Checks DingTalk's signing as DingTalk would: `sign` is base64(HMAC-SHA256(secret,
/// "{timestamp}\n{secret}")), URL-encoded, next to the millisecond `timestamp`.
pub fn verified_dingtalk(request: &Recorded, secret: &str) -> Value {
    let timestamp = request.query("timestamp").expect("a timestamp parameter");
    let millis: i64 = timestamp.parse().expect("milliseconds");
    assert!(
        (chrono::Utc::now().timestamp_millis() - millis).abs() < 3_600_000,
        "DingTalk refuses timestamps more than an hour off"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(request.query("sign").as_deref(), Some(expected.as_str()));
    let encoded: String = url::form_urlencoded::byte_serialize(expected.as_bytes()).collect();
    assert_eq!(
        request.raw_query("sign").as_deref(),
        Some(encoded.as_str()),
        "sign is URL-encoded"
    );
    request.json()
}
