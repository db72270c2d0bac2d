//! `KmsKeyId`: the id, alias or ARN of a customer master key in KMS.

use std::fmt;

/// A KMS customer master key reference: a key id (`9468da86-...`), an alias (`alias/name`) or an ARN
/// (`acs:kms:cn-hangzhou:123:key/...`). Only printable ASCII without spaces, at most 256 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct KmsKeyId(String);

/// Why a string is not a KMS key id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KmsKeyIdError {
    #[error("KMS key id must not be empty")]
    Empty,
    #[error("KMS key id must be at most 256 characters")]
    TooLong,
    #[error("KMS key id may only contain letters, digits and - _ / : . (found {0:?})")]
    Character(char),
}

impl KmsKeyId {
    /// Parses a key reference.
    pub fn parse(raw: &str) -> Result<Self, KmsKeyIdError> {
        if raw.is_empty() {
            return Err(KmsKeyIdError::Empty);
        }
        if raw.len() > 256 {
            return Err(KmsKeyIdError::TooLong);
        }
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | ':' | '.')))
        {
            return Err(KmsKeyIdError::Character(bad));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key reference as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KmsKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for KmsKeyId {
    type Err = KmsKeyIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ids_aliases_and_arns() {
        for id in [
            "9468da86-3509-4f8d-a61e-6eab1eac0000",
            "alias/prod-buckets",
            "acs:kms:cn-hangzhou:1234567890:key/key-hzz65f0c2a3xyz",
        ] {
            assert_eq!(KmsKeyId::parse(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn refuses_empty_long_and_odd_characters() {
        assert_eq!(KmsKeyId::parse(""), Err(KmsKeyIdError::Empty));
        assert_eq!(
            KmsKeyId::parse(&"k".repeat(257)),
            Err(KmsKeyIdError::TooLong)
        );
        assert_eq!(
            KmsKeyId::parse("key id"),
            Err(KmsKeyIdError::Character(' '))
        );
        assert_eq!(KmsKeyId::parse("<key>"), Err(KmsKeyIdError::Character('<')));
    }
}
