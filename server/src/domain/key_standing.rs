//! What a scan learnt about a bucket's customer key, and what it does to the bucket's judgement:
//! a key that is disabled, pending deletion or gone is a critical finding whatever the policy
//! says; a key KMS could not be asked about is `unknown`, never assumed fine.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use super::KmsKeyState;

/// BYOK material expiring within this many days is a warning.
pub const MATERIAL_EXPIRY_WARNING_DAYS: i64 = 30;

/// A key as the last check saw it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyCondition {
    /// KMS described it in this state.
    State(KmsKeyState),
    /// KMS has no such key (never made, or deleted): its data cannot be read again.
    NotFound,
    /// KMS could not be asked (no `kms:DescribeKey` permission, KMS not activated, KMS
    /// unreachable); the code says why.
    Unknown,
}

impl KeyCondition {
    /// Parses the stored value: a KMS key state, `NotFound` or `unknown`.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "NotFound" => Self::NotFound,
            "unknown" => Self::Unknown,
            other => KmsKeyState::parse(other)
                .map(Self::State)
                .unwrap_or(Self::Unknown),
        }
    }

    /// The stored value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::State(state) => state.as_str(),
            Self::NotFound => "NotFound",
            Self::Unknown => "unknown",
        }
    }

    /// What the condition does to the buckets that depend on the key.
    pub fn standing(&self) -> KeyStanding {
        match self {
            Self::State(state) if state.is_usable() => KeyStanding::Usable,
            Self::State(_) | Self::NotFound => KeyStanding::Unusable,
            Self::Unknown => KeyStanding::Unknown,
        }
    }
}

impl fmt::Display for KeyCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the buckets of a key can be written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyStanding {
    Usable,
    /// Disabled, pending deletion, waiting for material, or not found: OSS refuses writes, and
    /// once the key is deleted nothing encrypted with it can be read. A critical finding.
    Unusable,
    /// KMS could not be asked: the bucket is not compliant by default.
    Unknown,
}

/// A bucket's judgement once its key is taken into account: the policy's verdict for a usable key
/// (or none), non-compliant for an unusable one whatever the policy says, and unknown (`None`)
/// when KMS could not be asked.
pub fn judge_with_key(policy: Option<bool>, key: Option<KeyStanding>) -> Option<bool> {
    match key {
        None | Some(KeyStanding::Usable) => policy,
        Some(KeyStanding::Unusable) => Some(false),
        Some(KeyStanding::Unknown) => policy.and(None),
    }
}

/// The warnings a usable key still deserves: automatic rotation off, and BYOK material that
/// expires within [`MATERIAL_EXPIRY_WARNING_DAYS`] of `now`. They are shown, not judged: no
/// policy setting turns them into failures yet.
pub fn key_warnings(
    rotation: Option<&str>,
    material_expires: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if matches!(rotation, Some("Disabled" | "Suspended") | None) {
        warnings.push("automatic rotation is off".to_owned());
    }
    if let Some(expires) = material_expires
        && expires <= now + TimeDelta::days(MATERIAL_EXPIRY_WARNING_DAYS)
    {
        warnings.push(format!(
            "imported key material expires {}",
            expires.format("%Y-%m-%d")
        ));
    }
    warnings
}

/// Customer keys a scan found unusable (newly, or changed since the last alert), with every
/// bucket that depends on them: the `key_unusable` event, sent once per change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeysUnusable {
    /// The account the keys and buckets belong to.
    pub account: Option<String>,
    pub scan: Option<super::ScanId>,
    pub keys: Vec<UnusableKey>,
}

/// One unusable key and the buckets that depend on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnusableKey {
    pub key_id: String,
    pub region: String,
    /// `Disabled`, `PendingDeletion`, `PendingImport` or `NotFound`.
    pub state: String,
    /// For a key pending deletion: until when its data can still be read.
    pub readable_until: Option<DateTime<Utc>>,
    /// Every bucket whose rule names the key, by name.
    pub buckets: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unusable_key_fails_the_bucket_whatever_the_policy_says() {
        for policy in [Some(true), Some(false), None] {
            assert_eq!(
                judge_with_key(policy, Some(KeyStanding::Unusable)),
                Some(false)
            );
            assert_eq!(judge_with_key(policy, Some(KeyStanding::Unknown)), None);
            assert_eq!(judge_with_key(policy, Some(KeyStanding::Usable)), policy);
            assert_eq!(judge_with_key(policy, None), policy);
        }
    }

    #[test]
    fn every_state_but_enabled_is_unusable_and_unknown_stays_unknown() {
        for raw in [
            "Disabled",
            "PendingDeletion",
            "PendingImport",
            "NotFound",
            "Brand-new",
        ] {
            assert_eq!(
                KeyCondition::parse(raw).standing(),
                KeyStanding::Unusable,
                "{raw}"
            );
        }
        assert_eq!(
            KeyCondition::parse("Enabled").standing(),
            KeyStanding::Usable
        );
        assert_eq!(
            KeyCondition::parse("unknown").standing(),
            KeyStanding::Unknown
        );
        assert_eq!(
            KeyCondition::parse("PendingDeletion").as_str(),
            "PendingDeletion"
        );
    }

    #[test]
    fn rotation_off_and_material_expiring_within_30_days_are_warnings() {
        let now = Utc::now();
        assert!(key_warnings(Some("Enabled"), None, now).is_empty());
        assert_eq!(key_warnings(Some("Disabled"), None, now).len(), 1);
        let soon = now + TimeDelta::days(29);
        let later = now + TimeDelta::days(31);
        assert_eq!(key_warnings(Some("Enabled"), Some(soon), now).len(), 1);
        assert!(key_warnings(Some("Enabled"), Some(later), now).is_empty());
    }
}
