//! Clients cannot hold the server: a request head or body that never ends is cut off, and
//! connections beyond the limit wait until one closes.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{DEADLINE, TestApp};

/// Connects to the application without sending anything.
async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connected")
}

/// Reads until the server closes the connection, and returns what it sent. Fails the test when
/// the connection is still open after the harness's deadline for anything awaited.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(DEADLINE, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server still holds the connection after {DEADLINE:?}"
    );
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_client_that_sends_half_a_request_header_is_disconnected() {
    let app = TestApp::launch()
        .request_timeouts(Duration::from_secs(1), Duration::from_secs(30))
        .start()
        .await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Still-Typing: ")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(!answer.contains("200 OK"), "{answer}");

    // A client that opens a connection and says nothing is disconnected too.
    let mut silent = connect(&app).await;
    read_until_closed(&mut silent).await;

    // Prompt clients are served as before.
    let (status, _) = app.visitor().get("/healthz").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_request_body_that_arrives_too_slowly_is_refused() {
    let app = TestApp::launch()
        .request_timeouts(Duration::from_secs(30), Duration::from_secs(1))
        .start()
        .await;
    let mut stream = connect(&app).await;
    // The head promises 1000 bytes; a few arrive, then nothing more.
    stream
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n\
              username=admin&pass",
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout"),
        "{answer}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempt").await,
        0,
        "no sign-in was tried with part of a form"
    );
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let app = TestApp::launch().max_connections(2).start().await;
    // Two idle connections take both places (the head deadline, 10 s, outlasts this test).
    let first = connect(&app).await;
    let _second = connect(&app).await;
    let mut third = connect(&app).await;
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let waiting = tokio::spawn(async move { read_until_closed(&mut third).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "a third connection was served while two were open"
    );
    drop(first);
    let answer = waiting.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}
