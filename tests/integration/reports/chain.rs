//! The digest chain: `oss-audit report verify` (the real binary) holds on untouched reports, the
//! database refuses edits, and an attacker who drops the triggers and edits a row is caught at
//! the report they edited (or, when they also rewrote its digest, at the next one).

use std::process::Output;

use oss_audit::domain::Role;

use super::{create_report, download, sha256_hex};
use crate::support::{OssAudit, TestApp, output_text as text};

/// Runs `oss-audit report verify` on the app's database, with no OSS credentials.
async fn verify(app: &TestApp) -> Output {
    OssAudit::new(&["report", "verify"])
        .database(&app.db)
        .output()
        .await
}

/// Runs `oss-audit report verify`, checks that it fails naming `broken`, and returns what it said.
async fn verify_fails_at(app: &TestApp, broken: &str) -> String {
    let output = verify(app).await;
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains(broken), "{said}");
    said
}

/// The app with three reports, a scan between the first two.
async fn three_reports() -> TestApp {
    let app = TestApp::scanned(20).await;
    create_report(&app).await;
    app.scan().await;
    create_report(&app).await;
    create_report(&app).await;
    app
}

/// A connection to the database file of its own, as someone holding the file would have.
async fn attacker(app: &TestApp) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&app.db.url)
        .await
        .expect("the file opens")
}

/// Drops `triggers`, as an attacker must before editing stored reports.
async fn drop_triggers(db: &sqlx::SqlitePool, triggers: &[&str]) {
    for trigger in triggers {
        sqlx::query(&format!("DROP TRIGGER {trigger}"))
            .execute(db)
            .await
            .unwrap();
    }
}

/// The stored JSON of report `id`.
async fn stored_content(db: &sqlx::SqlitePool, id: i64) -> String {
    let content: Vec<u8> = sqlx::query_scalar("SELECT content FROM report WHERE id = ?1")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap();
    String::from_utf8(content).unwrap()
}

#[tokio::test]
async fn the_chain_of_untouched_reports_verifies_and_links_each_report_to_the_one_before() {
    let app = three_reports().await;
    let viewer = app.api(Role::Viewer).await;
    let output = verify(&app).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output).contains("the report chain holds: 3 reports"),
        "{}",
        text(&output)
    );

    let list = viewer.get("/api/v1/reports").await.json;
    let reports = list["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 3);
    for pair in reports.windows(2) {
        // Newest first: each names the digest of the one after it in the list.
        assert_eq!(pair[0]["previous_digest"], pair[1]["digest"]);
    }
    assert!(reports[2]["previous_digest"].is_null());
    for report in reports {
        let id = report["id"].as_i64().unwrap().to_string();
        let json = download(&app, &id, "json").await;
        assert_eq!(sha256_hex(&json.body), report["digest"].as_str().unwrap());
        assert_eq!(json.json["previous_digest"], report["previous_digest"]);
    }
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_a_report() {
    let app = three_reports().await;
    let db = attacker(&app).await;

    let update = sqlx::query("UPDATE report SET content = x'7b7d' WHERE id = 2")
        .execute(&db)
        .await;
    let delete = sqlx::query("DELETE FROM report WHERE id = 3")
        .execute(&db)
        .await;

    for refused in [update.unwrap_err(), delete.unwrap_err()] {
        assert!(
            refused.to_string().contains("reports are immutable"),
            "{refused}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM report").await, 3);
    assert_eq!(verify(&app).await.status.code(), Some(0));
}

#[tokio::test]
async fn an_edited_row_is_named_by_verify_as_a_content_digest_mismatch() {
    let app = three_reports().await;
    let db = attacker(&app).await;
    drop_triggers(&db, &["report_is_immutable"]).await;
    let edited =
        stored_content(&db, 2)
            .await
            .replacen(r#""compliant":false"#, r#""compliant":true"#, 1);
    let edited_rows = sqlx::query("UPDATE report SET content = ?1 WHERE id = 2")
        .bind(edited.as_bytes())
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(edited_rows.rows_affected(), 1);

    let said = verify_fails_at(&app, "report 2: content digest mismatch").await;
    assert!(
        !said.contains("report 3"),
        "the first broken link is named: {said}"
    );
}

#[tokio::test]
async fn a_rewritten_digest_or_a_removed_report_breaks_the_link_from_the_next_report() {
    let app = three_reports().await;
    let db = attacker(&app).await;
    drop_triggers(&db, &["report_is_immutable", "report_is_never_deleted"]).await;
    // A careful attacker edits report 2 and stores the digest of the edited content too.
    let edited =
        stored_content(&db, 2)
            .await
            .replacen(r#""trigger":"api""#, r#""trigger":"cli""#, 1);
    sqlx::query("UPDATE report SET content = ?1, digest = ?2, trigger = 'cli' WHERE id = 2")
        .bind(edited.as_bytes())
        .bind(sha256_hex(edited.as_bytes()))
        .execute(&db)
        .await
        .unwrap();

    verify_fails_at(&app, "report 3: previous_digest mismatch").await;

    // Removing report 2 instead: report 3 no longer follows the report it names.
    sqlx::query("DELETE FROM report WHERE id = 2")
        .execute(&db)
        .await
        .unwrap();
    verify_fails_at(&app, "report 3: previous_digest mismatch").await;
}
