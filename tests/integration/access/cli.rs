//! `oss-audit user ...` and `oss-audit token ...` through the real binary, with no OSS
//! credentials in the environment, against the database of a running application.

use std::process::{Output, Stdio};

use oss_audit::auth::secrets::sha256_hex;
use oss_audit::auth::{Principal, Role, tokens};
use tokio::io::AsyncWriteExt;

use crate::app_helpers::{TestApp, location};

/// Runs `oss-audit ARGS` on `database_url` with `stdin` as standard input and nothing else in
/// the environment (so no credentials).
async fn oss_audit(database_url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("USER", "ops")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oss-audit starts");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    child.wait_with_output().await.expect("oss-audit runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn user_commands_add_list_set_passwords_and_disable_users() {
    let app = TestApp::spawn().await;
    let db = app.db.url.as_str();
    let endpoint = || async {
        sqlx::query_scalar::<_, String>("SELECT endpoint FROM account")
            .fetch_all(app.store.pool())
            .await
            .unwrap()
    };
    let endpoint_before = endpoint().await;

    let short = oss_audit(
        db,
        &["user", "add", "carol", "--role", "operator"],
        "too short\n",
    )
    .await;
    assert_eq!(short.status.code(), Some(2), "{}", stderr(&short));
    assert!(
        stderr(&short).contains("at least 12 characters"),
        "{}",
        stderr(&short)
    );
    let empty = oss_audit(db, &["user", "add", "carol", "--role", "operator"], "").await;
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("empty"), "{}", stderr(&empty));

    let added = oss_audit(
        db,
        &["user", "add", "carol", "--role", "operator"],
        "first password 1\n",
    )
    .await;
    assert!(added.status.success(), "{}", stderr(&added));
    let twice = oss_audit(
        db,
        &["user", "add", "Carol", "--role", "viewer"],
        "first password 1\n",
    )
    .await;
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("already exists"),
        "{}",
        stderr(&twice)
    );
    assert_eq!(location(&app.login("carol", "first password 1").await), "/");
    assert!(
        app.home()
            .await
            .text()
            .await
            .unwrap()
            .contains("· operator</span>")
    );

    let list = stdout(&oss_audit(db, &["user", "list"], "").await);
    let carol = list
        .lines()
        .find(|l| l.starts_with("carol "))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        carol.contains("operator") && carol.trim_end().ends_with('-'),
        "{carol}"
    );
    assert!(!list.contains("$argon2"), "hashes never listed: {list}");

    let set = oss_audit(
        db,
        &["user", "set-password", "carol"],
        "second password 2\n",
    )
    .await;
    assert!(set.status.success(), "{}", stderr(&set));
    assert_eq!(
        app.home().await.status(),
        303,
        "sessions ended by the new password"
    );
    assert_eq!(
        location(&app.login("carol", "first password 1").await),
        "/login?error=invalid"
    );
    assert_eq!(
        location(&app.login("carol", "second password 2").await),
        "/"
    );

    let disabled = oss_audit(db, &["user", "disable", "carol"], "").await;
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    assert_eq!(app.home().await.status(), 303, "signed out at once");
    assert_eq!(
        location(&app.login("carol", "second password 2").await),
        "/login?error=invalid"
    );
    let list = stdout(&oss_audit(db, &["user", "list"], "").await);
    let carol = list.lines().find(|l| l.starts_with("carol ")).unwrap();
    assert!(
        carol.trim_end().ends_with("UTC"),
        "disabled date shown: {carol}"
    );

    let missing = oss_audit(db, &["user", "disable", "nobody"], "").await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no user called"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(
        endpoint().await,
        endpoint_before,
        "the audited account is untouched"
    );
}

#[tokio::test]
async fn token_create_prints_the_token_once_on_the_last_line_and_stores_only_its_digest() {
    let app = TestApp::spawn().await;
    let db = app.db.url.as_str();

    let created = oss_audit(
        db,
        &["token", "create", "--name", "ci", "--role", "operator"],
        "",
    )
    .await;

    assert!(created.status.success(), "{}", stderr(&created));
    let out = stdout(&created);
    let token = out.lines().last().unwrap().to_owned();
    assert!(token.starts_with("oa_") && token.len() == 46, "{out}");
    assert!(
        out.lines()
            .rev()
            .nth(1)
            .unwrap()
            .contains("will not be shown again"),
        "{out}"
    );
    let (hash, prefix, created_by): (String, String, String) =
        sqlx::query_as("SELECT token_hash, prefix, created_by FROM api_token")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(hash, sha256_hex(&token));
    assert_eq!(prefix, token[..10]);
    assert_eq!(created_by, "cli:ops");
    let everything: String = sqlx::query_scalar(
        "SELECT name || role || token_hash || prefix || created_at || created_by FROM api_token",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(
        !everything.contains(&token),
        "the token itself is not stored"
    );

    // Works at once against the running application's database.
    let principal = tokens::authenticate(&app.store, &token).await.unwrap();
    assert!(
        matches!(&principal, Some(Principal::Token { name, role: Role::Operator, .. }) if name == "ci"),
        "{principal:?}"
    );
    let list = stdout(&oss_audit(db, &["token", "list"], "").await);
    let row = list
        .lines()
        .find(|l| l.contains(" ci "))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        row.contains(&token[..10]) && row.contains("operator"),
        "{row}"
    );
    assert!(!list.contains(&token), "never listed again: {list}");
    assert!(row.trim_end().ends_with('-'), "not revoked: {row}");

    let revoked = oss_audit(db, &["token", "revoke", "1"], "").await;
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    assert_eq!(
        tokens::authenticate(&app.store, &token).await.unwrap(),
        None
    );
    let list = stdout(&oss_audit(db, &["token", "list"], "").await);
    assert!(
        list.lines().last().unwrap().trim_end().ends_with("UTC"),
        "{list}"
    );
    let unknown = oss_audit(db, &["token", "revoke", "99"], "").await;
    assert_eq!(unknown.status.code(), Some(1));
}

#[tokio::test]
async fn unknown_and_malformed_tokens_authenticate_as_nobody() {
    let app = TestApp::spawn().await;
    for bearer in ["", "oa_", "not-a-token", &format!("oa_{}", "A".repeat(43))] {
        assert_eq!(
            tokens::authenticate(&app.store, bearer).await.unwrap(),
            None,
            "{bearer:?}"
        );
    }
}
