//! The CLI with STS keys (and V1 signatures), and with a wrong secret.

use oss_audit::auth::secrets::random_token;
use oss_audit::oss::{Credentials, Secret};
use oss_audit::sandbox::SandboxHandle;

use super::leaks::{excerpt, nowhere};
use super::transcript::strip_ansi;
use super::{Run, oss_audit};
use crate::support::{TestDb, stderr, stdout};

/// Scans with the sandbox's STS keys, then lists with a wrong secret, through `proxy`; returns
/// the STS security token the scan sent.
pub async fn run_with_sts_keys_and_a_wrong_secret(
    run: &mut Run,
    sandbox: &SandboxHandle,
    proxy: &str,
) -> String {
    let sts = sandbox.sts_credentials();
    let sts_db = TestDb::new();
    let sts_scan = oss_audit(&sts_db, proxy, &["scan", "--signature-version", "1"])
        .credentials(&sts)
        .output()
        .await;
    let sts_err = stderr(&sts_scan);
    assert!(sts_scan.status.success(), "STS scan: {}", excerpt(&sts_err));
    assert!(
        strip_ansi(&sts_err).contains("TRACE"),
        "trace logs captured"
    );
    run.transcript.logs("STS scan stdout", &stdout(&sts_scan));
    run.transcript.logs("STS scan stderr", &sts_err);
    run.secret(
        "the STS AccessKeySecret",
        sts.access_key_secret.expose().to_owned(),
        nowhere,
    );
    let sts_token = sts
        .security_token
        .as_ref()
        .expect("an STS token")
        .expose()
        .to_owned();
    run.secret("the STS security token", sts_token.clone(), nowhere);

    let wrong = Credentials {
        access_key_id: sandbox.credentials().access_key_id,
        access_key_secret: Secret::new(format!("Wr0ngSecret{}", random_token(12))),
        security_token: None,
    };
    let refused = oss_audit(&sts_db, proxy, &["buckets"])
        .credentials(&wrong)
        .output()
        .await;
    assert!(!refused.status.success(), "a wrong secret is refused");
    run.transcript
        .logs("wrong-secret buckets stdout", &stdout(&refused));
    run.transcript
        .logs("wrong-secret buckets stderr", &stderr(&refused));
    run.secret(
        "a wrong AccessKeySecret",
        wrong.access_key_secret.expose().to_owned(),
        nowhere,
    );
    sts_token
}
