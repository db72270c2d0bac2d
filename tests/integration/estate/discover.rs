//! `oss-audit account discover`: every active member of the Resource Directory is added through
//! its role, the hub is skipped, running it again adds only new members, and a member that left
//! is reported, never removed.

use oss_audit::sandbox::{RESOURCEMANAGER_ENDPOINT, STS_ENDPOINT, SandboxHandle};

use crate::support::{OssAudit, TestDb, estate, output_text, stdout};

/// `oss-audit ARGS` on `db`, reaching the sandbox estate with the hub's keys.
fn oss_audit(sandbox: &SandboxHandle, db: &TestDb, args: &[&str]) -> OssAudit {
    OssAudit::new(args)
        .database(db)
        .sandbox(sandbox)
        .env("OSS_AUDIT_STS_ENDPOINT", STS_ENDPOINT)
        .env(
            "OSS_AUDIT_RESOURCEMANAGER_ENDPOINT",
            RESOURCEMANAGER_ENDPOINT,
        )
        .env("USER", "dana")
}

async fn discover(sandbox: &SandboxHandle, db: &TestDb) -> String {
    let output = oss_audit(
        sandbox,
        db,
        &["account", "discover", "--role-name", "oss-audit"],
    )
    .output()
    .await;
    assert!(output.status.success(), "{}", output_text(&output));
    stdout(&output)
}

async fn listed(sandbox: &SandboxHandle, db: &TestDb) -> serde_json::Value {
    let output = oss_audit(sandbox, db, &["account", "list", "--json"])
        .output()
        .await;
    assert!(output.status.success(), "{}", output_text(&output));
    serde_json::from_str(&stdout(&output)).expect("JSON")
}

#[tokio::test]
async fn discovering_twice_adds_each_member_once_skips_the_hub_and_reports_members_that_left() {
    let sandbox = estate(4, 3, |_| {}).await;
    let db = TestDb::new();
    let hub = sandbox.hub();
    let members = sandbox.members();

    let first = discover(&sandbox, &db).await;
    assert!(
        first.contains(&format!("hub account {} skipped", hub.uid)),
        "{first}"
    );
    for (name, member) in ["payments-prod", "analytics-dev", "web-staging"]
        .iter()
        .zip(&members)
    {
        assert!(
            first.contains(&format!("added {name}: role {}", member.role_arn)),
            "{first}"
        );
    }
    assert!(
        first.contains("3 added, 0 already audited, 0 left"),
        "{first}"
    );
    let accounts = listed(&sandbox, &db).await;
    let accounts = accounts["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 4, "{accounts:?}");
    assert_eq!(accounts[0]["name"], "default");
    assert_eq!(accounts[0]["hub"], true);
    assert_eq!(
        accounts[0]["uid"],
        hub.uid.as_str(),
        "the hub's uid was learnt from OSS"
    );
    assert!(accounts[1..].iter().all(|a| a["created_by"] == "cli:dana"));

    // Again: nothing new.
    let second = discover(&sandbox, &db).await;
    assert!(
        second.contains("0 added, 3 already audited, 0 left"),
        "{second}"
    );
    assert_eq!(
        listed(&sandbox, &db).await["accounts"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // One member leaves the directory, another is still being promoted: reported, not removed.
    sandbox.set_in_directory(&members[0].uid, false);
    sandbox.set_member_status(&members[1].uid, "PromoteVerifying");
    let third = discover(&sandbox, &db).await;
    assert!(
        third.contains("no longer an active member of the directory: payments-prod"),
        "{third}"
    );
    assert!(third.contains("analytics-dev"), "{third}");
    assert!(
        third.contains("0 added, 1 already audited, 2 left"),
        "{third}"
    );
    let after = listed(&sandbox, &db).await;
    let after = after["accounts"].as_array().unwrap();
    assert_eq!(after.len(), 4, "nobody was removed");
    assert!(after.iter().all(|a| a["removed_at"].is_null()));

    // Every addition is in the audit log, against its account.
    let logged = db
        .count("SELECT count(*) FROM change_log c JOIN account a ON a.id = c.account_id WHERE c.action = 'add-account' AND a.role_arn IS NOT NULL")
        .await;
    assert_eq!(logged, 3);
}
