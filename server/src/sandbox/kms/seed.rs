//! The seeded keys: one real key for every customer key the seeded buckets name, in the bucket's
//! account and region, with a deterministic mix of rotation, protection and deletion protection,
//! and an alias for the first two keys of each account.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng as _;

use super::AliasName;
use crate::domain::{
    AccountUid, KeyMetadata, KeyOrigin, KeyRotation, KmsKeyArn, KmsKeyId, KmsKeyState,
    ProtectionLevel, Region, RotationInterval, RotationStatus,
};
use crate::sandbox::state::SandboxBucket;

/// The rotation interval of seeded keys that rotate: a year, as KMS suggests.
const YEAR_SECS: u64 = 365 * 86_400;
/// "Now" for seeded rotation dates (2025-07-01), fixed so that the same seed gives the same keys.
const SEEDED_AT: i64 = 1_751_328_000;
/// Aliases made per account.
const ALIASES_PER_ACCOUNT: usize = 2;

/// An `Enabled`, KMS-made, software-protected AES-256 key that does not rotate.
pub(crate) fn new_key(
    account: &AccountUid,
    region: &Region,
    key_id: KmsKeyId,
    created: DateTime<Utc>,
) -> KeyMetadata {
    KeyMetadata {
        arn: KmsKeyArn::new(region, account, &key_id),
        key_id,
        state: KmsKeyState::Enabled,
        delete_date: None,
        key_spec: "Aliyun_AES_256".to_owned(),
        key_usage: "ENCRYPT/DECRYPT".to_owned(),
        origin: KeyOrigin::AliyunKms,
        material_expire_time: None,
        protection_level: ProtectionLevel::Software,
        rotation: KeyRotation {
            last: Some(created),
            ..KeyRotation::off()
        },
        deletion_protection: false,
        creation_date: created,
    }
}

/// A fresh random key id, shaped as KMS issues them (a version 4 UUID).
pub(crate) fn random_key_id() -> KmsKeyId {
    let bytes: [u8; 16] = rand::rng().random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let variant = ['8', '9', 'a', 'b'][usize::from(bytes[8] & 0b11)];
    let id = format!(
        "{}-{}-4{}-{variant}{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    );
    KmsKeyId::parse(&id).unwrap_or_else(|_| unreachable!("hex and hyphens form a key id"))
}

/// The keys and aliases behind `buckets`: every plain key id a bucket's rule names becomes a key
/// of the bucket's owner in the bucket's region (created with the first bucket naming it), and
/// each account's first two keys get the alias `alias/<that bucket's name>`.
pub(crate) fn seeded(buckets: &[SandboxBucket]) -> (Vec<KeyMetadata>, Vec<(AliasName, KmsKeyId)>) {
    let mut keys: BTreeMap<String, KeyMetadata> = BTreeMap::new();
    let mut aliases = Vec::new();
    let mut per_account: BTreeMap<AccountUid, usize> = BTreeMap::new();
    let mut by_creation: Vec<&SandboxBucket> = buckets.iter().collect();
    by_creation.sort_by(|a, b| (a.creation_date, &a.name).cmp(&(b.creation_date, &b.name)));
    for bucket in by_creation {
        let Some(key_id) = bucket.encryption.as_ref().and_then(|r| r.kms_key_id()) else {
            continue;
        };
        if key_id.as_str().contains(['/', ':']) || keys.contains_key(key_id.as_str()) {
            continue;
        }
        let index = keys.len();
        let key = varied(
            new_key(
                &bucket.owner,
                &bucket.region,
                key_id.clone(),
                bucket.creation_date,
            ),
            index,
        );
        let made = per_account.entry(bucket.owner.clone()).or_insert(0);
        if *made < ALIASES_PER_ACCOUNT {
            *made += 1;
            aliases.push((
                AliasName {
                    account: bucket.owner.clone(),
                    region: bucket.region.clone(),
                    name: format!("alias/{}", bucket.name),
                },
                key_id.clone(),
            ));
        }
        keys.insert(key_id.as_str().to_owned(), key);
    }
    (keys.into_values().collect(), aliases)
}

/// Makes the customer-key buckets share about `total` keys: each account and region keeps its
/// first keys in proportion to how many it names (at least one), and its other buckets take those
/// in turn. A key stays in its bucket's account and region, so every bucket's key exists.
pub(crate) fn share_keys(buckets: &mut [SandboxBucket], total: usize) {
    let mut named: BTreeMap<(AccountUid, String), Vec<KmsKeyId>> = BTreeMap::new();
    let mut all = 0;
    for bucket in buckets.iter() {
        if let Some(key) = bucket.encryption.as_ref().and_then(|r| r.kms_key_id()) {
            let keys = named
                .entry((bucket.owner.clone(), bucket.region.as_str().to_owned()))
                .or_default();
            if !keys.contains(key) {
                keys.push(key.clone());
                all += 1;
            }
        }
    }
    if all <= total {
        return;
    }
    let mut turn: BTreeMap<(AccountUid, String), usize> = BTreeMap::new();
    for bucket in buckets.iter_mut() {
        let place = (bucket.owner.clone(), bucket.region.as_str().to_owned());
        let Some(keys) = named.get(&place) else {
            continue;
        };
        let kept = (keys.len() * total / all).clamp(1, keys.len());
        if let Some(crate::domain::EncryptionRule::Kms {
            key_id: Some(key), ..
        }) = bucket.encryption.as_mut()
        {
            let next = turn.entry(place).or_insert(0);
            *key = keys[*next % kept].clone();
            *next += 1;
        }
    }
}

/// The `index`-th seeded key's settings: every third rotates yearly, every fourth lives in an
/// HSM, every fifth is an SM4 key and every sixth has deletion protection. All stay `Enabled`
/// with no expiring material, so the seeded estate works until a test changes a key.
fn varied(mut key: KeyMetadata, index: usize) -> KeyMetadata {
    if index.is_multiple_of(3) {
        let interval = RotationInterval::from_secs(YEAR_SECS);
        let seeded_at = DateTime::from_timestamp(SEEDED_AT, 0).unwrap_or_default();
        let year = TimeDelta::seconds(YEAR_SECS as i64);
        let mut last = key.creation_date;
        while last + year <= seeded_at {
            last += year;
        }
        key.rotation = KeyRotation {
            status: RotationStatus::Enabled,
            interval: Some(interval),
            next: Some(last + year),
            last: Some(last),
        };
    }
    if index % 4 == 1 {
        key.protection_level = ProtectionLevel::Hsm;
    }
    if index % 5 == 2 {
        "Aliyun_SM4".clone_into(&mut key.key_spec);
    }
    key.deletion_protection = index % 6 == 5;
    key
}
