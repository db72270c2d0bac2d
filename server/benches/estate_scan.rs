//! The estate scan against a separate sandbox process: 20 accounts of 2,500 buckets each, 20 ms of
//! latency, at most 100 requests per second per account. Prints the wall time against one
//! account's bound (2,500 reads / 100 rps = 25 s: the accounts run side by side, so the estate
//! should take about as long as one account), the scanning process's peak memory, and what an
//! unchanged rescan writes.
//!
//! Run: `cargo bench -p server --bench estate_scan` (add `-- --accounts N --buckets N` for
//! another estate).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_oss-audit");
const LATENCY_MS: u64 = 20;
const MAX_RPS: u64 = 100;
const TARGET_RATIO: f64 = 1.2;
const TARGET_RSS_MB: f64 = 200.0;
const ACCESS_KEY_ID: &str = "LTAI5tSandboxAccessKeyId";
const ACCESS_KEY_SECRET: &str = "SandboxAccessKeySecret000000000000";

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

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |n| n.parse().expect("a number"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_sandbox(accounts: usize, buckets: usize) -> Sandbox {
    let port = free_port();
    let child = Command::new(BIN)
        .args(["sandbox", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--accounts", &accounts.to_string()])
        .args(["--buckets", &buckets.to_string()])
        .args(["--latency-ms", &LATENCY_MS.to_string()])
        .env("OSS_AUDIT_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "sandbox listens");
        std::thread::sleep(Duration::from_millis(50));
    }
    Sandbox {
        child,
        proxy: format!("http://127.0.0.1:{port}"),
    }
}

/// `oss-audit ARGS` against the sandbox and the database at `database_url`.
fn oss_audit(sandbox: &Sandbox, database_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
        .env("OSS_AUDIT_STS_ENDPOINT", "http://sts.aliyuncs.com")
        .env(
            "OSS_AUDIT_RESOURCEMANAGER_ENDPOINT",
            "http://resourcemanager.aliyuncs.com",
        )
        .env("HTTP_PROXY", &sandbox.proxy)
        .env("OSS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("OSS_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET)
        .env("OSS_AUDIT_LOG", "warn");
    command
}

/// Peak resident memory of a process so far, from /proc (kB).
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `oss-audit scan` over every account to completion; returns its wall time and peak RSS in
/// MB.
fn scan(sandbox: &Sandbox, database_url: &str, accounts: usize) -> (Duration, f64) {
    let started = Instant::now();
    let mut child = oss_audit(
        sandbox,
        database_url,
        &[
            "scan",
            "--max-rps",
            &MAX_RPS.to_string(),
            "--scan-accounts",
            &accounts.to_string(),
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("scan starts");
    let mut peak = 0;
    loop {
        if let Some(kb) = peak_rss_kb(child.id()) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "the scan completed");
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (started.elapsed(), peak as f64 / 1024.0)
}

/// The number `sql` selects, read through the library (no sqlite3 shell needed).
fn count(database_url: &str, sql: &str) -> i64 {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(database_url).await.expect("open");
            let n: i64 = sqlx::query_scalar(sql)
                .fetch_one(&pool)
                .await
                .expect("count");
            pool.close().await;
            n
        })
}

fn main() {
    let accounts = arg("--accounts", 20);
    let buckets = arg("--buckets", 2_500);
    let sandbox = start_sandbox(accounts, buckets);
    let dir = std::env::temp_dir().join(format!("oss-audit-bench-estate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("bench.db").display());

    let discovered = oss_audit(
        &sandbox,
        &url,
        &["account", "discover", "--role-name", "oss-audit"],
    )
    .output()
    .expect("discover runs");
    assert!(discovered.status.success(), "{discovered:?}");
    let audited = count(
        &url,
        "SELECT count(*) FROM account WHERE removed_at IS NULL",
    );
    assert_eq!(audited, accounts as i64, "the hub and every member");

    // One account's bound: its reads and its ListBuckets pages at MAX_RPS.
    let pages = buckets.div_ceil(1000);
    let bound = Duration::from_secs_f64((buckets + pages) as f64 / MAX_RPS as f64);
    let (first, first_rss) = scan(&sandbox, &url, accounts);
    let seen = count(&url, "SELECT count(*) FROM bucket WHERE gone_at IS NULL");
    assert_eq!(
        seen,
        (accounts * buckets) as i64,
        "every bucket of every account"
    );
    let rows_before = count(&url, "SELECT count(*) FROM encryption_state");
    let (rescan, rescan_rss) = scan(&sandbox, &url, accounts);
    let rows_after = count(&url, "SELECT count(*) FROM encryption_state");
    let ratio = |wall: Duration| wall.as_secs_f64() / bound.as_secs_f64();
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    println!(
        "{accounts} accounts x {buckets} buckets, {LATENCY_MS} ms latency, {MAX_RPS} rps per account, \
         {accounts} accounts at once"
    );
    println!(
        "first scan {:.2} s: {:.2}x one account's bound of {:.2} s ({} requests / {MAX_RPS} rps; target <= {TARGET_RATIO}x: {}); peak RSS {first_rss:.1} MB (target < {TARGET_RSS_MB} MB: {})",
        first.as_secs_f64(),
        ratio(first),
        bound.as_secs_f64(),
        buckets + pages,
        verdict(ratio(first) <= TARGET_RATIO),
        verdict(first_rss < TARGET_RSS_MB),
    );
    println!(
        "unchanged rescan {:.2} s: {:.2}x ({}); peak RSS {rescan_rss:.1} MB ({}); per-bucket state rows {rows_before} -> {rows_after}: {} written",
        rescan.as_secs_f64(),
        ratio(rescan),
        verdict(ratio(rescan) <= TARGET_RATIO),
        verdict(rescan_rss < TARGET_RSS_MB),
        rows_after - rows_before,
    );
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&dir);
}
