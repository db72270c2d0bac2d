//! Changing encryption: every write goes to OSS, is re-read from OSS, stored, and logged with who
//! made it. The API, the pages and the CLI all change buckets through here.

mod encryption;
mod remediation;

pub use encryption::{Change, change_encryption};
pub use remediation::{
    RemediationFailure, RemediationReport, Selection, describe, remediate, selected_buckets,
};

use crate::domain::{AccountId, BucketName};
use crate::oss::{OssClient, OssError};
use crate::store::{Store, StoreError};

/// What a change acts with.
#[derive(Debug, Clone, Copy)]
pub struct Changer<'a> {
    pub store: &'a Store,
    pub client: &'a OssClient,
    pub account: AccountId,
    /// Who asks, as the audit log names them (`user:alice`, `token:ci`, `cli:root`).
    pub actor: &'a str,
}

/// Why a change was not made.
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
