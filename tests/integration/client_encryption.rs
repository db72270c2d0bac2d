//! Bucket encryption and bucket info through the real client, checked against what the sandbox holds.

use oss_audit::domain::{EncryptionRule, KmsDataEncryption, KmsKeyId, Region};
use oss_audit::oss::sign::SignatureVersion;
use oss_audit::oss::{BucketAddress, OssClient};
use oss_audit::sandbox::SandboxBucket;

use crate::support::{client, readable_unencrypted, sandbox};

fn address(bucket: &SandboxBucket) -> BucketAddress {
    BucketAddress::in_region(bucket.name.clone(), bucket.region.clone())
}

async fn assert_reads_match_truth(client: &OssClient, truth: &[SandboxBucket]) {
    for bucket in truth {
        let read = client.get_bucket_encryption(&address(bucket)).await;
        if bucket.access_denied {
            let err = read.expect_err("denied buckets cannot be read");
            assert_eq!(err.code(), Some("AccessDenied"), "{}", bucket.name);
            assert!(err.request_id().is_some(), "errors carry the request id");
        } else {
            let answer = read.unwrap_or_else(|e| panic!("{}: {e}", bucket.name));
            assert_eq!(answer.value, bucket.encryption, "{}", bucket.name);
            assert!(answer.request_id.is_some());
        }
    }
}

#[tokio::test]
async fn reads_every_seeded_kind_of_encryption_with_v4() {
    let sandbox = sandbox(80).await;
    let truth = sandbox.buckets();
    let kinds: std::collections::HashSet<_> = truth
        .iter()
        .map(|b| match &b.encryption {
            _ if b.access_denied => "denied",
            None => "none",
            Some(EncryptionRule::Aes256) => "aes256",
            Some(EncryptionRule::Sm4) => "sm4",
            Some(EncryptionRule::Kms {
                key_id: None,
                data_encryption: None,
            }) => "kms",
            Some(EncryptionRule::Kms {
                key_id: Some(_),
                data_encryption: None,
            }) => "kms-cmk",
            Some(EncryptionRule::Kms {
                data_encryption: Some(_),
                ..
            }) => "kms-sm4",
        })
        .collect();
    assert_eq!(kinds.len(), 7, "the sandbox seeds every kind: {kinds:?}");
    assert_reads_match_truth(&client(&sandbox, |_| {}), &truth).await;
}

#[tokio::test]
async fn reads_every_bucket_with_v1_signatures() {
    let sandbox = sandbox(30).await;
    let client = client(&sandbox, |c| c.signature_version = SignatureVersion::V1);
    assert_reads_match_truth(&client, &sandbox.buckets()).await;
}

#[tokio::test]
async fn sts_credentials_sign_v1_and_v4_requests() {
    let sandbox = sandbox(20).await;
    for version in [SignatureVersion::V1, SignatureVersion::V4] {
        let client = client(&sandbox, |c| {
            c.credentials = sandbox.sts_credentials();
            c.signature_version = version;
        });
        assert_reads_match_truth(&client, &sandbox.buckets()).await;
        assert_eq!(client.list_all_buckets(None, None).await.unwrap().len(), 20);
    }
    let mut wrong = sandbox.sts_credentials();
    wrong.security_token = Some(oss_audit::oss::Secret::new("forged-token"));
    let client = client(&sandbox, |c| c.credentials = wrong);
    let err = client.list_all_buckets(None, None).await.unwrap_err();
    assert_eq!(err.service().map(|e| e.status), Some(403), "{err}");
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_signature_does_not_match() {
    let sandbox = sandbox(5).await;
    let mut credentials = sandbox.credentials();
    credentials.access_key_secret = oss_audit::oss::Secret::new("not-the-secret");
    let client = client(&sandbox, |c| c.credentials = credentials);
    let err = client.list_all_buckets(None, None).await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err}");
    assert!(!err.to_string().contains("not-the-secret"));
}

#[tokio::test]
async fn put_and_delete_change_what_the_sandbox_holds() {
    let sandbox = sandbox(40).await;
    let client = client(&sandbox, |_| {});
    let target = sandbox
        .buckets()
        .into_iter()
        .find(readable_unencrypted)
        .expect("an unencrypted bucket");
    let rules = [
        EncryptionRule::Aes256,
        EncryptionRule::Sm4,
        EncryptionRule::Kms {
            key_id: None,
            data_encryption: None,
        },
        EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("9468da86-3509-4f8d-a61e-6eab1eac0000").unwrap()),
            data_encryption: Some(KmsDataEncryption::Sm4),
        },
    ];
    for rule in rules {
        let put = client
            .put_bucket_encryption(&address(&target), &rule)
            .await
            .unwrap();
        assert!(put.request_id.is_some());
        assert_eq!(
            sandbox.bucket(target.name.as_str()).unwrap().encryption,
            Some(rule.clone())
        );
        let read = client
            .get_bucket_encryption(&address(&target))
            .await
            .unwrap();
        assert_eq!(read.value, Some(rule));
    }
    client
        .delete_bucket_encryption(&address(&target))
        .await
        .unwrap();
    assert_eq!(
        sandbox.bucket(target.name.as_str()).unwrap().encryption,
        None
    );
    assert_eq!(
        client
            .get_bucket_encryption(&address(&target))
            .await
            .unwrap()
            .value,
        None
    );
    // Deleting again succeeds, as on OSS.
    client
        .delete_bucket_encryption(&address(&target))
        .await
        .unwrap();
}

#[tokio::test]
async fn denied_buckets_refuse_changes_and_keep_their_state() {
    let sandbox = sandbox(60).await;
    let client = client(&sandbox, |_| {});
    let denied = sandbox
        .buckets()
        .into_iter()
        .find(|b| b.access_denied)
        .expect("a denied bucket");
    let err = client
        .put_bucket_encryption(&address(&denied), &EncryptionRule::Aes256)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(
        sandbox.bucket(denied.name.as_str()).unwrap().encryption,
        denied.encryption
    );
}

#[tokio::test]
async fn bucket_info_reports_the_same_rule_as_get_bucket_encryption() {
    let sandbox = sandbox(40).await;
    let client = client(&sandbox, |_| {});
    for bucket in sandbox.buckets().iter().filter(|b| !b.access_denied) {
        let info = client
            .get_bucket_info(&address(bucket))
            .await
            .unwrap()
            .value;
        assert_eq!(info.name, bucket.name);
        assert_eq!(info.region, bucket.region);
        assert_eq!(info.encryption, bucket.encryption, "{}", bucket.name);
    }
}

#[tokio::test]
async fn a_wrong_region_is_re_routed_once_to_the_named_endpoint() {
    let sandbox = sandbox(40).await;
    let client = client(&sandbox, |_| {});
    let hangzhou = Region::parse("cn-hangzhou").unwrap();
    let elsewhere = sandbox
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied && b.region != hangzhou)
        .expect("a bucket outside cn-hangzhou");
    let wrong = BucketAddress::in_region(elsewhere.name.clone(), hangzhou);
    let before = sandbox.requests_served();
    let read = client.get_bucket_encryption(&wrong).await.unwrap();
    assert_eq!(read.value, elsewhere.encryption);
    assert_eq!(
        sandbox.requests_served() - before,
        2,
        "one refused request, one re-routed"
    );
}

#[tokio::test]
async fn internal_endpoints_are_used_when_asked() {
    let sandbox = sandbox(10).await;
    let bucket = sandbox
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied)
        .unwrap();
    // The public endpoint is unusable, so only a client that addresses the internal one succeeds.
    let address = BucketAddress {
        extranet_endpoint: "nowhere.invalid".to_owned(),
        ..BucketAddress::in_region(bucket.name.clone(), bucket.region.clone())
    };
    let internal = client(&sandbox, |c| c.use_internal_endpoints = true);
    let read = internal.get_bucket_encryption(&address).await.unwrap();
    assert_eq!(read.value, bucket.encryption);
    let public = client(&sandbox, |c| c.retry.max_attempts = 1);
    assert!(public.get_bucket_encryption(&address).await.is_err());
}
