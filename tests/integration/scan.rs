//! The audit engine against the sandbox over HTTP: every bucket classified, history stored as
//! changes, gone buckets kept, faults survived.

use std::collections::HashMap;

use oss_audit::actions;
use oss_audit::domain::{Actor, EncryptionRule, EncryptionState, Policy, Requirement, judge};
use oss_audit::sandbox::SandboxBucket;
use oss_audit::view::{BucketView, Judgement};

use crate::support::{Audit, readable_unencrypted};

/// Asserts that every stored bucket shows exactly what the sandbox holds.
fn assert_views_match_truth(views: &[BucketView], truth: &[SandboxBucket]) {
    assert_eq!(views.len(), truth.len());
    let by_name: HashMap<&str, &BucketView> = views.iter().map(|v| (v.name.as_str(), v)).collect();
    for bucket in truth {
        let view = by_name[bucket.name.as_str()];
        assert_eq!(view.region, bucket.region.as_str());
        if bucket.access_denied {
            assert_eq!(view.status, "unknown", "{}", bucket.name);
            assert_eq!(view.error_code.as_deref(), Some("AccessDenied"));
            assert_eq!(
                view.compliant, None,
                "unknown is never compliant (nor judged)"
            );
            continue;
        }
        match &bucket.encryption {
            None => {
                assert_eq!(view.status, "unencrypted", "{}", bucket.name);
                assert_eq!(view.compliant, Some(Judgement::Judged(false)));
            }
            Some(rule) => {
                assert_eq!(view.status, "encrypted", "{}", bucket.name);
                assert_eq!(
                    view.sse_algorithm.as_deref(),
                    Some(rule.algorithm().as_str())
                );
                assert_eq!(
                    view.kms_master_key_id.as_deref(),
                    rule.kms_key_id().map(|k| k.as_str())
                );
                assert_eq!(
                    view.kms_data_encryption.as_deref(),
                    rule.kms_data_encryption().map(|d| d.as_str())
                );
                assert_eq!(view.compliant, Some(Judgement::Judged(true)));
            }
        }
        assert!(view.scanned_at.is_some());
    }
}

#[tokio::test]
async fn a_scan_classifies_thousands_of_buckets_across_regions_and_pages() {
    let audit = Audit::new(3000).await;
    let outcome = audit.scan().await;
    let truth = audit.sandbox.buckets();
    let s = outcome.summary;
    assert_eq!(s.buckets, 3000);
    let denied = truth.iter().filter(|b| b.access_denied).count() as i64;
    let unencrypted = truth.iter().filter(|b| readable_unencrypted(b)).count() as i64;
    assert_eq!(
        (s.unknown, s.unencrypted, s.encrypted),
        (denied, unencrypted, 3000 - denied - unencrypted)
    );
    assert_eq!(s.compliant, s.encrypted, "default policy: any SSE rule");
    assert_eq!(
        s.noncompliant, s.unencrypted,
        "unknown is not counted non-compliant either"
    );
    assert_eq!(outcome.added, 3000);
    assert_views_match_truth(&audit.views().await, &truth);
}

#[tokio::test]
async fn injected_faults_and_throttling_do_not_change_any_classification() {
    let audit = Audit::with_client(1000, |c| c.retry.max_attempts = 12).await;
    audit.sandbox.set_fault_rate(0.1);
    audit.sandbox.set_throttle_rate(0.1);
    let outcome = audit.scan().await;
    assert!(
        audit.sandbox.faults_injected() > 100,
        "faults were injected"
    );
    let denied = audit
        .sandbox
        .buckets()
        .iter()
        .filter(|b| b.access_denied)
        .count() as i64;
    assert_eq!(
        outcome.summary.unknown, denied,
        "only the denied buckets are unknown"
    );
    assert_views_match_truth(&audit.views().await, &audit.sandbox.buckets());
}

#[tokio::test]
async fn a_rescan_with_nothing_changed_writes_no_state_rows() {
    let audit = Audit::new(500).await;
    audit.scan().await;
    let states = audit.rows("encryption_state").await;
    assert_eq!(states, 500);
    for _ in 0..3 {
        let outcome = audit.scan().await;
        assert_eq!(outcome.summary.changes, 0);
    }
    assert_eq!(audit.rows("encryption_state").await, states);
    assert_eq!(audit.rows("scan").await, 4);
}

#[tokio::test]
async fn drift_between_scans_is_recorded_as_one_change() {
    let audit = Audit::new(100).await;
    audit.scan().await;
    let target = audit
        .sandbox
        .buckets()
        .into_iter()
        .find(readable_unencrypted)
        .unwrap();
    audit
        .sandbox
        .set_encryption(target.name.as_str(), Some(EncryptionRule::Sm4));
    let outcome = audit.scan().await;
    assert_eq!(outcome.summary.changes, 1);
    let record = oss_audit::store::find_bucket_by_name(&audit.store, &target.name)
        .await
        .unwrap()
        .unwrap();
    let history = oss_audit::store::list_bucket_history(&audit.store, record.id)
        .await
        .unwrap();
    let states: Vec<_> = history.iter().map(|h| h.state.clone()).collect();
    assert_eq!(
        states,
        vec![
            EncryptionState::Encrypted(EncryptionRule::Sm4),
            EncryptionState::Unencrypted
        ]
    );
    assert_ne!(history[0].scan_id, history[1].scan_id);
    assert_eq!(record.compliant, Some(true));
}

#[tokio::test]
async fn a_bucket_that_disappears_is_kept_as_gone_and_reappears_cleanly() {
    let audit = Audit::new(50).await;
    audit.scan().await;
    let target = audit
        .sandbox
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied)
        .unwrap();
    audit.sandbox.remove_bucket(target.name.as_str());
    let outcome = audit.scan().await;
    assert_eq!((outcome.gone, outcome.summary.buckets), (1, 49));
    assert!(
        audit
            .views()
            .await
            .iter()
            .all(|v| v.name != target.name.as_str())
    );
    let gone = oss_audit::store::find_bucket_by_name(&audit.store, &target.name)
        .await
        .unwrap()
        .expect("a gone bucket is kept");
    assert!(gone.gone_at.is_some());

    audit.sandbox.insert_bucket(target.clone());
    let outcome = audit.scan().await;
    assert_eq!(
        (outcome.reappeared, outcome.added, outcome.summary.buckets),
        (1, 0, 50)
    );
    let back = oss_audit::store::find_bucket_by_name(&audit.store, &target.name)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.gone_at, None);
    assert_eq!(back.id, gone.id, "the same inventory row, with its history");
    assert_eq!(audit.rows("bucket").await, 50);
}

#[tokio::test]
async fn a_second_scan_is_refused_while_one_runs() {
    let audit = Audit::new(200).await;
    audit.sandbox.set_latency_ms(30);
    let first = audit.try_scan();
    let second = async {
        // Let the first one register before the second asks.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        audit.try_scan().await
    };
    let (first, second) = tokio::join!(first, second);
    assert!(first.is_ok());
    match second {
        Err(oss_audit::scan::ScanError::AlreadyRunning(id)) => assert_eq!(id, first.unwrap().scan),
        other => panic!("expected AlreadyRunning, got {other:?}"),
    }
}

#[tokio::test]
async fn changing_the_policy_judges_every_bucket_again() {
    let audit = Audit::new(120).await;
    audit.scan().await;
    let policy = Policy::new(
        Requirement::Kms,
        EncryptionRule::Kms {
            key_id: None,
            data_encryption: None,
        },
    )
    .unwrap();
    actions::policy::set(&audit.store, audit.account, &policy, &Actor::named("test"))
        .await
        .unwrap();
    for (view, bucket) in audit.views().await.iter().zip(audit.sandbox.buckets()) {
        let state = match (&bucket.encryption, bucket.access_denied) {
            (_, true) => EncryptionState::Unknown {
                code: "AccessDenied".into(),
                message: String::new(),
            },
            (Some(rule), false) => EncryptionState::Encrypted(rule.clone()),
            (None, false) => EncryptionState::Unencrypted,
        };
        assert_eq!(
            view.compliant,
            judge(&Requirement::Kms, &state).map(Judgement::Judged),
            "{}",
            view.name
        );
    }
    let outcome = audit.scan().await;
    let kms = audit
        .sandbox
        .buckets()
        .iter()
        .filter(|b| !b.access_denied && matches!(b.encryption, Some(EncryptionRule::Kms { .. })))
        .count() as i64;
    assert_eq!(outcome.summary.compliant, kms);
}

#[tokio::test]
async fn a_year_of_unchanged_hourly_scans_stays_within_a_few_megabytes() {
    let audit = Audit::new(1000).await;
    audit.scan().await;
    let after_first = database_size(&audit).await;
    let scans = 30;
    for _ in 0..scans {
        assert_eq!(audit.scan().await.summary.changes, 0);
    }
    let after_all = database_size(&audit).await;
    assert_eq!(
        audit.rows("encryption_state").await,
        1000,
        "no per-bucket rows for unchanged scans"
    );
    assert_eq!(audit.rows("scan").await, scans + 1);
    // Per-scan growth is the scan row alone; a year of hourly scans is 8,760 of them.
    let per_scan = (after_all.saturating_sub(after_first)) as f64 / scans as f64;
    let per_year = per_scan * 8760.0;
    assert!(
        per_year < 5.0 * 1024.0 * 1024.0,
        "{per_scan:.0} bytes per scan, {per_year:.0} per year"
    );
}

/// The database file's size once the write-ahead log is folded into it.
async fn database_size(audit: &Audit) -> u64 {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(audit.db.pool().await)
        .await
        .unwrap();
    std::fs::metadata(audit.db.path()).unwrap().len()
}
