//! The scan with its key checks against a separate sandbox process with 20 ms of latency: 10,000
//! buckets whose customer-key buckets share 200 keys. Wall time against the latency bound (every
//! read, ListBuckets page and DescribeKey takes the latency, 64 in flight); target ≤ 1.2×.
//! Prints figures.
//!
//! Run: `cargo bench -p server --bench key_checks`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_oss-audit");
const LATENCY_MS: u64 = 20;
const CONCURRENCY: u64 = 64;
const BUCKETS: usize = 10_000;
const KEYS: usize = 200;

struct Sandbox {
    child: Child,
    proxy: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sandbox() -> Sandbox {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new(BIN)
        .args(["sandbox", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--buckets", &BUCKETS.to_string()])
        .args(["--kms-keys", &KEYS.to_string()])
        .args(["--latency-ms", &LATENCY_MS.to_string()])
        .env("OSS_AUDIT_LOG", "warn")
        // As in scan_throughput: one worker for the sandbox leaves the other core to the scan.
        .env("TOKIO_WORKER_THREADS", "1")
        .stdout(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "sandbox listens");
        std::thread::sleep(Duration::from_millis(50));
    }
    Sandbox {
        child,
        proxy: format!("http://127.0.0.1:{port}"),
    }
}

/// Runs `oss-audit scan` to completion; returns its wall time.
fn scan(sandbox: &Sandbox, database_url: &str) -> Duration {
    let started = Instant::now();
    let status = Command::new(BIN)
        .args(["scan", "--concurrency", &CONCURRENCY.to_string()])
        .args(["--max-rps", "0"])
        .env("DATABASE_URL", database_url)
        .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
        .env("HTTP_PROXY", &sandbox.proxy)
        .env("OSS_ACCESS_KEY_ID", "LTAI5tSandboxAccessKeyId")
        .env(
            "OSS_ACCESS_KEY_SECRET",
            "SandboxAccessKeySecret000000000000",
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("scan runs");
    assert!(status.success(), "scan succeeded");
    started.elapsed()
}

/// The number `sql` selects from the scan's database.
fn count(database_url: &str, sql: &str) -> u64 {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(database_url).await.expect("open");
            let n: i64 = sqlx::query_scalar(sql)
                .fetch_one(&pool)
                .await
                .expect("count");
            pool.close().await;
            u64::try_from(n).unwrap_or(0)
        })
}

fn main() {
    let sandbox = start_sandbox();
    let dir = std::env::temp_dir().join(format!("oss-audit-keys-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let first = scan(&sandbox, &url);
    let keys = count(&url, "SELECT count(*) FROM kms_key");
    let dependent = count(
        &url,
        "SELECT count(*) FROM bucket WHERE kms_key_id IS NOT NULL",
    );
    let rescan = scan(&sandbox, &url);
    let pages = BUCKETS.div_ceil(1000) as u64;
    let bound_of =
        |requests: u64| Duration::from_micros(requests * LATENCY_MS * 1000 / CONCURRENCY);
    let with_keys = bound_of(BUCKETS as u64 + pages + keys);
    let without_keys = bound_of(BUCKETS as u64 + pages);
    let ratio = |wall: Duration, bound: Duration| wall.as_secs_f64() / bound.as_secs_f64();
    println!(
        "{BUCKETS} buckets ({dependent} on {keys} customer keys), {LATENCY_MS} ms latency, \
         concurrency {CONCURRENCY}: first scan {:.2} s, latency bound {:.2} s with the key checks: \
         {:.2}x (bound without them {:.2} s: {:.2}x); rescan {:.2} s: {:.2}x",
        first.as_secs_f64(),
        with_keys.as_secs_f64(),
        ratio(first, with_keys),
        without_keys.as_secs_f64(),
        ratio(first, without_keys),
        rescan.as_secs_f64(),
        ratio(rescan, with_keys),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
