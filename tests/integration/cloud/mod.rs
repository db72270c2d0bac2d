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

use oss_audit::cloud::RpcError;

/// A refused RPC call as (HTTP status, code, whether it carried a request id); any other failure
/// fails the test.
fn rpc_refusal(err: &RpcError) -> (u16, &str, bool) {
    let service = err
        .service()
        .unwrap_or_else(|| panic!("a refusal, not {err}"));
    let has_id = service
        .request_id
        .as_deref()
        .is_some_and(|id| !id.is_empty());
    (service.status, service.code.as_str(), has_id)
}
