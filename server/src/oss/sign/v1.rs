//! Signature V1: `OSS <AccessKeyId>:base64(HMAC-SHA1(secret, StringToSign))`.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use sha1::Sha1;

use super::{
    Authorization, SignError, SignableRequest, header_text, insert_header, set_security_token,
};
use crate::oss::Credentials;

/// Query parameters that V1 signs as subresources: oss2 2.19.1 `ProviderAuth._subresource_key_set`
/// (86 names), byte-sorted for binary search. It is the longest static list of the SDKs and holds
/// `encryption` and `bucketInfo`, which oss-audit uses (Go v2 adds `encryption` per operation);
/// other `x-oss-*` keys are covered by the rule in [`is_subresource`].
#[rustfmt::skip]
const SUBRESOURCES: [&str; 86] = [
    "accessPoint", "accessPointPolicy", "acl", "append", "asyncFetch", "bucketArchiveDirectRead",
    "bucketInfo", "callback", "callback-var", "cname", "comp", "continuation-token", "cors",
    "delete", "encryption", "endTime", "group", "httpsConfig", "inventory", "inventoryId",
    "lifecycle", "link", "live", "location", "logging", "metaQuery", "objectInfo", "objectMeta",
    "partNumber", "policy", "position", "publicAccessBlock", "qos", "qosInfo", "qosRequester",
    "redundancyTransition", "referer", "regionList", "replication", "replicationLocation",
    "replicationProgress", "requestPayment", "requesterQosInfo", "resourceGroup", "resourcePool",
    "resourcePoolBuckets", "resourcePoolInfo", "response-cache-control",
    "response-content-disposition", "response-content-encoding", "response-content-language",
    "response-content-type", "response-expires", "restore", "security-token", "sequential",
    "startTime", "stat", "status", "style", "styleName", "symlink", "tagging",
    "transferAcceleration", "uploadId", "uploads", "versionId", "versioning", "versions", "vod",
    "website", "worm", "wormExtend", "wormId", "x-oss-ac-forward-allow", "x-oss-ac-source-ip",
    "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-access-point-name", "x-oss-async-process",
    "x-oss-process", "x-oss-redundancy-transition-taskid", "x-oss-request-payer",
    "x-oss-target-redundancy-type", "x-oss-traffic-limit", "x-oss-write-get-object-response",
];

/// Whether a query parameter is part of the V1 CanonicalizedResource. ListBuckets' `prefix`,
/// `marker` and `max-keys` are not, so ListBuckets always signs `/`.
pub fn is_subresource(name: &str) -> bool {
    SUBRESOURCES.binary_search(&name).is_ok() || name.starts_with("x-oss-")
}

/// `/`, `/<bucket>/` or `/<bucket>/<key>`, raw (not URL-encoded), then `?` and the sorted
/// subresources as `name` or `name=value`.
pub fn canonicalized_resource(
    bucket: Option<&str>,
    key: Option<&str>,
    query: &[(String, String)],
) -> String {
    let mut resource = String::from("/");
    if let Some(bucket) = bucket {
        resource.push_str(bucket);
        resource.push('/');
    }
    resource.push_str(key.unwrap_or_default());
    let mut subresources: Vec<&(String, String)> = query
        .iter()
        .filter(|(name, _)| is_subresource(name))
        .collect();
    subresources.sort();
    for (i, (name, value)) in subresources.into_iter().enumerate() {
        resource.push(if i == 0 { '?' } else { '&' });
        resource.push_str(name);
        if !value.is_empty() {
            resource.push('=');
            resource.push_str(value);
        }
    }
    resource
}

/// Every `x-oss-*` header as `name:value\n`, names lowercase (as `http` stores them) and sorted,
/// values trimmed, repeated headers joined with `,` (as the Go v2 SDK does).
pub fn canonicalized_oss_headers(headers: &HeaderMap) -> String {
    let mut names: Vec<&str> = headers
        .keys()
        .map(http::HeaderName::as_str)
        .filter(|name| name.starts_with("x-oss-"))
        .collect();
    names.sort_unstable();
    names
        .iter()
        .map(|name| format!("{name}:{}\n", header_text(headers, name)))
        .collect()
}

/// `VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedOSSHeaders CanonicalizedResource`, from the
/// headers as sent. The Date line is the `Date` header (not oss2's `x-oss-date` override).
pub fn string_to_sign(req: &SignableRequest) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}{}",
        req.method,
        header_text(req.headers, "content-md5"),
        header_text(req.headers, "content-type"),
        header_text(req.headers, "date"),
        canonicalized_oss_headers(req.headers),
        canonicalized_resource(req.bucket, req.key, req.query),
    )
}

/// `base64(HMAC-SHA1(secret, string_to_sign))`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Adds the headers V1 signs with: `Date` (RFC 1123 GMT) and, with STS, `x-oss-security-token`
/// (a stale token header is removed, so a map can be re-signed with other credentials).
pub fn prepare_headers(
    headers: &mut HeaderMap,
    credentials: &Credentials,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), SignError> {
    insert_header(
        headers,
        "date",
        &now.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
    )?;
    set_security_token(headers, credentials)
}

/// Signs a prepared request: the `Authorization` value to send.
pub fn authorization(req: &SignableRequest, credentials: &Credentials) -> Authorization {
    let string_to_sign = string_to_sign(req);
    Authorization::V1 {
        access_key_id: credentials.access_key_id.clone(),
        signature: signature(credentials.access_key_secret.expose(), &string_to_sign),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oss::sign::test_support::{headers, query};

    #[test]
    fn the_subresource_list_is_oss2s_86_names_sorted() {
        assert!(SUBRESOURCES.windows(2).all(|w| w[0] < w[1]));
        for name in [
            "encryption",
            "bucketInfo",
            "location",
            "resourceGroup",
            "acl",
            "x-oss-anything",
        ] {
            assert!(is_subresource(name), "{name}");
        }
        for name in ["prefix", "marker", "max-keys", "Encryption", "non-resousce"] {
            assert!(!is_subresource(name), "{name}");
        }
    }

    #[test]
    fn the_resource_is_raw_and_names_the_bucket_with_a_trailing_slash() {
        assert_eq!(
            canonicalized_resource(None, None, &query(&[("prefix", "a")])),
            "/"
        );
        assert_eq!(canonicalized_resource(Some("b"), None, &[]), "/b/");
        let q = query(&[
            ("x-oss-process", "image/resize,w_100"),
            ("versionId", "a b/c"),
            ("acl", ""),
        ]);
        assert_eq!(
            canonicalized_resource(Some("b"), Some("dir/k+y é"), &q),
            "/b/dir/k+y é?acl&versionId=a b/c&x-oss-process=image/resize,w_100"
        );
    }

    #[test]
    fn oss_headers_are_lowercased_sorted_trimmed_and_repeats_joined() {
        let h = headers(&[
            ("x-oss-meta-a", " 1 "),
            ("X-OSS-Meta-B", "3"),
            ("x-oss-meta-a", "2"),
            ("Host", "h"),
        ]);
        assert_eq!(
            canonicalized_oss_headers(&h),
            "x-oss-meta-a:1,2\nx-oss-meta-b:3\n"
        );
        assert_eq!(canonicalized_oss_headers(&HeaderMap::new()), "");
    }
}
