//! `oss-audit scan` and `oss-audit serve` as processes: JSON schema, the compliance gate, a kill
//! in the middle of a scan, the scheduler, health and graceful shutdown.

use oss_audit::sandbox::SandboxHandle;

use crate::support::{
    OssAudit, Serving, TestDb, assert_policy_change_logged, sandbox, seeded_sandbox, until,
};

/// `oss-audit ARGS` against `sandbox` with `db`, through the standard proxy variable.
fn oss_audit(sandbox: &SandboxHandle, db: &TestDb, args: &[&str]) -> OssAudit {
    OssAudit::new(args).database(db).sandbox(sandbox)
}

/// The scans recorded so far (none while the process has not created the database yet).
async fn scan_statuses(db: &TestDb) -> Vec<(i64, String, i64)> {
    if !db.path().exists() {
        return Vec::new();
    }
    sqlx::query_as("SELECT id, status, buckets_done FROM scan ORDER BY id")
        .fetch_all(db.pool().await)
        .await
        .unwrap_or_default()
}

#[tokio::test]
async fn scan_json_prints_every_bucket_in_the_documented_schema() {
    let sandbox = sandbox(150).await;
    let db = TestDb::new();
    let output = oss_audit(&sandbox, &db, &["scan", "--json"]).output().await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("150 buckets") && stderr.contains("% compliant"),
        "summary on stderr: {stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let buckets = json["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 150);
    let keys = [
        "account",
        "account_uid",
        "compliant",
        "error_code",
        "exemption_id",
        "kms_data_encryption",
        "kms_master_key_id",
        "name",
        "region",
        "scanned_at",
        "sse_algorithm",
        "status",
    ];
    for bucket in buckets {
        let object = bucket.as_object().unwrap();
        let mut found: Vec<_> = object.keys().map(String::as_str).collect();
        found.sort_unstable();
        assert_eq!(found, keys);
        let status = bucket["status"].as_str().unwrap();
        assert!(["encrypted", "unencrypted", "unknown"].contains(&status));
        let algorithm = &bucket["sse_algorithm"];
        assert!(
            algorithm.is_null() || ["AES256", "KMS", "SM4"].contains(&algorithm.as_str().unwrap())
        );
        assert_eq!(algorithm.is_null(), status != "encrypted");
        assert_eq!(bucket["compliant"].is_null(), status == "unknown");
        assert_eq!(bucket["error_code"].is_null(), status != "unknown");
        let scanned_at = bucket["scanned_at"].as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(scanned_at).unwrap();
    }
}

#[tokio::test]
async fn fail_on_noncompliant_exits_3_when_buckets_are_unencrypted_or_unknown() {
    let sandbox = sandbox(40).await;
    let db = TestDb::new();
    let output = oss_audit(&sandbox, &db, &["scan", "--fail-on-noncompliant"])
        .output()
        .await;
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("non-compliant"));
    // Once every readable bucket is encrypted and the denied ones are gone, the gate opens.
    for bucket in sandbox.buckets() {
        if bucket.access_denied {
            sandbox.remove_bucket(bucket.name.as_str());
        } else if bucket.encryption.is_none() {
            sandbox.set_encryption(
                bucket.name.as_str(),
                Some(oss_audit::domain::EncryptionRule::Aes256),
            );
        }
    }
    let output = oss_audit(&sandbox, &db, &["scan", "--fail-on-noncompliant"])
        .output()
        .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_scan_killed_midway_is_marked_interrupted_at_the_next_start() {
    let sandbox = seeded_sandbox(400, 5).await;
    let db = TestDb::new();
    // Do a first complete scan so that there is a previous picture to keep.
    assert!(
        oss_audit(&sandbox, &db, &["scan"])
            .output()
            .await
            .status
            .success()
    );
    sandbox.set_latency_ms(50);

    let mut child = oss_audit(&sandbox, &db, &["scan", "--concurrency", "2"]).spawn();
    until("the scan makes progress", async || {
        let scans = scan_statuses(&db).await;
        let (_, status, done) = scans.last()?;
        (status == "running" && *done > 20).then_some(())
    })
    .await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let scans = scan_statuses(&db).await;
    assert_eq!(
        scans.last().unwrap().1,
        "running",
        "killed, it could not clean up"
    );

    sandbox.set_latency_ms(0);
    let output = oss_audit(&sandbox, &db, &["scan"]).output().await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let scans = scan_statuses(&db).await;
    let statuses: Vec<_> = scans.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(statuses, ["completed", "interrupted", "completed"]);
    let leftover = db
        .count(&format!(
            "SELECT count(*) FROM encryption_state WHERE account_scan_id IN (SELECT id FROM account_scan WHERE scan_id = {})",
            scans[1].0
        ))
        .await;
    assert_eq!(
        leftover, 0,
        "partial results of the killed scan are not history"
    );
    assert_eq!(db.rows("encryption_state").await, 400);
}

#[tokio::test]
async fn serve_scans_on_schedule_answers_healthz_and_stops_cleanly_on_sigterm() {
    let sandbox = sandbox(80).await;
    let db = TestDb::new();
    let serve = Serving::start(oss_audit(
        &sandbox,
        &db,
        &["serve", "--listen", "127.0.0.1:0", "--scan-interval", "1h"],
    ))
    .await;
    let health = reqwest::get(serve.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&health.text().await.unwrap()).unwrap();
    assert_eq!(body["status"], "ok");

    // No scan yet on a fresh database: one is due at once.
    until("the scheduled scan completes", async || {
        let scans = scan_statuses(&db).await;
        scans.iter().any(|s| s.1 == "completed").then_some(())
    })
    .await;
    serve.stop().await;
    let scans = scan_statuses(&db).await;
    assert_eq!(scans.len(), 1, "one scan per interval, not more: {scans:?}");
    assert!(scans.iter().all(|s| s.1 != "running"));
}

#[tokio::test]
async fn sigterm_during_a_scan_records_it_as_interrupted_and_exits_cleanly() {
    let sandbox = seeded_sandbox(300, 9).await;
    sandbox.set_latency_ms(40);
    let db = TestDb::new();
    let serve = Serving::start(oss_audit(
        &sandbox,
        &db,
        &["serve", "--listen", "127.0.0.1:0", "--concurrency", "2"],
    ))
    .await;
    until("a scheduled scan starts", async || {
        let scans = scan_statuses(&db).await;
        let (_, status, done) = scans.first()?;
        (status == "running" && *done > 5).then_some(())
    })
    .await;
    serve.stop().await;
    let scans = scan_statuses(&db).await;
    assert_eq!(scans.len(), 1);
    assert_eq!(
        scans[0].1, "interrupted",
        "the running scan was interrupted cleanly: {scans:?}"
    );
}

#[tokio::test]
async fn setting_the_policy_from_the_cli_logs_it_as_the_page_and_the_api_do() {
    let sandbox = sandbox(1).await;
    let db = TestDb::new();
    let output = oss_audit(&sandbox, &db, &["policy", "set", "--policy", "kms"])
        .env("USER", "auditor")
        .output()
        .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_policy_change_logged(&db, "cli:auditor").await;
}

#[tokio::test]
async fn a_failed_migration_is_a_failed_start_with_a_clear_message() {
    let sandbox = sandbox(3).await;
    let db = TestDb::new();
    assert!(
        oss_audit(&sandbox, &db, &["scan"])
            .output()
            .await
            .status
            .success()
    );
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = x'00' WHERE version = (SELECT min(version) FROM _sqlx_migrations)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let output = oss_audit(&sandbox, &db, &["scan"]).output().await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("migration"), "{stderr}");
}
