//! The controls auditors name, in reports and on the Controls page, each count linking to the
//! buckets it counts.

use oss_audit::domain::{EncryptionRule, Role};
use oss_audit::sandbox::SandboxBucket;
use serde_json::Value;

use crate::support::TestApp;

/// Whether the bucket list says it shows `count` buckets in all (`Showing 1–12 of 12`).
fn shows_total(html: &str, count: u64) -> bool {
    let said = format!(" of {count}");
    html.match_indices(&said).any(|(at, _)| {
        !html[at + said.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == ',')
    })
}

/// Buckets of the sandbox's truth that are readable and pass `passes`, and those that fail it.
fn truth_counts(app: &TestApp, passes: impl Fn(&EncryptionRule) -> bool) -> (u64, u64, u64) {
    let truth: Vec<SandboxBucket> = app.truth().into_values().collect();
    let unknown = truth.iter().filter(|b| b.access_denied).count() as u64;
    let passing = truth
        .iter()
        .filter(|b| !b.access_denied && b.encryption.as_ref().is_some_and(&passes))
        .count() as u64;
    (passing, truth.len() as u64 - unknown - passing, unknown)
}

#[tokio::test]
async fn reports_and_the_controls_page_count_every_control_and_link_to_its_buckets() {
    let app = TestApp::scanned(80).await;
    let kms = |r: &EncryptionRule| matches!(r, EncryptionRule::Kms { .. });
    let cmk = |r: &EncryptionRule| r.kms_key_id().is_some();
    let expected = [
        ("cis-5.8", truth_counts(&app, kms)),
        ("cis-5.9", truth_counts(&app, cmk)),
        ("config-sse", truth_counts(&app, |_| true)),
        ("config-kms", truth_counts(&app, kms)),
        ("mlps-8.1.4.8", truth_counts(&app, kms)),
    ];
    assert!(
        expected
            .iter()
            .all(|(_, (p, f, u))| *p > 0 && *f > 0 && *u > 0)
    );

    // The report's controls section.
    let operator = app.api(Role::Operator).await;
    let created = operator.call("POST", "/api/v1/reports", None).await;
    assert_eq!(created.status, 201, "{}", created.json);
    let report = operator.get("/api/v1/reports/latest").await.json;
    let controls = report["controls"].as_array().expect("a controls section");
    assert_eq!(controls.len(), expected.len());
    for ((id, (passing, failing, unknown)), control) in expected.iter().zip(controls) {
        assert_eq!(control["id"], *id);
        let count = |key: &str| control[key].as_u64().unwrap();
        assert_eq!(
            (
                count("passing"),
                count("failing"),
                count("exempt"),
                count("unknown")
            ),
            (*passing, *failing, 0, *unknown),
            "{control}"
        );
    }
    let html = operator.get("/api/v1/reports/1?format=html").await.text();
    assert!(
        html.contains("oss-default-encryption-kms") && html.contains("8.1.4.8"),
        "{html}"
    );

    // The Controls page, in the navigation, with the same counts linking to the buckets.
    let viewer = app.sign_in("vera", Role::Viewer).await;
    let (status, page) = viewer.get("/controls").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"href="/controls" aria-current="page""#),
        "{page}"
    );
    for (id, (passing, failing, unknown)) in &expected {
        for (result, count) in [
            ("passing", passing),
            ("failing", failing),
            ("unknown", unknown),
        ] {
            let link = format!(r#"href="/buckets?control={id}&amp;result={result}""#);
            assert!(page.contains(&link), "{link}");
            let (status, list) = viewer
                .get(&format!("/buckets?control={id}&result={result}"))
                .await;
            assert_eq!(status, 200);
            assert!(
                shows_total(&list, *count) || (*count == 0 && list.contains("No buckets match")),
                "{id} {result}: {count}"
            );
        }
    }
    let api_report: Value = report;
    assert_eq!(api_report["schema_version"], 2);
}
