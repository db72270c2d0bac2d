//! The assumed-role credentials provider driving the OSS client: keys refreshed before they
//! expire, in the middle of a long run of requests, with one AssumeRole shared by concurrent
//! requests and refusals reported with STS's code and request id.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oss_audit::cloud::{AssumeRole, AssumedRoleCredentials};
use oss_audit::oss::{BucketAddress, OssClient, OssError, RequestObserver};
use oss_audit::sandbox::{RequestKind, SandboxAccount, SandboxHandle};

use crate::support::{estate, fast_config, sandbox_sts};

/// An OSS client for `member` through an assumed-role provider, and every outcome it saw.
fn member_client(
    sandbox: &SandboxHandle,
    member: &SandboxAccount,
    refresh_before: Duration,
) -> (
    OssClient,
    Arc<AssumedRoleCredentials>,
    Arc<Mutex<Vec<String>>>,
) {
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&outcomes);
    let mut config = fast_config(sandbox);
    config.observer = Some(RequestObserver(Arc::new(move |_op, outcome| {
        seen.lock().unwrap().push(outcome.to_owned());
    })));
    let provider = Arc::new(
        AssumedRoleCredentials::new(
            sandbox_sts(&config),
            AssumeRole::new(member.role_arn.clone(), None),
        )
        .refresh_before(refresh_before),
    );
    let client = OssClient::with_credentials(config, provider.clone()).unwrap();
    (client, provider, outcomes)
}

#[tokio::test]
async fn keys_expiring_mid_run_are_refreshed_and_no_request_fails() {
    // Keys last 4 s and are renewed when 2 s remain, so a few seconds of requests span several
    // sets of keys; the old ones must never reach OSS after their expiration.
    let sandbox = estate(3, 15, |c| {
        c.sts_duration_secs = Some(4);
        c.latency_ms = 3;
    })
    .await;
    let member = sandbox.members()[0].clone();
    let (client, provider, outcomes) = member_client(&sandbox, &member, Duration::from_secs(2));
    let buckets: Vec<BucketAddress> = sandbox
        .buckets_of(&member.uid)
        .into_iter()
        .map(|b| BucketAddress::in_region(b.name, b.region))
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(45);
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (client, buckets) = (client.clone(), buckets.clone());
        workers.push(tokio::spawn(async move {
            let mut reads = 0u32;
            loop {
                for bucket in &buckets {
                    if let Err(err) = client.get_bucket_encryption(bucket).await
                        && err.code() != Some("AccessDenied")
                    {
                        return Err(err);
                    }
                    reads += 1;
                }
                client.list_all_buckets(None, None).await?;
                if reads > 4000 || tokio::time::Instant::now() > deadline {
                    return Ok::<u32, OssError>(reads);
                }
            }
        }));
    }
    // Keep going until STS has been asked at least four times: the first keys and three renewals.
    while sandbox.requests_served_by(RequestKind::AssumeRole) < 4
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let renewals = sandbox.requests_served_by(RequestKind::AssumeRole);
    // Stop the workers once they finish their current round.
    for worker in workers {
        worker.abort();
        if let Ok(result) = worker.await {
            result.expect("no request failed");
        }
    }
    assert!(
        renewals >= 4,
        "keys were renewed mid-run ({renewals} AssumeRole calls)"
    );
    let outcomes = outcomes.lock().unwrap();
    assert!(outcomes.len() > 100, "{} requests", outcomes.len());
    // Answers about the buckets themselves (no rule, a denied bucket) are expected; none may be
    // about the keys.
    let about_keys: std::collections::BTreeSet<&String> = outcomes
        .iter()
        .filter(|o| {
            !matches!(
                o.as_str(),
                "ok" | "AccessDenied" | "NoSuchServerSideEncryptionRule"
            )
        })
        .collect();
    assert!(
        about_keys.is_empty(),
        "every request was signed with valid keys: {about_keys:?}"
    );
    assert_eq!(sandbox.expired_token_refusals(), 0);
    assert!(provider.expiration().is_some());
    // Requests cut short when the workers stopped reached the sandbox without an outcome.
    assert!(
        sandbox.requests_of(&member.uid).total >= u64::try_from(outcomes.len()).unwrap(),
        "every request was signed with the member's keys"
    );
    assert_eq!(sandbox.requests_of(&sandbox.hub().uid).total, 0);
}

#[tokio::test]
async fn concurrent_first_requests_share_one_assume_role() {
    let sandbox = estate(2, 20, |c| c.latency_ms = 20).await;
    let member = sandbox.members()[0].clone();
    let (client, _, _) = member_client(&sandbox, &member, Duration::from_secs(180));
    let reads = sandbox.buckets_of(&member.uid).into_iter().map(|b| {
        let client = client.clone();
        async move {
            client
                .get_bucket_encryption(&BucketAddress::in_region(b.name, b.region))
                .await
        }
    });
    let results = futures_util::future::join_all(reads).await;
    assert_eq!(results.len(), 20);
    assert!(results.iter().all(|r| match r {
        Ok(_) => true,
        Err(e) => e.code() == Some("AccessDenied"),
    }));
    assert_eq!(sandbox.requests_served_by(RequestKind::AssumeRole), 1);
}

#[tokio::test]
async fn a_refused_role_fails_requests_with_no_permission_and_its_request_id() {
    let sandbox = estate(3, 5, |c| c.untrusted_roles = 1).await;
    let refused = sandbox.members()[1].clone();
    let (client, provider, _) = member_client(&sandbox, &refused, Duration::from_secs(180));
    let attempts = (0..8).map(|_| client.list_all_buckets(None, None));
    for result in futures_util::future::join_all(attempts).await {
        let err = result.unwrap_err();
        assert!(matches!(err, OssError::Credentials(_)), "{err}");
        assert_eq!(err.code(), Some("NoPermission"));
        assert!(err.request_id().is_some_and(|id| id.len() == 36), "{err}");
        assert!(
            err.to_string()
                .contains("Sts refused AssumeRole: HTTP 403 NoPermission"),
            "{err}"
        );
    }
    assert_eq!(
        sandbox.requests_served_by(RequestKind::AssumeRole),
        1,
        "requests that waited for the refused call share its answer"
    );
    assert_eq!(
        sandbox.requests_of(&refused.uid).total,
        0,
        "nothing reached OSS"
    );
    assert!(provider.expiration().is_none());
}

#[tokio::test]
async fn temporary_keys_never_show_in_debug_output_or_errors() {
    let sandbox = estate(2, 2, |_| {}).await;
    let member = sandbox.members()[0].clone();
    let assumed = sandbox_sts(&fast_config(&sandbox))
        .assume_role(&AssumeRole::new(member.role_arn.clone(), None))
        .await
        .unwrap();
    let secret = assumed.credentials.access_key_secret.expose().to_owned();
    let token = assumed
        .credentials
        .security_token
        .as_ref()
        .unwrap()
        .expose()
        .to_owned();
    let (client, provider, _) = member_client(&sandbox, &member, Duration::from_secs(180));
    client.list_all_buckets(None, None).await.unwrap();
    let shown = format!("{assumed:?} {provider:?} {client:?}");
    assert!(
        !shown.contains(&secret) && !shown.contains(&token),
        "{shown}"
    );
    assert!(shown.contains(member.role_arn.as_str()), "{shown}");
}
