//! The official OSS Python SDK (oss2) against the sandbox: proof that the sandbox behaves like OSS.

use std::process::Stdio;

use crate::support::sandbox;

#[tokio::test]
async fn sandbox_is_indistinguishable_from_oss_for_oss2() {
    let sandbox = sandbox(120).await;
    let truth: Vec<_> = sandbox
        .buckets()
        .iter()
        .map(|b| {
            serde_json::json!({
                "name": b.name,
                "region": b.region,
                "access_denied": b.access_denied,
                "sse_algorithm": b.encryption.as_ref().map(|r| r.algorithm().as_str()),
                "kms_master_key_id": b.encryption.as_ref().and_then(|r| r.kms_key_id()),
                "kms_data_encryption": b.encryption.as_ref().and_then(|r| r.kms_data_encryption()).map(|d| d.as_str()),
            })
        })
        .collect();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let truth_file = dir.path().join("truth.json");
    std::fs::write(
        &truth_file,
        serde_json::json!({ "buckets": truth }).to_string(),
    )
    .unwrap();

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fidelity/oss2_fidelity.py"
    );
    let credentials = sandbox.credentials();
    let sts = sandbox.sts_credentials();
    let output = tokio::process::Command::new("python3")
        .arg(script)
        .env("SANDBOX_PROXY", sandbox.proxy_url())
        .env("TRUTH_FILE", &truth_file)
        .env("ACCESS_KEY_ID", &credentials.access_key_id)
        .env("ACCESS_KEY_SECRET", credentials.access_key_secret.expose())
        .env("STS_ACCESS_KEY_ID", &sts.access_key_id)
        .env("STS_ACCESS_KEY_SECRET", sts.access_key_secret.expose())
        .env(
            "STS_TOKEN",
            sts.security_token
                .as_ref()
                .map(|t| t.expose())
                .unwrap_or_default(),
        )
        .stdin(Stdio::null())
        .output()
        .await
        .expect("python3 runs (tests/run installs oss2)");
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "oss2 fidelity tests failed:\n{report}"
    );
    assert!(report.contains("OK"), "{report}");
}
