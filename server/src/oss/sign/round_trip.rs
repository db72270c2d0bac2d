//! Round trips: what `sign` produces, `parse_authorization` + `verify` accept, and nothing else.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::test_support::{creds, headers, query, sign_bucket_request};
use super::{
    Credentials, SECURITY_TOKEN, SignableRequest, SignatureVersion, parse_authorization, verify,
};

const NOW: &str = "2025-04-17T11:20:10Z";

/// Signs a PutBucketEncryption-like request and returns its headers and query.
fn signed(version: SignatureVersion, c: &Credentials) -> (HeaderMap, Vec<(String, String)>) {
    let mut h = headers(&[
        ("content-md5", "wHX5z4OeRTRe1gZaYyzrOQ=="),
        ("content-type", "application/xml"),
    ]);
    let q = query(&[("encryption", "")]);
    sign_bucket_request(version, "PUT", &q, &mut h, c, NOW).unwrap();
    (h, q)
}

/// What the sandbox does: parse the received `Authorization`, recompute, compare.
fn verifies(h: &HeaderMap, q: &[(String, String)], secret: &str) -> bool {
    let auth = parse_authorization(h["authorization"].to_str().unwrap()).unwrap();
    let req = SignableRequest {
        method: "PUT",
        bucket: Some("examplebucket"),
        key: None,
        query: q,
        headers: h,
    };
    verify(&req, &auth, secret)
}

#[test]
fn a_signed_request_verifies_for_both_versions_with_and_without_sts() {
    for version in [SignatureVersion::V1, SignatureVersion::V4] {
        for token in [None, Some("CAIS.token")] {
            let (h, q) = signed(version, &creds("id", "secret", token));
            assert!(verifies(&h, &q, "secret"), "{version} {token:?}");
            assert_eq!(h.get(SECURITY_TOKEN).map(|v| v.to_str().unwrap()), token);
            let auth = parse_authorization(h["authorization"].to_str().unwrap()).unwrap();
            assert_eq!(auth.access_key_id(), "id");
        }
    }
}

#[test]
fn each_version_adds_exactly_its_own_signing_headers() {
    let (v1, _) = signed(SignatureVersion::V1, &creds("id", "secret", None));
    assert_eq!(v1["date"], "Thu, 17 Apr 2025 11:20:10 GMT");
    assert!(!v1.contains_key("x-oss-date") && !v1.contains_key("x-oss-content-sha256"));
    assert!(v1["authorization"].to_str().unwrap().starts_with("OSS id:"));
    let (v4, _) = signed(SignatureVersion::V4, &creds("id", "secret", None));
    assert_eq!(v4["x-oss-date"], "20250417T112010Z");
    assert_eq!(v4["x-oss-content-sha256"], "UNSIGNED-PAYLOAD");
    let auth = v4["authorization"].to_str().unwrap();
    assert!(auth.starts_with(
        "OSS4-HMAC-SHA256 Credential=id/20250417/cn-hangzhou/oss/aliyun_v4_request, Signature="
    ));
}

#[test]
fn a_changed_header_query_or_secret_fails_verification() {
    for version in [SignatureVersion::V1, SignatureVersion::V4] {
        let (h, q) = signed(version, &creds("id", "secret", Some("token")));
        assert!(!verifies(&h, &q, "other-secret"), "{version} secret");
        for (name, value) in [
            ("content-md5", "AAAAAAAAAAAAAAAAAAAAAA=="),
            ("content-type", "text/plain"),
            ("x-oss-security-token", "forged"),
            ("x-oss-meta-new", "1"),
        ] {
            let mut changed = h.clone();
            changed.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
            assert!(!verifies(&changed, &q, "secret"), "{version} {name}");
        }
        assert!(
            !verifies(&h, &query(&[("encryption", ""), ("acl", "")]), "secret"),
            "{version} query"
        );
    }
}

#[test]
fn a_v4_request_whose_x_oss_date_disagrees_with_its_credential_fails() {
    let (mut h, q) = signed(SignatureVersion::V4, &creds("id", "secret", None));
    h.insert("x-oss-date", HeaderValue::from_static("20250418T112010Z"));
    assert!(!verifies(&h, &q, "secret"));
    h.remove("x-oss-date");
    assert!(!verifies(&h, &q, "secret"));
}

#[test]
fn re_signing_without_a_token_removes_the_stale_token_header() {
    let (mut h, q) = signed(SignatureVersion::V4, &creds("id", "secret", Some("token")));
    sign_bucket_request(
        SignatureVersion::V4,
        "PUT",
        &q,
        &mut h,
        &creds("id", "secret", None),
        "2025-04-17T11:21:00Z",
    )
    .unwrap();
    assert!(!h.contains_key(SECURITY_TOKEN) && verifies(&h, &q, "secret"));
    assert_eq!(h["x-oss-date"], "20250417T112100Z");
}

#[test]
fn a_token_with_a_newline_is_an_error_that_does_not_reveal_it() {
    let mut h = HeaderMap::new();
    let err = sign_bucket_request(
        SignatureVersion::V4,
        "GET",
        &[],
        &mut h,
        &creds("id", "s", Some("zq\nzq")),
        NOW,
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("x-oss-security-token") && !message.contains("zq"),
        "{message}"
    );
    assert!(!h.contains_key("authorization"));
}
