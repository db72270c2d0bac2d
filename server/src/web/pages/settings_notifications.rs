//! `GET /settings/notifications` (admins): notification targets and their deliveries; `POST` adds
//! a target, and `POST /settings/notifications/{id}/{enable,disable,test,delete}` act on one.
//! Every change goes through `actions::targets` (which records it in the audit log); a saved URL
//! or secret is never sent back, not even to the admin who typed it.

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::model::{NewTargetForm, NotificationTargetRow, NotificationsModel, TargetFormErrors};
use app::{FlashKind, Nav, Page};

use super::{PageError, chrome, flash, render};
use crate::actions::targets::{self, TargetError};
use crate::domain::{MAX_NAME, NewTarget, Role, TargetId, TargetInput};
use crate::store::{self, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

const PAGE: &str = "/settings/notifications";

/// The page and the routes of its forms.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(show).post(add))
        .route("/settings/notifications/{id}/{action}", post(act))
}

/// `GET /settings/notifications`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    page(
        &state,
        &user,
        &jar,
        StatusCode::OK,
        NewTargetForm::default(),
    )
    .await
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    jar: &CookieJar,
    status: StatusCode,
    form: NewTargetForm,
) -> Result<Response, PageError> {
    let targets = load(state).await?;
    // `headers::security_headers` marks the page `no-store`, as every HTML page: a refused form
    // is not kept by the back button with what it held.
    let model = NotificationsModel { targets, form };
    Ok(render(
        chrome(user, Nav::Settings, jar),
        Page::Notifications(model),
        status,
    )
    .await)
}

async fn load(state: &AppState) -> Result<Vec<NotificationTargetRow>, StoreError> {
    let targets = store::list_notification_targets(state.store(), state.account()).await?;
    Ok(targets
        .into_iter()
        .map(|s| NotificationTargetRow {
            id: s.target.id.get(),
            kind: s.target.kind.as_str().to_owned(),
            masked_url: s.target.url.masked(),
            name: s.target.name,
            enabled: s.target.enabled,
            created_at: rfc3339(s.target.created_at),
            created_by: s.target.created_by,
            pending: s.pending,
            failed: s.failed,
            last_delivered_at: s.last_delivered_at.map(rfc3339),
            last_error: s.last_error,
            last_error_at: s.last_error_at.map(rfc3339),
        })
        .collect())
}

/// The add-target form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct NewTargetInput {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
}

/// `POST /settings/notifications`: adds the target and redirects to the list, or shows the form
/// again (400) with its messages, the kind and the name — never the URL or the secret.
pub async fn add(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<NewTargetInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let mut shown = NewTargetForm {
        kind: form.kind.trim().chars().take(16).collect(),
        name: form.name.trim().chars().take(MAX_NAME).collect(),
        errors: TargetFormErrors::default(),
    };
    let parsed = NewTarget::parse(&TargetInput {
        kind: &form.kind,
        name: &form.name,
        url: &form.url,
        secret: &form.secret,
    });
    let target = match parsed {
        Ok(target) => target,
        Err(errors) => {
            shown.errors = TargetFormErrors {
                kind: errors.kind.map(sentence),
                name: errors.name.map(sentence),
                url: errors.url.map(sentence),
                secret: errors.secret.map(sentence),
            };
            return page(&state, &user, &jar, StatusCode::BAD_REQUEST, shown).await;
        }
    };
    let target = match state.receivers().admit(target).await {
        Ok(admitted) => admitted,
        Err(refused) => {
            shown.errors.url = Some(sentence(refused.to_string()));
            return page(&state, &user, &jar, StatusCode::BAD_REQUEST, shown).await;
        }
    };
    let actor = user.principal.actor();
    match targets::add(state.store(), state.account(), &target, &actor).await {
        Ok(id) => {
            let text = format!(
                "Target “{}” added; send it a test message to check it.",
                target.target().name
            );
            let back = Redirect::to(&format!("{PAGE}#target-{id}"));
            Ok((flash(jar, FlashKind::Success, &text), back).into_response())
        }
        Err(TargetError::NameTaken(_)) => {
            shown.errors.name = Some("A target with this name exists; choose another.".to_owned());
            page(&state, &user, &jar, StatusCode::BAD_REQUEST, shown).await
        }
        Err(err) => Err(err.into()),
    }
}

/// A field message as the page shows it: a capitalised sentence.
fn sentence(message: String) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => message,
    }
}

/// `POST /settings/notifications/{id}/{enable|disable|test|delete}`.
pub async fn act(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<(String, String)>, PathRejection>,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let back = Redirect::to(PAGE);
    let Some((id, action)) = path
        .ok()
        .and_then(|Path((id, action))| TargetId::parse(&id).map(|id| (id, action)))
    else {
        return Ok((
            flash(jar, FlashKind::Error, "There is no such target."),
            back,
        )
            .into_response());
    };
    let (store, account, actor) = (state.store(), state.account(), user.principal.actor());
    let done = match action.as_str() {
        "enable" => targets::set_enabled(store, account, id, true, &actor)
            .await
            .map(|t| format!("Target “{}” enabled.", t.name)),
        "disable" => targets::set_enabled(store, account, id, false, &actor)
            .await
            .map(|t| format!("Target “{}” disabled; its queued messages wait until it is enabled.", t.name)),
        "test" => targets::send_test(store, account, id, &actor)
            .await
            .map(|t| format!("Test message queued for “{}”; reload this page to see its last delivery or last error.", t.name)),
        "delete" => targets::remove(store, account, id, &actor)
            .await
            .map(|t| format!("Target “{}” deleted with its queued messages.", t.name)),
        _ => return Ok((StatusCode::NOT_FOUND, "Not found\n").into_response()),
    };
    let (kind, text) = match done {
        Ok(text) => (FlashKind::Success, text),
        Err(TargetError::NotFound(_)) => (FlashKind::Error, "There is no such target.".to_owned()),
        Err(TargetError::Disabled(name)) => (
            FlashKind::Error,
            format!("Target “{name}” is disabled; enable it before testing it."),
        ),
        Err(err) => return Err(err.into()),
    };
    Ok((flash(jar, kind, &text), back).into_response())
}
