//! `SandboxHandle`'s hooks on KMS keys and on denied permissions: what tests change to see a key
//! become unusable, or a permission go missing.

use chrono::{DateTime, DurationRound as _, TimeDelta, Utc};

use super::access::{Denial, SandboxPrincipal};
use super::handle::SandboxHandle;
use super::kms::{new_key, random_key_id};
use crate::domain::{
    AccountUid, KeyMetadata, KeyOrigin, KmsKeyId, KmsKeyState, RamAction, Region, RotationInterval,
    RotationStatus,
};

/// An alias as the sandbox's KMS holds it: a name in one account and region, naming a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxAlias {
    pub account: AccountUid,
    pub region: Region,
    /// With its `alias/` prefix.
    pub name: String,
    pub key_id: KmsKeyId,
}

impl SandboxHandle {
    /// Every KMS key of every account, as DescribeKey would show it now, sorted by id.
    pub fn kms_keys(&self) -> Vec<KeyMetadata> {
        self.state.kms.keys(self.state.now())
    }

    /// One account's keys.
    pub fn kms_keys_of(&self, account: &AccountUid) -> Vec<KeyMetadata> {
        let mut keys = self.kms_keys();
        keys.retain(|k| k.arn.account() == account);
        keys
    }

    /// One key by id; `None` once deleted.
    pub fn kms_key(&self, key_id: &KmsKeyId) -> Option<KeyMetadata> {
        self.kms_keys().into_iter().find(|k| &k.key_id == key_id)
    }

    /// Every alias, sorted by account, region and name.
    pub fn kms_aliases(&self) -> Vec<SandboxAlias> {
        self.state
            .kms
            .aliases()
            .into_iter()
            .map(|(alias, key_id)| SandboxAlias {
                account: alias.account,
                region: alias.region,
                name: alias.name,
                key_id,
            })
            .collect()
    }

    /// The sandbox clock in whole seconds, as KMS prints its dates.
    fn now_secs(&self) -> DateTime<Utc> {
        let now = self.state.now();
        now.duration_trunc(TimeDelta::seconds(1)).unwrap_or(now)
    }

    /// Makes a new `Enabled` key (KMS-made, software, no rotation) for `account` in `region`,
    /// created a day ago.
    pub fn create_kms_key(&self, account: &AccountUid, region: &Region) -> KeyMetadata {
        let created = self.now_secs() - TimeDelta::days(1);
        let key = new_key(account, region, random_key_id(), created);
        self.state.kms.insert(key.clone());
        key
    }

    /// Adds or replaces a key exactly as given (its ARN says its account and region).
    pub fn insert_kms_key(&self, key: KeyMetadata) {
        self.state.kms.insert(key);
    }

    /// Points `alias` (`alias/…`) at a key, in the key's account and region; `false` if there is
    /// no such key or the name is not an alias.
    pub fn set_kms_alias(&self, alias: &str, key_id: &KmsKeyId) -> bool {
        self.state.kms.set_alias(alias, key_id)
    }

    /// Enables a key (also cancelling a scheduled deletion); `false` if there is no such key.
    pub fn enable_kms_key(&self, key_id: &KmsKeyId) -> bool {
        self.state.kms.update(key_id, |k| {
            k.state = KmsKeyState::Enabled;
            k.delete_date = None;
        })
    }

    /// Disables a key: OSS then refuses writes with it (409 KeyDisabled).
    pub fn disable_kms_key(&self, key_id: &KmsKeyId) -> bool {
        self.set_kms_key_state(key_id, KmsKeyState::Disabled)
    }

    /// Sets a key's state as given (`PendingImport`, or a state KMS may add later).
    pub fn set_kms_key_state(&self, key_id: &KmsKeyId, state: KmsKeyState) -> bool {
        self.state.kms.update(key_id, |k| k.state = state)
    }

    /// Schedules a key's deletion at `at` (sandbox clock): `PendingDeletion` until then (409
    /// KeyPendingDeletion for OSS writes), deleted after.
    pub fn schedule_kms_key_deletion(&self, key_id: &KmsKeyId, at: DateTime<Utc>) -> bool {
        self.state.kms.update(key_id, |k| {
            k.state = KmsKeyState::PendingDeletion;
            k.delete_date = Some(at);
        })
    }

    /// Deletes a key now, with its aliases: KMS answers Forbidden.KeyNotFound, OSS KeyNotFound.
    pub fn delete_kms_key(&self, key_id: &KmsKeyId) -> bool {
        self.state.kms.delete(key_id)
    }

    /// Turns automatic rotation on every `interval` (the next one due an interval from now), or
    /// off with `None`.
    pub fn set_kms_key_rotation(
        &self,
        key_id: &KmsKeyId,
        interval: Option<RotationInterval>,
    ) -> bool {
        let now = self.now_secs();
        self.state.kms.update(key_id, |k| match interval {
            Some(interval) => {
                k.rotation.status = RotationStatus::Enabled;
                k.rotation.interval = Some(interval);
                let secs = i64::try_from(interval.as_secs()).unwrap_or(i64::MAX);
                k.rotation.next = TimeDelta::try_seconds(secs).map(|d| now + d);
            }
            None => {
                k.rotation.status = RotationStatus::Disabled;
                k.rotation.interval = None;
                k.rotation.next = None;
            }
        })
    }

    /// Makes a key a BYOK key (`EXTERNAL`) whose imported material expires at `expires` (`None`:
    /// never); once it has, the key waits in `PendingImport`.
    pub fn set_kms_key_material_expiry(
        &self,
        key_id: &KmsKeyId,
        expires: Option<DateTime<Utc>>,
    ) -> bool {
        self.state.kms.update(key_id, |k| {
            k.origin = KeyOrigin::External;
            k.material_expire_time = expires;
        })
    }

    /// Activates or deactivates KMS for an account: deactivated, DescribeKey answers 403
    /// Forbidden.KmsServiceNotEnabled and OSS refuses SSE-KMS with 403 KmsServiceNotEnabled.
    pub fn set_kms_activated(&self, account: &AccountUid, activated: bool) {
        self.state.kms.set_activated(account, activated);
    }

    /// Whether PutBucketEncryption takes KMS keys the sandbox never heard of (the
    /// `--accept-unknown-kms-keys` flag).
    pub fn set_accept_unknown_kms_keys(&self, accept: bool) {
        self.state.set_accept_unknown_kms_keys(accept);
    }

    /// Denies `action` to `principal` (an access key, or every session of a role) from now on;
    /// `false` if it already was.
    pub fn deny(&self, principal: SandboxPrincipal, action: RamAction) -> bool {
        self.state.denials.set(Denial { principal, action }, true)
    }

    /// Lifts a denial; `false` if there was none.
    pub fn allow(&self, principal: SandboxPrincipal, action: RamAction) -> bool {
        self.state.denials.set(Denial { principal, action }, false)
    }

    /// The denials in force, sorted.
    pub fn denials(&self) -> Vec<Denial> {
        self.state.denials.all()
    }
}
