//! `POST /settings/tokens` (create: the answer shows the token once, never stored or redirected
//! with) and `POST /settings/tokens/{id}/revoke` (admins).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use serde::Deserialize;

use app::FlashKind;
use app::model::{CreatedToken, NewTokenForm};

use super::settings::{page, record};
use super::settings_users::NoFields;
use super::{error_page, flash};
use crate::auth::{Role, tokens};
use crate::domain::TokenId;
use crate::store;
use crate::web::AppState;
use crate::web::session::CsrfForm;

/// The create-token form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewTokenInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

/// `POST /settings/tokens`: creates the token and answers with the settings page showing it
/// once (`Cache-Control: no-store`), or the form again with its messages (400).
pub async fn create(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<NewTokenInput>,
) -> Response {
    if let Err(refused) = user.require(Role::Admin) {
        return refused.into_response();
    }
    let name = form.name.trim();
    let mut shown = NewTokenForm {
        name: name.chars().take(64).collect(),
        role: form.role.trim().to_owned(),
        ..NewTokenForm::default()
    };
    // The same rule as `oss-audit token create --name`.
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        shown.name_error = Some("Use 1 to 64 printable characters, e.g. ci-pipeline.".to_owned());
    }
    let role = Role::parse(&form.role).ok();
    if role.is_none() {
        shown.role_error = Some("Choose viewer, operator or admin.".to_owned());
    }
    let Some(role) = role.filter(|_| shown.name_error.is_none()) else {
        return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
            m.new_token = shown;
        })
        .await;
    };
    let actor = user.principal.actor();
    let created = match tokens::create(state.store(), name, role, &actor).await {
        Ok(created) => created,
        Err(err) => {
            tracing::error!(error = %err, "could not create an API token");
            return error_page(&user, &jar).await;
        }
    };
    let detail = format!("created API token {} {name:?} with role {role}", created.id);
    if let Err(err) = record(&state, &actor, "create-token", &detail).await {
        tracing::error!(error = %err, "could not record the new token in the audit log");
    }
    tracing::info!(actor = %actor, token.id = %created.id, role = %role, "API token created from the dashboard");
    let shown_once = CreatedToken {
        name: name.to_owned(),
        role: role.as_str().to_owned(),
        token: created.token.expose().to_owned(),
    };
    let mut response = page(&state, &user, &jar, StatusCode::OK, |m| {
        m.created_token = Some(shown_once);
    })
    .await;
    // Never kept by a cache or the back button: this is the only copy outside its holder.
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /settings/tokens/{id}/revoke`: the token stops working at once.
pub async fn revoke(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Response {
    if let Err(refused) = user.require(Role::Admin) {
        return refused.into_response();
    }
    let back = Redirect::to("/settings#tokens");
    let Some(id) = path.ok().and_then(|Path(raw)| TokenId::parse(&raw)) else {
        return (
            flash(jar, FlashKind::Error, "There is no such token."),
            back,
        )
            .into_response();
    };
    let revoked = match state.store().pool().acquire().await {
        Ok(mut conn) => store::revoke_api_token(&mut conn, id, Utc::now()).await,
        Err(err) => Err(err.into()),
    };
    match revoked {
        Ok(true) => {
            let actor = user.principal.actor();
            if let Err(err) = record(
                &state,
                &actor,
                "revoke-token",
                &format!("revoked API token {id}"),
            )
            .await
            {
                tracing::error!(error = %err, "could not record the revoked token in the audit log");
            }
            tracing::info!(actor = %actor, token.id = %id, "API token revoked from the dashboard");
            let text = format!("Token {id} revoked; it no longer works.");
            (flash(jar, FlashKind::Success, &text), back).into_response()
        }
        Ok(false) => (
            flash(jar, FlashKind::Error, "There is no such token."),
            back,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "could not revoke an API token");
            error_page(&user, &jar).await
        }
    }
}
