//! The sandbox's RPC-style services: STS (AssumeRole), Resource Manager (ListAccounts) and KMS
//! (DescribeKey), on their real host names through the forward proxy, with RPC signature checks,
//! the caller's RAM denials and JSON answers.

mod directory;
mod fault;
mod kms;
mod sts;
mod verify;

use std::time::Instant;

use axum::body::Body;
use axum::response::Response;
use http::header::{CONTENT_TYPE, DATE};
use http::{HeaderValue, StatusCode};
use serde_json::{Value, json};

use self::fault::RpcFault;
use super::delay;
use super::state::{RequestKind, SandboxState};
use crate::cloud::rpc::sign;
use crate::domain::RamAction;

/// The largest request body read: an AssumeRole with a session policy is a few KB.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Which RPC service a host names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Sts,
    ResourceManager,
    /// Regional: the host names the region whose keys it serves.
    Kms,
}

impl Api {
    /// The product name the service uses in its troubleshooting links.
    fn product(self) -> &'static str {
        match self {
            Self::Sts => "Sts",
            Self::ResourceManager => "ResourceManager",
            Self::Kms => "Kms",
        }
    }
}

/// The service of `host`: `sts[-vpc][.<region>].aliyuncs.com`,
/// `resourcemanager[.<region>].aliyuncs.com` and `kms[-vpc].<region>.aliyuncs.com`; `None` for
/// everything else (OSS hosts, IPs).
pub(crate) fn api_of(host: &str) -> Option<Api> {
    if kms::region_of(host).is_some() {
        return Some(Api::Kms);
    }
    let labels = host.strip_suffix(".aliyuncs.com")?;
    let (service, region) = labels.split_once('.').unwrap_or((labels, ""));
    if region.contains('.') {
        return None;
    }
    match service {
        "sts" | "sts-vpc" => Some(Api::Sts),
        "resourcemanager" | "resourcemanager-vpc" => Some(Api::ResourceManager),
        _ => None,
    }
}

/// Query and form-body parameters together, in arrival order.
pub(crate) type Params = Vec<(String, String)>;

/// The first value of parameter `name`.
pub(crate) fn param<'p>(params: &'p Params, name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Serves one RPC request: count, delay, inject faults, authenticate, run, answer in JSON.
pub(crate) async fn handle(
    state: &SandboxState,
    api: Api,
    host: &str,
    started: Instant,
    parts: http::request::Parts,
    body: Body,
) -> Response {
    let params = read_params(&parts, body).await;
    let action = params
        .as_ref()
        .ok()
        .and_then(|p| param(p, "Action"))
        .unwrap_or_default()
        .to_owned();
    let kind = match (api, action.as_str()) {
        (Api::Sts, "AssumeRole") => RequestKind::AssumeRole,
        (Api::ResourceManager, "ListAccounts") => RequestKind::ListAccounts,
        (Api::Kms, "DescribeKey") => RequestKind::DescribeKey,
        _ => RequestKind::Other,
    };
    state.count_request(kind);
    let latency = state.latency();
    if !latency.is_zero() {
        delay::sleep_until(started + latency).await;
    }
    let result = match state.faults.draw() {
        Some(fault) => {
            state.count_fault();
            // The OSS fault names the kind; RPC services say the same in their own words.
            Err(if fault.code == "ServiceUnavailable" {
                RpcFault::service_unavailable()
            } else {
                RpcFault::throttled()
            })
        }
        None => {
            params.and_then(|params| serve(state, api, host, kind, parts.method.as_str(), &params))
        }
    };
    let request_id = sign::nonce().to_ascii_uppercase();
    tracing::debug!(
        host,
        action = %action,
        status = result.as_ref().map_or_else(|f| f.status.as_u16(), |_| 200),
        code = result.as_ref().err().map(|f| f.code.as_ref()).unwrap_or(""),
        request_id = %request_id,
        "sandbox RPC request"
    );
    let (status, document) = match result {
        Ok(mut answer) => {
            answer["RequestId"] = json!(request_id);
            (StatusCode::OK, answer)
        }
        Err(fault) => (
            fault.status,
            json!({
                "RequestId": request_id,
                "HostId": host,
                "Code": fault.code,
                "Message": fault.message,
                "Recommend": format!(
                    "https://api.aliyun.com/troubleshoot?q={}&product={}",
                    fault.code,
                    api.product()
                ),
            }),
        ),
    };
    let mut builder = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json;charset=utf-8")
        .header(
            DATE,
            state.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        );
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        builder = builder.header("x-acs-request-id", id);
    }
    builder
        .body(Body::from(document.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn serve(
    state: &SandboxState,
    api: Api,
    host: &str,
    kind: RequestKind,
    method: &str,
    params: &Params,
) -> Result<Value, RpcFault> {
    let caller = verify::authenticate(state, method, params)?;
    let action = match kind {
        RequestKind::AssumeRole => Some(RamAction::StsAssumeRole),
        RequestKind::ListAccounts => Some(RamAction::ResourceManagerListAccounts),
        RequestKind::DescribeKey => Some(RamAction::KmsDescribeKey),
        _ => None,
    };
    if action.is_some_and(|action| state.denials.denies(&caller.principal, action)) {
        return Err(match api {
            Api::Kms => RpcFault::kms_no_permission(),
            Api::Sts | Api::ResourceManager => RpcFault::no_permission(),
        });
    }
    match kind {
        RequestKind::AssumeRole => sts::assume_role(state, &caller, params),
        RequestKind::ListAccounts => directory::list_accounts(state, &caller, params),
        RequestKind::DescribeKey => kms::describe_key(state, &caller, host, params),
        _ => Err(RpcFault::action_not_found()),
    }
}

/// The query and the form body as one parameter list (`+` and `%20` both decode to a space, as
/// form encoding says).
async fn read_params(parts: &http::request::Parts, body: Body) -> Result<Params, RpcFault> {
    let malformed = |what: &str| {
        RpcFault::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            format!("The {what} is not a valid form-encoded parameter list."),
        )
    };
    let mut params: Params = serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
        .map_err(|_| malformed("query"))?;
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| malformed("body"))?;
    if !body.is_empty() {
        let form: Params = serde_urlencoded::from_bytes(&body).map_err(|_| malformed("body"))?;
        params.extend(form);
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sts_and_resource_manager_hosts_are_recognised() {
        assert_eq!(api_of("sts.aliyuncs.com"), Some(Api::Sts));
        assert_eq!(api_of("sts.cn-hangzhou.aliyuncs.com"), Some(Api::Sts));
        assert_eq!(api_of("sts-vpc.cn-hangzhou.aliyuncs.com"), Some(Api::Sts));
        assert_eq!(
            api_of("resourcemanager.aliyuncs.com"),
            Some(Api::ResourceManager)
        );
        assert_eq!(api_of("kms.cn-shanghai.aliyuncs.com"), Some(Api::Kms));
        assert_eq!(api_of("kms.aliyuncs.com"), None);
        for other in [
            "oss-cn-hangzhou.aliyuncs.com",
            "sts.example.com",
            "b-1.sts.cn-hangzhou.aliyuncs.com",
            "127.0.0.1",
            "ststs.aliyuncs.com",
        ] {
            assert_eq!(api_of(other), None, "{other}");
        }
    }
}
