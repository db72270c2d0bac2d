//! V1 test vectors: the reference's oss2-computed V1-1..V1-4 and Go v2's `TestV1AuthHeader`.

use http::HeaderMap;

use super::test_support::{creds, headers, query, utc};
use super::v1::{authorization, prepare_headers, string_to_sign};
use super::{Credentials, SignableRequest};

/// A request to sign: (method, bucket, key, query, headers before signing).
type Request<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Vec<(String, String)>,
    HeaderMap,
);

/// Prepares and signs; returns (StringToSign, Authorization header).
fn run(request: Request, c: &Credentials, now: &str) -> (String, String) {
    let (method, bucket, key, q, mut h) = request;
    prepare_headers(&mut h, c, utc(now)).unwrap();
    let req = SignableRequest {
        method,
        bucket,
        key,
        query: &q,
        headers: &h,
    };
    (string_to_sign(&req), authorization(&req, c).to_string())
}

/// The reference §4.4 inputs: a fake key pair, signing at 2025-04-17 11:20:10 UTC.
fn ours(request: Request, token: Option<&str>) -> (String, String) {
    let c = creds(
        "LTAI5tFakeAccessKeyId000",
        "FakeAccessKeySecretForVectors0000000",
        token,
    );
    run(request, &c, "2025-04-17T11:20:10Z")
}

const DATE: &str = "Thu, 17 Apr 2025 11:20:10 GMT";

#[test]
fn v1_1_get_bucket_encryption_matches_oss2() {
    let (sts, auth) = ours(
        (
            "GET",
            Some("examplebucket"),
            None,
            query(&[("encryption", "")]),
            HeaderMap::new(),
        ),
        None,
    );
    assert_eq!(sts, format!("GET\n\n\n{DATE}\n/examplebucket/?encryption"));
    assert_eq!(
        auth,
        "OSS LTAI5tFakeAccessKeyId000:HxlN/OONLV/uOoDxKaLiyzX9Z4Q="
    );
}

#[test]
fn v1_2_put_bucket_encryption_signs_content_md5_and_type() {
    let h = headers(&[
        ("Content-MD5", "wHX5z4OeRTRe1gZaYyzrOQ=="),
        ("Content-Type", "application/xml"),
    ]);
    let (sts, auth) = ours(
        (
            "PUT",
            Some("examplebucket"),
            None,
            query(&[("encryption", "")]),
            h,
        ),
        None,
    );
    assert_eq!(
        sts,
        format!(
            "PUT\nwHX5z4OeRTRe1gZaYyzrOQ==\napplication/xml\n{DATE}\n/examplebucket/?encryption"
        )
    );
    assert_eq!(
        auth,
        "OSS LTAI5tFakeAccessKeyId000:6FKlIcd/UdNla/IvEMc71kitY2I="
    );
}

#[test]
fn v1_3_list_buckets_signs_the_root_without_its_parameters() {
    let q = query(&[("prefix", "my"), ("marker", "mybucket"), ("max-keys", "10")]);
    let (sts, auth) = ours(("GET", None, None, q, HeaderMap::new()), None);
    assert_eq!(sts, format!("GET\n\n\n{DATE}\n/"));
    assert_eq!(
        auth,
        "OSS LTAI5tFakeAccessKeyId000:4sNc7/oRO8FQUJx9v5TSkGljsn8="
    );
}

#[test]
fn v1_4_get_bucket_info_with_sts_signs_the_token_header() {
    let request = (
        "GET",
        Some("examplebucket"),
        None,
        query(&[("bucketInfo", "")]),
        HeaderMap::new(),
    );
    let (sts, auth) = ours(request, Some("CAIS.fake-sts-token.for-vectors"));
    let token_line = "x-oss-security-token:CAIS.fake-sts-token.for-vectors\n";
    assert_eq!(
        sts,
        format!("GET\n\n\n{DATE}\n{token_line}/examplebucket/?bucketInfo")
    );
    assert_eq!(
        auth,
        "OSS LTAI5tFakeAccessKeyId000:Vm4gxOt45mVyBthttUAsFEPwskw="
    );
}

/// The Go v2 SDK's `TestV1AuthHeader` headers: x-oss-date, and for PUTs Content-MD5, Content-Type
/// and two meta headers. Key `ak`/`sk`, time `Wed, 28 Dec 2022 10:27:41 GMT`.
fn go(method: &str, key: Option<&str>, q: &[(&str, &str)]) -> (String, String) {
    let mut pairs = vec![("x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT")];
    if method == "PUT" {
        pairs.extend([
            ("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="),
            ("Content-Type", "text/html"),
            ("x-oss-meta-author", "alice"),
            ("x-oss-meta-magic", "abracadabra"),
        ]);
    }
    let request = (
        method,
        Some("examplebucket"),
        key,
        query(q),
        headers(&pairs),
    );
    run(request, &creds("ak", "sk", None), "2022-12-28T10:27:41Z")
}

/// The Date line and the x-oss-date header line the Go cases share.
const GO_DATES: &str = "Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n";
/// The Content-MD5 and Content-Type lines, then the two meta header lines, of the Go PUT cases.
const GO_PUT: (&str, &str) = (
    "eB5eJF1ptWaXm4bijSPyxw==\ntext/html",
    "x-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n",
);

#[test]
fn go_v2_v1_case_1_object_put_matches() {
    let (sts, auth) = go("PUT", Some("nelson"), &[]);
    assert_eq!(
        sts,
        format!(
            "PUT\n{}\n{GO_DATES}{}/examplebucket/nelson",
            GO_PUT.0, GO_PUT.1
        )
    );
    assert_eq!(auth, "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
}

#[test]
fn go_v2_v1_case_2_object_put_with_acl_matches() {
    let (sts, auth) = go("PUT", Some("nelson"), &[("acl", "")]);
    assert_eq!(
        sts,
        format!(
            "PUT\n{}\n{GO_DATES}{}/examplebucket/nelson?acl",
            GO_PUT.0, GO_PUT.1
        )
    );
    assert_eq!(auth, "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=");
}

#[test]
fn go_v2_v1_case_3_non_subresource_parameters_are_left_out() {
    let (sts, auth) = go(
        "GET",
        None,
        &[("resourceGroup", ""), ("non-resousce", "null")],
    );
    assert_eq!(
        sts,
        format!("GET\n\n\n{GO_DATES}/examplebucket/?resourceGroup")
    );
    assert_eq!(auth, "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=");
}

#[test]
fn go_v2_v1_case_4_subresources_are_sorted() {
    let (sts, auth) = go("GET", None, &[("resourceGroup", ""), ("acl", "")]);
    assert_eq!(
        sts,
        format!("GET\n\n\n{GO_DATES}/examplebucket/?acl&resourceGroup")
    );
    assert_eq!(auth, "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=");
}
