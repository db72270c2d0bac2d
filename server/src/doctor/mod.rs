//! Permissions, checked before they fail: for the hub and every active account, whether the keys
//! sign, the role can be assumed, ListBuckets and GetBucketEncryption work, and KMS DescribeKey
//! works; each failure with its code, request id and the RAM permission that fixes it. Used by
//! `oss-audit doctor` and Settings › Permissions. It only reads: nothing is stored.

mod account;
mod outcomes;
pub mod policy;

use futures_util::{StreamExt, stream};
use serde::Serialize;

use crate::cloud::AccountClients;
use crate::store::{self, Store, StoreError};
use account::AccountCheck;

pub use policy::{PolicyInputs, PolicyMode, documents, trust_policy};

/// Member accounts checked at once.
const ACCOUNTS_AT_ONCE: usize = 4;
/// Buckets read per region and account.
pub const SAMPLE_PER_REGION: usize = 3;

/// One check of one account and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The account's name, as `account list` shows it.
    pub account: String,
    /// What was checked, e.g. `oss:ListBuckets` or `oss:GetBucketEncryption cn-hangzhou`.
    pub check: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// How a check went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    Ok {
        detail: String,
    },
    Failed {
        /// The service's error code, or the kind of failure (`ConnectionError`, …).
        code: String,
        request_id: Option<String>,
        message: String,
        /// The RAM permission (or other change) that would make the check pass.
        fix: String,
    },
    /// Not run: an earlier check failed, or there was nothing to check.
    Skipped {
        reason: String,
    },
}

impl Outcome {
    /// `ok`, `FAILED` or `skipped`, as a line shows it.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Ok { .. } => "ok",
            Self::Failed { .. } => "FAILED",
            Self::Skipped { .. } => "skipped",
        }
    }

    /// The rest of the line: the detail, the failure (code, request id, message, fix) or why
    /// the check was skipped.
    pub fn text(&self) -> String {
        match self {
            Self::Ok { detail } => detail.clone(),
            Self::Skipped { reason } => reason.clone(),
            Self::Failed {
                code,
                request_id,
                message,
                fix,
            } => format!(
                "code {code}, request id {}: {message}; fix: {fix}",
                request_id.as_deref().unwrap_or("none")
            ),
        }
    }
}

/// Every check of every account, the hub's first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The hub's uid, as its listing named the owner (else as stored); `None` when unknown.
    pub hub_uid: Option<String>,
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// The checks that failed.
    pub fn failed(&self) -> usize {
        self.count("FAILED")
    }

    /// `N checks: X ok, Y FAILED, Z skipped`.
    pub fn summary(&self) -> String {
        format!(
            "{} checks: {} ok, {} FAILED, {} skipped",
            self.checks.len(),
            self.count("ok"),
            self.failed(),
            self.count("skipped")
        )
    }

    fn count(&self, word: &str) -> usize {
        self.checks
            .iter()
            .filter(|c| c.outcome.word() == word)
            .count()
    }
}

/// Runs every check of the hub and of every active member account with `clients` (the hub's
/// keys and STS); members are checked a few at a time, each through a role assumed afresh.
pub async fn diagnose(store: &Store, clients: &AccountClients) -> Result<Diagnosis, StoreError> {
    let accounts = store::list_accounts(store, false).await?;
    let (hubs, members): (Vec<_>, Vec<_>) = accounts.into_iter().partition(|a| a.is_hub());
    let mut diagnosis = Diagnosis::default();
    let mut hub_uid = hubs.first().and_then(|h| h.uid.clone());
    for hub in &hubs {
        let (checks, owner) = AccountCheck::new(clients, hub, hub_uid.as_ref())
            .run()
            .await;
        hub_uid = owner.or(hub_uid);
        diagnosis.checks.extend(checks);
    }
    // Owned inputs per future: a borrowing closure here is not `Send` for every lifetime, which
    // the page handler's future must be.
    let parts: Vec<Vec<Check>> = stream::iter(members)
        .map(|member| {
            let (clients, hub_uid) = (clients.clone(), hub_uid.clone());
            async move {
                AccountCheck::new(&clients, &member, hub_uid.as_ref())
                    .run()
                    .await
                    .0
            }
        })
        .buffered(ACCOUNTS_AT_ONCE)
        .collect()
        .await;
    diagnosis.checks.extend(parts.into_iter().flatten());
    diagnosis.hub_uid = hub_uid.map(|uid| uid.as_str().to_owned());
    Ok(diagnosis)
}
