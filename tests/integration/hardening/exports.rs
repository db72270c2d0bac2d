//! CSV downloads that their clients stop reading cannot take every database connection: only a
//! few stream at once, and the rest are told to come back.

use oss_audit::domain::Role;
use oss_audit::web::MAX_CONCURRENT_EXPORTS;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::{SESSION_COOKIE, TestApp, until};

/// Enough buckets for a CSV (about 7 MB) larger than every socket buffer between the server and
/// a client that reads nothing, so that such a download stays open.
const BUCKETS: i64 = 100_000;

/// Writes a completed scan of `BUCKETS` encrypted buckets straight into the database.
async fn seed(pool: &sqlx::SqlitePool) {
    for sql in [
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO bucket (account_id, name, region, extranet_endpoint, intranet_endpoint, first_seen_at)
         SELECT 1, printf('bucket-%06d', i), 'cn-hangzhou', 'oss-cn-hangzhou.aliyuncs.com',
                'oss-cn-hangzhou-internal.aliyuncs.com', '2026-11-01T00:00:00Z' FROM n",
        "INSERT INTO scan (id, trigger, status, started_at, finished_at, accounts_total, accounts_done,
             buckets_total, buckets_done, encrypted, unencrypted, unknown, compliant, noncompliant, changes)
         VALUES (1, 'cli', 'completed', '2026-11-01T00:00:00Z', '2026-11-01T00:10:00Z', 1, 1, ?1, ?1,
             ?1, 0, 0, ?1, 0, ?1)",
        "INSERT INTO account_scan (id, scan_id, account_id, trigger, status, started_at, finished_at,
             buckets_total, buckets_done, encrypted, unencrypted, unknown, compliant, noncompliant, changes)
         VALUES (1, 1, 1, 'cli', 'completed', '2026-11-01T00:00:00Z', '2026-11-01T00:10:00Z', ?1, ?1,
             ?1, 0, 0, ?1, 0, ?1)",
        "INSERT INTO encryption_state (bucket_id, account_scan_id, observed_at, status, sse_algorithm)
         SELECT id, 1, '2026-11-01T00:05:00Z', 'encrypted', 'AES256' FROM bucket",
        "UPDATE bucket SET compliant = 1, status = 'encrypted',
             state_id = (SELECT s.id FROM encryption_state s WHERE s.bucket_id = bucket.id)",
    ] {
        sqlx::query(sql).bind(BUCKETS).execute(pool).await.expect(sql);
    }
}

/// Asks for `/buckets.csv` with `session` and reads only the answer's head; the connection, with
/// a tiny receive buffer, is returned unread.
async fn download_without_reading(app: &TestApp, session: &str) -> (TcpStream, String) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = app.base.trim_start_matches("http://").parse().unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let request = format!(
        "GET /buckets.csv HTTP/1.1\r\nHost: localhost\r\nCookie: {SESSION_COOKIE}={session}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        assert_eq!(
            stream.read(&mut byte).await.unwrap(),
            1,
            "the answer's head"
        );
        head.push(byte[0]);
    }
    (stream, String::from_utf8_lossy(&head).into_owned())
}

#[tokio::test]
async fn downloads_that_are_not_read_cannot_take_every_database_connection() {
    let app = TestApp::start(0).await;
    seed(app.db.pool().await).await;
    let viewer = app.sign_in("vera", Role::Viewer).await;
    let session = viewer.session_cookie().expect("a session");

    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..8 {
        let (stream, head) = download_without_reading(&app, &session).await;
        if head.starts_with("HTTP/1.1 200") {
            held.push(stream);
        } else {
            assert!(head.starts_with("HTTP/1.1 503"), "{head}");
            assert!(
                head.to_ascii_lowercase().contains("retry-after: "),
                "{head}"
            );
            refused += 1;
        }
    }
    assert_eq!(
        (held.len(), refused),
        (MAX_CONCURRENT_EXPORTS, 8 - MAX_CONCURRENT_EXPORTS)
    );

    // Pages that need the database answer while the downloads are held.
    let (status, html) = viewer.get("/buckets").await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(viewer.get("/").await.0, 200);

    // Once the held downloads go, exports are served again, whole.
    drop(held);
    let body = until("an export is served again", async || {
        let answer = viewer.fetch("/buckets.csv").await;
        (answer.status() == 200).then_some(answer)
    })
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(body.lines().count(), 1 + BUCKETS as usize);
}
