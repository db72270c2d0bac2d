//! Alibaba Cloud services beside OSS that the estate needs: STS (assuming a role in each member
//! account), Resource Directory (finding the members) and KMS (whether a bucket's key still
//! works), over the RPC-style API.
//!
//! These clients reach the cloud exactly as the OSS client does: they are built from its
//! [`crate::oss::ClientConfig`] (proxy, timeouts, retries, hub credentials), and an assumed role's
//! keys reach the OSS and KMS clients through [`crate::oss::CredentialsProvider`].

pub mod assumed;
pub mod directory;
pub mod estate;
pub mod kms;
pub mod rpc;
pub mod sts;

#[cfg(test)]
mod parse_props;

pub use assumed::{AssumedRoleCredentials, DEFAULT_REFRESH_BEFORE};
pub use directory::{
    AccountsPage, DEFAULT_RESOURCEMANAGER_ENDPOINT, DirectoryClient, MemberAccount, MemberStatus,
};
pub use estate::{AccountAccess, AccountClients};
pub use kms::{DescribedKey, KmsClient, KmsRefusal, kms_endpoint};
pub use rpc::{RpcError, RpcServiceError, parse_endpoint};
pub use sts::{AssumeRole, AssumedRole, DEFAULT_STS_ENDPOINT, StsClient};
