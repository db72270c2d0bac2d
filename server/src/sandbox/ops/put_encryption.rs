//! PutBucketEncryption: a bounded body, Content-MD5, the XML and OSS's validation rules.

use axum::body::Body;
use base64::Engine as _;
use futures_util::StreamExt as _;
use http::{HeaderMap, StatusCode};
use md5::{Digest as _, Md5};
use quick_xml::events::Event;

use super::Reply;
use crate::domain::{EncryptionRule, KmsDataEncryption, KmsKeyId, KmsKeyState, SseAlgorithm};
use crate::sandbox::error::OssError;
use crate::sandbox::kms::{KeyLookupError, UnusableKey};
use crate::sandbox::state::{SandboxBucket, SandboxState};

/// The largest body accepted; a rule is a few hundred bytes.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

const ROOT: &str = "ServerSideEncryptionRule";
const APPLY: &str = "ApplyServerSideEncryptionByDefault";

/// Validates and stores the rule; 200 with no body. Nothing changes on any error.
pub(crate) async fn put(
    state: &SandboxState,
    bucket: &SandboxBucket,
    headers: &HeaderMap,
    body: Body,
) -> Result<Reply, OssError> {
    let bytes = read_body(headers, body).await?;
    check_content_md5(headers, &bytes)?;
    let rule = parse_rule(&bytes)?;
    check_kms_key(state, bucket, &rule)?;
    let name = bucket.name.as_str();
    if state.update(name, |b| b.encryption = Some(rule)) {
        Ok(Reply::empty(StatusCode::OK))
    } else {
        Err(OssError::no_such_bucket(name))
    }
}

/// A KMS rule's key must be usable by the bucket's account in the bucket's region, as OSS checks
/// with KMS before it takes the rule.
fn check_kms_key(
    state: &SandboxState,
    bucket: &SandboxBucket,
    rule: &EncryptionRule,
) -> Result<(), OssError> {
    if rule.algorithm() != SseAlgorithm::Kms {
        return Ok(());
    }
    let key = rule.kms_key_id();
    let refusal = match state.kms.check_usable(
        &bucket.owner,
        &bucket.region,
        key,
        state.accepts_unknown_kms_keys(),
        state.now(),
    ) {
        Ok(()) => return Ok(()),
        Err(refusal) => refusal,
    };
    let named = key.map(KmsKeyId::as_str).unwrap_or_default();
    Err(match refusal {
        UnusableKey::Lookup(KeyLookupError::NotActivated) => OssError::kms_service_not_enabled(),
        UnusableKey::Lookup(KeyLookupError::AliasNotFound) => OssError::kms_alias_not_found(named),
        UnusableKey::Lookup(KeyLookupError::KeyNotFound) => OssError::kms_key_not_found(named),
        UnusableKey::State(KmsKeyState::PendingDeletion) => OssError::kms_key_pending_deletion(),
        UnusableKey::State(KmsKeyState::PendingImport) => OssError::kms_key_pending_import(),
        UnusableKey::State(_) => OssError::kms_key_disabled(),
    })
}

/// Reads at most [`MAX_BODY_BYTES`]: a larger declared length is refused before reading, and a
/// longer stream is cut off as soon as it passes the limit.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, OssError> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(OssError::entity_too_large(MAX_BODY_BYTES));
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| OssError::incomplete_body())?;
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(OssError::entity_too_large(MAX_BODY_BYTES));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// When `Content-MD5` is sent, it must be the base64 MD5 of the body.
fn check_content_md5(headers: &HeaderMap, body: &[u8]) -> Result<(), OssError> {
    let Some(sent) = headers.get("content-md5") else {
        return Ok(());
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(sent.as_bytes())
        .map_err(|_| OssError::invalid_digest())?;
    if decoded.as_slice() == Md5::digest(body).as_slice() {
        Ok(())
    } else {
        Err(OssError::invalid_digest())
    }
}

/// The three fields as sent (trimmed); `Some("")` for an empty element.
#[derive(Debug, Default, PartialEq, Eq)]
struct RawRule {
    algorithm: Option<String>,
    key_id: Option<String>,
    data_encryption: Option<String>,
}

/// Parses and validates a body into a rule, with OSS's codes for each refusal.
pub(crate) fn parse_rule(body: &[u8]) -> Result<EncryptionRule, OssError> {
    validate(parse_xml(body).ok_or_else(OssError::malformed_xml)?)
}

fn validate(raw: RawRule) -> Result<EncryptionRule, OssError> {
    let algorithm = match raw.algorithm.as_deref() {
        Some("AES256") => SseAlgorithm::Aes256,
        Some("KMS") => SseAlgorithm::Kms,
        Some("SM4") => SseAlgorithm::Sm4,
        _ => return Err(OssError::invalid_encryption_algorithm()),
    };
    // Empty elements count as absent: OSS's own AES256 sample sends `<KMSMasterKeyID></KMSMasterKeyID>`.
    let key_id = raw.key_id.filter(|k| !k.is_empty());
    let data_encryption = raw.data_encryption.filter(|d| !d.is_empty());
    let is_kms = algorithm == SseAlgorithm::Kms;
    if let Some(key) = &key_id
        && !is_kms
    {
        return Err(OssError::invalid_argument(
            "KMSMasterKeyID is not applicable if the default sse algorithm is not KMS",
            "0005-00000204",
            "KMSMasterKeyID",
            key,
        ));
    }
    let data_encryption = match data_encryption {
        None => None,
        Some(data) if !is_kms => {
            return Err(OssError::invalid_argument(
                "KMSDataEncryption is not applicable if the default sse algorithm is not KMS",
                "0005-00000203",
                "KMSDataEncryption",
                &data,
            ));
        }
        Some(data) if data == "SM4" => Some(KmsDataEncryption::Sm4),
        Some(data) => {
            return Err(OssError::invalid_argument(
                "The KMSDataEncryption you specified is not valid. Supported value: SM4",
                "0005-00000203",
                "KMSDataEncryption",
                &data,
            ));
        }
    };
    let key_id = match key_id {
        None => None,
        Some(key) => Some(KmsKeyId::parse(&key).map_err(|_| {
            OssError::invalid_argument(
                "The KMSMasterKeyID you specified is not valid.",
                "0005-00000205",
                "KMSMasterKeyID",
                &key,
            )
        })?),
    };
    EncryptionRule::from_parts(algorithm, key_id, data_encryption)
        .map_err(|_| OssError::invalid_encryption_algorithm())
}

/// Reads `<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault>` and its three fields.
/// `None` (MalformedXML) for anything not well-formed, a wrong root, a missing or repeated
/// `ApplyServerSideEncryptionByDefault`, a repeated field or markup inside a field. Unknown
/// elements elsewhere are ignored.
fn parse_xml(body: &[u8]) -> Option<RawRule> {
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut seen_root = false;
    let mut seen_apply = false;
    let mut rule = RawRule::default();
    loop {
        let event = reader.read_event().ok()?;
        let (name, is_empty) = match &event {
            Event::Start(e) => (String::from_utf8(e.name().as_ref().to_vec()).ok()?, false),
            Event::Empty(e) => (String::from_utf8(e.name().as_ref().to_vec()).ok()?, true),
            Event::End(_) => {
                path.pop()?;
                continue;
            }
            Event::Text(t) => {
                let decoded = t.decode().ok()?;
                append_text(&path, &mut rule, &decoded)?;
                continue;
            }
            Event::CData(c) => {
                let decoded = c.decode().ok()?;
                append_text(&path, &mut rule, &decoded)?;
                continue;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().ok()? {
                    Some(ch) => ch.to_string(),
                    None => {
                        quick_xml::escape::resolve_predefined_entity(&r.decode().ok()?)?.to_owned()
                    }
                };
                append_text(&path, &mut rule, &resolved)?;
                continue;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => continue,
        };
        match path.len() {
            0 if seen_root || name != ROOT => return None,
            0 => seen_root = true,
            1 if name == APPLY => {
                if seen_apply {
                    return None;
                }
                seen_apply = true;
            }
            2 if path[1] == APPLY => {
                let field = field(&mut rule, &name);
                if let Some(field) = field {
                    if field.is_some() {
                        return None;
                    }
                    *field = Some(String::new());
                }
            }
            3 if path[1] == APPLY && is_field(&path[2]) => return None,
            _ => {}
        }
        if !is_empty {
            path.push(name);
        }
    }
    if !path.is_empty() || !seen_apply {
        return None;
    }
    for value in [
        &mut rule.algorithm,
        &mut rule.key_id,
        &mut rule.data_encryption,
    ]
    .into_iter()
    .flatten()
    {
        *value = value.trim().to_owned();
    }
    Some(rule)
}

fn is_field(name: &str) -> bool {
    matches!(
        name,
        "SSEAlgorithm" | "KMSMasterKeyID" | "KMSDataEncryption"
    )
}

fn field<'r>(rule: &'r mut RawRule, name: &str) -> Option<&'r mut Option<String>> {
    match name {
        "SSEAlgorithm" => Some(&mut rule.algorithm),
        "KMSMasterKeyID" => Some(&mut rule.key_id),
        "KMSDataEncryption" => Some(&mut rule.data_encryption),
        _ => None,
    }
}

/// Adds text to the field being read; text outside the root must be whitespace.
fn append_text(path: &[String], rule: &mut RawRule, text: &str) -> Option<()> {
    if path.is_empty() {
        return text.trim().is_empty().then_some(());
    }
    if path.len() == 3
        && path[1] == APPLY
        && let Some(Some(value)) = field(rule, &path[2])
    {
        value.push_str(text);
    }
    Some(())
}

#[cfg(test)]
#[path = "put_encryption_tests.rs"]
mod tests;
