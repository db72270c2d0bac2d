//! The account commands and routes: add, list, remove and add again, from the CLI and the API,
//! each change in the audit log; viewers read, only admins change; the hub stays. A member added
//! on the CLI is scanned by `scan --account`, and `scan --json` names every bucket's account.

use oss_audit::domain::Role;
use oss_audit::sandbox::{STS_ENDPOINT, SandboxHandle};
use serde_json::json;

use crate::support::{OssAudit, TestApp, TestDb, estate, output_text, stdout};

/// `oss-audit ARGS` on `db`, reaching the sandbox estate with the hub's keys.
fn oss_audit(sandbox: &SandboxHandle, db: &TestDb, args: &[&str]) -> OssAudit {
    OssAudit::new(args)
        .database(db)
        .sandbox(sandbox)
        .env("OSS_AUDIT_STS_ENDPOINT", STS_ENDPOINT)
        .env("USER", "dana")
}

#[tokio::test]
async fn accounts_added_listed_removed_and_added_again_on_the_cli_are_scanned_and_logged() {
    let sandbox = estate(3, 4, |_| {}).await;
    let db = TestDb::new();
    let member = sandbox.members()[0].clone();
    let arn = member.role_arn.to_string();
    let run = |args: &'static [&'static str]| oss_audit(&sandbox, &db, args).output();

    let added = oss_audit(
        &sandbox,
        &db,
        &["account", "add", "payments", "--role-arn", &arn],
    )
    .output()
    .await;
    assert!(added.status.success(), "{}", output_text(&added));
    assert!(
        stdout(&added).contains("account payments added: role "),
        "{}",
        stdout(&added)
    );
    let again = oss_audit(
        &sandbox,
        &db,
        &["account", "add", "payments", "--role-arn", &arn],
    )
    .output()
    .await;
    assert!(
        stdout(&again).contains("already there, unchanged"),
        "{}",
        output_text(&again)
    );
    let other_role = sandbox.members()[1].role_arn.to_string();
    let clash = oss_audit(
        &sandbox,
        &db,
        &["account", "add", "payments", "--role-arn", &other_role],
    )
    .output()
    .await;
    assert_eq!(clash.status.code(), Some(2), "{}", output_text(&clash));
    let same_uid = oss_audit(
        &sandbox,
        &db,
        &["account", "add", "twice", "--role-arn", &arn],
    )
    .output()
    .await;
    assert_eq!(
        same_uid.status.code(),
        Some(2),
        "{}",
        output_text(&same_uid)
    );
    assert!(
        output_text(&same_uid).contains("already audited under another name"),
        "{}",
        output_text(&same_uid)
    );
    let bad = run(&["account", "add", "x", "--role-arn", "arn:aws:iam::1:role/x"]).await;
    assert_eq!(bad.status.code(), Some(2), "{}", output_text(&bad));

    let text = run(&["account", "list"]).await;
    let text = stdout(&text);
    assert!(text.contains("(hub: the keys' own account)"), "{text}");
    assert!(
        text.contains(&arn) && text.contains("never scanned"),
        "{text}"
    );

    // `scan --account` scans that account alone, through its role; `--json` names the account.
    let scanned = run(&["scan", "--account", "payments", "--json"]).await;
    assert!(scanned.status.success(), "{}", output_text(&scanned));
    let json: serde_json::Value = serde_json::from_str(&stdout(&scanned)).unwrap();
    let buckets = json["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 4);
    assert!(
        buckets
            .iter()
            .all(|b| b["account"] == "payments" && b["account_uid"] == member.uid.as_str())
    );
    assert_eq!(
        sandbox.requests_of(&sandbox.hub().uid).total,
        0,
        "the hub was not scanned"
    );
    let everything = run(&["scan", "--json"]).await;
    assert!(everything.status.success(), "{}", output_text(&everything));
    let json: serde_json::Value = serde_json::from_str(&stdout(&everything)).unwrap();
    assert_eq!(json["buckets"].as_array().unwrap().len(), 8);

    let listed = run(&["account", "list", "--json"]).await;
    let listed: serde_json::Value = serde_json::from_str(&stdout(&listed)).unwrap();
    let payments = &listed["accounts"][1];
    assert_eq!(payments["name"], "payments");
    assert_eq!(payments["uid"], member.uid.as_str());
    assert_eq!(payments["role_arn"], arn.as_str());
    assert_eq!(payments["created_by"], "cli:dana");
    assert_eq!(payments["last_scan"]["status"], "completed");

    let removed = run(&["account", "remove", "payments"]).await;
    assert!(removed.status.success(), "{}", output_text(&removed));
    let hub = run(&["account", "remove", "default"]).await;
    assert_eq!(hub.status.code(), Some(2), "{}", output_text(&hub));
    let scan = run(&["scan", "--json"]).await;
    let json: serde_json::Value = serde_json::from_str(&stdout(&scan)).unwrap();
    assert_eq!(
        json["buckets"].as_array().unwrap().len(),
        4,
        "only the hub's buckets now"
    );
    let kept = db
        .count("SELECT count(*) FROM bucket b JOIN account a ON a.id = b.account_id WHERE a.name = 'payments'")
        .await;
    assert_eq!(kept, 4, "a removed account keeps its history");
    let list = stdout(&run(&["account", "list"]).await);
    assert!(!list.contains("payments"), "{list}");
    let all = stdout(&run(&["account", "list", "--removed"]).await);
    assert!(
        all.contains("payments") && all.contains("[removed]"),
        "{all}"
    );

    let back = oss_audit(
        &sandbox,
        &db,
        &["account", "add", "payments", "--role-arn", &arn],
    )
    .output()
    .await;
    assert!(
        stdout(&back).contains("added again"),
        "{}",
        output_text(&back)
    );
    let logged: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, actor FROM change_log WHERE action LIKE '%-account' ORDER BY id",
    )
    .fetch_all(db.pool().await)
    .await
    .unwrap();
    let actions: Vec<&str> = logged.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["add-account", "remove-account", "add-account"]);
    assert!(logged.iter().all(|(_, actor)| actor == "cli:dana"));
}

#[tokio::test]
async fn viewers_read_the_accounts_and_only_admins_add_or_remove_them() {
    let app = TestApp::launch().buckets(2).estate(2, |_| {}).start().await;
    let member = app.sandbox.members()[0].clone();
    let body = json!({"name": "payments-prod", "role_arn": member.role_arn.to_string(), "external_id": "tenant-7"});
    for role in [Role::Viewer, Role::Operator] {
        let api = app.api(role).await;
        assert_eq!(api.get("/api/v1/accounts").await.status, 200);
        let refused = api
            .call("POST", "/api/v1/accounts", Some(body.clone()))
            .await;
        assert_eq!(refused.status, 403, "{role}: {}", refused.json);
        let refused = api.call("DELETE", "/api/v1/accounts/default", None).await;
        assert_eq!(refused.status, 403, "{role}");
    }
    let admin = app.api(Role::Admin).await;
    let added = admin
        .call("POST", "/api/v1/accounts", Some(body.clone()))
        .await;
    assert_eq!(added.status, 201, "{}", added.json);
    assert_eq!(added.json["name"], "payments-prod");
    assert_eq!(added.json["uid"], member.uid.as_str());
    assert_eq!(added.json["external_id"], "tenant-7");
    assert_eq!(added.json["hub"], false);
    assert_eq!(added.json["created_by"], "token:admin-token");
    let same = admin
        .call("POST", "/api/v1/accounts", Some(body.clone()))
        .await;
    assert_eq!(same.status, 200, "{}", same.json);
    let clash = admin
        .call(
            "POST",
            "/api/v1/accounts",
            Some(json!({"name": "default", "role_arn": member.role_arn.to_string()})),
        )
        .await;
    assert_eq!(clash.status, 409, "{}", clash.json);
    let invalid = admin
        .call(
            "POST",
            "/api/v1/accounts",
            Some(json!({"name": "x y", "role_arn": "nope"})),
        )
        .await;
    assert_eq!(invalid.status, 400, "{}", invalid.json);
    let bad_endpoint = admin
        .call(
            "POST",
            "/api/v1/accounts",
            Some(json!({"name": "eu", "role_arn": member.role_arn.to_string(), "endpoint": "ftp://x"})),
        )
        .await;
    assert_eq!(bad_endpoint.status, 400, "{}", bad_endpoint.json);

    let listed = app
        .api(Role::Viewer)
        .await
        .get("/api/v1/accounts")
        .await
        .json;
    let names: Vec<&str> = listed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "payments-prod"]);

    assert_eq!(
        admin
            .call("DELETE", "/api/v1/accounts/default", None)
            .await
            .status,
        409
    );
    assert_eq!(
        admin
            .call("DELETE", "/api/v1/accounts/nobody", None)
            .await
            .status,
        404
    );
    let removed = admin
        .call("DELETE", "/api/v1/accounts/payments-prod", None)
        .await;
    assert_eq!(removed.status, 200, "{}", removed.json);
    assert!(removed.json["removed_at"].is_string());
    let viewer = app.api(Role::Viewer).await;
    assert_eq!(
        viewer.get("/api/v1/accounts").await.json["accounts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let with_removed = viewer.get("/api/v1/accounts?removed=true").await.json;
    assert_eq!(with_removed["accounts"].as_array().unwrap().len(), 2);
    let log = viewer
        .get("/api/v1/audit-log?account=payments-prod")
        .await
        .json;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["remove-account", "add-account"]);
}
