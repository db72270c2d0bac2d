//! The official Alibaba Cloud Python SDK (aliyun-python-sdk-core with its STS and Resource Manager
//! modules) against the sandbox's STS and Resource Directory: proof that they answer like the
//! real services, judged by a client nobody here wrote.

use std::process::Stdio;

use oss_audit::domain::ExternalId;

use crate::support::estate;

#[tokio::test]
async fn sandbox_sts_and_directory_are_indistinguishable_for_the_official_sdk() {
    let sandbox = estate(5, 6, |c| c.untrusted_roles = 1).await;
    let guarded = sandbox.members()[1].uid.clone();
    sandbox.set_role_external_id(&guarded, Some(ExternalId::parse("tenant-42").unwrap()));
    sandbox.set_member_status(&sandbox.members()[2].uid, "PromoteVerifying");
    let accounts: Vec<_> = sandbox
        .accounts()
        .iter()
        .map(|a| {
            serde_json::json!({
                "uid": a.uid,
                "display_name": a.display_name,
                "role_arn": a.role_arn,
                "trusts_hub": a.trusts_hub,
                "external_id": a.external_id,
                "status": a.status,
                "is_hub": a.is_hub(),
                "buckets": sandbox.buckets_of(&a.uid).iter().map(|b| b.name.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("oss-audit-rpc-fidelity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let truth_file = dir.join("estate.json");
    std::fs::write(
        &truth_file,
        serde_json::json!({ "accounts": accounts }).to_string(),
    )
    .unwrap();

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fidelity/aliyun_rpc_fidelity.py"
    );
    let hub = sandbox.credentials();
    let sts = sandbox.sts_credentials();
    let output = tokio::process::Command::new("python3")
        .arg(script)
        .env("SANDBOX_PROXY", sandbox.proxy_url())
        .env("TRUTH_FILE", &truth_file)
        .env("ACCESS_KEY_ID", &hub.access_key_id)
        .env("ACCESS_KEY_SECRET", hub.access_key_secret.expose())
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
        .expect("python3 runs (tests/run installs the SDK)");
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "official SDK fidelity tests failed:\n{report}"
    );
    assert!(report.contains("OK"), "{report}");
}
