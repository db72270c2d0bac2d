//! Retries, throttling, clock skew and broken answers: nothing is lost, nothing panics.

use std::time::Duration;

use futures_util::{StreamExt, stream};
use oss_audit::oss::{BucketAddress, OssClient, OssError};
use oss_audit::sandbox::SandboxHandle;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{client, sandbox, seeded_sandbox};

/// Reads every bucket 16 at a time; returns how many answers matched the sandbox's truth.
async fn read_all_correctly(client: &OssClient, sandbox: &SandboxHandle) -> usize {
    let truth = sandbox.buckets();
    let results: Vec<_> = stream::iter(&truth)
        .map(|b| async move {
            let address = BucketAddress::in_region(b.name.clone(), b.region.clone());
            (b, client.get_bucket_encryption(&address).await)
        })
        .buffer_unordered(16)
        .collect()
        .await;
    results
        .into_iter()
        .filter(|(b, read)| match read {
            Ok(answer) => !b.access_denied && answer.value == b.encryption,
            Err(err) => b.access_denied && err.code() == Some("AccessDenied"),
        })
        .count()
}

#[tokio::test]
async fn retries_under_injected_faults_and_throttling_lose_nothing() {
    let sandbox = sandbox(300).await;
    sandbox.set_fault_rate(0.1);
    sandbox.set_throttle_rate(0.1);
    let client = client(&sandbox, |c| c.retry.max_attempts = 12);
    assert_eq!(
        client.list_all_buckets(None, None).await.unwrap().len(),
        300
    );
    assert_eq!(read_all_correctly(&client, &sandbox).await, 300);
    assert!(
        sandbox.faults_injected() > 20,
        "faults were injected: {}",
        sandbox.faults_injected()
    );
}

#[tokio::test]
async fn gives_up_after_the_configured_attempts_with_the_oss_code() {
    let sandbox = sandbox(3).await;
    sandbox.set_throttle_rate(1.0);
    let client = client(&sandbox, |c| c.retry.max_attempts = 3);
    let before = sandbox.requests_served();
    let err = client.list_all_buckets(None, None).await.unwrap_err();
    assert_eq!(err.code(), Some("MetaOperationQpsLimitExceeded"));
    assert!(oss_audit::oss::retry::is_throttling(&err));
    assert!(err.request_id().is_some());
    assert_eq!(sandbox.requests_served() - before, 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let sandbox = sandbox(60).await;
    let client = client(&sandbox, |c| c.retry.max_attempts = 5);
    let denied = sandbox
        .buckets()
        .into_iter()
        .find(|b| b.access_denied)
        .unwrap();
    let before = sandbox.requests_served();
    let address = BucketAddress::in_region(denied.name.clone(), denied.region.clone());
    client.get_bucket_encryption(&address).await.unwrap_err();
    assert_eq!(sandbox.requests_served() - before, 1);
}

#[tokio::test]
async fn a_skewed_clock_is_corrected_from_the_server_date() {
    let sandbox = seeded_sandbox(5, 1).await;
    sandbox.set_clock_offset_secs(3600);
    let client = client(&sandbox, |c| c.retry.max_attempts = 2);
    assert_eq!(client.list_all_buckets(None, None).await.unwrap().len(), 5);
    // Once corrected, later requests are signed with the server's time straight away.
    let before = sandbox.requests_served();
    client.list_all_buckets(None, None).await.unwrap();
    assert_eq!(sandbox.requests_served() - before, 1);
}

#[tokio::test]
async fn latency_is_survived_with_many_requests_in_flight() {
    let sandbox = seeded_sandbox(64, 3).await;
    sandbox.set_latency_ms(20);
    let client = client(&sandbox, |_| {});
    assert_eq!(read_all_correctly(&client, &sandbox).await, 64);
}

/// An HTTP server that answers every request with `status`, `headers` and `body`.
async fn canned_server(status: &str, headers: &str, body: &str) -> std::net::SocketAddr {
    let response = format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    addr
}

async fn list_through(status: &str, headers: &str, body: &str) -> OssError {
    let addr = canned_server(status, headers, body).await;
    let sandbox = sandbox(1).await;
    let client = client(&sandbox, |c| {
        c.proxy = Some(format!("http://{addr}").parse().unwrap());
        c.retry.max_attempts = 2;
    });
    client.list_all_buckets(None, None).await.unwrap_err()
}

#[tokio::test]
async fn an_html_error_page_is_a_clear_error() {
    let err = list_through(
        "502 Bad Gateway",
        "Content-Type: text/html\r\nx-oss-request-id: RID502\r\n",
        "<html><body>Bad Gateway</body></html>",
    )
    .await;
    assert!(
        matches!(err, OssError::MalformedResponse { status: 502, .. }),
        "{err}"
    );
    assert_eq!(err.request_id(), Some("RID502"));
}

#[tokio::test]
async fn a_truncated_listing_is_a_clear_error_not_a_short_list() {
    let err = list_through(
        "200 OK",
        "Content-Type: application/xml\r\n",
        "<ListAllMyBucketsResult><Buckets><Bucket><Name>abc</Name><Region>cn-hangzhou</Region></Bucket>",
    )
    .await;
    assert!(
        matches!(err, OssError::MalformedResponse { status: 200, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let sandbox = sandbox(1).await;
    let client = client(&sandbox, |c| {
        c.proxy = Some(format!("http://{addr}").parse().unwrap());
        c.retry.max_attempts = 2;
        c.connect_timeout = Duration::from_secs(2);
    });
    let err = client.list_all_buckets(None, None).await.unwrap_err();
    assert!(matches!(err, OssError::Transport { .. }), "{err}");
}
