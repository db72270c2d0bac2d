//! Hosts named in OSS answers are checked before anything is sent to them: a forged
//! `ExtranetEndpoint` in ListBuckets or `Endpoint` in a wrong-region 403 leaves the bucket's
//! read `unknown` (`UntrustedEndpoint`), and no request, signature or STS token reaches the host.

use tokio_util::sync::CancellationToken;

use super::gateway;
use crate::support::{Audit, TestDb, client, open_store, readable_encrypted, sandbox, scanner};

const ATTACKER: &str = "attacker.example.net";

#[tokio::test]
async fn forged_bucket_endpoints_get_no_request_and_leave_the_bucket_unknown() {
    let sandbox = sandbox(12).await;
    let readable: Vec<String> = sandbox
        .buckets()
        .into_iter()
        .filter(readable_encrypted)
        .map(|b| b.name.as_str().to_owned())
        .collect();
    let [listed, redirected, honest, ..] = readable.as_slice() else {
        panic!("three readable encrypted buckets in {readable:?}");
    };
    // A host that looks like OSS's to a careless check, and a plain one.
    sandbox.forge_listed_endpoint(listed, &format!("oss-cn-hangzhou.aliyuncs.com.{ATTACKER}"));
    sandbox.forge_redirect(redirected, ATTACKER);

    let stop = CancellationToken::new();
    let _stop = stop.clone().drop_guard();
    let (proxy, seen) = gateway::start(&sandbox, stop).await;
    let sts = sandbox.sts_credentials();
    let token = sts.security_token.as_ref().unwrap().expose().to_owned();
    let client = client(&sandbox, |c| {
        c.proxy = Some(oss_audit::oss::ProxyUrl::new(proxy));
        c.credentials = sts;
    });
    let db = TestDb::new();
    let (store, account) = open_store(&db).await;
    let scanner = scanner(client, store.clone(), account);
    let audit = Audit {
        sandbox,
        db,
        store,
        account,
        scanner,
    };
    audit.scan().await;

    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|s| s.signed && s.security_token.as_deref() == Some(token.as_str())),
        "the scan's signed STS requests went through the recording proxy: {seen:?}"
    );
    let astray: Vec<_> = seen.iter().filter(|s| s.host.contains(ATTACKER)).collect();
    assert!(
        astray.is_empty(),
        "requests sent to the forged host: {astray:?}"
    );
    assert!(
        seen.iter().all(|s| s.host.ends_with(".aliyuncs.com")),
        "{seen:?}"
    );

    let views = audit.views().await;
    let view = |name: &str| {
        views
            .iter()
            .find(|v| v.name == name)
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    for name in [listed, redirected] {
        let bucket = view(name);
        assert_eq!(bucket.status, "unknown", "{name}");
        assert_eq!(
            bucket.error_code.as_deref(),
            Some("UntrustedEndpoint"),
            "{name}"
        );
    }
    assert_eq!(view(honest).status, "encrypted");
}
