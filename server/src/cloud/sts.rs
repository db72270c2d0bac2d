//! STS AssumeRole: temporary credentials for a role in another account, from the hub identity.

use chrono::{DateTime, Utc};
use url::Url;

use super::rpc::{Api, Reply, RpcClient, RpcError, parse_json};
use crate::domain::{ExternalId, RoleArn, RoleSessionName};
use crate::oss::{ClientConfig, Credentials, Secret};

/// The global STS endpoint (`OSS_AUDIT_STS_ENDPOINT` overrides it, e.g. with
/// `sts.<region>.aliyuncs.com` or `sts-vpc.<region>.aliyuncs.com`).
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.aliyuncs.com";

const API: Api = Api {
    product: "Sts",
    version: "2015-04-01",
};

/// The session length oss-audit asks for: STS's default and every role's default maximum.
pub const DEFAULT_DURATION_SECS: u32 = 3600;
/// The shortest session STS grants.
const MIN_DURATION_SECS: u32 = 900;
/// The longest session a role can be configured to allow.
const MAX_DURATION_SECS: u32 = 43_200;

/// What to assume: a role, the ExternalId its trust policy may require, and how to name and time
/// the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: RoleArn,
    pub external_id: Option<ExternalId>,
    pub session_name: RoleSessionName,
    /// 900 to 43,200 seconds (STS also caps it at the role's own maximum).
    pub duration_secs: u32,
}

impl AssumeRole {
    /// Assumes `role_arn` as session `oss-audit` for an hour.
    pub fn new(role_arn: RoleArn, external_id: Option<ExternalId>) -> Self {
        Self {
            role_arn,
            external_id,
            session_name: RoleSessionName::parse("oss-audit")
                .unwrap_or_else(|_| unreachable!("oss-audit is a valid session name")),
            duration_secs: DEFAULT_DURATION_SECS,
        }
    }
}

/// STS's answer: temporary keys (their secret and token never print) and when they expire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRole {
    /// `STS.…` id, secret and security token.
    pub credentials: Credentials,
    /// When STS stops accepting them (STS's clock).
    pub expiration: DateTime<Utc>,
    /// The assumed session's ARN, `acs:ram::<uid>:role/<name>/<session>`.
    pub arn: String,
    pub assumed_role_id: String,
    pub request_id: String,
}

/// A client of STS at one endpoint, calling with the hub identity's keys.
#[derive(Debug, Clone)]
pub struct StsClient {
    rpc: RpcClient,
}

/// The answer's JSON. No `Debug`: it holds the secret and the token as plain strings until they
/// are wrapped in [`Secret`] below.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    request_id: String,
    assumed_role_user: AssumedRoleUser,
    credentials: AnswerCredentials,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssumedRoleUser {
    arn: String,
    assumed_role_id: String,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AnswerCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

impl StsClient {
    /// STS at `endpoint`, reached and retried as the OSS client of `config` is, signing with its
    /// credentials (the hub identity).
    pub fn new(endpoint: Url, config: &ClientConfig) -> Result<Self, RpcError> {
        Ok(Self {
            rpc: RpcClient::new(API, endpoint, config)?,
        })
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Url {
        self.rpc.endpoint()
    }

    /// Calls AssumeRole. Refusals come back as [`RpcError::Service`] with STS's code:
    /// `NoPermission` (the role does not trust the caller, or the ExternalId is wrong),
    /// `EntityNotExist.Role`, `InvalidParameter.RoleArn`, …
    pub async fn assume_role(&self, request: &AssumeRole) -> Result<AssumedRole, RpcError> {
        if !(MIN_DURATION_SECS..=MAX_DURATION_SECS).contains(&request.duration_secs) {
            return Err(RpcError::Config {
                product: API.product,
                detail: format!(
                    "DurationSeconds must be {MIN_DURATION_SECS} to {MAX_DURATION_SECS} (got {})",
                    request.duration_secs
                ),
            });
        }
        let mut params = vec![
            ("RoleArn", request.role_arn.to_string()),
            ("RoleSessionName", request.session_name.to_string()),
            ("DurationSeconds", request.duration_secs.to_string()),
        ];
        if let Some(external_id) = &request.external_id {
            params.push(("ExternalId", external_id.to_string()));
        }
        let reply = self.rpc.send("AssumeRole", &params).await?;
        parse_assume_role(&reply)
    }
}

/// Turns a 2xx AssumeRole answer into an [`AssumedRole`], or `Malformed`: never credentials with
/// a part missing.
pub(crate) fn parse_assume_role(reply: &Reply) -> Result<AssumedRole, RpcError> {
    let answer: Answer = parse_json(API.product, "AssumeRole", reply)?;
    let malformed = |detail: &str| RpcError::Malformed {
        product: API.product,
        action: "AssumeRole",
        status: reply.status,
        request_id: Some(answer.request_id.clone()),
        detail: detail.to_owned(),
    };
    let c = &answer.credentials;
    if c.access_key_id.is_empty() || c.access_key_secret.is_empty() || c.security_token.is_empty() {
        return Err(malformed("the temporary credentials are incomplete"));
    }
    let expiration = DateTime::parse_from_rfc3339(&c.expiration)
        .map_err(|_| malformed("Expiration is not a UTC time such as 2015-04-09T11:52:19Z"))?
        .to_utc();
    Ok(AssumedRole {
        credentials: Credentials {
            access_key_id: c.access_key_id.clone(),
            access_key_secret: Secret::new(c.access_key_secret.as_str()),
            security_token: Some(Secret::new(c.security_token.as_str())),
        },
        expiration,
        arn: answer.assumed_role_user.arn,
        assumed_role_id: answer.assumed_role_user.assumed_role_id,
        request_id: answer.request_id,
    })
}
