//! `UserName`: the name a person signs in with, checked once at the edge.

use std::fmt;

/// The longest accepted user name, in characters.
pub const MAX_USER_NAME_LEN: usize = 64;

/// A valid user name: 1 to 64 characters of letters, digits, `.`, `_`, `-` and `@`. Names are
/// compared without regard to ASCII case (the column is `COLLATE NOCASE`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserName(String);

/// A string that is not a valid user name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid user name {0:?}: use 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit"
)]
pub struct UserNameError(pub String);

impl UserName {
    /// Parses a user name (surrounding spaces removed).
    pub fn parse(raw: &str) -> Result<Self, UserNameError> {
        let name = raw.trim();
        let valid = !name.is_empty()
            && name.chars().count() <= MAX_USER_NAME_LEN
            && name.chars().next().is_some_and(char::is_alphanumeric)
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(UserNameError(raw.to_owned()))
        }
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for UserName {
    type Err = UserNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names_and_trims_them() {
        assert_eq!(UserName::parse(" alice ").unwrap().as_str(), "alice");
        assert!(UserName::parse("ops.team-1@example").is_ok());
    }

    #[test]
    fn refuses_empty_long_and_odd_names() {
        assert!(UserName::parse("").is_err());
        assert!(UserName::parse("   ").is_err());
        assert!(UserName::parse("-leading-dash").is_err());
        assert!(UserName::parse("with space").is_err());
        assert!(UserName::parse("semi;colon").is_err());
        assert!(UserName::parse(&"a".repeat(65)).is_err());
        assert!(UserName::parse(&"a".repeat(64)).is_ok());
    }
}
