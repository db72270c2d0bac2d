//! The seeded bucket population: realistic names, regions, dates and every kind of encryption.

use std::collections::HashMap;

use chrono::DateTime;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::state::{SANDBOX_RESOURCE_GROUP_ID, SandboxBucket, StorageClass};
use crate::domain::{AccountUid, BucketName, EncryptionRule, KmsDataEncryption, KmsKeyId, Region};

/// One bucket in this many carries the tag `data-class=confidential` (scoped-rule demos and tests).
pub(crate) const CONFIDENTIAL_EVERY: usize = 10;

const TEAMS: [&str; 16] = [
    "prod",
    "staging",
    "dev",
    "finance",
    "ml",
    "data",
    "web",
    "mobile",
    "security",
    "analytics",
    "backup",
    "media",
    "iot",
    "payments",
    "hr",
    "search",
];
const PURPOSES: [&str; 16] = [
    "logs",
    "archive",
    "datasets",
    "assets",
    "backups",
    "uploads",
    "reports",
    "exports",
    "events",
    "images",
    "models",
    "artifacts",
    "audit",
    "cdn-origin",
    "metrics",
    "snapshots",
];
/// Region id, the short form used in names, and its weight.
const REGIONS: [(&str, &str, u32); 7] = [
    ("cn-hangzhou", "hz", 25),
    ("cn-shanghai", "sh", 20),
    ("cn-beijing", "bj", 15),
    ("cn-shenzhen", "sz", 10),
    ("ap-southeast-1", "sg", 12),
    ("eu-central-1", "fra", 10),
    ("us-west-1", "sv", 8),
];
const STORAGE_CLASSES: [(StorageClass, u32); 5] = [
    (StorageClass::Standard, 70),
    (StorageClass::Ia, 15),
    (StorageClass::Archive, 10),
    (StorageClass::ColdArchive, 4),
    (StorageClass::DeepColdArchive, 1),
];
/// Creation dates fall between 2016-01-01 and 2025-06-30 (UTC): in the past, whatever the seed.
const CREATED_FROM: i64 = 1_451_606_400;
const CREATED_TO: i64 = 1_751_241_600;
/// Share of buckets (per mille) placed in [`SANDBOX_RESOURCE_GROUP_ID`].
const CUSTOM_GROUP_PER_MILLE: u32 = 100;

/// The kinds of bucket the population mixes; the weights are percentages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Category {
    Unencrypted,
    Aes256,
    Sm4,
    KmsManaged,
    KmsCmk,
    KmsSm4,
    Denied,
}

impl Category {
    pub(crate) const ALL: [(Self, u32); 7] = [
        (Self::Unencrypted, 30),
        (Self::Aes256, 25),
        (Self::Sm4, 10),
        (Self::KmsManaged, 12),
        (Self::KmsCmk, 10),
        (Self::KmsSm4, 5),
        (Self::Denied, 8),
    ];

    /// The category a bucket falls in.
    #[cfg(test)]
    pub(crate) fn of(bucket: &SandboxBucket) -> Self {
        match &bucket.encryption {
            _ if bucket.access_denied => Self::Denied,
            None => Self::Unencrypted,
            Some(EncryptionRule::Aes256) => Self::Aes256,
            Some(EncryptionRule::Sm4) => Self::Sm4,
            Some(EncryptionRule::Kms {
                data_encryption: Some(_),
                ..
            }) => Self::KmsSm4,
            Some(EncryptionRule::Kms {
                key_id: Some(_), ..
            }) => Self::KmsCmk,
            Some(EncryptionRule::Kms { key_id: None, .. }) => Self::KmsManaged,
        }
    }
}

/// Picks from `(item, weight)` pairs.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut ticket = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if ticket < *weight {
            return *item;
        }
        ticket -= weight;
    }
    items[items.len() - 1].0
}

/// A UUID-shaped KMS key id, as KMS issues them.
fn cmk_id(rng: &mut StdRng) -> KmsKeyId {
    let hex = |rng: &mut StdRng, n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
            .collect()
    };
    // Version 4, variant 1: `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
    let id = format!(
        "{}-{}-4{}-{}{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        ['8', '9', 'a', 'b'][rng.random_range(0..4)],
        hex(rng, 3),
        hex(rng, 12)
    );
    KmsKeyId::parse(&id).unwrap_or_else(|_| unreachable!("lowercase hex and hyphens form a key id"))
}

/// The encryption a bucket of `category` holds. Denied buckets hold a rule too (hidden from the
/// caller), so a test can check that it survives refused writes.
fn encryption(rng: &mut StdRng, category: Category) -> Option<EncryptionRule> {
    match category {
        Category::Unencrypted => None,
        Category::Aes256 => Some(EncryptionRule::Aes256),
        Category::Sm4 => Some(EncryptionRule::Sm4),
        Category::KmsManaged => Some(EncryptionRule::Kms {
            key_id: None,
            data_encryption: None,
        }),
        Category::KmsCmk => Some(EncryptionRule::Kms {
            key_id: Some(cmk_id(rng)),
            data_encryption: None,
        }),
        Category::KmsSm4 => Some(EncryptionRule::Kms {
            key_id: rng.random_bool(0.5).then(|| cmk_id(rng)),
            data_encryption: Some(KmsDataEncryption::Sm4),
        }),
        Category::Denied => {
            let hidden = weighted(rng, &Category::ALL[..Category::ALL.len() - 1]);
            encryption(rng, hidden)
        }
    }
}

/// `count` buckets, the same for the same `seed`. The first seven take one category each, so every
/// category is present whenever `count >= 7`; the rest follow the weights. Names are
/// `<team>-<purpose>-<region short>-<number>`, unique because each prefix numbers its buckets
/// upwards. Returned in creation order, not sorted.
pub(crate) fn population(count: usize, seed: u64) -> Vec<SandboxBucket> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut next_number: HashMap<(usize, usize, usize), u32> = HashMap::new();
    let mut buckets = Vec::with_capacity(count);
    for i in 0..count {
        let category = match Category::ALL.get(i) {
            Some((category, _)) => *category,
            None => weighted(&mut rng, &Category::ALL),
        };
        let team = rng.random_range(0..TEAMS.len());
        let purpose = rng.random_range(0..PURPOSES.len());
        let region = weighted(&mut rng, &[0, 1, 2, 3, 4, 5, 6].map(|i| (i, REGIONS[i].2)));
        let step = rng.random_range(1..=3);
        let number = next_number.entry((team, purpose, region)).or_insert(0);
        *number += step;
        let (region_id, short, _) = REGIONS[region];
        let raw = format!(
            "{}-{}-{short}-{:03}",
            TEAMS[team], PURPOSES[purpose], number
        );
        let (Ok(name), Ok(region)) = (BucketName::parse(&raw), Region::parse(region_id)) else {
            unreachable!("seed words are lowercase, short and hyphen-joined: {raw}");
        };
        let created = rng.random_range(CREATED_FROM..CREATED_TO);
        let mut bucket = SandboxBucket::new(name, region);
        bucket.creation_date = DateTime::from_timestamp(created, 0).unwrap_or_default();
        bucket.storage_class = weighted(&mut rng, &STORAGE_CLASSES);
        bucket.resource_group_id = (rng.random_range(0..1000) < CUSTOM_GROUP_PER_MILLE)
            .then(|| SANDBOX_RESOURCE_GROUP_ID.to_owned());
        bucket.encryption = encryption(&mut rng, category);
        bucket.access_denied = category == Category::Denied;
        // Without the generator, so that the rest of the population stays what it was.
        if i % CONFIDENTIAL_EVERY == 3 {
            bucket
                .tags
                .insert("data-class".to_owned(), "confidential".to_owned());
        }
        buckets.push(bucket);
    }
    buckets
}

/// `per_account` buckets for each of `owners`, names unique across them all: one population dealt
/// out in runs, so the first owner (the hub) holds exactly what a one-account sandbox with the same
/// seed holds.
pub(crate) fn estate_population(
    owners: &[AccountUid],
    per_account: usize,
    seed: u64,
) -> Vec<SandboxBucket> {
    let mut buckets = population(owners.len() * per_account, seed);
    for (i, bucket) in buckets.iter_mut().enumerate() {
        if let Some(owner) = owners.get(i / per_account.max(1)) {
            bucket.owner = owner.clone();
        }
    }
    buckets
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_population_and_another_seed_does_not() {
        assert_eq!(population(300, 42), population(300, 42));
        assert_ne!(population(300, 42), population(300, 43));
    }

    #[test]
    fn every_category_is_present_from_seven_buckets_on() {
        for seed in 0..20 {
            let kinds: HashSet<_> = population(7, seed).iter().map(Category::of).collect();
            assert_eq!(kinds.len(), 7, "seed {seed}");
        }
        let regions: HashSet<_> = population(200, 1).into_iter().map(|b| b.region).collect();
        assert_eq!(regions.len(), REGIONS.len());
    }

    #[test]
    fn the_mix_follows_the_weights() {
        let buckets = population(10_000, 9);
        for (category, percent) in Category::ALL {
            let n = buckets
                .iter()
                .filter(|b| Category::of(b) == category)
                .count();
            let expected = percent as usize * 100;
            assert!(
                n.abs_diff(expected) < expected / 5 + 40,
                "{category:?}: {n}"
            );
        }
        let custom = buckets
            .iter()
            .filter(|b| b.resource_group_id.is_some())
            .count();
        assert!((700..1300).contains(&custom), "{custom}");
        assert!(
            buckets
                .iter()
                .any(|b| b.storage_class == StorageClass::Archive)
        );
    }

    #[test]
    fn names_stay_valid_and_unique_at_100_000_buckets() {
        let buckets = population(100_000, 5);
        let names: HashSet<&str> = buckets.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names.len(), 100_000);
        assert!(buckets.iter().all(|b| b.name.as_str().len() <= 40));
        let now = chrono::Utc::now();
        assert!(buckets.iter().all(|b| b.creation_date < now));
    }

    #[test]
    fn an_estate_deals_unique_names_and_keeps_the_hubs_buckets() {
        let owners: Vec<AccountUid> = ["1763082937541213", "1763082937549132", "1763082937557051"]
            .iter()
            .map(|u| AccountUid::parse(u).unwrap())
            .collect();
        let estate = estate_population(&owners, 40, 42);
        assert_eq!(estate.len(), 120);
        let names: HashSet<&str> = estate.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names.len(), 120);
        for owner in &owners {
            assert_eq!(estate.iter().filter(|b| &b.owner == owner).count(), 40);
        }
        assert_eq!(estate[..40], population(40, 42)[..]);
    }

    #[test]
    fn cmk_ids_are_version_4_uuids() {
        let ids: Vec<String> = population(500, 2)
            .iter()
            .filter_map(|b| b.encryption.as_ref()?.kms_key_id().map(|k| k.to_string()))
            .collect();
        assert!(ids.len() > 20);
        for id in ids {
            let groups: Vec<&str> = id.split('-').collect();
            let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{id}");
            assert!(
                groups[2].starts_with('4') && "89ab".contains(&groups[3][..1]),
                "{id}"
            );
            assert!(
                id.chars()
                    .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            );
        }
    }

    #[test]
    fn a_name_says_its_region() {
        for bucket in population(100, 3) {
            let (_, short, _) = REGIONS
                .iter()
                .find(|(id, _, _)| *id == bucket.region.as_str())
                .unwrap();
            assert!(
                bucket.name.as_str().contains(&format!("-{short}-")),
                "{}",
                bucket.name
            );
        }
    }
}
