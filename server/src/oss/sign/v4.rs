//! Signature V4: `OSS4-HMAC-SHA256` over a canonical request, with a date/region/product key.

use hmac::{Hmac, Mac};
use http::HeaderMap;
use percent_encoding::{AsciiSet, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::{
    Authorization, SignError, SignableRequest, UNRESERVED, header_text, insert_header,
    percent_encode, set_security_token,
};
use crate::oss::Credentials;

/// The only payload hash OSS accepts (EC 0002-00000214), sent as `x-oss-content-sha256`.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The product of ordinary OSS requests (`oss-cloudbox` exists for OSS on CloudBox).
pub const PRODUCT: &str = "oss";
/// The `x-oss-date` header, `YYYYMMDDTHHMMSSZ`.
pub const DATE_HEADER: &str = "x-oss-date";
/// The `x-oss-content-sha256` header.
pub const CONTENT_SHA256_HEADER: &str = "x-oss-content-sha256";

/// [`UNRESERVED`], keeping `/` as the path separator of the canonical URI.
const PATH_ENCODE: &AsciiSet = &UNRESERVED.remove(b'/');

/// Headers V4 always signs: every `x-oss-*`, `content-type` and `content-md5`.
fn is_default_signed(lowercase_name: &str) -> bool {
    lowercase_name.starts_with("x-oss-")
        || lowercase_name == "content-type"
        || lowercase_name == "content-md5"
}

/// `/`, `/<bucket>/` or `/<bucket>/<key>`, URI-encoded with `/` kept.
pub fn canonical_uri(bucket: Option<&str>, key: Option<&str>) -> String {
    let mut uri = String::from("/");
    if let Some(bucket) = bucket {
        uri.push_str(bucket);
        uri.push('/');
    }
    uri.push_str(key.unwrap_or_default());
    utf8_percent_encode(&uri, PATH_ENCODE).to_string()
}

/// All query parameters, URI-encoded, sorted by encoded name (then value), `name` alone when the
/// value is empty, joined with `&`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    pairs.sort();
    let items: Vec<String> = pairs
        .into_iter()
        .map(|(name, value)| {
            if value.is_empty() {
                name
            } else {
                format!("{name}={value}")
            }
        })
        .collect();
    items.join("&")
}

/// Normalises requested extra signed headers the way the signer announces them: lowercase, without
/// the always-signed ones, only those present, fully sorted (oss2 sorts by first character only),
/// deduplicated.
pub fn additional_headers(headers: &HeaderMap, requested: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = requested
        .iter()
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !is_default_signed(name) && headers.contains_key(name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `METHOD\nURI\nQUERY\nHEADERS\nADDITIONAL\nPAYLOAD`. `additional_headers` is used as given (only
/// lowercased): the signer's normalised list, or the list from a received `Authorization`.
pub fn canonical_request(req: &SignableRequest, additional_headers: &[String]) -> String {
    let additional: Vec<String> = additional_headers
        .iter()
        .map(|name| name.to_ascii_lowercase())
        .collect();
    let mut names: Vec<&str> = req
        .headers
        .keys()
        .map(http::HeaderName::as_str)
        .filter(|name| is_default_signed(name) || additional.iter().any(|a| a == name))
        .collect();
    names.sort_unstable();
    let canonical_headers: String = names
        .iter()
        .map(|name| format!("{name}:{}\n", header_text(req.headers, name)))
        .collect();
    // Like the Go SDK, hash what the request declares; the signer always declares UNSIGNED-PAYLOAD.
    let payload = match header_text(req.headers, CONTENT_SHA256_HEADER) {
        declared if declared.is_empty() => UNSIGNED_PAYLOAD.to_owned(),
        declared => declared,
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        canonical_uri(req.bucket, req.key),
        canonical_query(req.query),
        canonical_headers,
        additional.join(";"),
        payload
    )
}

/// `<YYYYMMDD>/<region>/<product>/aliyun_v4_request`.
pub fn scope(date: &str, region: &str, product: &str) -> String {
    format!("{date}/{region}/{product}/aliyun_v4_request")
}

/// `OSS4-HMAC-SHA256\n<x-oss-date>\n<scope>\nhex(SHA256(canonical_request))`.
pub fn string_to_sign(x_oss_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "OSS4-HMAC-SHA256\n{x_oss_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Lowercase hex HMAC-SHA256 of `string_to_sign` under the key chain
/// `"aliyun_v4" + secret` → date → region → product → `aliyun_v4_request`.
pub fn signature(
    secret: &str,
    date: &str,
    region: &str,
    product: &str,
    string_to_sign: &str,
) -> String {
    let k_date = hmac_sha256(format!("aliyun_v4{secret}").as_bytes(), date);
    let k_region = hmac_sha256(&k_date, region);
    let k_product = hmac_sha256(&k_region, product);
    let k_signing = hmac_sha256(&k_product, "aliyun_v4_request");
    hex(&hmac_sha256(&k_signing, string_to_sign))
}

/// Adds the headers V4 signs with: `x-oss-date`, `x-oss-content-sha256: UNSIGNED-PAYLOAD` and, with
/// STS, `x-oss-security-token` (a stale token header is removed, so a map can be re-signed).
pub fn prepare_headers(
    headers: &mut HeaderMap,
    credentials: &Credentials,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), SignError> {
    insert_header(
        headers,
        DATE_HEADER,
        &now.format("%Y%m%dT%H%M%SZ").to_string(),
    )?;
    insert_header(headers, CONTENT_SHA256_HEADER, UNSIGNED_PAYLOAD)?;
    set_security_token(headers, credentials)
}

/// Signs a prepared request (its `x-oss-date` must be `now`): the `Authorization` value to send.
/// `additional_headers` names extra headers to sign (normalised by [`additional_headers`]).
pub fn authorization(
    req: &SignableRequest,
    credentials: &Credentials,
    region: &str,
    product: &str,
    additional_headers: &[&str],
    now: chrono::DateTime<chrono::Utc>,
) -> Authorization {
    let additional = self::additional_headers(req.headers, additional_headers);
    let date = now.format("%Y%m%d").to_string();
    let scope = scope(&date, region, product);
    let string_to_sign = string_to_sign(
        &now.format("%Y%m%dT%H%M%SZ").to_string(),
        &scope,
        &canonical_request(req, &additional),
    );
    Authorization::V4 {
        access_key_id: credentials.access_key_id.clone(),
        signature: signature(
            credentials.access_key_secret.expose(),
            &date,
            region,
            product,
            &string_to_sign,
        ),
        date,
        region: region.to_owned(),
        product: product.to_owned(),
        additional_headers: additional,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oss::sign::test_support::{headers, query};

    #[test]
    fn uri_encoding_keeps_only_unreserved_bytes_and_slashes_in_paths() {
        assert_eq!(canonical_uri(None, None), "/");
        assert_eq!(canonical_uri(Some("b"), None), "/b/");
        assert_eq!(
            canonical_uri(Some("b"), Some("1234+-/123/1 ~é.txt")),
            "/b/1234%2B-/123/1%20~%C3%A9.txt"
        );
        let q = query(&[("k", "a/b c*~"), ("bare", ""), ("a", "2"), ("a", "1")]);
        assert_eq!(canonical_query(&q), "a=1&a=2&bare&k=a%2Fb%20c%2A~");
    }

    #[test]
    fn additional_headers_are_sorted_by_full_name_not_first_character() {
        let h = headers(&[("zz", "1"), ("za", "2"), ("range", "3")]);
        let requested = [
            "zz",
            "Range",
            "za",
            "zz",
            "content-md5",
            "x-oss-meta-a",
            "absent",
        ];
        assert_eq!(additional_headers(&h, &requested), ["range", "za", "zz"]);
    }

    #[test]
    fn canonical_headers_cover_oss_content_and_additional_headers_only() {
        let h = headers(&[
            ("Content-Type", " a "),
            ("host", "h"),
            ("range", "r"),
            ("x-oss-b", "2"),
            ("x-oss-a", "1"),
        ]);
        let req = SignableRequest {
            method: "GET",
            bucket: None,
            key: None,
            query: &[],
            headers: &h,
        };
        let expected =
            "GET\n/\n\ncontent-type:a\nrange:r\nx-oss-a:1\nx-oss-b:2\n\nrange\nUNSIGNED-PAYLOAD";
        assert_eq!(canonical_request(&req, &["Range".to_owned()]), expected);
    }

    #[test]
    fn the_signing_key_chain_is_stable() {
        // Go v2 `TestV4AuthHeader` inputs; the full request is checked in `v4_vectors`.
        let sts = string_to_sign(
            "20231216T162057Z",
            &scope("20231216", "cn-hangzhou", PRODUCT),
            "",
        );
        assert!(
            sts.ends_with("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            signature("sk", "20231216", "cn-hangzhou", "oss", &sts).len(),
            64
        );
    }
}
