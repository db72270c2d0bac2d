//! The request pipeline: count, delay, inject faults, authenticate, route, run, answer like OSS.
//! Requests for the STS, Resource Manager and KMS hosts go to [`super::rpc`] instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use http::header::{CONTENT_TYPE, DATE, SERVER};
use http::{HeaderValue, Method, StatusCode};
use rand::Rng as _;

use super::auth::{self, AuthRequest};
use super::delay;
use super::error::OssError;
use super::ops::{self, Reply};
use super::routing::{self, Operation, Route};
use super::rpc;
use super::state::{RequestKind, SandboxState};
use super::xml::XmlWriter;

/// The axum handler every request reaches (the router has only a fallback).
pub(crate) async fn handle(State(state): State<Arc<SandboxState>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let host = routing::request_host(&parts.uri, &parts.headers);
    if let Some(api) = rpc::api_of(&host) {
        return rpc::handle(&state, api, &host, started, parts, body).await;
    }
    count_for_account(&state, &parts.headers);
    let query = routing::decode_query(parts.uri.query());
    let routed = routing::route(&host, parts.uri.path());
    let operation = match &routed {
        Ok(route) => routing::operation(&parts.method, &route.target, &query),
        Err(_) => Operation::NotImplemented,
    };
    state.count_request(operation.kind());

    // Counted from arrival, so the routing above is part of the latency rather than added to it.
    let latency = state.latency();
    if !latency.is_zero() {
        delay::sleep_until(started + latency).await;
    }
    let result = match state.faults.draw() {
        Some(fault) => {
            state.count_fault();
            Err(fault)
        }
        None if operation.kind() == RequestKind::ListBuckets && !state.take_list_page() => {
            Err(OssError::service_unavailable())
        }
        None => match &routed {
            Ok(route) => serve(&state, operation, route, &query, &parts, body).await,
            Err(err) => Err(err.clone()),
        },
    };

    if let Err(err) = &result
        && err.code == "SecurityTokenExpired"
    {
        state.count_expired_token();
    }
    let request_id = request_id(state.now());
    let status = match &result {
        Ok(reply) => reply.status,
        Err(err) => err.status,
    };
    tracing::debug!(
        method = %parts.method,
        host = %host,
        op = operation.kind().as_str(),
        status = status.as_u16(),
        code = result.as_ref().err().map(|e| e.code).unwrap_or(""),
        request_id = %request_id,
        duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "sandbox request"
    );
    let is_head = parts.method == Method::HEAD;
    match result {
        Ok(reply) => success(reply, &request_id, state.now()),
        Err(err) => error(&err, &request_id, &host, state.now(), is_head),
    }
}

async fn serve(
    state: &SandboxState,
    operation: Operation,
    route: &Route,
    query: &[(String, String)],
    parts: &http::request::Parts,
    body: Body,
) -> Result<Reply, OssError> {
    let auth = AuthRequest {
        method: parts.method.as_str(),
        headers: &parts.headers,
        route,
        query,
        now: state.now(),
    };
    let caller = auth::authenticate(&state.keys, &auth)?;
    ops::dispatch(state, &caller, operation, route, query, parts, body).await
}

/// Counts the request for the account its `Authorization` names, before anything is checked:
/// what a per-account rate limit governs is what a client sends, refused or not.
fn count_for_account(state: &SandboxState, headers: &http::HeaderMap) {
    let access_key_id = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|raw| crate::oss::sign::parse_authorization(raw).ok())
        .and_then(|a| state.keys.account_of(a.access_key_id()));
    if let Some(account) = access_key_id {
        state.traffic.count(account, Utc::now().timestamp());
    }
}

/// 24 uppercase hex digits, like OSS's: the sandbox time in seconds, a process-wide sequence
/// number (so ids never repeat within a run) and random bits (so runs differ).
fn request_id(now: DateTime<Utc>) -> String {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let seconds = u32::try_from(now.timestamp().rem_euclid(1 << 32)).unwrap_or_default();
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed) as u32;
    let random: u32 = rand::rng().random();
    format!("{seconds:08X}{sequence:08X}{random:08X}")
}

/// The RFC 1123 `Date` of the sandbox clock, so a client can correct its skew from any answer.
fn http_date(now: DateTime<Utc>) -> String {
    now.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The headers every answer carries.
fn base(status: StatusCode, request_id: &str, now: DateTime<Utc>) -> http::response::Builder {
    let mut builder = Response::builder()
        .status(status)
        .header(SERVER, "AliyunOSS")
        .header(DATE, http_date(now));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        builder = builder.header("x-oss-request-id", id);
    }
    builder
}

fn success(reply: Reply, request_id: &str, now: DateTime<Utc>) -> Response {
    let builder = base(reply.status, request_id, now);
    let built = match reply.xml {
        Some(xml) => builder
            .header(CONTENT_TYPE, "application/xml")
            .body(Body::from(xml)),
        None => builder.body(Body::empty()),
    };
    built.unwrap_or_else(|_| fallback())
}

/// The OSS error document for `err`.
pub(crate) fn error_xml(err: &OssError, request_id: &str, host_id: &str) -> String {
    let mut xml = XmlWriter::new("Error");
    xml.leaf("Code", err.code)
        .leaf("Message", &err.message)
        .leaf("RequestId", request_id)
        .leaf("HostId", host_id);
    for (name, value) in &err.extra {
        xml.leaf(name, value);
    }
    xml.leaf("EC", err.ec).leaf(
        "RecommendDoc",
        &format!("https://api.aliyun.com/troubleshoot?q={}", err.ec),
    );
    xml.finish()
}

/// An error answer: the XML body, or for HEAD (which has no body) the same XML base64-encoded
/// in `x-oss-err`, as OSS does.
fn error(
    err: &OssError,
    request_id: &str,
    host: &str,
    now: DateTime<Utc>,
    is_head: bool,
) -> Response {
    let xml = error_xml(err, request_id, host);
    let mut builder = base(err.status, request_id, now)
        .header(CONTENT_TYPE, "application/xml")
        .header("x-oss-ec", err.ec);
    let body = if is_head {
        let encoded = base64::engine::general_purpose::STANDARD.encode(xml.as_bytes());
        builder = builder.header("x-oss-err", encoded);
        Body::empty()
    } else {
        Body::from(xml)
    };
    builder.body(body).unwrap_or_else(|_| fallback())
}

/// Only reached if a header value were invalid, which the values above never are.
fn fallback() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_24_uppercase_hex_and_unique() {
        let now = Utc::now();
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| request_id(now)).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| {
            id.len() == 24
                && id
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
        }));
    }

    #[test]
    fn error_documents_have_oss_shape_and_escape_their_text() {
        let err = OssError::wrong_endpoint("b<1>", "oss-cn-beijing.aliyuncs.com");
        let xml = error_xml(&err, "RID", "b.oss-cn-hangzhou.aliyuncs.com");
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>AccessDenied</Code>\n  <Message>The bucket you are attempting"));
        let order = [
            "<RequestId>RID</RequestId>",
            "<HostId>b.oss-cn-hangzhou.aliyuncs.com</HostId>",
            "<Bucket>b&lt;1&gt;</Bucket>",
            "<Endpoint>oss-cn-beijing.aliyuncs.com</Endpoint>",
            "<EC>0003-00001403</EC>",
            "<RecommendDoc>https://api.aliyun.com/troubleshoot?q=0003-00001403</RecommendDoc>",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|s| xml.find(s).unwrap_or_else(|| panic!("{s} in {xml}")))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
    }

    #[test]
    fn head_errors_move_the_document_to_x_oss_err() {
        let now = Utc::now();
        let response = error(&OssError::no_such_bucket("b-1"), "RID", "h", now, true);
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let encoded = response.headers()["x-oss-err"].to_str().unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert!(
            String::from_utf8(decoded)
                .unwrap()
                .contains("<Code>NoSuchBucket</Code>")
        );
        assert_eq!(response.headers()["x-oss-ec"], "0015-00000101");
        assert_eq!(response.headers()["server"], "AliyunOSS");
    }
}
