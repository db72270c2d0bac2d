//! `ApiPath`: path parameters whose every rejection (e.g. a percent-encoding that is not UTF-8)
//! is answered in the API's JSON error format, like every other API error.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::ApiError;

/// The path parameters of an API route.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status().is_server_error() => {
                tracing::error!(error = %rejection.body_text(), "path parameters not extracted");
                Err(ApiError::internal("the request path could not be read"))
            }
            Err(rejection) => Err(ApiError::invalid(rejection.body_text())),
        }
    }
}
