//! What the OSS client and the RPC clients do alike with an answer: read its body up to a size
//! limit, take a header's text, and keep the request clock in step with a service that refused a
//! request as signed at the wrong time.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use http::HeaderMap;

/// Reads an answer's body, or `None` as soon as it grows past `limit` bytes: an answer larger
/// than any legitimate one is refused, never buffered whole.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// A header's value, when it is present and text.
pub(crate) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The request time: the local clock plus the correction (`offset_ms`) learnt from the service.
pub(crate) fn corrected_now(offset_ms: &AtomicI64) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::milliseconds(offset_ms.load(Ordering::Relaxed))
}

/// Learns the correction from the `Date` of an answer that refused the request time as skewed,
/// so that the retry and every later request are signed on the service's clock. An answer
/// without a readable date leaves the correction as it was.
pub(crate) fn correct_clock(offset_ms: &AtomicI64, server_date: Option<&str>, service: &str) {
    let Some(server) = server_date.and_then(|d| DateTime::parse_from_rfc2822(d).ok()) else {
        return;
    };
    let offset = server.with_timezone(&Utc) - Utc::now();
    tracing::warn!(
        service,
        offset_ms = offset.num_milliseconds(),
        "local clock is skewed from the service; correcting"
    );
    offset_ms.store(offset.num_milliseconds(), Ordering::Relaxed);
}
