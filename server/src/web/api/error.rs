//! `ApiError`: the one error type of the JSON API, always `{"error":{"code","message"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::actions::ChangeError;
use crate::oss::OssError;
use crate::scan::ScanError;
use crate::store::StoreError;

/// An API failure, mapped to a status and a body without internals.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: String,
    message: String,
    request_id: Option<String>,
}

/// The error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `invalid_input`, `unauthorized`, `token_expired`, `forbidden`, `not_found`,
    /// `conflict`, `stale_plan`, `not_revertible`, `internal`, or the OSS error code (with status
    /// 502).
    pub code: String,
    pub message: String,
    /// The OSS request id, when OSS refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            request_id: None,
        }
    }

    /// 400: the request is invalid; nothing was changed.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_input", message)
    }

    /// 403: the four-eyes rule refuses the step (approving one's own request).
    pub fn four_eyes(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "four_eyes", message)
    }

    /// 401: no valid token.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid API token is required: Authorization: Bearer <token>",
        )
    }

    /// 401: the token was valid until `at`; its holder needs a new one.
    pub fn token_expired(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            format!(
                "this API token expired at {}; ask an admin for a new one",
                at.format("%Y-%m-%d %H:%M UTC")
            ),
        )
    }

    /// 403: the token's role is too low.
    pub fn forbidden(required: crate::domain::Role) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this needs the {required} role"),
        )
    }

    /// 403: the token's role on the account of what it acts on is too low.
    pub fn forbidden_on(required: crate::domain::Role, account: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this needs the {required} role on account {account}"),
        )
    }

    /// 403: the token holds the role on some accounts only, and this acts on every account.
    pub fn forbidden_everywhere(required: crate::domain::Role) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this acts on every account and needs the {required} role on each of them"),
        )
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 405: the route exists, the method does not.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this route does not take that method",
        )
    }

    /// 409.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 409 with a code of its own, for conflicts a client handles differently.
    pub fn conflict_coded(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 500, with a message that gives nothing away; the cause is logged where it happened.
    pub fn internal(message: &str) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                request_id: self.request_id,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "database error");
        Self::internal("the database could not answer; try again")
    }
}

impl From<OssError> for ApiError {
    fn from(err: OssError) -> Self {
        let (code, message) = match err.service() {
            Some(service) => (service.code.clone(), service.message.clone()),
            None => (err.kind_code().to_owned(), err.to_string()),
        };
        Self {
            status: StatusCode::BAD_GATEWAY,
            code,
            message,
            request_id: err.request_id().map(str::to_owned),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(err: ChangeError) -> Self {
        match err {
            ChangeError::NotInInventory(_) => Self::not_found(err.to_string()),
            ChangeError::KeyNotUsable { .. } => Self::conflict(err.to_string()),
            ChangeError::Oss(oss) => oss.into(),
            ChangeError::Store(store) => store.into(),
        }
    }
}

impl From<ScanError> for ApiError {
    fn from(err: ScanError) -> Self {
        match err {
            ScanError::AlreadyRunning(_) => Self::conflict(err.to_string()),
            ScanError::Store(store) => store.into(),
            other => {
                tracing::error!(error = %other, "scan error");
                Self::internal("the scan could not start")
            }
        }
    }
}
