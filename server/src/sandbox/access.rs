//! RAM permissions taken away per principal: an access key, or every session of an assumed role,
//! may be denied one action (`--deny KEY_OR_ROLE:ACTION`), and the service refuses it as it would.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::{PoisonError, RwLock};

use crate::domain::{RamAction, RoleArn};

/// Who a RAM policy applies to: a permanent (or the hub's fixed STS) access key, or a role, whose
/// every assumed session it then governs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SandboxPrincipal {
    /// By AccessKeyId.
    AccessKey(String),
    Role(RoleArn),
}

impl SandboxPrincipal {
    /// A role ARN (`acs:ram::…`) or else an AccessKeyId.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.to_ascii_lowercase().starts_with("acs:") {
            return RoleArn::parse(raw)
                .map(Self::Role)
                .map_err(|e| e.to_string());
        }
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!("{raw:?} is neither an AccessKeyId nor a role ARN"));
        }
        Ok(Self::AccessKey(raw.to_owned()))
    }
}

impl fmt::Display for SandboxPrincipal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccessKey(id) => f.write_str(id),
            Self::Role(arn) => f.write_str(arn.as_str()),
        }
    }
}

/// One action denied to one principal, as `--deny` takes it: `PRINCIPAL:service:Action`, e.g.
/// `LTAI5tSandboxAccessKeyId:oss:ListBuckets` or
/// `acs:ram::1763082937549132:role/oss-audit:kms:DescribeKey`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Denial {
    pub principal: SandboxPrincipal,
    pub action: RamAction,
}

impl Denial {
    /// Parses `PRINCIPAL:service:Action` (the action is the last two `:`-separated parts, since a
    /// role ARN holds colons itself).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut parts = raw.rsplitn(3, ':');
        let (Some(name), Some(service), Some(principal)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "{raw:?} is not PRINCIPAL:service:Action, e.g. LTAI5tKey:oss:ListBuckets"
            ));
        };
        Ok(Self {
            principal: SandboxPrincipal::parse(principal)?,
            action: RamAction::parse(&format!("{service}:{name}")).map_err(|e| e.to_string())?,
        })
    }
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.principal, self.action)
    }
}

/// The denials in force, changeable while serving.
#[derive(Debug, Default)]
pub(crate) struct Denials(RwLock<BTreeSet<Denial>>);

impl Denials {
    pub(crate) fn new(denials: impl IntoIterator<Item = Denial>) -> Self {
        Self(RwLock::new(denials.into_iter().collect()))
    }

    /// Whether `principal` may not call `action`.
    pub(crate) fn denies(&self, principal: &SandboxPrincipal, action: RamAction) -> bool {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|d| d.action == action && d.principal == *principal)
    }

    /// Adds (`denied`) or lifts a denial; whether anything changed.
    pub(crate) fn set(&self, denial: Denial, denied: bool) -> bool {
        let mut set = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if denied {
            set.insert(denial)
        } else {
            set.remove(&denial)
        }
    }

    /// Every denial, sorted.
    pub(crate) fn all(&self) -> Vec<Denial> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denials_parse_keys_and_role_arns() {
        let key = Denial::parse("LTAI5tSandboxAccessKeyId:oss:ListBuckets").unwrap();
        assert_eq!(
            key.principal,
            SandboxPrincipal::AccessKey("LTAI5tSandboxAccessKeyId".into())
        );
        assert_eq!(key.action, RamAction::OssListBuckets);
        let role =
            Denial::parse("acs:ram::1763082937549132:role/oss-audit:kms:DescribeKey").unwrap();
        assert_eq!(
            role.to_string(),
            "acs:ram::1763082937549132:role/oss-audit:kms:DescribeKey"
        );
        assert_eq!(role.action, RamAction::KmsDescribeKey);
        for bad in [
            "oss:ListBuckets",
            "key:oss:Nope",
            "acs:ram::12:role/x:sts:AssumeRole",
            ":oss:ListBuckets",
        ] {
            assert!(Denial::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_denial_applies_to_its_principal_and_action_only() {
        let denials = Denials::default();
        let key = SandboxPrincipal::AccessKey("k".into());
        let other = SandboxPrincipal::AccessKey("j".into());
        assert!(denials.set(
            Denial {
                principal: key.clone(),
                action: RamAction::OssPutBucketEncryption
            },
            true
        ));
        assert!(denials.denies(&key, RamAction::OssPutBucketEncryption));
        assert!(!denials.denies(&key, RamAction::OssGetBucketEncryption));
        assert!(!denials.denies(&other, RamAction::OssPutBucketEncryption));
        assert_eq!(denials.all().len(), 1);
    }
}
