//! The use cases: every write oss-audit makes, whichever surface (page, API, CLI) asks. Each one
//! is one transaction that writes its data, its audit-log entry (`change_log`) and its
//! notification event together, so what happened, who did it and who is told never disagree.
//!
//! Encryption changes call OSS first and record the outcome, refusals included; everything else
//! is a database change only.

pub mod demo_history;
pub mod encryption;
pub mod policy;
pub mod remediation;
pub mod reports;
pub mod reverts;
pub mod targets;
pub mod tokens;
pub mod users;

use sqlx::SqliteConnection;

use crate::domain::{AccountId, Actor, BucketName};
use crate::oss::{OssClient, OssError};
use crate::store::{self, NewChange, Store, StoreError};

/// What an encryption change acts with.
#[derive(Debug, Clone, Copy)]
pub struct Changer<'a> {
    pub store: &'a Store,
    pub client: &'a OssClient,
    pub account: AccountId,
    /// Who asks.
    pub actor: &'a Actor,
}

/// Why an encryption change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The bucket is not in the inventory (OSS was not called).
    #[error("bucket {0} is not in the inventory; run a scan if it was created recently")]
    NotInInventory(BucketName),
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
