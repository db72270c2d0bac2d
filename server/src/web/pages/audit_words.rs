//! The audit log's stored JSON (an encryption state, or a policy) said in words for the page.

use serde_json::Value;

/// `before` or `after` of an entry in words; `refused` says an absent `after` means OSS refused.
pub fn in_words(stored: Option<&str>, refused: bool) -> String {
    let Some(text) = stored else {
        return if refused {
            "unchanged (refused)"
        } else {
            "—"
        }
        .to_owned();
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Null) => "not read yet".to_owned(),
        Ok(value) if value.get("requirement").is_some() => policy_words(&value),
        Ok(value) if value.get("status").is_some() => state_words(&value),
        // A shape this page does not know: show it as stored rather than hide it.
        _ => text.chars().take(200).collect(),
    }
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// `unencrypted`, `unknown (AccessDenied)`, `encrypted with KMS, key alias/prod, SM4 data`.
fn state_words(state: &Value) -> String {
    match text(state, "status") {
        Some("unencrypted") => "unencrypted".to_owned(),
        Some("unknown") => match text(state, "error_code") {
            Some(code) => format!("unknown ({code})"),
            None => "unknown".to_owned(),
        },
        Some("encrypted") => format!("encrypted with {}", rule_words(state)),
        Some(other) => other.to_owned(),
        None => "—".to_owned(),
    }
}

/// `AES256`, `SM4`, `KMS, OSS-managed key`, `KMS, key alias/prod, SM4 data`.
fn rule_words(rule: &Value) -> String {
    let algorithm = text(rule, "sse_algorithm").unwrap_or("an unknown algorithm");
    if algorithm != "KMS" {
        return algorithm.to_owned();
    }
    let key = text(rule, "kms_master_key_id")
        .map_or_else(|| "OSS-managed key".to_owned(), |k| format!("key {k}"));
    match text(rule, "kms_data_encryption") {
        Some(data) => format!("KMS, {key}, {data} data"),
        None => format!("KMS, {key}"),
    }
}

/// `policy kms-cmk (keys a, b), target KMS, key a`.
fn policy_words(policy: &Value) -> String {
    let requirement = text(policy, "requirement").unwrap_or("?");
    let keys: Vec<&str> = policy
        .get("allowed_kms_keys")
        .and_then(Value::as_array)
        .map(|keys| keys.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let keys = if keys.is_empty() {
        String::new()
    } else {
        format!(" (keys {})", keys.join(", "))
    };
    let target = policy
        .get("remediation_target")
        .map_or_else(|| "?".to_owned(), rule_words);
    format!("policy {requirement}{keys}, target {target}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_policies_read_as_words() {
        assert_eq!(
            in_words(
                Some(r#"{"status":"unencrypted","sse_algorithm":null}"#),
                false
            ),
            "unencrypted"
        );
        assert_eq!(
            in_words(
                Some(r#"{"status":"encrypted","sse_algorithm":"AES256"}"#),
                false
            ),
            "encrypted with AES256"
        );
        assert_eq!(
            in_words(
                Some(
                    r#"{"status":"encrypted","sse_algorithm":"KMS","kms_master_key_id":"alias/p","kms_data_encryption":"SM4"}"#
                ),
                false
            ),
            "encrypted with KMS, key alias/p, SM4 data"
        );
        assert_eq!(
            in_words(
                Some(r#"{"status":"unknown","error_code":"AccessDenied"}"#),
                false
            ),
            "unknown (AccessDenied)"
        );
        assert_eq!(in_words(None, true), "unchanged (refused)");
        assert_eq!(in_words(Some("null"), false), "not read yet");
        assert_eq!(
            in_words(
                Some(
                    r#"{"requirement":"kms-cmk","allowed_kms_keys":["a","b"],"remediation_target":{"sse_algorithm":"KMS","kms_master_key_id":"a"}}"#
                ),
                false
            ),
            "policy kms-cmk (keys a, b), target KMS, key a"
        );
    }
}
