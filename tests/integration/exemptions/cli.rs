//! `oss-audit exemption`: the shell's user requests; another user approves; the same user cannot.

use oss_audit::domain::Role;
use serde_json::Value;

use super::{names, start};
use crate::support::{OssAudit, output_text, stdout};

async fn run(app: &crate::support::TestApp, user: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["exemption"];
    all.extend_from_slice(args);
    OssAudit::new(&all)
        .database(&app.db)
        .env("USER", user)
        .output()
        .await
}

#[tokio::test]
async fn the_cli_refuses_an_approval_by_the_user_who_requested_and_takes_another_users() {
    let (app, _clock) = start().await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    let requested = run(
        &app,
        "carol",
        &[
            "request",
            "cdn-*",
            "--reason",
            "static site",
            "--expires",
            &expires,
            "--region",
            "cn-hangzhou",
        ],
    )
    .await;
    assert!(requested.status.success(), "{}", output_text(&requested));
    assert!(stdout(&requested).contains("exemption 1 of cdn-* requested by cli:carol"));

    let own = run(&app, "carol", &["approve", "1"]).await;
    assert!(!own.status.success());
    assert!(
        output_text(&own).contains("a different admin must approve it"),
        "{}",
        output_text(&own)
    );
    assert!(
        names(&app.api(Role::Viewer).await, "exempt")
            .await
            .is_empty()
    );

    let approved = run(&app, "dave", &["approve", "1"]).await;
    assert!(approved.status.success(), "{}", output_text(&approved));
    assert_eq!(
        names(&app.api(Role::Viewer).await, "exempt").await,
        ["cdn-assets", "cdn-images"]
    );

    let listed = run(&app, "dave", &["list", "--json", "--status", "approved"]).await;
    let json: Value = serde_json::from_str(&stdout(&listed)).unwrap();
    let only = &json["exemptions"][0];
    assert_eq!(only["requested_by"], "cli:carol");
    assert_eq!(only["approved_by"], "cli:dave");
    assert_eq!(only["region"], "cn-hangzhou");
    assert_eq!(only["exempt_buckets"], 2);

    let revoked = run(&app, "dave", &["revoke", "1"]).await;
    assert!(revoked.status.success(), "{}", output_text(&revoked));
    assert!(
        names(&app.api(Role::Viewer).await, "exempt")
            .await
            .is_empty()
    );
    let beyond = run(
        &app,
        "carol",
        &[
            "request",
            "cdn-*",
            "--reason",
            "x",
            "--expires",
            "2099-01-01",
        ],
    )
    .await;
    assert!(!beyond.status.success(), "more than a year ahead");
}
