//! The sandbox's KMS: customer master keys per account and region, with states, aliases,
//! rotation, BYOK material expiry and deletion dates; what DescribeKey answers and what OSS checks
//! a bucket's key against.
//!
//! Time moves keys on as it does in KMS: a key pending deletion is gone once its `DeleteDate`
//! passes, and a BYOK key whose material expired waits in `PendingImport`.

mod seed;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{PoisonError, RwLock, RwLockWriteGuard};

use chrono::{DateTime, Utc};

pub(crate) use seed::{new_key, random_key_id, seeded, share_keys};

use crate::domain::{AccountUid, KeyMetadata, KeyOrigin, KmsKeyArn, KmsKeyId, KmsKeyState, Region};

/// An alias, as KMS scopes it: one name per account and region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct AliasName {
    pub(crate) account: AccountUid,
    pub(crate) region: Region,
    /// With its `alias/` prefix.
    pub(crate) name: String,
}

/// Why KMS cannot answer about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyLookupError {
    /// KMS was never activated for the account.
    NotActivated,
    /// No such key in the account and region (never made, deleted, or another account's).
    KeyNotFound,
    AliasNotFound,
}

/// Why OSS will not encrypt with a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UnusableKey {
    Lookup(KeyLookupError),
    State(KmsKeyState),
}

/// Every key of every account, behind one lock (never held across an `.await`).
#[derive(Debug, Default)]
pub(crate) struct Kms(RwLock<Inner>);

#[derive(Debug, Default)]
struct Inner {
    /// By key id.
    keys: BTreeMap<String, KeyMetadata>,
    aliases: BTreeMap<AliasName, KmsKeyId>,
    /// Ids of deleted keys: still refused when the sandbox accepts unknown keys.
    deleted: BTreeSet<String>,
    /// Accounts that never activated KMS.
    inactive: BTreeSet<AccountUid>,
}

impl Kms {
    /// KMS holding `keys` and `aliases`.
    pub(crate) fn new(keys: Vec<KeyMetadata>, aliases: Vec<(AliasName, KmsKeyId)>) -> Self {
        let inner = Inner {
            keys: keys
                .into_iter()
                .map(|k| (k.key_id.as_str().to_owned(), k))
                .collect(),
            aliases: aliases.into_iter().collect(),
            ..Inner::default()
        };
        Self(RwLock::new(inner))
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// What DescribeKey tells `account` in `region` about `reference` (a key id, `alias/…` or
    /// ARN) at `now`.
    pub(crate) fn describe(
        &self,
        account: &AccountUid,
        region: &Region,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyMetadata, KeyLookupError> {
        let mut inner = self.write();
        if inner.inactive.contains(account) {
            return Err(KeyLookupError::NotActivated);
        }
        let key_id = inner.resolve(account, region, reference)?;
        inner.settle(&key_id, now);
        inner
            .keys
            .get(&key_id)
            .cloned()
            .ok_or(KeyLookupError::KeyNotFound)
    }

    /// Whether OSS may encrypt a bucket of `account` in `region` with `key` (`None`: the
    /// OSS-managed default key, which needs KMS activated only). With `accept_unknown`, a key
    /// the sandbox never heard of passes; a deleted key, another account's or region's, or a
    /// key in a state other than `Enabled` never does.
    pub(crate) fn check_usable(
        &self,
        account: &AccountUid,
        region: &Region,
        key: Option<&KmsKeyId>,
        accept_unknown: bool,
        now: DateTime<Utc>,
    ) -> Result<(), UnusableKey> {
        let Some(key) = key else {
            let inactive = self.write().inactive.contains(account);
            return if inactive {
                Err(UnusableKey::Lookup(KeyLookupError::NotActivated))
            } else {
                Ok(())
            };
        };
        match self.describe(account, region, key.as_str(), now) {
            Ok(meta) if meta.is_usable() => Ok(()),
            Ok(meta) => Err(UnusableKey::State(meta.state)),
            Err(KeyLookupError::NotActivated) => {
                Err(UnusableKey::Lookup(KeyLookupError::NotActivated))
            }
            Err(_) if accept_unknown && !self.write().known_anywhere(key.as_str()) => Ok(()),
            Err(err) => Err(UnusableKey::Lookup(err)),
        }
    }

    /// Every key (time applied), sorted by id.
    pub(crate) fn keys(&self, now: DateTime<Utc>) -> Vec<KeyMetadata> {
        let mut inner = self.write();
        let ids: Vec<String> = inner.keys.keys().cloned().collect();
        for id in &ids {
            inner.settle(id, now);
        }
        inner.keys.values().cloned().collect()
    }

    /// Every alias and the key it names.
    pub(crate) fn aliases(&self) -> Vec<(AliasName, KmsKeyId)> {
        self.write()
            .aliases
            .iter()
            .map(|(alias, key)| (alias.clone(), key.clone()))
            .collect()
    }

    /// Adds or replaces a key.
    pub(crate) fn insert(&self, key: KeyMetadata) {
        let mut inner = self.write();
        inner.deleted.remove(key.key_id.as_str());
        inner.keys.insert(key.key_id.as_str().to_owned(), key);
    }

    /// Points `alias` (in the key's account and region) at an existing key; `false` if there is
    /// no such key or the name lacks the `alias/` prefix.
    pub(crate) fn set_alias(&self, alias: &str, key_id: &KmsKeyId) -> bool {
        let mut inner = self.write();
        let Some(key) = inner.keys.get(key_id.as_str()) else {
            return false;
        };
        if !alias.starts_with("alias/") || KmsKeyId::parse(alias).is_err() {
            return false;
        }
        let name = AliasName {
            account: key.arn.account().clone(),
            region: key.arn.region().clone(),
            name: alias.to_owned(),
        };
        inner.aliases.insert(name, key_id.clone());
        true
    }

    /// Changes one key; `false` if there is no such key.
    pub(crate) fn update(&self, key_id: &KmsKeyId, change: impl FnOnce(&mut KeyMetadata)) -> bool {
        match self.write().keys.get_mut(key_id.as_str()) {
            Some(key) => {
                change(key);
                true
            }
            None => false,
        }
    }

    /// Deletes a key at once (as when its deletion date passes) with its aliases; `false` if
    /// there was no such key.
    pub(crate) fn delete(&self, key_id: &KmsKeyId) -> bool {
        self.write().remove(key_id.as_str())
    }

    /// Activates or deactivates KMS for an account.
    pub(crate) fn set_activated(&self, account: &AccountUid, activated: bool) {
        let mut inner = self.write();
        if activated {
            inner.inactive.remove(account);
        } else {
            inner.inactive.insert(account.clone());
        }
    }
}

impl Inner {
    /// The id of the key `reference` names for `account` in `region`.
    fn resolve(
        &self,
        account: &AccountUid,
        region: &Region,
        reference: &str,
    ) -> Result<String, KeyLookupError> {
        let arn = KmsKeyArn::parse(reference).ok();
        let id = if reference.starts_with("alias/") {
            let alias = AliasName {
                account: account.clone(),
                region: region.clone(),
                name: reference.to_owned(),
            };
            let key = self
                .aliases
                .get(&alias)
                .ok_or(KeyLookupError::AliasNotFound)?;
            key.as_str().to_owned()
        } else if let Some(arn) = &arn {
            arn.key_id().as_str().to_owned()
        } else {
            reference.to_owned()
        };
        match self.keys.get(&id) {
            Some(key)
                if key.arn.account() == account
                    && key.arn.region() == region
                    && arn.as_ref().is_none_or(|asked| *asked == key.arn) =>
            {
                Ok(id)
            }
            _ => Err(KeyLookupError::KeyNotFound),
        }
    }

    /// Whether `reference` names a key the sandbox holds or held in any account.
    fn known_anywhere(&self, reference: &str) -> bool {
        let id = KmsKeyArn::parse(reference)
            .map(|arn| arn.key_id().as_str().to_owned())
            .unwrap_or_else(|_| reference.to_owned());
        self.keys.contains_key(&id) || self.deleted.contains(&id)
    }

    /// Applies what time did to one key by `now`.
    fn settle(&mut self, key_id: &str, now: DateTime<Utc>) {
        let Some(key) = self.keys.get_mut(key_id) else {
            return;
        };
        if key.state == KmsKeyState::PendingDeletion && key.delete_date.is_some_and(|d| d <= now) {
            self.remove(key_id);
            return;
        }
        if key.origin == KeyOrigin::External
            && key.material_expire_time.is_some_and(|t| t <= now)
            && matches!(key.state, KmsKeyState::Enabled | KmsKeyState::Disabled)
        {
            key.state = KmsKeyState::PendingImport;
        }
    }

    fn remove(&mut self, key_id: &str) -> bool {
        if self.keys.remove(key_id).is_none() {
            return false;
        }
        self.aliases.retain(|_, key| key.as_str() != key_id);
        self.deleted.insert(key_id.to_owned());
        true
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
