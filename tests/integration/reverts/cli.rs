//! `oss-audit revert`: the dry run prints the plan from the database alone and changes nothing;
//! the revert itself restores through OSS and is logged with the shell's user; bound to the dry
//! run's digest, it changes nothing when the plan changed since.

use oss_audit::domain::{EncryptionRule, Role};
use serde_json::{Value, json};

use super::{app_with, held, kms, newest_entry, put, remediate_all};
use crate::support::{OssAudit, TestApp, output_text, stdout};

/// `oss-audit revert ARGS` on the application's database as the user `ops`; with the sandbox's
/// keys and endpoint when `oss`.
async fn oss_audit_revert(app: &TestApp, args: &[&str], oss: bool) -> std::process::Output {
    let mut all = vec!["revert"];
    all.extend_from_slice(args);
    let command = OssAudit::new(&all).database(&app.db).env("USER", "ops");
    let command = if oss {
        command.sandbox(&app.sandbox)
    } else {
        command
    };
    command.output().await
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_and_changes_nothing_then_the_revert_restores_the_bucket() {
    let app = app_with(&[("ledger", Some(EncryptionRule::Aes256)), ("vault", None)]).await;
    let change = put(&app, "ledger", json!({"sse_algorithm": "KMS"})).await;
    let id = change.to_string();
    let logged_before = app.rows("change_log").await;

    // No OSS credentials: a plan needs only the database.
    let dry = oss_audit_revert(&app, &[&id, "--dry-run"], false).await;
    let text = output_text(&dry);
    assert!(dry.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "Revert change {id}: put-encryption of ledger by token:operator-token"
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "would restore  ledger: encrypted (KMS (OSS-managed key)) → PutBucketEncryption AES256"
        ),
        "{text}"
    );
    assert!(
        text.contains("Dry run: nothing was changed. 1 would be restored, 0 left alone."),
        "{text}"
    );
    let json_run = oss_audit_revert(&app, &[&id, "--dry-run", "--json"], false).await;
    let plan: Value = serde_json::from_str(&stdout(&json_run)).expect("JSON on stdout");
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["buckets"][0]["plan"], "restore");
    assert_eq!(plan["buckets"][0]["restore"]["sse_algorithm"], "AES256");
    assert_eq!(
        held(&app, "ledger"),
        Some(kms()),
        "the dry runs changed nothing"
    );
    assert_eq!(
        app.rows("change_log").await,
        logged_before,
        "and logged nothing"
    );

    let done = oss_audit_revert(&app, &[&id], true).await;
    let text = output_text(&done);
    assert!(done.status.success(), "{text}");
    assert!(
        text.contains("restored    ledger: now encrypted (AES256)"),
        "{text}"
    );
    assert!(
        text.contains("1 restored, 0 failed, 0 left alone."),
        "{text}"
    );
    assert_eq!(held(&app, "ledger"), Some(EncryptionRule::Aes256));
    let entry = newest_entry(&app, "ledger").await;
    assert_eq!(entry["action"], "revert");
    assert_eq!(entry["actor"], "cli:ops");
    assert_eq!(entry["reverts"], change);
}

#[tokio::test]
async fn a_whole_remediation_reverts_from_the_command_line_and_unknown_ids_are_refused() {
    let app = app_with(&[("alpha", None), ("bravo", None)]).await;
    let (run, _) = remediate_all(&app).await;
    put(&app, "bravo", json!({"sse_algorithm": "SM4"})).await;
    let run = run.to_string();

    let dry = oss_audit_revert(&app, &["--remediation", &run, "--dry-run"], false).await;
    let text = output_text(&dry);
    assert!(dry.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "Revert remediation run {run} by token:operator-token (AES256)"
        )),
        "{text}"
    );
    assert!(
        text.contains("would leave    bravo: changed since"),
        "{text}"
    );
    assert!(
        text.contains("1 would be restored, 1 left alone."),
        "{text}"
    );

    let done = oss_audit_revert(&app, &["--remediation", &run, "--json"], true).await;
    assert!(done.status.success(), "{}", output_text(&done));
    let answer: Value = serde_json::from_str(&stdout(&done)).expect("JSON on stdout");
    assert_eq!(
        (&answer["restored"], &answer["left_alone"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(held(&app, "alpha"), None);
    assert_eq!(held(&app, "bravo"), Some(EncryptionRule::Sm4));
    let viewer = app.api(Role::Viewer).await;
    let log = viewer.get("/api/v1/audit-log?actor=cli:ops").await.json;
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");

    let missing = oss_audit_revert(&app, &["99999", "--dry-run"], false).await;
    assert_eq!(missing.status.code(), Some(2), "{}", output_text(&missing));
    assert!(output_text(&missing).contains("there is no change 99999"));
}

#[tokio::test]
async fn a_revert_bound_to_the_digest_of_its_dry_run_changes_nothing_when_the_plan_changed_since() {
    let app = app_with(&[("ledger", Some(EncryptionRule::Aes256))]).await;
    let change = put(&app, "ledger", json!({"sse_algorithm": "KMS"})).await;
    let id = change.to_string();
    let dry = oss_audit_revert(&app, &[&id, "--dry-run"], false).await;
    let text = output_text(&dry);
    let at = text
        .find("Plan digest ")
        .unwrap_or_else(|| panic!("{text}"))
        + "Plan digest ".len();
    let digest = text[at..at + 64].to_owned();
    // The bucket changes again after the dry run: the plan now leaves it alone.
    put(&app, "ledger", json!({"sse_algorithm": "SM4"})).await;

    let stale = oss_audit_revert(&app, &[&id, "--plan-digest", &digest], true).await;

    assert_eq!(stale.status.code(), Some(1), "{}", output_text(&stale));
    assert!(
        output_text(&stale).contains("nothing was changed"),
        "{}",
        output_text(&stale)
    );
    assert_eq!(held(&app, "ledger"), Some(EncryptionRule::Sm4));
    let fresh = output_text(&oss_audit_revert(&app, &[&id, "--dry-run"], false).await);
    let at = fresh.find("Plan digest ").unwrap() + "Plan digest ".len();
    let bound = oss_audit_revert(&app, &[&id, "--plan-digest", &fresh[at..at + 64]], true).await;
    assert!(bound.status.success(), "{}", output_text(&bound));
    assert!(
        output_text(&bound).contains("0 restored, 0 failed, 1 left alone."),
        "{}",
        output_text(&bound)
    );
}
