//! How a failed call reads in a check line: its code, request id, the service's message, and the
//! permission (or other change) that fixes it.

use super::Outcome;
use super::policy::HUB_UID_PLACEHOLDER;
use crate::cloud::{AssumeRole, RpcError};
use crate::domain::{AccountUid, RamAction};
use crate::oss::OssError;

/// OSS codes that mean the keys themselves were refused, not a permission.
const KEY_REFUSALS: [&str; 4] = [
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "SecurityTokenExpired",
    "InvalidSecurityToken",
];

fn failure(code: &str, request_id: Option<&str>, message: String, fix: String) -> Outcome {
    Outcome::Failed {
        code: code.to_owned(),
        request_id: request_id.map(str::to_owned),
        message,
        fix,
    }
}

/// An OSS call that failed; the fix is the action it needs.
pub(super) fn oss_failure(err: &OssError, action: RamAction) -> Outcome {
    let message = match err.service() {
        Some(service) => service.message.clone(),
        None => err.to_string(),
    };
    failure(
        err.kind_code(),
        err.request_id(),
        message,
        action.as_str().to_owned(),
    )
}

/// An RPC call (STS, KMS) that failed.
pub(super) fn rpc_failure(err: &RpcError, fix: String) -> Outcome {
    let message = match err.service() {
        Some(service) => service.message.clone(),
        None => err.to_string(),
    };
    failure(err.code(), err.request_id(), message, fix)
}

/// The hub's `credentials` line, from its first ListBuckets answer (`None`: it succeeded): the
/// keys signed unless OSS refused the keys themselves, or could not be reached.
pub(super) fn credentials(err: Option<&OssError>) -> Outcome {
    match err {
        None => Outcome::Ok {
            detail: "the hub's keys sign requests OSS accepts".to_owned(),
        },
        Some(OssError::Service(service))
            if !KEY_REFUSALS.iter().any(|c| service.code.starts_with(c)) =>
        {
            Outcome::Ok {
                detail: format!(
                    "the hub's keys sign requests OSS accepts (it answered {})",
                    service.code
                ),
            }
        }
        Some(err @ (OssError::Service(_) | OssError::Credentials(_))) => failure(
            err.kind_code(),
            err.request_id(),
            err.to_string(),
            "a valid AccessKey pair of a RAM user in OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET \
             (or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)"
                .to_owned(),
        ),
        Some(err) => failure(
            err.kind_code(),
            err.request_id(),
            err.to_string(),
            "not a permission: check OSS_ENDPOINT, the proxy settings and the network".to_owned(),
        ),
    }
}

/// What makes AssumeRole work: the hub's right to assume the role, and the role's trust in the
/// hub (`hub_uid`, else a marked placeholder), with its ExternalId.
pub(super) fn assume_fix(
    role: &AssumeRole,
    hub_uid: Option<&AccountUid>,
    err: &RpcError,
) -> String {
    let hub = hub_uid.map_or(HUB_UID_PLACEHOLDER, AccountUid::as_str);
    let condition = role.external_id.as_ref().map_or_else(String::new, |id| {
        format!(" with the condition sts:ExternalId = {}", id.as_str())
    });
    let trust = format!(
        "a trust policy on {} that lets acs:ram::{hub}:root assume it{condition} \
         (`oss-audit doctor --ram-policy read-only` prints it)",
        role.role_arn
    );
    if err.code().starts_with("EntityNotExist") {
        return format!("create the role {} with {trust}", role.role_arn);
    }
    format!(
        "sts:AssumeRole on {} for the hub's identity, and {trust}",
        role.role_arn
    )
}
