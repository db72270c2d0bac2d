//! `POST /logout`: ends the session (CSRF-checked) and clears its cookie.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;

use super::extract::CsrfForm;
use super::pages::HtmlError;
use super::request::{ClientInfo, SESSION_COOKIE, removal};
use crate::auth::sessions;
use crate::web::AppState;

/// The sign-out form has no fields besides its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// `POST /logout`: deletes the session row, clears the cookie, 303 to `/login`.
pub async fn logout(
    State(state): State<AppState>,
    client: ClientInfo,
    jar: CookieJar,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Response, HtmlError> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        sessions::end(state.store(), cookie.value()).await?;
    }
    tracing::info!(user.name = %user.name(), "signed out");
    let jar = jar.remove(removal(SESSION_COOKIE, "/", client.secure_cookies));
    Ok((jar, Redirect::to("/login")).into_response())
}
