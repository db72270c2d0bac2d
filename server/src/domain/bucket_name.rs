//! `BucketName`: an OSS bucket name that follows the OSS naming rules.

use std::fmt;

/// A valid OSS bucket name: 3 to 63 characters of lowercase letters, digits and hyphens, starting and
/// ending with a letter or digit. Anything else is refused before a request is made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct BucketName(String);

/// Why a string is not a bucket name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BucketNameError {
    #[error("bucket name must be 3 to 63 characters long (got {0})")]
    Length(usize),
    #[error("bucket name may only contain lowercase letters, digits and hyphens (found {0:?})")]
    Character(char),
    #[error("bucket name must start and end with a lowercase letter or digit")]
    Edge,
}

impl BucketName {
    /// Parses a bucket name, refusing anything OSS would refuse.
    pub fn parse(raw: &str) -> Result<Self, BucketNameError> {
        let len = raw.chars().count();
        if !(3..=63).contains(&len) {
            return Err(BucketNameError::Length(len));
        }
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(BucketNameError::Character(bad));
        }
        if raw.starts_with('-') || raw.ends_with('-') {
            return Err(BucketNameError::Edge);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The name as OSS spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BucketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for BucketName {
    type Err = BucketNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for BucketName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_names() {
        for name in ["abc", "my-bucket-01", "0bucket9", &"a".repeat(63)] {
            assert_eq!(BucketName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn refuses_invalid_names() {
        assert_eq!(BucketName::parse("ab"), Err(BucketNameError::Length(2)));
        assert_eq!(
            BucketName::parse(&"a".repeat(64)),
            Err(BucketNameError::Length(64))
        );
        assert_eq!(
            BucketName::parse("My-bucket"),
            Err(BucketNameError::Character('M'))
        );
        assert_eq!(
            BucketName::parse("my_bucket"),
            Err(BucketNameError::Character('_'))
        );
        assert_eq!(
            BucketName::parse("my.bucket"),
            Err(BucketNameError::Character('.'))
        );
        assert_eq!(BucketName::parse("-bucket"), Err(BucketNameError::Edge));
        assert_eq!(BucketName::parse("bucket-"), Err(BucketNameError::Edge));
    }
}
