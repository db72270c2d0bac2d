//! KMS clients for a sandbox (with the hub's keys or a member's assumed role), the bucket of a
//! seeded key, and a signed OSS request for the calls our client does not make (GetBucketTagging).

use std::sync::Arc;

use chrono::Utc;
use oss_audit::cloud::{AssumeRole, AssumedRoleCredentials, KmsClient};
use oss_audit::domain::{KeyMetadata, Region};
use oss_audit::oss::sign::{self, SignatureVersion};
use oss_audit::oss::{ClientConfig, Credentials, CredentialsProvider, StaticCredentials};
use oss_audit::sandbox::{SandboxAccount, SandboxBucket, SandboxHandle};

use super::sandbox::{fast_config, sandbox_sts};

/// The sandbox's KMS in `region`, signing with what `credentials` hands out (as an account's OSS
/// client does), through `config`'s proxy.
pub fn sandbox_kms(
    config: &ClientConfig,
    region: &Region,
    credentials: Arc<dyn CredentialsProvider>,
) -> KmsClient {
    KmsClient::new(region.clone(), config, credentials).expect("KMS client builds")
}

/// The sandbox's KMS in `region` with the hub's permanent keys.
pub fn hub_kms(sandbox: &SandboxHandle, region: &Region) -> KmsClient {
    let config = fast_config(sandbox);
    let keys = Arc::new(StaticCredentials::new(config.credentials.clone()));
    sandbox_kms(&config, region, keys)
}

/// A member's assumed-role keys, through the sandbox's STS.
pub fn member_keys(
    sandbox: &SandboxHandle,
    member: &SandboxAccount,
) -> Arc<AssumedRoleCredentials> {
    Arc::new(AssumedRoleCredentials::new(
        sandbox_sts(&fast_config(sandbox)),
        AssumeRole::new(member.role_arn.clone(), None),
    ))
}

/// A seeded key of `account` and one of the buckets in its region, owned by the same account.
pub fn key_with_bucket(
    sandbox: &SandboxHandle,
    account: &SandboxAccount,
) -> (KeyMetadata, SandboxBucket) {
    for key in sandbox.kms_keys_of(&account.uid) {
        let bucket = sandbox
            .buckets_of(&account.uid)
            .into_iter()
            .find(|b| &b.region == key.arn.region() && !b.access_denied);
        if let Some(bucket) = bucket {
            return (key, bucket);
        }
    }
    panic!("no seeded key with a readable bucket in its region");
}

/// Sends a V4-signed `GET /?<subresource>` for `bucket` through the sandbox's proxy and returns
/// the status and body.
pub async fn signed_bucket_get(
    sandbox: &SandboxHandle,
    credentials: &Credentials,
    bucket: &SandboxBucket,
    subresource: &str,
) -> (u16, String) {
    let region = &bucket.region;
    let query = vec![(subresource.to_owned(), String::new())];
    let mut headers = http::HeaderMap::new();
    sign::sign(
        SignatureVersion::V4,
        "GET",
        Some(bucket.name.as_str()),
        None,
        &query,
        &mut headers,
        credentials,
        region,
        Utc::now(),
    )
    .expect("the request signs");
    let proxy = reqwest::Proxy::all(sandbox.proxy_url()).expect("a proxy URL");
    let http = reqwest::Client::builder()
        .proxy(proxy)
        .build()
        .expect("a client");
    let url = format!(
        "http://{}.{}/?{subresource}",
        bucket.name,
        region.extranet_endpoint()
    );
    let response = http
        .get(url)
        .headers(headers)
        .send()
        .await
        .expect("the sandbox answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}
