//! Refusals over HTTP: anonymous, bad signatures, wrong endpoints, faults, denial, skew.

use chrono::{DateTime, Utc};

use super::*;

#[tokio::test]
async fn unsigned_requests_are_refused_as_anonymous() {
    let handle = sandbox(5).await;
    let answer = send(&handle, &Call::service(), None).await;
    assert_eq!(answer.status, 403);
    assert_eq!(element(&answer.body, "Code"), Some("AccessDenied"));
    assert_eq!(
        element(&answer.body, "HostId"),
        Some("oss-cn-hangzhou.aliyuncs.com")
    );
    assert_oss_headers(&answer);
    assert_eq!(handle.requests_served_by(RequestKind::ListBuckets), 1);
}

#[tokio::test]
async fn a_wrong_secret_is_signature_does_not_match_with_the_string_to_sign() {
    let handle = sandbox(3).await;
    let mut wrong = handle.credentials();
    wrong.access_key_secret = Secret::new("not-the-secret");
    for version in [SignatureVersion::V1, SignatureVersion::V4] {
        let answer = send(
            &handle,
            &Call::service(),
            Some((version, &wrong, Utc::now())),
        )
        .await;
        assert_eq!(answer.status, 403);
        assert_eq!(element(&answer.body, "Code"), Some("SignatureDoesNotMatch"));
        assert!(
            element(&answer.body, "StringToSign").is_some()
                && element(&answer.body, "SignatureProvided").is_some()
        );
        assert!(
            !answer.body.contains("not-the-secret")
                && !answer
                    .body
                    .contains(handle.credentials().access_key_secret.expose())
        );
        assert_oss_headers(&answer);
    }
}

#[tokio::test]
async fn a_bucket_on_the_wrong_regional_endpoint_names_the_right_one() {
    let handle = sandbox(40).await;
    let elsewhere = handle
        .buckets()
        .into_iter()
        .find(|b| b.region.as_str() != "cn-hangzhou")
        .unwrap();
    for (internal, expected) in [
        (false, elsewhere.region.extranet_endpoint()),
        (true, elsewhere.region.intranet_endpoint()),
    ] {
        let mut call = Call::bucket("GET", &elsewhere, "encryption");
        let suffix = if internal { "-internal" } else { "" };
        call.host = format!("{}.oss-cn-hangzhou{suffix}.aliyuncs.com", elsewhere.name);
        call.region = "cn-hangzhou";
        let answer = signed(&handle, &call).await;
        assert_eq!(answer.status, 403, "{}", answer.body);
        assert_eq!(element(&answer.body, "Code"), Some("AccessDenied"));
        assert_eq!(element(&answer.body, "Endpoint"), Some(expected.as_str()));
        assert_eq!(
            element(&answer.body, "Bucket"),
            Some(elsewhere.name.as_str())
        );
    }
}

#[tokio::test]
async fn injected_faults_answer_503_and_change_nothing() {
    let handle = sandbox(20).await;
    let target = handle
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied && b.encryption.is_none())
        .unwrap();
    let rule = "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>SM4</SSEAlgorithm></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>";
    let mut put = Call::bucket("PUT", &target, "encryption");
    put.body = rule;
    handle.set_fault_rate(1.0);
    let answer = signed(&handle, &put).await;
    assert_eq!(
        (answer.status, element(&answer.body, "Code")),
        (503, Some("ServiceUnavailable"))
    );
    assert_oss_headers(&answer);
    assert_eq!(
        handle.bucket(target.name.as_str()).unwrap().encryption,
        None
    );
    handle.set_fault_rate(0.0);
    handle.set_throttle_rate(1.0);
    let answer = send(&handle, &Call::service(), None).await;
    assert_eq!(
        element(&answer.body, "Code"),
        Some("MetaOperationQpsLimitExceeded")
    );
    assert_eq!(handle.faults_injected(), 2);
    handle.set_throttle_rate(0.0);
    assert_eq!(signed(&handle, &put).await.status, 200);
    assert_eq!(
        handle.bucket(target.name.as_str()).unwrap().encryption,
        Some(EncryptionRule::Sm4)
    );
    assert_eq!(
        handle.requests_served_by(RequestKind::PutBucketEncryption),
        2
    );
    assert_eq!(handle.requests_served(), 3);
}

#[tokio::test]
async fn denied_and_unknown_buckets_are_refused() {
    let handle = sandbox(20).await;
    let denied = handle
        .buckets()
        .into_iter()
        .find(|b| b.access_denied)
        .unwrap();
    for query in ["encryption", "bucketInfo"] {
        let answer = signed(&handle, &Call::bucket("GET", &denied, query)).await;
        assert_eq!(
            (answer.status, element(&answer.body, "Code")),
            (403, Some("AccessDenied")),
            "{query}"
        );
    }
    let mut ghost = denied.clone();
    ghost.name = BucketName::parse("no-such-bucket-here").unwrap();
    let answer = signed(&handle, &Call::bucket("GET", &ghost, "encryption")).await;
    assert_eq!(
        (answer.status, element(&answer.body, "Code")),
        (404, Some("NoSuchBucket"))
    );
    handle.insert_bucket(ghost.clone());
    handle.set_access_denied(ghost.name.as_str(), false);
    handle.set_encryption(ghost.name.as_str(), Some(EncryptionRule::Aes256));
    let answer = signed(&handle, &Call::bucket("GET", &ghost, "encryption")).await;
    assert_eq!(element(&answer.body, "SSEAlgorithm"), Some("AES256"));
    assert!(handle.remove_bucket(ghost.name.as_str()).is_some());
}

#[tokio::test]
async fn the_date_header_shows_the_skewed_sandbox_clock() {
    let mut config = SandboxConfig::for_tests(3, 1);
    config.clock_offset_secs = 3600;
    let handle = start(config).await.unwrap();
    let credentials = handle.credentials();
    let skewed = send(
        &handle,
        &Call::service(),
        Some((SignatureVersion::V4, &credentials, Utc::now())),
    )
    .await;
    assert_eq!(
        (skewed.status, element(&skewed.body, "Code")),
        (403, Some("RequestTimeTooSkewed"))
    );
    let server_date =
        DateTime::parse_from_rfc2822(skewed.headers["date"].to_str().unwrap()).unwrap();
    let offset = server_date.to_utc() - Utc::now();
    assert!((3590..=3610).contains(&offset.num_seconds()), "{offset}");
    let corrected = send(
        &handle,
        &Call::service(),
        Some((SignatureVersion::V4, &credentials, server_date.to_utc())),
    )
    .await;
    assert_eq!(corrected.status, 200);
}
