//! `POST /settings/tokens` (create: the answer shows the token once, never stored or redirected
//! with) and `POST /settings/tokens/{id}/revoke` (the token's owner or an admin).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::FlashKind;
use app::model::{CreatedToken, NewTokenForm};

use super::page::page;
use crate::actions::grants::{GrantError, describe};
use crate::actions::tokens::{self, RevokeError, TokenRequest};
use crate::auth::Principal;
use crate::auth::tokens::TokenLifetime;
use crate::domain::{AccountGrant, Role, TokenId};
use crate::web::AppState;
use crate::web::pages::{PageError, flash};
use crate::web::session::{CsrfForm, HtmlError, NoFields};

/// The create-token form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewTokenInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    expires_in_days: String,
    /// Per-account roles: `ACCOUNT=ROLE`, separated by commas.
    #[serde(default)]
    accounts: String,
}

/// `POST /settings/tokens`: creates the token and answers with the settings page showing it
/// once (`Cache-Control: no-store`), or the form again with its messages (400).
pub async fn create(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<NewTokenInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let name = form.name.trim();
    let mut shown = NewTokenForm {
        name: name.chars().take(64).collect(),
        role: form.role.trim().to_owned(),
        expires_in_days: form.expires_in_days.trim().chars().take(8).collect(),
        accounts: form.accounts.trim().chars().take(2000).collect(),
        ..NewTokenForm::default()
    };
    let lifetime = match form.expires_in_days.trim() {
        "" => Some(TokenLifetime::default()),
        days => days
            .parse::<u64>()
            .ok()
            .and_then(|days| TokenLifetime::days(days).ok()),
    };
    if lifetime.is_none() {
        shown.expires_error = Some(format!(
            "Use a whole number of days from 1 to {}.",
            TokenLifetime::MAX_DAYS
        ));
    }
    // The same rule as `oss-audit token create --name`.
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        shown.name_error = Some("Use 1 to 64 printable characters, e.g. ci-pipeline.".to_owned());
    }
    let role = Role::parse(&form.role).ok();
    if role.is_none() {
        shown.role_error = Some("Choose viewer, operator or admin.".to_owned());
    }
    let grants = AccountGrant::parse_list(&form.accounts)
        .map_err(|err| shown.accounts_error = Some(err.to_string()))
        .ok();
    let (Some(role), Some(lifetime), Some(grants), None) =
        (role, lifetime, grants, &shown.name_error)
    else {
        return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
            m.new_token = shown;
        })
        .await;
    };
    let actor = user.principal.actor();
    let owner = match &user.principal {
        Principal::User { id, .. } => Some(*id),
        Principal::Token { .. } => None,
    };
    let request = TokenRequest {
        name,
        role,
        grants: &grants,
        lifetime,
        owner,
    };
    let account = Some(state.account());
    let created = match tokens::create(state.store(), account, &request, &actor).await {
        Ok(created) => created,
        Err(GrantError::Store(err)) => return Err(err.into()),
        Err(err) => {
            shown.accounts_error = Some(err.to_string());
            return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
                m.new_token = shown;
            })
            .await;
        }
    };
    let shown_once = CreatedToken {
        name: name.to_owned(),
        role: describe(role, &grants),
        token: created.token.expose().to_owned(),
    };
    let mut response = page(&state, &user, &jar, StatusCode::OK, |m| {
        m.created_token = Some(shown_once);
    })
    .await?;
    // Never kept by a cache or the back button: this is the only copy outside its holder.
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /settings/tokens/{id}/revoke`: the token stops working at once. Its owner or an admin
/// may revoke it.
pub async fn revoke(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let back = Redirect::to("/settings#tokens");
    let no_such = |jar| {
        (
            flash(jar, FlashKind::Error, "There is no such token."),
            back,
        )
            .into_response()
    };
    let Some(id) = path.ok().and_then(|Path(raw)| TokenId::parse(&raw)) else {
        return Ok(no_such(jar));
    };
    match tokens::revoke_as(state.store(), state.account(), id, &user.principal).await {
        Ok(()) => {}
        Err(RevokeError::NotFound(_)) => return Ok(no_such(jar)),
        Err(RevokeError::NotYours) => {
            let refused = HtmlError::Forbidden {
                required: Role::Admin,
            };
            return Ok(refused.into_response());
        }
        Err(RevokeError::Store(err)) => return Err(err.into()),
    }
    let text = format!("Token {id} revoked; it no longer works.");
    Ok((
        flash(jar, FlashKind::Success, &text),
        Redirect::to("/settings#tokens"),
    )
        .into_response())
}
