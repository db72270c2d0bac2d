//! `GET /settings/accounts` (everyone signed in): the estate's accounts and how their last scan
//! went. Admins change them: `POST /settings/accounts` adds one, `POST
//! /settings/accounts/{name}/remove` removes one (its history stays) and `POST
//! /settings/accounts/discover` adds the Resource Directory's new members. Every change goes
//! through `actions::accounts`, which records it in the audit log in the same transaction.

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::model::{
    AccountRow, AccountScanRow, AccountsModel, DiscoverForm, DiscoveryResult, NewAccountForm,
};
use app::{FlashKind, Nav, Page};

use super::{PageError, chrome, flash, render};
use crate::actions::accounts::{self, AccountError, AccountInput, Added, Discovery};
use crate::domain::{AccountName, ExternalId, Role, RoleArn, RoleName};
use crate::store::{self, StoreError};
use crate::view::rfc3339;
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

const PAGE: &str = "/settings/accounts";

/// The page and the routes of its forms.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(show).post(add))
        .route("/settings/accounts/discover", post(discover))
        .route("/settings/accounts/{name}/remove", post(remove))
}

/// `GET /settings/accounts`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    page(&state, &user, &jar, StatusCode::OK, |_| {}).await
}

/// The page with `status`, after `adjust` changed its model (a form shown again, or what a
/// discovery did).
async fn page(
    state: &AppState,
    user: &CurrentUser,
    jar: &CookieJar,
    status: StatusCode,
    adjust: impl FnOnce(&mut AccountsModel),
) -> Result<Response, PageError> {
    let mut model = AccountsModel {
        accounts: load(state).await?,
        ..AccountsModel::default()
    };
    adjust(&mut model);
    Ok(render(
        chrome(user, Nav::Settings, jar),
        Page::Accounts(model),
        status,
    )
    .await)
}

/// Every account, the removed ones last.
async fn load(state: &AppState) -> Result<Vec<AccountRow>, StoreError> {
    let mut accounts = store::list_accounts(state.store(), true).await?;
    accounts.sort_by_key(|a| a.removed_at.is_some());
    let last = store::list_last_parts(state.store()).await?;
    Ok(accounts
        .into_iter()
        .map(|a| AccountRow {
            uid: a.uid.as_ref().map(ToString::to_string),
            hub: a.is_hub(),
            role_arn: a.role_arn.as_ref().map(ToString::to_string),
            external_id_set: a.external_id.is_some(),
            endpoint: a.oss_endpoint.clone(),
            created_at: rfc3339(a.created_at),
            created_by: a.created_by.clone(),
            removed_at: a.removed_at.map(rfc3339),
            last_scan: last.get(&a.id).map(|p| AccountScanRow {
                scan_id: p.scan.get(),
                status: p.status.as_str().to_owned(),
                started_at: rfc3339(p.started_at),
                error_code: p.error_code.clone(),
                request_id: p.request_id.clone(),
                error: p.error.clone(),
            }),
            name: a.name.to_string(),
        })
        .collect())
}

/// The add-account form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct NewAccountInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role_arn: String,
    #[serde(default)]
    external_id: String,
    #[serde(default)]
    endpoint: String,
}

/// `POST /settings/accounts`: adds the account (or brings a removed one back) and redirects to
/// it, or shows the form again (400) with its messages.
pub async fn add(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<NewAccountInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let mut shown = NewAccountForm {
        name: form.name.trim().chars().take(64).collect(),
        role_arn: form.role_arn.trim().chars().take(256).collect(),
        external_id: form.external_id.trim().chars().take(1224).collect(),
        endpoint: form.endpoint.trim().chars().take(256).collect(),
        ..NewAccountForm::default()
    };
    let name = AccountName::parse(form.name.trim()).map_err(|e| sentence(&e));
    let role_arn = RoleArn::parse(form.role_arn.trim()).map_err(|e| sentence(&e));
    let external_id = optional(&form.external_id)
        .map(ExternalId::parse)
        .transpose()
        .map_err(|e| sentence(&e));
    shown.name_error = name.as_ref().err().cloned();
    shown.role_arn_error = role_arn.as_ref().err().cloned();
    shown.external_id_error = external_id.as_ref().err().cloned();
    let (Ok(name), Ok(role_arn), Ok(external_id)) = (name, role_arn, external_id) else {
        return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
            m.form = shown;
        })
        .await;
    };
    let input = AccountInput {
        name,
        role_arn,
        external_id,
        endpoint: optional(&form.endpoint).map(str::to_owned),
    };
    let hub_endpoint = state.clients().hub().config().endpoint.to_string();
    let actor = user.principal.actor();
    let added = match accounts::add(state.store(), &hub_endpoint, &input, &actor).await {
        Ok(added) => added,
        Err(AccountError::Endpoint(err)) => {
            shown.endpoint_error = Some(sentence(&err));
            return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
                m.form = shown;
            })
            .await;
        }
        Err(err @ (AccountError::Hub(_) | AccountError::Conflict(_))) => {
            shown.name_error = Some(sentence(&err));
            return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
                m.form = shown;
            })
            .await;
        }
        Err(err) => return Err(err.into()),
    };
    let text = match &added {
        Added::New(a) => format!("Account {} added; the next scan assumes its role.", a.name),
        Added::Revived(a) => format!(
            "Account {} added again, with its history; the next scan covers it.",
            a.name
        ),
        Added::Unchanged(a) => format!("Account {} is already audited with this role.", a.name),
    };
    let back = Redirect::to(&format!("{PAGE}#account-{}", added.account().name));
    Ok((flash(jar, FlashKind::Success, &text), back).into_response())
}

/// `POST /settings/accounts/{name}/remove`: the account is no longer scanned; its history stays.
pub async fn remove(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let back = Redirect::to(PAGE);
    let Some(name) = path
        .ok()
        .and_then(|Path(raw)| AccountName::parse(&raw).ok())
    else {
        let text = "There is no such account.";
        return Ok((flash(jar, FlashKind::Error, text), back).into_response());
    };
    let (kind, text) = match accounts::remove(state.store(), &name, &user.principal.actor()).await {
        Ok((_, true)) => (
            FlashKind::Success,
            format!("Account {name} removed: it is no longer scanned; its history stays."),
        ),
        Ok((_, false)) => (
            FlashKind::Error,
            format!("Account {name} was already removed."),
        ),
        Err(AccountError::NotFound(_)) => {
            (FlashKind::Error, "There is no such account.".to_owned())
        }
        Err(AccountError::Hub(_)) => (
            FlashKind::Error,
            format!(
                "{name} is the hub, the account of oss-audit's own keys; it cannot be removed."
            ),
        ),
        Err(err) => return Err(err.into()),
    };
    Ok((flash(jar, kind, &text), back).into_response())
}

/// The discover form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct DiscoverInput {
    #[serde(default)]
    role_name: String,
    #[serde(default)]
    external_id: String,
}

/// `POST /settings/accounts/discover`: lists the Resource Directory's members, adds the new
/// active ones, and answers with the page saying what it added, found already audited, and found
/// gone; or shows the form again with why not (the directory's code and request id included).
pub async fn discover(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<DiscoverInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let mut shown = DiscoverForm {
        role_name: form.role_name.trim().chars().take(64).collect(),
        external_id: form.external_id.trim().chars().take(1224).collect(),
        ..DiscoverForm::default()
    };
    let role = RoleName::parse(form.role_name.trim()).map_err(|e| sentence(&e));
    let external_id = optional(&form.external_id)
        .map(ExternalId::parse)
        .transpose()
        .map_err(|e| sentence(&e));
    shown.role_name_error = role.as_ref().err().cloned();
    shown.external_id_error = external_id.as_ref().err().cloned();
    let (Ok(role), Ok(external_id)) = (role, external_id) else {
        return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
            m.discover = shown;
        })
        .await;
    };
    let found = accounts::discover(
        state.store(),
        state.directory(),
        state.clients().hub(),
        &role,
        external_id.as_ref(),
        &user.principal.actor(),
    )
    .await;
    match found {
        Ok(found) => {
            let result = result(&found);
            page(&state, &user, &jar, StatusCode::OK, |m| {
                m.discovered = Some(result);
            })
            .await
        }
        Err(err @ (AccountError::Directory(_) | AccountError::HubUid(_))) => {
            // The admin needs the refusal's code and request id to fix the hub's permissions;
            // the message carries no key or signature.
            tracing::warn!(error = %err, "Resource Directory members not discovered");
            shown.error = Some(sentence(&err));
            page(&state, &user, &jar, StatusCode::BAD_GATEWAY, |m| {
                m.discover = shown;
            })
            .await
        }
        Err(err) => Err(err.into()),
    }
}

fn result(found: &Discovery) -> DiscoveryResult {
    let names = |names: &[AccountName]| names.iter().map(ToString::to_string).collect();
    DiscoveryResult {
        added: found
            .added
            .iter()
            .map(|a| {
                let arn = a.role_arn.as_ref().map(ToString::to_string);
                (a.name.to_string(), arn.unwrap_or_default())
            })
            .collect(),
        known: names(&found.known),
        removed_here: names(&found.removed_here),
        left: names(&found.left),
        inactive: found
            .inactive
            .iter()
            .map(|(uid, status)| (uid.to_string(), status.clone()))
            .collect(),
    }
}

/// A form field left empty is not given.
fn optional(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|v| !v.is_empty())
}

/// An error as a field message: a capitalised sentence.
fn sentence(err: &dyn std::fmt::Display) -> String {
    let text = err.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let end = if text.ends_with('.') || text.ends_with(')') {
                ""
            } else {
                "."
            };
            format!("{}{}{end}", first.to_uppercase(), chars.as_str())
        }
        None => text,
    }
}
