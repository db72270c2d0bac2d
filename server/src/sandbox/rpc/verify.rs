//! Who sent an RPC request: the common parameters, the key, the token, the clock window, the
//! signature and the nonce, checked in the gateway's order.

use chrono::{NaiveDateTime, TimeDelta};
use http::StatusCode;

use super::fault::RpcFault;
use super::{Params, param};
use crate::cloud::rpc::sign;
use crate::oss::sign::signatures_match;
use crate::sandbox::keys::{Caller, KeyRefusal};
use crate::sandbox::state::SandboxState;

/// How far a `Timestamp` may be from the sandbox clock.
const MAX_SKEW: TimeDelta = TimeDelta::minutes(15);

/// Authenticates a request whose query and body parameters together are `params`.
pub(crate) fn authenticate(
    state: &SandboxState,
    method: &str,
    params: &Params,
) -> Result<Caller, RpcFault> {
    let required = |name: &'static str| param(params, name).ok_or_else(|| RpcFault::missing(name));
    let signature = required("Signature")?;
    let access_key_id = required("AccessKeyId")?;
    let timestamp = required("Timestamp")?;
    let nonce = required("SignatureNonce")?;
    if required("SignatureMethod")? != sign::SIGNATURE_METHOD {
        return Err(RpcFault::new(
            StatusCode::BAD_REQUEST,
            "InvalidSignatureMethod",
            "Specified signature method is not supported.",
        ));
    }
    if required("SignatureVersion")? != sign::SIGNATURE_VERSION {
        return Err(RpcFault::new(
            StatusCode::BAD_REQUEST,
            "InvalidSignatureVersion",
            "Specified signature version is not supported.",
        ));
    }
    let now = state.now();
    let sent = NaiveDateTime::parse_from_str(timestamp, sign::TIMESTAMP_FORMAT)
        .map_err(|_| {
            RpcFault::new(
                StatusCode::BAD_REQUEST,
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            )
        })?
        .and_utc();
    if (now - sent).abs() > MAX_SKEW {
        return Err(RpcFault::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        ));
    }
    let token = param(params, "SecurityToken");
    let caller = state
        .keys
        .caller(access_key_id, token, now)
        .map_err(|refusal| match refusal {
            KeyRefusal::UnknownKey if token.is_some() => RpcFault::new(
                StatusCode::BAD_REQUEST,
                "InvalidSecurityToken.MismatchWithAccessKey",
                "Specified SecurityToken mismatch with the AccessKey.",
            ),
            KeyRefusal::UnknownKey => RpcFault::new(
                StatusCode::NOT_FOUND,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            ),
            KeyRefusal::BadToken if token.is_none() => RpcFault::missing("SecurityToken"),
            KeyRefusal::BadToken => RpcFault::new(
                StatusCode::BAD_REQUEST,
                "InvalidSecurityToken.Malformed",
                "Specified SecurityToken is malformed.",
            ),
            KeyRefusal::Expired => RpcFault::new(
                StatusCode::BAD_REQUEST,
                "InvalidSecurityToken.Expired",
                "Specified SecurityToken is expired.",
            ),
        })?;
    let canonical = sign::canonical_query(params.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let string_to_sign = sign::string_to_sign(method, &canonical);
    if !signatures_match(
        &sign::signature(caller.secret.expose(), &string_to_sign),
        signature,
    ) {
        // The services quote their string to sign after the last ':', and the official SDK
        // compares it with its own to tell a wrong secret from a wrong canonicalization.
        return Err(RpcFault::new(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
            ),
        ));
    }
    if !state.first_use_of_nonce(nonce, now) {
        return Err(RpcFault::new(
            StatusCode::BAD_REQUEST,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        ));
    }
    Ok(caller)
}
