//! Undoing from the dashboard: one change reverted from the audit log, and a whole remediation
//! reverted from its results page, each through the preview and the confirmation; what OSS holds
//! afterwards is the verdict.

use oss_audit::domain::{EncryptionRule, Role};
use serde_json::json;

use crate::driver::with_browser;
use crate::start;
use crate::support::{PASSWORD, readable_unencrypted};

#[tokio::test]
async fn a_change_reverted_from_the_audit_log_gives_the_bucket_back_the_rule_it_had_before() {
    let app = start(60).await;
    let before = app.truth();
    let name = app.names(readable_unencrypted)[0].clone();
    let api = app.api(Role::Operator).await;
    let path = format!("/api/v1/buckets/{name}/encryption");
    let put = api
        .call("PUT", &path, Some(json!({"sse_algorithm": "KMS"})))
        .await;
    assert_eq!(put.status, 200, "{}", put.text());
    let log = api.get(&format!("/api/v1/audit-log?bucket={name}")).await;
    let change = log.json["entries"][0]["id"].as_i64().expect("the change");
    assert!(
        app.truth()[name.as_str()].encryption.is_some(),
        "{name} changed"
    );

    with_browser("revert-change", async |b| {
        b.sign_in(&app.base, "operator", PASSWORD).await;
        b.click("header.top nav a[href='/audit-log']").await;
        b.shot("audit-log").await;
        b.click(&format!("tr#change-{change} a.revert")).await;
        assert_eq!(b.path().await, format!("/revert?change={change}"));
        b.shot("preview").await;
        let restores = b.text("section[aria-labelledby='will-restore']").await;
        assert!(restores.contains("Will be restored (1)"), "{restores}");
        assert!(restores.contains(name.as_str()), "{restores}");
        assert!(
            restores.contains("no rule (DeleteBucketEncryption)"),
            "{restores}"
        );
        assert_ne!(app.truth(), before, "the preview changed nothing yet");

        b.click("form#confirm[method=post][action='/revert'] button[type=submit]")
            .await;
        b.shot("results").await;
        assert_eq!(
            b.text(".outcome").await,
            "1 restored, 0 failed, 0 left alone."
        );

        // The revert is the audit log's newest entry, by the operator, naming the change.
        b.click("main a[href='/audit-log']").await;
        let newest = b.text("table.audit tbody tr").await;
        assert!(
            newest.contains("revert") && newest.contains("user:operator"),
            "{newest}"
        );
        assert!(
            newest.contains(&format!("reverts change {change}")),
            "{newest}"
        );
    })
    .await;

    assert_eq!(
        app.truth(),
        before,
        "OSS holds exactly what it held before the change"
    );
}

#[tokio::test]
async fn a_remediation_reverted_from_its_results_page_leaves_oss_as_it_was_before() {
    let app = start(60).await;
    let before = app.truth();
    let targets = app.names(readable_unencrypted);
    assert!(targets.len() > 5, "the seed has unencrypted buckets to fix");

    with_browser("revert-run", async |b| {
        b.sign_in(&app.base, "operator", PASSWORD).await;
        b.click("a.button[href='/remediate']").await;
        b.click("form#confirm[method=post][action='/remediate'] button[type=submit]")
            .await;
        let outcome = b.text(".outcome").await;
        let expected = format!("{} encrypted with AES256, 0 failed.", targets.len());
        assert_eq!(outcome, expected);
        for name in &targets {
            let now = &app.truth()[name.as_str()];
            assert_eq!(
                now.encryption,
                Some(EncryptionRule::Aes256),
                "{name} remediated"
            );
        }
        b.shot("remediated").await;

        b.click("a.revert").await;
        assert!(
            b.path().await.starts_with("/revert?run="),
            "the revert preview"
        );
        b.shot("preview").await;
        let restores = b.text("section[aria-labelledby='will-restore']").await;
        let heading = format!("Will be restored ({})", targets.len());
        assert!(restores.contains(&heading), "{restores}");
        for name in &targets {
            assert!(
                restores.contains(name.as_str()),
                "{name} listed:\n{restores}"
            );
        }
        assert_ne!(app.truth(), before, "the preview changed nothing yet");

        b.click("form#confirm[method=post][action='/revert'] button[type=submit]")
            .await;
        b.shot("results").await;
        let expected = format!("{} restored, 0 failed, 0 left alone.", targets.len());
        assert_eq!(b.text(".outcome").await, expected, "the results page");
        assert!(b.text("main").await.contains("Revert this revert"));
    })
    .await;

    assert_eq!(
        app.truth(),
        before,
        "OSS holds exactly what it held before the remediation"
    );
}
