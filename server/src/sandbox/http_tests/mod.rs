//! The sandbox over real HTTP, driven by a raw reqwest client through its forward proxy.

mod operations;
mod refusals;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use md5::{Digest as _, Md5};

use super::*;
use crate::domain::{BucketName, EncryptionRule, Region};
use crate::oss::sign::{self, SignatureVersion};
use crate::oss::{Credentials, Secret};

async fn sandbox(buckets: usize) -> SandboxHandle {
    start(SandboxConfig::for_tests(buckets, 7)).await.unwrap()
}

fn proxied(handle: &SandboxHandle) -> reqwest::Client {
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::http(handle.proxy_url()).unwrap())
        .build()
        .unwrap()
}

/// One request to send: everything the signer and reqwest need.
struct Call<'a> {
    method: &'a str,
    host: String,
    bucket: Option<&'a str>,
    query: &'a str,
    body: &'a str,
    region: &'a str,
}

impl<'a> Call<'a> {
    fn service() -> Self {
        Self {
            method: "GET",
            host: "oss-cn-hangzhou.aliyuncs.com".into(),
            bucket: None,
            query: "",
            body: "",
            region: "cn-hangzhou",
        }
    }

    fn bucket(method: &'a str, bucket: &'a SandboxBucket, query: &'a str) -> Self {
        Self {
            method,
            host: format!("{}.{}", bucket.name, bucket.region.extranet_endpoint()),
            bucket: Some(bucket.name.as_str()),
            query,
            body: "",
            region: bucket.region.as_str(),
        }
    }
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
}

async fn send(
    handle: &SandboxHandle,
    call: &Call<'_>,
    signing: Option<(SignatureVersion, &Credentials, DateTime<Utc>)>,
) -> Answer {
    let mut headers = HeaderMap::new();
    if !call.body.is_empty() {
        let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(call.body));
        headers.insert("content-md5", md5.parse().unwrap());
        headers.insert("content-type", "application/xml".parse().unwrap());
    }
    if let Some((version, credentials, now)) = signing {
        let query = routing::decode_query(Some(call.query));
        let region = Region::parse(call.region).unwrap();
        sign::sign(
            version,
            call.method,
            call.bucket,
            None,
            &query,
            &mut headers,
            credentials,
            &region,
            now,
        )
        .unwrap();
    }
    let separator = if call.query.is_empty() { "" } else { "?" };
    let url = format!("http://{}/{separator}{}", call.host, call.query);
    let method = reqwest::Method::from_bytes(call.method.as_bytes()).unwrap();
    let response = proxied(handle)
        .request(method, url)
        .headers(headers)
        .body(call.body.to_owned())
        .send()
        .await
        .unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

async fn signed(handle: &SandboxHandle, call: &Call<'_>) -> Answer {
    let credentials = handle.credentials();
    send(
        handle,
        call,
        Some((SignatureVersion::V4, &credentials, Utc::now())),
    )
    .await
}

fn element<'b>(body: &'b str, name: &str) -> Option<&'b str> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{name}>"))?;
    Some(&body[start..start + end])
}

fn assert_oss_headers(answer: &Answer) {
    let id = answer.headers["x-oss-request-id"].to_str().unwrap();
    assert!(
        id.len() == 24
            && id
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
        "{id}"
    );
    assert_eq!(answer.headers["server"], "AliyunOSS");
    assert!(answer.headers.contains_key("date"));
    if answer.status >= 400 {
        assert_eq!(answer.headers["content-type"], "application/xml");
        assert_eq!(element(&answer.body, "RequestId"), Some(id));
        assert_eq!(
            element(&answer.body, "EC"),
            answer.headers["x-oss-ec"].to_str().ok()
        );
    }
}
