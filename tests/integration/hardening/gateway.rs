//! A forward proxy between a client and the sandbox that records the host of every request the
//! client asked it to reach (and whether it carried a signature or an STS token), then passes the
//! request on to the sandbox.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use oss_audit::sandbox::SandboxHandle;
use tokio_util::sync::CancellationToken;

/// One request as the client sent it to the proxy.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The host of the absolute request URI: where the client meant the request to go.
    pub host: String,
    pub signed: bool,
    pub security_token: Option<String>,
}

#[derive(Clone)]
struct Gateway {
    upstream: reqwest::Client,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Starts the proxy in front of `sandbox` until `stop`; returns its URL and what it saw.
pub async fn start(
    sandbox: &SandboxHandle,
    stop: CancellationToken,
) -> (url::Url, Arc<Mutex<Vec<Seen>>>) {
    let gateway = Gateway {
        upstream: reqwest::Client::builder()
            .proxy(reqwest::Proxy::all(sandbox.proxy_url()).unwrap())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        seen: Arc::default(),
    };
    let seen = gateway.seen.clone();
    let app = axum::Router::new().fallback(forward).with_state(gateway);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = url::Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
    });
    (url, seen)
}

async fn forward(State(gateway): State<Gateway>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    gateway.seen.lock().unwrap().push(Seen {
        host: parts.uri.host().unwrap_or_default().to_owned(),
        signed: header("authorization").is_some(),
        security_token: header("x-oss-security-token"),
    });
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let mut outgoing = gateway
        .upstream
        .request(parts.method.clone(), parts.uri.to_string())
        .body(body);
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "host" | "content-length" | "connection" | "proxy-connection" | "transfer-encoding"
        ) {
            outgoing = outgoing.header(name, value);
        }
    }
    let Ok(answer) = outgoing.send().await else {
        return Response::builder().status(502).body(Body::empty()).unwrap();
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
    response.body(Body::from(bytes)).unwrap()
}
