//! `GET /settings` (admins only): the policy form, users, API tokens and the scan schedule. The
//! forms post to `policy`, `users` and `tokens`, which answer with a redirect, or with this page
//! again (messages next to the fields, or a new token shown once) built by `page`.

mod page;
mod policy;
mod rules;
mod rules_table;
mod tokens;
mod users;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;

use super::PageError;
use crate::domain::Role;
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// `/settings` and the routes of its forms.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings", get(show))
        .route("/settings/policy", post(policy::submit))
        .route("/settings/policy/rules", post(rules::add))
        .route(
            "/settings/policy/rules/{number}/remove",
            post(rules::remove),
        )
        .route(
            "/settings/policy/rules/{number}/move",
            post(rules::move_rule),
        )
        .route("/settings/users", post(users::add))
        .route("/settings/users/{name}/disable", post(users::disable))
        .route("/settings/users/{name}/role", post(users::set_role))
        .route("/settings/tokens", post(tokens::create))
        .route("/settings/tokens/{id}/revoke", post(tokens::revoke))
}

/// `GET /settings`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    page::page(&state, &user, &jar, StatusCode::OK, |_| {}).await
}
