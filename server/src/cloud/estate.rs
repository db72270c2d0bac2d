//! `AccountClients`: one OSS client per audited account, sharing one connection pool. The hub's
//! signs with the keys of the environment; a member's with the temporary keys of its assumed role
//! (asked for on first use, refreshed before they expire, never stored). Each has its own adaptive
//! rate limiter, since OSS limits request rates per account.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::{AssumeRole, AssumedRoleCredentials, StsClient};
use crate::domain::{AccountId, AccountName, ExternalId, Region, RoleArn};
use crate::oss::{OssClient, OssError, parse_endpoint};

/// How to reach one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountAccess {
    pub id: AccountId,
    pub name: AccountName,
    /// The role to assume; `None` for the hub (the keys' own account).
    pub role: Option<AssumeRole>,
    /// Where its ListBuckets goes, when not the hub's endpoint.
    pub endpoint: Option<(url::Url, Region)>,
}

impl AccountAccess {
    /// The access of an account as stored: its role (none for the hub) and endpoint override.
    pub fn new(
        id: AccountId,
        name: AccountName,
        role_arn: Option<&RoleArn>,
        external_id: Option<&ExternalId>,
        oss_endpoint: Option<&str>,
    ) -> Result<Self, OssError> {
        let endpoint = oss_endpoint
            .map(|raw| {
                let url = parse_endpoint(raw)?;
                let region = Region::from_endpoint_host(url.host_str().unwrap_or_default())
                    .ok_or_else(|| {
                        OssError::Config(format!(
                            "cannot tell the region of account {name}'s endpoint {raw:?}"
                        ))
                    })?;
                Ok::<_, OssError>((url, region))
            })
            .transpose()?;
        Ok(Self {
            id,
            role: role_arn.map(|arn| AssumeRole::new(arn.clone(), external_id.cloned())),
            endpoint,
            name,
        })
    }

    /// Whether this is the hub.
    pub fn is_hub(&self) -> bool {
        self.role.is_none()
    }
}

/// The OSS clients of the estate's accounts, made on first use and kept while an account's access
/// is unchanged, so its assumed-role keys are reused across scans. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AccountClients {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The hub's client: the environment's keys, the configured endpoint and rate limit.
    hub: OssClient,
    /// STS, called with the hub's keys.
    sts: StsClient,
    made: Mutex<HashMap<AccountId, (AccountAccess, OssClient)>>,
}

impl AccountClients {
    /// The clients of an estate whose hub is reached with `hub`, and members through `sts`.
    pub fn new(hub: OssClient, sts: StsClient) -> Self {
        Self {
            inner: Arc::new(Inner {
                hub,
                sts,
                made: Mutex::default(),
            }),
        }
    }

    /// The hub's client.
    pub fn hub(&self) -> &OssClient {
        &self.inner.hub
    }

    /// STS, as the hub calls it.
    pub fn sts(&self) -> &StsClient {
        &self.inner.sts
    }

    /// The client of the account `access` describes: the hub's own for the hub, else one that
    /// signs with the role's temporary keys (no request is sent until it is used).
    pub fn client(&self, access: &AccountAccess) -> OssClient {
        if access.role.is_none() && access.endpoint.is_none() {
            return self.inner.hub.clone();
        }
        let mut made = self
            .inner
            .made
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((known, client)) = made.get(&access.id)
            && known == access
        {
            return client.clone();
        }
        let client = match &access.role {
            Some(role) => {
                let keys = AssumedRoleCredentials::new(self.inner.sts.clone(), role.clone());
                self.inner
                    .hub
                    .for_account(access.endpoint.clone(), Arc::new(keys))
            }
            None => self.inner.hub.for_account(
                access.endpoint.clone(),
                Arc::new(crate::oss::StaticCredentials::new(
                    self.inner.hub.config().credentials.clone(),
                )),
            ),
        };
        made.insert(access.id, (access.clone(), client.clone()));
        client
    }

    /// Forgets the client of `account`, so the next use makes a new one: after its role was
    /// refused, the next scan asks STS again at once instead of waiting out the refusal.
    pub fn forget(&self, account: AccountId) {
        self.inner
            .made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&account);
    }
}
