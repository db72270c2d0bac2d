//! The scheduler's single step against a real store and sandbox.

use std::time::Duration;

use oss_audit::domain::Trigger;
use oss_audit::scan::schedule::{Step, run_due_scan};
use oss_audit::scan::{ScanOptions, ScanProgress};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::support::Audit;

async fn step(audit: &Audit, interval: Duration) -> Step {
    let (progress, _) = watch::channel(ScanProgress::default());
    run_due_scan(
        &audit.scanner,
        &audit.store,
        interval,
        ScanOptions {
            concurrency: 8,
            ..ScanOptions::new(Trigger::Schedule)
        },
        progress,
        CancellationToken::new(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_scan_is_due_on_a_fresh_database_then_not_until_the_interval_passes() {
    let audit = Audit::new(20).await;
    let hour = Duration::from_secs(3600);
    assert!(matches!(step(&audit, hour).await, Step::Ran(Ok(_))));
    match step(&audit, hour).await {
        Step::NotDue(wait) => assert!(wait > Duration::from_secs(3500), "{wait:?}"),
        other => panic!("expected NotDue, got {other:?}"),
    }
    // With a short interval the next step scans again.
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert!(matches!(
        step(&audit, Duration::from_millis(10)).await,
        Step::Ran(Ok(_))
    ));
    assert_eq!(audit.rows("scan").await, 2);
}

#[tokio::test]
async fn a_failed_listing_is_recorded_and_waits_for_the_next_interval() {
    let audit = Audit::with_client(5, |c| c.retry.max_attempts = 1).await;
    audit.sandbox.set_fault_rate(1.0);
    match step(&audit, Duration::from_secs(3600)).await {
        Step::Ran(Err(oss_audit::scan::ScanError::Failed { .. })) => {}
        other => panic!("expected a failed listing, got {other:?}"),
    }
    audit.sandbox.set_fault_rate(0.0);
    assert!(matches!(
        step(&audit, Duration::from_secs(3600)).await,
        Step::NotDue(_)
    ));
    let status: String = sqlx::query_scalar("SELECT status FROM scan")
        .fetch_one(audit.db.pool().await)
        .await
        .unwrap();
    assert_eq!(status, "failed");
}
