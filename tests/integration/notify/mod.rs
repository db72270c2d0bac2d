//! Notifications end to end: real receivers on loopback, real SQLite files, scans against the
//! sandbox. Signatures are checked the way a receiver would check them (HMAC computed by the
//! harness, not by the code under test).

mod changes;
mod cli;
mod delivery;
mod events;
mod pages;

use std::time::Duration;

use oss_audit::domain::{AccountId, BucketName, EncryptionRule, Event, Region, TargetId};
use oss_audit::notify::{self, Deliverer, DeliveryConfig};
use oss_audit::sandbox::SandboxBucket;
use oss_audit::store::Store;
use sqlx::SqlitePool;

use crate::support::{Audit, TestApp, TestDb, add_target, open_store};

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
    // The receivers listen on loopback.
    config.receivers.allow_private = true;
    config
}

/// The application on an empty sandbox, linking to [`DASHBOARD`] and retrying deliveries fast.
pub async fn notifying_app() -> TestApp {
    TestApp::launch()
        .public_url(DASHBOARD)
        .fast_notifications()
        .start()
        .await
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
    /// The test's own connection to the database, to read the deliveries.
    pool: SqlitePool,
    _db: Option<TestDb>,
}

impl Outbox {
    /// A fresh database.
    pub async fn new(tweak: impl FnOnce(&mut DeliveryConfig)) -> Self {
        let db = TestDb::new();
        let (store, account) = open_store(&db).await;
        let mut outbox = Self::build(store, account, db.pool().await.clone(), tweak);
        outbox._db = Some(db);
        outbox
    }

    /// Over an audit's store.
    pub async fn over(audit: &Audit, tweak: impl FnOnce(&mut DeliveryConfig)) -> Self {
        let pool = audit.db.pool().await.clone();
        Self::build(audit.store.clone(), audit.account, pool, tweak)
    }

    fn build(
        store: Store,
        account: AccountId,
        pool: SqlitePool,
        tweak: impl FnOnce(&mut DeliveryConfig),
    ) -> Self {
        let mut config = fast_delivery();
        tweak(&mut config);
        let deliverer = Deliverer::new(store.clone(), config).expect("client builds");
        Self {
            store,
            account,
            deliverer,
            pool,
            _db: None,
        }
    }

    /// Adds a target as an admin would.
    pub async fn add(&self, kind: &str, name: &str, url: &str, secret: &str) -> TargetId {
        add_target(&self.store, self.account, kind, name, url, secret).await
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
        deliveries(&self.pool).await
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

/// Every delivery in the database of `pool`, oldest first.
pub async fn deliveries(pool: &SqlitePool) -> Vec<Delivery> {
    sqlx::query_as(
        "SELECT t.name AS target, d.event_type, d.status, d.attempts, d.last_error
         FROM notification_delivery d JOIN notification_target t ON t.id = d.target_id ORDER BY d.id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}
