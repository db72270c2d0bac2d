//! DescribeKey against the sandbox's KMS: every key state as the sandbox holds it, aliases and
//! ARNs, keys of other accounts and regions, assumed-role keys, and KMS's refusals with their
//! code and request id.

use chrono::{DateTime, TimeDelta, Utc};
use oss_audit::cloud::KmsRefusal;
use oss_audit::domain::{KmsKeyId, KmsKeyState, RamAction, Region, RotationInterval};
use oss_audit::sandbox::{RequestKind, SandboxPrincipal};

use crate::support::{estate, fast_config, hub_kms, key_with_bucket, member_keys, sandbox_kms};

use super::rpc_refusal;

/// A named change a test makes to the sandbox's key.
type Change<'a> = (&'static str, Box<dyn Fn() + 'a>);

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap()
}

#[tokio::test]
async fn describe_key_reports_every_state_exactly_as_the_sandbox_holds_it() {
    let sandbox = estate(1, 40, |_| {}).await;
    let (key, _) = key_with_bucket(&sandbox, &sandbox.hub());
    let kms = hub_kms(&sandbox, key.arn.region());
    let id = key.key_id.clone();
    let deletion = whole_seconds(Utc::now() + TimeDelta::days(7));
    let changes: [Change<'_>; 6] = [
        ("enabled", Box::new(|| assert!(sandbox.enable_kms_key(&id)))),
        (
            "disabled",
            Box::new(|| assert!(sandbox.disable_kms_key(&id))),
        ),
        (
            "pending deletion",
            Box::new(|| assert!(sandbox.schedule_kms_key_deletion(&id, deletion))),
        ),
        (
            "pending import",
            Box::new(|| assert!(sandbox.set_kms_key_state(&id, KmsKeyState::PendingImport))),
        ),
        (
            "a state KMS may add",
            Box::new(|| {
                assert!(sandbox.set_kms_key_state(&id, KmsKeyState::Other("Archived".into())))
            }),
        ),
        (
            "rotating BYOK",
            Box::new(|| {
                assert!(sandbox.enable_kms_key(&id));
                let expiry = whole_seconds(Utc::now() + TimeDelta::days(20));
                assert!(sandbox.set_kms_key_material_expiry(&id, Some(expiry)));
                let interval = RotationInterval::parse("30d").unwrap();
                assert!(sandbox.set_kms_key_rotation(&id, Some(interval)));
            }),
        ),
    ];
    for (name, change) in changes {
        change();
        let described = kms.describe_key(&id).await.unwrap();
        let truth = sandbox.kms_key(&id).unwrap();
        assert_eq!(described.metadata, truth, "{name}");
        assert!(!described.request_id.is_empty());
    }
    let last = kms.describe_key(&id).await.unwrap().metadata;
    assert!(last.is_usable() && last.rotation.is_on());
    assert!(last.material_expires_within(Utc::now(), TimeDelta::days(30)));
    assert_eq!(
        last.rotation.interval.map(|i| i.as_secs()),
        Some(30 * 86_400)
    );

    sandbox.schedule_kms_key_deletion(&id, deletion);
    let pending = kms.describe_key(&id).await.unwrap().metadata;
    assert_eq!(pending.state, KmsKeyState::PendingDeletion);
    assert_eq!(pending.readable_until(), Some(deletion));
    assert!(sandbox.requests_served_by(RequestKind::DescribeKey) >= 8);
}

#[tokio::test]
async fn aliases_and_arns_resolve_to_the_keys_own_id() {
    let sandbox = estate(1, 40, |_| {}).await;
    let aliases = sandbox.kms_aliases();
    assert_eq!(aliases.len(), 2, "the seed names two keys per account");
    for alias in aliases {
        let kms = hub_kms(&sandbox, &alias.region);
        let by_alias = kms
            .describe_key(&KmsKeyId::parse(&alias.name).unwrap())
            .await
            .unwrap()
            .metadata;
        assert_eq!(by_alias.key_id, alias.key_id, "{}", alias.name);
        let by_arn = kms
            .describe_key(&KmsKeyId::parse(by_alias.arn.as_str()).unwrap())
            .await
            .unwrap()
            .metadata;
        assert_eq!(by_arn, by_alias);
    }
}

#[tokio::test]
async fn keys_of_another_account_or_region_and_deleted_keys_are_not_found() {
    let sandbox = estate(2, 40, |_| {}).await;
    let member = sandbox.members()[0].clone();
    let (members_key, _) = key_with_bucket(&sandbox, &member);
    let region = members_key.arn.region().clone();
    let hub = hub_kms(&sandbox, &region);
    let err = hub.describe_key(&members_key.key_id).await.unwrap_err();
    assert_eq!(
        rpc_refusal(&err),
        (404, "Forbidden.KeyNotFound", true),
        "{err}"
    );
    assert_eq!(KmsRefusal::of(&err), Some(KmsRefusal::KeyNotFound));

    let elsewhere = Region::parse(if region.as_str() == "cn-beijing" {
        "cn-shanghai"
    } else {
        "cn-beijing"
    })
    .unwrap();
    let member_elsewhere = sandbox_kms(
        &fast_config(&sandbox),
        &elsewhere,
        member_keys(&sandbox, &member),
    );
    let err = member_elsewhere
        .describe_key(&members_key.key_id)
        .await
        .unwrap_err();
    assert_eq!(rpc_refusal(&err).1, "Forbidden.KeyNotFound", "{err}");

    let err = hub
        .describe_key(&KmsKeyId::parse("alias/nobody-made-this").unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        rpc_refusal(&err),
        (404, "Forbidden.AliasNotFound", true),
        "{err}"
    );
    assert!(KmsRefusal::of(&err).is_some_and(KmsRefusal::is_not_found));

    let (own, _) = key_with_bucket(&sandbox, &sandbox.hub());
    let own_kms = hub_kms(&sandbox, own.arn.region());
    assert!(sandbox.schedule_kms_key_deletion(&own.key_id, Utc::now() - TimeDelta::seconds(1)));
    let err = own_kms.describe_key(&own.key_id).await.unwrap_err();
    assert_eq!(
        rpc_refusal(&err).1,
        "Forbidden.KeyNotFound",
        "a key past its deletion date is gone"
    );
    assert_eq!(sandbox.kms_key(&own.key_id), None);
}

#[tokio::test]
async fn a_member_account_describes_its_keys_with_its_assumed_role_keys() {
    let sandbox = estate(3, 40, |_| {}).await;
    let member = sandbox.members()[1].clone();
    let (key, _) = key_with_bucket(&sandbox, &member);
    let keys = member_keys(&sandbox, &member);
    let kms = sandbox_kms(&fast_config(&sandbox), key.arn.region(), keys.clone());
    for _ in 0..3 {
        let described = kms.describe_key(&key.key_id).await.unwrap().metadata;
        assert_eq!(described.arn.account(), &member.uid);
    }
    assert!(keys.expiration().is_some(), "the role was assumed");
    assert_eq!(
        sandbox.requests_served_by(RequestKind::AssumeRole),
        1,
        "one session serves every call"
    );
    assert_eq!(sandbox.requests_served_by(RequestKind::DescribeKey), 3);

    // Denying the role's sessions leaves the hub's own keys alone, and the other way round.
    let role = SandboxPrincipal::Role(member.role_arn.clone());
    assert!(sandbox.deny(role.clone(), RamAction::KmsDescribeKey));
    let err = kms.describe_key(&key.key_id).await.unwrap_err();
    assert_eq!(
        rpc_refusal(&err),
        (403, "Forbidden.NoPermission", true),
        "{err}"
    );
    assert_eq!(KmsRefusal::of(&err), Some(KmsRefusal::NoPermission));
    let (hubs_key, _) = key_with_bucket(&sandbox, &sandbox.hub());
    hub_kms(&sandbox, hubs_key.arn.region())
        .describe_key(&hubs_key.key_id)
        .await
        .unwrap();
    assert!(sandbox.allow(role, RamAction::KmsDescribeKey));
    kms.describe_key(&key.key_id).await.unwrap();
}

#[tokio::test]
async fn refusals_keep_kms_code_and_request_id() {
    let sandbox = estate(1, 40, |_| {}).await;
    let hub = sandbox.hub();
    let (key, _) = key_with_bucket(&sandbox, &hub);
    let kms = hub_kms(&sandbox, key.arn.region());

    let hub_key = SandboxPrincipal::AccessKey(sandbox.credentials().access_key_id);
    sandbox.deny(hub_key.clone(), RamAction::KmsDescribeKey);
    let err = kms.describe_key(&key.key_id).await.unwrap_err();
    assert_eq!(rpc_refusal(&err), (403, "Forbidden.NoPermission", true));
    let shown = err.to_string();
    assert!(
        shown.contains("Kms refused DescribeKey") && shown.contains("request id "),
        "{shown}"
    );
    sandbox.allow(hub_key, RamAction::KmsDescribeKey);

    sandbox.set_kms_activated(&hub.uid, false);
    let err = kms.describe_key(&key.key_id).await.unwrap_err();
    assert_eq!(
        rpc_refusal(&err),
        (403, "Forbidden.KmsServiceNotEnabled", true)
    );
    assert_eq!(KmsRefusal::of(&err), Some(KmsRefusal::NotActivated));
    sandbox.set_kms_activated(&hub.uid, true);

    let before = sandbox.requests_served_by(RequestKind::DescribeKey);
    sandbox.set_throttle_rate(1.0);
    let err = kms.describe_key(&key.key_id).await.unwrap_err();
    assert_eq!(rpc_refusal(&err), (400, "Throttling.User", true));
    assert_eq!(
        sandbox.requests_served_by(RequestKind::DescribeKey) - before,
        5,
        "throttling is retried up to max_attempts"
    );
    sandbox.set_throttle_rate(0.0);
    assert!(
        kms.describe_key(&key.key_id)
            .await
            .unwrap()
            .metadata
            .is_usable()
    );
}
