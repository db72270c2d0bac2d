//! `RpcError`: what can go wrong calling an RPC-style service, with its code and request id.

use std::fmt;

/// An error answer: the HTTP status and the fields of the JSON error body
/// (`{"RequestId", "HostId", "Code", "Message", "Recommend"}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcServiceError {
    /// The service, e.g. `Sts`.
    pub product: &'static str,
    /// The API, e.g. `AssumeRole`.
    pub action: &'static str,
    pub status: u16,
    /// E.g. `NoPermission`; `HTTP<status>` when the body named none.
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    /// The troubleshooting link the service suggests.
    pub recommend: Option<String>,
}

impl fmt::Display for RpcServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} refused {}: HTTP {} {}",
            self.product, self.action, self.status, self.code
        )?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        write!(
            f,
            " (request id {}",
            self.request_id.as_deref().unwrap_or("none")
        )?;
        if let Some(host) = &self.host_id {
            write!(f, ", host {host}")?;
        }
        f.write_str(")")
    }
}

/// Every failure of an RPC call. Each says the service, the action, and the code and request id
/// when the service answered at all.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// The service answered with an error document.
    #[error("{0}")]
    Service(Box<RpcServiceError>),
    /// The answer could not be understood: not JSON (a proxy's HTML page), cut off, or missing
    /// a field the answer must have. Nothing of it is used.
    #[error(
        "unreadable answer from {product} to {action} (HTTP {status}, request id {}): {detail}",
        request_id.as_deref().unwrap_or("none")
    )]
    Malformed {
        product: &'static str,
        action: &'static str,
        status: u16,
        request_id: Option<String>,
        detail: String,
    },
    /// The answer was larger than any legitimate answer.
    #[error("answer from {product} to {action} is larger than {limit} bytes; refusing to read it")]
    TooLarge {
        product: &'static str,
        action: &'static str,
        limit: usize,
    },
    /// No answer: connection refused, DNS, TLS, timeout.
    #[error("could not reach {product} for {action} at {host}: {detail}")]
    Transport {
        product: &'static str,
        action: &'static str,
        host: String,
        detail: String,
        timeout: bool,
    },
    /// The client is unusable (bad endpoint, proxy) or the call cannot be made as asked.
    #[error("invalid {product} client configuration: {detail}")]
    Config {
        product: &'static str,
        detail: String,
    },
    /// The credentials provider had no keys to sign with, e.g. STS refused to assume the role
    /// whose keys a KMS call needs. Its code and request id are the refusing service's.
    #[error("no credentials to call {product} {action} with: {source}")]
    Credentials {
        product: &'static str,
        action: &'static str,
        #[source]
        source: crate::oss::CredentialsError,
    },
}

impl RpcError {
    /// The service's error code; for failures without one, the kind of failure (`Timeout`,
    /// `ConnectionError`, `MalformedResponse`, …), so that every failure can be recorded by code.
    pub fn code(&self) -> &str {
        match self {
            Self::Service(e) => &e.code,
            Self::Malformed { .. } => "MalformedResponse",
            Self::TooLarge { .. } => "ResponseTooLarge",
            Self::Transport { timeout: true, .. } => "Timeout",
            Self::Transport { .. } => "ConnectionError",
            Self::Config { .. } => "ConfigError",
            Self::Credentials { source, .. } => source.code().unwrap_or("CredentialsUnavailable"),
        }
    }

    /// The service's request id, when it answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.request_id.as_deref(),
            Self::Malformed { request_id, .. } => request_id.as_deref(),
            Self::Credentials { source, .. } => source.request_id(),
            _ => None,
        }
    }

    /// The error answer, when the service sent one.
    pub fn service(&self) -> Option<&RpcServiceError> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }
}

impl From<RpcServiceError> for RpcError {
    fn from(e: RpcServiceError) -> Self {
        Self::Service(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_show_service_action_code_message_and_request_id() {
        let err = RpcError::from(RpcServiceError {
            product: "Sts",
            action: "AssumeRole",
            status: 403,
            code: "NoPermission".into(),
            message: "You are not authorized to do this action.".into(),
            request_id: Some("6894B13B-6D71-4EF5-88FA-F32781734A7F".into()),
            host_id: Some("sts.aliyuncs.com".into()),
            recommend: None,
        });
        assert_eq!(
            err.to_string(),
            "Sts refused AssumeRole: HTTP 403 NoPermission: You are not authorized to do this action. (request id 6894B13B-6D71-4EF5-88FA-F32781734A7F, host sts.aliyuncs.com)"
        );
        assert_eq!(err.code(), "NoPermission");
        assert_eq!(
            err.request_id(),
            Some("6894B13B-6D71-4EF5-88FA-F32781734A7F")
        );
    }

    #[test]
    fn failures_without_an_answer_still_have_a_code() {
        let err = RpcError::Transport {
            product: "Sts",
            action: "AssumeRole",
            host: "sts.aliyuncs.com".into(),
            detail: "operation timed out".into(),
            timeout: true,
        };
        assert_eq!((err.code(), err.request_id()), ("Timeout", None));
        assert!(err.to_string().contains("AssumeRole at sts.aliyuncs.com"));
    }
}
