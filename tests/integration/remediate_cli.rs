//! `oss-audit remediate`: the dry run prints the plan and its digest from the database alone; a
//! run needs that digest (or `--force`), changes nothing when the plan changed since, and is
//! logged with the shell's user; named buckets already compliant are left alone.

use oss_audit::domain::{EncryptionRule, Role};
use serde_json::json;

use crate::support::{OssAudit, TestApp, output_text, readable_encrypted, readable_unencrypted};

/// `oss-audit remediate ARGS` on the application's database as the user `ops`, with the
/// sandbox's keys and endpoint.
async fn oss_audit_remediate(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut all = vec!["remediate"];
    all.extend_from_slice(args);
    OssAudit::new(&all)
        .database(&app.db)
        .sandbox(&app.sandbox)
        .env("USER", "ops")
        .output()
        .await
}

/// The digest a dry run printed.
fn digest_of(text: &str) -> String {
    let at = text
        .find("Plan digest ")
        .unwrap_or_else(|| panic!("{text}"))
        + "Plan digest ".len();
    text[at..at + 64].to_owned()
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_a_run_with_its_digest_carries_out_and_a_stale_one_is_refused() {
    let app = TestApp::scanned(30).await;
    let unencrypted = app.names(readable_unencrypted);
    let before = app.sandbox.buckets();

    let dry = oss_audit_remediate(&app, &["--dry-run"]).await;
    let text = output_text(&dry);
    assert!(dry.status.success(), "{text}");
    assert!(text.contains("Remediate with AES256"), "{text}");
    for name in &unencrypted {
        assert!(
            text.contains(&format!("would encrypt  {name} (default) → AES256")),
            "{text}"
        );
    }
    let count = unencrypted.len();
    assert!(
        text.contains(&format!(
            "Dry run: nothing was changed. {count} would be encrypted, 0 left alone."
        )),
        "{text}"
    );
    let digest = digest_of(&text);
    assert_eq!(app.sandbox.buckets(), before, "the dry run changed nothing");

    let unbound = oss_audit_remediate(&app, &[]).await;
    assert_eq!(unbound.status.code(), Some(2), "{}", output_text(&unbound));
    assert!(
        output_text(&unbound).contains("--plan-digest"),
        "{}",
        output_text(&unbound)
    );

    // Someone encrypts one of the planned buckets in the meantime.
    let one = &unencrypted[0];
    let put = app
        .api(Role::Operator)
        .await
        .call(
            "PUT",
            &format!("/api/v1/buckets/{one}/encryption"),
            Some(json!({"sse_algorithm": "AES256"})),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.json);
    let meanwhile = app.sandbox.buckets();
    let stale = oss_audit_remediate(&app, &["--plan-digest", &digest]).await;
    assert_eq!(stale.status.code(), Some(1), "{}", output_text(&stale));
    assert!(
        output_text(&stale).contains("nothing was changed"),
        "{}",
        output_text(&stale)
    );
    assert_eq!(app.sandbox.buckets(), meanwhile);

    let fresh = digest_of(&output_text(
        &oss_audit_remediate(&app, &["--dry-run"]).await,
    ));
    let done = oss_audit_remediate(&app, &["--plan-digest", &fresh]).await;
    let text = output_text(&done);
    assert!(done.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "{} encrypted with AES256, 0 failed, 0 left alone.",
            count - 1
        )),
        "{text}"
    );
    for name in &unencrypted {
        assert_eq!(
            app.truth()[name.as_str()].encryption,
            Some(EncryptionRule::Aes256),
            "{name}"
        );
    }
    let by_cli = app
        .count("SELECT count(*) FROM change_log WHERE action = 'remediate' AND actor = 'cli:ops'")
        .await;
    assert_eq!(by_cli, (count - 1) as i64);
}

#[tokio::test]
async fn named_buckets_already_compliant_are_left_alone_unless_forced() {
    let app = TestApp::scanned(30).await;
    let compliant = &app.names(readable_encrypted)[0];

    let dry = oss_audit_remediate(&app, &["--bucket", compliant, "--dry-run"]).await;
    let text = output_text(&dry);
    assert!(dry.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "would leave    {compliant} (default): already compliant ("
        )),
        "{text}"
    );
    assert!(
        text.contains("0 would be encrypted, 1 left alone."),
        "{text}"
    );

    let forced = oss_audit_remediate(&app, &["--bucket", compliant, "--force"]).await;
    let text = output_text(&forced);
    assert!(forced.status.success(), "{text}");
    assert!(text.contains(&format!("encrypted   {compliant}")), "{text}");
    assert!(
        text.contains("1 encrypted with AES256, 0 failed, 0 left alone."),
        "{text}"
    );
}
