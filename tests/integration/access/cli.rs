//! `oss-audit user ...` and `oss-audit token ...` through the real binary, with no OSS
//! credentials in the environment, against the database of a running application.

use std::process::Output;

use oss_audit::auth::secrets::sha256_hex;
use oss_audit::auth::{Principal, tokens};
use oss_audit::domain::Role;

use crate::support::{OssAudit, TestApp, TestDb, location, stderr, stdout};

/// Runs `oss-audit ARGS` on `db` as the user `ops` with `stdin` as standard input and nothing
/// else in the environment (so no credentials).
async fn oss_audit(db: &TestDb, args: &[&str], stdin: &str) -> Output {
    OssAudit::new(args)
        .database(db)
        .env("USER", "ops")
        .stdin(stdin)
        .output()
        .await
}

#[tokio::test]
async fn user_commands_add_list_set_passwords_and_disable_users() {
    let app = TestApp::start(0).await;
    let web = app.visitor();
    let db = &app.db;
    let endpoint = || async {
        sqlx::query_scalar::<_, String>("SELECT endpoint FROM account")
            .fetch_all(app.db.pool().await)
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
    assert_eq!(location(&web.login("carol", "first password 1").await), "/");
    assert!(
        web.home()
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
        web.home().await.status(),
        303,
        "sessions ended by the new password"
    );
    assert_eq!(
        location(&web.login("carol", "first password 1").await),
        "/login?error=invalid"
    );
    assert_eq!(
        location(&web.login("carol", "second password 2").await),
        "/"
    );

    let disabled = oss_audit(db, &["user", "disable", "carol"], "").await;
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    assert_eq!(web.home().await.status(), 303, "signed out at once");
    assert_eq!(
        location(&web.login("carol", "second password 2").await),
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
    let app = TestApp::start(0).await;
    let db = &app.db;

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
            .fetch_one(app.db.pool().await)
            .await
            .unwrap();
    assert_eq!(hash, sha256_hex(&token));
    assert_eq!(prefix, token[..10]);
    assert_eq!(created_by, "cli:ops");
    let everything: String = sqlx::query_scalar(
        "SELECT name || role || token_hash || prefix || created_at || created_by FROM api_token",
    )
    .fetch_one(app.db.pool().await)
    .await
    .unwrap();
    assert!(
        !everything.contains(&token),
        "the token itself is not stored"
    );

    // Works at once against the running application's database.
    let principal = tokens::authenticate(app.store(), &token).await.unwrap();
    assert!(
        matches!(&principal, Some(Principal::Token { name, access, .. }) if name == "ci" && access.role_for(app.account()) == Role::Operator),
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
        tokens::authenticate(app.store(), &token).await.unwrap(),
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
    let app = TestApp::start(0).await;
    for bearer in ["", "oa_", "not-a-token", &format!("oa_{}", "A".repeat(43))] {
        assert_eq!(
            tokens::authenticate(app.store(), bearer).await.unwrap(),
            None,
            "{bearer:?}"
        );
    }
}
