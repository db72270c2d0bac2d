//! `GET /`: a TEMPORARY signed-in page ("signed in as NAME (role)" and a sign-out form), only so
//! the sign-in flow can be tested end to end. The dashboard replaces it.

use axum::http::StatusCode;
use axum::response::Response;

use super::extract::CurrentUser;
use super::pages::html_page;

/// `GET /` until the dashboard exists.
pub async fn signed_in_placeholder(user: CurrentUser) -> Response {
    html_page(
        StatusCode::OK,
        app::access::render_signed_in_placeholder(
            user.name().to_owned(),
            user.role().to_string(),
            user.csrf_token.clone(),
        ),
    )
}
