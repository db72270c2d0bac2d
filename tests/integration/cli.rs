//! The `oss-audit` binary as an operator runs it: environment variables, the standard proxy
//! variables, exit codes and messages.

use std::process::Output;

use oss_audit::sandbox::SandboxHandle;

use crate::helpers::sandbox;

/// Runs `oss-audit ARGS` with the sandbox's credentials, reaching it through `HTTP_PROXY` (the
/// standard variable, as a corporate network would set it) on the production endpoint name.
async fn oss_audit(sandbox: &SandboxHandle, args: &[&str]) -> Output {
    let credentials = sandbox.credentials();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
        .env("HTTP_PROXY", sandbox.proxy_url())
        .env("OSS_ACCESS_KEY_ID", &credentials.access_key_id)
        .env(
            "OSS_ACCESS_KEY_SECRET",
            credentials.access_key_secret.expose(),
        );
    command.output().await.expect("oss-audit runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn buckets_json_lists_every_bucket_through_the_environment_proxy() {
    let sandbox = sandbox(1200).await;
    let output = oss_audit(&sandbox, &["buckets", "--json"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let listed = json["buckets"].as_array().unwrap();
    assert_eq!(listed.len(), 1200);
    let first = &sandbox.buckets()[0];
    assert_eq!(listed[0]["name"], first.name.as_str());
    assert_eq!(listed[0]["region"], first.region.as_str());
}

#[tokio::test]
async fn encryption_put_get_delete_round_trip() {
    let sandbox = sandbox(30).await;
    let bucket = sandbox
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied && b.encryption.is_none())
        .unwrap();
    let name = bucket.name.as_str();

    let put = oss_audit(
        &sandbox,
        &[
            "bucket-encryption",
            "put",
            name,
            "--algorithm",
            "KMS",
            "--kms-key-id",
            "alias/prod",
            "--kms-data-encryption",
            "SM4",
            "--json",
        ],
    )
    .await;
    assert!(put.status.success(), "{}", stderr(&put));
    let json: serde_json::Value = serde_json::from_str(&stdout(&put)).unwrap();
    assert_eq!(json["status"], "encrypted");
    assert_eq!(json["sse_algorithm"], "KMS");
    assert_eq!(json["kms_master_key_id"], "alias/prod");
    assert_eq!(json["kms_data_encryption"], "SM4");
    assert!(json["put_request_id"].is_string());
    assert!(sandbox.bucket(name).unwrap().encryption.is_some());

    let get = oss_audit(&sandbox, &["bucket-encryption", "get", name]).await;
    assert!(get.status.success(), "{}", stderr(&get));
    assert!(
        stdout(&get).contains("KMS (key alias/prod, data SM4)"),
        "{}",
        stdout(&get)
    );

    let delete = oss_audit(
        &sandbox,
        &[
            "bucket-encryption",
            "delete",
            name,
            "--region",
            bucket.region.as_str(),
        ],
    )
    .await;
    assert!(delete.status.success(), "{}", stderr(&delete));
    assert!(
        stdout(&delete).contains("not encrypted"),
        "{}",
        stdout(&delete)
    );
    assert_eq!(sandbox.bucket(name).unwrap().encryption, None);
}

#[tokio::test]
async fn invalid_combinations_are_refused_before_any_request() {
    let sandbox = sandbox(5).await;
    let name = sandbox.buckets()[0].name.as_str().to_owned();
    let before = sandbox.requests_served();
    for args in [
        vec![
            "bucket-encryption",
            "put",
            &name,
            "--algorithm",
            "AES256",
            "--kms-key-id",
            "k1",
        ],
        vec![
            "bucket-encryption",
            "put",
            &name,
            "--algorithm",
            "SM4",
            "--kms-data-encryption",
            "SM4",
        ],
        vec!["bucket-encryption", "put", &name, "--algorithm", "DES"],
        vec![
            "bucket-encryption",
            "put",
            &name,
            "--algorithm",
            "KMS",
            "--kms-key-id",
            "bad key",
        ],
        vec!["bucket-encryption", "get", "Invalid_Bucket"],
    ] {
        let output = oss_audit(&sandbox, &args).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).is_empty());
    }
    assert_eq!(sandbox.requests_served(), before, "no request was made");
}

#[tokio::test]
async fn an_oss_refusal_exits_non_zero_with_code_and_request_id() {
    let sandbox = sandbox(60).await;
    let denied = sandbox
        .buckets()
        .into_iter()
        .find(|b| b.access_denied)
        .unwrap();
    let output = oss_audit(
        &sandbox,
        &["bucket-encryption", "get", denied.name.as_str()],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("AccessDenied") && err.contains("request id"),
        "{err}"
    );
}

#[tokio::test]
async fn missing_credentials_name_the_variables() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"))
        .args(["buckets"])
        .env_clear()
        .env("OSS_ACCESS_KEY_ID", "only-the-id")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("OSS_ACCESS_KEY_SECRET"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn the_secret_never_appears_in_output_even_with_debug_logs() {
    let sandbox = sandbox(10).await;
    let credentials = sandbox.credentials();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"))
        .args(["buckets"])
        .env_clear()
        .env("OSS_AUDIT_LOG", "trace")
        .env("OSS_ENDPOINT", "http://oss-cn-hangzhou.aliyuncs.com")
        .env("HTTP_PROXY", sandbox.proxy_url())
        .env("OSS_ACCESS_KEY_ID", &credentials.access_key_id)
        .env(
            "OSS_ACCESS_KEY_SECRET",
            credentials.access_key_secret.expose(),
        )
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!all.contains(credentials.access_key_secret.expose()));
    assert!(!all.contains("Signature="), "no signature in logs");
}

#[tokio::test]
async fn demo_shows_every_seeded_bucket_with_its_encryption() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_oss-audit"))
        .args(["demo", "--buckets", "40"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("ListBuckets: 40 buckets"), "{out}");
    for word in [
        "AES256",
        "SM4",
        "KMS (OSS-managed key)",
        "unencrypted",
        "AccessDenied (request id",
        "% compliant",
    ] {
        assert!(out.contains(word), "demo output shows {word:?}:\n{out}");
    }
}
