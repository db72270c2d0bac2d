//! The change-encryption form of the bucket page: its fields, and the rule they ask for or a
//! message per field that needs correcting (nothing reaches OSS until all are right).

use serde::Deserialize;

use app::model::FormErrors;

use crate::domain::{EncryptionRule, KmsDataEncryption, KmsKeyId, SseAlgorithm};

/// The fields of the change form (the `csrf_token` field is checked by `CsrfForm`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EncryptionInput {
    #[serde(default)]
    pub sse_algorithm: String,
    #[serde(default)]
    pub kms_master_key_id: String,
    /// `SM4` when the box is ticked; absent otherwise.
    #[serde(default)]
    pub kms_data_encryption: Option<String>,
}

/// The rule the form asks for, or a message per field that needs correcting.
pub fn validate(input: &EncryptionInput) -> Result<EncryptionRule, FormErrors> {
    let mut errors = FormErrors::default();
    let raw_algorithm = input.sse_algorithm.trim();
    let algorithm = match SseAlgorithm::parse(raw_algorithm) {
        Ok(algorithm) => Some(algorithm),
        Err(_) if raw_algorithm.is_empty() => {
            errors.sse_algorithm = Some("Choose an algorithm: AES256, SM4 or KMS.".to_owned());
            None
        }
        Err(_) => {
            let shown: String = raw_algorithm.chars().take(40).collect();
            errors.sse_algorithm = Some(format!(
                "“{shown}” is not an algorithm OSS knows; choose AES256, SM4 or KMS."
            ));
            None
        }
    };
    let not_kms = algorithm.filter(|a| *a != SseAlgorithm::Kms);
    let raw_key = input.kms_master_key_id.trim();
    let key = if raw_key.is_empty() {
        None
    } else if let Some(other) = not_kms {
        errors.kms_master_key_id = Some(format!(
            "A CMK id is only used with KMS, not {other}: clear this field or choose KMS."
        ));
        None
    } else {
        match KmsKeyId::parse(raw_key) {
            Ok(key) => Some(key),
            Err(err) => {
                errors.kms_master_key_id = Some(format!("Not a CMK id: {err}."));
                None
            }
        }
    };
    let raw_data = input.kms_data_encryption.as_deref().map(str::trim);
    let data = match raw_data.filter(|d| !d.is_empty()) {
        None => None,
        Some(_) if not_kms.is_some() => {
            let other = not_kms.map_or("", SseAlgorithm::as_str);
            errors.kms_data_encryption = Some(format!(
                "SM4 data encryption is only used with KMS, not {other}: untick it or choose KMS."
            ));
            None
        }
        Some(d) => match KmsDataEncryption::parse(d) {
            Ok(data) => Some(data),
            Err(_) => {
                errors.kms_data_encryption =
                    Some("KMS data encryption can only be SM4.".to_owned());
                None
            }
        },
    };
    match algorithm {
        Some(algorithm) if !errors.any() => EncryptionRule::from_parts(algorithm, key, data)
            .map_err(|err| FormErrors {
                sse_algorithm: Some(format!("{err}.")),
                ..FormErrors::default()
            }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(algorithm: &str, key: &str, data: Option<&str>) -> EncryptionInput {
        EncryptionInput {
            sse_algorithm: algorithm.into(),
            kms_master_key_id: key.into(),
            kms_data_encryption: data.map(str::to_owned),
        }
    }

    #[test]
    fn valid_forms_become_rules() {
        assert_eq!(
            validate(&input("AES256", "", None)),
            Ok(EncryptionRule::Aes256)
        );
        let rule = validate(&input("KMS", " alias/prod ", Some("SM4"))).unwrap();
        assert_eq!(rule.to_string(), "KMS (key alias/prod, data SM4)");
        assert_eq!(
            validate(&input("kms", "", None)).unwrap().to_string(),
            "KMS (OSS-managed key)"
        );
    }

    #[test]
    fn each_mistake_is_told_at_its_field() {
        let errors = validate(&input("AES256", "alias/prod", Some("SM4"))).unwrap_err();
        assert!(errors.sse_algorithm.is_none());
        assert!(
            errors
                .kms_master_key_id
                .unwrap()
                .contains("only used with KMS")
        );
        assert!(
            errors
                .kms_data_encryption
                .unwrap()
                .contains("only used with KMS")
        );
        let errors = validate(&input("KMS", "bad key!", None)).unwrap_err();
        assert!(
            errors
                .kms_master_key_id
                .unwrap()
                .starts_with("Not a CMK id")
        );
        let errors = validate(&input("DES", "", None)).unwrap_err();
        assert!(errors.sse_algorithm.unwrap().contains("DES"));
        let errors = validate(&input("KMS", "", Some("AES128"))).unwrap_err();
        assert!(errors.kms_data_encryption.is_some());
    }
}
