//! Our DescribeKey requests, recomputed by the independent test signer of `signing.rs`: signed
//! with whatever keys the account's credentials provider hands out (temporary keys with their
//! token), asked anew on every attempt, and answers cut off or incomplete refused whole.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use oss_audit::cloud::{KmsClient, RpcError};
use oss_audit::domain::{KmsKeyId, Region};
use oss_audit::oss::{Credentials, CredentialsError, CredentialsProvider, Secret};

use super::signing::judge;
use crate::support::{DESCRIBE_KEY_ANSWER, RpcStandIn, STAND_IN_SECRET, stand_in_config};

/// Temporary keys signed with the stand-in's secret: a new id on every call, and a count of the
/// calls and of the keys OSS-style callers gave back as expired.
#[derive(Debug, Default)]
struct RotatingKeys {
    handed_out: AtomicUsize,
    invalidated: Mutex<Vec<String>>,
}

impl CredentialsProvider for RotatingKeys {
    fn credentials(&self) -> BoxFuture<'_, Result<Arc<Credentials>, CredentialsError>> {
        let n = self.handed_out.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            Ok(Arc::new(Credentials {
                access_key_id: format!("STS.NRotating{n}"),
                access_key_secret: Secret::new(STAND_IN_SECRET),
                security_token: Some(Secret::new(format!("CAIS+token/{n}="))),
            }))
        })
    }

    fn invalidate(&self, used: &Credentials) -> bool {
        self.invalidated
            .lock()
            .unwrap()
            .push(used.access_key_id.clone());
        true
    }
}

fn hangzhou() -> Region {
    Region::parse("cn-hangzhou").unwrap()
}

async fn kms_at(stand_in: &RpcStandIn, keys: Arc<RotatingKeys>) -> KmsClient {
    KmsClient::at(
        stand_in.endpoint.clone(),
        hangzhou(),
        &stand_in_config(None),
        keys,
    )
    .unwrap()
}

#[tokio::test]
async fn describe_key_is_signed_with_the_providers_temporary_keys_and_token() {
    let stand_in = RpcStandIn::start(&[(200, DESCRIBE_KEY_ANSWER)]).await;
    let keys = Arc::new(RotatingKeys::default());
    let kms = kms_at(&stand_in, keys.clone()).await;
    let alias = KmsKeyId::parse("alias/payments-prod_v2.1").unwrap();
    let described = kms.describe_key(&alias).await.unwrap();
    assert_eq!(
        described.metadata.key_id.as_str(),
        "05754286-3ba2-4fa6-8d41-4323aca6f2a1"
    );
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 1);
    let (query, body) = judge(&requests[0], "DescribeKey", "2016-01-20");
    assert_eq!(query["AccessKeyId"], "STS.NRotating0");
    assert_eq!(query["SecurityToken"], "CAIS+token/0=");
    assert_eq!(body.len(), 1);
    assert_eq!(body["KeyId"], "alias/payments-prod_v2.1");
    assert_eq!(keys.handed_out.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn every_retry_asks_the_provider_and_an_expired_token_is_handed_back() {
    let throttled = r#"{"RequestId":"T","Code":"Throttling","Message":"Request was denied due to request throttling."}"#;
    let expired = r#"{"RequestId":"E","Code":"InvalidSecurityToken.Expired","Message":"Specified SecurityToken is expired."}"#;
    let stand_in =
        RpcStandIn::start(&[(400, throttled), (400, expired), (200, DESCRIBE_KEY_ANSWER)]).await;
    let keys = Arc::new(RotatingKeys::default());
    let kms = kms_at(&stand_in, keys.clone()).await;
    kms.describe_key(&KmsKeyId::parse("05754286-3ba2-4fa6-8d41-4323aca6f2a1").unwrap())
        .await
        .unwrap();
    let ids: Vec<String> = stand_in
        .requests()
        .iter()
        .map(|r| judge(r, "DescribeKey", "2016-01-20").0["AccessKeyId"].clone())
        .collect();
    assert_eq!(ids, ["STS.NRotating0", "STS.NRotating1", "STS.NRotating2"]);
    assert_eq!(*keys.invalidated.lock().unwrap(), ["STS.NRotating1"]);
}

#[tokio::test]
async fn cut_off_and_incomplete_key_answers_are_errors_not_partial_keys() {
    let cut = &DESCRIBE_KEY_ANSWER[..DESCRIBE_KEY_ANSWER.len() - 30];
    let no_state = DESCRIBE_KEY_ANSWER.replace(r#""KeyState":"Enabled","#, "");
    let other_region = DESCRIBE_KEY_ANSWER.replace("acs:kms:cn-hangzhou", "acs:kms:cn-beijing");
    for (body, says) in [
        (cut, "DescribeKey"),
        (no_state.as_str(), "KeyState"),
        (other_region.as_str(), "cn-beijing"),
    ] {
        let stand_in = RpcStandIn::start(&[(200, body)]).await;
        let kms = kms_at(&stand_in, Arc::new(RotatingKeys::default())).await;
        let err = kms
            .describe_key(&KmsKeyId::parse("k-1").unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(err, RpcError::Malformed { status: 200, .. }),
            "{err}"
        );
        assert_eq!(err.code(), "MalformedResponse");
        assert!(err.to_string().contains(says), "{says}: {err}");
        assert_eq!(
            stand_in.requests().len(),
            1,
            "a 200 that cannot be read is not retried"
        );
    }
}

#[tokio::test]
async fn a_provider_without_keys_fails_the_call_with_its_code() {
    #[derive(Debug)]
    struct Refusing;
    impl CredentialsProvider for Refusing {
        fn credentials(&self) -> BoxFuture<'_, Result<Arc<Credentials>, CredentialsError>> {
            Box::pin(async {
                Err(CredentialsError::Unavailable {
                    code: Some("NoPermission".into()),
                    request_id: Some("STS-R".into()),
                    cause: Arc::new(std::io::Error::other("STS refused AssumeRole")),
                })
            })
        }
    }
    let stand_in = RpcStandIn::start(&[(200, DESCRIBE_KEY_ANSWER)]).await;
    let kms = KmsClient::at(
        stand_in.endpoint.clone(),
        hangzhou(),
        &stand_in_config(None),
        Arc::new(Refusing),
    )
    .unwrap();
    let err = kms
        .describe_key(&KmsKeyId::parse("k-1").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, RpcError::Credentials { .. }), "{err}");
    assert_eq!(
        (err.code(), err.request_id()),
        ("NoPermission", Some("STS-R"))
    );
    assert!(
        oss_audit::cloud::KmsRefusal::of(&err).is_none(),
        "STS's NoPermission is not a missing kms:DescribeKey"
    );
    assert!(stand_in.requests().is_empty());
}
