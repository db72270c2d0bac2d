//! PutBucketEncryption against the sandbox honours the key's state in KMS, as OSS does: a
//! disabled key, one pending deletion or import, a deleted or unknown key, another account's or
//! region's key and an account without KMS are refused with OSS's code and EC, and nothing
//! changes.

use chrono::{TimeDelta, Utc};
use oss_audit::domain::{EncryptionRule, KmsKeyId, KmsKeyState};
use oss_audit::oss::{BucketAddress, OssClient, OssError};
use oss_audit::sandbox::{SandboxBucket, SandboxHandle};

use crate::support::{client, estate, key_with_bucket, member_keys};

fn kms_rule(key: &str) -> EncryptionRule {
    EncryptionRule::Kms {
        key_id: Some(KmsKeyId::parse(key).unwrap()),
        data_encryption: None,
    }
}

fn address(bucket: &SandboxBucket) -> BucketAddress {
    BucketAddress::in_region(bucket.name.clone(), bucket.region.clone())
}

/// Puts `rule`; on refusal returns (status, code, EC) after checking the request id and that the
/// bucket's rule did not change.
async fn put(
    sandbox: &SandboxHandle,
    oss: &OssClient,
    bucket: &SandboxBucket,
    rule: &EncryptionRule,
) -> Result<(), (u16, String, String)> {
    let before = sandbox.bucket(bucket.name.as_str()).unwrap().encryption;
    match oss.put_bucket_encryption(&address(bucket), rule).await {
        Ok(_) => {
            let after = sandbox.bucket(bucket.name.as_str()).unwrap().encryption;
            assert_eq!(after.as_ref(), Some(rule));
            Ok(())
        }
        Err(OssError::Service(err)) => {
            assert!(err.request_id.is_some(), "{err}");
            assert_eq!(
                sandbox.bucket(bucket.name.as_str()).unwrap().encryption,
                before
            );
            Err((
                err.status,
                err.code.clone(),
                err.ec.clone().unwrap_or_default(),
            ))
        }
        Err(other) => panic!("not a refusal: {other}"),
    }
}

fn refused(status: u16, code: &str, ec: &str) -> Result<(), (u16, String, String)> {
    Err((status, code.to_owned(), ec.to_owned()))
}

#[tokio::test]
async fn writes_with_a_disabled_or_dying_key_fail_the_way_oss_fails_them() {
    let sandbox = estate(1, 40, |c| c.accept_unknown_kms_keys = false).await;
    let (key, bucket) = key_with_bucket(&sandbox, &sandbox.hub());
    let oss = client(&sandbox, |_| {});
    let rule = kms_rule(key.key_id.as_str());
    let id = &key.key_id;
    assert_eq!(put(&sandbox, &oss, &bucket, &rule).await, Ok(()));

    sandbox.disable_kms_key(id);
    assert_eq!(
        put(&sandbox, &oss, &bucket, &rule).await,
        refused(409, "KeyDisabled", "0005-00000214")
    );
    sandbox.schedule_kms_key_deletion(id, Utc::now() + TimeDelta::days(7));
    assert_eq!(
        put(&sandbox, &oss, &bucket, &rule).await,
        refused(409, "KeyPendingDeletion", "0005-00000215")
    );
    sandbox.set_kms_key_state(id, KmsKeyState::PendingImport);
    assert_eq!(
        put(&sandbox, &oss, &bucket, &rule).await,
        refused(409, "KeyPendingImport", "0005-00000216")
    );
    sandbox.enable_kms_key(id);
    assert_eq!(put(&sandbox, &oss, &bucket, &rule).await, Ok(()));

    // BYOK material that expired leaves the key waiting for an import.
    sandbox.set_kms_key_material_expiry(id, Some(Utc::now() - TimeDelta::seconds(1)));
    assert_eq!(
        put(&sandbox, &oss, &bucket, &rule).await,
        refused(409, "KeyPendingImport", "0005-00000216")
    );
    sandbox.set_kms_key_material_expiry(id, None);
    sandbox.enable_kms_key(id);

    sandbox.delete_kms_key(id);
    assert_eq!(
        put(&sandbox, &oss, &bucket, &rule).await,
        refused(404, "KeyNotFound", "0005-00000208")
    );
}

#[tokio::test]
async fn unknown_keys_aliases_and_other_accounts_or_regions_keys_are_not_found() {
    let sandbox = estate(2, 40, |c| c.accept_unknown_kms_keys = false).await;
    let hub = sandbox.hub();
    let (key, bucket) = key_with_bucket(&sandbox, &hub);
    let oss = client(&sandbox, |_| {});
    let not_found = refused(404, "KeyNotFound", "0005-00000208");
    assert_eq!(
        put(
            &sandbox,
            &oss,
            &bucket,
            &kms_rule("9468da86-3509-4f8d-a61e-6eab1eac0000")
        )
        .await,
        not_found
    );
    assert_eq!(
        put(&sandbox, &oss, &bucket, &kms_rule("alias/nobody-made-this")).await,
        refused(404, "AliasNotFound", "0005-00000208")
    );
    let alias = sandbox
        .kms_aliases()
        .into_iter()
        .find(|a| a.account == hub.uid)
        .expect("the seed names the hub's keys");
    let in_alias_region = sandbox
        .buckets_of(&hub.uid)
        .into_iter()
        .find(|b| b.region == alias.region && !b.access_denied)
        .expect("a hub bucket in the alias's region");
    assert_eq!(
        put(&sandbox, &oss, &in_alias_region, &kms_rule(&alias.name)).await,
        Ok(())
    );
    assert_eq!(
        put(&sandbox, &oss, &bucket, &kms_rule(key.arn.as_str())).await,
        Ok(())
    );

    let member = sandbox.members()[0].clone();
    let (members_key, members_bucket) = key_with_bucket(&sandbox, &member);
    let own_region_twin = sandbox
        .buckets_of(&hub.uid)
        .into_iter()
        .find(|b| &b.region == members_key.arn.region() && !b.access_denied)
        .expect("a hub bucket in the member key's region");
    assert_eq!(
        put(
            &sandbox,
            &oss,
            &own_region_twin,
            &kms_rule(members_key.key_id.as_str())
        )
        .await,
        not_found,
        "another account's key"
    );
    let elsewhere = sandbox
        .buckets_of(&hub.uid)
        .into_iter()
        .find(|b| &b.region != key.arn.region() && !b.access_denied)
        .expect("a hub bucket in another region");
    assert_eq!(
        put(&sandbox, &oss, &elsewhere, &kms_rule(key.key_id.as_str())).await,
        not_found,
        "a key of another region"
    );

    let member_oss = OssClient::with_credentials(
        crate::support::fast_config(&sandbox),
        member_keys(&sandbox, &member),
    )
    .unwrap();
    let members_rule = kms_rule(members_key.key_id.as_str());
    assert_eq!(
        put(&sandbox, &member_oss, &members_bucket, &members_rule).await,
        Ok(())
    );
}

#[tokio::test]
async fn an_account_without_kms_may_not_choose_sse_kms_at_all() {
    let sandbox = estate(1, 40, |_| {}).await;
    let hub = sandbox.hub();
    let (key, bucket) = key_with_bucket(&sandbox, &hub);
    let oss = client(&sandbox, |_| {});
    sandbox.set_kms_activated(&hub.uid, false);
    let managed = EncryptionRule::Kms {
        key_id: None,
        data_encryption: None,
    };
    for rule in [kms_rule(key.key_id.as_str()), managed.clone()] {
        assert_eq!(
            put(&sandbox, &oss, &bucket, &rule).await,
            refused(403, "KmsServiceNotEnabled", "0005-00000218")
        );
    }
    assert_eq!(
        put(&sandbox, &oss, &bucket, &EncryptionRule::Aes256).await,
        Ok(())
    );
    sandbox.set_kms_activated(&hub.uid, true);
    assert_eq!(put(&sandbox, &oss, &bucket, &managed).await, Ok(()));
}

#[tokio::test]
async fn a_sandbox_that_accepts_unknown_keys_still_refuses_known_unusable_ones() {
    let sandbox = estate(1, 40, |_| {}).await;
    let (key, bucket) = key_with_bucket(&sandbox, &sandbox.hub());
    let oss = client(&sandbox, |_| {});
    for made_up in ["alias/prod", "9468da86-3509-4f8d-a61e-6eab1eac0000"] {
        assert_eq!(
            put(&sandbox, &oss, &bucket, &kms_rule(made_up)).await,
            Ok(())
        );
    }
    sandbox.disable_kms_key(&key.key_id);
    assert_eq!(
        put(&sandbox, &oss, &bucket, &kms_rule(key.key_id.as_str())).await,
        refused(409, "KeyDisabled", "0005-00000214")
    );
    sandbox.delete_kms_key(&key.key_id);
    assert_eq!(
        put(&sandbox, &oss, &bucket, &kms_rule(key.key_id.as_str())).await,
        refused(404, "KeyNotFound", "0005-00000208"),
        "a deleted key is known to be gone"
    );
    sandbox.set_accept_unknown_kms_keys(false);
    assert_eq!(
        put(&sandbox, &oss, &bucket, &kms_rule("alias/prod")).await,
        refused(404, "AliasNotFound", "0005-00000208")
    );
    let fresh = sandbox.create_kms_key(&sandbox.hub().uid, &bucket.region);
    assert!(sandbox.set_kms_alias("alias/prod", &fresh.key_id));
    assert_eq!(
        put(&sandbox, &oss, &bucket, &kms_rule("alias/prod")).await,
        Ok(())
    );
}
