//! The keys the sandbox accepts: the hub's permanent pair and fixed STS triple, and the temporary
//! keys its STS endpoint issues. Kept apart from `auth` so that the state can hold them without
//! depending on request authentication (which depends on routing, which depends on the state).

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng as _;
use rand::distr::Alphanumeric;

use super::access::SandboxPrincipal;
use super::estate::hub_uid;
use crate::domain::{AccountUid, RoleArn};
use crate::oss::sign::signatures_match;
use crate::oss::{Credentials, Secret};

/// Issued keys are forgotten this long after they expire (until then they are refused as
/// expired, as STS's are, rather than as unknown).
const FORGET_AFTER: TimeDelta = TimeDelta::hours(1);

/// Every key the sandbox accepts, and the account each belongs to.
#[derive(Debug)]
pub(crate) struct KeyRing {
    /// The hub's permanent pair (a RAM user's AccessKey: it may call AssumeRole).
    pub(crate) access: Credentials,
    /// The hub's fixed STS triple: its `access_key_id` starts with `STS.` and `security_token`
    /// is always set. It never expires, so clients can be tested with STS keys without the STS
    /// endpoint.
    pub(crate) sts: Credentials,
    /// The account both belong to.
    pub(crate) hub: AccountUid,
    /// Keys the STS endpoint issued, by AccessKeyId.
    issued: RwLock<HashMap<String, Issued>>,
}

/// A temporary key of an assumed role. `Debug` shows no secret (the fields are [`Secret`]s).
#[derive(Debug, Clone)]
struct Issued {
    secret: Secret,
    token: Secret,
    account: AccountUid,
    /// The role whose session these keys are.
    role: RoleArn,
    expiration: DateTime<Utc>,
}

/// Who signed a request: the account, the principal RAM policies apply to, and the secret to
/// check the signature with.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) account: AccountUid,
    pub(crate) principal: SandboxPrincipal,
    pub(crate) secret: Secret,
}

/// Why a key was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRefusal {
    /// No such AccessKeyId (or a permanent key sent with a token, which OSS takes for an
    /// unknown STS key).
    UnknownKey,
    /// An STS key without its token, or with another token.
    BadToken,
    /// An issued STS key past its expiration.
    Expired,
}

impl KeyRing {
    /// The hub's keys; nothing issued yet.
    pub(crate) fn new(access: Credentials, sts: Credentials) -> Self {
        Self {
            access,
            sts,
            hub: hub_uid(),
            issued: RwLock::new(HashMap::new()),
        }
    }

    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self::new(
            Credentials {
                access_key_id: "LTAI5tTestKeyId".into(),
                access_key_secret: Secret::new("test-secret"),
                security_token: None,
            },
            Credentials {
                access_key_id: "STS.TestKeyId".into(),
                access_key_secret: Secret::new("sts-secret"),
                security_token: Some(Secret::new("sts-token")),
            },
        )
    }

    /// The caller behind `access_key_id` and the token it sent (`None`: no token), at `now`.
    pub(crate) fn caller(
        &self,
        access_key_id: &str,
        token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Caller, KeyRefusal> {
        let matches =
            |expected: &Secret| token.is_some_and(|t| signatures_match(t, expected.expose()));
        let hub_key = || SandboxPrincipal::AccessKey(access_key_id.to_owned());
        if access_key_id == self.access.access_key_id && token.is_none() {
            return Ok(Caller {
                account: self.hub.clone(),
                principal: hub_key(),
                secret: self.access.access_key_secret.clone(),
            });
        }
        if access_key_id == self.sts.access_key_id {
            return match &self.sts.security_token {
                Some(expected) if matches(expected) => Ok(Caller {
                    account: self.hub.clone(),
                    principal: hub_key(),
                    secret: self.sts.access_key_secret.clone(),
                }),
                _ => Err(KeyRefusal::BadToken),
            };
        }
        let issued = self.read().get(access_key_id).cloned();
        let Some(issued) = issued else {
            return Err(KeyRefusal::UnknownKey);
        };
        if !matches(&issued.token) {
            return Err(KeyRefusal::BadToken);
        }
        if now >= issued.expiration {
            return Err(KeyRefusal::Expired);
        }
        Ok(Caller {
            account: issued.account,
            principal: SandboxPrincipal::Role(issued.role),
            secret: issued.secret,
        })
    }

    /// The account an AccessKeyId belongs to, unchecked: for counting requests per account.
    pub(crate) fn account_of(&self, access_key_id: &str) -> Option<AccountUid> {
        if access_key_id == self.access.access_key_id || access_key_id == self.sts.access_key_id {
            return Some(self.hub.clone());
        }
        self.read().get(access_key_id).map(|i| i.account.clone())
    }

    /// New temporary keys for a session of `role` (of its account), valid until `expiration`
    /// (the sandbox clock's).
    pub(crate) fn issue(
        &self,
        role: &RoleArn,
        expiration: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Credentials {
        let random = |n: usize| -> String {
            rand::rng()
                .sample_iter(Alphanumeric)
                .take(n)
                .map(char::from)
                .collect()
        };
        let access_key_id = format!("STS.N{}", random(24));
        let secret = Secret::new(random(44));
        let token = Secret::new(format!("CAIS{}", random(320)));
        let mut issued = self.issued.write().unwrap_or_else(PoisonError::into_inner);
        issued.retain(|_, i| i.expiration + FORGET_AFTER > now);
        issued.insert(
            access_key_id.clone(),
            Issued {
                secret: secret.clone(),
                token: token.clone(),
                account: role.uid().clone(),
                role: role.clone(),
                expiration,
            },
        );
        Credentials {
            access_key_id,
            access_key_secret: secret,
            security_token: Some(token),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Issued>> {
        self.issued.read().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_keys_need_their_token_and_expire() {
        let keys = KeyRing::for_tests();
        let now = Utc::now();
        let member = AccountUid::parse("1763082937549132").unwrap();
        let role = RoleArn::parse("acs:ram::1763082937549132:role/oss-audit").unwrap();
        let creds = keys.issue(&role, now + TimeDelta::seconds(60), now);
        let token = creds.security_token.as_ref().unwrap().expose();
        let id = &creds.access_key_id;
        let caller = keys.caller(id, Some(token), now).unwrap();
        assert_eq!(caller.account, member);
        assert_eq!(caller.principal, SandboxPrincipal::Role(role));
        assert_eq!(caller.secret, creds.access_key_secret);
        assert_eq!(keys.account_of(id), Some(member));
        assert_eq!(
            keys.caller(id, None, now).unwrap_err(),
            KeyRefusal::BadToken
        );
        assert_eq!(
            keys.caller(id, Some("CAISother"), now).unwrap_err(),
            KeyRefusal::BadToken
        );
        let later = now + TimeDelta::seconds(60);
        assert_eq!(
            keys.caller(id, Some(token), later).unwrap_err(),
            KeyRefusal::Expired
        );
        assert_eq!(
            keys.caller("STS.Nunknown", Some(token), now).unwrap_err(),
            KeyRefusal::UnknownKey
        );
    }

    #[test]
    fn the_hub_keys_belong_to_the_hub() {
        let keys = KeyRing::for_tests();
        let now = Utc::now();
        assert_eq!(
            keys.caller("LTAI5tTestKeyId", None, now).unwrap().account,
            keys.hub
        );
        assert_eq!(
            keys.caller("LTAI5tTestKeyId", Some("t"), now).unwrap_err(),
            KeyRefusal::UnknownKey
        );
        assert_eq!(
            keys.caller("STS.TestKeyId", Some("sts-token"), now)
                .unwrap()
                .account,
            keys.hub
        );
    }

    #[test]
    fn long_expired_keys_are_forgotten_when_new_ones_are_issued() {
        let keys = KeyRing::for_tests();
        let now = Utc::now();
        let role = RoleArn::parse("acs:ram::1763082937541213:role/oss-audit").unwrap();
        let old = keys.issue(&role, now - TimeDelta::hours(2), now - TimeDelta::hours(3));
        keys.issue(&role, now + TimeDelta::hours(1), now);
        assert_eq!(keys.account_of(&old.access_key_id), None);
    }
}
