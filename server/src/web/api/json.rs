//! `ApiJson`: a JSON body whose every rejection (malformed, wrong shape, too large) is a 400 in the
//! API's error format.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};

use super::ApiError;

/// The largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON request body.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::invalid(format!(
                "the request body could not be read or is larger than {MAX_BODY_BYTES} bytes"
            ))),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::invalid(
                "the request body must be JSON (Content-Type: application/json)",
            )),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::invalid(format!(
                "malformed JSON: {}",
                e.body_text()
            ))),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::invalid(format!(
                "invalid JSON body: {}",
                e.body_text()
            ))),
            Err(other) => Err(ApiError::invalid(other.body_text())),
        }
    }
}
