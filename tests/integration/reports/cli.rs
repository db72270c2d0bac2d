//! `oss-audit report create|list|show|verify` through the real binary, with no OSS credentials;
//! `sha256sum` of a saved JSON is the digest; a bad schedule stops `serve` before it starts.

use std::process::Output;

use super::sha256_hex;
use crate::support::{OssAudit, TestApp, TestDb, stderr as err, stdout as out};

/// Runs `oss-audit ARGS` on `db` as the user `auditor`, with no OSS credentials.
async fn oss_audit(db: &TestDb, args: &[&str]) -> Output {
    OssAudit::new(args)
        .database(db)
        .env("USER", "auditor")
        .output()
        .await
}

#[tokio::test]
async fn the_cli_makes_lists_shows_and_verifies_reports_without_credentials() {
    let app = TestApp::scanned(9).await;
    let db = &app.db;

    let created = oss_audit(db, &["report", "create"]).await;
    assert_eq!(created.status.code(), Some(0), "{}", err(&created));
    assert!(
        out(&created).starts_with("created report 1: 9 buckets"),
        "{}",
        out(&created)
    );
    let digest: String = sqlx::query_scalar("SELECT digest FROM report WHERE id = 1")
        .fetch_one(app.db.pool().await)
        .await
        .unwrap();
    assert!(out(&created).contains(&format!("sha256 {digest}")));

    let list = oss_audit(db, &["report", "list"]).await;
    assert_eq!(list.status.code(), Some(0), "{}", err(&list));
    let row = out(&list).lines().nth(1).unwrap_or_default().to_owned();
    assert!(row.trim_start().starts_with("1 "), "{row}");
    assert!(
        row.contains("cli:auditor") && row.contains(&digest),
        "{row}"
    );

    // An auditor saves the JSON and checks it with nothing but sha256sum.
    let file = app.db.dir().join("report-1.json");
    let saved = oss_audit(
        db,
        &[
            "report",
            "show",
            "latest",
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(saved.status.code(), Some(0), "{}", err(&saved));
    let sum = tokio::process::Command::new("sha256sum")
        .arg(&file)
        .output()
        .await
        .expect("sha256sum runs");
    assert!(
        out(&sum).starts_with(&format!("{digest} ")),
        "{}",
        out(&sum)
    );

    let csv = oss_audit(db, &["report", "show", "1", "--format", "csv"]).await;
    assert_eq!(csv.status.code(), Some(0), "{}", err(&csv));
    assert_eq!(
        out(&csv).lines().count(),
        1 + 9,
        "a header and one row per bucket"
    );
    let html = oss_audit(db, &["report", "show", "1", "--format", "html"]).await;
    assert!(out(&html).contains(&digest));
    let json = oss_audit(db, &["report", "show", "1"]).await;
    assert_eq!(
        sha256_hex(&json.stdout),
        digest,
        "JSON by default, the stored bytes"
    );

    let verified = oss_audit(db, &["report", "verify"]).await;
    assert_eq!(verified.status.code(), Some(0), "{}", err(&verified));

    let missing = oss_audit(db, &["report", "show", "4"]).await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        err(&missing).contains("there is no report 4"),
        "{}",
        err(&missing)
    );
    let bad = oss_audit(db, &["report", "show", "first"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        err(&bad).contains("is not a report id or `latest`"),
        "{}",
        err(&bad)
    );
    let bad_format = oss_audit(db, &["report", "show", "1", "--format", "pdf"]).await;
    assert_eq!(bad_format.status.code(), Some(2));
    assert!(
        err(&bad_format).contains("not a report format"),
        "{}",
        err(&bad_format)
    );
}

#[tokio::test]
async fn without_a_completed_scan_the_cli_says_why_no_report_was_made() {
    let db = TestDb::new();

    let created = oss_audit(&db, &["report", "create"]).await;
    let verified = oss_audit(&db, &["report", "verify"]).await;

    assert_eq!(created.status.code(), Some(1));
    assert!(
        err(&created).contains("no scan has completed yet"),
        "{}",
        err(&created)
    );
    assert_eq!(
        verified.status.code(),
        Some(0),
        "an empty chain holds: {}",
        err(&verified)
    );
    assert!(out(&verified).contains("0 reports"));
}

#[tokio::test]
async fn serve_refuses_a_bad_report_schedule_before_starting() {
    let db = TestDb::new();
    for (schedule, says) in [
        (
            "TZ=Mars/Olympus 0 8 * * MON",
            "unknown time zone \"Mars/Olympus\"",
        ),
        ("0 8 * MON", "five fields"),
    ] {
        let output = oss_audit(
            &db,
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--report-schedule",
                schedule,
            ],
        )
        .await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{schedule}: {}",
            err(&output)
        );
        assert!(err(&output).contains(says), "{schedule}: {}", err(&output));
    }
    assert!(!db.path().exists(), "nothing was opened");
}
