//! The use cases: every write oss-audit makes, whichever surface (page, API, CLI) asks. Each one
//! is one transaction that writes its data, its audit-log entry (`change_log`) and its
//! notification event together, so what happened, who did it and who is told never disagree.
//!
//! Encryption changes call OSS first and record the outcome, refusals included; everything else
//! is a database change only.

pub mod accounts;
pub mod demo_history;
pub mod encryption;
pub mod exemption_timer;
pub mod exemptions;
pub mod grants;
pub mod keys;
pub mod policy;
pub mod remediation;
pub mod reports;
pub mod reverts;
pub mod targets;
pub mod tokens;
pub mod users;

use sqlx::SqliteConnection;

use self::keys::KeyAnswers;
use crate::cloud::{AccountAccess, AccountClients};
use crate::domain::{AccountId, Actor, BucketName};
use crate::oss::{OssClient, OssError};
use crate::store::{self, AccountRecord, NewChange, Store, StoreError};

/// What an encryption change acts with.
#[derive(Debug, Clone, Copy)]
pub struct Changer<'a> {
    pub store: &'a Store,
    /// The OSS client of each account: a bucket is changed through its own account's.
    pub clients: &'a AccountClients,
    /// The hub: holds the estate's policy and notification targets.
    pub hub: AccountId,
    /// Who asks.
    pub actor: &'a Actor,
    /// What KMS answered about target keys earlier in this run (a remediation or revert of many
    /// buckets); `None` asks KMS at every change.
    pub key_answers: Option<&'a KeyAnswers>,
}

impl Changer<'_> {
    /// The client of `account`.
    fn client_of(&self, account: &AccountRecord) -> Result<OssClient, OssError> {
        let access = AccountAccess::new(
            account.id,
            account.name.clone(),
            account.role_arn.as_ref(),
            account.external_id.as_ref(),
            account.oss_endpoint.as_deref(),
        )?;
        Ok(self.clients.client(&access))
    }
}

/// Why an encryption change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The bucket is not in the inventory (OSS was not called).
    #[error("bucket {0} is not in the inventory; run a scan if it was created recently")]
    NotInInventory(BucketName),
    /// The target customer key is not `Enabled` (or KMS could not say): OSS was not called.
    #[error("key {key} cannot be used: it is {state} in {region}{detail}")]
    KeyNotUsable {
        key: crate::domain::KmsKeyId,
        region: crate::domain::Region,
        /// `Disabled`, `PendingDeletion`, `PendingImport`, `NotFound` or `unknown`.
        state: String,
        /// KMS's code and request id when it refused to answer.
        detail: String,
    },
    /// OSS refused or failed; the failure is in the audit log too.
    #[error("{0}")]
    Oss(#[from] OssError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records an administrative change (a user, a token, a notification target: no bucket, no state
/// before or after) in the audit log, inside the caller's transaction.
async fn record(
    conn: &mut SqliteConnection,
    account: AccountId,
    actor: &Actor,
    action: &str,
    detail: &str,
) -> Result<(), StoreError> {
    store::insert_change(
        conn,
        &NewChange::admin(account, actor.as_str(), action, detail),
    )
    .await
    .map(|_| ())
}
