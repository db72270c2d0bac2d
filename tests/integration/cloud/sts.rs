//! AssumeRole against the sandbox's STS: granted keys open only their own account, and every
//! refusal comes back with STS's code and a request id.

use oss_audit::cloud::{AssumeRole, RpcError};
use oss_audit::domain::{ExternalId, RoleArn, RoleName};
use oss_audit::oss::{BucketAddress, OssClient};
use oss_audit::sandbox::RequestKind;

use crate::support::{estate, fast_config, sandbox_sts};

use super::rpc_refusal;

#[tokio::test]
async fn an_assumed_role_lists_only_its_own_accounts_buckets() {
    let sandbox = estate(3, 12, |_| {}).await;
    let member = &sandbox.members()[0];
    let assumed = sandbox_sts(&fast_config(&sandbox))
        .assume_role(&AssumeRole::new(member.role_arn.clone(), None))
        .await
        .unwrap();
    assert!(assumed.credentials.access_key_id.starts_with("STS."));
    assert!(assumed.expiration > chrono::Utc::now() + chrono::TimeDelta::minutes(50));
    assert_eq!(assumed.arn, format!("{}/oss-audit", member.role_arn));

    let mut member_config = fast_config(&sandbox);
    member_config.credentials = assumed.credentials.clone();
    let client = OssClient::new(member_config).unwrap();
    let listed: Vec<String> = client
        .list_all_buckets(None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name.to_string())
        .collect();
    let own: Vec<String> = sandbox
        .buckets_of(&member.uid)
        .into_iter()
        .map(|b| b.name.to_string())
        .collect();
    assert_eq!(listed.len(), 12);
    assert_eq!(listed, own);

    let hubs = &sandbox.buckets_of(&sandbox.hub().uid)[0];
    let err = client
        .get_bucket_encryption(&BucketAddress::in_region(
            hubs.name.clone(),
            hubs.region.clone(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "{err}");
    assert_eq!(sandbox.requests_of(&member.uid).total, 2);
    assert_eq!(sandbox.requests_of(&sandbox.hub().uid).total, 0);
}

#[tokio::test]
async fn a_wrong_external_id_is_refused_with_no_permission_and_a_request_id() {
    let sandbox = estate(3, 1, |_| {}).await;
    let member = &sandbox.members()[1];
    let wanted = ExternalId::parse("tenant-42").unwrap();
    assert!(sandbox.set_role_external_id(&member.uid, Some(wanted.clone())));
    let sts = sandbox_sts(&fast_config(&sandbox));
    for sent in [None, Some(ExternalId::parse("tenant-43").unwrap())] {
        let err = sts
            .assume_role(&AssumeRole::new(member.role_arn.clone(), sent))
            .await
            .unwrap_err();
        assert_eq!(rpc_refusal(&err), (403, "NoPermission", true), "{err}");
        assert!(err.to_string().contains("Sts refused AssumeRole"), "{err}");
    }
    sts.assume_role(&AssumeRole::new(member.role_arn.clone(), Some(wanted)))
        .await
        .expect("the right ExternalId is accepted");
    assert_eq!(sandbox.requests_served_by(RequestKind::AssumeRole), 3);
}

#[tokio::test]
async fn untrusted_and_missing_roles_are_refused_as_sts_refuses_them() {
    let sandbox = estate(3, 1, |c| c.untrusted_roles = 1).await;
    let sts = sandbox_sts(&fast_config(&sandbox));
    let untrusted = &sandbox.members()[1];
    assert!(!untrusted.trusts_hub);
    let err = sts
        .assume_role(&AssumeRole::new(untrusted.role_arn.clone(), None))
        .await
        .unwrap_err();
    assert_eq!(rpc_refusal(&err), (403, "NoPermission", true));

    let other = RoleArn::new(
        &sandbox.members()[0].uid,
        &RoleName::parse("admin").unwrap(),
    );
    let err = sts
        .assume_role(&AssumeRole::new(other, None))
        .await
        .unwrap_err();
    assert_eq!(rpc_refusal(&err), (404, "EntityNotExist.Role", true));

    let stranger = RoleArn::parse("acs:ram::1999999999999999:role/oss-audit").unwrap();
    let err = sts
        .assume_role(&AssumeRole::new(stranger, None))
        .await
        .unwrap_err();
    assert_eq!(rpc_refusal(&err), (404, "EntityNotExist.Role", true));
}

#[tokio::test]
async fn a_wrong_secret_is_a_signature_mismatch_that_withholds_the_string_to_sign() {
    let sandbox = estate(2, 1, |_| {}).await;
    let mut wrong = fast_config(&sandbox);
    wrong.credentials.access_key_secret = oss_audit::oss::Secret::new("NotTheHubSecret");
    let err = sandbox_sts(&wrong)
        .assume_role(&AssumeRole::new(
            sandbox.members()[0].role_arn.clone(),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(rpc_refusal(&err), (400, "SignatureDoesNotMatch", true));
    assert!(!err.to_string().contains("AccessKeyId%3D"), "{err}");

    let mut unknown = fast_config(&sandbox);
    unknown.credentials.access_key_id = "LTAI5tNobodysKey".into();
    let err = sandbox_sts(&unknown)
        .assume_role(&AssumeRole::new(
            sandbox.members()[0].role_arn.clone(),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        rpc_refusal(&err),
        (404, "InvalidAccessKeyId.NotFound", true)
    );
}

#[tokio::test]
async fn temporary_keys_are_refused_by_oss_once_expired() {
    let sandbox = estate(2, 3, |c| c.sts_duration_secs = Some(2)).await;
    let member = &sandbox.members()[0];
    let assumed = sandbox_sts(&fast_config(&sandbox))
        .assume_role(&AssumeRole::new(member.role_arn.clone(), None))
        .await
        .unwrap();
    let mut member_config = fast_config(&sandbox);
    member_config.credentials = assumed.credentials;
    let client = OssClient::new(member_config).unwrap();
    client
        .list_all_buckets(None, None)
        .await
        .expect("valid at first");
    let wait = (assumed.expiration - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(wait + std::time::Duration::from_millis(200)).await;
    let err = client.list_all_buckets(None, None).await.unwrap_err();
    let service = err.service().expect("OSS refuses");
    assert_eq!(
        (service.status, service.code.as_str(), service.ec.as_deref()),
        (403, "SecurityTokenExpired", Some("0002-00000007"))
    );
    assert!(service.request_id.is_some());
    assert_eq!(
        sandbox.expired_token_refusals(),
        1,
        "static keys are not retried"
    );
}

#[tokio::test]
async fn an_sts_endpoint_that_hangs_up_is_named_without_the_signed_query() {
    // A server that accepts each connection and closes it without answering.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let sandbox = estate(2, 1, |_| {}).await;
    let mut config = fast_config(&sandbox);
    config.proxy = None;
    config.retry.max_attempts = 1;
    let endpoint = url::Url::parse(&format!("http://{address}")).unwrap();
    let sts = oss_audit::cloud::StsClient::new(endpoint, &config).unwrap();
    let member = &sandbox.members()[0];
    let err = sts
        .assume_role(&AssumeRole::new(member.role_arn.clone(), None))
        .await
        .expect_err("nobody answers");
    let shown = format!("{err} {err:?}");
    assert!(
        matches!(err, RpcError::Transport { .. }) && shown.contains("127.0.0.1"),
        "{shown}"
    );
    for signed in [
        "Signature",
        "SignatureNonce",
        "AccessKeyId",
        &config.credentials.access_key_id,
    ] {
        assert!(!shown.contains(signed), "{signed} in {shown}");
    }
}
