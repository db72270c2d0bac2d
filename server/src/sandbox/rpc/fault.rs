//! RPC error answers: status, code and message, written as the JSON error document.
//!
//! Codes and statuses are the services' own (reference: alibaba-rpc.md); messages paraphrase
//! theirs. A client should key on `Code`.

use std::borrow::Cow;

use http::StatusCode;

/// An RPC error to answer with; [`super::handle`] adds the request id, host and link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RpcFault {
    pub(crate) status: StatusCode,
    pub(crate) code: Cow<'static, str>,
    pub(crate) message: Cow<'static, str>,
}

impl RpcFault {
    pub(crate) fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A required parameter is absent: `Missing<Name>`, as the gateway names it.
    pub(crate) fn missing(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("Missing{name}"),
            format!("{name} is mandatory for this action."),
        )
    }

    /// A parameter has a value the API refuses: `InvalidParameter.<Name>`.
    pub(crate) fn invalid(name: &str, why: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("InvalidParameter.{name}"),
            format!("The parameter {name} is wrongly formed: {why}"),
        )
    }

    pub(crate) fn no_permission() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "NoPermission",
            "You are not authorized to do this action. You should be authorized by RAM.",
        )
    }

    /// KMS's refusal of an action the caller's RAM policy does not grant.
    pub(crate) fn kms_no_permission() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Forbidden.NoPermission",
            "This operation is forbidden by permission system.",
        )
    }

    pub(crate) fn action_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        )
    }

    pub(crate) fn service_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        )
    }

    pub(crate) fn throttled() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )
    }
}
