//! Domain types every layer shares: once you hold one, it is valid (parse, don't validate).
//! Nothing here reads a database, a network or the command line.

mod access;
mod account;
mod actor;
mod bucket_name;
mod clock;
mod controls;
mod encryption;
mod event;
mod exemption;
mod ids;
mod judge;
mod key_standing;
mod kms_key;
mod kms_key_id;
mod policy;
mod ram_action;
mod ram_role;
mod region;
mod regressions;
mod role;
mod rules;
mod run;
mod scan_status;
mod secret;
mod state;
mod target;
mod trigger;
mod user_name;

pub use access::{Access, AccessError, AccountGrant};
pub use account::{AccountError, AccountName, AccountUid};
pub use actor::Actor;
pub use bucket_name::{BucketName, BucketNameError};
pub use clock::{Clock, ManualClock, SharedClock, SystemClock, system_clock};
pub use controls::{Control, ControlCounts, ControlResult, control, controls, count_controls};
pub use encryption::{EncryptionRule, EncryptionRuleError, KmsDataEncryption, SseAlgorithm};
pub use event::{
    Became, BucketTransition, BucketsNoncompliant, Cause, Event, ExemptionExpired,
    ExemptionExpiring, LISTED_AT_MOST, RemediationFailure, RemediationFinished, ReportReady,
    ScanFailed, TestMessage,
};
pub use exemption::{
    BucketPattern, EXPIRY_WARNING_DAYS, ExemptionError, ExemptionReason, ExemptionStatus,
    FourEyesError, MAX_EXEMPTION_DAYS, check_expiry, may_approve, may_revoke, parse_expiry,
};
pub use ids::{
    AccountId, AccountScanId, BucketId, ChangeId, DeliveryId, ExemptionId, ReportId, RunId, ScanId,
    StateId, TargetId, TokenId, UserId,
};
pub use judge::judge;
pub use key_standing::{
    KeyCondition, KeyStanding, KeysUnusable, MATERIAL_EXPIRY_WARNING_DAYS, UnusableKey,
    judge_with_key, key_warnings,
};
pub use kms_key::{
    KeyMetadata, KeyOrigin, KeyRotation, KmsKeyArn, KmsKeyError, KmsKeyState, ProtectionLevel,
    RotationInterval, RotationStatus,
};
pub use kms_key_id::{KmsKeyId, KmsKeyIdError};
pub use policy::{Policy, PolicyError, Requirement};
pub use ram_action::{RamAction, RamActionError};
pub use ram_role::{ExternalId, RamRoleError, RoleArn, RoleName, RoleSessionName};
pub use region::{Region, RegionError};
pub use regressions::{Regressions, became};
pub use role::{Role, RoleError};
pub use rules::{
    BucketFacts, Decision, MAX_RULES, NamePattern, ResourceGroupId, Rule, RuleError, Rules, Scope,
    Tag, Verdict,
};
pub use run::RunKind;
pub use scan_status::ScanStatus;
pub use secret::Secret;
pub use state::{EncryptionState, Status};
pub use target::{
    MAX_NAME, NewTarget, TargetErrors, TargetInput, TargetKind, TargetName, TargetUrl, masked_url,
};
pub use trigger::Trigger;
pub use user_name::{MAX_USER_NAME_LEN, UserName, UserNameError};
