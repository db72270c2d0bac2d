//! Browser sessions: sign-in and sign-out pages, the session cookie, and the extractors HTML
//! routes use to know who is signed in and to check their forms' CSRF tokens.

mod config;
mod extract;
mod host_prefix;
mod login;
mod logout;
mod pages;
mod request;

use axum::Router;
use axum::routing::{get, post};

pub use config::{ADMIN_PASSWORD_VAR, AccessConfig};
pub use extract::{
    Admins, CsrfForm, CurrentUser, MinimumRole, NoFields, Operators, RequireRole, Viewers,
};
pub use host_prefix::{FLASH_COOKIE, HOST_PREFIX, host_prefixed_cookies};
pub use login::{INVALID_CREDENTIALS, local_path};
pub use pages::{CHANGE_PASSWORD_PATH, HtmlError, html_page, login_url, too_many_attempts};
pub use request::{
    ClientInfo, LOGIN_CSRF_COOKIE, SESSION_COOKIE, client_address, cookie, removal,
    wants_secure_cookies,
};

use super::AppState;

/// `GET/POST /login` and `POST /logout`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(logout::logout))
}
