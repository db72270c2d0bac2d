//! `--max-rps` applies to each account on its own, as OSS limits each account's request rate:
//! accounts scanned at once each stay under the limit, together well over it.

use std::collections::HashMap;

use super::part;
use crate::support::TestApp;

#[tokio::test]
async fn each_account_keeps_its_own_rate_limit_while_accounts_are_scanned_at_once() {
    let app = TestApp::launch()
        .buckets(150)
        .estate(3, |c| c.latency_ms = 5)
        .max_rps(25)
        .pace(3, 8)
        .members()
        .start()
        .await;
    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "completed", "{scan}");
    let accounts = app.sandbox.accounts();
    let mut busy_seconds: HashMap<i64, usize> = HashMap::new();
    for account in &accounts {
        let traffic = app.sandbox.requests_of(&account.uid);
        assert!(
            traffic.total > 150,
            "{}: {} requests",
            account.display_name,
            traffic.total
        );
        // The limiter spaces requests 40 ms apart: at most 25 start in any second (one more when
        // the seconds cut the spacing unevenly).
        assert!(
            traffic.peak_per_second() <= 26,
            "{} sent {} requests in one second: {:?}",
            account.display_name,
            traffic.peak_per_second(),
            traffic.per_second
        );
        for (second, requests) in &traffic.per_second {
            if *requests >= 15 {
                *busy_seconds.entry(*second).or_default() += 1;
            }
        }
    }
    for name in ["default", "payments-prod", "analytics-dev"] {
        assert_eq!(part(&scan, name)["status"], "completed");
    }
    // The accounts ran side by side, each near its limit: a limit shared by the estate could not
    // let three accounts send 15 or more requests in the same second.
    assert!(
        busy_seconds.values().any(|accounts| *accounts == 3),
        "the accounts were scanned at once, each at its own rate: {busy_seconds:?}"
    );
}
