//! Sending one signed request: retries with backoff, clock-skew correction, wrong-region re-routing.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, header};

use super::{OssClient, trust};
use crate::domain::{BucketName, Region};
use crate::oss::retry::{is_retryable, is_throttling};
use crate::oss::wire::{correct_clock, corrected_now, header_text, read_capped};
use crate::oss::xml::{ErrorBody, parse_error_body};
use crate::oss::{Credentials, OssError, ServiceError, sign};

/// One OSS call before signing.
#[derive(Debug, Clone)]
pub(super) struct Call<'a> {
    pub operation: &'static str,
    pub method: Method,
    /// `None` for service-level calls (ListBuckets).
    pub bucket: Option<&'a BucketName>,
    /// The host to send to, e.g. `b.oss-cn-hangzhou.aliyuncs.com` (a port is kept if given).
    pub host: String,
    /// The V4 signing region.
    pub region: Region,
    /// Decoded query parameters; an empty value is sent bare (`?encryption`).
    pub query: Vec<(String, String)>,
    /// Extra headers to send and sign (e.g. `x-oss-resource-group-id`).
    pub headers: HeaderMap,
    /// An XML body, sent with `Content-Type: application/xml` and `Content-MD5`.
    pub body: Option<Bytes>,
    /// Answers larger than this are refused rather than buffered.
    pub max_response_bytes: usize,
}

/// A 2xx answer.
#[derive(Debug)]
pub(super) struct Reply {
    pub status: u16,
    pub body: Bytes,
    pub request_id: Option<String>,
}

const REQUEST_ID: &str = "x-oss-request-id";
/// OSS's code for an STS token past its expiration (EC 0002-00000007).
const TOKEN_EXPIRED: &str = "SecurityTokenExpired";

impl OssClient {
    /// Sends `call`, retrying what may succeed on a second try. A 403 that names the bucket's real
    /// endpoint is re-sent there once, signed for that endpoint's region.
    /// A bucket's endpoint, first or re-routed, must be one [`trust`] accepts.
    pub(super) async fn send(&self, mut call: Call<'_>) -> Result<Reply, OssError> {
        let configured = &self.inner.config.endpoint;
        if let Some(bucket) = call.bucket {
            let endpoint = call
                .host
                .strip_prefix(bucket.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or(&call.host);
            trust::check_endpoint(call.operation, endpoint, configured)?;
        }
        match self.send_with_retries(&call).await {
            Err(OssError::Service(err)) if err.status == 403 && call.bucket.is_some() => {
                let Some(endpoint) = err.endpoint.clone() else {
                    return Err(OssError::Service(err));
                };
                trust::check_endpoint(call.operation, &endpoint, configured)?;
                let bucket = call.bucket.map(BucketName::as_str).unwrap_or_default();
                tracing::info!(bucket.name = bucket, endpoint = %endpoint, "re-routing to the bucket's endpoint");
                call.region = Region::from_endpoint_host(&endpoint).unwrap_or(call.region);
                call.host = format!("{bucket}.{endpoint}");
                self.send_with_retries(&call).await
            }
            other => other,
        }
    }

    async fn send_with_retries(&self, call: &Call<'_>) -> Result<Reply, OssError> {
        let policy = self.inner.config.retry;
        let mut attempt = 1;
        loop {
            self.inner.limiter.acquire().await;
            // Asked per attempt: a provider that refreshed its temporary keys since the last
            // attempt (or since the scan began) hands out the new ones.
            let (result, used) = match self.inner.credentials.credentials().await {
                Ok(credentials) => (self.send_once(call, &credentials).await, Some(credentials)),
                Err(err) => (Err(OssError::Credentials(err)), None),
            };
            if let Some(observer) = &self.inner.config.observer {
                let outcome = match &result {
                    Ok(_) => "ok",
                    Err(err) => err.kind_code(),
                };
                (observer.0)(call.operation, outcome);
            }
            let err = match result {
                Ok(reply) => {
                    self.inner.limiter.on_success();
                    return Ok(reply);
                }
                Err(err) => err,
            };
            if is_throttling(&err) {
                self.inner.limiter.on_throttled();
            }
            if attempt >= policy.max_attempts.max(1) {
                return Err(err);
            }
            let skewed = err.code() == Some("RequestTimeTooSkewed");
            // A token OSS calls expired while the provider still trusted it (the clocks
            // disagree): the provider drops it, and the retry signs with fresh credentials.
            let stale = err.code() == Some(TOKEN_EXPIRED)
                && used.is_some_and(|used| self.inner.credentials.invalidate(&used));
            if stale {
                tracing::warn!(
                    operation = call.operation,
                    "OSS refused the security token as expired before its expiration; retrying with new credentials"
                );
            }
            if !skewed && !stale && !is_retryable(&err) {
                return Err(err);
            }
            let wait = if skewed || stale {
                // The clock was corrected in send_once, or the provider dropped the expired
                // credentials; the retry can go at once.
                Duration::ZERO
            } else {
                policy.backoff(attempt)
            };
            tracing::debug!(
                operation = call.operation,
                attempt,
                code = err.kind_code(),
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "retrying OSS request"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        call: &Call<'_>,
        credentials: &Credentials,
    ) -> Result<Reply, OssError> {
        let config = &self.inner.config;
        let url = format!(
            "{}://{}/{}",
            config.endpoint.scheme(),
            call.host,
            query_string(&call.query)
        );
        let mut headers = call.headers.clone();
        if let Some(body) = &call.body {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml"),
            );
            let md5 = content_md5(body);
            headers.insert(
                "content-md5",
                HeaderValue::try_from(md5).map_err(config_error)?,
            );
        }
        sign::sign(
            config.signature_version,
            call.method.as_str(),
            call.bucket.map(BucketName::as_str),
            None,
            &call.query,
            &mut headers,
            credentials,
            &call.region,
            corrected_now(&self.inner.clock_offset_ms),
        )
        .map_err(config_error)?;
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), &url)
            .headers(headers);
        if let Some(body) = &call.body {
            request = request.body(body.clone());
        }
        let transport_error = |e: reqwest::Error| OssError::Transport {
            operation: call.operation,
            host: call.host.clone(),
            detail: error_chain(&e),
            timeout: e.is_timeout(),
        };
        let mut response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let request_id = header_text(response.headers(), REQUEST_ID);
        let server_date = header_text(response.headers(), "date");
        let err_header = header_text(response.headers(), "x-oss-err");
        let Some(body) = read_capped(&mut response, call.max_response_bytes)
            .await
            .map_err(transport_error)?
        else {
            return Err(OssError::ResponseTooLarge {
                operation: call.operation,
                limit: call.max_response_bytes,
            });
        };
        if (200..300).contains(&status) {
            return Ok(Reply {
                status,
                body: body.into(),
                request_id,
            });
        }
        let err = service_error(call.operation, status, &body, err_header, request_id)?;
        if err.code == "RequestTimeTooSkewed" {
            correct_clock(&self.inner.clock_offset_ms, server_date.as_deref(), "OSS");
        }
        Err(err.into())
    }
}

/// Builds the error of a non-2xx answer from its XML body, or from `x-oss-err` when the body is empty.
fn service_error(
    operation: &'static str,
    status: u16,
    body: &[u8],
    err_header: Option<String>,
    request_id: Option<String>,
) -> Result<ServiceError, OssError> {
    let malformed = |source| OssError::MalformedResponse {
        operation,
        status,
        request_id: request_id.clone(),
        source,
    };
    let parsed = if body.iter().all(u8::is_ascii_whitespace) {
        match err_header.and_then(|h| decode_base64(&h)) {
            Some(xml) => parse_error_body(&xml).map_err(malformed)?,
            // Some answers (e.g. a HEAD, or a bare 5xx from a load balancer) carry nothing.
            None => ErrorBody::default(),
        }
    } else {
        parse_error_body(body).map_err(malformed)?
    };
    Ok(ServiceError::from_body(status, parsed, request_id.clone()))
}

fn decode_base64(value: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()
}

/// The query string as sent: names and values percent-encoded, empty values bare (`?encryption`).
pub(super) fn query_string(query: &[(String, String)]) -> String {
    if query.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = query
        .iter()
        .map(|(name, value)| {
            if value.is_empty() {
                sign::percent_encode(name)
            } else {
                format!(
                    "{}={}",
                    sign::percent_encode(name),
                    sign::percent_encode(value)
                )
            }
        })
        .collect();
    format!("?{}", parts.join("&"))
}

fn content_md5(body: &[u8]) -> String {
    use base64::Engine;
    use md5::{Digest, Md5};
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body))
}

fn config_error(e: impl std::fmt::Display) -> OssError {
    OssError::Config(e.to_string())
}

/// The error and its causes on one line; reqwest's top-level message alone ("error sending
/// request") does not say whether DNS, TLS or the connection failed. A cause whose message ends
/// the text already (an error that shows its cause, `"database error: {0}"`) is not repeated.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.ends_with(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_keep_bare_subresources_and_encode_values() {
        assert_eq!(query_string(&[]), "");
        assert_eq!(
            query_string(&[("encryption".into(), String::new())]),
            "?encryption"
        );
        assert_eq!(
            query_string(&[
                ("prefix".into(), "a b/c".into()),
                ("max-keys".into(), "10".into())
            ]),
            "?prefix=a%20b%2Fc&max-keys=10"
        );
    }

    #[test]
    fn errors_come_from_the_body_or_the_x_oss_err_header() {
        let xml = b"<Error><Code>NoSuchBucket</Code><Message>gone</Message><RequestId>R1</RequestId></Error>";
        let err = service_error("GetBucketEncryption", 404, xml, None, None).unwrap();
        assert_eq!(
            (err.code.as_str(), err.request_id.as_deref()),
            ("NoSuchBucket", Some("R1"))
        );

        use base64::Engine;
        let header = base64::engine::general_purpose::STANDARD.encode(xml);
        let err =
            service_error("GetBucketInfo", 404, b"", Some(header), Some("R2".into())).unwrap();
        assert_eq!(
            (err.code.as_str(), err.request_id.as_deref()),
            ("NoSuchBucket", Some("R1"))
        );

        let err = service_error("ListBuckets", 502, b"", None, Some("R3".into())).unwrap();
        assert_eq!(
            (err.code.as_str(), err.request_id.as_deref()),
            ("HTTP502", Some("R3"))
        );
    }

    #[test]
    fn a_non_xml_error_body_is_a_clear_error() {
        let err = service_error(
            "ListBuckets",
            502,
            b"<html>Bad Gateway</html>",
            None,
            Some("R".into()),
        )
        .unwrap_err();
        assert!(
            matches!(err, OssError::MalformedResponse { status: 502, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("ListBuckets"), "{err}");
    }
}
