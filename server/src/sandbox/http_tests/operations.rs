//! Successful operations over HTTP, virtual-hosted and path-style, and shutdown.

use base64::Engine as _;
use chrono::Utc;
use http::HeaderMap;

use super::*;

#[tokio::test]
async fn requests_signed_by_our_signer_are_served_with_every_key_and_version() {
    let handle = sandbox(12).await;
    let names: Vec<String> = handle
        .buckets()
        .iter()
        .map(|b| b.name.to_string())
        .collect();
    for credentials in [handle.credentials(), handle.sts_credentials()] {
        for version in [SignatureVersion::V1, SignatureVersion::V4] {
            let answer = send(
                &handle,
                &Call::service(),
                Some((version, &credentials, Utc::now())),
            )
            .await;
            assert_eq!(answer.status, 200, "{version}: {}", answer.body);
            assert_oss_headers(&answer);
            let listed: Vec<&str> = answer
                .body
                .split("<Name>")
                .skip(1)
                .filter_map(|s| s.split("</Name>").next())
                .collect();
            assert_eq!(listed, names);
        }
    }
    let readable = handle
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied)
        .unwrap();
    let location = signed(&handle, &Call::bucket("GET", &readable, "location")).await;
    assert_eq!(
        element(&location.body, "LocationConstraint"),
        Some(readable.region.location().as_str())
    );
    let info = signed(&handle, &Call::bucket("GET", &readable, "bucketInfo")).await;
    assert_eq!(
        (info.status, element(&info.body, "Name")),
        (200, Some(readable.name.as_str()))
    );
}

#[tokio::test]
async fn put_get_delete_round_trip_and_head_errors_use_x_oss_err() {
    let handle = sandbox(20).await;
    let target = handle
        .buckets()
        .into_iter()
        .find(|b| !b.access_denied && b.encryption.is_none())
        .unwrap();
    let get = Call::bucket("GET", &target, "encryption");
    let missing = signed(&handle, &get).await;
    assert_eq!(
        (missing.status, element(&missing.body, "Code")),
        (404, Some("NoSuchServerSideEncryptionRule"))
    );
    let head = signed(&handle, &Call::bucket("HEAD", &target, "encryption")).await;
    assert_eq!((head.status, head.body.as_str()), (404, ""));
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(head.headers["x-oss-err"].as_bytes())
        .unwrap();
    assert!(
        String::from_utf8(decoded)
            .unwrap()
            .contains("NoSuchServerSideEncryptionRule")
    );

    let mut put = Call::bucket("PUT", &target, "encryption");
    put.body = "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>KMS</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>";
    let stored = signed(&handle, &put).await;
    assert_eq!((stored.status, stored.body.as_str()), (200, ""));
    let read = signed(&handle, &get).await;
    assert_eq!(
        (
            element(&read.body, "SSEAlgorithm"),
            element(&read.body, "KMSDataEncryption")
        ),
        (Some("KMS"), Some("SM4"))
    );

    put.body = "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>";
    let refused = signed(&handle, &put).await;
    assert_eq!(
        (refused.status, element(&refused.body, "Code")),
        (400, Some("InvalidEncryptionAlgorithmError"))
    );

    let deleted = signed(&handle, &Call::bucket("DELETE", &target, "encryption")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        handle.bucket(target.name.as_str()).unwrap().encryption,
        None
    );
    assert_eq!(
        signed(&handle, &Call::bucket("DELETE", &target, "encryption"))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn path_style_works_on_the_sandbox_address_without_a_proxy() {
    let handle = sandbox(10).await;
    let bucket = handle.buckets().into_iter().next().unwrap();
    let mut headers = HeaderMap::new();
    let query = routing::decode_query(Some("location"));
    sign::sign(
        SignatureVersion::V1,
        "GET",
        Some(bucket.name.as_str()),
        None,
        &query,
        &mut headers,
        &handle.credentials(),
        &bucket.region,
        Utc::now(),
    )
    .unwrap();
    let response = reqwest::Client::new()
        .get(format!("{}/{}/?location", handle.proxy_url(), bucket.name))
        .headers(headers)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains(&bucket.region.location())
    );
}

#[tokio::test]
async fn shutdown_stops_the_server_promptly_despite_idle_keep_alive_connections() {
    let handle = sandbox(1).await;
    let addr = handle.local_addr();
    // The client keeps its connection open in its pool after this answer.
    let client = proxied(&handle);
    let answer = client
        .get("http://oss-cn-hangzhou.aliyuncs.com/")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    let started = std::time::Instant::now();
    handle.shutdown().await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    drop(client);
}
