//! The `oss-audit` binary as an operator runs it: environment variables, the standard proxy
//! variables, exit codes and messages.

use std::process::Output;

use oss_audit::sandbox::SandboxHandle;

use crate::support::{OssAudit, Visitor, readable_unencrypted, sandbox, stderr, stdout};

/// Runs `oss-audit ARGS` with the sandbox's credentials, reaching it through `HTTP_PROXY` (the
/// standard variable, as a corporate network would set it) on the production endpoint name.
async fn oss_audit(sandbox: &SandboxHandle, args: &[&str]) -> Output {
    OssAudit::new(args).sandbox(sandbox).output().await
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
        .find(readable_unencrypted)
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
    let output = OssAudit::new(&["buckets"])
        .env("OSS_ACCESS_KEY_ID", "only-the-id")
        .output()
        .await;
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
    let output = OssAudit::new(&["buckets"])
        .sandbox(&sandbox)
        .env("OSS_AUDIT_LOG", "trace")
        .output()
        .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!all.contains(credentials.access_key_secret.expose()));
    assert!(!all.contains("Signature="), "no signature in logs");
}

/// The address and admin password `oss-audit demo` announces, read line by line from its stdout,
/// with everything it printed up to then.
async fn demo_announcement(
    lines: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) -> (String, String, String) {
    let (mut printed, mut address) = (String::new(), None);
    while let Some(line) = lines.next_line().await.expect("demo stdout") {
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.strip_prefix("Dashboard: http://") {
            address = Some(rest.trim_end_matches('/').to_owned());
        }
        if let Some(password) = line.strip_prefix("Sign in as admin with password ") {
            let address = address.expect("the Dashboard line comes first");
            return (address, password.trim().to_owned(), printed);
        }
    }
    panic!("demo ended before announcing its password:\n{printed}");
}

#[tokio::test]
async fn demo_serves_a_dashboard_of_every_seeded_bucket_until_interrupted() {
    use tokio::io::AsyncBufReadExt;

    let mut demo = OssAudit::new(&["demo", "--buckets", "40", "--listen", "127.0.0.1:0"]).spawn();
    let mut lines = tokio::io::BufReader::new(demo.stdout.take().unwrap()).lines();
    let announced = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        demo_announcement(&mut lines),
    );
    let (address, password, printed) = announced.await.expect("demo announces itself in 60 s");
    // Three weeks of daily past scans of the hub come first, so today's scan is the 22nd. It
    // covers three accounts: the hub and two members found in the Resource Directory, one of
    // which refuses the hub's AssumeRole: its part fails with STS's code and request id, the
    // others complete, and the scan is partial.
    assert!(
        printed.contains("scan 22 partial") && printed.contains(": 80 buckets,"),
        "{printed}"
    );
    for account in ["default: 40 buckets,", "payments-prod: 40 buckets,"] {
        assert!(printed.contains(account), "{account}: {printed}");
    }
    assert!(
        printed.contains("analytics-dev: FAILED NoPermission (request id "),
        "{printed}"
    );
    assert!(
        printed.contains("report 1 stored, SHA-256 "),
        "the demo stores a first report:\n{printed}"
    );
    assert!(
        !address.ends_with(":0"),
        "the real port is printed: {address}"
    );

    // Sign in as a browser would: the form's token (and its cookie), then the form.
    let web = Visitor::new(&format!("http://{address}"));
    let signed_in = web.login("admin", &password).await;
    assert_eq!(signed_in.status(), 303, "the announced password signs in");
    let (status, html) = web.get("/").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<span class="figure">80</span> buckets</a>"#),
        "the overview counts the 80 buckets of the two accounts that could be read:\n{html}"
    );

    // The refused member shows on the accounts page with the code and request id printed.
    let request_id = printed
        .split("analytics-dev: FAILED NoPermission (request id ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the printed request id");
    let (status, accounts) = web.get("/settings/accounts").await;
    assert_eq!(status, 200);
    let refused = crate::support::between(&accounts, r#"id="account-analytics-dev""#, "</tr>");
    assert!(
        refused.contains(&format!("NoPermission, request id {request_id}")),
        "{refused}"
    );

    let (status, reports) = web.get("/reports").await;
    assert_eq!(status, 200);
    assert!(
        reports.contains("#1") && reports.contains(">demo<"),
        "the reports page lists the demo's first report:\n{reports}"
    );

    // Ctrl-C stops it cleanly.
    let pid = demo.id().expect("running").to_string();
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(20), demo.wait())
        .await
        .expect("demo stops after Ctrl-C")
        .unwrap();
    assert!(status.success(), "{status}");
    // The demo leaves its database in the temp folder; clear this run's.
    if let Some(db) = printed.lines().find_map(|l| l.strip_prefix("database ")) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{db}{suffix}"));
        }
    }
}
