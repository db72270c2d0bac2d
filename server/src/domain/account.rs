//! `AccountUid` and `AccountName`: which Alibaba Cloud account, and what oss-audit calls it.

use std::fmt;

/// An Alibaba Cloud account id (UID), e.g. `1763082937541213`: the number in every RAM ARN and in
/// Resource Directory's `AccountId`. Real ids are 16 digits; older and partner accounts vary, so
/// any 4 to 32 ASCII digits are taken.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct AccountUid(String);

/// The name oss-audit shows and records for an audited account, e.g. `payments-prod`: 1 to 64
/// letters, digits, `-`, `_` or `.`, starting with a letter or digit. Short and plain because it
/// appears in URLs (`?account=`), command lines (`--account`), log fields and metric labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct AccountName(String);

/// Why a string is not an account uid or an account name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("account uid must be 4 to 32 digits (got {0:?})")]
    Uid(String),
    #[error("account name must be 1 to 64 characters long (got {0})")]
    NameLength(usize),
    #[error("account name may only contain letters, digits, '-', '_' and '.' (found {0:?})")]
    NameCharacter(char),
    #[error("account name must start with a letter or digit")]
    NameStart,
}

const MAX_NAME: usize = 64;

impl AccountUid {
    /// Parses an account id, e.g. from a role ARN or a `ListAccounts` answer.
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        if (4..=32).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            // Shown in the error so a pasted ARN's typo is visible; clipped so a stray
            // paste of something long stays readable.
            Err(AccountError::Uid(raw.chars().take(40).collect()))
        }
    }

    /// The id as Alibaba Cloud writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AccountName {
    /// Parses a name given by a person (`account add NAME`, `--account NAME`).
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let len = raw.chars().count();
        if !(1..=MAX_NAME).contains(&len) {
            return Err(AccountError::NameLength(len));
        }
        if let Some(bad) = raw.chars().find(|c| !is_name_char(*c)) {
            return Err(AccountError::NameCharacter(bad));
        }
        if !raw.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(AccountError::NameStart);
        }
        Ok(Self(raw.to_owned()))
    }

    /// A name for a Resource Directory member, made from its display name: lowercased, every run
    /// of other characters (spaces, CJK, punctuation) turned into one `-`, trimmed to 64. A display
    /// name with nothing usable in it (e.g. all CJK) gives `account-<uid>`, so every member gets a
    /// valid, stable name; two members that map to the same name are the caller's to tell apart.
    pub fn from_display_name(display_name: &str, uid: &AccountUid) -> Self {
        let mut name = String::with_capacity(display_name.len().min(MAX_NAME));
        for c in display_name.chars() {
            if name.len() >= MAX_NAME {
                break;
            }
            if is_name_char(c) {
                name.push(c.to_ascii_lowercase());
            } else if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
        }
        let trimmed = name.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        Self::parse(trimmed).unwrap_or_else(|_| Self(format!("account-{}", uid.as_str())))
    }

    /// The name as shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

macro_rules! text_impls {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = AccountError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        /// For typed database rows (`#[sqlx(try_from = "String")]`).
        impl TryFrom<String> for $name {
            type Error = AccountError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_impls!(AccountUid);
text_impls!(AccountName);

#[cfg(test)]
mod tests {
    use super::*;

    fn uid() -> AccountUid {
        AccountUid::parse("1763082937541213").unwrap()
    }

    #[test]
    fn uids_are_digits_only() {
        assert_eq!(uid().as_str(), "1763082937541213");
        for bad in [
            "",
            "123",
            "12a4567",
            " 1234567",
            "1234-5678",
            &"1".repeat(33),
        ] {
            assert!(AccountUid::parse(bad).is_err(), "{bad:?}");
        }
        assert!(
            AccountUid::parse("12x45")
                .unwrap_err()
                .to_string()
                .contains("\"12x45\"")
        );
    }

    #[test]
    fn names_are_short_plain_words() {
        for good in [
            "default",
            "payments-prod",
            "a",
            "Team_2.eu",
            &"n".repeat(64),
        ] {
            assert_eq!(AccountName::parse(good).unwrap().as_str(), good);
        }
        assert_eq!(AccountName::parse(""), Err(AccountError::NameLength(0)));
        assert_eq!(
            AccountName::parse(&"n".repeat(65)),
            Err(AccountError::NameLength(65))
        );
        assert_eq!(
            AccountName::parse("pay prod"),
            Err(AccountError::NameCharacter(' '))
        );
        assert_eq!(
            AccountName::parse("prod/eu"),
            Err(AccountError::NameCharacter('/'))
        );
        assert_eq!(AccountName::parse("-prod"), Err(AccountError::NameStart));
        assert_eq!(AccountName::parse(".prod"), Err(AccountError::NameStart));
    }

    #[test]
    fn display_names_become_account_names() {
        let derive = |d: &str| AccountName::from_display_name(d, &uid()).to_string();
        assert_eq!(derive("Payments Prod"), "payments-prod");
        assert_eq!(derive("  ML / Research (CN)  "), "ml-research-cn");
        assert_eq!(derive("data_lake.v2"), "data_lake.v2");
        assert_eq!(derive("生产 Prod 账号"), "prod");
        assert_eq!(derive("生产账号"), "account-1763082937541213");
        assert_eq!(derive(""), "account-1763082937541213");
        let long = derive(&"Very Long Name ".repeat(10));
        assert!(long.len() <= 64 && !long.ends_with('-'), "{long}");
        assert!(AccountName::parse(&long).is_ok());
    }
}
