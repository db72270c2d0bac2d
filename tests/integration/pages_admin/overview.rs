//! The overview's trend and its list of what the last scan changed, the scans page's change
//! counts, and the demo's past scans.

use oss_audit::actions::demo_history;
use oss_audit::domain::{BucketName, EncryptionRule, Role};
use oss_audit::sandbox::SandboxBucket;

use crate::support::{TestApp, between, client, readable_unencrypted};

/// How many bars the trend chart draws.
fn bars(html: &str) -> usize {
    html.matches(r#"class="bar""#).count()
}

/// The descriptions of the states a bucket page's history lists, newest first.
fn history_states(html: &str) -> Vec<String> {
    let history = between(html, r#"<ol class="timeline">"#, "</ol>");
    history
        .split(r#"<div class="state">"#)
        .skip(1)
        .map(|rest| rest[..rest.find("</div>").unwrap()].to_owned())
        .collect()
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

#[tokio::test]
async fn a_first_scan_counts_first_sightings_instead_of_listing_every_bucket_as_changed() {
    let app = TestApp::scanned(20).await;
    let viewer = app.sign_in("victor", Role::Viewer).await;

    let (_, html) = viewer.get("/").await;
    let changed = between(&html, "<h2>Changed in the last scan</h2>", "</section>");
    assert!(
        changed.contains("20 buckets seen for the first time."),
        "{changed}"
    );
    assert!(
        !changed.contains("<table"),
        "no bucket is listed as changed: {changed}"
    );
    let (_, html) = viewer.get("/scans").await;
    let row = between(&html, r#"<tr id="scan-"#, "</tr>");
    assert!(row.contains(r#"<td class="num">0<span"#), "{row}");
    assert!(row.contains("(+20 new)"), "{row}");
    assert!(row.contains("20 buckets seen for the first time."), "{row}");

    // A second scan: one bucket gained encryption and one bucket is new.
    let fixed = app.names(readable_unencrypted).remove(0);
    app.sandbox
        .set_encryption(&fixed, Some(EncryptionRule::Aes256));
    let added = "zz-created-after-the-first-scan";
    app.sandbox.insert_bucket(SandboxBucket::new(
        BucketName::parse(added).unwrap(),
        "cn-hangzhou".parse().unwrap(),
    ));
    app.scan().await;

    let (_, html) = viewer.get("/").await;
    let changed = between(&html, "<h2>Changed in the last scan</h2>", "</section>");
    assert!(
        changed.contains("1 bucket seen for the first time."),
        "{changed}"
    );
    assert!(
        changed.contains(&format!(r#"<a href="/buckets/{fixed}">{fixed}</a>"#)),
        "{changed}"
    );
    assert!(
        !changed.contains(&format!(r#"<a href="/buckets/{added}">"#)),
        "a new bucket is not a change: {changed}"
    );
    let (_, html) = viewer.get("/scans").await;
    let newest = between(&html, r#"<tr id="scan-"#, "</tr>");
    assert!(newest.contains(r#"<td class="num">1<span"#), "{newest}");
    assert!(newest.contains("(+1 new)"), "{newest}");
}

#[tokio::test]
async fn the_demo_history_gives_weeks_of_trend_and_buckets_that_changed_over_time() {
    let app = TestApp::start(40).await;
    let oss = client(&app.sandbox, |_| {});
    let written = demo_history::seed(app.store(), &oss, app.account(), 21)
        .await
        .expect("the past is seeded");
    assert_eq!(written, 21);
    app.scan().await;
    let viewer = app.sign_in("victor", Role::Viewer).await;

    let (_, html) = viewer.get("/").await;
    let trend = between(&html, "<h2>Trend</h2>", "</section>");
    assert_eq!(
        bars(&html),
        22,
        "three weeks of daily scans and today's: {trend}"
    );
    let changed = between(&html, "<h2>Changed in the last scan</h2>", "</section>");
    assert!(
        changed.contains("<table"),
        "today's scan found a change: {changed}"
    );
    let (_, html) = viewer.get("/scans").await;
    assert_eq!(html.matches(r#"<tr id="scan-"#).count(), 22);

    let mut drifted = Vec::new();
    for name in app.names(|_| true) {
        let (_, html) = viewer.get(&format!("/buckets/{name}")).await;
        let mut states = history_states(&html);
        states.dedup();
        if states.len() >= 2 {
            drifted.push(name);
        }
    }
    assert!(
        drifted.len() >= 3,
        "several buckets show a history of changes: {drifted:?}"
    );

    // The past is only invented for an account with none.
    assert!(
        demo_history::seed(app.store(), &oss, app.account(), 21)
            .await
            .is_err()
    );
}
