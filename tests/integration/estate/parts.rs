//! One scan of every account: a role that refuses the hub fails its account's part with STS's
//! code and request id while the others complete; every bucket names its account; lists filter
//! by account; a bucket name that moved between accounts is found where it is now.

use oss_audit::domain::{ExternalId, Role};

use super::{assert_account_matches, part};
use crate::support::TestApp;

/// An estate of the hub and two members, every role asking for ExternalId `tenant-42`, with the
/// members added by discovery.
async fn estate_of_three(buckets: usize) -> TestApp {
    let app = TestApp::launch()
        .buckets(buckets)
        .estate(3, |c| {
            c.external_id = Some(ExternalId::parse("tenant-42").unwrap())
        })
        .start()
        .await;
    let found = app.discover_with(Some("tenant-42")).await;
    assert_eq!(found.added.len(), 2);
    app
}

#[tokio::test]
async fn a_role_asking_for_another_external_id_fails_its_account_with_no_permission_and_the_others_complete()
 {
    let app = estate_of_three(25).await;
    // The member's role now asks for another ExternalId than the one oss-audit holds.
    let refused = app.sandbox.members()[1].clone();
    assert!(
        app.sandbox
            .set_role_external_id(&refused.uid, Some(ExternalId::parse("tenant-43").unwrap()))
    );

    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "partial", "{scan}");
    assert_eq!(scan["accounts_total"], 3);
    assert_eq!(scan["accounts_failed"], 1);
    let failed = part(&scan, "analytics-dev");
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["error_code"], "NoPermission", "{failed}");
    let request_id = failed["request_id"].as_str().expect("STS's request id");
    assert_eq!(request_id.len(), 36, "{request_id}");
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains(refused.role_arn.as_str()) && error.contains(request_id),
        "{error}"
    );
    assert!(
        app.sandbox.requests_of(&refused.uid).total == 0,
        "nothing was sent to OSS for the refused account"
    );

    // The others are complete and correct, bucket by bucket.
    let viewer = app.api(Role::Viewer).await;
    for (name, account) in [
        ("default", app.sandbox.hub()),
        ("payments-prod", app.sandbox.members()[0].clone()),
    ] {
        assert_eq!(part(&scan, name)["status"], "completed");
        assert_eq!(part(&scan, name)["buckets_done"], 25);
        let listed = viewer.all_buckets(&format!("&account={name}")).await;
        assert_account_matches(
            name,
            &account,
            &app.sandbox.buckets_of(&account.uid),
            &listed,
        );
    }
    assert!(
        viewer
            .all_buckets("&account=analytics-dev")
            .await
            .is_empty()
    );
    assert_eq!(viewer.all_buckets("").await.len(), 50);

    // The account list says how its last scan went.
    let accounts = viewer.get("/api/v1/accounts").await.json;
    let listed = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "analytics-dev")
        .unwrap()
        .clone();
    assert_eq!(listed["last_scan"]["status"], "failed");
    assert_eq!(listed["last_scan"]["error_code"], "NoPermission");
    assert_eq!(listed["last_scan"]["request_id"], request_id);

    // Once the role trusts oss-audit's ExternalId again, the next scan completes.
    app.sandbox
        .set_role_external_id(&refused.uid, Some(ExternalId::parse("tenant-42").unwrap()));
    let again = app.scan_estate().await;
    assert_eq!(again["status"], "completed", "{again}");
    assert_eq!(viewer.all_buckets("").await.len(), 75);
}

#[tokio::test]
async fn lists_filter_by_account_and_every_bucket_and_entry_names_its_account() {
    let app = TestApp::launch()
        .buckets(12)
        .estate(2, |_| {})
        .members()
        .start()
        .await;
    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "completed", "{scan}");
    let member = app.sandbox.members()[0].clone();
    let viewer = app.api(Role::Viewer).await;

    let all = viewer.all_buckets("").await;
    assert_eq!(all.len(), 24);
    let hub_uid = app.sandbox.hub().uid;
    for bucket in &all {
        let uid = bucket["account_uid"].as_str().expect("the account's uid");
        assert!(
            (bucket["account"] == "default" && uid == hub_uid.as_str())
                || (bucket["account"] == "payments-prod" && uid == member.uid.as_str()),
            "{bucket}"
        );
    }
    let only = viewer.all_buckets("&account=payments-prod").await;
    assert_account_matches(
        "payments-prod",
        &member,
        &app.sandbox.buckets_of(&member.uid),
        &only,
    );
    let unknown = viewer.get("/api/v1/buckets?account=nobody").await;
    assert_eq!(unknown.status, 400, "{}", unknown.json);

    // A change to a member's bucket goes through that member's role and is logged against it.
    let plain = only
        .iter()
        .find(|b| b["status"] == "unencrypted")
        .and_then(|b| b["name"].as_str())
        .expect("an unencrypted bucket of the member")
        .to_owned();
    let operator = app.api(Role::Operator).await;
    let changed = operator
        .call(
            "PUT",
            &format!("/api/v1/buckets/{plain}/encryption"),
            Some(serde_json::json!({"sse_algorithm": "AES256"})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.json);
    assert_eq!(changed.json["account"], "payments-prod");
    assert!(
        app.sandbox.bucket(&plain).unwrap().encryption.is_some(),
        "OSS holds the rule"
    );
    let log = viewer
        .get("/api/v1/audit-log?account=payments-prod")
        .await
        .json;
    let entries = log["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["bucket"] == plain.as_str() && e["account"] == "payments-prod"),
        "{log}"
    );
    let hub_log = viewer.get("/api/v1/audit-log?account=default").await.json;
    assert!(
        hub_log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["account"] == "default" && e["bucket"] != plain.as_str()),
        "{hub_log}"
    );

    // The scans list filters by account too.
    let scans = viewer.get("/api/v1/scans?account=payments-prod").await.json;
    assert_eq!(scans["scans"].as_array().unwrap().len(), 1, "{scans}");
    assert_eq!(
        scans["scans"][0]["accounts"].as_array().unwrap().len(),
        2,
        "{scans}"
    );
}

#[tokio::test]
async fn a_bucket_name_that_moved_to_another_account_is_found_where_it_is_now() {
    let app = TestApp::launch()
        .buckets(6)
        .estate(3, |_| {})
        .members()
        .start()
        .await;
    app.scan_estate().await;
    let (from, to) = (
        app.sandbox.members()[0].clone(),
        app.sandbox.members()[1].clone(),
    );
    let mut moved = app.sandbox.buckets_of(&from.uid).remove(0);
    let name = moved.name.as_str().to_owned();
    // Deleted in one account, then created under the same name in another.
    app.sandbox.remove_bucket(&name);
    moved.owner = to.uid.clone();
    moved.encryption = None;
    moved.access_denied = false;
    app.sandbox.insert_bucket(moved);

    let scan = app.scan_estate().await;
    assert_eq!(scan["status"], "completed", "{scan}");
    let viewer = app.api(Role::Viewer).await;
    let found = viewer.get(&format!("/api/v1/buckets/{name}")).await;
    assert_eq!(found.status, 200, "{}", found.json);
    assert_eq!(found.json["account"], "analytics-dev");
    assert_eq!(found.json["account_uid"], to.uid.as_str());
    assert_eq!(found.json["status"], "unencrypted");
    let listed = viewer.all_buckets(&format!("&q={name}")).await;
    assert_eq!(
        listed.len(),
        1,
        "only the present bucket is listed: {listed:?}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM bucket WHERE name = '{name}' AND gone_at IS NOT NULL"
        ))
        .await,
        1,
        "the old account keeps it, gone, with its history"
    );
}
