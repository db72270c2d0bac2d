//! `Audit`: the audit engine without the web (a store and a scanner over a sandbox), for tests
//! of steps; and the store of a bare database.

use oss_audit::actions::targets;
use oss_audit::cloud::AccountClients;
use oss_audit::domain::{AccountId, Actor, NewTarget, TargetId, TargetInput, Trigger};
use oss_audit::notify::ReceiverPolicy;
use oss_audit::oss::{ClientConfig, OssClient};
use oss_audit::sandbox::SandboxHandle;
use oss_audit::scan::{ScanError, ScanOptions, ScanOutcome, ScanProgress, Scanner};
use oss_audit::store::Store;
use oss_audit::view::BucketView;
use tokio_util::sync::CancellationToken;

use super::db::TestDb;
use super::sandbox::{client, sandbox, sandbox_sts};

/// The endpoint a bare store's account is recorded with.
const ENDPOINT: &str = "https://oss-cn-hangzhou.aliyuncs.com";

/// Opens (and migrates) the store on `db`, as the application does, with its account.
pub async fn open_store(db: &TestDb) -> (Store, AccountId) {
    open_store_for(db, ENDPOINT).await
}

async fn open_store_for(db: &TestDb, endpoint: &str) -> (Store, AccountId) {
    let hub = oss_audit::startup::default_account_name();
    oss_audit::startup::open_store(&db.url, &hub, endpoint)
        .await
        .expect("store opens")
}

/// A notification target as a form or the environment gives it.
pub fn new_target(kind: &str, name: &str, url: &str, secret: &str) -> NewTarget {
    NewTarget::parse(&TargetInput {
        kind,
        name,
        url,
        secret,
    })
    .expect("a valid target")
}

/// Adds a notification target as the admin `ada` would, on a server that lets receivers be on
/// loopback (the tests' receivers are): also how a test stores a target whose name resolved to a
/// public address when it was saved and resolves inward now.
pub async fn add_target(
    store: &Store,
    account: AccountId,
    kind: &str,
    name: &str,
    url: &str,
    secret: &str,
) -> TargetId {
    let local = ReceiverPolicy {
        allow_private: true,
    };
    let target = local
        .admit(new_target(kind, name, url, secret))
        .await
        .expect("a receiver on any address is admitted");
    targets::add(store, account, &target, &Actor::user("ada"))
        .await
        .expect("target added")
}

/// A scanner of the estate in `store`, whose hub is reached with `client` and whose members'
/// roles are assumed through the sandbox's STS with the same client settings.
pub fn scanner(client: OssClient, store: Store, hub: AccountId) -> Scanner {
    let sts = sandbox_sts(client.config());
    Scanner::new(store, AccountClients::new(client, sts), hub)
}

/// An audit set-up: sandbox, database, store, hub account and scanner.
pub struct Audit {
    pub sandbox: SandboxHandle,
    pub db: TestDb,
    pub store: Store,
    /// The hub: the sandbox keys' own account.
    pub account: AccountId,
    pub scanner: Scanner,
}

impl Audit {
    /// Over a sandbox of `buckets` seeded buckets, with the harness's client.
    pub async fn new(buckets: usize) -> Self {
        Self::with_client(buckets, |_| {}).await
    }

    /// Over a sandbox of `buckets` seeded buckets, with the client adjusted by `tweak`.
    pub async fn with_client(buckets: usize, tweak: impl FnOnce(&mut ClientConfig)) -> Self {
        let sandbox = sandbox(buckets).await;
        let client = client(&sandbox, tweak);
        let db = TestDb::new();
        let (store, account) = open_store_for(&db, client.config().endpoint.as_str()).await;
        let scanner = scanner(client, store.clone(), account);
        Self {
            sandbox,
            db,
            store,
            account,
            scanner,
        }
    }

    /// Runs one scan to completion.
    pub async fn scan(&self) -> ScanOutcome {
        self.try_scan().await.expect("scan completes")
    }

    /// Runs one scan, which may fail.
    pub async fn try_scan(&self) -> Result<ScanOutcome, ScanError> {
        let (progress, _) = tokio::sync::watch::channel(ScanProgress::default());
        let options = ScanOptions {
            concurrency: 32,
            ..ScanOptions::new(Trigger::Cli)
        };
        self.scanner
            .run(options, progress, CancellationToken::new())
            .await
    }

    /// Every present bucket as the JSON outputs show it.
    pub async fn views(&self) -> Vec<BucketView> {
        oss_audit::store::list_current_buckets(&self.store, None)
            .await
            .expect("buckets listed")
            .iter()
            .map(BucketView::from_record)
            .collect()
    }

    /// How many rows `table` holds.
    pub async fn rows(&self, table: &str) -> i64 {
        self.db.rows(table).await
    }
}
