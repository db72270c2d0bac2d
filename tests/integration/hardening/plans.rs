//! The remediation API runs only the plan that was shown: a dry run answers with the plan and its
//! digest, a run needs that digest (or `force`), and a digest of a plan that changed since is
//! refused with 409 before anything changes. Named buckets already compliant or exempt are
//! skipped unless forced.

use chrono::{Duration, SecondsFormat, Utc};
use oss_audit::domain::{EncryptionRule, Role};
use serde_json::{Value, json};

use crate::support::{TestApp, readable_encrypted, readable_unencrypted};

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_dry_run_shows_the_plan_and_its_digest_and_the_run_with_that_digest_does_exactly_it() {
    let app = TestApp::scanned(30).await;
    let operator = app.api(Role::Operator).await;
    let before = app.sandbox.buckets();
    let mut expected = app.names(readable_unencrypted);
    expected.sort();

    let dry = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"dry_run": true})),
        )
        .await;

    assert_eq!(dry.status, 200, "{}", dry.json);
    assert_eq!(dry.json["dry_run"], true);
    assert_eq!(dry.json["target"], "AES256");
    assert_eq!(names(&dry.json["plan"]), expected);
    assert_eq!(dry.json["remediated"], json!([]));
    assert_eq!(app.sandbox.buckets(), before, "a dry run changes nothing");
    let digest = dry.json["plan_digest"].as_str().unwrap().to_owned();
    assert_eq!(digest.len(), 64, "{digest}");
    let again = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"dry_run": true})),
        )
        .await;
    assert_eq!(again.json["plan_digest"], digest.as_str(), "the same plan");

    let unbound = operator
        .call("POST", "/api/v1/remediations", Some(json!({})))
        .await;
    assert_eq!(unbound.status, 400, "{}", unbound.json);
    let message = unbound.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("plan_digest") && message.contains("force"),
        "{message}"
    );
    assert_eq!(app.sandbox.buckets(), before);

    let run = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"plan_digest": digest})),
        )
        .await;

    assert_eq!(run.status, 200, "{}", run.json);
    assert_eq!(run.json["dry_run"], false);
    assert_eq!(names(&run.json["remediated"]), expected);
    assert_eq!(run.json["plan_digest"], digest.as_str());
}

#[tokio::test]
async fn a_digest_of_a_plan_that_changed_since_the_dry_run_gets_409_and_changes_nothing() {
    let app = TestApp::scanned(30).await;
    let operator = app.api(Role::Operator).await;
    let dry = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"dry_run": true})),
        )
        .await;
    let digest = dry.json["plan_digest"].as_str().unwrap().to_owned();
    let one = app.names(readable_unencrypted).remove(0);
    let encrypted = operator
        .call(
            "PUT",
            &format!("/api/v1/buckets/{one}/encryption"),
            Some(json!({"sse_algorithm": "AES256"})),
        )
        .await;
    assert_eq!(encrypted.status, 200, "{}", encrypted.json);
    let before = app.sandbox.buckets();

    let stale = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"plan_digest": digest})),
        )
        .await;

    assert_eq!(stale.status, 409, "{}", stale.json);
    assert_eq!(stale.json["error"]["code"], "stale_plan");
    let message = stale.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("changed since the dry run"), "{message}");
    assert_eq!(app.sandbox.buckets(), before, "nothing changed");
    let both = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"plan_digest": digest, "force": true})),
        )
        .await;
    assert_eq!(
        both.status, 409,
        "force with a digest still runs only that plan"
    );
    assert_eq!(app.sandbox.buckets(), before);

    let forced = operator
        .call("POST", "/api/v1/remediations", Some(json!({"force": true})))
        .await;
    assert_eq!(forced.status, 200, "{}", forced.json);
    assert!(!names(&forced.json["remediated"]).contains(&one));
}

/// The number of remediation entries the audit log holds for `bucket`.
async fn remediations_of(app: &TestApp, bucket: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) FROM change_log WHERE action = 'remediate' AND bucket = '{bucket}'"
    ))
    .await
}

#[tokio::test]
async fn named_buckets_already_compliant_or_exempt_are_skipped_unless_forced() {
    let app = TestApp::scanned(30).await;
    let operator = app.api(Role::Operator).await;
    let unencrypted = app.names(readable_unencrypted);
    let (plain, excused) = (&unencrypted[0], &unencrypted[1]);
    let compliant = &app.names(readable_encrypted)[0];
    let requested = operator
        .call(
            "POST",
            "/api/v1/exemptions",
            Some(json!({
                "buckets": excused,
                "reason": "a public static site",
                "expires_at": (Utc::now() + Duration::days(30))
                    .to_rfc3339_opts(SecondsFormat::Secs, true),
            })),
        )
        .await;
    assert_eq!(requested.status, 201, "{}", requested.json);
    let id = requested.json["id"].as_i64().unwrap();
    let approved = app
        .api(Role::Admin)
        .await
        .call("POST", &format!("/api/v1/exemptions/{id}/approve"), None)
        .await;
    assert_eq!(approved.status, 200, "{}", approved.json);
    let chosen = json!([plain, compliant, excused]);

    let dry = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"buckets": chosen, "dry_run": true})),
        )
        .await;

    assert_eq!(dry.status, 200, "{}", dry.json);
    assert_eq!(dry.json["plan"], json!([plain]));
    let skipped = dry.json["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0]["name"], compliant.as_str());
    let why = skipped[0]["reason"].as_str().unwrap();
    let held = app.truth()[compliant.as_str()].encryption.clone().unwrap();
    assert_eq!(why, format!("already compliant ({held})"));
    assert_eq!(skipped[1]["name"], excused.as_str());
    assert_eq!(skipped[1]["reason"], format!("exempt (exemption {id})"));

    let run = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"buckets": chosen, "plan_digest": dry.json["plan_digest"]})),
        )
        .await;
    assert_eq!(run.status, 200, "{}", run.json);
    assert_eq!(run.json["remediated"], json!([plain]));
    assert_eq!(run.json["skipped"], dry.json["skipped"]);
    assert_eq!(remediations_of(&app, compliant).await, 0, "not touched");
    assert!(
        app.truth()[excused.as_str()].encryption.is_none(),
        "not touched"
    );
    let logged = app
        .count(&format!(
            "SELECT left_alone FROM change_run WHERE id = {}",
            run.json["run"]
        ))
        .await;
    assert_eq!(
        logged, 2,
        "the run counts the skipped buckets as left alone"
    );

    let forced = operator
        .call(
            "POST",
            "/api/v1/remediations",
            Some(json!({"buckets": [compliant, excused], "force": true})),
        )
        .await;
    assert_eq!(forced.status, 200, "{}", forced.json);
    assert_eq!(forced.json["remediated"], json!([compliant, excused]));
    assert_eq!(forced.json["skipped"], json!([]));
    assert_eq!(remediations_of(&app, compliant).await, 1);
    assert_eq!(
        app.truth()[excused.as_str()].encryption,
        Some(EncryptionRule::Aes256)
    );
}

#[tokio::test]
async fn the_preview_digest_read_from_the_database_is_the_digest_of_the_plan_a_run_makes() {
    use oss_audit::actions::remediation::{Selection, plan, preview};
    use oss_audit::store;

    let app = TestApp::scanned(40).await;
    let (db, hub) = (app.store(), app.account());
    let every = Selection::AllNonCompliant;
    let candidates = store::list_noncompliant_candidates(db).await.unwrap();
    assert_eq!(candidates.len(), app.names(readable_unencrypted).len());
    assert_eq!(
        store::noncompliant_fingerprint(db).await.unwrap(),
        store::fingerprint_of(&candidates)
    );
    let first = preview(db, hub, &every, &[]).await.unwrap().digest;
    assert_eq!(first, plan(db, hub, &every).await.unwrap().digest);

    let one = app.names(readable_unencrypted).remove(0);
    let encrypted = app
        .api(Role::Operator)
        .await
        .call(
            "PUT",
            &format!("/api/v1/buckets/{one}/encryption"),
            Some(json!({"sse_algorithm": "AES256"})),
        )
        .await;
    assert_eq!(encrypted.status, 200, "{}", encrypted.json);

    let second = preview(db, hub, &every, &[]).await.unwrap().digest;
    assert_ne!(second, first, "one bucket fewer");
    assert_eq!(second, plan(db, hub, &every).await.unwrap().digest);

    let forced = app
        .api(Role::Operator)
        .await
        .call("POST", "/api/v1/remediations", Some(json!({"force": true})))
        .await;
    assert_eq!(forced.status, 200, "{}", forced.json);
    assert_eq!(store::noncompliant_fingerprint(db).await.unwrap(), "");
    assert_eq!(
        preview(db, hub, &every, &[]).await.unwrap().digest,
        plan(db, hub, &every).await.unwrap().digest,
        "nothing left to change"
    );
}
