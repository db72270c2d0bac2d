//! STS AssumeRole: temporary keys for a role whose trust policy names the hub.

use chrono::{DurationRound as _, TimeDelta};
use http::StatusCode;
use serde_json::{Value, json};

use super::fault::RpcFault;
use super::{Params, param};
use crate::cloud::rpc::sign::TIMESTAMP_FORMAT;
use crate::domain::{ExternalId, RoleArn, RoleSessionName};
use crate::sandbox::keys::Caller;
use crate::sandbox::state::SandboxState;

/// A session of STS's default length, and the most a role allows by default.
const DEFAULT_DURATION_SECS: u64 = 3600;
const MIN_DURATION_SECS: u64 = 900;

/// Answers AssumeRole as STS does, refusals included.
pub(crate) fn assume_role(
    state: &SandboxState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, RpcFault> {
    let raw_arn = param(params, "RoleArn").ok_or_else(|| RpcFault::missing("RoleArn"))?;
    let arn = RoleArn::parse(raw_arn).map_err(|e| RpcFault::invalid("RoleArn", &e.to_string()))?;
    let session = param(params, "RoleSessionName")
        .ok_or_else(|| RpcFault::missing("RoleSessionName"))
        .and_then(|raw| {
            RoleSessionName::parse(raw)
                .map_err(|e| RpcFault::invalid("RoleSessionName", &e.to_string()))
        })?;
    let asked = match param(params, "DurationSeconds") {
        None | Some("") => DEFAULT_DURATION_SECS,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|secs| (MIN_DURATION_SECS..=DEFAULT_DURATION_SECS).contains(secs))
            .ok_or_else(|| {
                RpcFault::invalid(
                    "DurationSeconds",
                    "it must be 900 to 3600 (the role's maximum session duration)",
                )
            })?,
    };
    let external_id = match param(params, "ExternalId") {
        None | Some("") => None,
        Some(raw) => Some(
            ExternalId::parse(raw).map_err(|e| RpcFault::invalid("ExternalId", &e.to_string()))?,
        ),
    };

    let role_arn = {
        let estate = state.estate();
        let role = estate.role(&arn).ok_or_else(|| {
            RpcFault::new(
                StatusCode::NOT_FOUND,
                "EntityNotExist.Role",
                format!("The specified Role not exists: {arn}."),
            )
        })?;
        let trusted = role.trusts_hub && caller.account == state.keys.hub;
        let condition_met = role.external_id.is_none() || role.external_id == external_id;
        if !trusted || !condition_met {
            return Err(RpcFault::no_permission());
        }
        role.role_arn.clone()
    };
    let account = role_arn.uid().clone();

    let now = state.now();
    // STS prints whole seconds; the key expires exactly when the answer says it does.
    let issued_at = now.duration_trunc(TimeDelta::seconds(1)).unwrap_or(now);
    let lifetime = i64::try_from(state.sts_duration_secs(asked)).unwrap_or(i64::MAX);
    let expiration = issued_at + TimeDelta::try_seconds(lifetime).unwrap_or(TimeDelta::MAX);
    let credentials = state.keys.issue(&role_arn, expiration, now);
    Ok(json!({
        "AssumedRoleUser": {
            "Arn": format!("{arn}/{session}"),
            "AssumedRoleId": format!("3{}:{session}", &account.as_str()[..account.as_str().len().min(17)]),
        },
        "Credentials": {
            "AccessKeyId": credentials.access_key_id,
            "AccessKeySecret": credentials.access_key_secret.expose(),
            "SecurityToken": credentials.security_token.as_ref().map(|t| t.expose()),
            "Expiration": expiration.format(TIMESTAMP_FORMAT).to_string(),
        },
    }))
}
