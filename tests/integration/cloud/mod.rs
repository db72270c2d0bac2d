//! The estate's cloud groundwork: RPC signatures judged by an independent signer, STS, Resource
//! Directory and KMS against the sandbox (and the official SDK), refreshing assumed-role keys
//! mid-scan, OSS writes that honour the key's state, and permissions denied one at a time.

mod denials;
mod directory;
mod fidelity;
mod kms;
mod kms_oss;
mod kms_signing;
mod malformed;
mod refresh;
mod signing;
mod sts;
