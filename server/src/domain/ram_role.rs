//! The values of an STS AssumeRole call: `RoleArn`, `RoleName`, `ExternalId`, `RoleSessionName`.

use std::fmt;

use super::account::AccountUid;

/// A RAM role's ARN, `acs:ram::<uid>:role/<name>`: which account's role to assume.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleArn {
    /// The whole ARN; the parts below are what it says, kept so callers need not re-parse.
    raw: String,
    uid: AccountUid,
    name: RoleName,
}

/// A RAM role's name: 1 to 64 letters, digits, `.`, `-` or `_`, as RAM allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct RoleName(String);

/// The ExternalId a role's trust policy may require (`sts:ExternalId`): 2 to 1224 of letters,
/// digits and `_+=,.@:/-`, as STS allows. Not a secret (it guards against a confused deputy, not
/// against someone who has the hub keys), so it is stored and shown like the ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ExternalId(String);

/// The session name STS records for an assumed role (shown in the member account's ActionTrail):
/// 2 to 64 of letters, digits, `_`, `.`, `@` or `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RoleSessionName(String);

/// Why a string is not one of the values above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RamRoleError {
    #[error("role ARN must look like acs:ram::<account uid>:role/<role name> (got {0:?})")]
    ArnShape(String),
    #[error("role ARN {arn:?} names an invalid account uid: {reason}")]
    ArnUid { arn: String, reason: String },
    #[error("role name must be 1 to 64 letters, digits, '.', '-' or '_' (got {0:?})")]
    RoleName(String),
    #[error("ExternalId must be 2 to 1224 characters long (got {0})")]
    ExternalIdLength(usize),
    #[error("ExternalId may only contain letters, digits and _+=,.@:/- (found {0:?})")]
    ExternalIdCharacter(char),
    #[error("role session name must be 2 to 64 letters, digits, '_', '.', '@' or '-' (got {0:?})")]
    SessionName(String),
}

const ARN_PREFIX: &str = "acs:ram::";
const ROLE_MARK: &str = ":role/";

/// What a parse error may show of the input: enough to see a typo, never a page.
fn clip(raw: &str) -> String {
    raw.chars().take(120).collect()
}

impl RoleArn {
    /// Parses `acs:ram::<uid>:role/<name>` (the `acs:ram` prefix in any case, as the console
    /// sometimes prints it).
    pub fn parse(raw: &str) -> Result<Self, RamRoleError> {
        let shape = || RamRoleError::ArnShape(clip(raw));
        let prefix = raw.get(..ARN_PREFIX.len()).ok_or_else(shape)?;
        if !prefix.eq_ignore_ascii_case(ARN_PREFIX) {
            return Err(shape());
        }
        let rest = &raw[ARN_PREFIX.len()..];
        let (uid, name) = rest.split_once(ROLE_MARK).ok_or_else(shape)?;
        let uid = AccountUid::parse(uid).map_err(|e| RamRoleError::ArnUid {
            arn: clip(raw),
            reason: e.to_string(),
        })?;
        let name = RoleName::parse(name)?;
        Ok(Self::new(&uid, &name))
    }

    /// The ARN of role `name` in account `uid`, e.g. for each member Resource Directory lists.
    pub fn new(uid: &AccountUid, name: &RoleName) -> Self {
        Self {
            raw: format!("{ARN_PREFIX}{uid}{ROLE_MARK}{name}"),
            uid: uid.clone(),
            name: name.clone(),
        }
    }

    /// The account the role belongs to.
    pub fn uid(&self) -> &AccountUid {
        &self.uid
    }

    /// The role's name.
    pub fn role_name(&self) -> &RoleName {
        &self.name
    }

    /// The ARN, with the prefix in lowercase as STS writes it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl RoleName {
    /// Parses a role name.
    pub fn parse(raw: &str) -> Result<Self, RamRoleError> {
        let valid = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(RamRoleError::RoleName(clip(raw)))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ExternalId {
    /// Parses an ExternalId.
    pub fn parse(raw: &str) -> Result<Self, RamRoleError> {
        let len = raw.chars().count();
        if !(2..=1224).contains(&len) {
            return Err(RamRoleError::ExternalIdLength(len));
        }
        if let Some(bad) = raw.chars().find(|c| {
            !(c.is_ascii_alphanumeric()
                || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | ':' | '/' | '-'))
        }) {
            return Err(RamRoleError::ExternalIdCharacter(bad));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The ExternalId as sent to STS.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl RoleSessionName {
    /// Parses a session name.
    pub fn parse(raw: &str) -> Result<Self, RamRoleError> {
        let valid = (2..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'@' | b'-'));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(RamRoleError::SessionName(clip(raw)))
        }
    }

    /// The session name as sent to STS.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! text_impls {
    ($name:ident, $as_str:expr) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($as_str(self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = RamRoleError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
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

text_impls!(RoleArn, RoleArn::as_str);

impl serde::Serialize for RoleArn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}
text_impls!(RoleName, RoleName::as_str);
text_impls!(ExternalId, ExternalId::as_str);
text_impls!(RoleSessionName, RoleSessionName::as_str);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_expose_their_account_and_role() {
        let arn = RoleArn::parse("acs:ram::1763082937541213:role/oss-audit").unwrap();
        assert_eq!(arn.uid().as_str(), "1763082937541213");
        assert_eq!(arn.role_name().as_str(), "oss-audit");
        assert_eq!(arn.to_string(), "acs:ram::1763082937541213:role/oss-audit");
        let upper = RoleArn::parse("ACS:RAM::1763082937541213:role/Audit.Reader_1").unwrap();
        assert_eq!(
            upper.as_str(),
            "acs:ram::1763082937541213:role/Audit.Reader_1"
        );
        let built = RoleArn::new(arn.uid(), &RoleName::parse("oss-audit").unwrap());
        assert_eq!(built, arn);
    }

    #[test]
    fn malformed_role_arns_say_what_is_wrong() {
        for bad in [
            "",
            "acs:ram:1763082937541213:role/x",
            "acs:sts::1763082937541213:role/x",
            "acs:ram::1763082937541213:user/x",
            "arn:aws:iam::123456789012:role/x",
        ] {
            let err = RoleArn::parse(bad).unwrap_err();
            assert!(matches!(err, RamRoleError::ArnShape(_)), "{bad:?}: {err:?}");
            assert!(
                err.to_string()
                    .contains("acs:ram::<account uid>:role/<role name>")
            );
        }
        let err = RoleArn::parse("acs:ram::17630x:role/x").unwrap_err();
        assert!(
            err.to_string().contains("invalid account uid") && err.to_string().contains("17630x"),
            "{err}"
        );
        assert!(matches!(
            RoleArn::parse("acs:ram::1763082937541213:role/"),
            Err(RamRoleError::RoleName(_))
        ));
        assert!(matches!(
            RoleArn::parse("acs:ram::1763082937541213:role/a/b"),
            Err(RamRoleError::RoleName(_))
        ));
    }

    #[test]
    fn external_ids_follow_sts_rules() {
        for good in ["ab", "tenant-42", "a=b,c.d@e:f/g_h+i", &"x".repeat(1224)] {
            assert_eq!(ExternalId::parse(good).unwrap().as_str(), good);
        }
        assert_eq!(
            ExternalId::parse("a"),
            Err(RamRoleError::ExternalIdLength(1))
        );
        assert_eq!(
            ExternalId::parse(&"x".repeat(1225)),
            Err(RamRoleError::ExternalIdLength(1225))
        );
        assert_eq!(
            ExternalId::parse("has space"),
            Err(RamRoleError::ExternalIdCharacter(' '))
        );
    }

    #[test]
    fn session_names_follow_sts_rules() {
        for good in ["oss-audit", "a.b@c_d-e", "ab", &"s".repeat(64)] {
            assert_eq!(RoleSessionName::parse(good).unwrap().as_str(), good);
        }
        for bad in ["a", &"s".repeat(65), "has space", "slash/no", "naïve"] {
            assert!(RoleSessionName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
