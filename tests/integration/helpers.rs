//! Shared set-up: a sandbox on port 0 and clients pointed at it through its forward proxy.

use std::time::Duration;

use std::process::Output;

use oss_audit::domain::ScanId;
use oss_audit::oss::{ClientConfig, OssClient, RetryPolicy};
use oss_audit::sandbox::{self, SandboxConfig, SandboxHandle};
use oss_audit::startup::{Application, Settings};
use oss_audit::web::AppState;
use tokio_util::sync::CancellationToken;

/// Starts a sandbox with `buckets` seeded buckets on a free port.
pub async fn sandbox(buckets: usize) -> SandboxHandle {
    sandbox::start(SandboxConfig::for_tests(buckets, 7))
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

/// The real application running on port 0 over a sandbox: the parts the test harnesses keep.
pub struct Spawned {
    pub sandbox: SandboxHandle,
    pub db: TestDb,
    pub state: AppState,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Cancel to stop the application.
    pub stop: CancellationToken,
}

/// Builds the application over `sandbox` with a fresh database, fast OSS retries and the test
/// settings adjusted by `tweak`, and runs it until `stop` is cancelled.
pub async fn spawn_app(sandbox: SandboxHandle, tweak: impl FnOnce(&mut Settings)) -> Spawned {
    let db = TestDb::new();
    let mut client = sandbox.client_config();
    client.retry.base_delay = Duration::from_millis(2);
    let mut settings = Settings::for_tests(db.url.clone(), client);
    tweak(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let state = app.state().clone();
    let base = format!("http://{}", app.local_addr());
    let stop = CancellationToken::new();
    tokio::spawn(app.run_until_stopped(stop.clone()));
    Spawned {
        sandbox,
        db,
        state,
        base,
        stop,
    }
}

/// Waits until scan `id` is no longer running and checks that it completed.
pub async fn wait_for_scan(state: &AppState, id: ScanId) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mut conn = state.store().pool().acquire().await.unwrap();
        let scan = oss_audit::store::get_scan(&mut conn, id).await.unwrap();
        if scan.status != "running" {
            assert_eq!(scan.status, "completed", "{scan:?}");
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "scan {id} finishes");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the `oss-audit` binary on `database_url` with no OSS credentials: nothing in its
/// environment but PATH, DATABASE_URL and `env`, and no standard input.
pub async fn oss_audit_offline(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .envs(env.iter().copied())
        .output()
        .await
        .expect("oss-audit runs")
}

/// A command's standard output followed by its standard error.
pub fn output_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A CSV download's header line and rows.
pub fn read_csv(body: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(body);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(Result::unwrap).collect();
    (header, rows)
}

/// A fresh SQLite file for one test (removed when dropped).
pub struct TestDb {
    pub dir: std::path::PathBuf,
    pub url: String,
}

impl TestDb {
    pub fn new() -> Self {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "oss-audit-test-{}-{n}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("audit.db").display());
        Self { dir, url }
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.join("audit.db")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    hasher.finish()
}

/// An audit set-up: sandbox, store, account and scanner.
pub struct Audit {
    pub sandbox: SandboxHandle,
    pub db: TestDb,
    pub store: oss_audit::store::Store,
    pub account: oss_audit::domain::AccountId,
    pub scanner: oss_audit::scan::Scanner,
}

impl Audit {
    pub async fn new(buckets: usize) -> Self {
        Self::with_client(buckets, |_| {}).await
    }

    pub async fn with_client(buckets: usize, tweak: impl FnOnce(&mut ClientConfig)) -> Self {
        let sandbox = sandbox(buckets).await;
        let client = client(&sandbox, tweak);
        let db = TestDb::new();
        let (store, account) =
            oss_audit::startup::open_store(&db.url, client.config().endpoint.as_str())
                .await
                .expect("store opens");
        let scanner = oss_audit::scan::Scanner::new(client, store.clone(), account);
        Self {
            sandbox,
            db,
            store,
            account,
            scanner,
        }
    }

    /// Runs one scan to completion.
    pub async fn scan(&self) -> oss_audit::scan::ScanOutcome {
        self.try_scan().await.expect("scan completes")
    }

    pub async fn try_scan(
        &self,
    ) -> Result<oss_audit::scan::ScanOutcome, oss_audit::scan::ScanError> {
        let (progress, _) = tokio::sync::watch::channel(oss_audit::scan::ScanProgress::default());
        let options = oss_audit::scan::ScanOptions {
            concurrency: 32,
            trigger: oss_audit::scan::Trigger::Cli,
        };
        self.scanner
            .run(
                options,
                progress,
                tokio_util::sync::CancellationToken::new(),
            )
            .await
    }

    /// Every present bucket as the JSON outputs show it.
    pub async fn views(&self) -> Vec<oss_audit::view::BucketView> {
        let mut conn = self.store.pool().acquire().await.unwrap();
        oss_audit::store::list_current_buckets(&mut conn, self.account)
            .await
            .unwrap()
            .iter()
            .map(|r| oss_audit::view::BucketView::from_record(r).unwrap())
            .collect()
    }

    /// A count of rows in `table`.
    pub async fn rows(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }
}
