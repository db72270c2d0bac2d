//! RAM permissions taken away in the sandbox, one action at a time, for an access key or every
//! session of a role: exactly the denied call is refused, the way its service refuses it (OSS
//! 403 AccessDenied with EC and request id, STS and Resource Directory 403 NoPermission), and
//! every other call still works.

use oss_audit::cloud::AssumeRole;
use oss_audit::domain::{EncryptionRule, RamAction};
use oss_audit::oss::{BucketAddress, Credentials, OssClient, OssError};
use oss_audit::sandbox::{Denial, SandboxBucket, SandboxHandle, SandboxPrincipal};

use crate::support::{
    client, estate, fast_config, member_keys, readable_encrypted, sandbox_directory, sandbox_sts,
    signed_bucket_get,
};

use super::rpc_refusal;

type Outcome = Result<(), (u16, String, String)>;

const OSS_ACTIONS: [RamAction; 6] = [
    RamAction::OssListBuckets,
    RamAction::OssPutBucketEncryption,
    RamAction::OssGetBucketEncryption,
    RamAction::OssDeleteBucketEncryption,
    RamAction::OssGetBucketInfo,
    RamAction::OssGetBucketTagging,
];

fn outcome<T>(result: Result<T, OssError>) -> Outcome {
    match result {
        Ok(_) => Ok(()),
        // No rule to read is an answer, not a refusal.
        Err(err) if err.code() == Some("NoSuchServerSideEncryptionRule") => Ok(()),
        Err(OssError::Service(err)) => {
            assert!(err.request_id.is_some(), "{err}");
            Err((
                err.status,
                err.code.clone(),
                err.ec.clone().unwrap_or_default(),
            ))
        }
        Err(other) => panic!("not a refusal: {other}"),
    }
}

/// Makes every OSS call `credentials` may be denied, in the order of [`OSS_ACTIONS`].
async fn call_every_oss_action(
    sandbox: &SandboxHandle,
    oss: &OssClient,
    credentials: &Credentials,
    bucket: &SandboxBucket,
) -> Vec<Outcome> {
    let address = BucketAddress::in_region(bucket.name.clone(), bucket.region.clone());
    let tagging = match signed_bucket_get(sandbox, credentials, bucket, "tagging").await {
        (200, body) => {
            assert!(body.contains("<TagSet"), "{body}");
            Ok(())
        }
        (status, body) => {
            let field = |name: &str| {
                let open = format!("<{name}>");
                let start = body.find(&open).map(|i| i + open.len()).unwrap_or(0);
                let end = body[start..].find('<').map_or(start, |i| start + i);
                body[start..end].to_owned()
            };
            assert!(!field("RequestId").is_empty(), "{body}");
            Err((status, field("Code"), field("EC")))
        }
    };
    vec![
        outcome(oss.list_all_buckets(None, None).await),
        outcome(
            oss.put_bucket_encryption(&address, &EncryptionRule::Aes256)
                .await,
        ),
        outcome(oss.get_bucket_encryption(&address).await),
        outcome(oss.delete_bucket_encryption(&address).await),
        outcome(oss.get_bucket_info(&address).await),
        tagging,
    ]
}

fn access_denied() -> Outcome {
    Err((403, "AccessDenied".into(), "0003-00000301".into()))
}

#[tokio::test]
async fn each_denied_oss_action_alone_is_refused_for_the_key_it_is_denied_to() {
    let sandbox = estate(1, 30, |_| {}).await;
    let bucket = sandbox
        .buckets()
        .into_iter()
        .find(readable_encrypted)
        .unwrap();
    let credentials = sandbox.credentials();
    let hub_key = SandboxPrincipal::AccessKey(credentials.access_key_id.clone());
    let oss = client(&sandbox, |_| {});
    let everything = call_every_oss_action(&sandbox, &oss, &credentials, &bucket).await;
    assert!(everything.iter().all(Result::is_ok), "{everything:?}");
    for (i, action) in OSS_ACTIONS.into_iter().enumerate() {
        assert!(sandbox.deny(hub_key.clone(), action));
        let outcomes = call_every_oss_action(&sandbox, &oss, &credentials, &bucket).await;
        for (j, got) in outcomes.into_iter().enumerate() {
            let expected = if i == j { access_denied() } else { Ok(()) };
            assert_eq!(got, expected, "{action} denied, call {}", OSS_ACTIONS[j]);
        }
        assert!(sandbox.allow(hub_key.clone(), action));
    }
    // The hub's STS keys are a principal of their own.
    let sts = sandbox.sts_credentials();
    sandbox.deny(hub_key, RamAction::OssListBuckets);
    let sts_oss = client(&sandbox, |c| c.credentials = sts.clone());
    assert_eq!(outcome(sts_oss.list_all_buckets(None, None).await), Ok(()));
}

#[tokio::test]
async fn a_role_denied_an_action_is_refused_in_every_session_while_the_hub_is_not() {
    let sandbox = estate(2, 20, |_| {}).await;
    let member = sandbox.members()[0].clone();
    let role = SandboxPrincipal::Role(member.role_arn.clone());
    sandbox.deny(role, RamAction::OssListBuckets);
    let member_oss =
        OssClient::with_credentials(fast_config(&sandbox), member_keys(&sandbox, &member)).unwrap();
    assert_eq!(
        outcome(member_oss.list_all_buckets(None, None).await),
        access_denied()
    );
    let own = &sandbox.buckets_of(&member.uid)[0];
    let address = BucketAddress::in_region(own.name.clone(), own.region.clone());
    assert_eq!(outcome(member_oss.get_bucket_info(&address).await), Ok(()));
    let hub_oss = client(&sandbox, |_| {});
    assert_eq!(outcome(hub_oss.list_all_buckets(None, None).await), Ok(()));
}

#[tokio::test]
async fn denied_assume_role_and_list_accounts_answer_no_permission() {
    let sandbox = estate(3, 1, |_| {}).await;
    let config = fast_config(&sandbox);
    let hub_key = SandboxPrincipal::AccessKey(config.credentials.access_key_id.clone());
    let role = AssumeRole::new(sandbox.members()[0].role_arn.clone(), None);
    let sts = sandbox_sts(&config);
    let directory = sandbox_directory(&config);

    sandbox.deny(hub_key.clone(), RamAction::StsAssumeRole);
    let err = sts.assume_role(&role).await.unwrap_err();
    assert_eq!(rpc_refusal(&err), (403, "NoPermission", true), "{err}");
    assert_eq!(directory.list_accounts().await.unwrap().len(), 3);
    sandbox.allow(hub_key.clone(), RamAction::StsAssumeRole);

    sandbox.deny(hub_key, RamAction::ResourceManagerListAccounts);
    let err = directory.list_accounts().await.unwrap_err();
    assert_eq!(rpc_refusal(&err), (403, "NoPermission", true), "{err}");
    assert!(sts.assume_role(&role).await.is_ok());
}

#[tokio::test]
async fn denials_given_at_start_are_in_force_and_listed() {
    let key = oss_audit::sandbox::DEFAULT_ACCESS_KEY_ID;
    let sandbox = estate(1, 10, |c| {
        c.deny = vec![Denial::parse(&format!("{key}:oss:GetBucketInfo")).unwrap()];
    })
    .await;
    assert_eq!(
        sandbox
            .denials()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [format!("{key}:oss:GetBucketInfo")]
    );
    let bucket = sandbox
        .buckets()
        .into_iter()
        .find(readable_encrypted)
        .unwrap();
    let address = BucketAddress::in_region(bucket.name.clone(), bucket.region.clone());
    let oss = client(&sandbox, |_| {});
    assert_eq!(
        outcome(oss.get_bucket_info(&address).await),
        access_denied()
    );
    assert_eq!(outcome(oss.get_bucket_encryption(&address).await), Ok(()));
}
