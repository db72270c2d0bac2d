//! Signatures receivers verify: the generic webhook's `X-OSS-Audit-Signature`, and DingTalk's
//! `sign` query parameter.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The generic webhook's signature header value: `sha256=` and the lowercase hex
/// HMAC-SHA256 of `"{timestamp}.{body}"` keyed with the target's secret. Including the timestamp
/// lets receivers refuse replays of old deliveries.
pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut message = format!("{timestamp}.").into_bytes();
    message.extend_from_slice(body);
    let digest = hmac_sha256(secret.as_bytes(), &message);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// DingTalk's `sign` parameter before URL encoding: base64 of the HMAC-SHA256 of
/// `"{timestamp_ms}\n{secret}"` keyed with the secret (DingTalk custom robot "加签").
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let message = format!("{timestamp_ms}\n{secret}");
    STANDARD.encode(hmac_sha256(secret.as_bytes(), message.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webhook_signature_is_hex_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            webhook_signature("key", 1_700_000_000, br#"{"a":1}"#),
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
    }

    #[test]
    fn the_dingtalk_sign_is_base64_hmac_sha256_of_timestamp_newline_secret() {
        // Computed independently with DingTalk's Python sample (hmac.new(secret, f"{ts}\n{secret}", sha256)).
        assert_eq!(
            dingtalk_sign("SECtest", 1_700_000_000_000),
            "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g="
        );
    }
}
