//! What "compliant" means: a policy judges an encryption state, and names the remediation target.

use super::{EncryptionRule, EncryptionState, KmsKeyId, judge};

/// What a bucket's default encryption must be to count as compliant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// Any default SSE rule.
    Any,
    /// SSE-KMS, with any key.
    Kms,
    /// SSE-KMS with a customer CMK; when the allow-list is not empty, one of those keys.
    KmsCmk { allowed: Vec<KmsKeyId> },
    /// SM4: SSE-OSS with SM4, or SSE-KMS with SM4 data encryption.
    Sm4,
}

impl Requirement {
    /// The name used in the CLI, the API and the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::Kms => "kms",
            Self::KmsCmk { .. } => "kms-cmk",
            Self::Sm4 => "sm4",
        }
    }

    /// Parses a requirement name; `allowed` is the CMK allow-list, used by `kms-cmk` only.
    pub fn parse(name: &str, allowed: Vec<KmsKeyId>) -> Result<Self, PolicyError> {
        match name.trim() {
            "any" => Ok(Self::Any),
            "kms" => Ok(Self::Kms),
            "kms-cmk" => Ok(Self::KmsCmk { allowed }),
            "sm4" => Ok(Self::Sm4),
            other => Err(PolicyError::UnknownRequirement(other.to_owned())),
        }
    }

    /// The CMK allow-list (empty unless `kms-cmk` names keys).
    pub fn allowed_keys(&self) -> &[KmsKeyId] {
        match self {
            Self::KmsCmk { allowed } => allowed,
            _ => &[],
        }
    }
}

/// The policy of an account: the requirement, and the rule one-click remediation applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub requirement: Requirement,
    pub remediation_target: EncryptionRule,
}

impl Default for Policy {
    /// Any SSE rule is compliant; remediation sets AES256.
    fn default() -> Self {
        Self {
            requirement: Requirement::Any,
            remediation_target: EncryptionRule::Aes256,
        }
    }
}

/// An unusable policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("unknown policy requirement {0:?} (expected any, kms, kms-cmk or sm4)")]
    UnknownRequirement(String),
    #[error(
        "the remediation target {target} does not satisfy the policy requirement {requirement}; remediated buckets would still be non-compliant"
    )]
    TargetNotCompliant {
        target: String,
        requirement: &'static str,
    },
}

impl Policy {
    /// Builds a policy, refusing a remediation target that the requirement itself would judge
    /// non-compliant (one-click remediation must fix what it touches).
    pub fn new(
        requirement: Requirement,
        remediation_target: EncryptionRule,
    ) -> Result<Self, PolicyError> {
        let state = EncryptionState::Encrypted(remediation_target.clone());
        if judge(&requirement, &state) != Some(true) {
            return Err(PolicyError::TargetNotCompliant {
                target: remediation_target.to_string(),
                requirement: requirement.as_str(),
            });
        }
        Ok(Self {
            requirement,
            remediation_target,
        })
    }
}
