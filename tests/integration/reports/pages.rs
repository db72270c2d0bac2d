//! The reports page driven like a browser: the list, "Create report now" with its CSRF token and
//! its flash messages, what viewers may do, and the downloads behind a session.

use oss_audit::domain::Role;

use super::create_report;
use crate::support::{TestApp, bare_browser, between, location};

#[tokio::test]
async fn an_operator_makes_a_report_from_the_page_and_sees_it_listed_with_its_digest() {
    let app = TestApp::start(12).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let page = async |path: &str| operator.get(path).await.1;

    let empty = page("/reports").await;
    assert!(
        empty.contains(r#"<a href="/reports" aria-current="page">Reports</a>"#),
        "{empty}"
    );
    assert!(empty.contains("No report has been made yet."), "{empty}");
    assert!(empty.contains("A report needs a completed scan"), "{empty}");
    assert!(between(&empty, r#"class="create-report""#, "</form>").contains("disabled"));
    let too_early = operator.post("/reports", &[]).await;
    assert_eq!(too_early.status(), 303);
    assert_eq!(location(&too_early), "/reports");
    let refused = page("/reports").await;
    assert!(
        refused.contains("No scan has completed yet: a report needs the results of one."),
        "{refused}"
    );
    assert_eq!(app.count("SELECT count(*) FROM report").await, 0);

    app.scan().await;
    let made = operator.post("/reports", &[]).await;
    assert_eq!(made.status(), 303);
    assert_eq!(location(&made), "/reports#report-1");
    let listed = page("/reports").await;
    let digest: String = sqlx::query_scalar("SELECT digest FROM report WHERE id = 1")
        .fetch_one(app.db.pool().await)
        .await
        .unwrap();
    assert!(listed.contains("Report 1 created: 12 buckets"), "{listed}");
    let row = between(&listed, r#"<tr id="report-1">"#, "</tr>");
    assert!(row.contains("dashboard"), "{row}");
    assert!(row.contains("user:olga"), "{row}");
    assert!(
        row.contains(&format!(
            r#"title="{digest} (the first report of the chain)""#
        )),
        "{row}"
    );
    assert!(row.contains(&format!("{}…", &digest[..12])), "{row}");
    for format in ["csv", "json", "html"] {
        assert!(
            row.contains(&format!(r#"href="/reports/1/download?format={format}""#)),
            "{row}"
        );
    }
    assert!(
        listed.contains("sha256sum report-N.json"),
        "how to check is explained"
    );
    assert!(listed.contains("<h2>Schedule</h2>"), "{listed}");
}

#[tokio::test]
async fn viewers_download_reports_but_cannot_make_one_and_strangers_are_sent_to_sign_in() {
    let app = TestApp::scanned(6).await;
    create_report(&app).await;
    let viewer = app.sign_in("vera", Role::Viewer).await;

    let (_, html) = viewer.get("/reports").await;
    let with_token = viewer.post("/reports", &[]).await;
    let without_token = viewer.post_form("/reports", &[("x", "1")]).await;
    let csv = viewer.fetch("/reports/1/download?format=csv").await;

    assert!(!html.contains("Create report now"), "{html}");
    assert!(html.contains(r#"<tr id="report-1">"#));
    assert_eq!(with_token.status(), 403);
    assert_eq!(without_token.status(), 403);
    assert_eq!(app.count("SELECT count(*) FROM report").await, 1);
    assert_eq!(csv.status(), 200);
    let digest = csv.headers()["x-report-digest"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.text()
            .await
            .unwrap()
            .starts_with("account,name,region,status,")
    );
    assert_eq!(digest.len(), 64);

    let html_report = viewer.fetch("/reports/1/download?format=html").await;
    assert_eq!(html_report.status(), 200);
    assert!(
        html_report.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'; style-src 'unsafe-inline'")
    );
    let bad_format = viewer.fetch("/reports/1/download?format=pdf").await;
    let missing = viewer.fetch("/reports/7/download").await;
    assert_eq!(bad_format.status(), 400);
    assert_eq!(missing.status(), 404);

    // The report's own address (notifications link it) opens the printable HTML.
    let opened = viewer.fetch("/reports/1").await;
    assert_eq!(opened.status(), 303);
    assert_eq!(location(&opened), "/reports/1/download?format=html");
    let not_an_id = viewer.fetch("/reports/first").await;
    assert_eq!(not_an_id.status(), 404);

    let stranger = bare_browser();
    let refused = stranger
        .get(app.url("/reports/1/download?format=json"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 303);
    assert!(
        location(&refused).starts_with("/login"),
        "{}",
        location(&refused)
    );
}
