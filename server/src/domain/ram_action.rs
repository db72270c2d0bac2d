//! `RamAction`: the RAM permissions oss-audit's calls need, named as RAM policies name them.

use std::fmt;

/// One RAM action oss-audit calls, e.g. `oss:GetBucketEncryption`. A missing one is what the
/// permission checks report and what the sandbox can deny per key or role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RamAction {
    OssListBuckets,
    OssGetBucketEncryption,
    OssPutBucketEncryption,
    OssDeleteBucketEncryption,
    OssGetBucketInfo,
    OssGetBucketTagging,
    KmsDescribeKey,
    StsAssumeRole,
    ResourceManagerListAccounts,
}

/// Why a string is not one of the actions above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown RAM action {0:?}; known: {known}", known = RamAction::known())]
pub struct RamActionError(String);

impl RamAction {
    /// Every action, in the order above.
    pub const ALL: [Self; 9] = [
        Self::OssListBuckets,
        Self::OssGetBucketEncryption,
        Self::OssPutBucketEncryption,
        Self::OssDeleteBucketEncryption,
        Self::OssGetBucketInfo,
        Self::OssGetBucketTagging,
        Self::KmsDescribeKey,
        Self::StsAssumeRole,
        Self::ResourceManagerListAccounts,
    ];

    /// Parses `service:Action` (the service in any case, as RAM accepts it).
    pub fn parse(raw: &str) -> Result<Self, RamActionError> {
        let (service, action) = raw
            .split_once(':')
            .ok_or_else(|| RamActionError(raw.chars().take(80).collect()))?;
        Self::ALL
            .into_iter()
            .find(|known| {
                let (s, a) = known.as_str().split_once(':').unwrap_or_default();
                s.eq_ignore_ascii_case(service) && a == action
            })
            .ok_or_else(|| RamActionError(raw.chars().take(80).collect()))
    }

    /// The action as a RAM policy writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OssListBuckets => "oss:ListBuckets",
            Self::OssGetBucketEncryption => "oss:GetBucketEncryption",
            Self::OssPutBucketEncryption => "oss:PutBucketEncryption",
            Self::OssDeleteBucketEncryption => "oss:DeleteBucketEncryption",
            Self::OssGetBucketInfo => "oss:GetBucketInfo",
            Self::OssGetBucketTagging => "oss:GetBucketTagging",
            Self::KmsDescribeKey => "kms:DescribeKey",
            Self::StsAssumeRole => "sts:AssumeRole",
            Self::ResourceManagerListAccounts => "resourcemanager:ListAccounts",
        }
    }

    fn known() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|a| a.as_str()).collect();
        names.join(", ")
    }
}

impl fmt::Display for RamAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RamAction {
    type Err = RamActionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_and_others_are_refused() {
        for action in RamAction::ALL {
            assert_eq!(RamAction::parse(action.as_str()), Ok(action));
        }
        assert_eq!(
            RamAction::parse("OSS:ListBuckets"),
            Ok(RamAction::OssListBuckets)
        );
        for bad in [
            "",
            "oss:listbuckets",
            "oss:*",
            "ListBuckets",
            "ecs:DescribeInstances",
        ] {
            let err = RamAction::parse(bad).unwrap_err();
            assert!(err.to_string().contains("kms:DescribeKey"), "{err}");
        }
    }
}
