//! Domain types: once you hold one, it is valid (parse, don't validate).

mod account;
mod bucket_name;
mod encryption;
mod ids;
mod kms_key_id;
mod ram_role;
mod region;
mod state;

pub use account::{AccountError, AccountName, AccountUid};
pub use bucket_name::{BucketName, BucketNameError};
pub use encryption::{EncryptionRule, EncryptionRuleError, KmsDataEncryption, SseAlgorithm};
pub use ids::{
    AccountId, BucketId, ChangeId, DeliveryId, ReportId, ScanId, StateId, TargetId, TokenId, UserId,
};
pub use kms_key_id::{KmsKeyId, KmsKeyIdError};
pub use ram_role::{ExternalId, RamRoleError, RoleArn, RoleName, RoleSessionName};
pub use region::{Region, RegionError};
pub use state::{EncryptionState, Status};
