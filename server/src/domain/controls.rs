//! The controls auditors name, and the requirement each asks of a bucket's default encryption:
//! CIS Alibaba Cloud Foundations Benchmark 5.8 and 5.9, Cloud Config's managed rules
//! `oss-bucket-server-side-encryption-enabled` and `oss-default-encryption-kms`, and MLPS 2.0
//! level 3, 8.1.4.8. A bucket passes a control when its state satisfies the control's requirement,
//! whatever rule of the policy decides it.

use super::{EncryptionState, Requirement, judge};

/// One control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    /// Stable id used in URLs and reports, e.g. `cis-5.8`.
    pub id: &'static str,
    /// Who defines it, e.g. `CIS Alibaba Cloud Foundations Benchmark v1.0.0 / v2.0.0`.
    pub framework: &'static str,
    /// Its number or rule name, e.g. `5.8`.
    pub reference: &'static str,
    /// What it asks, in words.
    pub title: &'static str,
    /// The requirement a bucket must meet to pass it.
    pub requirement: Requirement,
}

/// Every control, in the order reports and the Controls page list them.
pub fn controls() -> Vec<Control> {
    const CIS: &str = "CIS Alibaba Cloud Foundations Benchmark v1.0.0 / v2.0.0";
    const CONFIG: &str = "Alibaba Cloud Config managed rule";
    vec![
        Control {
            id: "cis-5.8",
            framework: CIS,
            reference: "5.8",
            title: "Server-side encryption is set to Encrypt with Service Key (SSE-KMS)",
            requirement: Requirement::Kms,
        },
        Control {
            id: "cis-5.9",
            framework: CIS,
            reference: "5.9",
            title: "Server-side encryption is set to Encrypt with BYOK (a customer CMK)",
            requirement: Requirement::KmsCmk {
                allowed: Vec::new(),
            },
        },
        Control {
            id: "config-sse",
            framework: CONFIG,
            reference: "oss-bucket-server-side-encryption-enabled",
            title: "The bucket has server-side encryption enabled",
            requirement: Requirement::Any,
        },
        Control {
            id: "config-kms",
            framework: CONFIG,
            reference: "oss-default-encryption-kms",
            title: "The bucket's default encryption is SSE-KMS",
            requirement: Requirement::Kms,
        },
        Control {
            id: "mlps-8.1.4.8",
            framework: "MLPS 2.0 (GB/T 22239-2019) level 3",
            reference: "8.1.4.8",
            title: "Data confidentiality of stored data (Alibaba's level-3 pack checks SSE-KMS)",
            requirement: Requirement::Kms,
        },
    ]
}

/// The control called `id`.
pub fn control(id: &str) -> Option<Control> {
    controls().into_iter().find(|c| c.id == id)
}

/// How a bucket stands against a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlResult {
    Passing,
    Failing,
    /// Exempted from the policy: neither passing nor failing.
    Exempt,
    /// Its state could not be read (or never was).
    Unknown,
}

impl ControlResult {
    /// How `state` stands against `control`; `exempt` buckets count apart.
    pub fn of(control: &Control, state: Option<&EncryptionState>, exempt: bool) -> Self {
        if exempt {
            return Self::Exempt;
        }
        match state.and_then(|s| judge(&control.requirement, s)) {
            Some(true) => Self::Passing,
            Some(false) => Self::Failing,
            None => Self::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passing => "passing",
            Self::Failing => "failing",
            Self::Exempt => "exempt",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "passing" => Some(Self::Passing),
            "failing" => Some(Self::Failing),
            "exempt" => Some(Self::Exempt),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// Buckets per result for one control.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ControlCounts {
    pub passing: u64,
    pub failing: u64,
    pub exempt: u64,
    pub unknown: u64,
}

impl ControlCounts {
    pub fn add(&mut self, result: ControlResult) {
        match result {
            ControlResult::Passing => self.passing += 1,
            ControlResult::Failing => self.failing += 1,
            ControlResult::Exempt => self.exempt += 1,
            ControlResult::Unknown => self.unknown += 1,
        }
    }
}

/// Counts, per control of [`controls`] (in that order), the buckets given as (state, exempt).
pub fn count_controls<'a>(
    buckets: impl IntoIterator<Item = (Option<&'a EncryptionState>, bool)>,
) -> Vec<(Control, ControlCounts)> {
    let mut counted: Vec<_> = controls()
        .into_iter()
        .map(|c| (c, ControlCounts::default()))
        .collect();
    for (state, exempt) in buckets {
        for (control, counts) in &mut counted {
            counts.add(ControlResult::of(control, state, exempt));
        }
    }
    counted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EncryptionRule, KmsKeyId};

    #[test]
    fn a_bucket_with_a_customer_cmk_passes_every_control_and_aes256_only_the_any_rule() {
        let cmk = EncryptionState::Encrypted(EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("alias/prod").unwrap()),
            data_encryption: None,
        });
        let aes = EncryptionState::Encrypted(EncryptionRule::Aes256);
        let counted = count_controls([
            (Some(&cmk), false),
            (Some(&aes), false),
            (Some(&EncryptionState::Unencrypted), true),
            (None, false),
        ]);
        let of = |id: &str| counted.iter().find(|(c, _)| c.id == id).unwrap().1;
        assert_eq!(
            of("config-sse"),
            ControlCounts {
                passing: 2,
                failing: 0,
                exempt: 1,
                unknown: 1
            }
        );
        assert_eq!(of("cis-5.8").passing, 1);
        assert_eq!(of("cis-5.8").failing, 1);
        assert_eq!(of("cis-5.9").passing, 1);
        assert_eq!(of("mlps-8.1.4.8").failing, 1);
        assert_eq!(counted.len(), 5);
    }
}
