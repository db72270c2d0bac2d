//! Request signing: V1 (HMAC-SHA1) and V4 (OSS4-HMAC-SHA256), shared by the client and the sandbox.
//!
//! The client calls [`sign`]; the sandbox calls [`parse_authorization`] and [`verify`] (or the
//! `v1`/`v4` building blocks) on the same [`SignableRequest`] view, so both sides always agree on
//! what a signature covers.

mod authorization;
#[cfg(test)]
mod garbage;
#[cfg(test)]
mod round_trip;
#[cfg(test)]
mod test_support;
pub mod v1;
#[cfg(test)]
mod v1_vectors;
pub mod v4;
#[cfg(test)]
mod v4_vectors;

use std::fmt;
use std::str::FromStr;

use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub use authorization::{Authorization, AuthorizationError, parse_authorization};

use crate::domain::Region;
use crate::oss::Credentials;

/// RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`) stay; every other byte of the UTF-8 is
/// `%XX` with uppercase hex (a space is `%20`, `*` is `%2A`, `/` is `%2F`). OSS V4, the RPC
/// signature and the query strings the OSS client sends all encode names and values this way.
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `raw` percent-encoded with [`UNRESERVED`].
pub fn percent_encode(raw: &str) -> String {
    utf8_percent_encode(raw, UNRESERVED).to_string()
}

/// The STS token header, signed by both versions.
pub const SECURITY_TOKEN: &str = "x-oss-security-token";

/// Which signature algorithm to use. V4 is the default, as in the v2 SDKs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// `OSS` + HMAC-SHA1.
    V1,
    /// `OSS4-HMAC-SHA256`.
    #[default]
    V4,
}

/// A signature version other than `1`, `4`, `v1` or `v4`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown signature version {0:?} (expected 1, 4, v1 or v4)")]
pub struct SignatureVersionError(String);

impl FromStr for SignatureVersion {
    type Err = SignatureVersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "1" | "v1" => Ok(Self::V1),
            "4" | "v4" => Ok(Self::V4),
            _ => Err(SignatureVersionError(s.chars().take(40).collect())),
        }
    }
}

impl SignatureVersion {
    /// Parses `1`, `4`, `v1` or `v4` (any case).
    pub fn parse(s: &str) -> Result<Self, SignatureVersionError> {
        s.parse()
    }
}

impl fmt::Display for SignatureVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V1 => "v1",
            Self::V4 => "v4",
        })
    }
}

/// The parts of a request that a signature covers; the same view for signing and verifying.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The HTTP method, e.g. `GET`.
    pub method: &'a str,
    /// The bucket; `None` for service-level requests (ListBuckets). Signed even when the URL does
    /// not name it (CNAME) or names it in the path (path-style).
    pub bucket: Option<&'a str>,
    /// The object key, decoded; `None` for bucket-level requests.
    pub key: Option<&'a str>,
    /// Decoded query parameters; value `""` for a bare `?encryption`.
    pub query: &'a [(String, String)],
    /// The headers as sent (after the signing headers were added).
    pub headers: &'a HeaderMap,
}

/// A signing header could not be built: the credentials hold characters HTTP headers forbid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot sign: the {header} header would contain characters not allowed in HTTP headers \
     (check the access key id and security token for stray newlines or control characters)"
)]
pub struct SignError {
    header: String,
}

/// Signs an outgoing request in place. V1 adds `Date` (RFC 1123 GMT) and, with STS,
/// `x-oss-security-token`, then `Authorization`. V4 adds `x-oss-date` (`YYYYMMDDTHHMMSSZ`),
/// `x-oss-content-sha256: UNSIGNED-PAYLOAD`, the token header with STS, then `Authorization`
/// (`, `-separated, as oss2 writes it). Signing again replaces these headers, so a retry can
/// re-sign the same map. `region` is the V4 signing region (V1 ignores it); `now` is the
/// clock-skew-corrected request time.
///
/// Fails only when the credentials contain bytes that cannot go into a header.
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per signed part of the request; a client holds them separately"
)]
pub fn sign(
    version: SignatureVersion,
    method: &str,
    bucket: Option<&str>,
    key: Option<&str>,
    query: &[(String, String)],
    headers: &mut HeaderMap,
    credentials: &Credentials,
    region: &Region,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), SignError> {
    match version {
        SignatureVersion::V1 => v1::prepare_headers(headers, credentials, now)?,
        SignatureVersion::V4 => v4::prepare_headers(headers, credentials, now)?,
    }
    let req = SignableRequest {
        method,
        bucket,
        key,
        query,
        headers,
    };
    let authorization = match version {
        SignatureVersion::V1 => v1::authorization(&req, credentials),
        SignatureVersion::V4 => {
            v4::authorization(&req, credentials, region.as_str(), v4::PRODUCT, &[], now)
        }
    };
    insert_header(headers, "authorization", &authorization.to_string())
}

/// Recomputes the signature of a received request with `secret` (the secret of
/// `authorization.access_key_id()`) and compares it in constant time. For V4, the `x-oss-date`
/// header must exist and fall on the credential's date. Clock-skew checks are the caller's.
#[must_use]
pub fn verify(req: &SignableRequest, authorization: &Authorization, secret: &str) -> bool {
    match authorization {
        Authorization::V1 { signature, .. } => {
            signatures_match(&v1::signature(secret, &v1::string_to_sign(req)), signature)
        }
        Authorization::V4 {
            date,
            region,
            product,
            additional_headers,
            signature,
            ..
        } => {
            let x_oss_date = header_text(req.headers, v4::DATE_HEADER);
            if x_oss_date.get(..8) != Some(date.as_str()) {
                return false;
            }
            let canonical = v4::canonical_request(req, additional_headers);
            let string_to_sign =
                v4::string_to_sign(&x_oss_date, &v4::scope(date, region, product), &canonical);
            signatures_match(
                &v4::signature(secret, date, region, product, &string_to_sign),
                signature,
            )
        }
    }
}

/// Constant-time comparison of two signatures: the time taken depends only on their lengths, so a
/// forger cannot learn a correct prefix byte by byte.
#[must_use]
pub fn signatures_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0 && a.len() == b.len()
}

/// A header's value as signed: every occurrence trimmed and joined with `,`; `""` when absent.
/// Non-UTF-8 bytes become U+FFFD, identically when signing and verifying; oss-audit sends none.
fn header_text(headers: &HeaderMap, name: &str) -> String {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .collect();
    values.join(",")
}

/// Sets (replaces) a signing header; `name` is one of this module's lowercase constants.
/// Sends `x-oss-security-token` with STS credentials, and removes a stale one otherwise, so that
/// a header map can be signed again with other credentials (V1 and V4 alike).
fn set_security_token(headers: &mut HeaderMap, credentials: &Credentials) -> Result<(), SignError> {
    match &credentials.security_token {
        Some(token) => insert_header(headers, SECURITY_TOKEN, token.expose()),
        None => {
            headers.remove(SECURITY_TOKEN);
            Ok(())
        }
    }
}

fn insert_header(
    headers: &mut HeaderMap,
    name: &'static str,
    value: &str,
) -> Result<(), SignError> {
    let value = HeaderValue::from_str(value).map_err(|_| SignError {
        header: name.to_owned(),
    })?;
    headers.insert(HeaderName::from_static(name), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_versions_parse_from_common_spellings() {
        use SignatureVersion::{V1, V4};
        for (s, v) in [
            ("1", V1),
            ("v1", V1),
            ("V1", V1),
            ("4", V4),
            ("v4", V4),
            (" V4 ", V4),
        ] {
            assert_eq!(SignatureVersion::parse(s), Ok(v), "{s:?}");
            assert_eq!(v.to_string().parse::<SignatureVersion>(), Ok(v));
        }
        assert!(
            SignatureVersion::parse("v2")
                .unwrap_err()
                .to_string()
                .contains("expected 1, 4, v1 or v4")
        );
        assert_eq!(SignatureVersion::default(), V4);
    }

    #[test]
    fn signatures_match_only_when_equal() {
        assert!(signatures_match("abc", "abc") && signatures_match("", ""));
        assert!(
            !signatures_match("abc", "abd")
                && !signatures_match("abc", "ab")
                && !signatures_match("", "a")
        );
    }
}
