//! V4 test vectors: the reference's oss2-computed V4-1..V4-3 and the Go v2 SDK's V4 header tests.

use http::HeaderMap;

use super::test_support::{creds, headers, query, utc};
use super::v4::{
    PRODUCT, additional_headers, authorization, canonical_request, prepare_headers, scope,
    string_to_sign,
};
use super::{Credentials, SignableRequest};

/// A request to sign: (method, bucket, key, query, headers before signing).
type Request<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Vec<(String, String)>,
    HeaderMap,
);

/// Prepares and signs in cn-hangzhou; returns (canonical request, string to sign, Authorization).
fn run(request: Request, c: &Credentials, extra: &[&str], now: &str) -> (String, String, String) {
    let (method, bucket, key, q, mut h) = request;
    let now = utc(now);
    prepare_headers(&mut h, c, now).unwrap();
    let req = SignableRequest {
        method,
        bucket,
        key,
        query: &q,
        headers: &h,
    };
    let canonical = canonical_request(&req, &additional_headers(&h, extra));
    let date = now.format("%Y%m%d").to_string();
    let sts = string_to_sign(
        &now.format("%Y%m%dT%H%M%SZ").to_string(),
        &scope(&date, "cn-hangzhou", PRODUCT),
        &canonical,
    );
    let auth = authorization(&req, c, "cn-hangzhou", PRODUCT, extra, now).to_string();
    (canonical, sts, auth)
}

/// The reference §5.4 inputs: a fake key pair, signing at 2025-04-17 11:20:10 UTC.
fn ours(request: Request, token: Option<&str>) -> (String, String, String) {
    let c = creds(
        "LTAI5tFakeAccessKeyId000",
        "FakeAccessKeySecretForVectors0000000",
        token,
    );
    run(request, &c, &[], "2025-04-17T11:20:10Z")
}

const SCOPE: &str = "20250417/cn-hangzhou/oss/aliyun_v4_request";
/// The two headers the signer adds, as canonical header lines.
const SIGNING: &str = "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20250417T112010Z\n";

fn expected_header(signature: &str) -> String {
    format!("OSS4-HMAC-SHA256 Credential=LTAI5tFakeAccessKeyId000/{SCOPE}, Signature={signature}")
}

#[test]
fn v4_1_get_bucket_encryption_matches_oss2() {
    let request = (
        "GET",
        Some("examplebucket"),
        None,
        query(&[("encryption", "")]),
        HeaderMap::new(),
    );
    let (canonical, sts, auth) = ours(request, None);
    assert_eq!(
        canonical,
        format!("GET\n/examplebucket/\nencryption\n{SIGNING}\n\nUNSIGNED-PAYLOAD")
    );
    let hash = "02a0320753a165eaf5079bb1340aa60e3da9d2635261cad17268220cbcec9890";
    assert_eq!(
        sts,
        format!("OSS4-HMAC-SHA256\n20250417T112010Z\n{SCOPE}\n{hash}")
    );
    assert_eq!(
        auth,
        expected_header("34b1d65d10d91afdfcf3f2e79321adfca1b59b5a0c04c395a67a92abc1c2039e")
    );
}

#[test]
fn v4_2_list_buckets_signs_every_query_parameter_sorted() {
    let q = query(&[("prefix", "my"), ("marker", "mybucket"), ("max-keys", "10")]);
    let (canonical, sts, auth) = ours(("GET", None, None, q, HeaderMap::new()), None);
    assert_eq!(
        canonical,
        format!("GET\n/\nmarker=mybucket&max-keys=10&prefix=my\n{SIGNING}\n\nUNSIGNED-PAYLOAD")
    );
    let hash = "37adc097594a1dbf540c301543b597bc22f79f1c7fd7f7e4a64bfce689bd4b85";
    assert_eq!(
        sts,
        format!("OSS4-HMAC-SHA256\n20250417T112010Z\n{SCOPE}\n{hash}")
    );
    assert_eq!(
        auth,
        expected_header("a350691e8c012d4a127714739c6686b5a72715c980a2877f1bed48726ac3b7c1")
    );
}

#[test]
fn v4_3_put_bucket_encryption_with_sts_signs_content_headers_and_token() {
    let h = headers(&[
        ("Content-MD5", "wHX5z4OeRTRe1gZaYyzrOQ=="),
        ("Content-Type", "application/xml"),
    ]);
    let request = (
        "PUT",
        Some("examplebucket"),
        None,
        query(&[("encryption", "")]),
        h,
    );
    let (canonical, sts, auth) = ours(request, Some("CAIS.fake-sts-token.for-vectors"));
    let content = "content-md5:wHX5z4OeRTRe1gZaYyzrOQ==\ncontent-type:application/xml\n";
    let token = "x-oss-security-token:CAIS.fake-sts-token.for-vectors\n";
    assert_eq!(
        canonical,
        format!("PUT\n/examplebucket/\nencryption\n{content}{SIGNING}{token}\n\nUNSIGNED-PAYLOAD")
    );
    let hash = "f5c36d4a7c81cccda391953a4f3b64f4e87237c04c79eef7e9332c1013381eb8";
    assert_eq!(
        sts,
        format!("OSS4-HMAC-SHA256\n20250417T112010Z\n{SCOPE}\n{hash}")
    );
    assert_eq!(
        auth,
        expected_header("2cabee3df4b98d7406473af0d7e7013bc55d8dee1817636fdf86df067383c07d")
    );
}

/// The Go v2 SDK's V4 request: PUT `bucket`/`1234+-/123/1.txt` with odd query names and headers
/// that are only signed when named as additional headers. Key `ak`/`sk`, region cn-hangzhou.
fn go(token: Option<&str>, extra: &[&str], now: &str) -> (String, String) {
    let h = headers(&[
        ("x-oss-head1", "value"),
        ("abc", "value"),
        ("ZAbc", "value"),
        ("XYZ", "value"),
        ("content-type", "text/plain"),
        ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
    ]);
    let q = [
        ("param1", "value1"),
        ("+param1", "value3"),
        ("|param1", "value4"),
        ("+param2", ""),
        ("|param2", ""),
        ("param2", ""),
    ];
    let request = (
        "PUT",
        Some("bucket"),
        Some("1234+-/123/1.txt"),
        query(&q),
        h,
    );
    let (canonical, _, auth) = run(request, &creds("ak", "sk", token), extra, now);
    (canonical, auth)
}

/// The Go SDK writes `,` between fields where we (like oss2) write `, `; the service accepts both.
fn go_header(expected: &str) -> String {
    expected.replace(',', ", ")
}

/// The Go request's canonical URI and query: `+` and `|` encoded, sorted by encoded name.
const GO_URI_QUERY: &str = "PUT\n/bucket/1234%2B-/123/1.txt\n\
    %2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n";

#[test]
fn go_v2_v4_auth_header_matches() {
    // time.Unix(1702743657)
    let (canonical, auth) = go(None, &[], "2023-12-16T16:20:57Z");
    let lines = "content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n\
                 x-oss-date:20231216T162057Z\nx-oss-head1:value\n";
    assert_eq!(
        canonical,
        format!("{GO_URI_QUERY}{lines}\n\nUNSIGNED-PAYLOAD")
    );
    let expected = "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,\
                    Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe";
    assert_eq!(auth, go_header(expected));
}

#[test]
fn go_v2_v4_auth_header_with_token_matches() {
    // time.Unix(1702784856): the next UTC day, so the scope date changes too.
    let (canonical, auth) = go(Some("token"), &[], "2023-12-17T03:47:36Z");
    assert!(
        canonical
            .ends_with("\nx-oss-head1:value\nx-oss-security-token:token\n\n\nUNSIGNED-PAYLOAD"),
        "{canonical}"
    );
    let expected = "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,\
                    Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea";
    assert_eq!(auth, go_header(expected));
}

#[test]
fn go_v2_v4_auth_header_with_additional_headers_matches_and_ignores_default_and_absent_names() {
    // time.Unix(1702747512)
    let expected = go_header(
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,\
         Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f",
    );
    let (canonical, auth) = go(None, &["ZAbc", "abc"], "2023-12-16T17:25:12Z");
    let lines = "abc:value\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n\
                 x-oss-date:20231216T172512Z\nx-oss-head1:value\nzabc:value\n";
    assert_eq!(
        canonical,
        format!("{GO_URI_QUERY}{lines}\nabc;zabc\nUNSIGNED-PAYLOAD")
    );
    assert_eq!(auth, expected);
    // The Go test's second case: default-signed and absent names are dropped from the list.
    let (_, auth) = go(
        None,
        &["x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"],
        "2023-12-16T17:25:12Z",
    );
    assert_eq!(auth, expected);
}
