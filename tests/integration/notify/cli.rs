//! `oss-audit notify ...` through the real binary, with no OSS credentials: targets are added
//! (secret from the environment), listed masked, tested, delivered once, and removed.

use std::process::Output;

use crate::support::{OssAudit, Receiver, TestDb, output_text as text, verified_webhook};

const SECRET: &str = "cli-signing-secret-9911";

/// Runs `oss-audit ARGS` on `db` as the user `ops`, with `env` as the rest of the environment,
/// letting notifications reach the test's receiver on loopback.
async fn oss_audit(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    OssAudit::new(args)
        .database(db)
        .local_receivers()
        .env("USER", "ops")
        .envs(env)
        .output()
        .await
}

#[tokio::test]
async fn notify_commands_add_list_test_deliver_and_remove_targets() {
    let db = TestDb::new();
    let receiver = Receiver::start().await;
    let url = receiver.url("/hooks/cli-path-token-4242");

    let bad = oss_audit(
        &db,
        &[
            "notify",
            "add",
            "--kind",
            "webhook",
            "--name",
            "ops",
            "--url",
            "ftp://x/y",
        ],
        &[("OSS_AUDIT_NOTIFY_SECRET", SECRET)],
    )
    .await;
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("https://"), "{}", text(&bad));

    let no_secret = oss_audit(
        &db,
        &["notify", "add", "--kind", "webhook", "--name", "ops"],
        &[("OSS_AUDIT_NOTIFY_URL", &url)],
    )
    .await;
    assert_eq!(no_secret.status.code(), Some(2), "{}", text(&no_secret));
    assert!(text(&no_secret).contains("secret"), "{}", text(&no_secret));

    let added = oss_audit(
        &db,
        &["notify", "add", "--kind", "webhook", "--name", "ops"],
        &[
            ("OSS_AUDIT_NOTIFY_URL", &url),
            ("OSS_AUDIT_NOTIFY_SECRET", SECRET),
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));

    let list = oss_audit(&db, &["notify", "list"], &[]).await;
    assert!(list.status.success(), "{}", text(&list));
    let listed = text(&list);
    assert!(
        listed.contains("ops") && listed.contains(&format!("{}/…", receiver.base)),
        "{listed}"
    );
    for output in [&added, &list] {
        let shown = text(output);
        assert!(
            !shown.contains(SECRET) && !shown.contains("cli-path-token-4242"),
            "{shown}"
        );
    }

    let test = oss_audit(&db, &["notify", "test", "ops"], &[]).await;
    assert!(test.status.success(), "{}", text(&test));
    assert!(receiver.requests().is_empty(), "queued, not sent");
    let deliver = oss_audit(
        &db,
        &[
            "notify",
            "deliver",
            "--public-url",
            "https://audit.example.test",
        ],
        &[],
    )
    .await;
    assert!(deliver.status.success(), "{}", text(&deliver));
    assert!(text(&deliver).contains("delivered 1"), "{}", text(&deliver));
    let body = verified_webhook(&receiver.requests()[0], SECRET);
    assert_eq!(body["event"]["type"], "test");
    assert_eq!(body["event"]["actor"], "cli:ops");
    assert_eq!(
        body["link"],
        "https://audit.example.test/settings/notifications"
    );

    let missing = oss_audit(&db, &["notify", "remove", "nobody"], &[]).await;
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    let removed = oss_audit(&db, &["notify", "remove", "ops"], &[]).await;
    assert!(removed.status.success(), "{}", text(&removed));
    let list = oss_audit(&db, &["notify", "list"], &[]).await;
    assert!(!text(&list).contains("ops"), "{}", text(&list));
}
