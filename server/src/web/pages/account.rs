//! `GET /account/password` and `POST /account/password`: every user changes their own password
//! (the current one, the new one twice). Guessing the current password here is throttled and
//! bounded exactly like signing in; a success ends the user's other sessions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::Utc;

use app::FlashKind;
use app::access::{PasswordForm, render_password_page};

use super::{PageError, flash};
use crate::actions::users::{UserError, change_own_password};
use crate::auth::password::{MIN_PASSWORD_LEN, Password, PasswordError};
use crate::auth::throttle::Reserved;
use crate::domain::{Secret, UserName};
use crate::web::AppState;
use crate::web::assets::STYLESHEET_PATH;
use crate::web::session::{
    CHANGE_PASSWORD_PATH, ClientInfo, CsrfForm, CurrentUser, HtmlError, SESSION_COOKIE, html_page,
};

/// The change-password form's fields. Never printed: they are passwords.
#[derive(Default, serde::Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

impl std::fmt::Debug for PasswordInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordInput(***)")
    }
}

/// `/account/password`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route(CHANGE_PASSWORD_PATH, axum::routing::get(page).post(submit))
}

/// The form for `user`, empty.
fn blank(user: &CurrentUser) -> PasswordForm {
    PasswordForm {
        user: user.name().to_owned(),
        csrf_token: user.csrf_token.clone(),
        required: user.must_change_password,
        min_length: MIN_PASSWORD_LEN,
        ..PasswordForm::default()
    }
}

fn show(status: StatusCode, form: PasswordForm) -> Response {
    html_page(status, render_password_page(&STYLESHEET_PATH, form))
}

/// `GET /account/password`.
pub async fn page(user: CurrentUser) -> Response {
    show(StatusCode::OK, blank(&user))
}

/// `POST /account/password`: changes the password and goes on to the dashboard, or shows the
/// form again with its messages (400).
pub async fn submit(
    State(state): State<AppState>,
    client: ClientInfo,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<PasswordInput>,
) -> Result<Response, PageError> {
    let mut shown = blank(&user);
    let new = Password::new(&form.new_password)
        .map_err(|err| shown.new_error = Some(password_message(&err)))
        .ok();
    if form.confirm_password != form.new_password {
        shown.confirm_error = Some("The two new passwords differ; type the same one twice.".into());
    }
    if form.current_password.is_empty() {
        shown.current_error = Some("Enter your current password.".into());
    }
    let (Some(new), None, None) = (new, &shown.confirm_error, &shown.current_error) else {
        return Ok(show(StatusCode::BAD_REQUEST, shown));
    };
    let Ok(name) = UserName::parse(user.name()) else {
        return Ok(HtmlError::BadRequest.into_response());
    };
    let Some(check) = state.password_checks().try_begin() else {
        return Ok(HtmlError::Busy.into_response());
    };
    let throttle = &state.access().throttle;
    let now = Utc::now();
    let reservation = match throttle
        .reserve(state.store(), name.as_str(), &client.address, now)
        .await?
    {
        Reserved::Granted(reservation) => reservation,
        Reserved::Refused(verdict) => {
            let minutes = verdict.minutes_left(now);
            return Ok(HtmlError::TooManyAttempts { minutes }.into_response());
        }
    };
    let keep = jar
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let changed = change_own_password(
        state.store(),
        Some(state.account()),
        &check,
        &name,
        Secret::new(form.current_password),
        new,
        &keep,
    )
    .await;
    match changed {
        Ok(()) => {
            throttle.succeeded(state.store(), reservation).await?;
            let text = "Your password was changed; your other sessions have ended.";
            Ok((flash(jar, FlashKind::Success, text), Redirect::to("/")).into_response())
        }
        Err(UserError::WrongPassword) => {
            shown.current_error = Some("This is not your current password.".into());
            Ok(show(StatusCode::BAD_REQUEST, shown))
        }
        Err(UserError::SamePassword) => {
            throttle.succeeded(state.store(), reservation).await?;
            shown.new_error = Some("Choose a password other than the current one.".into());
            Ok(show(StatusCode::BAD_REQUEST, shown))
        }
        Err(UserError::Password(err)) => {
            shown.new_error = Some(password_message(&err));
            Ok(show(StatusCode::BAD_REQUEST, shown))
        }
        Err(err) => Err(err.into()),
    }
}

/// A password refusal in the words of the form.
pub fn password_message(err: &PasswordError) -> String {
    match err {
        PasswordError::Empty | PasswordError::TooShort => {
            format!("Use at least {MIN_PASSWORD_LEN} characters.")
        }
        PasswordError::TooLong => "Use at most 1024 characters.".to_owned(),
        PasswordError::Hash(_) => "The password could not be used; try another.".to_owned(),
    }
}
