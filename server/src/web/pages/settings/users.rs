//! `POST /settings/users` (add a user), `POST /settings/users/{name}/role` (set their roles)
//! and `POST /settings/users/{name}/disable` (admins). An admin cannot disable their own account
//! or change their own roles, so there is always someone left to manage the others.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::FlashKind;
use app::model::NewUserForm;

use super::page::page;
use crate::actions::grants::{GrantError, describe};
use crate::actions::users::{self, UserError};
use crate::auth::password::{Password, PasswordError};
use crate::domain::{AccountGrant, Role, UserName};
use crate::web::AppState;
use crate::web::pages::{PageError, flash};
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

/// The add-user form's fields. The password is dropped after hashing and never shown again.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewUserInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    /// Per-account roles: `ACCOUNT=ROLE`, separated by commas.
    #[serde(default)]
    accounts: String,
    #[serde(default)]
    password: String,
}

/// The change-roles form of one user.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RolesInput {
    #[serde(default)]
    role: String,
    #[serde(default)]
    accounts: String,
}

/// `POST /settings/users`: adds the user, or shows the form again with its messages (400).
pub async fn add(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<NewUserInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let mut shown = NewUserForm {
        name: form.name.trim().chars().take(64).collect(),
        role: form.role.trim().to_owned(),
        accounts: form.accounts.trim().chars().take(2000).collect(),
        ..NewUserForm::default()
    };
    let name = UserName::parse(&form.name)
        .map_err(|_| {
            shown.name_error = Some(
                "Use 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit."
                    .to_owned(),
            );
        })
        .ok();
    let role = Role::parse(&form.role)
        .map_err(|_| shown.role_error = Some("Choose viewer, operator or admin.".to_owned()))
        .ok();
    let grants = AccountGrant::parse_list(&form.accounts)
        .map_err(|err| shown.accounts_error = Some(err.to_string()))
        .ok();
    let password = Password::new(&form.password)
        .map_err(|err| shown.password_error = Some(password_message(&err)))
        .ok();
    let (Some(name), Some(role), Some(grants), Some(password)) = (name, role, grants, password)
    else {
        return refuse(&state, &user, &jar, shown).await;
    };
    let actor = user.principal.actor();
    let account = Some(state.account());
    match users::add(
        state.store(),
        account,
        &name,
        role,
        &grants,
        password,
        &actor,
    )
    .await
    {
        Ok(_) => {
            let text = format!("User {name} added with role {}.", describe(role, &grants));
            Ok((
                flash(jar, FlashKind::Success, &text),
                Redirect::to("/settings#users"),
            )
                .into_response())
        }
        Err(UserError::NameTaken(_)) => {
            shown.name_error = Some(format!("A user called {name} already exists."));
            refuse(&state, &user, &jar, shown).await
        }
        Err(UserError::Grants(err @ (GrantError::UnknownAccount(_) | GrantError::Access(_)))) => {
            shown.accounts_error = Some(err.to_string());
            refuse(&state, &user, &jar, shown).await
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /settings/users/{name}/role`: sets the user's role on every account and their
/// per-account roles. An admin cannot change their own roles (they could lock everyone out of
/// the settings).
pub async fn set_role(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, form }: CsrfForm<RolesInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let back = Redirect::to("/settings#users");
    let refuse =
        |jar, text: &str| Ok((flash(jar, FlashKind::Error, text), back.clone()).into_response());
    let Some(name) = path.ok().and_then(|Path(raw)| UserName::parse(&raw).ok()) else {
        return refuse(jar, "There is no such user.");
    };
    if name.as_str().eq_ignore_ascii_case(user.name()) {
        return refuse(
            jar,
            "You cannot change your own roles. Ask another admin to do it.",
        );
    }
    let Ok(role) = Role::parse(&form.role) else {
        return refuse(jar, "Choose viewer, operator or admin.");
    };
    let grants = match AccountGrant::parse_list(&form.accounts) {
        Ok(grants) => grants,
        Err(err) => return refuse(jar, &format!("Roles of {name} not changed: {err}.")),
    };
    let actor = user.principal.actor();
    match users::set_role(
        state.store(),
        Some(state.account()),
        &name,
        role,
        &grants,
        &actor,
    )
    .await
    {
        Ok(()) => {
            let text = format!("Roles of {name} set to {}.", describe(role, &grants));
            Ok((flash(jar, FlashKind::Success, &text), back).into_response())
        }
        Err(UserError::NotFound(_)) => refuse(jar, &format!("There is no user called {name}.")),
        Err(UserError::Grants(err @ (GrantError::UnknownAccount(_) | GrantError::Access(_)))) => {
            refuse(jar, &format!("Roles of {name} not changed: {err}."))
        }
        Err(err) => Err(err.into()),
    }
}

fn password_message(err: &PasswordError) -> String {
    match err {
        PasswordError::Empty | PasswordError::TooShort => "Use at least 12 characters.".to_owned(),
        PasswordError::TooLong => "Use at most 1024 characters.".to_owned(),
        PasswordError::Hash(_) => "The password could not be used; try another.".to_owned(),
    }
}

async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    jar: &CookieJar,
    shown: NewUserForm,
) -> Result<Response, PageError> {
    page(state, user, jar, StatusCode::BAD_REQUEST, |m| {
        m.new_user = shown
    })
    .await
}

/// `POST /settings/users/{name}/disable`: disables the user and ends their sessions.
pub async fn disable(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let back = Redirect::to("/settings#users");
    let Some(name) = path.ok().and_then(|Path(raw)| UserName::parse(&raw).ok()) else {
        let text = "There is no such user.";
        return Ok((flash(jar, FlashKind::Error, text), back).into_response());
    };
    if name.as_str().eq_ignore_ascii_case(user.name()) {
        let text = "You cannot disable your own account. Ask another admin to do it.";
        return Ok((flash(jar, FlashKind::Error, text), back).into_response());
    }
    let actor = user.principal.actor();
    match users::disable(state.store(), Some(state.account()), &name, &actor).await {
        Ok(()) => {
            let text = format!("User {name} disabled; their sessions have ended.");
            Ok((flash(jar, FlashKind::Success, &text), back).into_response())
        }
        Err(UserError::NotFound(_)) => {
            let text = format!("There is no user called {name}.");
            Ok((flash(jar, FlashKind::Error, &text), back).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
