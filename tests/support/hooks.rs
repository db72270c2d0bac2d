//! A real webhook receiver on 127.0.0.1:0 that records every request and answers as told (200,
//! 500 for the next N requests, any status and body, or never), and the signature checks a
//! receiver makes, computed here rather than by the code under test.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use super::wait::until;

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Path and query, e.g. `/robot/send?access_token=t&timestamp=…&sign=…`.
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// A query parameter, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.uri.query().unwrap_or("").as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The raw (still percent-encoded) value of a query parameter.
    pub fn raw_query(&self, name: &str) -> Option<String> {
        self.uri
            .query()
            .unwrap_or("")
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }
}

#[derive(Default)]
struct Behaviour {
    requests: Mutex<Vec<Recorded>>,
    fail_first: AtomicUsize,
    hang: AtomicBool,
    answer: Mutex<(u16, String)>,
}

/// A running receiver (stopped when dropped).
pub struct Receiver {
    pub base: String,
    behaviour: Arc<Behaviour>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(behaviour): State<Arc<Behaviour>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    behaviour
        .requests
        .lock()
        .unwrap()
        .push(Recorded { uri, headers, body });
    if behaviour.hang.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    let failing = behaviour
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "receiver down\nretry later",
        )
            .into_response();
    }
    let (status, body) = behaviour.answer.lock().unwrap().clone();
    (StatusCode::from_u16(status).unwrap(), body).into_response()
}

impl Receiver {
    /// A receiver answering 200 `ok`.
    pub async fn start() -> Self {
        let behaviour = Arc::new(Behaviour {
            answer: Mutex::new((200, "ok".to_owned())),
            ..Behaviour::default()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the receiver binds");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(behaviour.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base,
            behaviour,
            task,
        }
    }

    /// Answers 500 to the next `n` requests.
    pub fn fail_next(&self, n: usize) {
        self.behaviour.fail_first.store(n, Ordering::SeqCst);
    }

    /// Never answers from now on.
    pub fn hang(&self) {
        self.behaviour.hang.store(true, Ordering::SeqCst);
    }

    /// Answers `status` with `body` from now on.
    pub fn answer(&self, status: u16, body: &str) {
        *self.behaviour.answer.lock().unwrap() = (status, body.to_owned());
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.behaviour.requests.lock().unwrap().clone()
    }

    /// Waits until `n` requests arrived and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Recorded> {
        until(format!("{n} requests arrive"), async || {
            let requests = self.requests();
            (requests.len() >= n).then_some(requests)
        })
        .await
    }
}

/// Checks a generic webhook request as a receiver would: the signature header is
/// `sha256=hex(HMAC-SHA256(secret, "{X-OSS-Audit-Timestamp}.{body}"))`. Returns the body.
pub fn verified_webhook(request: &Recorded, secret: &str) -> Value {
    let timestamp = request.header("x-oss-audit-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        request.header("x-oss-audit-signature"),
        format!("sha256={expected}"),
        "the signature verifies"
    );
    assert_eq!(request.header("content-type"), "application/json");
    request.json()
}

/// Checks DingTalk's signing as DingTalk would: `sign` is base64(HMAC-SHA256(secret,
/// "{timestamp}\n{secret}")), URL-encoded, next to the millisecond `timestamp`.
pub fn verified_dingtalk(request: &Recorded, secret: &str) -> Value {
    let timestamp = request.query("timestamp").expect("a timestamp parameter");
    let millis: i64 = timestamp.parse().expect("milliseconds");
    assert!(
        (chrono::Utc::now().timestamp_millis() - millis).abs() < 3_600_000,
        "DingTalk refuses timestamps more than an hour off"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(request.query("sign").as_deref(), Some(expected.as_str()));
    let encoded: String = url::form_urlencoded::byte_serialize(expected.as_bytes()).collect();
    assert_eq!(
        request.raw_query("sign").as_deref(),
        Some(encoded.as_str()),
        "sign is URL-encoded"
    );
    request.json()
}
