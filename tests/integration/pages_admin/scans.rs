//! The scans page: history, "Scan now", the flash when one is already running, and the
//! self-refreshing progress while a scan runs.

use oss_audit::domain::Role;

use crate::support::{TestApp, between, location};

const REFRESH: &str = r#"<meta http-equiv="refresh" content="2">"#;

#[tokio::test]
async fn scan_now_starts_a_scan_and_a_second_click_says_it_is_already_running() {
    let app = TestApp::start(40).await;
    let operator = app.sign_in("olga", Role::Operator).await;
    let (_, empty) = operator.get("/scans").await;
    assert!(empty.contains("No scan has run yet."), "{empty}");
    assert!(
        empty.contains(r#"<form method="post" action="/scans" class="scan-now">"#),
        "{empty}"
    );
    assert!(!empty.contains(REFRESH));
    // Slow enough that the second click comes while the first scan runs.
    app.sandbox.set_latency_ms(300);

    let first = operator.post("/scans", &[]).await;
    let second = operator.post("/scans", &[]).await;

    assert_eq!(first.status(), 303);
    assert_eq!(location(&first), "/scans#scan-1");
    assert_eq!(second.status(), 303);
    let (status, running) = operator.get("/scans").await;
    assert_eq!(status, 200);
    assert!(running.contains("Scan 1 is already running"), "{running}");
    assert!(
        running.contains(REFRESH),
        "refreshes while running: {running}"
    );
    assert!(running.contains("<progress"), "{running}");
    assert!(running.contains(r#"id="scan-1""#));
    assert_eq!(app.count("SELECT count(*) FROM scan").await, 1);

    app.sandbox.set_latency_ms(0);
    app.wait_for_scan(1).await;
    let (_, done) = operator.get("/scans").await;
    assert!(!done.contains(REFRESH), "no refresh once finished: {done}");
    assert!(!done.contains("<progress"));
    let row = between(&done, r#"id="scan-1""#, "</tr>");
    assert!(row.contains("completed"), "{row}");
    assert!(row.contains("dashboard"), "{row}");
    assert!(row.contains(r#"<td class="num">40</td>"#), "{row}");
}

#[tokio::test]
async fn viewers_see_the_history_but_cannot_start_a_scan() {
    let app = TestApp::scanned(10).await;
    let viewer = app.sign_in("vera", Role::Viewer).await;

    let (status, html) = viewer.get("/scans").await;
    let refused = viewer.post("/scans", &[]).await;

    assert_eq!(status, 200);
    assert!(html.contains(r#"id="scan-1""#), "{html}");
    assert!(!html.contains("Scan now"), "{html}");
    assert_eq!(refused.status(), 403);
    assert_eq!(viewer.post_form("/scans", &[]).await.status(), 403);
    assert_eq!(app.count("SELECT count(*) FROM scan").await, 1);
}

#[tokio::test]
async fn the_history_pages_back_to_older_scans() {
    let app = TestApp::scanned(3).await;
    for _ in 0..51 {
        app.scan().await;
    }
    let viewer = app.sign_in("vera", Role::Viewer).await;

    let (_, newest) = viewer.get("/scans").await;
    let (_, older) = viewer.get("/scans?before=3").await;

    assert!(newest.contains(r#"id="scan-52""#) && newest.contains(r#"id="scan-3""#));
    assert!(!newest.contains(r#"id="scan-2""#));
    assert!(newest.contains(r#"href="/scans?before=3""#), "{newest}");
    assert!(older.contains(r#"id="scan-2""#) && older.contains(r#"id="scan-1""#));
    assert!(!older.contains(r#"id="scan-3""#));
    assert!(older.contains(r#"href="/scans""#));
}
