//! A proxy's password is never printed: not in a configuration dump, an error, a log line or
//! `--help`.

use oss_audit::oss::OssClient;
use oss_audit::startup::Settings;

use crate::support::{OssAudit, TestDb, output_text, sandbox};

const PASSWORD: &str = "Pr0xy-pa55word-never-shown";

/// A proxy URL with credentials on a port where nothing listens.
async fn unreachable_proxy() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://corp-user:{PASSWORD}@{addr}")
}

#[tokio::test]
async fn the_configured_proxy_prints_without_its_password_in_settings_and_errors() {
    let sandbox = sandbox(1).await;
    let mut config = sandbox.client_config();
    config.proxy = Some(unreachable_proxy().await.parse().unwrap());
    config.retry.max_attempts = 1;
    let settings = Settings::for_tests(TestDb::new().url.clone(), config.clone());
    for shown in [format!("{config:?}"), format!("{settings:#?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(shown.contains("corp-user:***@"), "{shown}");
    }

    let client = OssClient::new(config).unwrap();
    let err = client
        .list_all_buckets(None, None)
        .await
        .expect_err("no proxy listens there");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
    }
}

#[tokio::test]
async fn a_proxy_from_the_environment_is_not_printed_by_the_binary() {
    let sandbox = sandbox(1).await;
    let proxy = unreachable_proxy().await;
    let db = TestDb::new();
    let with_proxy = |args: &[&str]| {
        OssAudit::new(args)
            .database(&db)
            .credentials(&sandbox.credentials())
            .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
            .env("OSS_MAX_ATTEMPTS", "1")
            .env("HTTP_PROXY", &proxy)
            .env("HTTPS_PROXY", &proxy)
            .env("ALL_PROXY", &proxy)
            .env("OSS_AUDIT_LOG", "trace")
    };
    let failed = with_proxy(&["buckets"]).output().await;
    assert!(!failed.status.success());
    let text = output_text(&failed);
    assert!(text.contains("ListBuckets"), "the failure is shown: {text}");
    assert!(!text.contains(PASSWORD), "{text}");
    for help in [&["--help"][..], &["serve", "--help"], &["scan", "--help"]] {
        let text = output_text(&with_proxy(help).output().await);
        assert!(text.contains("Usage"), "{text}");
        assert!(!text.contains(PASSWORD), "{help:?}: {text}");
    }
}
