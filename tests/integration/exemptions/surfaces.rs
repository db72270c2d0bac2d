//! Where `exempt` shows: the compliance rate, one-click remediation and its preview, reports, and
//! a scan that finds a new bucket the pattern names.

use oss_audit::domain::Role;
use serde_json::json;

use super::{names, request, start, step};
use crate::support::between;

#[tokio::test]
async fn the_compliance_rate_counts_only_buckets_that_are_not_exempt_and_says_how_many_are() {
    let (app, clock) = start().await;
    let ops = app.sign_in("olga", Role::Operator).await;
    let (_, before) = ops.get("/").await;
    assert!(before.contains("40.0 %"), "2 of 5 compliant");
    let id = request(&app.api(Role::Operator).await, &clock, "cdn-*", 30).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        step(&app.api(Role::Admin).await, id, "approve").await.0,
        200
    );
    let (_, after) = ops.get("/").await;
    assert!(
        after.contains("50.0 %"),
        "1 of the 2 not exempt is compliant"
    );
    let rate = between(&after, "class=\"rate\"", "</p>");
    assert!(rate.contains("3 exempt"), "{rate}");
    let metrics = app.api(Role::Viewer).await.get("/metrics").await.text();
    let exempt = metrics
        .lines()
        .find(|l| l.contains("status=\"unencrypted\"") && l.contains("compliant=\"exempt\""))
        .unwrap_or_else(|| panic!("an exempt series in {metrics}"));
    assert!(exempt.ends_with(" 2"), "{exempt}");
}

#[tokio::test]
async fn one_click_remediation_leaves_exempt_buckets_alone_and_the_preview_lists_them_apart() {
    let (app, clock) = start().await;
    let id = request(&app.api(Role::Operator).await, &clock, "cdn-*", 30).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        step(&app.api(Role::Admin).await, id, "approve").await.0,
        200
    );

    let ops = app.sign_in("olga", Role::Operator).await;
    let (_, preview) = ops.get("/remediate").await;
    let changes = between(&preview, "id=\"will-change\"", "</section>");
    assert!(changes.contains("vendor-drop"), "{changes}");
    assert!(!changes.contains("cdn-images"), "{changes}");
    let exempt = between(&preview, "id=\"exempt\"", "</section>");
    assert!(exempt.contains("Exempt, left alone (3)"), "{exempt}");
    assert!(
        exempt.contains("cdn-images") && exempt.contains("public static site"),
        "{exempt}"
    );

    let done = app
        .api(Role::Operator)
        .await
        .call("POST", "/api/v1/remediations", Some(json!({"force": true})))
        .await;
    assert_eq!(done.status, 200, "{}", done.json);
    assert_eq!(done.json["remediated"], json!(["vendor-drop"]));
    let truth = app.truth();
    assert!(truth["cdn-images"].encryption.is_none(), "left as it is");
    assert!(truth["cdn-videos"].encryption.is_none(), "left as it is");
    assert!(truth["vendor-drop"].encryption.is_some());
}

#[tokio::test]
async fn a_report_lists_each_exempt_bucket_with_its_reason_requester_approver_and_expiry() {
    let (app, clock) = start().await;
    let requested = request(&app.api(Role::Operator).await, &clock, "vendor-*", 60).await;
    let id = requested["id"].as_i64().unwrap();
    assert_eq!(
        step(&app.api(Role::Admin).await, id, "approve").await.0,
        200
    );

    let operator = app.api(Role::Operator).await;
    let made = operator.call("POST", "/api/v1/reports", None).await;
    assert_eq!(made.status, 201, "{}", made.json);
    let report = operator
        .get(&format!("/api/v1/reports/{}", made.json["id"]))
        .await
        .json;
    assert_eq!(report["totals"]["exempt"], 1);
    assert_eq!(report["totals"]["noncompliant"], 2);
    for bucket in report["buckets"].as_array().unwrap() {
        if bucket["name"] == "vendor-drop" {
            assert_eq!(bucket["compliant"], "exempt");
            let exemption = &bucket["exemption"];
            assert_eq!(exemption["id"], id);
            assert_eq!(exemption["buckets"], "vendor-*");
            assert_eq!(
                exemption["reason"],
                "public static site: visitors cannot read KMS-encrypted objects"
            );
            assert_eq!(exemption["requested_by"], "token:operator-token");
            assert_eq!(exemption["approved_by"], "token:admin-token");
            assert_eq!(exemption["expires_at"], requested["expires_at"]);
        } else {
            assert_eq!(bucket["exemption"], serde_json::Value::Null, "{bucket}");
            assert_ne!(bucket["compliant"], "exempt", "{bucket}");
        }
    }
    let csv = operator
        .get(&format!("/api/v1/reports/{}?format=csv", made.json["id"]))
        .await
        .text();
    let row = csv.lines().find(|l| l.contains("vendor-drop")).unwrap();
    assert!(
        row.contains(",exempt,") && row.contains("token:admin-token"),
        "{row}"
    );
}

#[tokio::test]
async fn a_new_bucket_a_pattern_names_is_exempt_from_the_scan_that_finds_it_and_raises_no_alert() {
    let (app, clock) = start().await;
    let id = request(&app.api(Role::Operator).await, &clock, "cdn-*", 30).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        step(&app.api(Role::Admin).await, id, "approve").await.0,
        200
    );
    let _hooks = super::receiver(&app).await;
    app.sandbox
        .insert_bucket(super::bucket("cdn-fonts", "cn-hangzhou", None));
    app.sandbox
        .insert_bucket(super::bucket("logs-raw", "cn-hangzhou", None));
    app.scan().await;
    let viewer = app.api(Role::Viewer).await;
    assert!(
        names(&viewer, "exempt")
            .await
            .contains(&"cdn-fonts".to_owned())
    );
    let alert: String = sqlx::query_scalar(
        "SELECT event FROM notification_delivery WHERE event_type = 'buckets_noncompliant'",
    )
    .fetch_one(app.db.pool().await)
    .await
    .unwrap();
    assert!(alert.contains("logs-raw"), "{alert}");
    assert!(!alert.contains("cdn-fonts"), "{alert}");
}
