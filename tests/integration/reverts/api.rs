//! `POST /api/v1/reverts`: plans, digests, per-bucket outcomes, and what OSS holds afterwards.

use oss_audit::domain::{EncryptionRule, Role};
use serde_json::{Value, json};

use super::{app_with, entries, held, kms, newest_entry, planned, put, remediate_all, revert};
use crate::reports::create_report;
use crate::support::TestApp;

fn sm4() -> Option<EncryptionRule> {
    Some(EncryptionRule::Sm4)
}

#[tokio::test]
async fn reverting_one_change_restores_the_rule_before_it_and_logs_a_revert_naming_it() {
    let app = app_with(&[
        ("ledger", Some(EncryptionRule::Aes256)),
        ("team-wiki", None),
        ("vault", sm4()),
    ])
    .await;
    let operator = app.api(Role::Operator).await;
    let to_kms = put(&app, "ledger", json!({"sse_algorithm": "KMS"})).await;
    let on_plain = put(&app, "team-wiki", json!({"sse_algorithm": "AES256"})).await;
    assert_eq!(held(&app, "ledger"), Some(kms()));

    // The plan changes nothing and says what comes back.
    let plan = revert(&operator, json!({"change": to_kms, "dry_run": true}), 200).await;
    assert_eq!(plan["dry_run"], true);
    assert_eq!(
        (&plan["restored"], &plan["left_alone"]),
        (&json!(1), &json!(0))
    );
    let ledger = planned(&plan, "ledger");
    assert_eq!(ledger["plan"], "restore", "{plan}");
    assert_eq!(ledger["change"], to_kms);
    assert_eq!(ledger["restore"]["sse_algorithm"], "AES256");
    assert_eq!(ledger["now"]["sse_algorithm"], "KMS");
    assert_eq!(ledger["outcome"], Value::Null);
    assert_eq!(
        held(&app, "ledger"),
        Some(kms()),
        "a dry run changes nothing"
    );

    let digest = plan["plan_digest"].as_str().unwrap();
    let done = revert(
        &operator,
        json!({"change": to_kms, "plan_digest": digest}),
        200,
    )
    .await;
    assert_eq!(planned(&done, "ledger")["outcome"], "restored", "{done}");
    assert_eq!(planned(&done, "ledger")["after"]["sse_algorithm"], "AES256");
    assert_eq!(held(&app, "ledger"), Some(EncryptionRule::Aes256));
    let run = done["run"].as_i64().expect("the revert is a run");

    // The revert is itself an entry that names what it reverts.
    let logged = newest_entry(&app, "ledger").await;
    assert_eq!(logged["action"], "revert");
    assert_eq!(logged["reverts"], to_kms);
    assert_eq!(logged["run"], run);
    assert_eq!(logged["actor"], "token:operator-token");
    assert_eq!(logged["before"]["sse_algorithm"], "KMS");
    assert_eq!(logged["after"]["sse_algorithm"], "AES256");
    assert_eq!(logged["detail"], format!("reverts change {to_kms}"));

    // A bucket that had no rule gets none again: DeleteBucketEncryption.
    let done = revert(&operator, json!({"change": on_plain}), 200).await;
    assert_eq!(
        planned(&done, "team-wiki")["restore"]["status"],
        "unencrypted"
    );
    assert_eq!(held(&app, "team-wiki"), None);

    // Reverting the revert restores what the revert replaced.
    let the_revert = logged["id"].as_i64().unwrap();
    let again = revert(&operator, json!({"change": the_revert}), 200).await;
    assert_eq!(planned(&again, "ledger")["outcome"], "restored", "{again}");
    assert_eq!(held(&app, "ledger"), Some(kms()));
    assert_eq!(newest_entry(&app, "ledger").await["reverts"], the_revert);
    assert_eq!(held(&app, "vault"), sm4(), "untouched");

    // Every revert is in the next report's audit entries, with what it reverts.
    let report = create_report(&app).await;
    let id = report["id"].as_i64().unwrap();
    let document = app
        .api(Role::Viewer)
        .await
        .get(&format!("/api/v1/reports/{id}?format=json"))
        .await
        .json;
    let reverts: Vec<&Value> = document["changes"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "revert")
        .collect();
    let details: Vec<&str> = reverts
        .iter()
        .filter_map(|a| a["detail"].as_str())
        .collect();
    assert_eq!(
        details,
        [
            format!("reverts change {to_kms}"),
            format!("reverts change {on_plain}"),
            format!("reverts change {the_revert}"),
        ],
        "{document}"
    );
    let ledger_now = document["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "ledger")
        .unwrap();
    assert_eq!(ledger_now["last_change"]["action"], "revert");
}

#[tokio::test]
async fn reverting_a_remediation_leaves_buckets_changed_since_alone_unless_included_and_can_be_reverted()
 {
    let app = app_with(&[
        ("alpha", None),
        ("bravo", None),
        ("charlie", None),
        ("delta", Some(EncryptionRule::Aes256)),
    ])
    .await;
    let operator = app.api(Role::Operator).await;
    let (remediation, answer) = remediate_all(&app).await;
    assert_eq!(answer["remediated"], json!(["alpha", "bravo", "charlie"]));
    // Changed again since: bravo through oss-audit, charlie behind its back (seen by a scan).
    put(&app, "bravo", json!({"sse_algorithm": "KMS"})).await;
    app.sandbox.set_encryption("charlie", sm4());
    app.scan().await;
    let logged = entries(&app, "alpha").await;
    assert_eq!(
        logged[0]["run"], remediation,
        "the remediation's entries name its run"
    );
    assert_eq!(
        logged[0]["detail"],
        format!("remediation run {remediation}")
    );

    let body = json!({"remediation": remediation, "dry_run": true});
    let plan = revert(&operator, body, 200).await;
    assert_eq!(plan["remediation"], remediation);
    assert_eq!(planned(&plan, "alpha")["plan"], "restore");
    for changed in ["bravo", "charlie"] {
        let bucket = planned(&plan, changed);
        assert_eq!(bucket["plan"], "changed_since", "{plan}");
        assert!(
            bucket["reason"]
                .as_str()
                .unwrap()
                .starts_with("changed since"),
            "{bucket}"
        );
    }
    assert_eq!(
        plan["buckets"].as_array().unwrap().len(),
        3,
        "delta was not in the run"
    );
    assert_eq!(
        (&plan["restored"], &plan["left_alone"]),
        (&json!(1), &json!(2))
    );

    let done = revert(&operator, json!({"remediation": remediation}), 200).await;
    assert_eq!(
        (&done["restored"], &done["failed"], &done["left_alone"]),
        (&json!(1), &json!(0), &json!(2))
    );
    assert_eq!(planned(&done, "bravo")["outcome"], "left_alone");
    assert_eq!(held(&app, "alpha"), None);
    assert_eq!(
        held(&app, "bravo"),
        Some(kms()),
        "changed since: left alone"
    );
    assert_eq!(held(&app, "charlie"), sm4(), "changed since: left alone");
    assert_eq!(held(&app, "delta"), Some(EncryptionRule::Aes256));
    let first_revert = done["run"].as_i64().unwrap();

    // A revert of the revert puts the remediation's rule back where the revert removed it.
    let again = revert(&operator, json!({"remediation": first_revert}), 200).await;
    assert_eq!(again["restored"], 1, "{again}");
    assert_eq!(held(&app, "alpha"), Some(EncryptionRule::Aes256));
    let logged = newest_entry(&app, "alpha").await;
    assert_eq!(logged["action"], "revert");
    assert_eq!(logged["run"], again["run"]);

    // Included explicitly, the buckets changed since are restored too.
    let body = json!({"remediation": remediation, "include_changed": true});
    let all = revert(&operator, body, 200).await;
    assert_eq!(all["restored"], 3, "{all}");
    for name in ["alpha", "bravo", "charlie"] {
        assert_eq!(held(&app, name), None, "{name} has no rule again");
        assert_eq!(newest_entry(&app, name).await["action"], "revert");
    }
    assert_eq!(held(&app, "delta"), Some(EncryptionRule::Aes256));
}

#[tokio::test]
async fn a_confirmation_of_a_plan_that_changed_since_is_refused_with_409_and_changes_nothing() {
    let app = app_with(&[("ledger", Some(EncryptionRule::Aes256))]).await;
    let operator = app.api(Role::Operator).await;
    let change = put(&app, "ledger", json!({"sse_algorithm": "KMS"})).await;
    let plan = revert(&operator, json!({"change": change, "dry_run": true}), 200).await;
    let digest = plan["plan_digest"].as_str().unwrap().to_owned();
    assert_eq!(digest.len(), 64, "a SHA-256");

    put(&app, "ledger", json!({"sse_algorithm": "SM4"})).await;
    let entries_before = entries(&app, "ledger").await.len();
    let refused = revert(
        &operator,
        json!({"change": change, "plan_digest": digest, "include_changed": true}),
        409,
    )
    .await;
    assert_eq!(refused["error"]["code"], "stale_plan", "{refused}");
    assert_eq!(
        held(&app, "ledger"),
        Some(EncryptionRule::Sm4),
        "nothing changed"
    );
    assert_eq!(entries(&app, "ledger").await.len(), entries_before);

    // The plan now says so, and its digest is another one.
    let now = revert(&operator, json!({"change": change, "dry_run": true}), 200).await;
    assert_eq!(planned(&now, "ledger")["plan"], "changed_since");
    assert_ne!(now["plan_digest"], digest.as_str());
}

#[tokio::test]
async fn changes_that_wrote_nothing_or_no_encryption_are_not_revertible_and_say_why() {
    let app = TestApp::scanned(40).await;
    let operator = app.api(Role::Operator).await;
    let denied = app.names(|b| b.access_denied)[0].clone();
    let path = format!("/api/v1/buckets/{denied}/encryption");
    let refused = operator
        .call("PUT", &path, Some(json!({"sse_algorithm": "AES256"})))
        .await;
    assert_eq!(refused.status, 502);
    let entry = newest_entry(&app, &denied).await;
    assert_eq!(entry["outcome"], "AccessDenied");

    let answer = revert(&operator, json!({"change": entry["id"]}), 409).await;
    assert_eq!(answer["error"]["code"], "not_revertible");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("OSS refused")
            && message.contains("AccessDenied")
            && message.contains("nothing was written"),
        "{message}"
    );

    let admin = app.api(Role::Admin).await;
    let policy = json!({"requirement": "kms", "remediation_target": {"sse_algorithm": "KMS"}});
    assert_eq!(
        admin
            .call("PUT", "/api/v1/policy", Some(policy))
            .await
            .status,
        200
    );
    let all = admin.get("/api/v1/audit-log?limit=1").await.json;
    assert_eq!(all["entries"][0]["action"], "set-policy");
    let answer = revert(&operator, json!({"change": all["entries"][0]["id"]}), 409).await;
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("set-policy"),
        "{answer}"
    );

    let missing = revert(&operator, json!({"change": 99_999}), 404).await;
    assert_eq!(missing["error"]["code"], "not_found");
    revert(&operator, json!({"remediation": 99_999}), 404).await;
    revert(&operator, json!({"change": 1, "remediation": 1}), 400).await;
    revert(&operator, json!({"dry_run": true}), 400).await;
    revert(&operator, json!({"change": 0}), 400).await;
}

#[tokio::test]
async fn viewers_are_refused_403_and_change_nothing() {
    let app = app_with(&[("ledger", Some(EncryptionRule::Aes256))]).await;
    let change = put(&app, "ledger", json!({"sse_algorithm": "KMS"})).await;
    let viewer = app.api(Role::Viewer).await;
    for body in [
        json!({"change": change}),
        json!({"change": change, "dry_run": true}),
    ] {
        let answer = revert(&viewer, body, 403).await;
        assert_eq!(answer["error"]["code"], "forbidden");
    }
    assert_eq!(held(&app, "ledger"), Some(kms()));
    revert(&app.anonymous(), json!({"change": change}), 401).await;
}
