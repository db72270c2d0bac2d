//! The official OSS Python SDK (oss2) against the sandbox: proof that the sandbox behaves like OSS,
//! and the runner every Python fidelity script goes through.

use std::process::Stdio;

use oss_audit::sandbox::SandboxHandle;

use crate::support::sandbox;

/// Runs `tests/fidelity/<script>` against `sandbox` and returns what it printed, after asserting
/// that it passed. The script reads `truth` from the file named by `TRUTH_FILE`, reaches the
/// sandbox through `SANDBOX_PROXY` and signs with the sandbox's permanent and STS keys.
pub(crate) async fn run_fidelity_script(
    sandbox: &SandboxHandle,
    script: &str,
    truth: &serde_json::Value,
) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let truth_file = dir.path().join("truth.json");
    std::fs::write(&truth_file, truth.to_string()).unwrap();

    let path = format!("{}/../tests/fidelity/{script}", env!("CARGO_MANIFEST_DIR"));
    let credentials = sandbox.credentials();
    let sts = sandbox.sts_credentials();
    let output = tokio::process::Command::new("python3")
        .arg(path)
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
        .expect("python3 runs (tests/run installs the official SDKs)");
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{script} failed:\n{report}");
    assert!(report.contains("OK"), "{report}");
    report
}

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
                "tags": b.tags,
            })
        })
        .collect();
    run_fidelity_script(
        &sandbox,
        "oss2_fidelity.py",
        &serde_json::json!({ "buckets": truth }),
    )
    .await;
}
