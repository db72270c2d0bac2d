//! RPC signature version 1.0 (HMAC-SHA1): the signing scheme of STS, Resource Directory and KMS.
//!
//! Shared by the client (which signs) and the sandbox (which verifies), as `oss::sign` is for OSS;
//! the vector tests and the official Python SDK in the fidelity tests keep both sides honest.

use chrono::{DateTime, Utc};
use rand::Rng as _;

/// The `SignatureMethod` this scheme uses.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// The `SignatureVersion` this scheme uses.
pub const SIGNATURE_VERSION: &str = "1.0";
/// The parameter carrying the signature; everything else is signed.
pub const SIGNATURE: &str = "Signature";
/// The `Timestamp` format: UTC, whole seconds.
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// Percent-encodes one name or value as the RPC signature requires: as OSS V4 does.
pub use crate::oss::sign::percent_encode;

/// The canonical query: every parameter but `Signature`, names and values percent-encoded,
/// sorted by encoded name (then value, should a name repeat), joined as `name=value` with `&`.
/// Query-string and body parameters go in together: the signature covers their union.
pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(String, String)> = params
        .into_iter()
        .filter(|(name, _)| *name != SIGNATURE)
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    pairs.sort();
    let parts: Vec<String> = pairs
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    parts.join("&")
}

/// `METHOD&%2F&percentEncode(canonicalQuery)`.
pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode("/"),
        percent_encode(canonical_query)
    )
}

/// `base64(HMAC-SHA1(secret + "&", string_to_sign))`: OSS V1's signature under another key.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    crate::oss::sign::v1::signature(&format!("{secret}&"), string_to_sign)
}

/// A fresh `SignatureNonce`: a random version 4 UUID. Every attempt needs its own, since the
/// services refuse a nonce they have seen (`SignatureNonceUsed`).
pub fn nonce() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let mut hex: Vec<char> = bytes
        .iter()
        .flat_map(|b| [b >> 4, b & 0xF])
        .map(|n| char::from_digit(u32::from(n), 16).unwrap_or('0'))
        .collect();
    hex[12] = '4';
    hex[16] = ['8', '9', 'a', 'b'][usize::from(bytes[8] & 0b11)];
    let text: String = hex.into_iter().collect();
    format!(
        "{}-{}-{}-{}-{}",
        &text[..8],
        &text[8..12],
        &text[12..16],
        &text[16..20],
        &text[20..]
    )
}

/// A `Timestamp` value.
pub fn timestamp(now: DateTime<Utc>) -> String {
    now.format(TIMESTAMP_FORMAT).to_string()
}

#[cfg(test)]
#[path = "sign_vectors.rs"]
mod vectors;
