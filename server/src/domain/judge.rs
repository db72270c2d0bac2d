//! Judging one encryption state against a requirement.

use super::{EncryptionRule, EncryptionState, KmsDataEncryption, Requirement};

/// `Some(true)` when `state` satisfies `requirement`, `Some(false)` when it does not, and `None`
/// when the state is unknown: what could not be read is never compliant, and never judged
/// non-compliant either.
pub fn judge(requirement: &Requirement, state: &EncryptionState) -> Option<bool> {
    let rule = match state {
        EncryptionState::Unknown { .. } => return None,
        EncryptionState::Unencrypted => return Some(false),
        EncryptionState::Encrypted(rule) => rule,
    };
    Some(match requirement {
        Requirement::Any => true,
        Requirement::Kms => matches!(rule, EncryptionRule::Kms { .. }),
        Requirement::KmsCmk { allowed } => match rule.kms_key_id() {
            Some(key) => allowed.is_empty() || allowed.contains(key),
            None => false,
        },
        Requirement::Sm4 => {
            matches!(rule, EncryptionRule::Sm4)
                || rule.kms_data_encryption() == Some(KmsDataEncryption::Sm4)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::KmsKeyId;

    fn key(id: &str) -> KmsKeyId {
        KmsKeyId::parse(id).unwrap()
    }

    fn kms(key_id: Option<&str>, sm4: bool) -> EncryptionState {
        EncryptionState::Encrypted(EncryptionRule::Kms {
            key_id: key_id.map(key),
            data_encryption: sm4.then_some(KmsDataEncryption::Sm4),
        })
    }

    /// Every state kind against every requirement: (state, any, kms, kms-cmk, kms-cmk[allowed], sm4).
    #[test]
    fn judges_every_algorithm_combination_against_every_requirement() {
        let unknown = EncryptionState::Unknown {
            code: "AccessDenied".into(),
            message: String::new(),
        };
        let table = [
            (EncryptionState::Unencrypted, [Some(false); 5]),
            (unknown, [None; 5]),
            (
                EncryptionState::Encrypted(EncryptionRule::Aes256),
                [
                    Some(true),
                    Some(false),
                    Some(false),
                    Some(false),
                    Some(false),
                ],
            ),
            (
                EncryptionState::Encrypted(EncryptionRule::Sm4),
                [
                    Some(true),
                    Some(false),
                    Some(false),
                    Some(false),
                    Some(true),
                ],
            ),
            (
                kms(None, false),
                [
                    Some(true),
                    Some(true),
                    Some(false),
                    Some(false),
                    Some(false),
                ],
            ),
            (
                kms(None, true),
                [Some(true), Some(true), Some(false), Some(false), Some(true)],
            ),
            (
                kms(Some("alias/prod"), false),
                [Some(true), Some(true), Some(true), Some(true), Some(false)],
            ),
            (
                kms(Some("alias/other"), false),
                [Some(true), Some(true), Some(true), Some(false), Some(false)],
            ),
            (
                kms(Some("alias/prod"), true),
                [Some(true), Some(true), Some(true), Some(true), Some(true)],
            ),
        ];
        let requirements = [
            Requirement::Any,
            Requirement::Kms,
            Requirement::KmsCmk { allowed: vec![] },
            Requirement::KmsCmk {
                allowed: vec![key("alias/prod")],
            },
            Requirement::Sm4,
        ];
        for (state, expected) in table {
            for (requirement, want) in requirements.iter().zip(expected) {
                assert_eq!(
                    judge(requirement, &state),
                    want,
                    "{state} under {requirement:?}"
                );
            }
        }
    }

    #[test]
    fn a_target_that_would_stay_non_compliant_is_refused() {
        use crate::domain::{Policy, PolicyError};
        assert!(matches!(
            Policy::new(Requirement::Kms, EncryptionRule::Aes256),
            Err(PolicyError::TargetNotCompliant { .. })
        ));
        let ok = Policy::new(
            Requirement::KmsCmk {
                allowed: vec![key("alias/prod")],
            },
            EncryptionRule::Kms {
                key_id: Some(key("alias/prod")),
                data_encryption: None,
            },
        );
        assert!(ok.is_ok());
        assert_eq!(Policy::default().requirement, Requirement::Any);
    }
}
