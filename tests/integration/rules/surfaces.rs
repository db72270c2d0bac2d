//! Rules edited through the API, the settings page and the CLI: each change is one audit-log row
//! of the same shape (the list before and after, as `GET /api/v1/policy/rules` shows it).

use oss_audit::domain::Role;
use serde_json::{Value, json};

use super::{any_default, put_rules, rule};
use crate::support::{OssAudit, TestApp, stderr};

/// The `set-policy-rules` rows: actor, before and after, oldest first.
async fn logged(app: &TestApp) -> Vec<(String, Value, Value)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor, before, after FROM change_log WHERE action = 'set-policy-rules' ORDER BY id",
    )
    .fetch_all(app.db.pool().await)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(actor, before, after)| {
            (
                actor,
                serde_json::from_str(&before).unwrap(),
                serde_json::from_str(&after).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn rules_edited_through_the_api_the_page_and_the_cli_each_write_the_same_audit_log_row() {
    let app = TestApp::scanned(20).await;
    let admin = app.api(Role::Admin).await;
    let shown = || async { admin.get("/api/v1/policy/rules").await.json };
    let initial = shown().await;
    let default = json!({
        "scope": {},
        "requirement": "any",
        "allowed_kms_keys": [],
        "remediation_target": {"sse_algorithm": "AES256", "kms_master_key_id": null, "kms_data_encryption": null},
    });
    assert_eq!(
        initial,
        json!({"rules": [default]}),
        "the policy migrated to one default rule"
    );

    // The API.
    let logs = rule(
        json!({"bucket": "*-logs-*"}),
        "kms",
        json!({"sse_algorithm": "KMS"}),
    );
    put_rules(&app, json!([logs.clone(), any_default()])).await;
    let after_api = shown().await;

    // The settings page: add a tag rule, then move it up.
    let page = app.sign_in("ada", Role::Admin).await;
    let (_, html) = page.get("/settings").await;
    assert!(html.contains(r#"id="rules""#), "{html}");
    let added = page
        .post(
            "/settings/policy/rules",
            &[
                ("rule_tag", "data-class=confidential"),
                ("rule_requirement", "kms-cmk"),
                ("rule_allowed_keys", "alias/prod"),
                ("rule_target_algorithm", "KMS"),
                ("rule_target_key", "alias/prod"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let after_add = shown().await;
    let moved = page
        .post("/settings/policy/rules/2/move", &[("direction", "up")])
        .await;
    assert_eq!(moved.status(), 303);
    let after_move = shown().await;
    assert_eq!(
        after_move["rules"][0]["scope"]["tag"],
        "data-class=confidential"
    );
    assert_eq!(after_move["rules"][1]["scope"], logs["scope"]);

    // The CLI, on the same database.
    let output = OssAudit::new(&["policy", "rules", "remove", "2"])
        .database(&app.db)
        .sandbox(&app.sandbox)
        .env("USER", "auditor")
        .output()
        .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let after_cli = shown().await;
    assert_eq!(after_cli["rules"].as_array().unwrap().len(), 2);

    let rows = logged(&app).await;
    let expected = [
        ("token:admin-token", &initial, &after_api),
        ("user:ada", &after_api, &after_add),
        ("user:ada", &after_add, &after_move),
        ("cli:auditor", &after_move, &after_cli),
    ];
    assert_eq!(rows.len(), expected.len(), "one row per change: {rows:?}");
    for ((actor, before, after), (want_actor, want_before, want_after)) in rows.iter().zip(expected)
    {
        assert_eq!(actor, want_actor);
        assert_eq!(before, want_before);
        assert_eq!(after, want_after);
    }

    // A form that cannot be used comes back with its message and changes nothing.
    let refused = page
        .post(
            "/settings/policy/rules",
            &[
                ("rule_requirement", "kms"),
                ("rule_target_algorithm", "KMS"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("only the last rule"));
    assert_eq!(logged(&app).await.len(), 4);

    let list = OssAudit::new(&["policy", "rules", "list"])
        .database(&app.db)
        .sandbox(&app.sandbox)
        .output()
        .await;
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("1. tag data-class=confidential: kms-cmk (alias/prod)"),
        "{text}"
    );
    assert!(text.contains("2. default: any"), "{text}");
}
