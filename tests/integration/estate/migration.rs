//! A database from before the estate (its five migrations, one account, reports of schema 1)
//! opened by this build: the old reports still verify, the new ones chain to them, and the old
//! scans read as scans of one account.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use oss_audit::domain::Role;
use serde_json::{Value, json};

use super::part;
use crate::reports::sha256_hex;
use crate::support::{OssAudit, TestApp, TestDb, output_text, sandbox};
use crate::support::{Stopped, stdout};

/// The migrations that existed before the estate.
const BEFORE_THE_ESTATE: [&str; 5] = [
    "20261126000001_audit_store.sql",
    "20261126000002_access_and_audit_log.sql",
    "20261126000003_bucket_list_covering_index.sql",
    "20261126000004_reports.sql",
    "20261126000005_notifications.sql",
];

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0).unwrap()
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A report of schema 1 as the build before the estate wrote it: one account, no account on the
/// buckets.
fn report_v1(id: i64, made: DateTime<Utc>, previous: Option<(i64, &str)>) -> Vec<u8> {
    let document = json!({
        "schema_version": 1,
        "report_id": id,
        "account": "default",
        "created_at": rfc3339(made),
        "trigger": "cli",
        "created_by": "cli:olga",
        "previous_report_id": previous.map(|p| p.0),
        "previous_digest": previous.map(|p| p.1),
        "period": {"from": previous.map(|_| rfc3339(at(1))), "to": rfc3339(made)},
        "policy": {
            "requirement": "any",
            "allowed_kms_keys": [],
            "remediation_target": {"sse_algorithm": "AES256", "kms_master_key_id": null, "kms_data_encryption": null},
            "updated_at": null,
            "updated_by": null
        },
        "totals": {"buckets": 1, "encrypted": 1, "unencrypted": 0, "unknown": 0, "compliant": 1, "noncompliant": 0},
        "scans": [{
            "id": 1, "trigger": "cli", "started_at": rfc3339(at(0)), "finished_at": rfc3339(at(0)),
            "buckets": 1, "encrypted": 1, "unencrypted": 0, "unknown": 0, "compliant": 1,
            "noncompliant": 0, "changes": 1
        }],
        "buckets": [{
            "name": "old-logs", "region": "cn-hangzhou", "status": "encrypted",
            "sse_algorithm": "AES256", "kms_master_key_id": null, "kms_data_encryption": null,
            "compliant": true, "error_code": null, "exemption": null,
            "state_since": rfc3339(at(0)), "last_change": null
        }],
        "changes": {"encryption": [], "actions": []}
    });
    serde_json::to_vec(&document).unwrap()
}

/// Builds the database as the build before the estate left it: its migrations, one account, a
/// completed scan of one bucket, and two chained reports. Returns the reports' digests.
async fn database_before_the_estate(db: &TestDb) -> [String; 2] {
    let scratch = tempfile::tempdir().unwrap();
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    for file in BEFORE_THE_ESTATE {
        std::fs::copy(migrations.join(file), scratch.path().join(file)).unwrap();
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db.path())
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(scratch.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for (sql, binds) in [
        (
            "INSERT INTO account (id, name, endpoint, created_at) VALUES (1, 'default', 'https://oss-cn-hangzhou.aliyuncs.com', ?1)",
            vec![at(0)],
        ),
        (
            "INSERT INTO scan (id, account_id, trigger, status, started_at, finished_at, buckets_total, buckets_done,
                 encrypted, unencrypted, unknown, compliant, noncompliant, changes)
             VALUES (1, 1, 'cli', 'completed', ?1, ?1, 1, 1, 1, 0, 0, 1, 0, 1)",
            vec![at(0)],
        ),
        (
            "INSERT INTO bucket (id, account_id, name, region, extranet_endpoint, intranet_endpoint, first_seen_at, compliant)
             VALUES (1, 1, 'old-logs', 'cn-hangzhou', 'oss-cn-hangzhou.aliyuncs.com', 'oss-cn-hangzhou-internal.aliyuncs.com', ?1, 1)",
            vec![at(0)],
        ),
        (
            "INSERT INTO encryption_state (id, bucket_id, scan_id, observed_at, status, sse_algorithm)
             VALUES (1, 1, 1, ?1, 'encrypted', 'AES256')",
            vec![at(0)],
        ),
        ("UPDATE bucket SET state_id = 1 WHERE id = 1", vec![]),
    ] {
        let mut query = sqlx::query(sql);
        for value in binds {
            query = query.bind(value);
        }
        query.execute(&pool).await.unwrap();
    }
    let first = report_v1(1, at(1), None);
    let first_digest = sha256_hex(&first);
    let second = report_v1(2, at(2), Some((1, &first_digest)));
    let second_digest = sha256_hex(&second);
    for (id, made, content, digest, previous) in [
        (1, at(1), &first, &first_digest, None),
        (
            2,
            at(2),
            &second,
            &second_digest,
            Some(first_digest.clone()),
        ),
    ] {
        sqlx::query(
            "INSERT INTO report (id, account_id, created_at, trigger, created_by, schema_version, buckets,
                 compliant, noncompliant, unknown, last_scan_id, last_state_id, last_change_id,
                 previous_digest, digest, content)
             VALUES (?1, 1, ?2, 'cli', 'cli:olga', 1, 1, 1, 0, 0, 1, 1, 0, ?3, ?4, ?5)",
        )
        .bind(id)
        .bind(made)
        .bind(previous)
        .bind(digest)
        .bind(content)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
    [first_digest, second_digest]
}

#[tokio::test]
async fn reports_made_before_the_estate_still_verify_and_new_reports_chain_to_them() {
    let db = TestDb::new();
    let [_, second_digest] = database_before_the_estate(&db).await;

    // This build migrates the database, and the old chain holds.
    let verified = OssAudit::new(&["report", "verify"])
        .database(&db)
        .output()
        .await;
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        output_text(&verified)
    );
    assert!(
        stdout(&verified).contains("the report chain holds: 2 reports"),
        "{}",
        output_text(&verified)
    );

    let app = TestApp::launch()
        .over(Stopped {
            sandbox: sandbox(3).await,
            db,
        })
        .start()
        .await;
    let viewer = app.api(Role::Viewer).await;
    // The old scan reads as a scan of the one account.
    let old = viewer.get("/api/v1/scans/1").await.json;
    assert_eq!(old["status"], "completed", "{old}");
    assert_eq!(part(&old, "default")["buckets_done"], 1);
    // The old reports download as they were stored.
    let stored = viewer.get("/api/v1/reports/2?format=json").await;
    assert_eq!(stored.status, 200);
    assert_eq!(sha256_hex(&stored.body), second_digest);
    let csv = viewer.get("/api/v1/reports/1?format=csv").await;
    assert_eq!(csv.status, 200, "{}", csv.text());

    app.scan().await;
    let operator = app.api(Role::Operator).await;
    let made = operator.call("POST", "/api/v1/reports", None).await;
    assert_eq!(made.status, 201, "{}", made.text());
    assert_eq!(made.json["previous_digest"], second_digest.as_str());
    let third = viewer.get("/api/v1/reports/3?format=json").await.json;
    assert_eq!(third["schema_version"], 2);
    assert_eq!(third["previous_report_id"], 2);
    let accounts: &Vec<Value> = third["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["name"], "default");
    assert_eq!(accounts[0]["totals"]["buckets"], 3);
    assert!(
        third["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["account"] == "default")
    );

    let stopped = app.stop().await;
    let verified = OssAudit::new(&["report", "verify"])
        .database(&stopped.db)
        .output()
        .await;
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        output_text(&verified)
    );
    assert!(
        stdout(&verified).contains("the report chain holds: 3 reports"),
        "{}",
        output_text(&verified)
    );
}
