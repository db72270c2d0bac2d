//! Test helpers shared by the signing tests: credentials, header maps, query pairs, fixed times.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::{SignError, SignatureVersion};
use crate::domain::Region;
use crate::oss::{Credentials, Secret};

pub(super) fn creds(id: &str, secret: &str, token: Option<&str>) -> Credentials {
    Credentials {
        access_key_id: id.into(),
        access_key_secret: Secret::new(secret),
        security_token: token.map(Secret::new),
    }
}

/// A header map from `(name, value)` pairs; names in any case, repeated names appended.
pub(super) fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        map.append(name, HeaderValue::from_str(value).unwrap());
    }
    map
}

pub(super) fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

pub(super) fn utc(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .to_utc()
}

/// [`super::sign`] for a bucket-level request in cn-hangzhou.
pub(super) fn sign_bucket_request(
    version: SignatureVersion,
    method: &str,
    query: &[(String, String)],
    headers: &mut HeaderMap,
    credentials: &Credentials,
    now: &str,
) -> Result<(), SignError> {
    let region = Region::parse("cn-hangzhou").unwrap();
    super::sign(
        version,
        method,
        Some("examplebucket"),
        None,
        query,
        headers,
        credentials,
        &region,
        utc(now),
    )
}
