//! A stand-in RPC service (STS, Resource Directory, KMS) on loopback that records every request and
//! plays back set answers, for judging what our RPC client sends and how it takes answers the
//! sandbox never gives; and the client configuration that calls it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use oss_audit::oss::{ClientConfig, Credentials, RetryPolicy, Secret};
use oss_audit::sandbox::DEFAULT_ACCESS_KEY_ID;
use url::Url;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    /// The raw query string (without `?`).
    pub query: String,
    pub body: String,
    pub content_type: Option<String>,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Captured>,
    /// Answers still to give; the last one repeats.
    answers: VecDeque<(u16, String)>,
}

/// A running stand-in; stops when dropped.
pub struct RpcStandIn {
    pub endpoint: Url,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RpcStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RpcStandIn {
    /// Serves `answers` (status, body) in order, repeating the last.
    pub async fn start(answers: &[(u16, &str)]) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            requests: Vec::new(),
            answers: answers
                .iter()
                .map(|(status, body)| (*status, (*body).to_owned()))
                .collect(),
        }));
        let router = axum::Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            endpoint,
            shared,
            task,
        }
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Captured> {
        self.shared.lock().unwrap().requests.clone()
    }
}

async fn answer(State(shared): State<Arc<Mutex<Shared>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let mut shared = shared.lock().unwrap();
    shared.requests.push(Captured {
        method: parts.method.to_string(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        body: String::from_utf8_lossy(&body).into_owned(),
        content_type: parts
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    let (status, body) = if shared.answers.len() > 1 {
        shared.answers.pop_front().unwrap()
    } else {
        shared
            .answers
            .front()
            .cloned()
            .unwrap_or((500, String::new()))
    };
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json;charset=utf-8")],
        body,
    )
        .into_response()
}

/// The hub secret the stand-in's callers sign with.
pub const STAND_IN_SECRET: &str = "CaptureHubSecret0000000000000000";

/// A client configuration with the hub keys above (and `token`, if any), no proxy, fast retries.
pub fn stand_in_config(token: Option<&str>) -> ClientConfig {
    ClientConfig {
        endpoint: Url::parse("http://oss-cn-hangzhou.aliyuncs.com").unwrap(),
        region: oss_audit::domain::Region::parse("cn-hangzhou").unwrap(),
        signature_version: oss_audit::oss::sign::SignatureVersion::V4,
        use_internal_endpoints: false,
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        max_rps: 0,
        proxy: None,
        credentials: Credentials {
            access_key_id: DEFAULT_ACCESS_KEY_ID.to_owned(),
            access_key_secret: Secret::new(STAND_IN_SECRET),
            security_token: token.map(Secret::new),
        },
        observer: None,
    }
}

/// A well-formed AssumeRole answer.
pub const ASSUMED_ROLE_ANSWER: &str = r#"{"RequestId":"6894B13B-6D71-4EF5-88FA-F32781734A7F","AssumedRoleUser":{"Arn":"acs:ram::1763082937549132:role/oss-audit/oss-audit","AssumedRoleId":"344584339364951186:oss-audit"},"Credentials":{"AccessKeyId":"STS.NUgYrLnoC37mZZCNnAbez2ddd","AccessKeySecret":"CaptureTemporarySecret000000000","SecurityToken":"CAIScaptured-token","Expiration":"2031-04-09T11:52:19Z"}}"#;

/// A well-formed DescribeKey answer (KMS's documented sample) for a key in cn-hangzhou.
pub const DESCRIBE_KEY_ANSWER: &str = r#"{"KeyMetadata":{"CreationDate":"2021-05-20T06:34:21Z","Description":"","KeyId":"05754286-3ba2-4fa6-8d41-4323aca6f2a1","KeySpec":"Aliyun_AES_256","KeyState":"Enabled","KeyUsage":"ENCRYPT/DECRYPT","DeleteDate":"","Creator":"1540355698848459","Arn":"acs:kms:cn-hangzhou:1540355698848459:key/05754286-3ba2-4fa6-8d41-4323aca6f2a1","Origin":"Aliyun_KMS","MaterialExpireTime":"","ProtectionLevel":"HSM","LastRotationDate":"2021-05-20T06:34:21Z","AutomaticRotation":"Disabled","DeletionProtection":"Enabled"},"RequestId":"f1fdfa9d-bd49-418b-942f-8f3e3ec00a4f"}"#;
