//! The overview's trend and its list of what the last scan changed, and the scans page's change
//! counts.

use oss_audit::domain::{EncryptionRule, Role};

use crate::support::{TestApp, between, readable_unencrypted};

/// How many bars the trend chart draws.
fn bars(html: &str) -> usize {
    html.matches(r#"class="bar""#).count()
}

#[tokio::test]
async fn a_trend_of_one_scan_says_so_until_a_second_scan_draws_two_bars() {
    let app = TestApp::scanned(20).await;
    let viewer = app.sign_in("victor", Role::Viewer).await;

    let (_, html) = viewer.get("/").await;
    let trend = between(&html, "<h2>Trend</h2>", "</section>");
    assert!(trend.contains("One scan so far"), "{trend}");
    assert_eq!(bars(&html), 0, "no chart of one bar: {trend}");

    let fixed = app.names(readable_unencrypted).remove(0);
    app.sandbox
        .set_encryption(&fixed, Some(EncryptionRule::Aes256));
    app.scan().await;

    let (_, html) = viewer.get("/").await;
    let trend = between(&html, "<h2>Trend</h2>", "</section>");
    assert!(!trend.contains("One scan so far"), "{trend}");
    assert_eq!(bars(&html), 2, "{trend}");
}
