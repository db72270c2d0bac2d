//! `GET /login` and `POST /login`: the sign-in form and its handling (login CSRF, throttling,
//! constant-ish timing, a new session id at every sign-in).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::Utc;

use super::pages::{HtmlError, html_page, login_url};
use super::request::{ClientInfo, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, removal};
use crate::auth::secrets::{constant_time_eq, random_token};
use crate::auth::sessions;
use crate::auth::throttle::Reserved;
use crate::domain::{MAX_USER_NAME_LEN, Secret};
use crate::web::AppState;
use crate::web::assets::STYLESHEET_PATH;

/// The only message a failed sign-in shows, whether or not the user exists.
pub const INVALID_CREDENTIALS: &str = "Invalid user name or password";

/// The query of `GET /login`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    error: Option<String>,
}

/// The fields of the sign-in form. Every field defaults to empty, so a form with a field
/// missing is judged like one with a wrong value.
#[derive(Default, serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    csrf_token: String,
}

impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm")
            .field("username", &self.username)
            .field("password", &"***")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// `next` when it is a path on this site, so signing in can never send a user elsewhere
/// (`//host`, `/\host` and schemes are refused).
pub fn local_path(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 2048;
    (local && !next.starts_with("/login")).then(|| next.to_owned())
}

/// The login CSRF value of this browser: the cookie's when it has a well-formed one (so two
/// open tabs both work), else a new one.
fn login_csrf_value(jar: &CookieJar) -> Option<String> {
    jar.get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| {
            v.len() == 43
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Renders the sign-in page, setting the login CSRF cookie it pairs with.
fn login_page(
    status: StatusCode,
    jar: CookieJar,
    client: &ClientInfo,
    next: Option<String>,
    error: Option<String>,
) -> Response {
    let token = login_csrf_value(&jar).unwrap_or_else(|| random_token(32));
    let jar = jar.add(cookie(
        LOGIN_CSRF_COOKIE,
        token.clone(),
        "/login",
        client.secure_cookies,
    ));
    (
        jar,
        html_page(
            status,
            app::access::render_login_page(&STYLESHEET_PATH, token, next, error),
        ),
    )
        .into_response()
}

/// `GET /login`.
pub async fn show(client: ClientInfo, jar: CookieJar, Query(query): Query<LoginQuery>) -> Response {
    // Only known codes become messages: the query is not echoed onto the page.
    let error = match query.error.as_deref() {
        Some("invalid") => Some(INVALID_CREDENTIALS.to_owned()),
        Some("expired") => Some("The sign-in form expired. Please try again.".to_owned()),
        _ => None,
    };
    login_page(
        StatusCode::OK,
        jar,
        &client,
        local_path(query.next.as_deref()),
        error,
    )
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    client: ClientInfo,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, HtmlError> {
    let next = local_path(form.next.as_deref());
    // Login CSRF (double submit): the form's hidden value must equal the cookie set with it.
    // A cross-site page can make a browser post this form, but can neither read nor set our
    // SameSite=Strict, HttpOnly cookie, so it cannot sign a victim in to the attacker's account.
    let cookie_token = login_csrf_value(&jar);
    let csrf_ok = cookie_token
        .as_deref()
        .is_some_and(|expected| constant_time_eq(&form.csrf_token, expected));
    if !csrf_ok {
        return Ok(login_page(
            StatusCode::FORBIDDEN,
            jar,
            &client,
            next,
            Some("The sign-in form expired. Please try again.".to_owned()),
        ));
    }
    let username: String = form
        .username
        .trim()
        .chars()
        .take(MAX_USER_NAME_LEN)
        .collect();
    let access = state.access();
    // A place for the password check first: a refusal here costs the client no attempt.
    let Some(check) = state.password_checks().try_begin() else {
        tracing::warn!(client.address = %client.address, "sign-in refused: every password check place is taken");
        return Err(HtmlError::Busy);
    };
    let now = Utc::now();
    let reservation = match access
        .throttle
        .reserve(state.store(), &username, &client.address, now)
        .await?
    {
        Reserved::Granted(reservation) => reservation,
        Reserved::Refused(verdict) => {
            tracing::warn!(client.address = %client.address, "sign-in refused: too many failed attempts");
            return Err(HtmlError::TooManyAttempts {
                minutes: verdict.minutes_left(now),
            });
        }
    };
    let user = check
        .verify_credentials(state.store(), &username, Secret::new(form.password))
        .await?;
    drop(check);
    if user.is_some() {
        access
            .throttle
            .succeeded(state.store(), reservation)
            .await?;
    }
    let Some(user) = user else {
        tracing::info!(client.address = %client.address, "sign-in failed");
        tokio::time::sleep(access.failed_login_delay).await;
        let target = login_url(next.as_deref().unwrap_or("/"), Some("invalid"));
        return Ok(Redirect::to(&target).into_response());
    };
    // A new session id at every sign-in: a session id planted in the browser before (session
    // fixation) or left from an earlier sign-in is ended first.
    if let Some(old) = jar.get(SESSION_COOKIE) {
        sessions::end(state.store(), old.value()).await?;
    }
    let started = sessions::start(
        state.store(),
        user.id,
        Some(&client.address),
        &access.lifetime,
    )
    .await?;
    housekeeping(&state).await;
    tracing::info!(user.name = %user.name, client.address = %client.address, "signed in");
    let jar = jar
        .remove(removal(LOGIN_CSRF_COOKIE, "/login", client.secure_cookies))
        .add(cookie(
            SESSION_COOKIE,
            started.cookie_value.expose().to_owned(),
            "/",
            client.secure_cookies,
        ));
    Ok((jar, Redirect::to(next.as_deref().unwrap_or("/"))).into_response())
}

/// Deletes expired sessions and attempts too old to count; a failure here only delays that.
async fn housekeeping(state: &AppState) {
    let access = state.access();
    let result = async {
        sessions::delete_expired(state.store(), &access.lifetime).await?;
        access.throttle.prune(state.store(), Utc::now()).await
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(error = %err, "could not delete expired sessions or old sign-in attempts");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            local_path(Some("/buckets?x=1")),
            Some("/buckets?x=1".into())
        );
        assert_eq!(local_path(Some("/")), Some("/".into()));
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/ok\r\nSet-Cookie: x",
            "/login?next=/x",
        ] {
            assert_eq!(local_path(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(local_path(None), None);
    }
}
