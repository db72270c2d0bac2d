//! Tags are read only when a rule uses one: one tag-filtered ListBuckets per distinct tag and
//! account, never a GetBucketTagging per bucket.

use oss_audit::domain::{EncryptionRule, Role};
use oss_audit::sandbox::RequestKind;
use serde_json::json;

use super::{any_default, bucket, kms, put_rules, rule, verdicts};
use crate::support::TestApp;

#[tokio::test]
async fn no_tag_is_read_while_no_rule_uses_one_and_each_distinct_tag_is_one_filtered_listing() {
    let app = TestApp::start(40).await;
    put_rules(
        &app,
        json!([
            rule(
                json!({"bucket": "*-logs-*"}),
                "kms",
                json!({"sse_algorithm": "KMS"})
            ),
            any_default(),
        ]),
    )
    .await;
    app.scan().await;
    assert_eq!(app.sandbox.tag_filtered_listings(), 0, "no rule uses a tag");
    assert_eq!(
        app.sandbox
            .requests_served_by(RequestKind::GetBucketTagging),
        0
    );

    let kms_rule = |scope| rule(scope, "kms", json!({"sse_algorithm": "KMS"}));
    put_rules(
        &app,
        json!([
            kms_rule(json!({"tag": "data-class=confidential"})),
            kms_rule(json!({"tag": "data-class=confidential", "region": "cn-shanghai"})),
            kms_rule(json!({"tag": "team=web"})),
            any_default(),
        ]),
    )
    .await;
    app.scan().await;
    assert_eq!(
        app.sandbox.tag_filtered_listings(),
        2,
        "one listing per distinct tag, whatever the number of rules using it"
    );
    assert_eq!(
        app.sandbox
            .requests_served_by(RequestKind::GetBucketTagging),
        0
    );
}

#[tokio::test]
async fn a_new_tag_rule_leaves_the_buckets_it_could_decide_unknown_until_the_next_scan_reads_the_tag()
 {
    let app = TestApp::start(0).await;
    let aes = Some(EncryptionRule::Aes256);
    app.sandbox.insert_bucket(bucket(
        "tagged",
        "cn-hangzhou",
        aes.clone(),
        &[("team", "web")],
        None,
    ));
    app.sandbox
        .insert_bucket(bucket("untagged", "cn-hangzhou", aes, &[], None));
    app.sandbox.insert_bucket(bucket(
        "keyed",
        "cn-hangzhou",
        kms(None),
        &[("team", "db")],
        None,
    ));
    app.scan().await;
    assert_eq!(verdicts(&app).await["tagged"], Some(true));

    put_rules(
        &app,
        json!([
            rule(
                json!({"tag": "team=web"}),
                "kms",
                json!({"sse_algorithm": "KMS"})
            ),
            any_default()
        ]),
    )
    .await;
    let unread = verdicts(&app).await;
    assert_eq!(
        unread["tagged"], None,
        "the tag was never read: the rule may or may not apply"
    );
    assert_eq!(unread["untagged"], None);

    app.scan().await;
    let read = verdicts(&app).await;
    assert_eq!(
        read["tagged"],
        Some(false),
        "tagged team=web: AES256 is not KMS"
    );
    assert_eq!(
        read["untagged"],
        Some(true),
        "not tagged: the default decides"
    );
    assert_eq!(read["keyed"], Some(true));
    let viewer = app.sign_in("vera", Role::Viewer).await;
    let (_, html) = viewer.get("/buckets/tagged").await;
    assert!(
        html.contains("Rule 1 of 2, because it matches tag team=web: requires kms"),
        "{html}"
    );
}
