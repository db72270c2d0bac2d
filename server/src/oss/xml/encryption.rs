//! `ServerSideEncryptionRule`: the GetBucketEncryption response and the PutBucketEncryption body.

use serde::Deserialize;

use super::{XmlError, deserialize, present};
use crate::domain::{EncryptionRule, KmsDataEncryption, KmsKeyId, SseAlgorithm};

const ROOT: &str = "ServerSideEncryptionRule";

#[derive(Deserialize)]
struct RawRule {
    #[serde(rename = "ApplyServerSideEncryptionByDefault")]
    apply: Option<RawApply>,
}

#[derive(Deserialize)]
pub(super) struct RawApply {
    #[serde(rename = "SSEAlgorithm")]
    pub(super) sse_algorithm: Option<String>,
    #[serde(rename = "KMSMasterKeyID")]
    pub(super) kms_master_key_id: Option<String>,
    #[serde(rename = "KMSDataEncryption")]
    pub(super) kms_data_encryption: Option<String>,
}

/// Parses a GetBucketEncryption response body.
pub fn parse_encryption_rule(body: &[u8]) -> Result<EncryptionRule, XmlError> {
    let raw: RawRule = deserialize(body, ROOT)?;
    let apply = raw.apply.ok_or_else(|| XmlError::Shape {
        expected: ROOT,
        detail: "missing <ApplyServerSideEncryptionByDefault>".into(),
    })?;
    rule_from_fields(apply)?.ok_or(XmlError::Value {
        element: "SSEAlgorithm",
        detail: "missing".into(),
    })
}

/// Turns the three wire fields into a rule; `Ok(None)` when no algorithm is set (`None` or absent).
pub(super) fn rule_from_fields(raw: RawApply) -> Result<Option<EncryptionRule>, XmlError> {
    let Some(algorithm) = present(raw.sse_algorithm) else {
        return Ok(None);
    };
    let value_error = |element: &'static str| {
        move |e: &dyn std::fmt::Display| XmlError::Value {
            element,
            detail: e.to_string(),
        }
    };
    let algorithm = SseAlgorithm::parse(&algorithm).map_err(|e| value_error("SSEAlgorithm")(&e))?;
    // OSS may echo an empty or stray key id next to a non-KMS algorithm; only KMS rules carry one.
    let is_kms = algorithm == SseAlgorithm::Kms;
    let key_id = present(raw.kms_master_key_id)
        .filter(|_| is_kms)
        .map(|k| KmsKeyId::parse(&k))
        .transpose()
        .map_err(|e| value_error("KMSMasterKeyID")(&e))?;
    let data_encryption = present(raw.kms_data_encryption)
        .filter(|_| is_kms)
        .map(|d| KmsDataEncryption::parse(&d))
        .transpose()
        .map_err(|e| value_error("KMSDataEncryption")(&e))?;
    EncryptionRule::from_parts(algorithm, key_id, data_encryption)
        .map(Some)
        .map_err(|e| value_error("SSEAlgorithm")(&e))
}

/// The PutBucketEncryption body for `rule`, in the element order oss2 writes.
pub fn encryption_rule_body(rule: &EncryptionRule) -> String {
    let mut inner = format!("<SSEAlgorithm>{}</SSEAlgorithm>", rule.algorithm());
    if let Some(key) = rule.kms_key_id() {
        let key = quick_xml::escape::escape(key.as_str());
        inner.push_str(&format!("<KMSMasterKeyID>{key}</KMSMasterKeyID>"));
    }
    if let Some(data) = rule.kms_data_encryption() {
        inner.push_str(&format!("<KMSDataEncryption>{data}</KMSDataEncryption>"));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{ROOT}><ApplyServerSideEncryptionByDefault>{inner}</ApplyServerSideEncryptionByDefault></{ROOT}>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Result<EncryptionRule, XmlError> {
        parse_encryption_rule(xml.as_bytes())
    }

    fn wrap(inner: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault>{inner}</ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>"
        )
    }

    #[test]
    fn parses_every_algorithm_combination() {
        assert_eq!(
            parse(&wrap("<SSEAlgorithm>AES256</SSEAlgorithm>")),
            Ok(EncryptionRule::Aes256)
        );
        assert_eq!(
            parse(&wrap("<SSEAlgorithm>SM4</SSEAlgorithm>")),
            Ok(EncryptionRule::Sm4)
        );
        assert_eq!(
            parse(&wrap("<SSEAlgorithm>KMS</SSEAlgorithm>")),
            Ok(EncryptionRule::Kms {
                key_id: None,
                data_encryption: None
            })
        );
        assert_eq!(
            parse(&wrap(
                "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>9468da86-3509-4f8d-a61e-6eab1eac0000</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption>"
            )),
            Ok(EncryptionRule::Kms {
                key_id: Some(KmsKeyId::parse("9468da86-3509-4f8d-a61e-6eab1eac0000").unwrap()),
                data_encryption: Some(KmsDataEncryption::Sm4),
            })
        );
    }

    #[test]
    fn an_empty_key_id_next_to_aes256_is_ignored() {
        let xml = wrap("<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID></KMSMasterKeyID>");
        assert_eq!(parse(&xml), Ok(EncryptionRule::Aes256));
    }

    #[test]
    fn refuses_unknown_algorithms_and_missing_parts() {
        assert!(matches!(
            parse(&wrap("<SSEAlgorithm>DES</SSEAlgorithm>")),
            Err(XmlError::Value {
                element: "SSEAlgorithm",
                ..
            })
        ));
        assert!(matches!(parse(&wrap("")), Err(XmlError::Value { .. })));
        assert!(matches!(
            parse("<ServerSideEncryptionRule></ServerSideEncryptionRule>"),
            Err(XmlError::Shape { .. })
        ));
        assert_eq!(
            parse(
                "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>KMS"
            ),
            Err(XmlError::Truncated)
        );
    }

    #[test]
    fn writes_the_body_of_the_reference_vector() {
        let rule = EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("9468da86-3509-4f8d-a61e-6eab1eac0000").unwrap()),
            data_encryption: None,
        };
        let body = encryption_rule_body(&rule);
        assert_eq!(
            body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>9468da86-3509-4f8d-a61e-6eab1eac0000</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>"
        );
        // The reference computes Content-MD5 `wHX5z4OeRTRe1gZaYyzrOQ==` over exactly these bytes.
        use base64::Engine;
        use md5::{Digest, Md5};
        let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes()));
        assert_eq!(md5, "wHX5z4OeRTRe1gZaYyzrOQ==");
    }

    #[test]
    fn written_bodies_parse_back_to_the_same_rule() {
        let rules = [
            EncryptionRule::Aes256,
            EncryptionRule::Sm4,
            EncryptionRule::Kms {
                key_id: None,
                data_encryption: Some(KmsDataEncryption::Sm4),
            },
            EncryptionRule::Kms {
                key_id: Some(KmsKeyId::parse("alias/prod").unwrap()),
                data_encryption: None,
            },
        ];
        for rule in rules {
            assert_eq!(parse(&encryption_rule_body(&rule)), Ok(rule));
        }
    }
}
