//! Authentication: every refusal, the clock window and the official SDK's vectors.
use chrono::TimeDelta;
use http::{HeaderName, HeaderValue};

use super::*;
use crate::domain::Region;
use crate::oss::sign::SignatureVersion;
use crate::oss::{Credentials, Secret};
use crate::sandbox::routing;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-04-17T11:20:10Z")
        .unwrap()
        .to_utc()
}

/// A signed GetBucketEncryption for `b-1` in cn-hangzhou; returns the check's outcome.
fn check(
    version: SignatureVersion,
    creds: &Credentials,
    signed_at: DateTime<Utc>,
    tamper: impl FnOnce(&mut HeaderMap),
) -> Result<(), OssError> {
    let route = routing::route("b-1.oss-cn-hangzhou.aliyuncs.com", "/").unwrap();
    let query = routing::decode_query(Some("encryption"));
    let mut headers = HeaderMap::new();
    let region = Region::parse("cn-hangzhou").unwrap();
    sign::sign(
        version,
        "GET",
        Some("b-1"),
        None,
        &query,
        &mut headers,
        creds,
        &region,
        signed_at,
    )
    .unwrap();
    tamper(&mut headers);
    let req = AuthRequest {
        method: "GET",
        headers: &headers,
        route: &route,
        query: &query,
        now: now(),
    };
    authenticate(&KeyRing::for_tests(), &req).map(|_| ())
}

fn code(result: Result<(), OssError>) -> &'static str {
    result.map(|()| "OK").unwrap_or_else(|e| e.code)
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &'static str) {
    headers.insert(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    );
}

#[test]
fn valid_signatures_pass_for_both_versions_and_both_key_kinds() {
    let keys = KeyRing::for_tests();
    for version in [SignatureVersion::V1, SignatureVersion::V4] {
        for creds in [&keys.access, &keys.sts] {
            assert_eq!(
                code(check(version, creds, now(), |_| {})),
                "OK",
                "{version}"
            );
        }
    }
}

#[test]
fn refusals_carry_oss_codes() {
    let keys = KeyRing::for_tests();
    let v1 = SignatureVersion::V1;
    let v4 = SignatureVersion::V4;
    let mut wrong = keys.access.clone();
    wrong.access_key_secret = Secret::new("nope");
    assert_eq!(
        code(check(v1, &wrong, now(), |_| {})),
        "SignatureDoesNotMatch"
    );
    assert_eq!(
        code(check(v4, &wrong, now(), |_| {})),
        "SignatureDoesNotMatch"
    );
    let mut unknown = keys.access.clone();
    unknown.access_key_id = "LTAI5tNobody".into();
    assert_eq!(
        code(check(v4, &unknown, now(), |_| {})),
        "InvalidAccessKeyId"
    );
    let mut no_token = keys.sts.clone();
    no_token.security_token = None;
    assert_eq!(
        code(check(v1, &no_token, now(), |_| {})),
        "InvalidSecurityToken"
    );
    let mut forged = keys.sts.clone();
    forged.security_token = Some(Secret::new("forged"));
    assert_eq!(
        code(check(v4, &forged, now(), |_| {})),
        "InvalidSecurityToken"
    );
    let mut permanent_with_token = keys.access.clone();
    permanent_with_token.security_token = Some(Secret::new("sts-token"));
    assert_eq!(
        code(check(v1, &permanent_with_token, now(), |_| {})),
        "InvalidAccessKeyId"
    );
    let strip = |h: &mut HeaderMap| {
        h.remove(http::header::AUTHORIZATION);
    };
    assert_eq!(code(check(v4, &keys.access, now(), strip)), "AccessDenied");
    let garbage = |h: &mut HeaderMap| set(h, "authorization", "Bearer abc");
    assert_eq!(
        code(check(v4, &keys.access, now(), garbage)),
        "InvalidArgument"
    );
}

#[test]
fn v4_requires_unsigned_payload_date_and_the_host_region() {
    let keys = &KeyRing::for_tests().access;
    let v4 = SignatureVersion::V4;
    let payload = |h: &mut HeaderMap| set(h, "x-oss-content-sha256", "abc");
    let err = check(v4, keys, now(), payload).unwrap_err();
    assert_eq!((err.status.as_u16(), err.code), (400, "InvalidArgument"));
    let no_date = |h: &mut HeaderMap| {
        h.remove("x-oss-date");
    };
    assert_eq!(code(check(v4, keys, now(), no_date)), "AccessDenied");
    let route = routing::route("b-1.oss-cn-beijing.aliyuncs.com", "/").unwrap();
    let mut headers = HeaderMap::new();
    let hz = Region::parse("cn-hangzhou").unwrap();
    sign::sign(
        v4,
        "GET",
        Some("b-1"),
        None,
        &[],
        &mut headers,
        keys,
        &hz,
        now(),
    )
    .unwrap();
    let req = AuthRequest {
        method: "GET",
        headers: &headers,
        route: &route,
        query: &[],
        now: now(),
    };
    let err = authenticate(&KeyRing::for_tests(), &req).unwrap_err();
    assert!(err.message.contains("signing region"), "{err:?}");
}

#[test]
fn clock_skew_beyond_15_minutes_is_refused() {
    let keys = &KeyRing::for_tests().access;
    for version in [SignatureVersion::V1, SignatureVersion::V4] {
        let late = now() - TimeDelta::minutes(16);
        let err = check(version, keys, late, |_| {}).unwrap_err();
        assert_eq!(
            (err.code, err.ec),
            ("RequestTimeTooSkewed", "0002-00000504")
        );
        let early = now() + TimeDelta::minutes(14);
        assert_eq!(code(check(version, keys, early, |_| {})), "OK");
    }
}

/// The oss2-computed vectors of the reference (§4.4 V1-1, §5.4 V4-1) pass, so the sandbox
/// agrees with the official SDK independently of our own signer.
#[test]
fn the_reference_oss2_vectors_authenticate() {
    let keys = KeyRing::new(
        Credentials {
            access_key_id: "LTAI5tFakeAccessKeyId000".into(),
            access_key_secret: Secret::new("FakeAccessKeySecretForVectors0000000"),
            security_token: None,
        },
        KeyRing::for_tests().sts,
    );
    let route = routing::route("examplebucket.oss-cn-hangzhou.aliyuncs.com", "/").unwrap();
    let query = routing::decode_query(Some("encryption"));
    let mut v1 = HeaderMap::new();
    set(&mut v1, "date", "Thu, 17 Apr 2025 11:20:10 GMT");
    set(
        &mut v1,
        "authorization",
        "OSS LTAI5tFakeAccessKeyId000:HxlN/OONLV/uOoDxKaLiyzX9Z4Q=",
    );
    let mut v4 = HeaderMap::new();
    set(&mut v4, "x-oss-date", "20250417T112010Z");
    set(&mut v4, "x-oss-content-sha256", "UNSIGNED-PAYLOAD");
    set(
        &mut v4,
        "authorization",
        "OSS4-HMAC-SHA256 Credential=LTAI5tFakeAccessKeyId000/20250417/cn-hangzhou/oss/aliyun_v4_request, Signature=34b1d65d10d91afdfcf3f2e79321adfca1b59b5a0c04c395a67a92abc1c2039e",
    );
    for headers in [&v1, &v4] {
        let req = AuthRequest {
            method: "GET",
            headers,
            route: &route,
            query: &query,
            now: now(),
        };
        assert_eq!(
            authenticate(&keys, &req).map(|c| c.account),
            Ok(keys.hub.clone())
        );
    }
}

#[test]
fn a_mismatch_shows_the_string_to_sign() {
    let mut wrong = KeyRing::for_tests().access;
    wrong.access_key_secret = Secret::new("nope");
    let err = check(SignatureVersion::V1, &wrong, now(), |_| {}).unwrap_err();
    let extra = |name: &str| {
        err.extra
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        extra("StringToSign").as_deref(),
        Some("GET\n\n\nThu, 17 Apr 2025 11:20:10 GMT\n/b-1/?encryption")
    );
    assert!(
        extra("StringToSignBytes")
            .unwrap()
            .starts_with("47 45 54 0A ")
    );
    assert!(extra("SignatureProvided").is_some());
    let v4 = check(SignatureVersion::V4, &wrong, now(), |_| {}).unwrap_err();
    assert!(
        v4.extra
            .iter()
            .any(|(n, v)| *n == "CanonicalRequest" && v.contains("/b-1/"))
    );
}
