use chrono::TimeDelta;

use super::*;
use crate::domain::ProtectionLevel;
use crate::sandbox::seed::estate_population;

fn uid(raw: &str) -> AccountUid {
    AccountUid::parse(raw).unwrap()
}

fn region(raw: &str) -> Region {
    Region::parse(raw).unwrap()
}

fn kms_with_one_key() -> (Kms, KeyMetadata) {
    let key = new_key(
        &uid("1763082937541213"),
        &region("cn-hangzhou"),
        KmsKeyId::parse("0b3e1a2c-1111-4222-8333-444455556666").unwrap(),
        Utc::now() - TimeDelta::days(100),
    );
    let kms = Kms::new(vec![key.clone()], Vec::new());
    assert!(kms.set_alias("alias/prod", &key.key_id));
    (kms, key)
}

#[test]
fn keys_are_found_by_id_alias_and_arn_in_their_own_account_and_region_only() {
    let (kms, key) = kms_with_one_key();
    let (hub, hz, now) = (uid("1763082937541213"), region("cn-hangzhou"), Utc::now());
    for reference in [key.key_id.as_str(), "alias/prod", key.arn.as_str()] {
        assert_eq!(
            kms.describe(&hub, &hz, reference, now),
            Ok(key.clone()),
            "{reference}"
        );
    }
    let member = uid("1763082937549132");
    assert_eq!(
        kms.describe(&member, &hz, key.key_id.as_str(), now),
        Err(KeyLookupError::KeyNotFound)
    );
    assert_eq!(
        kms.describe(&hub, &region("cn-beijing"), key.key_id.as_str(), now),
        Err(KeyLookupError::KeyNotFound)
    );
    assert_eq!(
        kms.describe(&member, &hz, "alias/prod", now),
        Err(KeyLookupError::AliasNotFound)
    );
    let foreign_arn = KmsKeyArn::new(&hz, &member, &key.key_id);
    assert_eq!(
        kms.describe(&hub, &hz, foreign_arn.as_str(), now),
        Err(KeyLookupError::KeyNotFound)
    );
    kms.set_activated(&hub, false);
    assert_eq!(
        kms.describe(&hub, &hz, "alias/prod", now),
        Err(KeyLookupError::NotActivated)
    );
}

#[test]
fn time_deletes_keys_past_their_date_and_expires_byok_material() {
    let (kms, key) = kms_with_one_key();
    let (hub, hz, now) = (uid("1763082937541213"), region("cn-hangzhou"), Utc::now());
    kms.update(&key.key_id, |k| {
        k.origin = KeyOrigin::External;
        k.material_expire_time = Some(now + TimeDelta::days(1));
    });
    assert_eq!(
        kms.describe(&hub, &hz, "alias/prod", now).unwrap().state,
        KmsKeyState::Enabled
    );
    let later = now + TimeDelta::days(2);
    assert_eq!(
        kms.describe(&hub, &hz, "alias/prod", later).unwrap().state,
        KmsKeyState::PendingImport
    );
    kms.update(&key.key_id, |k| {
        k.state = KmsKeyState::PendingDeletion;
        k.delete_date = Some(later);
    });
    assert!(kms.describe(&hub, &hz, "alias/prod", now).is_ok());
    assert_eq!(
        kms.describe(&hub, &hz, key.key_id.as_str(), later),
        Err(KeyLookupError::KeyNotFound)
    );
    assert!(kms.keys(later).is_empty() && kms.aliases().is_empty());
}

#[test]
fn oss_may_use_only_enabled_keys_and_unknown_ones_only_when_told() {
    let (kms, key) = kms_with_one_key();
    let (hub, hz, now) = (uid("1763082937541213"), region("cn-hangzhou"), Utc::now());
    let check = |id: &str, lenient: bool| {
        kms.check_usable(&hub, &hz, Some(&KmsKeyId::parse(id).unwrap()), lenient, now)
    };
    assert_eq!(check("alias/prod", false), Ok(()));
    let unknown = "9468da86-3509-4f8d-a61e-6eab1eac0000";
    assert_eq!(
        check(unknown, false),
        Err(UnusableKey::Lookup(KeyLookupError::KeyNotFound))
    );
    assert_eq!(check(unknown, true), Ok(()));
    assert_eq!(check("alias/unknown", true), Ok(()));
    kms.update(&key.key_id, |k| k.state = KmsKeyState::Disabled);
    assert_eq!(
        check(key.key_id.as_str(), true),
        Err(UnusableKey::State(KmsKeyState::Disabled))
    );
    assert!(kms.delete(&key.key_id));
    assert_eq!(
        check(key.key_id.as_str(), true),
        Err(UnusableKey::Lookup(KeyLookupError::KeyNotFound)),
        "a deleted key stays refused"
    );
    assert_eq!(kms.check_usable(&hub, &hz, None, false, now), Ok(()));
    kms.set_activated(&hub, false);
    assert_eq!(
        kms.check_usable(&hub, &hz, None, true, now),
        Err(UnusableKey::Lookup(KeyLookupError::NotActivated))
    );
}

#[test]
fn every_seeded_customer_key_is_a_key_of_its_buckets_account_and_region() {
    let owners = [uid("1763082937541213"), uid("1763082937549132")];
    let buckets = estate_population(&owners, 150, 42);
    let (keys, aliases) = seeded(&buckets);
    assert_eq!(
        seeded(&buckets).0,
        keys,
        "the same buckets give the same keys"
    );
    let kms = Kms::new(keys.clone(), aliases.clone());
    let named: Vec<_> = buckets
        .iter()
        .filter_map(|b| Some((b, b.encryption.as_ref()?.kms_key_id()?)))
        .collect();
    assert!(named.len() > 20);
    for (bucket, key) in named {
        let described = kms.describe(&bucket.owner, &bucket.region, key.as_str(), Utc::now());
        assert_eq!(
            described.map(|k| k.state),
            Ok(KmsKeyState::Enabled),
            "{}",
            bucket.name
        );
    }
    assert_eq!(aliases.len(), 4, "two per account");
    for (alias, key) in &aliases {
        let described = kms.describe(&alias.account, &alias.region, &alias.name, Utc::now());
        assert_eq!(described.map(|k| k.key_id), Ok(key.clone()));
    }
    assert!(keys.iter().any(|k| k.rotation.is_on()));
    assert!(keys.iter().any(|k| !k.rotation.is_on()));
    assert!(
        keys.iter()
            .any(|k| k.protection_level == ProtectionLevel::Hsm)
    );
    assert!(
        keys.iter()
            .all(|k| k.rotation.next.is_none_or(|n| n > k.creation_date))
    );
}

#[test]
fn random_key_ids_are_version_4_uuids() {
    let id = random_key_id();
    let groups: Vec<usize> = id.as_str().split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12]);
    assert_eq!(&id.as_str()[14..15], "4");
    assert_ne!(random_key_id(), id);
}
