//! Page speed with 100,000 buckets across an estate of 20 accounts: the estate overview, filtered,
//! paged bucket lists (one of them narrowed to an account), the accounts with their last scan,
//! the remediation preview grouped by account and the audit log and scans of one account, timed
//! over HTTP on loopback with a signed-in session (median and p95 of 20 requests each). Prints
//! figures.
//!
//! Run: `cargo bench -p server --bench pages` (add `-- --buckets N` for another inventory size,
//! `-- --accounts N` to spread it over another number of accounts, `-- --keep` to keep the
//! database for EXPLAIN QUERY PLAN).
//! The inventory comes from a real scan of an in-process sandbox estate with no latency (members
//! added by discovery, as `account discover` adds them), so every table (account, bucket,
//! encryption_state, scan, scan parts) is shaped exactly as production fills it.

use std::time::{Duration, Instant};

use oss_audit::actions::{accounts, users};
use oss_audit::auth::password::Password;
use oss_audit::domain::{Actor, Role, RoleName, Trigger, UserName};
use oss_audit::sandbox::{self, RESOURCEMANAGER_ENDPOINT, STS_ENDPOINT, SandboxConfig};
use oss_audit::scan::{ScanOptions, ScanProgress};
use oss_audit::startup::{Application, Settings};
use tokio_util::sync::CancellationToken;

/// The pages timed, and the target each must meet.
const PAGES: [&str; 7] = [
    "/",
    "/buckets?status=unencrypted&region=cn-hangzhou&page=3",
    "/buckets?account=payments-prod&status=unencrypted&page=2",
    "/settings/accounts",
    "/remediate",
    "/audit-log?account=payments-prod",
    "/scans?account=payments-prod",
];
const TARGET: Duration = Duration::from_millis(50);
const REQUESTS: usize = 20;
const PASSWORD: &str = "bench-password-0000";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |n| n.parse().expect("a number"))
}

/// The value at `share` (0..=1) of sorted `times`, nearest rank.
fn percentile(times: &[Duration], share: f64) -> Duration {
    let rank = ((times.len() as f64 * share).ceil() as usize).clamp(1, times.len());
    times[rank - 1]
}

fn csrf_field(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let at = html.find(marker).expect("a csrf_token field") + marker.len();
    html[at..html[at..].find('"').expect("closing quote") + at].to_owned()
}

async fn run(buckets: usize, accounts: usize) {
    let dir = std::env::temp_dir().join(format!("oss-audit-bench-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sandbox = sandbox::start(SandboxConfig {
        accounts,
        ..SandboxConfig::for_tests(buckets / accounts, 42)
    })
    .await
    .expect("sandbox starts");
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let mut settings = Settings::for_tests(url, sandbox.client_config());
    settings.sts_endpoint = url::Url::parse(STS_ENDPOINT).unwrap();
    settings.resourcemanager_endpoint = url::Url::parse(RESOURCEMANAGER_ENDPOINT).unwrap();
    let app = Application::build(settings).await.expect("app builds");
    let store = app.state().store().clone();
    let found = accounts::discover(
        &store,
        app.state().directory(),
        app.state().clients().hub(),
        &RoleName::parse(sandbox::DEFAULT_ROLE_NAME).unwrap(),
        None,
        &Actor::named("bench"),
    )
    .await
    .expect("members discovered");
    assert_eq!(found.added.len(), accounts - 1, "every member added");
    users::add(
        &store,
        None,
        &UserName::parse("bench").unwrap(),
        Role::Operator,
        &[],
        Password::new(PASSWORD).unwrap(),
        &Actor::named("bench"),
    )
    .await
    .expect("user");

    let started = Instant::now();
    let (progress, _) = tokio::sync::watch::channel(ScanProgress::default());
    let options = ScanOptions {
        concurrency: 64,
        accounts_at_once: accounts,
        ..ScanOptions::new(Trigger::Cli)
    };
    let outcome = app
        .state()
        .scanner()
        .run(options, progress, CancellationToken::new())
        .await
        .expect("scan completes");
    println!(
        "inventory: {buckets} buckets in {accounts} accounts scanned in {:.1} s ({outcome:?})",
        started.elapsed().as_secs_f64()
    );
    // The sandbox is no longer needed; its threads would only compete with the server.
    sandbox.shutdown().await;

    let base = format!("http://{}", app.local_addr());
    let stop = CancellationToken::new();
    tokio::spawn(app.run_until_stopped(stop.clone()));
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = http.get(format!("{base}/login")).send().await.unwrap();
    let token = csrf_field(&login.text().await.unwrap());
    let signed_in = http
        .post(format!("{base}/login"))
        .form(&[
            ("username", "bench"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "signed in");

    let mut missed = Vec::new();
    for page in PAGES {
        // Two warm-up requests fill SQLite's page cache and the statement cache, as a running
        // server has them.
        let mut times = Vec::with_capacity(REQUESTS);
        for i in 0..REQUESTS + 2 {
            let started = Instant::now();
            let response = http
                .get(format!("{base}{page}"))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            let elapsed = started.elapsed();
            assert_eq!(status, 200, "{page}: {body}");
            if i >= 2 {
                times.push(elapsed);
            }
        }
        times.sort();
        let (median, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
        println!(
            "{page}: median {:.1} ms, p95 {:.1} ms, min {:.1} ms, max {:.1} ms over {REQUESTS} requests (target < {} ms)",
            ms(median),
            ms(p95),
            ms(times[0]),
            ms(times[times.len() - 1]),
            TARGET.as_millis()
        );
        if p95 >= TARGET {
            missed.push(page);
        }
    }
    stop.cancel();
    if std::env::args().any(|a| a == "--keep") {
        println!("database kept: {}", dir.join("bench.db").display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if missed.is_empty() {
        println!("every page met the {} ms target at p95", TARGET.as_millis());
    } else {
        println!("MISSED the {} ms target: {missed:?}", TARGET.as_millis());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(run(arg("--buckets", 100_000), arg("--accounts", 20)));
}
