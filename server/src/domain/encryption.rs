//! Default server-side encryption rules, shaped so that invalid combinations cannot be written down.

use std::fmt;

use super::KmsKeyId;

/// The `SSEAlgorithm` values OSS accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SseAlgorithm {
    Aes256,
    Kms,
    Sm4,
}

impl SseAlgorithm {
    /// Every algorithm, in display order.
    pub const ALL: [Self; 3] = [Self::Aes256, Self::Kms, Self::Sm4];

    /// The value OSS uses on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aes256 => "AES256",
            Self::Kms => "KMS",
            Self::Sm4 => "SM4",
        }
    }

    /// Parses the wire value; case-insensitive so that `aes256` typed by a person is understood.
    pub fn parse(raw: &str) -> Result<Self, EncryptionRuleError> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.as_str().eq_ignore_ascii_case(raw.trim()))
            .ok_or_else(|| EncryptionRuleError::UnknownAlgorithm(raw.to_owned()))
    }
}

impl fmt::Display for SseAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SseAlgorithm {
    type Err = EncryptionRuleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The `KMSDataEncryption` values OSS accepts (only SM4; absent means AES256).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KmsDataEncryption {
    Sm4,
}

impl KmsDataEncryption {
    /// The value OSS uses on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sm4 => "SM4",
        }
    }

    /// Parses the wire value (case-insensitive).
    pub fn parse(raw: &str) -> Result<Self, EncryptionRuleError> {
        if raw.trim().eq_ignore_ascii_case("SM4") {
            Ok(Self::Sm4)
        } else {
            Err(EncryptionRuleError::UnknownDataEncryption(raw.to_owned()))
        }
    }
}

impl fmt::Display for KmsDataEncryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for KmsDataEncryption {
    type Err = EncryptionRuleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A bucket's default encryption rule. A key id and data encryption exist only for KMS.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EncryptionRule {
    /// SSE-OSS with AES256.
    Aes256,
    /// SSE-OSS with SM4.
    Sm4,
    /// SSE-KMS, with the OSS-managed key when `key_id` is `None`.
    Kms {
        key_id: Option<KmsKeyId>,
        data_encryption: Option<KmsDataEncryption>,
    },
}

/// Why a combination of fields is not an encryption rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncryptionRuleError {
    #[error("unknown SSE algorithm {0:?} (expected AES256, SM4 or KMS)")]
    UnknownAlgorithm(String),
    #[error("unknown KMS data encryption {0:?} (only SM4 is supported)")]
    UnknownDataEncryption(String),
    #[error("a KMS key id is only allowed with the KMS algorithm, not {0}")]
    KeyIdWithoutKms(SseAlgorithm),
    #[error("KMS data encryption is only allowed with the KMS algorithm, not {0}")]
    DataEncryptionWithoutKms(SseAlgorithm),
}

impl EncryptionRule {
    /// Builds a rule from its wire fields, refusing combinations OSS refuses.
    pub fn from_parts(
        algorithm: SseAlgorithm,
        key_id: Option<KmsKeyId>,
        data_encryption: Option<KmsDataEncryption>,
    ) -> Result<Self, EncryptionRuleError> {
        match algorithm {
            SseAlgorithm::Kms => Ok(Self::Kms {
                key_id,
                data_encryption,
            }),
            other if key_id.is_some() => Err(EncryptionRuleError::KeyIdWithoutKms(other)),
            other if data_encryption.is_some() => {
                Err(EncryptionRuleError::DataEncryptionWithoutKms(other))
            }
            SseAlgorithm::Aes256 => Ok(Self::Aes256),
            SseAlgorithm::Sm4 => Ok(Self::Sm4),
        }
    }

    /// The `SSEAlgorithm` of this rule.
    pub fn algorithm(&self) -> SseAlgorithm {
        match self {
            Self::Aes256 => SseAlgorithm::Aes256,
            Self::Sm4 => SseAlgorithm::Sm4,
            Self::Kms { .. } => SseAlgorithm::Kms,
        }
    }

    /// The customer master key, for KMS rules that name one.
    pub fn kms_key_id(&self) -> Option<&KmsKeyId> {
        match self {
            Self::Kms { key_id, .. } => key_id.as_ref(),
            _ => None,
        }
    }

    /// The KMS data encryption, for KMS rules that set it.
    pub fn kms_data_encryption(&self) -> Option<KmsDataEncryption> {
        match self {
            Self::Kms {
                data_encryption, ..
            } => *data_encryption,
            _ => None,
        }
    }
}

impl fmt::Display for EncryptionRule {
    /// A short human description, e.g. `KMS (key alias/prod, data SM4)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Aes256 | Self::Sm4 => f.write_str(self.algorithm().as_str()),
            Self::Kms {
                key_id,
                data_encryption,
            } => {
                f.write_str("KMS (")?;
                match key_id {
                    Some(key) => write!(f, "key {key}")?,
                    None => f.write_str("OSS-managed key")?,
                }
                if let Some(data) = data_encryption {
                    write!(f, ", data {data}")?;
                }
                f.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> KmsKeyId {
        KmsKeyId::parse("alias/prod").unwrap()
    }

    #[test]
    fn kms_takes_a_key_and_data_encryption() {
        let rule = EncryptionRule::from_parts(
            SseAlgorithm::Kms,
            Some(key()),
            Some(KmsDataEncryption::Sm4),
        )
        .unwrap();
        assert_eq!(rule.kms_key_id(), Some(&key()));
        assert_eq!(rule.kms_data_encryption(), Some(KmsDataEncryption::Sm4));
        assert_eq!(rule.to_string(), "KMS (key alias/prod, data SM4)");
    }

    #[test]
    fn non_kms_refuses_key_and_data_encryption() {
        assert_eq!(
            EncryptionRule::from_parts(SseAlgorithm::Aes256, Some(key()), None),
            Err(EncryptionRuleError::KeyIdWithoutKms(SseAlgorithm::Aes256))
        );
        assert_eq!(
            EncryptionRule::from_parts(SseAlgorithm::Sm4, None, Some(KmsDataEncryption::Sm4)),
            Err(EncryptionRuleError::DataEncryptionWithoutKms(
                SseAlgorithm::Sm4
            ))
        );
        assert_eq!(
            EncryptionRule::from_parts(SseAlgorithm::Sm4, None, None),
            Ok(EncryptionRule::Sm4)
        );
    }

    #[test]
    fn algorithms_parse_case_insensitively_and_refuse_others() {
        assert_eq!(SseAlgorithm::parse("aes256"), Ok(SseAlgorithm::Aes256));
        assert_eq!(SseAlgorithm::parse("KMS"), Ok(SseAlgorithm::Kms));
        assert!(matches!(
            SseAlgorithm::parse("DES"),
            Err(EncryptionRuleError::UnknownAlgorithm(_))
        ));
        assert!(KmsDataEncryption::parse("AES256").is_err());
    }
}
