//! `/api/v1/reports`: roles, the answer without a completed scan, the downloads' headers and
//! formats, `latest`, bad input, and the OpenAPI document.

use oss_audit::domain::Role;
use serde_json::Value;

use super::{create_report, download, sha256_hex};
use crate::support::TestApp;

#[tokio::test]
async fn without_a_completed_scan_no_report_can_be_made_and_none_is_listed() {
    let app = TestApp::start(5).await;
    let operator = app.api(Role::Operator).await;
    let viewer = app.api(Role::Viewer).await;

    let refused = operator.call("POST", "/api/v1/reports", None).await;
    let latest = viewer.get("/api/v1/reports/latest").await;
    let list = viewer.get("/api/v1/reports").await;

    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(refused.json["error"]["code"], "conflict");
    assert!(
        refused.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no scan has completed yet")
    );
    assert_eq!(latest.status, 404);
    assert_eq!(latest.json["error"]["message"], "there is no report yet");
    assert_eq!(list.json["reports"], Value::Array(vec![]));
    assert_eq!(app.count("SELECT count(*) FROM report").await, 0);
}

#[tokio::test]
async fn any_token_may_list_and_download_but_only_operators_make_reports() {
    let app = TestApp::scanned(10).await;
    let viewer = app.api(Role::Viewer).await;

    let anonymous = app.anonymous().call("POST", "/api/v1/reports", None).await;
    let as_viewer = viewer.call("POST", "/api/v1/reports", None).await;
    let anonymous_read = app.anonymous().call("GET", "/api/v1/reports", None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(as_viewer.status, 403);
    assert_eq!(anonymous_read.status, 401);
    assert_eq!(app.count("SELECT count(*) FROM report").await, 0);

    let created = create_report(&app).await;
    assert_eq!(created["id"], 1);
    assert_eq!(created["trigger"], "api");
    assert_eq!(created["created_by"], "token:operator-token");
    assert_eq!(created["buckets"], 10);
    assert_eq!(created["previous_digest"], Value::Null);
    let list = viewer.get("/api/v1/reports").await.json;
    assert_eq!(list["reports"][0]["digest"], created["digest"]);
}

#[tokio::test]
async fn downloads_carry_their_type_file_name_digest_and_a_style_only_policy_for_html() {
    let app = TestApp::scanned(10).await;
    let viewer = app.api(Role::Viewer).await;
    let created = create_report(&app).await;
    let digest = created["digest"].as_str().unwrap();

    let json = download(&app, "1", "json").await;
    let default = viewer.get("/api/v1/reports/1").await;
    let csv = download(&app, "1", "csv").await;
    let html = download(&app, "1", "html").await;

    assert_eq!(json.header("content-type"), "application/json");
    assert_eq!(
        json.header("content-disposition"),
        r#"attachment; filename="report-1.json""#
    );
    assert_eq!(sha256_hex(&json.body), digest);
    assert_eq!(default.body, json.body, "JSON is the default");
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        csv.header("content-disposition"),
        r#"attachment; filename="report-1.csv""#
    );
    assert_eq!(html.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(
        html.header("content-disposition"),
        r#"inline; filename="report-1.html""#
    );
    assert_eq!(
        html.header("content-security-policy"),
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(html.header("x-frame-options"), "DENY");
    for download in [&json, &csv, &html] {
        assert_eq!(download.header("x-report-digest"), digest);
        assert_eq!(download.header("cache-control"), "no-store");
    }

    app.scan().await;
    let second = create_report(&app).await;
    let latest = download(&app, "latest", "csv").await;
    assert_eq!(latest.header("x-report-digest"), second["digest"]);
    assert_eq!(
        latest.header("content-disposition"),
        r#"attachment; filename="report-2.csv""#
    );
}

#[tokio::test]
async fn bad_ids_and_formats_are_refused_with_a_clear_error() {
    let app = TestApp::scanned(3).await;
    create_report(&app).await;
    let viewer = app.api(Role::Viewer).await;
    let get = |path: &'static str| viewer.get(path);

    let missing = get("/api/v1/reports/9").await;
    let not_an_id = get("/api/v1/reports/abc").await;
    let zero = get("/api/v1/reports/0").await;
    let format = get("/api/v1/reports/1?format=pdf").await;
    let latest_format = get("/api/v1/reports/latest?format=xml").await;
    let limit = get("/api/v1/reports?limit=0").await;

    assert_eq!(missing.status, 404);
    assert_eq!(missing.json["error"]["message"], "report 9 does not exist");
    assert_eq!(not_an_id.status, 400);
    assert_eq!(
        not_an_id.json["error"]["message"],
        r#""abc" is not a report id"#
    );
    assert_eq!(zero.status, 400);
    for bad in [&format, &latest_format] {
        assert_eq!(bad.status, 400);
        assert!(
            bad.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("is not one of csv, json, html")
        );
    }
    assert_eq!(limit.status, 400);
}

#[tokio::test]
async fn the_openapi_document_describes_the_report_routes_and_schema() {
    let app = TestApp::start(1).await;
    let doc = app
        .anonymous()
        .call("GET", "/api/v1/openapi.json", None)
        .await
        .json;

    for (path, method) in [
        ("/api/v1/reports", "get"),
        ("/api/v1/reports", "post"),
        ("/api/v1/reports/{id}", "get"),
        ("/api/v1/reports/latest", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    let content = &doc["paths"]["/api/v1/reports/{id}"]["get"]["responses"]["200"]["content"];
    for media in ["application/json", "text/csv", "text/html"] {
        assert!(content[media].is_object(), "{media}: {content}");
    }
    let schema = &doc["components"]["schemas"]["Report"];
    for field in [
        "schema_version",
        "previous_digest",
        "buckets",
        "changes",
        "scans",
        "policy",
        "totals",
    ] {
        assert!(schema["properties"][field].is_object(), "{field}: {schema}");
    }
}

#[tokio::test]
async fn a_second_report_of_the_same_scan_is_refused_unless_forced_everywhere() {
    let app = TestApp::scanned(5).await;
    let operator = app.api(Role::Operator).await;
    let first = operator.call("POST", "/api/v1/reports", None).await;
    assert_eq!(first.status, 201, "{}", first.text());

    let again = operator.call("POST", "/api/v1/reports", None).await;

    assert_eq!(again.status, 409, "{}", again.text());
    let message = again.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("report 1 already covers scan 1"),
        "{message}"
    );
    assert!(message.contains("force=true"), "{message}");
    let page = app.sign_in("olga", Role::Operator).await;
    let from_page = page.post("/reports", &[]).await;
    assert_eq!(from_page.status(), 303);
    let (_, html) = page.get("/reports").await;
    assert!(
        html.contains("Report 1 already covers the latest scan"),
        "{html}"
    );
    let cli = crate::support::OssAudit::new(&["report", "create"])
        .database(&app.db)
        .output()
        .await;
    assert!(!cli.status.success());
    assert!(
        crate::support::stderr(&cli).contains("already covers scan 1"),
        "{cli:?}"
    );
    assert_eq!(app.rows("report").await, 1, "no copies");

    let forced = operator
        .call("POST", "/api/v1/reports?force=true", None)
        .await;
    assert_eq!(forced.status, 201, "{}", forced.text());
    app.scan().await;
    let after_a_scan = operator.call("POST", "/api/v1/reports", None).await;
    assert_eq!(after_a_scan.status, 201, "{}", after_a_scan.text());
    assert_eq!(app.rows("report").await, 3);
}
