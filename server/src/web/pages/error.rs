//! `PageError`: a failure a page handler cannot turn into a message next to a field (the database
//! is unreachable, a stored value is corrupt). It is logged once, here, and answered with the
//! error page in the user's shell, never with its internals.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use super::error_page;
use crate::oss::error_chain;
use crate::web::session::{CurrentUser, HtmlError};

/// Why a page could not be served; `?` turns any error into one.
#[derive(Debug)]
pub struct PageError(Box<dyn std::error::Error + Send + Sync>);

impl<E: std::error::Error + Send + Sync + 'static> From<E> for PageError {
    fn from(err: E) -> Self {
        Self(Box::new(err))
    }
}

/// Marks the bare answer of a [`PageError`] for [`error_pages`] to render.
#[derive(Debug, Clone, Copy)]
struct Failed;

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        tracing::error!(error = %error_chain(&*self.0), "could not serve the page");
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(Failed);
        response
    }
}

/// Middleware of the page routes: renders the error page for an answer that a [`PageError`]
/// made. Rendering the shell is asynchronous, which `IntoResponse` is not, so it happens here.
/// The session looked up here is kept in the request, so the handler does not look it up again.
pub async fn error_pages(
    user: Result<CurrentUser, HtmlError>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    match user {
        Ok(user) if response.extensions().get::<Failed>().is_some() => {
            error_page(&user, &jar).await
        }
        _ => response,
    }
}
