//! Sending one RPC call: sign, POST, retry what may succeed on a second try, parse strictly.

use std::time::Duration;

use http::header;
use serde::de::DeserializeOwned;

use super::sign::{self, percent_encode};
use super::{MAX_ANSWER_BYTES, RpcClient, RpcError, RpcServiceError};
use crate::oss::wire::{correct_clock, corrected_now, header_text, read_capped};
use crate::oss::{Credentials, error_chain};

/// Codes that mean "slow down" (STS, Resource Directory, KMS and the gateway in front of them).
const THROTTLING_CODES: [&str; 5] = [
    "Throttling",
    "Throttling.User",
    "Throttling.Api",
    "Throttling.System",
    "ServiceUnavailable",
];
/// The gateway's answer to a `Timestamp` more than 15 minutes from its clock.
const TIMESTAMP_EXPIRED: &str = "InvalidTimeStamp.Expired";
/// The gateway's answer to an STS token past its expiration.
const TOKEN_EXPIRED: &str = "InvalidSecurityToken.Expired";
/// Where a `SignatureDoesNotMatch` message starts quoting the server's string to sign. That string
/// holds the caller's `SecurityToken` when the caller's keys are temporary, so it is cut off
/// before the message reaches an error, a log or a page.
const STRING_TO_SIGN_QUOTE: &str = "string to sign is:";

/// A 2xx answer's body, with what an error about it must name.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: bytes::Bytes,
    pub(crate) request_id: Option<String>,
}

impl RpcClient {
    /// Calls `action` with `params` (the API's own parameters; the common ones are added here) and
    /// parses the JSON answer into `T`. A cut-off or malformed answer is an error, never a partly
    /// filled `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        action: &'static str,
        params: &[(&'static str, String)],
    ) -> Result<T, RpcError> {
        let reply = self.send(action, params).await?;
        parse_json(self.inner.api.product, action, &reply)
    }

    /// Calls `action` and returns the 2xx answer unparsed, retrying what may succeed on a second
    /// try. Every attempt asks the credentials provider anew and is signed with its own nonce and
    /// timestamp.
    pub(crate) async fn send(
        &self,
        action: &'static str,
        params: &[(&'static str, String)],
    ) -> Result<Reply, RpcError> {
        let policy = self.inner.retry;
        let product = self.inner.api.product;
        let mut attempt = 1;
        loop {
            let credentials = self
                .inner
                .credentials
                .credentials()
                .await
                .map_err(|source| RpcError::Credentials {
                    product,
                    action,
                    source,
                })?;
            let err = match self.send_once(action, params, &credentials).await {
                Ok(reply) => return Ok(reply),
                Err(err) => err,
            };
            if attempt >= policy.max_attempts.max(1) {
                return Err(err);
            }
            let skewed = err.code() == TIMESTAMP_EXPIRED;
            // A token the service calls expired while the provider still trusted it (the clocks
            // disagree): the provider drops it, and the retry signs with fresh keys.
            let stale =
                err.code() == TOKEN_EXPIRED && self.inner.credentials.invalidate(&credentials);
            if !skewed && !stale && !is_retryable(&err) {
                return Err(err);
            }
            // After a clock correction or with fresh keys the retry can go at once.
            let wait = if skewed || stale {
                Duration::ZERO
            } else {
                policy.backoff(attempt)
            };
            tracing::debug!(
                product,
                action,
                attempt,
                code = err.code(),
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "retrying RPC call"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        action: &'static str,
        params: &[(&'static str, String)],
        credentials: &Credentials,
    ) -> Result<Reply, RpcError> {
        let inner = &self.inner;
        let product = inner.api.product;
        // The common parameters travel in the query string and the API's own in the form body,
        // as the official credentials client sends them; the signature covers both.
        let mut common: Vec<(&str, String)> = vec![
            ("Action", action.to_owned()),
            ("Version", inner.api.version.to_owned()),
            ("Format", "JSON".to_owned()),
            ("AccessKeyId", credentials.access_key_id.clone()),
            ("SignatureMethod", sign::SIGNATURE_METHOD.to_owned()),
            ("SignatureVersion", sign::SIGNATURE_VERSION.to_owned()),
            ("SignatureNonce", sign::nonce()),
            (
                "Timestamp",
                sign::timestamp(corrected_now(&self.inner.clock_offset_ms)),
            ),
        ];
        if let Some(token) = &credentials.security_token {
            common.push(("SecurityToken", token.expose().to_owned()));
        }
        let canonical = sign::canonical_query(
            common
                .iter()
                .chain(params)
                .map(|(name, value)| (*name, value.as_str())),
        );
        let signature = sign::signature(
            credentials.access_key_secret.expose(),
            &sign::string_to_sign("POST", &canonical),
        );
        common.push((sign::SIGNATURE, signature));
        let mut url = inner.endpoint.clone();
        url.set_query(Some(&form(&common)));

        let host = inner.endpoint.host_str().unwrap_or_default().to_owned();
        // reqwest names the URL in its errors, and this URL's query carries the signature (and a
        // security token, with STS keys): drop it, the host says where.
        let transport_error = |e: reqwest::Error| RpcError::Transport {
            product,
            action,
            host: host.clone(),
            timeout: e.is_timeout(),
            detail: error_chain(&e.without_url()),
        };
        let mut response = inner
            .http
            .post(url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(form(params))
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let request_id = header_text(response.headers(), "x-acs-request-id");
        let server_date = header_text(response.headers(), "date");
        let Some(body) = read_capped(&mut response, MAX_ANSWER_BYTES)
            .await
            .map_err(transport_error)?
        else {
            return Err(RpcError::TooLarge {
                product,
                action,
                limit: MAX_ANSWER_BYTES,
            });
        };
        if (200..300).contains(&status) {
            return Ok(Reply {
                status,
                body: body.into(),
                request_id,
            });
        }
        let err = service_error(product, action, status, &body, request_id)?;
        if err.code == TIMESTAMP_EXPIRED {
            correct_clock(&self.inner.clock_offset_ms, server_date.as_deref(), product);
        }
        Err(err.into())
    }
}

/// Parses a 2xx answer's JSON into `T`; anything else (cut off, not JSON, a field missing or of
/// the wrong type) is `Malformed`, never a partly filled `T`.
pub(crate) fn parse_json<T: DeserializeOwned>(
    product: &'static str,
    action: &'static str,
    reply: &Reply,
) -> Result<T, RpcError> {
    serde_json::from_slice(&reply.body).map_err(|e| RpcError::Malformed {
        product,
        action,
        status: reply.status,
        request_id: reply.request_id.clone(),
        detail: format!("not the JSON {action} answers with: {e}"),
    })
}

/// Whether trying again may succeed: 5xx, 429, throttling, timeouts and connection errors, and
/// unreadable 5xx pages from proxies. Refusals (denied, invalid, missing) stay refused.
fn is_retryable(err: &RpcError) -> bool {
    match err {
        RpcError::Service(e) => {
            e.status >= 500 || e.status == 429 || THROTTLING_CODES.contains(&e.code.as_str())
        }
        RpcError::Transport { .. } => true,
        RpcError::Malformed { status, .. } => *status >= 500 || *status == 429,
        RpcError::TooLarge { .. } | RpcError::Config { .. } | RpcError::Credentials { .. } => false,
    }
}

/// The JSON error body of an RPC service. Every field is optional on the wire; an absent `Code`
/// becomes `HTTP<status>`.
#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "HostId")]
    host_id: Option<String>,
    #[serde(rename = "Recommend")]
    recommend: Option<String>,
}

/// Builds the error of a non-2xx answer; an empty body (a bare 5xx from a load balancer) is named
/// by its status, a body that is not the JSON error document is `Malformed`.
pub(crate) fn service_error(
    product: &'static str,
    action: &'static str,
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
) -> Result<RpcServiceError, RpcError> {
    let parsed = if body.iter().all(u8::is_ascii_whitespace) {
        ErrorBody {
            code: None,
            message: None,
            request_id: None,
            host_id: None,
            recommend: None,
        }
    } else {
        serde_json::from_slice::<ErrorBody>(body).map_err(|e| RpcError::Malformed {
            product,
            action,
            status,
            request_id: header_request_id.clone(),
            detail: format!("not a JSON error document: {e}"),
        })?
    };
    let mut message = parsed.message.unwrap_or_default();
    if let Some(at) = message.find(STRING_TO_SIGN_QUOTE) {
        message.truncate(at);
        message.push_str("(withheld)");
    }
    Ok(RpcServiceError {
        product,
        action,
        status,
        code: parsed.code.unwrap_or_else(|| format!("HTTP{status}")),
        message,
        request_id: parsed.request_id.or(header_request_id),
        host_id: parsed.host_id,
        recommend: parsed.recommend,
    })
}

/// `name=value&…`, percent-encoded as the signature encodes them, so the service decodes exactly
/// the values that were signed.
fn form(params: &[(&str, String)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect();
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_documents_give_code_message_request_id_and_host() {
        let body = br#"{"RequestId":"R-1","HostId":"sts.aliyuncs.com","Code":"NoPermission","Message":"You are not authorized to do this action. You should be authorized by RAM.","Recommend":"https://api.aliyun.com/troubleshoot?q=NoPermission"}"#;
        let err = service_error("Sts", "AssumeRole", 403, body, Some("H-1".into())).unwrap();
        assert_eq!(
            (
                err.code.as_str(),
                err.request_id.as_deref(),
                err.host_id.as_deref()
            ),
            ("NoPermission", Some("R-1"), Some("sts.aliyuncs.com"))
        );
        assert!(err.message.starts_with("You are not authorized"));
        let bare = service_error("Sts", "AssumeRole", 503, b"", Some("H-2".into())).unwrap();
        assert_eq!(
            (bare.code.as_str(), bare.request_id.as_deref()),
            ("HTTP503", Some("H-2"))
        );
    }

    #[test]
    fn html_and_cut_off_error_bodies_are_malformed_not_guessed() {
        for body in [
            &b"<html>502 Bad Gateway</html>"[..],
            br#"{"RequestId":"R","Code":"NoPerm"#,
        ] {
            let err = service_error("Sts", "AssumeRole", 502, body, Some("H".into())).unwrap_err();
            assert!(
                matches!(err, RpcError::Malformed { status: 502, .. }),
                "{err}"
            );
            assert_eq!(err.request_id(), Some("H"));
            assert!(err.to_string().contains("AssumeRole"), "{err}");
        }
    }

    #[test]
    fn the_quoted_string_to_sign_never_leaves_a_signature_error() {
        let body = br#"{"RequestId":"R","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Did%26SecurityToken%3DCAIStoken"}"#;
        let err = service_error("Sts", "AssumeRole", 400, body, None).unwrap();
        assert!(!err.message.contains("CAIStoken"), "{}", err.message);
        assert!(
            err.message
                .starts_with("Specified signature is not matched")
        );
    }

    #[test]
    fn throttling_and_server_errors_are_retried_refusals_are_not() {
        let service = |status, code: &str| {
            RpcError::from(RpcServiceError {
                product: "Sts",
                action: "AssumeRole",
                status,
                code: code.into(),
                message: String::new(),
                request_id: None,
                host_id: None,
                recommend: None,
            })
        };
        assert!(is_retryable(&service(400, "Throttling.User")));
        assert!(is_retryable(&service(503, "ServiceUnavailable")));
        assert!(is_retryable(&service(500, "InternalError")));
        assert!(!is_retryable(&service(403, "NoPermission")));
        assert!(!is_retryable(&service(404, "EntityNotExist.Role")));
        assert!(!is_retryable(&service(400, "SignatureDoesNotMatch")));
    }

    #[test]
    fn forms_encode_as_the_signature_does() {
        assert_eq!(
            form(&[
                ("RoleArn", "acs:ram::1:role/a b".into()),
                ("X", "+*~".into())
            ]),
            "RoleArn=acs%3Aram%3A%3A1%3Arole%2Fa%20b&X=%2B%2A~"
        );
    }
}
