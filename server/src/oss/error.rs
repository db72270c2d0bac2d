//! `OssError`: everything that can go wrong talking to OSS, with the details an operator needs.

use std::fmt;

use super::credentials::CredentialsError;
use super::xml::{ErrorBody, XmlError};

/// An error answer from OSS: HTTP status plus the fields of its `<Error>` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub ec: Option<String>,
    /// Present on wrong-region answers: the endpoint the bucket must be addressed on.
    pub endpoint: Option<String>,
}

impl ServiceError {
    /// Builds the error from a parsed body, falling back to the `x-oss-request-id` header.
    pub fn from_body(status: u16, body: ErrorBody, header_request_id: Option<String>) -> Self {
        Self {
            status,
            code: body.code.unwrap_or_else(|| format!("HTTP{status}")),
            message: body.message.unwrap_or_default(),
            request_id: body.request_id.or(header_request_id),
            host_id: body.host_id,
            ec: body.ec,
            endpoint: body.endpoint,
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OSS answered {} {}", self.status, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        write!(
            f,
            " (request id {}",
            self.request_id.as_deref().unwrap_or("none")
        )?;
        if let Some(ec) = &self.ec {
            write!(f, ", EC {ec}")?;
        }
        f.write_str(")")
    }
}

/// Every failure of an OSS operation.
#[derive(Debug, thiserror::Error)]
pub enum OssError {
    /// OSS (or the sandbox) answered with an error document.
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// The answer could not be understood (HTML from a proxy, truncated XML, an unexpected shape).
    #[error(
        "unreadable answer from OSS to {operation} (HTTP {status}, request id {}): {source}",
        request_id.as_deref().unwrap_or("none")
    )]
    MalformedResponse {
        operation: &'static str,
        status: u16,
        request_id: Option<String>,
        #[source]
        source: XmlError,
    },
    /// The answer was larger than any legitimate answer to this operation.
    #[error("answer from OSS to {operation} is larger than {limit} bytes; refusing to read it")]
    ResponseTooLarge {
        operation: &'static str,
        limit: usize,
    },
    /// No answer: connection refused, DNS, TLS, timeout.
    #[error("could not reach OSS for {operation} at {host}: {detail}")]
    Transport {
        operation: &'static str,
        host: String,
        detail: String,
        timeout: bool,
    },
    /// The client configuration is unusable (bad endpoint, proxy, region).
    #[error("invalid OSS client configuration: {0}")]
    Config(String),
    /// No credentials to sign with: the provider failed (e.g. STS refused AssumeRole).
    #[error("{0}")]
    Credentials(CredentialsError),
    /// An OSS answer named a bucket endpoint that is not an OSS host; nothing was sent to it.
    #[error(
        "refused to send {operation} to {endpoint:?}: OSS named it as the bucket's endpoint, but \
         it is neither an OSS endpoint (oss-<region>[-internal].aliyuncs.com) nor under the \
         configured endpoint's domain"
    )]
    UntrustedEndpoint {
        operation: &'static str,
        endpoint: String,
    },
}

impl OssError {
    /// The OSS error code, for service errors; the credential service's (e.g. STS's
    /// `NoPermission`) when credentials could not be obtained.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service(e) => Some(&e.code),
            Self::Credentials(e) => e.code(),
            _ => None,
        }
    }

    /// The OSS request id, when OSS answered at all; the credential service's when it refused.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.request_id.as_deref(),
            Self::MalformedResponse { request_id, .. } => request_id.as_deref(),
            Self::Credentials(e) => e.request_id(),
            _ => None,
        }
    }

    /// The service error, when OSS answered with one.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }

    /// A short code for metrics, logs and the `unknown` status: the OSS code, or the kind of failure.
    pub fn kind_code(&self) -> &str {
        match self {
            Self::Service(e) => &e.code,
            Self::MalformedResponse { .. } => "MalformedResponse",
            Self::ResponseTooLarge { .. } => "ResponseTooLarge",
            Self::Transport { timeout: true, .. } => "Timeout",
            Self::Transport { .. } => "ConnectionError",
            Self::Config(_) => "ConfigError",
            Self::Credentials(e) => e.code().unwrap_or("CredentialsUnavailable"),
            Self::UntrustedEndpoint { .. } => "UntrustedEndpoint",
        }
    }
}

impl From<ServiceError> for OssError {
    fn from(e: ServiceError) -> Self {
        Self::Service(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_show_code_message_and_request_id() {
        let err = OssError::from(ServiceError {
            status: 403,
            code: "AccessDenied".into(),
            message: "You have no right to access this bucket.".into(),
            request_id: Some("5C3D9175B6FC201293AD4890".into()),
            host_id: None,
            ec: Some("0003-00000001".into()),
            endpoint: None,
        });
        assert_eq!(
            err.to_string(),
            "OSS answered 403 AccessDenied: You have no right to access this bucket. (request id 5C3D9175B6FC201293AD4890, EC 0003-00000001)"
        );
        assert_eq!(err.code(), Some("AccessDenied"));
        assert_eq!(err.request_id(), Some("5C3D9175B6FC201293AD4890"));
    }

    #[test]
    fn a_body_without_code_is_named_by_its_status() {
        let err = ServiceError::from_body(503, ErrorBody::default(), Some("RID".into()));
        assert_eq!(err.code, "HTTP503");
        assert_eq!(err.request_id.as_deref(), Some("RID"));
    }
}
