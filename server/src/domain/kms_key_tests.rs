use super::*;

#[test]
fn key_states_parse_and_only_enabled_is_usable() {
    for (raw, usable) in [
        ("Enabled", true),
        ("Disabled", false),
        ("PendingDeletion", false),
        ("PendingImport", false),
        ("Archived", false),
    ] {
        let state = KmsKeyState::parse(raw).unwrap();
        assert_eq!((state.as_str(), state.is_usable()), (raw, usable));
    }
    assert_eq!(
        KmsKeyState::parse("Archived").unwrap(),
        KmsKeyState::Other("Archived".into())
    );
    assert_eq!(KmsKeyState::parse(""), Err(KmsKeyError::Empty("KeyState")));
}

#[test]
fn origins_protection_levels_and_rotation_keep_unknown_values() {
    assert_eq!(KeyOrigin::parse("EXTERNAL").unwrap(), KeyOrigin::External);
    assert_eq!(
        KeyOrigin::parse("Aliyun_KMS").unwrap().as_str(),
        "Aliyun_KMS"
    );
    assert_eq!(
        KeyOrigin::parse("HSM_IMPORT").unwrap().as_str(),
        "HSM_IMPORT"
    );
    assert!(KeyOrigin::parse("").is_err());
    assert_eq!(ProtectionLevel::parse("HSM").unwrap(), ProtectionLevel::Hsm);
    assert_eq!(
        ProtectionLevel::parse("SOFTWARE").unwrap().as_str(),
        "SOFTWARE"
    );
    assert_eq!(RotationStatus::parse(""), RotationStatus::Disabled);
    assert_eq!(RotationStatus::parse("Suspended").as_str(), "Suspended");
    assert_eq!(
        RotationStatus::parse("Paused"),
        RotationStatus::Other("Paused".into())
    );
}

#[test]
fn rotation_intervals_take_every_unit_and_print_seconds() {
    for (raw, secs) in [
        ("31536000s", 31_536_000),
        ("365d", 31_536_000),
        ("8760h", 31_536_000),
        ("30m", 1800),
        ("7d", 604_800),
    ] {
        let interval = RotationInterval::parse(raw).unwrap();
        assert_eq!(interval.as_secs(), secs, "{raw}");
    }
    assert_eq!(RotationInterval::from_secs(604_800).to_string(), "604800s");
    for bad in [
        "",
        "s",
        "365",
        "1y",
        "-5d",
        "1.5d",
        "99999999999999999999d",
        "+5s",
        "5 d",
    ] {
        assert!(RotationInterval::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn arns_name_region_account_and_key() {
    let arn = KmsKeyArn::parse(
        "acs:kms:cn-hangzhou:1540355698848459:key/05754286-3ba2-4fa6-8d41-4323aca6f2a1",
    )
    .unwrap();
    assert_eq!(arn.region().as_str(), "cn-hangzhou");
    assert_eq!(arn.account().as_str(), "1540355698848459");
    assert_eq!(
        arn.key_id().as_str(),
        "05754286-3ba2-4fa6-8d41-4323aca6f2a1"
    );
    assert_eq!(
        KmsKeyArn::new(arn.region(), arn.account(), arn.key_id()),
        arn
    );
    for bad in [
        "",
        "acs:kms:cn-hangzhou:1540355698848459:alias/x",
        "acs:ram::1540355698848459:role/x",
        "acs:kms:oss-cn-hangzhou:1540355698848459:key/k-1",
        "acs:kms:cn-hangzhou:15403556988****:key/k-1",
        "acs:kms:cn-hangzhou:1540355698848459:key/",
        "acs:kms:cn-hangzhou:1540355698848459:key/a/b",
    ] {
        assert!(KmsKeyArn::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_key_pending_deletion_is_readable_until_its_delete_date() {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    let region = Region::parse("cn-hangzhou").unwrap();
    let account = AccountUid::parse("1763082937541213").unwrap();
    let key_id = KmsKeyId::parse("key-hzz6example").unwrap();
    let mut key = KeyMetadata {
        arn: KmsKeyArn::new(&region, &account, &key_id),
        key_id,
        state: KmsKeyState::PendingDeletion,
        delete_date: Some(at("2026-12-20T00:00:00Z")),
        key_spec: "Aliyun_AES_256".into(),
        key_usage: "ENCRYPT/DECRYPT".into(),
        origin: KeyOrigin::External,
        material_expire_time: Some(at("2026-07-01T00:00:00Z")),
        protection_level: ProtectionLevel::Software,
        rotation: KeyRotation::off(),
        deletion_protection: false,
        creation_date: at("2024-01-01T00:00:00Z"),
    };
    assert!(!key.is_usable());
    assert_eq!(key.readable_until(), Some(at("2026-12-20T00:00:00Z")));
    let june = at("2026-06-05T00:00:00Z");
    assert!(key.material_expires_within(june, TimeDelta::days(30)));
    assert!(!key.material_expires_within(june, TimeDelta::days(20)));
    key.state = KmsKeyState::Enabled;
    assert_eq!(key.readable_until(), None);
    assert!(key.is_usable() && !key.rotation.is_on());
}
