//! Authentication: V1 and V4 `Authorization` headers, STS tokens and the 15-minute clock window.

use chrono::{DateTime, NaiveDateTime, Utc};
use http::HeaderMap;

use super::error::OssError;
use super::keys::{Caller, KeyRefusal, KeyRing};
use super::routing::Route;
use crate::oss::sign::{
    self, Authorization, SECURITY_TOKEN, SignableRequest, signatures_match, v1, v4,
};

/// How far a request's time may be from the sandbox clock, as on OSS.
const MAX_SKEW_SECS: i64 = 15 * 60;
/// The `x-oss-date` format of V4.
const V4_DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// The parts of a received request that authentication looks at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) route: &'a Route,
    /// Decoded query pairs, as received.
    pub(crate) query: &'a [(String, String)],
    /// The sandbox clock.
    pub(crate) now: DateTime<Utc>,
}

impl AuthRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn signable(&self) -> SignableRequest<'_> {
        SignableRequest {
            method: self.method,
            bucket: self.route.bucket(),
            key: self.route.key(),
            query: self.query,
            headers: self.headers,
        }
    }
}

/// Checks, in OSS's order: a parseable `Authorization`, a known key with the right STS token (and,
/// for an issued one, not expired), V4's fixed headers and scope, the request time, then the
/// signature over the headers exactly as received. Returns the caller.
pub(crate) fn authenticate(keys: &KeyRing, req: &AuthRequest) -> Result<Caller, OssError> {
    let Some(raw) = req.headers.get(http::header::AUTHORIZATION) else {
        return Err(OssError::anonymous());
    };
    let raw = raw
        .to_str()
        .map_err(|_| OssError::invalid_authorization())?;
    let authorization =
        sign::parse_authorization(raw).map_err(|_| OssError::invalid_authorization())?;
    let caller = caller(keys, authorization.access_key_id(), req)?;
    let secret = caller.secret.expose();
    match &authorization {
        Authorization::V1 { .. } => {
            let date = req.header("date").ok_or(OssError::missing_date("Date"))?;
            let time = DateTime::parse_from_rfc2822(date)
                .map_err(|_| OssError::missing_date("Date"))?
                .to_utc();
            check_skew(date, time, req.now)?;
            let string_to_sign = v1::string_to_sign(&req.signable());
            let expected = v1::signature(secret, &string_to_sign);
            if signatures_match(&expected, authorization.signature()) {
                Ok(caller)
            } else {
                Err(mismatch("0002-00000040", &authorization, &string_to_sign))
            }
        }
        Authorization::V4 {
            date,
            region,
            product,
            additional_headers,
            signature,
            ..
        } => {
            if req.header(v4::CONTENT_SHA256_HEADER) != Some(v4::UNSIGNED_PAYLOAD) {
                return Err(OssError::content_sha256_required());
            }
            if product != v4::PRODUCT {
                return Err(OssError::invalid_signing_product(product));
            }
            if let Some(endpoint) = &req.route.endpoint
                && endpoint.region.as_str() != region
            {
                return Err(OssError::invalid_signing_region(
                    region,
                    endpoint.region.as_str(),
                ));
            }
            let x_oss_date = req
                .header(v4::DATE_HEADER)
                .ok_or(OssError::missing_date("x-oss-date"))?;
            let time = NaiveDateTime::parse_from_str(x_oss_date, V4_DATE_FORMAT)
                .map_err(|_| OssError::missing_date("x-oss-date"))?
                .and_utc();
            check_skew(x_oss_date, time, req.now)?;
            let canonical = v4::canonical_request(&req.signable(), additional_headers);
            let scope = v4::scope(date, region, product);
            let string_to_sign = v4::string_to_sign(x_oss_date, &scope, &canonical);
            let expected = v4::signature(secret, date, region, product, &string_to_sign);
            // The scope date must be the day of x-oss-date, else the key chain differs.
            if x_oss_date.get(..8) == Some(date.as_str()) && signatures_match(&expected, signature)
            {
                Ok(caller)
            } else {
                Err(mismatch("0002-00000201", &authorization, &string_to_sign)
                    .with("CanonicalRequest", canonical))
            }
        }
    }
}

/// The caller behind `access_key_id`, after the STS token rules: an STS key needs its exact
/// token and, when issued by the sandbox's STS, must not have expired; a permanent key with a
/// token header is taken for an unknown STS key, as OSS does.
fn caller(keys: &KeyRing, access_key_id: &str, req: &AuthRequest) -> Result<Caller, OssError> {
    let token = req
        .headers
        .get(SECURITY_TOKEN)
        .map(|t| t.to_str().unwrap_or_default());
    keys.caller(access_key_id, token, req.now)
        .map_err(|refusal| match refusal {
            KeyRefusal::UnknownKey => OssError::invalid_access_key_id(access_key_id),
            KeyRefusal::BadToken => OssError::invalid_security_token(),
            KeyRefusal::Expired => OssError::security_token_expired(),
        })
}

fn check_skew(shown: &str, time: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), OssError> {
    if (now - time).num_seconds().abs() > MAX_SKEW_SECS {
        return Err(OssError::request_time_too_skewed(
            shown,
            &now.format("%Y-%m-%dT%H:%M:%S.000Z").to_string(),
        ));
    }
    Ok(())
}

/// SignatureDoesNotMatch with the diagnostics OSS returns, so a client author can diff their
/// string to sign with the server's.
fn mismatch(ec: &'static str, authorization: &Authorization, string_to_sign: &str) -> OssError {
    let bytes: String = string_to_sign
        .bytes()
        .map(|b| format!("{b:02X} "))
        .collect();
    OssError::signature_does_not_match(ec)
        .with("OSSAccessKeyId", authorization.access_key_id())
        .with("SignatureProvided", authorization.signature())
        .with("StringToSign", string_to_sign)
        .with("StringToSignBytes", bytes)
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
