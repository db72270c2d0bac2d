//! How many GetBucketEncryption calls per second the client sustains against the sandbox, with 64
//! requests in flight, at 0 ms and 20 ms of injected latency. Prints the figures.
//!
//! Run: `cargo bench -p server --bench client_throughput`

use std::time::Instant;

use futures_util::{StreamExt, stream};
use oss_audit::oss::{BucketAddress, OssClient};
use oss_audit::sandbox::{self, SandboxConfig};

const IN_FLIGHT: usize = 64;
const BUCKETS: usize = 1000;

async fn measure(latency_ms: u64, calls: usize) -> f64 {
    let mut config = SandboxConfig::for_tests(BUCKETS, 42);
    config.latency_ms = latency_ms;
    let sandbox = sandbox::start(config).await.expect("sandbox starts");
    let client = OssClient::new(sandbox.client_config()).expect("client builds");
    let addresses: Vec<BucketAddress> = client
        .list_all_buckets(None, None)
        .await
        .expect("list")
        .iter()
        .map(BucketAddress::from)
        .collect();
    // Warm the connection pool so the figure is the steady state.
    run(&client, &addresses, IN_FLIGHT * 2).await;
    let started = Instant::now();
    let ok = run(&client, &addresses, calls).await;
    let elapsed = started.elapsed();
    assert_eq!(ok, calls, "every call got an answer");
    sandbox.shutdown().await;
    calls as f64 / elapsed.as_secs_f64()
}

/// Sends `calls` GetBucketEncryption requests, 64 at a time; returns how many got an answer
/// (a rule, no rule, or AccessDenied for the denied buckets).
async fn run(client: &OssClient, addresses: &[BucketAddress], calls: usize) -> usize {
    stream::iter(addresses.iter().cycle().take(calls))
        .map(|address| async move {
            match client.get_bucket_encryption(address).await {
                Ok(_) => true,
                Err(err) => err.code() == Some("AccessDenied"),
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    for (latency_ms, calls) in [(0, 20_000), (20, 10_000)] {
        let rate = measure(latency_ms, calls).await;
        let bound = if latency_ms == 0 {
            String::new()
        } else {
            let ideal = IN_FLIGHT as f64 * 1000.0 / latency_ms as f64;
            format!(
                " (latency bound {ideal:.0}/s, {:.0}% of it)",
                rate / ideal * 100.0
            )
        };
        println!(
            "GetBucketEncryption, {IN_FLIGHT} in flight, sandbox latency {latency_ms} ms: {rate:.0} calls/s over {calls} calls{bound}"
        );
    }
}
