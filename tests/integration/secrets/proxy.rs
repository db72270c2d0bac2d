//! A forward proxy between a client and the sandbox that keeps what a test asks of each request
//! (here: every `Authorization` and `x-oss-security-token` the binary sent, and the `Signature` of
//! every RPC request), and the temporary keys STS answered AssumeRole with, then passes everything
//! on unchanged.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use oss_audit::sandbox::SandboxHandle;
use tokio_util::sync::CancellationToken;

/// What the proxy keeps of each request: `record`'s answer for its head, when it has one; and of
/// each answer: the temporary keys of an AssumeRole answer.
struct Recorder<T> {
    upstream: reqwest::Client,
    record: fn(&Parts) -> Option<T>,
    seen: Arc<Mutex<Vec<T>>>,
    issued: Arc<Mutex<Vec<IssuedKeys>>>,
}

/// Temporary keys STS handed out through the proxy: what a member account's requests are signed
/// with, and so secrets like the permanent ones.
#[derive(Debug, Clone)]
pub struct IssuedKeys {
    pub secret: String,
    pub token: String,
}

impl<T> Clone for Recorder<T> {
    fn clone(&self) -> Self {
        Self {
            upstream: self.upstream.clone(),
            record: self.record,
            seen: self.seen.clone(),
            issued: self.issued.clone(),
        }
    }
}

/// Starts a forward proxy in front of `sandbox` until `stop` that keeps what `record` makes of
/// each request's head, then passes the request on; returns its URL and what it kept.
pub async fn recording<T: Send + 'static>(
    sandbox: &SandboxHandle,
    stop: CancellationToken,
    record: fn(&Parts) -> Option<T>,
) -> (url::Url, Arc<Mutex<Vec<T>>>) {
    let (url, seen, _) = recording_with_keys(sandbox, stop, record).await;
    (url, seen)
}

/// [`recording`], also returning the temporary keys STS answered with through the proxy.
async fn recording_with_keys<T: Send + 'static>(
    sandbox: &SandboxHandle,
    stop: CancellationToken,
    record: fn(&Parts) -> Option<T>,
) -> (url::Url, Arc<Mutex<Vec<T>>>, Arc<Mutex<Vec<IssuedKeys>>>) {
    let upstream = reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(sandbox.proxy_url()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let seen = Arc::default();
    let issued = Arc::default();
    let recorder = Recorder {
        upstream,
        record,
        seen: Arc::clone(&seen),
        issued: Arc::clone(&issued),
    };
    let app = axum::Router::new()
        .fallback(forward::<T>)
        .with_state(recorder);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = url::Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
    });
    (url, seen, issued)
}

/// A header of `parts` as text, when it was sent.
pub fn header(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

#[derive(Debug, Clone)]
pub struct SignedRequest {
    pub authorization: String,
    pub security_token: Option<String>,
    /// What the binary sent the proxy for the user and password in `HTTP_PROXY`.
    pub proxy_authorization: Option<String>,
}

/// A request the recording proxy kept.
#[derive(Debug, Clone)]
enum Kept {
    /// An OSS request, signed in its `Authorization` header.
    Signed(SignedRequest),
    /// The `Signature` parameter of an RPC (STS, Resource Directory) request.
    Rpc(String),
}

/// What the recording proxy kept so far.
pub struct Recorded {
    kept: Arc<Mutex<Vec<Kept>>>,
    issued: Arc<Mutex<Vec<IssuedKeys>>>,
}

impl Recorded {
    /// The signed OSS requests.
    pub fn signed(&self) -> Vec<SignedRequest> {
        let kept = self.kept.lock().unwrap();
        kept.iter()
            .filter_map(|k| match k {
                Kept::Signed(signed) => Some(signed.clone()),
                Kept::Rpc(_) => None,
            })
            .collect()
    }

    /// The `Signature` parameter of every RPC (STS, Resource Directory) request.
    pub fn rpc_signatures(&self) -> Vec<String> {
        let kept = self.kept.lock().unwrap();
        kept.iter()
            .filter_map(|k| match k {
                Kept::Rpc(signature) => Some(signature.clone()),
                Kept::Signed(_) => None,
            })
            .collect()
    }

    /// The temporary keys STS answered AssumeRole with.
    pub fn issued(&self) -> Vec<IssuedKeys> {
        self.issued.lock().unwrap().clone()
    }
}

/// Starts the recording proxy in front of `sandbox`; returns its URL and what it records.
pub async fn recording_proxy(
    sandbox: &SandboxHandle,
    stop: CancellationToken,
) -> (String, Recorded) {
    let (url, kept, issued) = recording_with_keys(sandbox, stop, |parts| {
        if let Some(authorization) = header(parts, "authorization") {
            return Some(Kept::Signed(SignedRequest {
                authorization,
                security_token: header(parts, "x-oss-security-token"),
                proxy_authorization: header(parts, "proxy-authorization"),
            }));
        }
        // An RPC request (STS, Resource Directory) carries its signature in the query string.
        let query: Vec<(String, String)> =
            serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).ok()?;
        let (_, signature) = query.into_iter().find(|(name, _)| name == "Signature")?;
        Some(Kept::Rpc(signature))
    })
    .await;
    let url = url.as_str().trim_end_matches('/').to_owned();
    (url, Recorded { kept, issued })
}

async fn forward<T: Send + 'static>(
    State(recorder): State<Recorder<T>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    if let Some(kept) = (recorder.record)(&parts) {
        recorder.seen.lock().unwrap().push(kept);
    }
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let mut outgoing = recorder
        .upstream
        .request(parts.method.clone(), parts.uri.to_string())
        .body(body);
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "host"
                | "content-length"
                | "connection"
                | "proxy-connection"
                | "proxy-authorization"
                | "transfer-encoding"
        ) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = match outgoing.send().await {
        Ok(answer) => answer,
        Err(err) => {
            return Response::builder()
                .status(502)
                .body(Body::from(format!("recording proxy: {err}")))
                .unwrap();
        }
    };
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if !matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    // An AssumeRole answer: keep the temporary secret and token it hands out.
    if let Ok(answer) = serde_json::from_slice::<serde_json::Value>(&bytes)
        && let (Some(secret), Some(token)) = (
            answer["Credentials"]["AccessKeySecret"].as_str(),
            answer["Credentials"]["SecurityToken"].as_str(),
        )
    {
        recorder.issued.lock().unwrap().push(IssuedKeys {
            secret: secret.to_owned(),
            token: token.to_owned(),
        });
    }
    response.body(Body::from(bytes)).unwrap()
}

/// The signature part of an `Authorization` value: after `Signature=` (V4) or the last `:` (V1).
fn signature_of(authorization: &str) -> &str {
    match authorization.rfind("Signature=") {
        Some(at) => &authorization[at + "Signature=".len()..],
        None => authorization.rsplit(':').next().unwrap_or(authorization),
    }
}

/// The signatures of the `recorded` requests, once checked that V4, V1 and STS requests (with
/// `sts_token`) were among them and that every one carried the proxy credentials `proxy_basic`.
pub fn signatures(recorded: &[SignedRequest], sts_token: &str, proxy_basic: &str) -> Vec<String> {
    assert!(
        recorded
            .iter()
            .any(|r| r.authorization.starts_with("OSS4-HMAC-SHA256 "))
            && recorded.iter().any(|r| r.authorization.starts_with("OSS "))
            && recorded
                .iter()
                .any(|r| r.security_token.as_deref() == Some(sts_token)),
        "V4, V1 and STS requests were recorded"
    );
    assert!(
        recorded.iter().all(|r| r
            .proxy_authorization
            .as_deref()
            .is_some_and(|v| v.ends_with(proxy_basic))),
        "every request carried the proxy credentials"
    );
    let signatures: BTreeSet<&str> = recorded
        .iter()
        .map(|r| signature_of(&r.authorization))
        .collect();
    signatures
        .into_iter()
        .map(|signature| {
            assert!(signature.len() >= 20, "a signature: {signature:?}");
            signature.to_owned()
        })
        .collect()
}
