//! Response headers every route gets: security headers (a strict Content-Security-Policy with
//! no script at all on HTML), `Cache-Control: no-store` on pages and authenticated answers, and
//! an `x-request-id` on every request, carried by its log span.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Response};
use axum::middleware::{self, Next};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::session::SESSION_COOKIE;

/// The policy of every HTML page: our own stylesheet and images, forms posting only to us, no
/// script (pages carry none), no plugins, no framing.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of an audit report's printable HTML (set by its handler, so kept as is): its own
/// inline `<style>` and nothing else — no script, no image, no request, no framing — so a report
/// opened from the dashboard stays inert whatever its content.
pub const REPORT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Wraps `router` with request ids, the request span and the security headers.
pub fn wrap(router: Router) -> Router {
    // Layers run outermost last-added: the id is set first, so the span and the response see it.
    router
        .layer(middleware::from_fn(security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(make_span)
                .on_request(())
                .on_response(on_response),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The span of one request: method, path (never the query, which may carry values users typed)
/// and the request id.
fn make_span(request: &Request<Body>) -> Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

fn on_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        duration_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        "answered"
    );
}

/// Whether a request carries credentials, so its answer is private to that caller.
fn carries_credentials(request: &Request) -> bool {
    request.headers().contains_key(AUTHORIZATION)
        || request
            .headers()
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(SESSION_COOKIE))
}

/// Adds the security headers; a header a handler set itself is left as it is.
pub async fn security_headers(request: Request, next: Next) -> axum::response::Response {
    let private = carries_credentials(&request);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let is_html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let mut set_default = |name, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    if is_html {
        set_default(CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_VALUE);
        set_default(REFERRER_POLICY, "no-referrer");
        set_default(X_FRAME_OPTIONS, "DENY");
    }
    // Pages carry CSRF tokens and account data; answers to authenticated calls are private.
    if is_html || private {
        set_default(CACHE_CONTROL, "no-store");
    }
    response
}
