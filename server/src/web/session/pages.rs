//! `HtmlError`: how the HTML side refuses a request (sign-in needed, forbidden, bad CSRF token,
//! throttled, broken), each as a small page with the right status and no internals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;

use super::request::{SESSION_COOKIE, removal};
use crate::domain::Role;
use crate::store::StoreError;
use crate::web::assets::STYLESHEET_PATH;

/// Where every user changes their password, and the only page (with signing out) open to a user
/// who must choose a new one.
pub const CHANGE_PASSWORD_PATH: &str = "/account/password";

/// A refusal or failure of an HTML route.
#[derive(Debug)]
pub enum HtmlError {
    /// No valid session: browsers are sent to sign in (and back to `next` after), other clients
    /// get 401. `clear_cookie` removes a session cookie that no longer works.
    SignInRequired {
        next: String,
        browser: bool,
        clear_cookie: Option<bool>,
    },
    /// The signed-in user's role is below `required` (403).
    Forbidden { required: Role },
    /// The user's role on the account acted on is too low (403).
    ForbiddenOn { required: Role, account: String },
    /// The user holds the role on some accounts only, and this acts on every account (403).
    ForbiddenEverywhere { required: Role },
    /// A state-changing form without this session's CSRF token (403).
    CsrfRejected,
    /// A form that cannot be read (400).
    BadRequest,
    /// Too many failed sign-ins; try again in this many minutes (429).
    TooManyAttempts { minutes: i64 },
    /// Every place for a password check is taken; try again in a moment (429).
    Busy,
    /// The user must choose a new password before anything else: to the change-password page.
    PasswordChangeRequired,
    /// Something broke on our side (500); the cause was logged where it happened.
    Internal,
}

impl From<StoreError> for HtmlError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "database error while serving a page");
        Self::Internal
    }
}

/// An HTML page with `status`.
pub fn html_page(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn message(status: StatusCode, title: &str, text: String, link: Option<(&str, &str)>) -> Response {
    let link = link.map(|(href, label)| (href.to_owned(), label.to_owned()));
    html_page(
        status,
        app::access::render_message_page(&STYLESHEET_PATH, title.to_owned(), text, link),
    )
}

/// The page saying sign-in is locked for `minutes` (429, with `Retry-After`).
pub fn too_many_attempts(minutes: i64) -> Response {
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    let mut response = message(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        format!("Too many attempts, try again in {minutes} {unit}."),
        Some(("/login", "Back to sign-in")),
    );
    if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// `/login?next=<next>` with `next` form-encoded.
pub fn login_url(next: &str, error: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(error) = error {
        query.append_pair("error", error);
    }
    if !next.is_empty() && next != "/" {
        query.append_pair("next", next);
    }
    let query = query.finish();
    if query.is_empty() {
        "/login".to_owned()
    } else {
        format!("/login?{query}")
    }
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        match self {
            Self::SignInRequired {
                next,
                browser,
                clear_cookie,
            } => {
                let jar = match clear_cookie {
                    Some(secure) => CookieJar::new().add(removal(SESSION_COOKIE, "/", secure)),
                    None => CookieJar::new(),
                };
                if browser {
                    (jar, Redirect::to(&login_url(&next, None))).into_response()
                } else {
                    (StatusCode::UNAUTHORIZED, jar, "sign in required\n").into_response()
                }
            }
            Self::Forbidden { required } => message(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!("This needs the {required} role, which your account does not have."),
                Some(("/", "Back to the dashboard")),
            ),
            Self::ForbiddenOn { required, account } => message(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!(
                    "This needs the {required} role on account {account}, which you do not have there."
                ),
                Some(("/", "Back to the dashboard")),
            ),
            Self::ForbiddenEverywhere { required } => message(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!(
                    "This acts on every account and needs the {required} role on each of them; you have it on some accounts only."
                ),
                Some(("/", "Back to the dashboard")),
            ),
            Self::CsrfRejected => message(
                StatusCode::FORBIDDEN,
                "Form expired",
                "This form has expired or did not come from this site. Go back, reload the page and try again."
                    .to_owned(),
                Some(("/", "Back to the dashboard")),
            ),
            Self::BadRequest => message(
                StatusCode::BAD_REQUEST,
                "Bad request",
                "The form could not be read. Go back, reload the page and try again.".to_owned(),
                None,
            ),
            Self::TooManyAttempts { minutes } => too_many_attempts(minutes),
            Self::PasswordChangeRequired => {
                Redirect::to(CHANGE_PASSWORD_PATH).into_response()
            }
            Self::Busy => {
                let mut response = message(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Busy",
                    "Too many passwords are being checked at once. Try again in a moment."
                        .to_owned(),
                    Some(("/login", "Back to sign-in")),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response
            }
            Self::Internal => message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The server could not complete this request. Try again in a moment.".to_owned(),
                None,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_urls_carry_next_form_encoded() {
        assert_eq!(login_url("/", None), "/login");
        assert_eq!(
            login_url("/buckets?region=cn-hangzhou&x=1", Some("invalid")),
            "/login?error=invalid&next=%2Fbuckets%3Fregion%3Dcn-hangzhou%26x%3D1"
        );
    }
}
